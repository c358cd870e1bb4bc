"""One check for Module 3's parallel speed-ups, built on the shared timing helpers."""

from __future__ import annotations

from pathlib import Path

from tests.support.timing import measure_until, skip_if_no_spare_core, skip_unless_two_cores


def assert_speedup(
    snippet: Path, keys: tuple[str, ...], bound: float, first: dict[str, float]
) -> dict[str, float]:
    """Every figure in ``keys`` exceeds ``bound`` in one of a few measurements; if they never
    do, skip when the machine has no spare core right now, else fail. Returns the figures."""
    skip_unless_two_cores()

    def holds(figures: dict[str, float]) -> bool:
        return all(figures[key] > bound for key in keys)

    figures = measure_until(snippet, holds, first)
    if not holds(figures):
        skip_if_no_spare_core(figures)
    assert holds(figures), figures
    return figures
