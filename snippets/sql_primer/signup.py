# test: databases
"""The code under test in test_signup.py: sign a customer up, once per email address."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coursecode.db import get_engine
from coursecode.shop import Customer, create_schema


# --8<-- [start:code]
class EmailTaken(ValueError):
    """Another customer already signed up with this email address."""


def sign_up(session: Session, name: str, email: str, country: str, when: datetime) -> int:
    """Add a customer and commit; return the new id. The email is stored lower-cased."""
    customer = Customer(name=name, email=email.strip().lower(), country=country, created_at=when)
    session.add(customer)
    try:
        session.commit()  # the unique constraint on email decides, even under concurrency
    except IntegrityError:
        session.rollback()
        raise EmailTaken(email) from None
    return customer.id


def customer_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Customer))


# --8<-- [end:code]


if __name__ == "__main__":
    engine = get_engine()
    create_schema(engine)
    with Session(engine) as session:
        joined = datetime(2025, 1, 6, 9, 30)
        print(sign_up(session, "Asha", "Asha@Example.com ", "GB", joined))
        #> 1
        try:
            sign_up(session, "Asha again", "asha@example.com", "GB", joined)
        except EmailTaken as exc:
            print("refused:", exc)
            #> refused: asha@example.com
        print(customer_count(session))
        #> 1
    engine.dispose()
