"""Shared by this module's tests: the snippets folder on sys.path, the run's Redis server
handed to measure() the way the snippet tests hand it to the demos, and a Redis that is down."""

from __future__ import annotations

import importlib.util
import socket
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest

from coursecode.redis_server import URL_VARIABLE, RedisServer
from tests.conftest import ROOT

FOLDER = ROOT / "snippets" / "db_techniques"


def snippet(name: str) -> ModuleType:
    """Import ``snippets/db_techniques/<name>.py`` as ``db_techniques_<name>`` (the demo does not
    run); other modules' snippets may share the file name."""
    module_name = f"db_techniques_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    if str(FOLDER) not in sys.path:  # exercise_solution.py imports redis_cache.py
        sys.path.insert(0, str(FOLDER))
    spec = importlib.util.spec_from_file_location(module_name, FOLDER / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def redis_url(redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """COURSECODE_REDIS_URL set to the run's server, for measure() in a child interpreter."""
    monkeypatch.setenv(URL_VARIABLE, redis_server.url)
    yield redis_server.url


@pytest.fixture
def unreachable_redis() -> Iterator[RedisServer]:
    """A Redis URL on a loopback port where nothing listens: every connection is refused, as
    when the cache server is down. The port stays bound (without listening) for the test, so no
    other process can take it meanwhile."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        yield RedisServer(f"redis://127.0.0.1:{port}/0", "a closed port", "Redis", "none")
