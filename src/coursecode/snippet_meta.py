"""What a snippet file says about itself in its ``# test:`` header lines (see CONTRIBUTING.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TIMEOUT = 60.0
_HEADER = re.compile(r"^# test:\s*(.+)$", re.MULTILINE)
_MEASURE = re.compile(r"^def measure\(", re.MULTILINE)


@dataclass(frozen=True)
class SnippetMeta:
    databases: bool = False
    per_database_output: bool = False
    timeout: float = DEFAULT_TIMEOUT
    measured: bool = False


class SnippetHeaderError(ValueError):
    """A ``# test:`` line the harness does not understand."""


def read_meta(path: Path) -> SnippetMeta:
    source = path.read_text()
    databases = per_database_output = False
    timeout = DEFAULT_TIMEOUT
    for match in _HEADER.finditer(source):
        for word in (w.strip() for w in match.group(1).split(",")):
            if word == "databases":
                databases = True
            elif word == "output=per-database":
                per_database_output = True
            elif word.startswith("timeout=") and word[len("timeout=") :].isdigit():
                timeout = float(word[len("timeout=") :])
            else:
                raise SnippetHeaderError(f"{path}: unknown '# test:' setting {word!r}")
    return SnippetMeta(databases, per_database_output, timeout, bool(_MEASURE.search(source)))
