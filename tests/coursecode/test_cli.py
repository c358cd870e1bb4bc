from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coursecode import cli, shop
from coursecode.db import get_engine
from coursecode.postgres import PostgresServer
from tests.coursecode.test_bench import make_project


def test_sample_data_loads_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    assert cli.main(["sample-data", "--scale", "tiny", "--url", url]) == 0
    assert capsys.readouterr().out == (
        "loaded 100 customers, 20 products, 500 orders, 1,545 order_items into sqlite\n"
    )
    with Session(get_engine(url)) as session:
        assert session.scalar(select(func.count()).select_from(shop.Customer)) == 100


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["sample-data", "--scale", "huge"], "unknown scale 'huge'"),
        (["sample-data", "--url", "mysql://x/y"], "unsupported database 'mysql'"),
        (["bench", "--root", "/nonexistent"], "no snippets/ folder"),
        (["plots", "--root", "/nonexistent"], "run 'coursecode bench' first"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("coursecode: error: ") and message in err
    assert err.count("\n") == 1


def test_bench_sqlite_only_writes_figures_and_plots(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_project(tmp_path)
    args = ["bench", "--root", str(tmp_path), "--size", "test", "--sqlite-only"]
    assert cli.main(args) == 0
    assert (tmp_path / "docs/data/bench.json").exists()
    plot = tmp_path / "docs/data/plots/m99_demo__plain.svg"
    assert plot.exists()
    assert "wrote" in capsys.readouterr().out
    plot.unlink()
    assert cli.main(["plots", "--root", str(tmp_path)]) == 0
    assert plot.exists()


@pytest.mark.postgres
def test_bench_and_postgres_commands_use_the_configured_server(
    tmp_path: Path,
    postgres_server: PostgresServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("COURSECODE_POSTGRES_URL", postgres_server.url.render_as_string(False))
    make_project(tmp_path)
    assert cli.main(["bench", "m99_demo/quick", "--root", str(tmp_path), "--size", "test"]) == 0
    assert "PostgreSQL figures from PostgreSQL" in capsys.readouterr().out
    assert cli.main(["postgres"]) == 0
    assert capsys.readouterr().out.startswith("postgresql+psycopg2://")


@pytest.mark.postgres
def test_postgres_command_leaves_embedded_server_running_until_stop(
    tmp_path: Path,
    postgres_server: PostgresServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("COURSECODE_POSTGRES_URL", raising=False)
    monkeypatch.setenv("COURSECODE_PGDATA", str(tmp_path / "pg"))
    assert cli.main(["postgres"]) == 0
    url = capsys.readouterr().out.strip()
    assert "coursecode" in url or "host=" in url
    assert (tmp_path / "pg/postmaster.pid").exists()
    assert cli.main(["postgres", "--stop"]) == 0
    assert capsys.readouterr().out == "stopped the embedded PostgreSQL\n"
    assert not (tmp_path / "pg/postmaster.pid").exists()
