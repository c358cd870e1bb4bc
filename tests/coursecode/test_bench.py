import json
from pathlib import Path

import pytest

from coursecode import bench
from coursecode.postgres import PostgresServer

QUICK = """# test: databases
from coursecode.db import backend, get_engine


def measure(size: str) -> dict[str, float]:
    engine = get_engine()
    return {"rows_n": 10.0 if size == "test" else 20.0, "is_sqlite_n": backend(engine) == "sqlite"}
"""
PLAIN = """print("module-level output is ignored")


def measure(size: str) -> dict[str, float]:
    return {"work_s": 0.25}
"""


def make_project(root: Path) -> Path:
    snippets = root / "snippets"
    (snippets / "m99_demo").mkdir(parents=True)
    (snippets / "m99_demo" / "quick.py").write_text(QUICK)
    (snippets / "m99_demo" / "plain.py").write_text(PLAIN)
    (snippets / "m99_demo" / "unmeasured.py").write_text("print('hi')\n")
    return snippets


def test_measure_snippet_runs_measure_in_a_fresh_interpreter(tmp_path: Path) -> None:
    snippets = make_project(tmp_path)
    assert bench.measurable(snippets) == [
        snippets / "m99_demo/plain.py",
        snippets / "m99_demo/quick.py",
    ]
    assert bench.measure_snippet(snippets / "m99_demo/quick.py", "bench") == {
        "is_sqlite_n": True,
        "rows_n": 20.0,
    }


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("def measure(size):\n    raise RuntimeError('boom')\n", "boom"),
        ("def measure(size):\n    return {'a': 'text'}\n", "must return numbers"),
    ],
)
def test_a_failing_measure_is_reported(tmp_path: Path, source: str, message: str) -> None:
    path = tmp_path / "bad.py"
    path.write_text(source)
    with pytest.raises(bench.MeasureError, match=message):
        bench.measure_snippet(path)


def test_sizes_are_checked() -> None:
    with pytest.raises(ValueError, match="size must be one of"):
        bench.measure_snippet(Path("x.py"), "huge")


def test_module_entry_point_needs_a_file() -> None:
    with pytest.raises(SystemExit) as exc:
        bench.main([])
    assert exc.value.code == 2


def test_run_all_on_sqlite_keeps_earlier_postgresql_figures(tmp_path: Path) -> None:
    snippets = make_project(tmp_path)
    output = tmp_path / "bench.json"
    earlier = {
        "stamp": {"postgresql": "16.2"},
        "results": {"m99_demo/quick": {"postgresql": {"rows_n": 5.0}}},
    }
    output.write_text(json.dumps(earlier))
    data = bench.run_all(snippets, output, None, only=["m99_demo/q"], size="test")
    assert data["results"]["m99_demo/quick"] == {
        "sqlite": {"is_sqlite_n": True, "rows_n": 10.0},
        "postgresql": {"rows_n": 5.0},
    }
    assert "m99_demo/plain" not in data["results"]
    assert data["stamp"]["postgresql"] == "16.2"
    assert data["stamp"]["cpus"] >= 1
    assert json.loads(output.read_text()) == data


@pytest.mark.postgres
def test_run_all_measures_both_databases(tmp_path: Path, postgres_server: PostgresServer) -> None:
    snippets = make_project(tmp_path)
    data = bench.run_all(snippets, tmp_path / "out" / "bench.json", postgres_server, size="test")
    assert data["results"]["m99_demo/quick"]["postgresql"] == {"is_sqlite_n": False, "rows_n": 10.0}
    assert data["results"]["m99_demo/plain"] == {"any": {"work_s": 0.25}}
    assert data["stamp"]["postgresql"] == postgres_server.version


@pytest.mark.parametrize("cpuinfo", [None, "processor : 0\n"])
def test_cpu_model_falls_back_without_a_model_name(
    cpuinfo: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "cpuinfo"
    if cpuinfo is not None:
        fake.write_text(cpuinfo)
    monkeypatch.setattr(bench, "Path", lambda _: fake)
    assert bench._cpu_model()
