"""streaming_query.py: yield_per and streamed Core rows cut the export's peak on each database."""

from __future__ import annotations

import runpy

import pytest

from coursecode.bench import measure_snippet
from tests.conftest import ROOT

SNIPPET = ROOT / "snippets/m08_memory_efficient/streaming_query.py"


@pytest.mark.databases
def test_streaming_exports_peak_below_all(database_url: str | None) -> None:
    figures = measure_snippet(SNIPPET, size="test", database_url=database_url)
    # About 6.5x (yield_per) and 20x (Core) at the "small" scale on SQLite and PostgreSQL.
    assert figures["yield_per_vs_all_x"] > 2.5, figures
    assert figures["core_vs_all_x"] > 5, figures
    assert figures["core_stream_peak_mib"] < figures["orm_yield_per_peak_mib"], figures
    assert figures["rows_n"] > 10_000


def test_measure_refuses_exports_that_differ(monkeypatch: pytest.MonkeyPatch) -> None:
    namespace = runpy.run_path(str(SNIPPET), run_name="m08_streaming_query")["measure"].__globals__
    monkeypatch.setitem(namespace, "load", lambda engine, scale: None)
    different = {"orm_all": (1, 1, "digest a"), "core_stream": (1, 1, "digest b")}
    monkeypatch.setitem(namespace, "export_each", lambda engine, folder: different)
    with pytest.raises(AssertionError, match="different files"):
        namespace["measure"]("test")
