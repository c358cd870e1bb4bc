"""What pages and snippets promise each other: every snippet shown, every figure measured."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coursecode.figures import Figures, MissingFigure
from tests.conftest import ROOT

DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
INCLUDE = re.compile(r'--8<--\s+"([^":]+)(?::[\w-]+)?"')
FIGURE = re.compile(r"""\{\{\s*figure\(\s*"([^"]+)",\s*"([^"]+)"(?:,\s*db="(\w+)")?\s*\)\s*\}\}""")
TABLE = re.compile(r'\{\{\s*bench_table\(\s*"([^"]+)"')
PLOT = re.compile(r"data/plots/([\w-]+\.svg)")


def _all_text() -> str:
    return "\n".join(page.read_text() for page in PAGES)


def _included() -> set[str]:
    return set(INCLUDE.findall(_all_text()))


@pytest.mark.parametrize(
    "snippet",
    sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "snippets").rglob("*.py")),
)
def test_every_snippet_appears_on_a_page(snippet: str) -> None:
    assert snippet in _included(), f"{snippet} is on no page: include it with --8<--"


def test_every_captured_output_appears_on_a_page() -> None:
    captured = {p.relative_to(ROOT).as_posix() for p in (DOCS / "outputs").rglob("*.txt")}
    missing = captured - _included()
    assert not missing, f"captured output shown on no page: {sorted(missing)}"


def test_every_version_dependent_output_is_captured_on_each_python() -> None:
    from coursecode.snippet_meta import SUPPORTED_PYTHONS, read_meta

    snippets = ROOT / "snippets"
    missing = [
        f"{name}.py{version}.txt"
        for path in sorted(snippets.rglob("*.py"))
        if read_meta(path).per_python_output
        for name in [path.relative_to(snippets).with_suffix("").as_posix()]
        for version in SUPPORTED_PYTHONS
        if not (DOCS / "outputs" / f"{name}.py{version}.txt").exists()
    ]
    assert not missing, (
        f"no captured output for {missing}: run 'nox -s pythons -- --update-examples' "
        "and 'nox -s update_examples'"
    )


def test_every_figure_a_page_asks_for_is_measured() -> None:
    figures = Figures.load(DOCS / "data" / "bench.json")
    text = _all_text()
    asked = FIGURE.findall(text)
    problems = []
    for snippet, key, db in asked:
        try:
            figures.value(snippet, key, db or None)
        except MissingFigure as exc:
            problems.append(str(exc))
    for snippet in TABLE.findall(text):
        if snippet not in figures.data["results"]:
            problems.append(f"bench_table({snippet!r}) has no figures")
    assert not problems, "\n".join(problems)


def test_every_plot_a_page_shows_exists() -> None:
    missing = [
        name for name in PLOT.findall(_all_text()) if not (DOCS / "data/plots" / name).exists()
    ]
    assert not missing, f"plots missing (run 'nox -s bench'): {missing}"


def test_every_measured_snippet_has_figures() -> None:
    from coursecode.bench import measurable, snippet_key

    figures = Figures.load(DOCS / "data" / "bench.json")
    snippets = ROOT / "snippets"
    unmeasured = [
        snippet_key(p, snippets)
        for p in measurable(snippets)
        if snippet_key(p, snippets) not in figures.data["results"]
    ]
    assert not unmeasured, f"no figures yet for {unmeasured}: run 'nox -s bench'"


def test_checks_find_what_they_look_for(tmp_path: Path) -> None:
    page = '--8<-- "snippets/m01/a.py:region"\n{{ figure("m01/a", "x_s", db="sqlite") }}\n'
    assert INCLUDE.findall(page) == ["snippets/m01/a.py"]
    assert FIGURE.findall(page) == [("m01/a", "x_s", "sqlite")]
