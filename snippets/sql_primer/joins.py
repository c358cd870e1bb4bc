# test: databases
"""Joins on the primer's shop: inner, left outer, three tables at once, and aggregates."""

from __future__ import annotations

from contextlib import closing

from shop_tables import add_sample_rows, create_tables

from coursecode.dbapi import DBAPIConnection, adapt, connect

# --8<-- [start:queries]
# INNER JOIN: only orders that have a matching customer (every order does: the foreign key).
ORDERS_WITH_NAMES = """
    SELECT o.id, c.name, o.status
    FROM orders AS o
    JOIN customers AS c ON c.id = o.customer_id
    ORDER BY o.id
"""

# LEFT JOIN: every customer, with NULLs where there is no order; count(o.id) counts only
# the non-NULL ids, so a customer without orders gets 0.
ORDERS_PER_CUSTOMER = """
    SELECT c.name, count(o.id) AS orders
    FROM customers AS c
    LEFT JOIN orders AS o ON o.customer_id = c.id
    GROUP BY c.id, c.name
    ORDER BY c.id
"""

# Three tables: each order's lines priced from products, summed per order.
ORDER_TOTALS = """
    SELECT o.id, sum(i.quantity * p.price_cents) AS total_cents
    FROM orders AS o
    JOIN order_items AS i ON i.order_id = o.id
    JOIN products AS p ON p.id = i.product_id
    WHERE o.status <> 'cancelled'
    GROUP BY o.id
    ORDER BY o.id
"""

# A parameter, and HAVING to filter groups (WHERE filters rows before grouping).
BIG_SPENDERS_IN = """
    SELECT c.name, sum(i.quantity * p.price_cents) AS spent_cents
    FROM customers AS c
    JOIN orders AS o ON o.customer_id = c.id
    JOIN order_items AS i ON i.order_id = o.id
    JOIN products AS p ON p.id = i.product_id
    WHERE c.country = ? AND o.status <> 'cancelled'
    GROUP BY c.id, c.name
    HAVING sum(i.quantity * p.price_cents) > ?
    ORDER BY spent_cents DESC
"""
# --8<-- [end:queries]


def rows(conn: DBAPIConnection, sql: str, params: tuple[object, ...] = ()) -> list[tuple]:
    cur = conn.cursor()
    cur.execute(adapt(conn, sql), params)
    result = cur.fetchall()
    conn.rollback()  # a read-only transaction: nothing to keep
    return result


if __name__ == "__main__":
    with closing(connect()) as conn:
        create_tables(conn)
        add_sample_rows(conn)
        # --8<-- [start:demo]
        print(rows(conn, ORDERS_WITH_NAMES))
        '''
        [
            (1, 'Asha', 'delivered'),
            (2, 'Asha', 'shipped'),
            (3, 'Bruno', 'pending'),
            (4, 'Chen', 'cancelled'),
        ]
        '''
        print(rows(conn, ORDERS_PER_CUSTOMER))
        #> [('Asha', 2), ('Bruno', 1), ('Chen', 1), ('Dana', 0)]
        print(rows(conn, ORDER_TOTALS))
        #> [(1, 4299), (2, 1850), (3, 2600)]
        print(rows(conn, BIG_SPENDERS_IN, ("GB", 1000)))
        #> [('Asha', 6149)]
        # --8<-- [end:demo]
