"""free_threading.py: the two checks agree with what this interpreter reports about itself."""

from __future__ import annotations

import runpy
import sys
import sysconfig

import pytest

from tests.conftest import ROOT

# Branches on the Python version: `nox -s pythons` runs it on every supported Python.
pytestmark = pytest.mark.pythons

CHECKS = runpy.run_path(
    str(ROOT / "snippets/m01_concurrency/free_threading.py"), run_name="m01_free_threading"
)


def test_gil_checks_match_the_interpreter() -> None:
    assert CHECKS["free_threaded_build"]() is bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    # A GIL build always has the GIL on; only a free-threaded build can run without it.
    if not CHECKS["free_threaded_build"]():
        assert CHECKS["gil_enabled"]() is True
    if sys.version_info < (3, 13):
        assert CHECKS["free_threaded_build"]() is False
