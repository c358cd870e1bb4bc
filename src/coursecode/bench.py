"""The benchmark session: run every snippet's ``measure()`` and write ``docs/data/bench.json``.

Each measurement runs in a fresh interpreter (``python -m coursecode.bench --one FILE``) so that
imports, caches and earlier runs do not leak into it. Database snippets run once per backend,
each on an empty database.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sqlite3
import subprocess
import sys
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from coursecode.db import URL_VARIABLE
from coursecode.snippet_meta import read_meta

SIZES = ("test", "bench")
RESULT_MARKER = "coursecode-bench-result:"


class MeasureError(RuntimeError):
    """A snippet's measure() failed or printed no result."""


def snippet_key(path: Path, snippets_root: Path) -> str:
    """``'m01_concurrency/cpu_bound'`` for ``snippets/m01_concurrency/cpu_bound.py``."""
    return path.relative_to(snippets_root).with_suffix("").as_posix()


def measurable(snippets_root: Path) -> list[Path]:
    """Snippet files that define ``measure()``."""
    return sorted(p for p in snippets_root.rglob("*.py") if read_meta(p).measured)


def measure_snippet(
    path: Path, size: str = "test", database_url: str | None = None, timeout: float = 600
) -> dict[str, float]:
    """Run ``measure(size)`` from ``path`` in a fresh interpreter and return its figures."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}, got {size!r}")
    env = dict(os.environ)
    env.pop(URL_VARIABLE, None)
    if database_url:
        env[URL_VARIABLE] = database_url
    proc = subprocess.run(  # noqa: S603 - our own interpreter running our own module
        [sys.executable, "-m", "coursecode.bench", "--one", str(path), "--size", size],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_MARKER):
            return json.loads(line[len(RESULT_MARKER) :])
    tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
    raise MeasureError(f"{path}: measure({size!r}) exited {proc.returncode}:\n{tail}")


def _measure_here(path: Path, size: str) -> None:
    # Imported under its own name, not run as __main__: the demo does not run, and functions
    # it hands to a process pool pickle by module name and can be imported by the workers.
    sys.path.insert(0, str(path.resolve().parent))
    figures = importlib.import_module(path.stem).measure(size)
    bad = {k: v for k, v in figures.items() if not isinstance(v, int | float)}
    if bad:
        raise MeasureError(f"{path}: measure() must return numbers, got {bad}")
    print(RESULT_MARKER + json.dumps(figures, sort_keys=True), flush=True)


def machine_stamp(postgres_version: str | None) -> dict[str, Any]:
    """Where and when figures were measured."""
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "os": f"{platform.system()} {platform.release()}",
        "machine": platform.machine(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres_version,
    }


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def run_all(
    snippets_root: Path,
    output: Path,
    postgres: Any | None,
    only: Iterable[str] = (),
    size: str = "bench",
) -> dict[str, Any]:
    """Measure every snippet (or those whose key starts with one of ``only``) and write JSON.

    ``postgres`` is a :class:`coursecode.postgres.PostgresServer`, or None to measure SQLite only
    (the PostgreSQL figures already in ``output`` are then kept).
    """
    previous = json.loads(output.read_text()) if output.exists() else {}
    results: dict[str, dict[str, dict[str, float]]] = previous.get("results", {})
    prefixes = tuple(only)
    for path in measurable(snippets_root):
        key = snippet_key(path, snippets_root)
        if prefixes and not key.startswith(prefixes):
            continue
        meta = read_meta(path)
        per_db: dict[str, dict[str, float]] = {}
        if not meta.databases:
            print(f"measuring {key}", flush=True)
            per_db["any"] = measure_snippet(path, size)
        else:
            print(f"measuring {key} on sqlite", flush=True)
            per_db["sqlite"] = measure_snippet(path, size)
            if postgres is not None:
                print(f"measuring {key} on postgresql", flush=True)
                url = postgres.create_database("bench")
                try:
                    per_db["postgresql"] = measure_snippet(
                        path, size, url.render_as_string(hide_password=False)
                    )
                finally:
                    postgres.drop_database(url)
            elif "postgresql" in results.get(key, {}):
                per_db["postgresql"] = results[key]["postgresql"]
        results[key] = per_db
    stamp = machine_stamp(postgres.version if postgres is not None else None)
    if postgres is None and previous.get("stamp", {}).get("postgresql"):
        stamp["postgresql"] = previous["stamp"]["postgresql"]
    data = {"stamp": stamp, "size": size, "results": dict(sorted(results.items()))}
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursecode.bench", description=__doc__)
    parser.add_argument("--one", type=Path, help="measure one snippet file here and print JSON")
    parser.add_argument("--size", choices=SIZES, default="bench")
    args = parser.parse_args(argv)
    if args.one is None:
        parser.error("use 'coursecode bench' to measure everything; --one FILE measures one file")
    _measure_here(args.one, args.size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
