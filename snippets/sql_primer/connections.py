# test: databases
"""``with conn:`` ends a transaction but leaves the connection open, on sqlite3 and psycopg2
alike; ``contextlib.closing`` is what closes it. Cursors: close them the same way."""

from __future__ import annotations

from contextlib import closing

from coursecode.dbapi import DBAPIConnection, adapt, connect, shared_database


def is_open(conn: DBAPIConnection) -> bool:
    try:
        conn.cursor().close()
    except conn.Error:  # sqlite3.ProgrammingError / psycopg2.InterfaceError once closed
        return False
    return True


def count_rows(conn: DBAPIConnection) -> int:
    # sqlite3 cursors are not context managers (psycopg2's are): closing() works for both.
    with closing(conn.cursor()) as cur:
        cur.execute("SELECT count(*) FROM events")
        (count,) = cur.fetchone()
        return count


if __name__ == "__main__":
    # Two connections, one after the other, to one database: a file if DATABASE_URL is in-memory.
    with shared_database() as url:
        # --8<-- [start:with]
        conn = connect(url)
        with conn:  # a transaction: commit on success, rollback on an exception
            conn.cursor().execute("CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT)")
        print("open after `with conn:`", is_open(conn))
        #> open after `with conn:` True
        try:
            with conn:
                conn.cursor().execute(
                    adapt(conn, "INSERT INTO events (id, kind) VALUES (?, ?)"), (1, "signup")
                )
                raise RuntimeError("something failed after the INSERT")
        except RuntimeError:
            pass
        print("rows after the failed block:", count_rows(conn), "| still open:", is_open(conn))
        #> rows after the failed block: 0 | still open: True
        conn.close()  # the only thing that closes it
        print("open after close():", is_open(conn))
        #> open after close(): False
        # --8<-- [end:with]

        # --8<-- [start:closing]
        # One unit of work: closing() closes the connection, the inner `conn` is the transaction.
        with closing(connect(url)) as conn, conn:
            conn.cursor().execute(
                adapt(conn, "INSERT INTO events (id, kind) VALUES (?, ?)"), (1, "signup")
            )
            print("rows inside:", count_rows(conn))
            #> rows inside: 1
        print("open after the block:", is_open(conn))
        #> open after the block: False
        # --8<-- [end:closing]
