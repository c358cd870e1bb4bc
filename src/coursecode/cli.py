"""``coursecode``: the project's command line.

* ``coursecode sample-data --scale small --url sqlite:///shop.db`` loads the sample shop.
* ``coursecode postgres`` starts the embedded PostgreSQL (or checks COURSECODE_POSTGRES_URL) and
  prints a URL to put in DATABASE_URL; ``coursecode postgres --stop`` stops it.
* ``coursecode bench [PREFIX ...]`` measures the demos and rewrites the figures and plots.
* ``coursecode plots`` redraws the plots from the figures already measured.

Bad input gives one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coursecode import shop
from coursecode.db import DatabaseConfigError, backend, get_engine
from coursecode.postgres import PostgresUnavailable


class CommandError(Exception):
    """A problem to report in one line."""


def _sample_data(args: argparse.Namespace) -> None:
    try:
        shop.customers_for(args.scale)
        engine = get_engine(args.url)
    except (ValueError, DatabaseConfigError) as exc:
        raise CommandError(str(exc)) from None
    data = shop.load(engine, args.scale, seed=args.seed)
    counts = ", ".join(f"{len(rows):,} {table}" for table, rows in data.tables())
    print(f"loaded {counts} into {backend(engine)}")


def _postgres(args: argparse.Namespace) -> None:
    from coursecode import postgres

    if args.stop:
        postgres.stop_embedded()
        print("stopped the embedded PostgreSQL")
        return
    server = postgres.provide()
    # Leave it running for the reader's shell; 'coursecode postgres --stop' ends it.
    if server._handle is not None:
        server._handle.cleanup_mode = None
    print(f"# {server.describe()}", file=sys.stderr)
    print(server.url.render_as_string(hide_password=False))


def _bench(args: argparse.Namespace) -> None:
    from coursecode import bench, postgres

    root = Path(args.root)
    snippets = root / "snippets"
    if not snippets.is_dir():
        raise CommandError(f"no snippets/ folder under {root.resolve()}: run from the project root")
    server = None if args.sqlite_only else postgres.provide()
    if server is not None:
        print(f"PostgreSQL figures from {server.describe()}")
    try:
        data = bench.run_all(snippets, root / "docs/data/bench.json", server, args.only, args.size)
    finally:
        if server is not None:
            server.stop()
    _write_plots(data, root)


def _plots(args: argparse.Namespace) -> None:
    import json

    root = Path(args.root)
    bench_file = root / "docs/data/bench.json"
    if not bench_file.is_file():
        raise CommandError(f"no {bench_file}: run 'coursecode bench' first")
    _write_plots(json.loads(bench_file.read_text()), root)


def _write_plots(data: dict, root: Path) -> None:
    from coursecode import plots

    for path in plots.write_plots(data, root / "docs/data/plots"):
        print(f"wrote {path}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coursecode", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    sample = commands.add_parser("sample-data", help="load the sample shop into a database")
    sample.add_argument("--scale", default="small", help="tiny, small, medium, large or a number")
    sample.add_argument("--seed", type=int, default=42)
    sample.add_argument(
        "--url", help="database URL (default: $DATABASE_URL, else in-memory SQLite)"
    )
    sample.set_defaults(run=_sample_data)

    pg = commands.add_parser(
        "postgres", help="print a PostgreSQL URL, starting the embedded server"
    )
    pg.add_argument("--stop", action="store_true", help="stop the embedded server")
    pg.set_defaults(run=_postgres)

    bench_cmd = commands.add_parser("bench", help="measure the demos; rewrite figures and plots")
    bench_cmd.add_argument("only", nargs="*", help="measure only snippets starting with these")
    bench_cmd.add_argument("--size", choices=("test", "bench"), default="bench")
    bench_cmd.add_argument("--sqlite-only", action="store_true", help="keep the PostgreSQL figures")
    bench_cmd.add_argument("--root", default=".", help="project root (default: current folder)")
    bench_cmd.set_defaults(run=_bench)

    plots_cmd = commands.add_parser("plots", help="redraw the plots from docs/data/bench.json")
    plots_cmd.add_argument("--root", default=".", help="project root (default: current folder)")
    plots_cmd.set_defaults(run=_plots)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except (CommandError, PostgresUnavailable) as exc:
        print(f"coursecode: error: {exc}", file=sys.stderr)
        return 2
    return 0
