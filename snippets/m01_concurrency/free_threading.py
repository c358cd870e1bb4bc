# test: pythons
"""Is this interpreter running with a GIL? Ask it instead of assuming.

Free-threaded CPython (PEP 703) is a separate build, ``python3.13t`` / ``python3.14t``. It can
still turn the GIL back on at run time (``PYTHON_GIL=1``, ``-X gil=1``, or automatically when it
imports an extension module that has not declared itself free-threading safe), which is why
"is this a free-threaded build?" and "is the GIL enabled right now?" are two questions.
"""

from __future__ import annotations

import sys
import sysconfig


# --8<-- [start:check]
def free_threaded_build() -> bool:
    """Was this interpreter compiled with ``--disable-gil``? (None before 3.13, 0 or 1 after.)"""
    return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def gil_enabled() -> bool:
    """Is the GIL on right now? ``sys._is_gil_enabled()`` exists from 3.13; before, always."""
    return getattr(sys, "_is_gil_enabled", lambda: True)()
    # --8<-- [end:check]


if __name__ == "__main__":
    # --8<-- [start:demo]
    # On the standard CPython builds this course supports (3.10 to 3.13) both answers are fixed:
    print(f"free-threaded build: {free_threaded_build()}")
    #> free-threaded build: False
    print(f"GIL enabled: {gil_enabled()}")
    #> GIL enabled: True
    # --8<-- [end:demo]
