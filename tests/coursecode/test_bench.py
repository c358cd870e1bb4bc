import json
from collections.abc import Callable
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


BAD_SERIES = "series\\(\\) must return"


@pytest.mark.parametrize(
    ("run", "source", "message"),
    [
        (bench.measure_snippet, "def measure(size):\n    raise RuntimeError('boom')\n", "boom"),
        (
            bench.measure_snippet,
            "def measure(size):\n    return {'a': 'text'}\n",
            "must return numbers",
        ),
        (bench.measure_series, "def series(size):\n    raise RuntimeError('no luck')\n", "no luck"),
        (bench.measure_series, "def series(size):\n    return {'a': [(1, 'x')]}\n", BAD_SERIES),
        (bench.measure_series, "def series(size):\n    return [(1, 2)]\n", BAD_SERIES),
        (bench.measure_series, "def series(size):\n    return {'a': [(1, 2, 3)]}\n", BAD_SERIES),
    ],
)
def test_a_failing_measure_is_reported(
    tmp_path: Path, run: Callable[[Path], object], source: str, message: str
) -> None:
    path = tmp_path / "bad.py"
    path.write_text(source)
    with pytest.raises(bench.MeasureError, match=message):
        run(path)


@pytest.mark.parametrize("run", [bench.measure_snippet, bench.measure_series])
def test_sizes_are_checked(run: Callable[[Path, str], object]) -> None:
    with pytest.raises(ValueError, match="size must be one of"):
        run(Path("x.py"), "huge")


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


def test_run_all_dates_each_snippet_it_measures(tmp_path: Path) -> None:
    snippets = make_project(tmp_path)
    output = tmp_path / "bench.json"
    earlier = {
        "stamp": {"date": "2026-01-02"},
        "results": {"m98_old/kept": {"any": {"x_n": 1.0}}, "m99_demo/quick": {}},
    }
    output.write_text(json.dumps(earlier))
    data = bench.run_all(snippets, output, None, only=["m99_demo/q"], size="test")
    # Figures not measured again keep the day they were measured (the earlier run's date).
    assert data["measured"]["m98_old/kept"] == "2026-01-02"
    assert data["measured"]["m99_demo/quick"] == data["stamp"]["date"] != "2026-01-02"


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


EXTRAS = """from pathlib import Path


def measure(size: str) -> dict[str, float]:
    return {"peak_mib": 2.0}


def series(size: str) -> dict[str, list[tuple[float, float]]]:
    return {"leaky": [(0, 1.0), (0.5, 3.0)], "fixed": [(0.0, 1), (0.5, 1.5)]}


def images(out_dir: Path, prefix: str) -> list[Path]:
    path = out_dir / f"{prefix}__graph.svg"
    path.write_text("<svg/>")
    return [path]
"""


def test_run_all_stores_series_and_images_next_to_the_figures(tmp_path: Path) -> None:
    (tmp_path / "snippets/m99_mem").mkdir(parents=True)
    (tmp_path / "snippets/m99_mem/extras.py").write_text(EXTRAS)
    output = tmp_path / "docs/data/bench.json"
    data = bench.run_all(tmp_path / "snippets", output, None, size="test")
    assert data["results"]["m99_mem/extras"] == {"any": {"peak_mib": 2.0}}
    series = json.loads((tmp_path / "docs/data/series/m99_mem__extras.json").read_text())
    assert series == {"fixed": [[0.0, 1.0], [0.5, 1.5]], "leaky": [[0.0, 1.0], [0.5, 3.0]]}
    assert (tmp_path / "docs/data/plots/m99_mem__extras__graph.svg").read_text() == "<svg/>"
    assert bench.series_name("m99_mem/extras") == "m99_mem__extras"


@pytest.mark.parametrize(
    "body",
    [
        # Outside the folder, with the wrong prefix, or not written at all.
        "def images(out_dir, prefix):\n    return [out_dir.parent / (prefix + '.svg')]\n",
        "def images(out_dir, prefix):\n    (out_dir / 'x.svg').write_text('')\n"
        "    return [out_dir / 'x.svg']\n",
        "def images(out_dir, prefix):\n    return [out_dir / (prefix + '.svg')]\n",
    ],
)
def test_images_must_land_in_the_folder_under_the_prefix(tmp_path: Path, body: str) -> None:
    path = tmp_path / "bad_images.py"
    path.write_text(body)
    with pytest.raises(bench.MeasureError, match="images\\(\\) must write files"):
        bench.draw_images(path, tmp_path / "plots", "m99__bad")
