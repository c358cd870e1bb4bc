import pytest

from coursecode.figures import Figures, MissingFigure, format_value

DATA = {
    "stamp": {
        "date": "2026-11-22",
        "cpus": 2,
        "cpu_model": "Test CPU",
        "os": "Linux 6",
        "machine": "x86_64",
        "python": "3.11.7",
        "python_implementation": "CPython",
        "sqlite": "3.40.1",
        "postgresql": "16.2",
    },
    "results": {
        "m01/cpu": {"any": {"a_s": 1.5, "speedup_x": 1.84}},
        "m09/q": {"sqlite": {"n_n": 1234.0, "t_s": 0.002}, "postgresql": {"t_s": 0.0000042}},
    },
}


@pytest.mark.parametrize(
    ("key", "value", "text"),
    [
        ("a_s", 2.345, "2.35 s"),
        ("a_s", 0.0123, "12.3 ms"),
        ("a_s", 0.0000042, "4 µs"),
        ("b_x", 3.14, "3.1×"),
        ("c_n", 1234.4, "1,234"),
        ("d_mib", 12.34, "12.3 MiB"),
        ("d_kib", 48.96, "49.0 KiB"),
        ("e_pct", 31.2, "31%"),
        ("plain", 0.123456, "0.123"),
    ],
)
def test_values_are_formatted_by_suffix(key: str, value: float, text: str) -> None:
    assert format_value(key, value) == text


def test_figures_by_snippet_and_database() -> None:
    figures = Figures(DATA)
    assert figures.figure("m01/cpu", "speedup_x") == "1.8×"
    assert figures.figure("m09/q", "t_s", db="postgresql") == "4 µs"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("m02/none", "a_s"), "no figures for 'm02/none'"),
        (("m01/cpu", "missing_s"), "no figure 'missing_s'"),
        (("m09/q", "t_s"), "measured per database"),
    ],
)
def test_missing_figures_fail_loudly(args: tuple[str, str], message: str) -> None:
    with pytest.raises(MissingFigure, match=message):
        Figures(DATA).figure(*args)


def test_table_has_a_column_per_database() -> None:
    table = Figures(DATA).table("m09/q")
    assert table.splitlines()[0] == "| figure | SQLite | PostgreSQL |"
    assert "| `n_n` | 1,234 | – |" in table
    with pytest.raises(MissingFigure):
        Figures(DATA).table("nope")


def test_stamp_names_machine_and_versions() -> None:
    stamp = Figures(DATA).stamp()
    assert "2 × Test CPU" in stamp
    assert "CPython 3.11.7" in stamp
    assert "PostgreSQL 16.2" in stamp
    no_pg = Figures({**DATA, "stamp": {**DATA["stamp"], "postgresql": None}}).stamp()
    assert "PostgreSQL" not in no_pg


def test_stamp_gives_the_range_of_days_when_snippets_were_measured_apart() -> None:
    assert "Measured on 2026-11-22 " in Figures(DATA).stamp()
    dated = {**DATA, "measured": {"m09/q": "2026-11-22", "m01/a": "2026-12-04"}}
    assert "Measured between 2026-11-22 and 2026-12-04 " in Figures(dated).stamp()
