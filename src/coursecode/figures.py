"""Read measured figures from ``docs/data/bench.json`` and format them for pages.

A key's suffix says what it is: ``_s`` seconds, ``_x`` a ratio, ``_n`` a count, ``_kib``
kibibytes, ``_mib`` mebibytes, ``_pct`` a percentage. Asking for a figure the file lacks raises
:class:`MissingFigure`, which fails the strict site build.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

BACKEND_LABELS = {"any": "measured", "sqlite": "SQLite", "postgresql": "PostgreSQL"}


class MissingFigure(KeyError):
    """A page asked for a figure that the benchmark session has not produced."""

    def __str__(self) -> str:
        return str(self.args[0])


def format_value(key: str, value: float) -> str:
    """Format a figure by its key's suffix."""
    if key.endswith("_s"):
        if value >= 1:
            return f"{value:.2f} s"
        if value >= 1e-3:
            return f"{value * 1e3:.1f} ms"
        return f"{value * 1e6:.0f} µs"
    if key.endswith("_x"):
        return f"{value:.1f}×"
    if key.endswith("_n"):
        return f"{round(value):,}"
    if key.endswith("_kib"):
        return f"{value:.1f} KiB"
    if key.endswith("_mib"):
        return f"{value:.1f} MiB"
    if key.endswith("_pct"):
        return f"{value:.0f}%"
    return f"{value:.3g}"


class Figures:
    """The contents of one ``bench.json``."""

    def __init__(self, data: dict[str, Any]):
        self.data = data

    @classmethod
    def load(cls, path: Path) -> Figures:
        return cls(json.loads(path.read_text()))

    def value(self, snippet: str, key: str, db: str | None = None) -> float:
        per_db = self.data.get("results", {}).get(snippet)
        if per_db is None:
            raise MissingFigure(f"bench.json has no figures for {snippet!r}: run 'nox -s bench'")
        backend = db or ("any" if "any" in per_db else None)
        if backend is None:
            raise MissingFigure(
                f"{snippet!r} is measured per database: pass db='sqlite' or db='postgresql'"
            )
        try:
            return float(per_db[backend][key])
        except KeyError:
            raise MissingFigure(
                f"bench.json has no figure {key!r} for {snippet!r} on {backend!r}: "
                "run 'nox -s bench'"
            ) from None

    def figure(self, snippet: str, key: str, db: str | None = None) -> str:
        return format_value(key, self.value(snippet, key, db))

    def table(self, snippet: str, keys: list[str] | None = None) -> str:
        """A Markdown table: one row per figure, one column per database."""
        per_db = self.data.get("results", {}).get(snippet)
        if per_db is None:
            raise MissingFigure(f"bench.json has no figures for {snippet!r}: run 'nox -s bench'")
        backends = list(per_db)
        wanted = keys or sorted({k for figures in per_db.values() for k in figures})
        lines = [
            "| figure | " + " | ".join(BACKEND_LABELS.get(b, b) for b in backends) + " |",
            "|---|" + "---:|" * len(backends),
        ]
        for key in wanted:
            cells = [self.figure(snippet, key, b) if key in per_db[b] else "–" for b in backends]
            lines.append(f"| `{key}` | " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def stamp(self) -> str:
        s = self.data["stamp"]
        postgres = f", PostgreSQL {s['postgresql']}" if s.get("postgresql") else ""
        days = sorted(set(self.data.get("measured", {}).values()) | {s["date"]})
        when = f"on {days[0]}" if len(days) == 1 else f"between {days[0]} and {days[-1]}"
        return (
            f"Measured {when} by `nox -s bench`: {s['cpus']} × {s['cpu_model']}, "
            f"{s['os']} ({s['machine']}), {s['python_implementation']} {s['python']}, "
            f"SQLite {s['sqlite']}{postgres}."
        )
