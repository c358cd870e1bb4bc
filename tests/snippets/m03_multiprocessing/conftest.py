"""Module 3's examples, imported under their own names, as their worker processes import them.

A worker started with forkserver or spawn (or a Dask worker) finds a function by its module's
name, so a test cannot load these files under a made-up name the way Module 1's tests do. The
fixture puts ``snippets/m03_multiprocessing`` first on ``sys.path`` for the test file's duration
and sets aside any other chapter's module of the same name (every chapter has an
``exercise_solution``); both are restored afterwards.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from types import ModuleType

import pytest

from tests.conftest import ROOT

SNIPPETS = ROOT / "snippets" / "m03_multiprocessing"
NAMES = sorted(path.stem for path in SNIPPETS.glob("*.py"))


@pytest.fixture(scope="module")
def load() -> Iterator[Callable[[str], ModuleType]]:
    saved_path = list(sys.path)
    saved_modules = {name: sys.modules.pop(name) for name in NAMES if name in sys.modules}
    sys.path.insert(0, str(SNIPPETS))
    try:
        yield importlib.import_module
    finally:
        sys.path[:] = saved_path
        for name in NAMES:
            sys.modules.pop(name, None)
        sys.modules.update(saved_modules)
