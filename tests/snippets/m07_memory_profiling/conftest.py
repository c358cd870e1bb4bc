"""Module 7's snippets import each other by name (``from shop_service import ...``), as they do
when run as scripts, and one of Module 5's (``sizes.py`` imports ``refcount_caveats``). The
``m07`` fixture imports them that way and forgets them afterwards, so their generic names never
shadow another module's snippets in the same test run."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from types import ModuleType

import pytest

from tests.conftest import ROOT

SNIPPETS = ROOT / "snippets" / "m07_memory_profiling"
ALL_SNIPPETS = ROOT / "snippets"


@pytest.fixture(scope="module")
def m07() -> Iterator[Callable[[str], ModuleType]]:
    """``m07("case_study")`` imports ``snippets/m07_memory_profiling/case_study.py``."""
    saved_path = list(sys.path)
    sys.path.insert(0, str(SNIPPETS))
    try:
        yield importlib.import_module
    finally:
        sys.path[:] = saved_path
        for name, module in list(sys.modules.items()):
            if str(getattr(module, "__file__", "") or "").startswith(str(ALL_SNIPPETS)):
                del sys.modules[name]
