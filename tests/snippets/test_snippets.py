"""Run every file under ``snippets/`` and check what it prints.

Each snippet runs in its own interpreter with a timeout, on every database it applies to. Its
prints are compared with the ``#>`` comments in the file, or, for ``# test: output=per-database``
snippets, with ``docs/outputs/<slug>/<name>.<db>.txt``. ``pytest --update-examples`` (the
``update_examples`` nox session) rewrites both from the real run instead of failing.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from coursecode.db import URL_VARIABLE, get_engine, server_version
from coursecode.redis_server import URL_VARIABLE as REDIS_URL_VARIABLE
from coursecode.snippet_meta import SUPPORTED_PYTHONS, read_meta
from tests.conftest import ROOT

SNIPPETS = ROOT / "snippets"
OUTPUTS = ROOT / "docs" / "outputs"
VERSIONS = OUTPUTS / "versions.json"
PRINT_CHECK = ROOT / "tests" / "support" / "print_check.py"

# Numbers that change from run to run in plans: estimates and timings, not the plan's shape.
VOLATILE = [
    (re.compile(r"(cost|actual time)=[\d.]+\.\.[\d.]+"), r"\1=…"),
    (re.compile(r"(Planning|Execution) Time: [\d.]+ ms"), r"\1 Time: … ms"),
    (re.compile(r"Memory Usage: \d+kB"), "Memory Usage: …kB"),
    (re.compile(r"Memory: used=\d+kB allocated=\d+kB"), "Memory: …"),
    (re.compile(r"Buffers: .*"), "Buffers: …"),
    (re.compile(r"(width)=\d+"), r"\1=…"),
]


def mask(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "snippet" not in metafunc.fixturenames:
        return
    db = {"sqlite": "sqlite", "postgres": "postgresql"}[metafunc.config.getoption("--db")]
    version_dependent_only = metafunc.config.getoption("--version-dependent")
    params = []
    for path in sorted(SNIPPETS.rglob("*.py")):
        meta = read_meta(path)
        if version_dependent_only and not meta.pythons:
            continue
        name = path.relative_to(SNIPPETS).with_suffix("").as_posix()
        marks = [pytest.mark.pythons] if meta.pythons else []
        if meta.databases:
            marks.append(pytest.mark.databases)
            params.append(pytest.param(path, id=f"{name}-{db}", marks=marks))
        elif db == "sqlite":
            params.append(pytest.param(path, id=name, marks=marks))
    metafunc.parametrize("snippet", params)


def _env(database_url: str | None, redis_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop(URL_VARIABLE, None)
    if database_url:
        env[URL_VARIABLE] = database_url
    if redis_url:
        env[REDIS_URL_VARIABLE] = redis_url
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


def _run(
    args: list[str], database_url: str | None, redis_url: str | None, timeout: float
) -> subprocess.CompletedProcess:
    try:
        proc = subprocess.run(
            [sys.executable, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=_env(database_url, redis_url),
            cwd=ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{args[-1]} did not finish within {timeout:.0f} s", pytrace=False)
    if proc.returncode != 0:
        pytest.fail(f"exited {proc.returncode}:\n{proc.stderr[-4000:]}", pytrace=False)
    return proc


def _diff(old: str, new: str, name: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), f"{name} (committed)", f"{name} (this run)", lineterm=""
    )
    return "\n".join(lines)


def test_snippet(
    snippet: Path, backend: str, database_url: str | None, request: pytest.FixtureRequest, tmp_path
) -> None:
    meta = read_meta(snippet)
    redis_url = request.getfixturevalue("redis_server").url if meta.redis else None
    update = request.config.getoption("--update-examples")
    name = snippet.relative_to(SNIPPETS).with_suffix("")
    if meta.per_database_output:
        proc = _run([str(snippet)], database_url, redis_url, meta.timeout)
        _check_captured(
            OUTPUTS / f"{name}.{backend}.txt", proc.stdout, backend, database_url, update
        )
        return
    if meta.per_python_output:
        proc = _run([str(snippet)], database_url, redis_url, meta.timeout)
        _check_per_python(OUTPUTS / f"{name}.py{PYTHON}.txt", proc.stdout, update)
        return
    result = tmp_path / "result.json"
    _run([str(PRINT_CHECK), str(snippet), str(result)], database_url, redis_url, meta.timeout)
    updated = json.loads(result.read_text())["updated"]
    if updated is None:
        return
    if update:
        snippet.write_text(updated)
        return
    pytest.fail(
        "printed output differs from the #> comments (run 'nox -s update_examples'):\n"
        + _diff(snippet.read_text(), updated, str(name)),
        pytrace=False,
    )


PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


def _check_per_python(expected: Path, actual: str, update: bool) -> None:
    if PYTHON not in SUPPORTED_PYTHONS:
        pytest.skip(
            f"output is captured on Python {', '.join(SUPPORTED_PYTHONS)}; this is {PYTHON}"
        )
    if update:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(actual)
        return
    _compare(
        expected,
        actual,
        f"'nox -s update_examples' on Python {PYTHON} "
        "('nox -s pythons -- --update-examples' for the other Pythons)",
    )


def _compare(expected: Path, actual: str, how_to_update: str) -> None:
    if not expected.exists():
        pytest.fail(f"{expected} is missing: run {how_to_update}", pytrace=False)
    if mask(expected.read_text()) != mask(actual):
        pytest.fail(
            f"{expected} is stale (run {how_to_update}):\n"
            + _diff(expected.read_text(), actual, expected.name),
            pytrace=False,
        )


def _release(backend: str, version: str) -> tuple[str, ...]:
    # Plans may change with a PostgreSQL major release, and with any SQLite 3.x minor release.
    return tuple(version.split(".")[: 1 if backend == "postgresql" else 2])


def _check_captured(
    expected: Path, actual: str, backend: str, database_url: str | None, update: bool
) -> None:
    version = server_version(get_engine(database_url))
    versions = json.loads(VERSIONS.read_text()) if VERSIONS.exists() else {}
    if update:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(actual)
        versions[backend] = version
        VERSIONS.write_text(json.dumps(versions, indent=2, sort_keys=True) + "\n")
        return
    if not expected.exists():
        pytest.fail(f"{expected} is missing: run 'nox -s update_examples'", pytrace=False)
    captured = versions.get(backend, "")
    if _release(backend, captured) != _release(backend, version):
        pytest.skip(
            f"{expected.name} was captured on {backend} {captured}; this server is {version}, "
            "whose plans may legitimately differ"
        )
    _compare(expected, actual, "'nox -s update_examples'")
