"""Shared by the measured snippets' tests: one measurement per test file."""

from __future__ import annotations

import pytest

from coursecode.bench import measure_snippet


@pytest.fixture(scope="module")
def first(request: pytest.FixtureRequest) -> dict[str, float]:
    """``measure("test")`` of the file's ``SNIPPET``, shared by its tests; a test re-measures
    (``timing.measure_until``) only if its check does not hold on this one."""
    return measure_snippet(request.module.SNIPPET, size="test")
