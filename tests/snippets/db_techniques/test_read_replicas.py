"""read_replicas.py: reads go to the replica, writes to the primary; on PostgreSQL the real
standby replays a commit within a short, measured lag."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from coursecode.bench import measure_snippet
from coursecode.db import get_engine
from tests.snippets.db_techniques.conftest import FOLDER, snippet

SNIPPET = FOLDER / "read_replicas.py"


@pytest.mark.databases
def test_routing_and_replication_lag(database_url: str | None, backend: str) -> None:
    # One primary/standby pair for this module: measure() starts it (on PostgreSQL) and stops it.
    figures = measure_snippet(SNIPPET, size="test", database_url=database_url)
    # 50 requests, one in ten a write: each write request is a get (replica) and an UPDATE
    # (primary); each read request a get and a count (replica).
    assert figures["requests_n"] == 50
    assert figures["primary_statements_n"] == 5
    assert figures["replica_statements_n"] == 95
    if backend == "sqlite":
        assert "lag_one_row_median_s" not in figures  # no replication, no lag to report
        return
    # Asynchronous streaming on one machine: typically a few milliseconds. The bound says "a
    # commit reaches the standby soon", while still failing if replay stalls.
    assert 0 < figures["lag_one_row_median_s"] < 1, figures
    assert figures["lag_one_row_median_s"] <= figures["lag_one_row_max_s"] < 5, figures
    assert 0 <= figures["lag_bulk_s"] < 30, figures
    assert figures["bulk_rows_n"] == 20_000


def test_refuses_writes_tells_a_writable_database_apart() -> None:
    module = snippet("read_replicas")
    engine = get_engine("sqlite://")
    assert module.refuses_writes(engine) == "the write succeeded"
    engine.dispose()


def test_waiting_for_a_replica_that_never_replays_times_out(tmp_path: Path) -> None:
    module = snippet("read_replicas")
    stand_in = module.SQLiteStandIn(tmp_path)  # replays nothing until catch_up()
    written = stand_in.position()
    with pytest.raises(TimeoutError, match=r"within 0\.05 s"):
        module.wait_until_replayed(stand_in, written, timeout=0.05)
    stand_in.catch_up()  # a copy made after the write contains it
    assert module.wait_until_replayed(stand_in, written) < 0.05
    stand_in.stop()


def test_an_explicit_bind_overrides_the_routing(tmp_path: Path) -> None:
    module = snippet("read_replicas")
    stand_in = module.SQLiteStandIn(tmp_path)
    stand_in.catch_up()  # the replica file exists, read-only
    create = text("CREATE TABLE notes (body text)")
    try:
        with module.RoutingSession(replication=stand_in) as session:
            # text() is not recognised as a write: routed to the read-only replica, it fails.
            with pytest.raises(OperationalError, match="readonly"):
                session.execute(create)
            session.rollback()
            session.execute(create, bind_arguments={"bind": stand_in.primary})
            session.commit()
        with stand_in.primary.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM notes")) == 0
    finally:
        stand_in.stop()
