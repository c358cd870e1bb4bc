# test: databases
"""Tables, keys and constraints: a small shop in SQL, and the rows the database refuses.

The other primer examples import create_tables() and add_sample_rows() from here.
"""

from __future__ import annotations

from contextlib import closing

from coursecode.dbapi import DBAPIConnection, adapt, backend, connect

# --8<-- [start:schema]
# A generated key is the one thing the two databases spell differently: in SQLite an INTEGER
# PRIMARY KEY is the table's rowid, PostgreSQL uses a standard identity column.
GENERATED_ID = {
    "sqlite": "id INTEGER PRIMARY KEY",
    "postgresql": "id INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
}

TABLES = [
    """CREATE TABLE customers (
        {id},
        email   TEXT NOT NULL UNIQUE,    -- a natural key: unique, but not the primary key
        name    TEXT NOT NULL,
        country CHAR(2) NOT NULL
    )""",
    """CREATE TABLE products (
        {id},
        name        TEXT NOT NULL UNIQUE,
        price_cents INTEGER NOT NULL CHECK (price_cents > 0)    -- money as whole cents
    )""",
    """CREATE TABLE orders (
        {id},
        customer_id INTEGER NOT NULL REFERENCES customers (id),    -- a foreign key
        status      TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'shipped', 'delivered', 'cancelled'))
    )""",
    """CREATE TABLE order_items (
        order_id   INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        product_id INTEGER NOT NULL REFERENCES products (id),
        quantity   INTEGER NOT NULL CHECK (quantity > 0),
        PRIMARY KEY (order_id, product_id)    -- a composite key: one line per product per order
    )""",
]


def create_tables(conn: DBAPIConnection) -> None:
    """Create the four tables: in one transaction on PostgreSQL. sqlite3's default mode runs each
    CREATE TABLE outside any transaction (see driver_differences.py)."""
    with conn:  # commit at the end of the block, roll back on an exception
        cur = conn.cursor()
        for ddl in TABLES:
            # str.format with a constant from the code above, never with input: see pitfalls.
            cur.execute(ddl.format(id=GENERATED_ID[backend(conn)]))


# --8<-- [end:schema]


# --8<-- [start:rows]
def add_sample_rows(conn: DBAPIConnection) -> None:
    """Four customers (one without orders), three products, four orders with their lines."""
    rows = {
        "INSERT INTO customers (email, name, country) VALUES (?, ?, ?)": [
            ("asha@example.com", "Asha", "GB"),
            ("bruno@example.com", "Bruno", "DE"),
            ("chen@example.com", "Chen", "GB"),
            ("dana@example.com", "Dana", "US"),
        ],
        "INSERT INTO products (name, price_cents) VALUES (?, ?)": [
            ("Kettle", 2999),
            ("Teapot", 1850),
            ("Mug", 650),
        ],
        "INSERT INTO orders (customer_id, status) VALUES (?, ?)": [
            (1, "delivered"),
            (1, "shipped"),
            (2, "pending"),
            (3, "cancelled"),
        ],
        "INSERT INTO order_items (order_id, product_id, quantity) VALUES (?, ?, ?)": [
            (1, 1, 1),
            (1, 3, 2),
            (2, 2, 1),
            (3, 3, 4),
            (4, 3, 1),
        ],
    }
    with conn:
        cur = conn.cursor()
        for sql, values in rows.items():
            cur.executemany(adapt(conn, sql), values)


# --8<-- [end:rows]


# --8<-- [start:constraints]
BAD_ROWS = {
    "duplicate email (UNIQUE)": (
        "INSERT INTO customers (email, name, country) VALUES (?, ?, ?)",
        ("asha@example.com", "Another Asha", "FR"),
    ),
    "missing name (NOT NULL)": (
        "INSERT INTO customers (email, name, country) VALUES (?, ?, ?)",
        ("eve@example.com", None, "FR"),
    ),
    "unknown customer (FOREIGN KEY)": (
        "INSERT INTO orders (customer_id, status) VALUES (?, ?)",
        (999, "pending"),
    ),
    "unknown status (CHECK)": (
        "INSERT INTO orders (customer_id, status) VALUES (?, ?)",
        (1, "lost"),
    ),
    "zero quantity (CHECK)": (
        "INSERT INTO order_items (order_id, product_id, quantity) VALUES (?, ?, ?)",
        (2, 3, 0),
    ),
    "same product twice in an order (PRIMARY KEY)": (
        "INSERT INTO order_items (order_id, product_id, quantity) VALUES (?, ?, ?)",
        (1, 1, 5),
    ),
}


def try_insert(conn: DBAPIConnection, sql: str, row: tuple[object, ...]) -> str:
    """Insert one row in its own transaction; say whether the database accepted it."""
    try:
        with conn:
            conn.cursor().execute(adapt(conn, sql), row)
    except conn.IntegrityError:  # PEP 249: each driver's exceptions, also on the connection
        return "refused"
    return "accepted"


# --8<-- [end:constraints]


def table_sizes(conn: DBAPIConnection) -> dict[str, int]:
    cur = conn.cursor()
    cur.execute(
        "SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM products),"
        " (SELECT count(*) FROM orders), (SELECT count(*) FROM order_items)"
    )
    names = ("customers", "products", "orders", "order_items")
    sizes = dict(zip(names, cur.fetchone(), strict=True))
    conn.rollback()  # end the transaction psycopg2 opened for the SELECT
    return sizes


if __name__ == "__main__":
    with closing(connect()) as conn:
        create_tables(conn)
        add_sample_rows(conn)
        # --8<-- [start:demo]
        print(table_sizes(conn))
        #> {'customers': 4, 'products': 3, 'orders': 4, 'order_items': 5}
        for label, (sql, row) in BAD_ROWS.items():
            print(f"{label}: {try_insert(conn, sql, row)}")
            #> duplicate email (UNIQUE): refused
            #> missing name (NOT NULL): refused
            #> unknown customer (FOREIGN KEY): refused
            #> unknown status (CHECK): refused
            #> zero quantity (CHECK): refused
            #> same product twice in an order (PRIMARY KEY): refused
        line = "INSERT INTO order_items (order_id, product_id, quantity) VALUES (?, ?, ?)"
        print("a valid order line:", try_insert(conn, line, (2, 3, 2)))
        #> a valid order line: accepted
        print(table_sizes(conn))
        #> {'customers': 4, 'products': 3, 'orders': 4, 'order_items': 6}
        # --8<-- [end:demo]
