# test: databases
"""Values travel as parameters, never inside the SQL text: each driver's placeholder styles, the
injection that string formatting invites, and an allow-list for the parts that cannot be bound."""

from __future__ import annotations

from contextlib import closing

from shop_tables import add_sample_rows, create_tables

from coursecode.dbapi import DBAPIConnection, adapt, backend, connect

# --8<-- [start:styles]
# PEP 249 leaves the placeholder style to the driver (its module's `paramstyle` names it).
POSITIONAL = {
    "sqlite": "SELECT name FROM customers WHERE country = ? AND id > ? ORDER BY id",
    "postgresql": "SELECT name FROM customers WHERE country = %s AND id > %s ORDER BY id",
}
NAMED = {
    "sqlite": "SELECT name FROM customers WHERE country = :country AND id > :after ORDER BY id",
    "postgresql": (
        "SELECT name FROM customers WHERE country = %(country)s AND id > %(after)s ORDER BY id"
    ),
}


def names_positional(conn: DBAPIConnection, country: str, after: int) -> list[str]:
    cur = conn.cursor()
    cur.execute(POSITIONAL[backend(conn)], (country, after))  # a sequence, in order
    return [name for (name,) in cur.fetchall()]


def names_named(conn: DBAPIConnection, country: str, after: int) -> list[str]:
    cur = conn.cursor()
    cur.execute(NAMED[backend(conn)], {"country": country, "after": after})  # a mapping
    return [name for (name,) in cur.fetchall()]


# --8<-- [end:styles]


# --8<-- [start:injection]
def emails_named_unsafe(conn: DBAPIConnection, name: str) -> list[str]:
    """WHAT NOT TO DO: the input is pasted into the SQL text, where it can change the query."""
    cur = conn.cursor()
    # A deliberate S608 (SQL built from input): it exists only to show the attack below.
    cur.execute(f"SELECT email FROM customers WHERE name = '{name}'")  # noqa: S608
    return [email for (email,) in cur.fetchall()]


def emails_named(conn: DBAPIConnection, name: str) -> list[str]:
    """The input travels as a value, separately from the SQL: it is never parsed as SQL."""
    cur = conn.cursor()
    cur.execute(adapt(conn, "SELECT email FROM customers WHERE name = ?"), (name,))
    return [email for (email,) in cur.fetchall()]


# --8<-- [end:injection]


# --8<-- [start:allow-list]
# Table and column names, ORDER BY directions and keywords cannot be parameters. When the user
# picks one, map their choice to complete statements written in the code.
SORTED_NAMES = {
    "name": "SELECT name FROM customers ORDER BY name",
    "newest": "SELECT name FROM customers ORDER BY id DESC",
}


def names_sorted(conn: DBAPIConnection, sort: str) -> list[str]:
    try:
        sql = SORTED_NAMES[sort]
    except KeyError:
        raise ValueError(f"sort must be one of {sorted(SORTED_NAMES)}, not {sort!r}") from None
    cur = conn.cursor()
    cur.execute(sql)
    return [name for (name,) in cur.fetchall()]


# --8<-- [end:allow-list]


if __name__ == "__main__":
    with closing(connect()) as conn:
        create_tables(conn)
        add_sample_rows(conn)
        # --8<-- [start:demo]
        print(names_positional(conn, "GB", 0), names_named(conn, "GB", 1))
        #> ['Asha', 'Chen'] ['Chen']

        hostile = "x' OR '1'='1"
        print("unsafe:", emails_named_unsafe(conn, hostile))
        '''
        unsafe:
        ['asha@example.com', 'bruno@example.com', 'chen@example.com', 'dana@example.com']
        '''
        print("bound: ", emails_named(conn, hostile))
        #> bound:  []

        with conn:
            conn.cursor().execute(
                adapt(conn, "INSERT INTO customers (email, name, country) VALUES (?, ?, ?)"),
                ("siobhan@example.com", "Siobhán O'Brien", "IE"),
            )
        try:
            emails_named_unsafe(conn, "Siobhán O'Brien")
        except conn.Error:  # a syntax error: the apostrophe ended the string literal
            conn.rollback()
            print("unsafe: the statement is broken by an ordinary name")
            #> unsafe: the statement is broken by an ordinary name
        print("bound: ", emails_named(conn, "Siobhán O'Brien"))
        #> bound:  ['siobhan@example.com']

        print(names_sorted(conn, "newest"))
        #> ["Siobhán O'Brien", 'Dana', 'Chen', 'Bruno', 'Asha']
        try:
            names_sorted(conn, "name; DROP TABLE customers")
        except ValueError as exc:
            print(exc)
            #> sort must be one of ['name', 'newest'], not 'name; DROP TABLE customers'
        conn.rollback()
        # --8<-- [end:demo]
