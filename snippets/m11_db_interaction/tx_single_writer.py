# test: databases
# test: output=per-database
"""SQLite allows one writer at a time; PostgreSQL locks rows.

1. Two transactions update two different rows. PostgreSQL locks each row, so both proceed.
   SQLite locks the whole database for writing: the second writer waits for the busy timeout
   (0.1 s here; sqlite3's default is 5 s) and fails with "database is locked".
2. A transaction reads while another one writes and commits. PostgreSQL keeps several versions
   of a row (MVCC): readers and writers never block each other. SQLite in its default
   rollback-journal mode cannot commit while a reader is active, because the commit rewrites
   the database file the reader is reading; in WAL mode the commit goes to a separate log, so
   the reader keeps its snapshot and the writer commits.
3. A transaction that read first cannot write once someone else has committed since its read:
   its snapshot is out of date, and SQLite refuses the write. PostgreSQL's READ COMMITTED lets
   the write go ahead on the newest version of the row: right for an atomic ``UPDATE``, a lost
   update for a value computed from the old read (``tx_lost_update.py``).
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from tx_lost_update import SALE, sell_atomic

from coursecode.db import get_engine
from coursecode.dbapi import shared_database
from coursecode.inventory import (
    SQLITE_BUSY_TIMEOUT,
    create_stock,
    quantity_of,
    transactional_engine,
)
from coursecode.sqlite_transactions import begin_explicitly


# --8<-- [start:writers]
def two_writers(engine: Engine) -> str:
    create_stock(engine, {1: 10, 2: 10})
    with engine.connect() as a, engine.connect() as b:
        sell_atomic(a, 1, SALE)  # A writes product 1 and keeps its transaction open
        try:
            sell_atomic(b, 2, SALE)  # B writes another product
        except OperationalError as exc:
            return f"B: {exc.orig}"
        b.commit()
        a.commit()
        return "both committed"


# --8<-- [end:writers]


# --8<-- [start:reader]
def reader_and_writer(engine: Engine) -> str:
    create_stock(engine, {1: 10})
    with engine.connect() as a, engine.connect() as b:
        before = quantity_of(a, 1)  # A's read transaction is open from here
        sell_atomic(b, 1, SALE)
        try:
            b.commit()
        except OperationalError as exc:
            b.rollback()  # the sale is lost: B must run its transaction again
            return f"B's commit: {exc.orig}"
        during = quantity_of(a, 1)  # still inside A's transaction
        a.rollback()
        after = quantity_of(a, 1)  # a new transaction
        return f"B committed; A read {before}, {during} in the same transaction, {after} after it"


# --8<-- [end:reader]


# --8<-- [start:stale]
def stale_snapshot(engine: Engine) -> str:
    create_stock(engine, {1: 10})
    with engine.connect() as a, engine.connect() as b:
        quantity_of(a, 1)  # A reads: its snapshot starts
        sell_atomic(b, 1, SALE)
        b.commit()
        try:
            sell_atomic(a, 1, SALE)  # A writes after B's commit
        except OperationalError as exc:
            return f"A's write: {exc.orig}"
        a.commit()
        return f"A's write went ahead: {quantity_of(a, 1)} left"


# --8<-- [end:stale]


if __name__ == "__main__":
    with shared_database() as url:
        engine = transactional_engine(url)  # on SQLite: real transactions, WAL, timeout 0.1 s
        print("two writers, two rows:", two_writers(engine))
        if engine.dialect.name == "sqlite":
            with shared_database() as other_url:  # a second database file, left in journal mode
                journal = get_engine(other_url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT})
                begin_explicitly(journal)
                print("reader and writer, rollback journal:", reader_and_writer(journal))
                journal.dispose()
            print("reader and writer, WAL:", reader_and_writer(engine))
        else:
            print("reader and writer:", reader_and_writer(engine))
        print("write after a stale read:", stale_snapshot(engine))
        engine.dispose()
