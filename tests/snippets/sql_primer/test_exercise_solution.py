"""exercise_solution.py: import_customers keeps good rows, reports refused ones, and is atomic."""

from __future__ import annotations

import runpy
from collections.abc import Iterator
from contextlib import closing
from typing import Any

import pytest

from coursecode.dbapi import connect, shared_database
from tests.conftest import ROOT

pytestmark = pytest.mark.databases

SNIPPETS = ROOT / "snippets" / "sql_primer"
SAMPLE_EMAILS = ["asha@example.com", "bruno@example.com", "chen@example.com", "dana@example.com"]


@pytest.fixture
def solution(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The solution's names. To grade your own solution, point this at your file."""
    monkeypatch.syspath_prepend(str(SNIPPETS))  # it imports shop_tables from its folder
    return runpy.run_path(str(SNIPPETS / "exercise_solution.py"), run_name="sql_primer_exercise")


@pytest.fixture
def url(database_url: str | None) -> Iterator[str]:
    """A database with the primer's tables and sample rows, which several connections can open."""
    tables = runpy.run_path(str(SNIPPETS / "shop_tables.py"), run_name="sql_primer_tables")
    with shared_database(database_url) as shared:
        with closing(connect(shared)) as conn:
            tables["create_tables"](conn)
            tables["add_sample_rows"](conn)
        yield shared


def emails(url: str) -> list[str]:
    """What a separate session sees: only committed rows."""
    with closing(connect(url)) as conn:
        cur = conn.cursor()
        cur.execute("SELECT email FROM customers ORDER BY id")
        return [email for (email,) in cur.fetchall()]


def test_good_rows_are_committed(url: str, solution: dict[str, Any]) -> None:
    rows = [("erin@example.com", "Erin", "NL"), ("gwen@example.com", "Gwen", "IE")]
    with closing(connect(url)) as conn:
        report = solution["import_customers"](conn, rows)
    assert (report.inserted, report.rejected) == (2, [])
    assert emails(url) == [*SAMPLE_EMAILS, "erin@example.com", "gwen@example.com"]


def test_refused_rows_are_skipped_and_reported_by_line(url: str, solution: dict[str, Any]) -> None:
    rows = [
        ("erin@example.com", "Erin", "NL"),
        ("asha@example.com", "Asha again", "GB"),  # already a customer
        ("farid@example.com", None, "FR"),  # NOT NULL
        ("erin@example.com", "Erin twice", "NL"),  # a duplicate within the upload
        ("gwen@example.com", "Gwen", "IE"),
    ]
    with closing(connect(url)) as conn:
        report = solution["import_customers"](conn, rows, max_rejects=3)
    assert report.inserted == 2
    assert report.rejected == [
        (2, "asha@example.com"),
        (3, "farid@example.com"),
        (4, "erin@example.com"),
    ]
    assert emails(url) == [*SAMPLE_EMAILS, "erin@example.com", "gwen@example.com"]


def test_too_many_refusals_import_nothing(url: str, solution: dict[str, Any]) -> None:
    # The good first row must not survive: on sqlite3 it would, if the first SAVEPOINT had
    # started the transaction (its RELEASE would then commit).
    rows = [("erin@example.com", "Erin", "NL"), ("asha@example.com", "Asha again", "GB")]
    with closing(connect(url)) as conn:
        with pytest.raises(solution["TooManyRejects"], match="1 refused, 0 allowed"):
            solution["import_customers"](conn, rows)
        # The connection is still usable afterwards.
        assert solution["import_customers"](conn, rows[:1]).inserted == 1
    assert emails(url) == [*SAMPLE_EMAILS, "erin@example.com"]


def test_values_are_bound_never_spliced(url: str, solution: dict[str, Any]) -> None:
    hostile = (
        "x'); DROP TABLE customers; --@example.com",
        "Robert'); DROP TABLE customers;--",
        "GB",
    )
    with closing(connect(url)) as conn:
        assert solution["import_customers"](conn, [hostile]).inserted == 1
    assert emails(url)[-1] == hostile[0]


def test_an_empty_upload_is_a_no_op(url: str, solution: dict[str, Any]) -> None:
    with closing(connect(url)) as conn:
        report = solution["import_customers"](conn, iter(()))
    assert (report.inserted, report.rejected) == (0, [])
    assert emails(url) == SAMPLE_EMAILS
