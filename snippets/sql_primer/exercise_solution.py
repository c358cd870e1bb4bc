# test: databases
"""Exercise solution: import customers in one transaction, skipping the rows the database refuses
with a savepoint per row, and giving up (rolling everything back) after too many refusals."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field

from shop_tables import add_sample_rows, create_tables

from coursecode.dbapi import DBAPIConnection, adapt, backend, connect

CustomerRow = tuple[str, "str | None", str]  # email, name, country


# --8<-- [start:solution]
@dataclass
class ImportReport:
    inserted: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line number, email)


class TooManyRejects(Exception):
    """More rows were refused than the caller allows: nothing was imported."""


def begin(conn: DBAPIConnection) -> None:
    """Open the transaction explicitly. psycopg2 opens one before the first statement anyway;
    sqlite3's default mode does so only before INSERT/UPDATE/DELETE, so a SAVEPOINT sent first
    would start a transaction of its own, and releasing it would commit."""
    if backend(conn) == "sqlite" and not conn.in_transaction:
        conn.execute("BEGIN")


def import_customers(
    conn: DBAPIConnection, rows: Iterable[CustomerRow], max_rejects: int = 0
) -> ImportReport:
    """Insert every row the database accepts, all in one transaction; record the others.

    More than ``max_rejects`` refused rows roll the whole import back and raise TooManyRejects.
    """
    report = ImportReport()
    insert = adapt(conn, "INSERT INTO customers (email, name, country) VALUES (?, ?, ?)")
    with conn:  # one commit at the end, or one rollback
        begin(conn)
        cur = conn.cursor()
        for line, row in enumerate(rows, start=1):
            cur.execute("SAVEPOINT import_row")
            try:
                cur.execute(insert, row)
            except conn.IntegrityError:
                # Undo this row only. On PostgreSQL this also ends the "aborted" state the
                # error put the transaction in; without it every later statement would fail.
                cur.execute("ROLLBACK TO SAVEPOINT import_row")
                report.rejected.append((line, row[0]))
                if len(report.rejected) > max_rejects:
                    refused = len(report.rejected)
                    raise TooManyRejects(f"{refused} refused, {max_rejects} allowed") from None
            else:
                report.inserted += 1
            cur.execute("RELEASE SAVEPOINT import_row")
    return report


# --8<-- [end:solution]


def customer_emails(conn: DBAPIConnection) -> list[str]:
    cur = conn.cursor()
    cur.execute("SELECT email FROM customers ORDER BY id")
    emails = [email for (email,) in cur.fetchall()]
    conn.rollback()
    return emails


if __name__ == "__main__":
    with closing(connect()) as conn:
        create_tables(conn)
        add_sample_rows(conn)  # asha@, bruno@, chen@, dana@example.com
        # --8<-- [start:demo]
        upload = [
            ("erin@example.com", "Erin", "NL"),
            ("asha@example.com", "Asha (again)", "GB"),  # already a customer
            ("farid@example.com", None, "FR"),  # no name
            ("gwen@example.com", "Gwen", "IE"),
        ]
        try:
            import_customers(conn, upload, max_rejects=1)
        except TooManyRejects as exc:
            print("gave up:", exc, "| customers now:", len(customer_emails(conn)))
            #> gave up: 2 refused, 1 allowed | customers now: 4
        print(import_customers(conn, upload, max_rejects=2))
        #> ImportReport(inserted=2, rejected=[(2, 'asha@example.com'), (3, 'farid@example.com')])
        print(customer_emails(conn)[-2:])
        #> ['erin@example.com', 'gwen@example.com']
        # --8<-- [end:demo]
