"""Module 2's snippet tests. ``load`` imports a snippet without running its demo."""

from __future__ import annotations

import runpy
import sys
from typing import Any

from tests.conftest import ROOT

SNIPPETS = ROOT / "snippets" / "m02_threading"


def load(name: str) -> dict[str, Any]:
    """A snippet's definitions, run under its own name (not ``__main__``: the demo stays quiet).

    The folder goes on ``sys.path`` as it would for ``python snippets/m02_threading/NAME.py``,
    since queue_shutdown.py imports its neighbour producer_consumer.py.
    """
    if str(SNIPPETS) not in sys.path:
        sys.path.append(str(SNIPPETS))
    return runpy.run_path(str(SNIPPETS / f"{name}.py"), run_name=f"m02_{name}")
