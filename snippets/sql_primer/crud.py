# test: databases
"""Create, read, update, delete with the DB-API alone: the same calls on sqlite3 and psycopg2."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import closing

from shop_tables import create_tables

from coursecode.dbapi import DBAPIConnection, adapt, connect


# --8<-- [start:create]
def add_customer(conn: DBAPIConnection, email: str, name: str, country: str) -> int:
    """Insert one row and return the key the database generated for it."""
    cur = conn.cursor()
    cur.execute(
        adapt(conn, "INSERT INTO customers (email, name, country) VALUES (?, ?, ?) RETURNING id"),
        (email, name, country),
    )
    (new_id,) = cur.fetchone()
    return new_id


def add_customers(conn: DBAPIConnection, rows: Iterable[tuple[str, str, str]]) -> int:
    """Insert many rows with one call; return how many the database inserted."""
    cur = conn.cursor()
    sql = "INSERT INTO customers (email, name, country) VALUES (?, ?, ?)"
    cur.executemany(adapt(conn, sql), rows)
    return cur.rowcount


# --8<-- [end:create]


# --8<-- [start:read]
def customers_in(conn: DBAPIConnection, country: str) -> tuple[list[str], list[tuple]]:
    """Column names (from cursor.description) and every matching row."""
    cur = conn.cursor()
    cur.execute(
        adapt(conn, "SELECT id, name, email FROM customers WHERE country = ? ORDER BY id"),
        (country,),
    )
    columns = [column[0] for column in cur.description]  # name is the first of 7 items
    return columns, cur.fetchall()


def first_customer(conn: DBAPIConnection) -> tuple | None:
    cur = conn.cursor()
    cur.execute("SELECT id, name FROM customers ORDER BY id")
    return cur.fetchone()  # the next row, or None when there are no more


def iter_emails(conn: DBAPIConnection, batch: int = 2) -> Iterator[str]:
    """Every email, fetched ``batch`` rows at a time instead of all at once."""
    cur = conn.cursor()
    cur.execute("SELECT email FROM customers ORDER BY id")
    while rows := cur.fetchmany(batch):  # an empty list means the result is exhausted
        for (email,) in rows:
            yield email


# --8<-- [end:read]


# --8<-- [start:update]
def move_customers(conn: DBAPIConnection, from_country: str, to_country: str) -> int:
    cur = conn.cursor()
    cur.execute(
        adapt(conn, "UPDATE customers SET country = ? WHERE country = ?"),
        (to_country, from_country),
    )
    return cur.rowcount  # rows the UPDATE changed


def delete_customer(conn: DBAPIConnection, email: str) -> bool:
    cur = conn.cursor()
    cur.execute(adapt(conn, "DELETE FROM customers WHERE email = ?"), (email,))
    return cur.rowcount == 1


# --8<-- [end:update]


if __name__ == "__main__":
    with closing(connect()) as conn:
        create_tables(conn)
        # --8<-- [start:demo]
        asha = add_customer(conn, "asha@example.com", "Asha", "GB")
        added = add_customers(
            conn,
            [
                ("bruno@example.com", "Bruno", "DE"),
                ("chen@example.com", "Chen", "GB"),
                ("dana@example.com", "Dana", "US"),
            ],
        )
        conn.commit()  # nothing is permanent (or visible to others) before this
        print("Asha's id:", asha, "| rows inserted by executemany:", added)
        #> Asha's id: 1 | rows inserted by executemany: 3

        print(customers_in(conn, "GB"))
        '''
        (
            ['id', 'name', 'email'],
            [(1, 'Asha', 'asha@example.com'), (3, 'Chen', 'chen@example.com')],
        )
        '''
        print("fetchone:", first_customer(conn))
        #> fetchone: (1, 'Asha')
        print("fetchmany, two at a time:", list(iter_emails(conn)))
        '''
        fetchmany, two at a time:
        ['asha@example.com', 'bruno@example.com', 'chen@example.com', 'dana@example.com']
        '''

        print("moved GB -> IE:", move_customers(conn, "GB", "IE"))
        #> moved GB -> IE: 2
        conn.rollback()  # changed our mind: the UPDATE is undone
        print("after rollback:", customers_in(conn, "IE")[1], customers_in(conn, "GB")[1])
        #> after rollback: [] [(1, 'Asha', 'asha@example.com'), (3, 'Chen', 'chen@example.com')]

        print("deleted:", delete_customer(conn, "dana@example.com"))
        #> deleted: True
        print("deleted again:", delete_customer(conn, "dana@example.com"))
        #> deleted again: False
        conn.commit()
        # --8<-- [end:demo]
