"""Module 4's snippets imported as modules, so their functions can be tested (demos do not run).

They import each other by name (``from async_client import fetch_async``) and hand functions to
process pools, which pickle them by module name: so they are imported for real, from their folder
appended to ``sys.path`` (appended, so it can never shadow another import).
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

from tests.conftest import ROOT

SNIPPETS = ROOT / "snippets/m04_executors_asyncio"


def load(name: str) -> ModuleType:
    if str(SNIPPETS) not in sys.path:
        sys.path.append(str(SNIPPETS))
    return importlib.import_module(name)
