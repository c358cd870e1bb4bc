import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coursecode import shop
from coursecode.db import get_engine


def test_generation_is_deterministic() -> None:
    assert shop.generate("tiny", seed=7) == shop.generate("tiny", seed=7)
    assert shop.generate("tiny", seed=7) != shop.generate("tiny", seed=8)


def test_sizes_follow_the_scale() -> None:
    data = shop.generate(200)
    assert len(data.customers) == 200
    assert len(data.orders) == 1000
    assert 1000 <= len(data.order_items) <= 5000
    assert len(data.products) == 20


def test_data_is_skewed_like_a_real_shop() -> None:
    data = shop.generate("small")
    orders_per_customer: dict[object, int] = {}
    for _, customer_id, *_ in data.orders:
        orders_per_customer[customer_id] = orders_per_customer.get(customer_id, 0) + 1
    busiest = sorted(orders_per_customer.values(), reverse=True)
    top_tenth = sum(busiest[: len(data.customers) // 10])
    assert top_tenth > 0.3 * len(data.orders)
    delivered = sum(1 for order in data.orders if order[2] == "delivered")
    assert delivered > 0.8 * len(data.orders)


@pytest.mark.parametrize(("scale", "expected"), [("tiny", 100), ("250", 250), (3, 3)])
def test_scales(scale: str | int, expected: int) -> None:
    assert shop.customers_for(scale) == expected


@pytest.mark.parametrize("scale", ["huge", 0, -5, True])
def test_bad_scales_are_rejected(scale: object) -> None:
    with pytest.raises(ValueError, match="scale"):
        shop.customers_for(scale)  # type: ignore[arg-type]


@pytest.mark.databases
def test_load_round_trips_through_the_orm(database_url: str | None) -> None:
    engine = get_engine(database_url)
    data = shop.load(engine, "tiny")
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(shop.OrderItem)) == len(
            data.order_items
        )
        order = session.get(shop.Order, 1)
        assert order is not None
        first = data.orders[0]
        assert (order.customer_id, order.status, order.created_at) == first[1:]
        item_row = next(row for row in data.order_items if row[1] == 1)
        item = session.get(shop.OrderItem, item_row[0])
        assert item is not None
        assert item.unit_price == item_row[4]
        assert repr(order.customer).startswith("Customer(id=")
        assert repr(item.product).startswith("Product(id=")
        assert repr(order).startswith("Order(id=1,")
        # New rows get ids after the loaded ones (the PostgreSQL sequence was moved past them).
        session.add(shop.Product(name="new", category="toys", price=1))
        session.flush()
        assert session.scalar(select(func.max(shop.Product.id))) == len(data.products) + 1
