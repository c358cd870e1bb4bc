"""Every task of the project. ``nox`` runs the full check; ``nox -l`` lists the sessions."""

from __future__ import annotations

import glob
import os
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT / "src"))
from coursecode.snippet_meta import SUPPORTED_PYTHONS  # noqa: E402  (stdlib-only module)

nox.options.sessions = ["lint", "tests", "pythons", "coverage", "docs"]
nox.options.reuse_venv = "yes"
# A reader's machine rarely has every supported Python: there `pythons` is skipped for the missing
# ones, and nox says so. CI (.ci/run sets CI) has them all and fails if one is missing.
nox.options.error_on_missing_interpreters = "CI" in os.environ

DATABASES = ["sqlite", "postgres"]
# The interpreter nox runs on, which the tests sessions use too.
RUNNING_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
# Material for MkDocs prints an end-of-life notice (May 2027, Zensical as successor) on every
# build. It is not about this site; the project notes it once (README) instead of on every run.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (with the bandit rules) and ruff's formatter in check mode."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
@nox.parametrize("db", DATABASES)
def tests(session: nox.Session, db: str) -> None:
    """Every snippet, page example, notebook and unit test on one database, under coverage."""
    session.install("-e", ".[test,docs]")
    for stale in glob.glob(f".coverage.{db}*"):
        os.remove(stale)
    pytest = ["coverage", "run", "-m", "pytest", f"--db={db}"]
    env = {"COVERAGE_FILE": f".coverage.{db}"}
    # A selection of tests (posargs) may hold no test of one of the two kinds: pytest's "no tests
    # ran" (5) is then fine. The full run always has both.
    codes = [0, 5] if session.posargs else [0]
    # Everything but the timing of threads and processes, spread over the cores (each test file
    # on one worker, so a file's shared measurement is made once; see tests/conftest.py)...
    session.run(
        *pytest,
        "-m",
        "not serial",
        "--numprocesses=auto",
        "--dist=loadgroup",
        *session.posargs,
        env=env,
        success_codes=codes,
    )
    # ...then the tests that time threads and processes against each other, one at a time on
    # an otherwise idle machine. None of them needs a database so far: the PostgreSQL run may
    # have none.
    serial_codes = [0, 5] if db == "postgres" else codes
    session.run(*pytest, "-m", "serial", *session.posargs, env=env, success_codes=serial_codes)


@nox.session(python=list(SUPPORTED_PYTHONS))
def pythons(session: nox.Session) -> None:
    """What depends on the Python version (``# test: pythons`` snippets, tests marked
    ``pythons``) on every supported Python but the one the tests sessions use.

    ``nox -s pythons -- --update-examples`` recaptures their per-version output.
    """
    update = "--update-examples" in session.posargs
    if session.python == RUNNING_PYTHON and not update:
        session.skip(f"the tests sessions run these on Python {RUNNING_PYTHON} already")
    session.install("-e", ".", "pytest>=8", "pytest-examples>=0.0.15")
    session.run(
        "pytest",
        "--version-dependent",
        "-p",
        "no:cacheprovider",
        "tests/snippets",
        *session.posargs,
    )


@nox.session
def coverage(session: nox.Session) -> None:
    """Combine both databases' coverage and hold it at 100% of src/coursecode and snippets/."""
    session.install("coverage[toml]>=7.10")
    session.run("coverage", "combine", "--keep", "--quiet")
    session.run("coverage", "report")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site strictly: any warning (a broken link, a missing snippet region) fails."""
    session.install("-e", ".[docs]")
    session.run("mkdocs", "build", "--strict")


@nox.session
def serve(session: nox.Session) -> None:
    """Build and serve the site with live reload at http://127.0.0.1:8000."""
    session.install("-e", ".[docs]")
    session.run("mkdocs", "serve", "--dev-addr", "127.0.0.1:8000", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Measure every demo on both databases; rewrite docs/data/bench.json and the plots.

    ``nox -s bench -- m01_concurrency`` measures one module (other figures are kept).
    """
    session.install("-e", ".[bench]")
    session.run("coursecode", "bench", *session.posargs)


@nox.session
def update_examples(session: nox.Session) -> None:
    """Rewrite #> output comments and captured per-database output from real runs."""
    session.install("-e", ".[test,docs]")
    for db in DATABASES:
        session.run("pytest", f"--db={db}", "--update-examples", "tests/snippets", "tests/docs")


@nox.session
def publish(session: nox.Session) -> None:
    """Deploy the checked site as a version with mike: ``nox -s publish -- 0.1 [--push]``.

    Runs the full check first (lint, both test runs, coverage, the strict build) and deploys only
    if it passes. Writes to the local gh-pages branch; pushes only when --push is given.
    """
    args = list(session.posargs)
    push = "--push" in args
    versions = [a for a in args if a != "--push"]
    if len(versions) != 1:
        session.error("usage: nox -s publish -- VERSION [--push]")
    version = versions[0]
    # A nested run, not `requires=`: required sessions would receive this session's arguments.
    session.run(sys.executable, "-m", "nox", "--sessions", *nox.options.sessions, external=True)
    session.install("-e", ".[docs]")
    extra = ["--push"] if push else []
    session.run("mike", "deploy", "--update-aliases", version, "latest", *extra)
    session.run("mike", "set-default", "latest", *extra)
