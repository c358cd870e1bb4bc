"""The benchmark session: run every snippet's ``measure()`` and write ``docs/data/bench.json``.

Each measurement runs in a fresh interpreter (``python -m coursecode.bench --one FILE``) so that
imports, caches and earlier runs do not leak into it. Database snippets run once per backend,
each on an empty database.

A measured snippet may also define

* ``def series(size: str) -> dict[str, list[tuple[float, float]]]``: named lines of
  (seconds, MiB) points, memory over time. They are stored in
  ``docs/data/series/<slug>__<name>.json`` and :mod:`coursecode.plots` draws them as lines.
* ``def images(out_dir: Path, prefix: str) -> list[Path]``: pictures made by a real run (a
  reference graph, say), written into ``docs/data/plots/`` under names that start with
  ``prefix`` (``<slug>__<name>``).

Both also run in a fresh interpreter, after ``measure()``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import re
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
SERIES_MARKER = "coursecode-bench-series:"
IMAGES_MARKER = "coursecode-bench-images:"
_SERIES = re.compile(r"^def series\(", re.MULTILINE)
_IMAGES = re.compile(r"^def images\(", re.MULTILINE)


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
    _check_size(size)
    args = ["--size", size]
    return _run_one(path, args, RESULT_MARKER, database_url, timeout, f"measure({size!r})")


def measure_series(
    path: Path, size: str = "test", timeout: float = 600
) -> dict[str, list[list[float]]]:
    """Run ``series(size)`` from ``path`` in a fresh interpreter: named lines of [x, y] points."""
    _check_size(size)
    args = ["--size", size, "--series"]
    return _run_one(path, args, SERIES_MARKER, None, timeout, f"series({size!r})")


def draw_images(path: Path, out_dir: Path, prefix: str, timeout: float = 600) -> list[Path]:
    """Run ``images(out_dir, prefix)`` from ``path`` in a fresh interpreter; the files it wrote."""
    args = ["--images", str(out_dir), "--prefix", prefix]
    names = _run_one(path, args, IMAGES_MARKER, None, timeout, f"images({prefix!r})")
    return [out_dir / name for name in names]


def _check_size(size: str) -> None:
    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}, got {size!r}")


def _run_one(
    path: Path,
    args: list[str],
    marker: str,
    database_url: str | None,
    timeout: float,
    what: str,
) -> Any:
    env = dict(os.environ)
    env.pop(URL_VARIABLE, None)
    if database_url:
        env[URL_VARIABLE] = database_url
    proc = subprocess.run(  # noqa: S603 - our own interpreter running our own module
        [sys.executable, "-m", "coursecode.bench", "--one", str(path), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    for line in proc.stdout.splitlines():
        if line.startswith(marker):
            return json.loads(line[len(marker) :])
    tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
    raise MeasureError(f"{path}: {what} exited {proc.returncode}:\n{tail}")


def _measure_here(path: Path, size: str) -> None:
    # Imported under its own name, not run as __main__: the demo does not run, and functions
    # it hands to a process pool pickle by module name and can be imported by the workers.
    figures = _import(path).measure(size)
    bad = {k: v for k, v in figures.items() if not isinstance(v, int | float)}
    if bad:
        raise MeasureError(f"{path}: measure() must return numbers, got {bad}")
    print(RESULT_MARKER + json.dumps(figures, sort_keys=True), flush=True)


def _is_point(point: Any) -> bool:
    return (
        isinstance(point, list | tuple)
        and len(point) == 2
        and all(isinstance(v, int | float) for v in point)
    )


def _series_here(path: Path, size: str) -> None:
    lines = _import(path).series(size)
    if not isinstance(lines, dict) or not all(
        isinstance(points, list | tuple) and all(map(_is_point, points))
        for points in lines.values()
    ):
        raise MeasureError(f"{path}: series() must return {{name: [(x, y), ...]}}")
    data = {str(name): [[float(x), float(y)] for x, y in points] for name, points in lines.items()}
    print(SERIES_MARKER + json.dumps(data, sort_keys=True), flush=True)


def _images_here(path: Path, out_dir: Path, prefix: str) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [Path(p) for p in _import(path).images(out_dir, prefix)]
    wrong = [
        str(p)
        for p in written
        if p.parent.resolve() != out_dir.resolve()
        or not p.name.startswith(prefix)
        or not p.is_file()
    ]
    if wrong:
        raise MeasureError(f"{path}: images() must write files {out_dir}/{prefix}*, got {wrong}")
    print(IMAGES_MARKER + json.dumps(sorted(p.name for p in written)), flush=True)


def _import(path: Path) -> Any:
    sys.path.insert(0, str(path.resolve().parent))
    return importlib.import_module(path.stem)


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
    series_dir: Path | None = None,
    images_dir: Path | None = None,
) -> dict[str, Any]:
    """Measure every snippet (or those whose key starts with one of ``only``) and write JSON.

    ``postgres`` is a :class:`coursecode.postgres.PostgresServer`, or None to measure SQLite only
    (the PostgreSQL figures already in ``output`` are then kept). Series go to ``series_dir``
    (default: ``series/`` next to ``output``), images to ``images_dir`` (default: ``plots/``).
    """
    series_dir = series_dir or output.parent / "series"
    images_dir = images_dir or output.parent / "plots"
    previous = json.loads(output.read_text()) if output.exists() else {}
    results: dict[str, dict[str, dict[str, float]]] = previous.get("results", {})
    # The day each snippet was last measured: a partial run re-measures only some of them.
    earlier = previous.get("stamp", {}).get("date")
    measured: dict[str, str] = {k: earlier for k in results if earlier}
    measured.update(previous.get("measured", {}))
    today = datetime.now(timezone.utc).strftime("%Y-%m-%d")
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
        measured[key] = today
        _extras(path, key, size, series_dir, images_dir)
    stamp = machine_stamp(postgres.version if postgres is not None else None)
    if postgres is None and previous.get("stamp", {}).get("postgresql"):
        stamp["postgresql"] = previous["stamp"]["postgresql"]
    data = {
        "stamp": stamp,
        "size": size,
        "results": dict(sorted(results.items())),
        "measured": {k: measured[k] for k in sorted(results) if k in measured},
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    return data


def series_name(snippet: str) -> str:
    """``'m07_memory_profiling__case_study'`` for ``'m07_memory_profiling/case_study'``."""
    return snippet.replace("/", "__")


def _extras(path: Path, key: str, size: str, series_dir: Path, images_dir: Path) -> None:
    source = path.read_text()
    if _SERIES.search(source):
        print(f"recording series of {key}", flush=True)
        lines = measure_series(path, size)
        series_dir.mkdir(parents=True, exist_ok=True)
        target = series_dir / f"{series_name(key)}.json"
        target.write_text(json.dumps(lines, indent=1, sort_keys=True) + "\n")
    if _IMAGES.search(source):
        print(f"drawing images of {key}", flush=True)
        draw_images(path, images_dir, series_name(key))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursecode.bench", description=__doc__)
    parser.add_argument("--one", type=Path, help="measure one snippet file here and print JSON")
    parser.add_argument("--size", choices=SIZES, default="bench")
    parser.add_argument("--series", action="store_true", help="run series(size), not measure()")
    parser.add_argument("--images", type=Path, metavar="DIR", help="run images(DIR, PREFIX)")
    parser.add_argument("--prefix", default="", help="file-name prefix for --images")
    args = parser.parse_args(argv)
    if args.one is None:
        parser.error("use 'coursecode bench' to measure everything; --one FILE measures one file")
    if args.images is not None:
        _images_here(args.one, args.images, args.prefix)
    elif args.series:
        _series_here(args.one, args.size)
    else:
        _measure_here(args.one, args.size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
