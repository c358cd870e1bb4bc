"""test_signup.py's fixtures isolate tests on both databases; on SQLite only thanks to its fix.

Each case runs pytest on the example in a fresh interpreter, as a reader would.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from coursecode.db import URL_VARIABLE
from tests.conftest import ROOT

pytestmark = pytest.mark.databases

EXAMPLE = ROOT / "snippets" / "sql_primer" / "test_signup.py"
ISOLATION_TEST = "test_the_previous_tests_commit_was_rolled_back"


def run_example(database_url: str | None, *options: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != URL_VARIABLE}
    if database_url:
        env[URL_VARIABLE] = database_url
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    command = [sys.executable, "-m", "pytest", str(EXAMPLE), "-p", "no:cacheprovider", *options]
    return subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=False
    )


def test_every_test_sees_an_empty_database(database_url: str | None) -> None:
    result = run_example(database_url)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "3 passed" in result.stdout


def test_without_the_fix_sqlite_leaks_a_commit_into_the_next_test(
    database_url: str | None, backend: str
) -> None:
    result = run_example(database_url, "-p", "tests.snippets.sql_primer.without_sqlite_fix")
    if backend == "postgresql":
        # The fix only touches SQLite: PostgreSQL's savepoints need none.
        assert result.returncode == 0, result.stdout[-3000:]
        return
    assert result.returncode == 1, result.stdout[-3000:]
    assert f"FAILED snippets/sql_primer/test_signup.py::{ISOLATION_TEST}" in result.stdout
