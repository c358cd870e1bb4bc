"""Test-wide setup: which database this run targets, and a fresh database per test that needs one.

``pytest --db sqlite`` (the default) runs every test; ``pytest --db postgres`` runs only the tests
that touch a database, against ``COURSECODE_POSTGRES_URL`` or an embedded server started here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from coursecode.postgres import PostgresServer, PostgresUnavailable, provide
from coursecode.redis_server import RedisServer, RedisUnavailable
from coursecode.redis_server import provide as provide_redis

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = {"sqlite": "sqlite", "postgres": "postgresql"}

_server: PostgresServer | None = None
_redis: RedisServer | None = None


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=sorted(BACKENDS),
        default="sqlite",
        help="database for database tests (postgres: COURSECODE_POSTGRES_URL or embedded)",
    )
    parser.addoption(
        "--version-dependent",
        action="store_true",
        help="run only what depends on the Python version (# test: pythons, @pytest.mark.pythons)",
    )


def pytest_configure(config: pytest.Config) -> None:
    global _server
    config.addinivalue_line("markers", "databases: a test that talks to the selected database")
    config.addinivalue_line("markers", "postgres: a test of PostgreSQL itself (postgres run only)")
    config.addinivalue_line(
        "markers", "pythons: depends on the Python version (nox -s pythons runs it on each)"
    )
    config.addinivalue_line(
        "markers", "serial: times threads or processes; needs idle cores (nox runs it alone)"
    )
    if config.getoption("--db") == "postgres" and _server is None:
        try:
            _server = provide()
        except PostgresUnavailable as exc:
            raise pytest.UsageError(str(exc)) from None


def pytest_unconfigure(config: pytest.Config) -> None:
    global _server, _redis
    if _server is not None:
        _server.stop()
        _server = None
    if _redis is not None:
        _redis.stop()
        _redis = None


def pytest_report_header(config: pytest.Config) -> str:
    if _server is not None:
        return f"coursecode database: {_server.describe()}"
    return "coursecode database: SQLite (in-memory, one per snippet run)"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _server is not None:
        terminalreporter.write_line(f"coursecode: PostgreSQL tests ran on {_server.describe()}")
    if _redis is not None:
        terminalreporter.write_line(f"coursecode: Redis tests ran on {_redis.describe()}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The postgres run repeats only what depends on the database; the rest ran under sqlite.
    # Tests of PostgreSQL itself (marker "postgres") run only in the postgres run.
    on_postgres = config.getoption("--db") == "postgres"

    version_dependent_only = config.getoption("--version-dependent")

    def wanted(item: pytest.Item) -> bool:
        if version_dependent_only and not item.get_closest_marker("pythons"):
            return False
        if item.get_closest_marker("postgres"):
            return on_postgres
        return not on_postgres or item.get_closest_marker("databases") is not None

    keep = [item for item in items if wanted(item)]
    dropped = [item for item in items if not wanted(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = keep
    # Under pytest-xdist (--dist=loadgroup) a test file stays on one worker, so its module-scoped
    # measurement is made once. The snippet runs are independent of each other and the largest
    # share of the work: they are spread one by one.
    if not config.pluginmanager.hasplugin("xdist"):
        return  # `nox -s pythons` runs without it
    for item in keep:
        if item.path.name != "test_snippets.py":
            item.add_marker(pytest.mark.xdist_group(item.path.relative_to(ROOT).as_posix()))


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    """``'sqlite'`` or ``'postgresql'``: the backend this run targets."""
    return BACKENDS[request.config.getoption("--db")]


@pytest.fixture(scope="session")
def postgres_server(backend: str) -> PostgresServer:
    if _server is None:
        pytest.skip("this test needs PostgreSQL: run it with --db postgres")
    return _server


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest) -> Iterator[str | None]:
    """A fresh database for one test: None means the default in-memory SQLite."""
    if backend == "sqlite":
        yield None
        return
    server = request.getfixturevalue("postgres_server")
    url = server.create_database("test")
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        server.drop_database(url)


@pytest.fixture(scope="session")
def redis_server() -> RedisServer:
    """``COURSECODE_REDIS_URL``'s server, or an embedded Valkey started once for the run."""
    global _redis
    if _redis is None:
        try:
            _redis = provide_redis()
        except RedisUnavailable as exc:
            pytest.fail(str(exc), pytrace=False)
    return _redis
