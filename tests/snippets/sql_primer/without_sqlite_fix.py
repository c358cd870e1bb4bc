"""A pytest plugin for test_testing_example.py: run snippets/sql_primer/test_signup.py with its
SQLite savepoint fix switched off."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.module.make_sqlite_savepoints_work = lambda engine: None
