"""What a snippet file says about itself in its ``# test:`` header lines (see CONTRIBUTING.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TIMEOUT = 60.0
# The Pythons the project supports: a version-dependent snippet is checked on each of them.
SUPPORTED_PYTHONS = ("3.10", "3.11", "3.12", "3.13")
_HEADER = re.compile(r"^# test:\s*(.+)$", re.MULTILINE)
_MEASURE = re.compile(r"^def measure\(", re.MULTILINE)


@dataclass(frozen=True)
class SnippetMeta:
    databases: bool = False
    per_database_output: bool = False
    timeout: float = DEFAULT_TIMEOUT
    measured: bool = False
    # What it shows depends on the Python version: run on every supported Python...
    pythons: bool = False
    # ...and its output differs by version: captured per version instead of in #> comments.
    per_python_output: bool = False
    # Talks to Redis: the test run hands it the run's server in COURSECODE_REDIS_URL.
    redis: bool = False


class SnippetHeaderError(ValueError):
    """A ``# test:`` line the harness does not understand."""


def read_meta(path: Path) -> SnippetMeta:
    source = path.read_text()
    databases = per_database_output = pythons = per_python_output = redis = False
    timeout = DEFAULT_TIMEOUT
    for match in _HEADER.finditer(source):
        for word in (w.strip() for w in match.group(1).split(",")):
            if word == "databases":
                databases = True
            elif word == "output=per-database":
                per_database_output = True
            elif word == "pythons":
                pythons = True
            elif word == "output=per-python":
                pythons = per_python_output = True
            elif word == "redis":
                redis = True
            elif word.startswith("timeout=") and word[len("timeout=") :].isdigit():
                timeout = float(word[len("timeout=") :])
            else:
                raise SnippetHeaderError(f"{path}: unknown '# test:' setting {word!r}")
    if per_database_output and per_python_output:
        raise SnippetHeaderError(f"{path}: output is captured per database or per Python, not both")
    return SnippetMeta(
        databases,
        per_database_output,
        timeout,
        bool(_MEASURE.search(source)),
        pythons,
        per_python_output,
        redis,
    )
