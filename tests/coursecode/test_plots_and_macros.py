import json
from pathlib import Path
from types import SimpleNamespace

from coursecode import site_macros
from coursecode.plots import plot_name, series_plot_name, write_plots

DATA = {
    "results": {
        "m01/cpu": {"any": {"sequential_s": 1.0, "processes_s": 0.55, "speedup_x": 1.8}},
        "m09/q": {"sqlite": {"slow_s": 0.2}, "postgresql": {"slow_s": 0.1, "fast_s": 0.0001}},
        "m09/counts": {"sqlite": {"queries_n": 2}},
    }
}


def test_one_reproducible_svg_per_timed_snippet(tmp_path: Path) -> None:
    written = write_plots(DATA, tmp_path)
    assert [p.name for p in written] == ["m01__cpu.svg", "m09__q.svg"]
    first = {p: p.read_bytes() for p in written}
    write_plots(DATA, tmp_path)
    assert {p: p.read_bytes() for p in written} == first
    svg = first[tmp_path / "m09__q.svg"].decode()
    assert "PostgreSQL" in svg and "SQLite" in svg
    assert "log scale" in svg  # 0.1 ms next to 200 ms
    assert "log scale" not in first[tmp_path / "m01__cpu.svg"].decode()
    assert plot_name("a/b") == "a__b.svg"


def test_macros_read_the_projects_bench_file(tmp_path: Path) -> None:
    (tmp_path / "docs/data").mkdir(parents=True)
    stamp = {"date": "d", "cpus": 2, "cpu_model": "c", "os": "o", "machine": "m", "python": "3"}
    stamp |= {"python_implementation": "CPython", "sqlite": "3.40", "postgresql": None}
    (tmp_path / "docs/data/bench.json").write_text(json.dumps({**DATA, "stamp": stamp}))
    macros: dict[str, object] = {}
    env = SimpleNamespace(
        conf={"config_file_path": str(tmp_path / "mkdocs.yml")},
        macro=lambda func, name: macros.__setitem__(name, func),
    )
    site_macros.define_env(env)
    assert macros["figure"]("m01/cpu", "speedup_x") == "1.8×"
    assert "| `queries_n` | 2 |" in macros["bench_table"]("m09/counts")
    assert macros["bench_stamp"]().startswith("Measured on d")


def test_series_become_reproducible_line_charts(tmp_path: Path) -> None:
    series_dir = tmp_path / "series"
    series_dir.mkdir()
    lines = {"leaky": [[0.0, 20.0], [1.0, 80.0], [2.0, 140.0]], "fixed": [[0.0, 20.0], [2.0, 24.0]]}
    (series_dir / "m99__leak.json").write_text(json.dumps(lines))
    (series_dir / "m99__empty.json").write_text(json.dumps({"nothing": []}))
    out = tmp_path / "plots"
    written = write_plots({"results": {}}, out, series_dir)
    assert [p.name for p in written] == ["m99__empty__memory.svg", "m99__leak__memory.svg"]
    first = {p: p.read_bytes() for p in written}
    # Default series folder: series/ next to the plots folder.
    assert write_plots({"results": {}}, out) == written
    assert {p: p.read_bytes() for p in written} == first
    svg = first[out / "m99__leak__memory.svg"].decode()
    assert "m99/leak: memory over time" in svg
    assert "peak 140 MiB" in svg and "peak 24 MiB" in svg
    assert "leaky" in svg and "fixed" in svg
    assert series_plot_name(Path("a/m99__leak.json")) == "m99__leak__memory.svg"
