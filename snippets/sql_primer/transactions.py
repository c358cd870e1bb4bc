# test: databases
"""ACID on a two-account ledger: all or nothing, rules that always hold, other sessions see only
committed work, committed work stays; and a savepoint that undoes part of a transaction."""

from __future__ import annotations

from contextlib import closing

from coursecode.dbapi import DBAPIConnection, adapt, connect, shared_database

# --8<-- [start:ledger]
ACCOUNTS = """
    CREATE TABLE accounts (
        id            INTEGER PRIMARY KEY,
        owner         TEXT NOT NULL,
        balance_cents INTEGER NOT NULL CHECK (balance_cents >= 0)    -- no overdrafts, ever
    )
"""


class InsufficientFunds(Exception):
    """The debit would take an account below zero."""


def move(conn: DBAPIConnection, source: int, target: int, cents: int) -> None:
    """Credit ``target`` and debit ``source``, inside whatever transaction is open."""
    cur = conn.cursor()
    cur.execute(
        adapt(conn, "UPDATE accounts SET balance_cents = balance_cents + ? WHERE id = ?"),
        (cents, target),
    )
    if cur.rowcount != 1:
        raise LookupError(f"no account {target}")
    try:
        cur.execute(
            adapt(conn, "UPDATE accounts SET balance_cents = balance_cents - ? WHERE id = ?"),
            (cents, source),
        )
    except conn.IntegrityError:  # the CHECK constraint refused a negative balance
        raise InsufficientFunds(f"account {source} cannot pay {cents}") from None
    if cur.rowcount != 1:
        raise LookupError(f"no account {source}")


def transfer(conn: DBAPIConnection, source: int, target: int, cents: int) -> None:
    """Both updates happen, or neither does."""
    with conn:  # commits if the block succeeds, rolls back if it raises
        move(conn, source, target, cents)


# --8<-- [end:ledger]


# --8<-- [start:savepoint]
def pay_with_tip(conn: DBAPIConnection, source: int, target: int, cents: int, tip: int) -> bool:
    """Pay ``cents``, then try to add ``tip``: a failed tip must not cancel the payment.

    Returns whether the tip was paid.
    """
    with conn:
        move(conn, source, target, cents)  # the first UPDATE opens the transaction
        cur = conn.cursor()
        cur.execute("SAVEPOINT tip")  # a point inside the transaction to return to
        try:
            move(conn, source, target, tip)
        except InsufficientFunds:
            cur.execute("ROLLBACK TO SAVEPOINT tip")  # undo the tip's credit, nothing else
            paid = False
        else:
            paid = True
        cur.execute("RELEASE SAVEPOINT tip")  # forget the savepoint; its work stays
        return paid


# --8<-- [end:savepoint]


def balances(conn: DBAPIConnection) -> dict[str, int]:
    cur = conn.cursor()
    cur.execute("SELECT owner, balance_cents FROM accounts ORDER BY id")
    result = dict(cur.fetchall())
    conn.rollback()  # end the read, so this session holds no transaction open
    return result


def open_accounts(conn: DBAPIConnection) -> None:
    with conn:
        cur = conn.cursor()
        cur.execute(ACCOUNTS)
        cur.executemany(
            adapt(conn, "INSERT INTO accounts (id, owner, balance_cents) VALUES (?, ?, ?)"),
            [(1, "Asha", 10_000), (2, "Bruno", 5_000)],
        )


if __name__ == "__main__":
    # Two sessions need a database both can open: a file when DATABASE_URL is in-memory SQLite.
    with shared_database() as url:
        with closing(connect(url)) as conn, closing(connect(url)) as other:
            open_accounts(conn)
            # --8<-- [start:atomicity]
            transfer(conn, source=1, target=2, cents=2_500)
            print(balances(conn))
            #> {'Asha': 7500, 'Bruno': 7500}
            try:
                transfer(conn, source=2, target=1, cents=99_999)  # credit runs, debit fails
            except InsufficientFunds as exc:
                print("refused:", exc)
                #> refused: account 2 cannot pay 99999
            print(balances(conn))  # the credit to account 1 was rolled back with the rest
            #> {'Asha': 7500, 'Bruno': 7500}
            # --8<-- [end:atomicity]

            # --8<-- [start:isolation]
            cur = conn.cursor()
            cur.execute("UPDATE accounts SET balance_cents = 0 WHERE id = 1")  # not committed
            print("other session, before commit:", balances(other))
            #> other session, before commit: {'Asha': 7500, 'Bruno': 7500}
            conn.commit()
            print("other session, after commit: ", balances(other))
            #> other session, after commit:  {'Asha': 0, 'Bruno': 7500}
            # --8<-- [end:isolation]

            # --8<-- [start:savepoint-demo]
            print("tip paid:", pay_with_tip(conn, source=2, target=1, cents=1_000, tip=500))
            #> tip paid: True
            print(balances(conn))
            #> {'Asha': 1500, 'Bruno': 6000}
            print("tip paid:", pay_with_tip(conn, source=2, target=1, cents=6_000, tip=1_000))
            #> tip paid: False
            print(balances(conn))  # the payment stands, the tip was undone
            #> {'Asha': 7500, 'Bruno': 0}
            # --8<-- [end:savepoint-demo]

        # --8<-- [start:durability]
        with closing(connect(url)) as later:  # a new connection, after the others closed
            print("a new session reads:", balances(later))
            #> a new session reads: {'Asha': 7500, 'Bruno': 0}
        # --8<-- [end:durability]
