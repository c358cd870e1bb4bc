"""The sample shop: customers, products, orders and order items, with realistic skew.

:func:`generate` is deterministic (same scale and seed, same rows, on every machine) and
:func:`load` puts the rows into SQLite (``executemany`` in one transaction) or PostgreSQL
(``COPY``).
The data is skewed the way real shops are: a few countries and a few customers place most orders,
a few products sell most, and almost every order is already delivered.

Only primary keys, foreign keys and ``customers.email``'s unique constraint are created: the
secondary indexes are what Modules 9 and 10 add and measure.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import DateTime, Engine, ForeignKey, Numeric, String, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(120), unique=True)
    country: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(DateTime)

    orders: Mapped[list[Order]] = relationship(back_populates="customer")

    def __repr__(self) -> str:
        return f"Customer(id={self.id}, name={self.name!r}, country={self.country!r})"


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    category: Mapped[str] = mapped_column(String(40))
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))

    def __repr__(self) -> str:
        return f"Product(id={self.id}, name={self.name!r}, price={self.price})"


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(DateTime)

    customer: Mapped[Customer] = relationship(back_populates="orders")
    items: Mapped[list[OrderItem]] = relationship(back_populates="order")

    def __repr__(self) -> str:
        return f"Order(id={self.id}, customer_id={self.customer_id}, status={self.status!r})"


class OrderItem(Base):
    __tablename__ = "order_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int]
    unit_price: Mapped[Decimal] = mapped_column(Numeric(10, 2))

    order: Mapped[Order] = relationship(back_populates="items")
    product: Mapped[Product] = relationship()


SCALES: dict[str, int] = {"tiny": 100, "small": 1_000, "medium": 10_000, "large": 100_000}
"""Named scales: the number of customers (about 5 orders per customer, 3 items per order)."""

COUNTRIES = ("GB", "US", "DE", "FR", "NL", "IE", "ES", "PL", "SE", "JP")
COUNTRY_WEIGHTS = (40, 25, 10, 7, 5, 4, 3, 3, 2, 1)
STATUSES = ("delivered", "shipped", "pending", "cancelled")
STATUS_WEIGHTS = (90, 5, 3, 2)
CATEGORIES = ("books", "games", "garden", "kitchen", "music", "office", "sport", "toys")
START = datetime(2024, 1, 1)


@dataclass(frozen=True)
class ShopData:
    """Rows of each table as tuples in column order (see :data:`COLUMNS`)."""

    customers: list[tuple[object, ...]]
    products: list[tuple[object, ...]]
    orders: list[tuple[object, ...]]
    order_items: list[tuple[object, ...]]

    def tables(self) -> Iterator[tuple[str, list[tuple[object, ...]]]]:
        """(table name, rows) in an order that satisfies the foreign keys."""
        yield "customers", self.customers
        yield "products", self.products
        yield "orders", self.orders
        yield "order_items", self.order_items


COLUMNS: dict[str, Sequence[str]] = {
    name: [c.name for c in table.columns]
    for name, table in Base.metadata.tables.items()
    if isinstance(table, Table)
}


def customers_for(scale: str | int) -> int:
    """Number of customers for a named scale or a positive integer."""
    if isinstance(scale, int) and not isinstance(scale, bool):
        if scale < 1:
            raise ValueError(f"scale must be a positive number of customers, got {scale}")
        return scale
    if isinstance(scale, str) and scale.isdigit():
        return customers_for(int(scale))
    try:
        return SCALES[str(scale)]
    except KeyError:
        names = ", ".join(SCALES)
        raise ValueError(f"unknown scale {scale!r}: use one of {names} or a number") from None


def generate(scale: str | int = "small", seed: int = 42) -> ShopData:
    """Build the rows for ``scale`` deterministically from ``seed``."""
    n_customers = customers_for(scale)
    rng = random.Random(seed)  # noqa: S311 - reproducible sample data, not secrets
    n_products = max(20, n_customers // 10)

    customers = [
        (
            i,
            f"Customer {i}",
            f"customer{i}@example.com",
            rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0],
            START + timedelta(minutes=rng.randrange(365 * 24 * 60)),
        )
        for i in range(1, n_customers + 1)
    ]
    products = [
        (
            i,
            f"Product {i}",
            CATEGORIES[i % len(CATEGORIES)],
            Decimal(rng.randrange(199, 20_000)) / 100,
        )
        for i in range(1, n_products + 1)
    ]
    # Pareto-shaped activity: a few customers and products account for most orders and sales.
    customer_weights = [1 / (rank**0.8) for rank in range(1, n_customers + 1)]
    product_weights = [1 / (rank**1.1) for rank in range(1, n_products + 1)]
    product_ids = range(1, n_products + 1)
    price = {p[0]: p[3] for p in products}

    orders: list[tuple[object, ...]] = []
    items: list[tuple[object, ...]] = []
    buyers = rng.choices(range(1, n_customers + 1), customer_weights, k=n_customers * 5)
    for order_id, customer_id in enumerate(buyers, start=1):
        created = START + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
        orders.append((order_id, customer_id, rng.choices(STATUSES, STATUS_WEIGHTS)[0], created))
        for product_id in rng.choices(product_ids, product_weights, k=rng.randint(1, 5)):
            items.append(
                (len(items) + 1, order_id, product_id, rng.randint(1, 4), price[product_id])
            )
    return ShopData(customers, products, orders, items)


def create_schema(engine: Engine) -> None:
    """Create the four tables (dropping any earlier copy first)."""
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)


def load(engine: Engine, scale: str | int = "small", seed: int = 42) -> ShopData:
    """Create the schema, load :func:`generate`'s rows, refresh planner statistics.

    Returns the rows loaded, so callers can check results against them.
    """
    data = generate(scale, seed)
    create_schema(engine)
    if engine.dialect.name == "postgresql":
        _copy_postgres(engine, data)
    else:
        _executemany_sqlite(engine, data)
    analyze(engine)
    return data


def analyze(engine: Engine) -> None:
    """Refresh the planner's statistics so plans reflect the data just loaded."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")


def _executemany_sqlite(engine: Engine, data: ShopData) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for table, rows in data.tables():
            columns = COLUMNS[table]
            marks = ", ".join("?" for _ in columns)
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608 - fixed names
                [tuple(_sqlite_value(v) for v in row) for row in rows],
            )
        raw.commit()
    finally:
        raw.close()


def _sqlite_value(value: object) -> object:
    """Store values the way SQLAlchemy's SQLite dialect does, so the ORM reads them back."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.isoformat(" ", timespec="microseconds")
    return value


def _copy_postgres(engine: Engine, data: ShopData) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for table, rows in data.tables():
            buffer = io.StringIO()
            csv.writer(buffer).writerows(rows)
            buffer.seek(0)
            columns = ", ".join(COLUMNS[table])
            cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)", buffer)
            # COPY with explicit ids leaves the id sequence at 1: move it past the loaded rows.
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", (table, max(len(rows), 1))
            )
        raw.commit()
    finally:
        raw.close()
