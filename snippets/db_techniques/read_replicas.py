# test: databases
# test: output=per-database
# test: timeout=120
"""Read replicas: a Session that sends writes to the primary and reads to a replica.

On PostgreSQL the replica is real: ``coursecode.replica.start()`` starts a primary and a streaming
hot standby made from it with ``pg_basebackup`` (asynchronous streaming replication, the default).
The example pauses the standby's replay to show a stale read deterministically, then shows the two
usual fixes: read from the primary after writing, and remember how far the primary had got (its
WAL position) and read from the replica only once it has replayed that far.

SQLite has no replication. There the example runs the same routing code against a stand-in: a
second database file, opened read-only, that is a copy of the primary made with SQLite's backup
API whenever ``catch_up()`` is called. It exercises the routing logic, not replication.

measure() (PostgreSQL) measures the real replication lag after small and large writes; on both
databases it counts where a mix of requests sent its statements.
"""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Delete, Engine, Insert, Update, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from coursecode import replica as pg_replica
from coursecode.db import backend, get_engine
from coursecode.measure import count_queries
from coursecode.shop import Customer, Order, load


# --8<-- [start:routing]
class RoutingSession(Session):
    """Writes go to the primary, reads to the replica.

    Once this session has written, its reads go to the primary too, so it reads its own writes.
    ``min_position`` carries that guarantee across sessions: a position the primary had reached
    (``Replication.position()`` after a commit); reads use the replica only when it has replayed
    that far, else the primary.
    """

    def __init__(
        self, *, replication: Replication, min_position: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.replication = replication
        self.min_position = min_position
        self.wrote = False

    def get_bind(
        self, mapper: Any = None, *, clause: Any = None, bind: Any = None, **kwargs: Any
    ) -> Any:
        if bind is not None:  # explicit: session.execute(..., bind_arguments={"bind": engine})
            return bind
        # _flushing: the unit of work is writing pending changes (SQLAlchemy's own recipe uses it).
        if self._flushing or isinstance(clause, (Insert, Update, Delete)):
            self.wrote = True
            return self.replication.primary
        if self.wrote:
            return self.replication.primary
        if self.min_position is not None:
            if not self.replication.replayed(self.min_position):
                return self.replication.primary
            self.min_position = None  # caught up once: it stays caught up
        return self.replication.replica


# --8<-- [end:routing]


# --8<-- [start:postgres]
@dataclass
class PostgresReplication:
    """A real primary and streaming hot standby (``coursecode.replica``)."""

    pair: pg_replica.ReplicatedPostgres
    primary: Engine = field(init=False)
    replica: Engine = field(init=False)

    def __post_init__(self) -> None:
        self.primary, self.replica = self.pair.engines()

    def position(self) -> str:
        """The primary's current WAL position (an LSN such as '0/3000148')."""
        with self.primary.connect() as conn:
            return str(conn.scalar(text("SELECT pg_current_wal_lsn()")))

    def replayed(self, position: str) -> bool:
        with self.replica.connect() as conn:
            behind = conn.scalar(
                text("SELECT pg_wal_lsn_diff(:lsn, pg_last_wal_replay_lsn()) > 0"),
                {"lsn": position},
            )
        return not behind

    def pause(self) -> None:
        """Stop applying WAL on the standby (it keeps receiving it): lag made visible."""
        with self.replica.connect() as conn:
            conn.execute(text("SELECT pg_wal_replay_pause()"))

    def catch_up(self) -> float:
        """Resume replay if paused; seconds until the standby has replayed all the primary has."""
        with self.replica.connect() as conn:
            conn.execute(text("SELECT pg_wal_replay_resume()"))
        return self.pair.wait_for_replay()

    def describe(self) -> str:
        with self.primary.connect() as conn:
            state, mode = conn.execute(
                text("SELECT state, sync_state FROM pg_stat_replication")
            ).one()
        with self.replica.connect() as conn:
            recovering = conn.scalar(text("SELECT pg_is_in_recovery()"))
        return f"hot standby, {state} ({mode}); replica in recovery: {recovering}"

    def stop(self) -> None:
        self.primary.dispose()
        self.replica.dispose()
        self.pair.stop()


# --8<-- [end:postgres]


@dataclass
class SQLiteStandIn:
    """Two SQLite files: the primary, and a read-only copy refreshed only by ``catch_up()``.

    Not replication: a stand-in that lets the routing code run on SQLite. Its "position" is a
    time: a copy contains every commit made before the copy started.
    """

    folder: Path
    primary: Engine = field(init=False)
    replica: Engine = field(init=False)
    copied_at: float = float("-inf")

    def __post_init__(self) -> None:
        self.primary = get_engine(f"sqlite:///{self.folder / 'primary.db'}")
        self.replica = get_engine(f"sqlite:///file:{self.folder / 'replica.db'}?mode=ro&uri=true")

    def position(self) -> float:
        return time.monotonic()

    def replayed(self, position: float) -> bool:
        return self.copied_at >= position

    def pause(self) -> None:
        """Nothing to pause: the copy only changes when catch_up() makes a new one."""

    def catch_up(self) -> float:
        start = time.monotonic()
        source = sqlite3.connect(self.folder / "primary.db")
        target = sqlite3.connect(self.folder / "replica.db")
        try:
            source.backup(target)  # a consistent snapshot of the primary, page by page
        finally:
            source.close()
            target.close()
        self.copied_at = start
        return time.monotonic() - start

    def describe(self) -> str:
        return "SQLite has no replication: a read-only copy made with the backup API (stand-in)"

    def stop(self) -> None:
        self.primary.dispose()
        self.replica.dispose()


Replication = PostgresReplication | SQLiteStandIn  # what RoutingSession needs from either


def start(backend_name: str, folder: Path) -> Replication:
    """A primary/replica pair for the database the course runs on (``DATABASE_URL``)."""
    if backend_name == "postgresql":
        return PostgresReplication(pg_replica.start(folder / "pg"))
    return SQLiteStandIn(folder)


def customer_name(session: Session, customer_id: int) -> str:
    return session.scalars(select(Customer.name).where(Customer.id == customer_id)).one()


def refuses_writes(engine: Engine) -> str:
    """The error a write to the replica gets (the first line of the driver's message)."""
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE nope (id int)"))
    except DBAPIError as exc:
        return str(exc.orig).splitlines()[0]
    return "the write succeeded"


def request_mix(sessions: sessionmaker[Session], requests: int) -> None:
    """One write in ten, nine reads: customer lookups with their order counts."""
    for i in range(requests):
        with sessions() as session:
            customer = session.get(Customer, 1 + i % 50)
            if i % 10 == 0:
                customer.name = f"Customer {customer.id} (updated {i})"
                session.commit()
            else:
                session.scalar(select(func.count(Order.id)).where(Order.customer_id == customer.id))


@contextmanager
def replicated_shop() -> Iterator[Replication]:
    """A primary and replica for ``DATABASE_URL``'s backend, the tiny shop loaded and replayed;
    both stopped and their files removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="cc-dbt-") as tmp:
        replication = start(backend(get_engine()), Path(tmp))
        try:
            load(replication.primary, "tiny")
            replication.catch_up()
            yield replication
        finally:
            replication.stop()


def measure(size: str) -> dict[str, float]:
    """Where statements go (both databases); replication lag (PostgreSQL only)."""
    with replicated_shop() as replication:
        sessions = sessionmaker(class_=RoutingSession, replication=replication)
        with (
            count_queries(replication.primary) as on_primary,
            count_queries(replication.replica) as on_replica,
        ):
            request_mix(sessions, 50)
        figures: dict[str, float] = {
            "requests_n": 50,
            "primary_statements_n": on_primary.count,
            "replica_statements_n": on_replica.count,
        }
        if isinstance(replication, PostgresReplication):
            figures.update(replication_lag(replication, size))
        return figures


# --8<-- [start:lag]
def wait_until_replayed(replication: Replication, position: Any, timeout: float = 30.0) -> float:
    """Seconds until the replica has replayed ``position``: the replication lag a reader sees.

    Polls over a pooled connection every half millisecond, so millisecond lags are resolved.
    """
    start = time.perf_counter()
    while not replication.replayed(position):
        if time.perf_counter() - start > timeout:
            raise TimeoutError(f"the replica has not replayed {position} within {timeout} s")
        time.sleep(0.0005)
    return time.perf_counter() - start


def replication_lag(replication: PostgresReplication, size: str) -> dict[str, float]:
    """The lag after each of 20 one-row commits, and after one bulk insert."""
    with replication.primary.begin() as conn:
        conn.execute(text("CREATE TABLE events (id serial PRIMARY KEY, body text)"))
    replication.catch_up()
    single = []
    for i in range(20):
        with replication.primary.begin() as conn:
            conn.execute(text("INSERT INTO events (body) VALUES (:body)"), {"body": f"event {i}"})
        single.append(wait_until_replayed(replication, replication.position()))
    rows = {"test": 20_000, "bench": 200_000}[size]
    with replication.primary.begin() as conn:  # one statement, rows made on the server
        conn.execute(
            text("INSERT INTO events (body) SELECT 'bulk ' || g FROM generate_series(1, :n) g"),
            {"n": rows},
        )
    bulk = wait_until_replayed(replication, replication.position())
    return {
        "lag_one_row_median_s": statistics.median(single),
        "lag_one_row_max_s": max(single),
        "lag_bulk_s": bulk,
        "bulk_rows_n": rows,
    }


# --8<-- [end:lag]


if __name__ == "__main__":
    # --8<-- [start:demo]
    with replicated_shop() as replication:  # real on PostgreSQL, a stand-in on SQLite
        print(replication.describe())
        Sessions = sessionmaker(class_=RoutingSession, replication=replication)

        # Reads go to the replica, the flush of a change to the primary.
        with (
            count_queries(replication.primary) as on_primary,
            count_queries(replication.replica) as on_replica,
            Sessions() as session,
        ):
            customer = session.get(Customer, 7)
            customer.name = "Customer 7 (renamed)"
            session.commit()
        print(f"replica ran {on_replica.count}: {on_replica.sql()[0][:60]}...")
        print(f"primary ran {on_primary.count}: {on_primary.sql()[0]}")

        # Read-your-writes: stop the replica applying changes, write, read back.
        replication.pause()
        with Sessions() as writer:
            writer.get(Customer, 8).name = "Customer 8 (renamed)"
            writer.commit()
            position = replication.position()  # how far the primary has got
            print("the writing session reads its write:", customer_name(writer, 8))
        with Sessions() as reader:
            print("a new session, from the replica:  ", customer_name(reader, 8))
        with Sessions(min_position=position) as reader:
            print("a new session given the position:", customer_name(reader, 8))
        replication.catch_up()
        print("replica has replayed the position:", replication.replayed(position))
        with count_queries(replication.primary) as log, Sessions(min_position=position) as r:
            print("now from the replica:", customer_name(r, 8), "| primary:", log.count)
        print("a write sent to the replica:", refuses_writes(replication.replica))
    # --8<-- [end:demo]
