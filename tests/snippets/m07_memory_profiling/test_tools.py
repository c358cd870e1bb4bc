"""The unmeasured Module 7 examples: each tool shows what the page says it shows."""

from __future__ import annotations

import shutil
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

Load = Callable[[str], ModuleType]


def test_getsizeof_is_shallow_and_asizeof_deep(m07: Load) -> None:
    sizes = m07("sizes")
    shallow, deep = sizes.shallow_and_deep(sizes.customer(1))
    assert deep > 2 * shallow  # the strings and the tags list live outside the dict
    rows = [sizes.customer(n) for n in range(1000)]
    shallow, deep = sizes.shallow_and_deep(rows)
    assert shallow < 10 * len(rows)  # the list itself: about one 8-byte pointer per row
    assert deep > 20 * shallow


def test_tracemalloc_filters_and_lines(m07: Load) -> None:
    basics = m07("tracemalloc_basics")
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        index = basics.build_index(20_000)
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    noise = basics.NOISE
    stats = after.filter_traces(noise).compare_to(before.filter_traces(noise), "lineno")
    assert len(index) == 1000
    assert "index.setdefault" in basics.source(stats[0].traceback[0])
    assert not any(stat.traceback[0].filename == tracemalloc.__file__ for stat in stats)


def test_tracemalloc_misses_sqlite_but_sees_numpy(m07: Load) -> None:
    blind = m07("tracemalloc_blind_spots")
    rows, payload = 20_000, 200  # load_events stores a 200-character payload per row
    tracemalloc.start()
    try:
        con = blind.load_events(rows)
        seen = blind.traced()
    finally:
        tracemalloc.stop()
    held = blind.database_bytes(con)
    con.close()
    assert held > rows * payload  # the pages hold every payload, plus row and page overhead
    assert seen < 0.05 * held


@pytest.mark.skipif(sys.platform == "win32", reason="memray has no Windows build")
def test_memray_sees_native_allocations(m07: Load, tmp_path: Path) -> None:
    capture = m07("memray_native").capture_load(tmp_path, 20_000)
    assert capture.peak_bytes >= capture.database_bytes > 0
    assert capture.top_function == "load_events"
    assert capture.top_line.startswith("con.executemany(")


def test_stable_ids_number_nodes_in_order(m07: Load) -> None:
    tools = m07("objgraph_tools")
    dot = 'o140 -> o77;\n  o77[label="x"];\n  too_many_o77 -> o77;\n'
    assert tools.stable_ids(dot) == 'n1 -> n2;\n  n2[label="x"];\n  too_many_n2 -> n2;\n'


def test_backrefs_svg_needs_graphviz(m07: Load, monkeypatch: pytest.MonkeyPatch) -> None:
    tools = m07("objgraph_tools")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="Graphviz"):
        tools.backrefs_svg([object()], Path("unused.svg"))


def test_backrefs_svg_draws_the_holders(m07: Load, tmp_path: Path) -> None:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's 'dot' is not installed (CI installs it): no graph to draw")
    tools = m07("objgraph_tools")
    for job_id in range(8):
        tools.run(job_id)
    job = tools.RETRY_LATER[-1]
    first = tools.backrefs_svg([job], tmp_path / "a.svg").read_text()
    again = tools.backrefs_svg([job], tmp_path / "b.svg").read_text()
    assert first.lstrip().startswith("<?xml") and "<svg" in first
    assert "RETRY_LATER" in first and "Job" in first
    assert first == again  # node names no longer carry object addresses


def test_line_profile_skips_the_def_line(m07: Load) -> None:
    lines = m07("line_profile")
    assert (
        lines.build_export(1000)
        == len("\n".join(f"customer-{n:06d}" for n in range(1000))) * 16 + 1000
    )
    increments = lines.line_increments(lines.build_export, 50_000)
    assert lines.build_export.__code__.co_firstlineno not in increments
    assert all(times == 1 for _, times in increments.values())
    assert lines.biggest_line(lines.build_export, 200_000).startswith("export =")


def test_run_alone_leaves_this_threads_tracer_alone(m07: Load) -> None:
    lines = m07("line_profile")
    previous = sys.gettrace()
    assert lines.run_alone(sys.gettrace) is None
    assert lines.run_alone(divmod, 7, 2) == (3, 1)
    with pytest.raises(ZeroDivisionError):
        lines.run_alone(divmod, 1, 0)
    assert sys.gettrace() is previous


def test_the_service_simulation(m07: Load, capsys: pytest.CaptureFixture[str]) -> None:
    service = m07("shop_service")
    assert list(service.traffic(3, start=10)) == list(service.traffic(3, start=10))
    assert [r.request_id for r in service.traffic(3, start=10)] == [10, 11, 12]
    assert all(len(r.body) == service.BODY_BYTES for r in service.traffic(5))
    assert service.total(1000, 10) == 9000 and service.total(1000, 9) == 9000
    service.main(service.handle, ["--requests", "3"])
    assert capsys.readouterr().out == "handled 3 requests\n"
    with pytest.raises(SystemExit) as exit_info:
        service.main(service.handle, ["--requests", "-1"])
    assert exit_info.value.code == 2
