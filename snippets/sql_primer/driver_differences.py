# test: databases
# test: output=per-database
"""Where sqlite3 and psycopg2 differ although both follow PEP 249: placeholders, rowcount,
description, lastrowid, the Python types you get back, errors inside a transaction, and DDL."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import psycopg2

from coursecode.dbapi import DBAPIConnection, adapt, backend, connect


def show(label: str, value: object) -> None:
    print(f"{label:<34} {value!r}")


def run(conn: DBAPIConnection) -> None:
    driver = sqlite3 if backend(conn) == "sqlite" else psycopg2
    cur = conn.cursor()
    # --8<-- [start:module]
    show("driver, apilevel, paramstyle", (driver.__name__, driver.apilevel, driver.paramstyle))
    # --8<-- [end:module]

    # --8<-- [start:cursor]
    cur.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    conn.commit()
    cur.execute(adapt(conn, "INSERT INTO notes (id, body) VALUES (?, ?)"), (7, "hello"))
    show("lastrowid after INSERT", cur.lastrowid)  # the rowid, or 0 (an OID) on psycopg2
    cur.execute("SELECT id, body FROM notes")
    show("rowcount after SELECT", cur.rowcount)  # -1: unknown until fetched, on sqlite3
    show("description[0]", cur.description[0])  # psycopg2 adds the type code (an OID)
    cur.fetchall()
    conn.commit()
    # --8<-- [end:cursor]

    # --8<-- [start:types]
    cur.execute("SELECT 0.1 + 0.2, 7 / 2, 1 = 1, CAST('2025-01-31' AS DATE)")
    show("0.1 + 0.2, 7 / 2, 1 = 1, date", cur.fetchone())
    conn.rollback()
    # --8<-- [end:types]

    # --8<-- [start:errors]
    cur.execute(adapt(conn, "INSERT INTO notes (id, body) VALUES (?, ?)"), (8, "kept?"))
    try:
        cur.execute(adapt(conn, "INSERT INTO notes (id, body) VALUES (?, ?)"), (7, "duplicate"))
    except conn.IntegrityError as exc:
        show("duplicate key raises", f"{type(exc).__module__}.{type(exc).__name__}")
    try:
        cur.execute("SELECT count(*) FROM notes")
        show("next statement in that transaction", cur.fetchone())
    except conn.Error as exc:
        show("next statement in that transaction", type(exc).__name__)
    conn.rollback()
    # --8<-- [end:errors]

    # --8<-- [start:ddl]
    cur.execute("CREATE TABLE scratch (x INTEGER)")
    conn.rollback()
    cur.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'scratch'"
        if backend(conn) == "postgresql"
        else "SELECT count(*) FROM sqlite_master WHERE name = 'scratch'"
    )
    show("CREATE TABLE survives rollback()", cur.fetchone() == (1,))
    conn.rollback()
    # --8<-- [end:ddl]


if __name__ == "__main__":
    with closing(connect()) as conn:
        run(conn)
