"""mkdocs-macros entry point: lets pages render measured figures at build time.

Enabled in ``mkdocs.yml`` with ``module_name: src/coursecode/site_macros``; the functions it
defines are documented in CONTRIBUTING.md ("Measured figures").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coursecode.figures import Figures

BENCH_FILE = Path("docs/data/bench.json")


def define_env(env: Any) -> None:
    root = Path(env.conf["config_file_path"]).parent
    figures = Figures.load(root / BENCH_FILE)
    env.macro(figures.figure, "figure")
    env.macro(figures.table, "bench_table")
    env.macro(figures.stamp, "bench_stamp")
