import gzip
import re
from pathlib import Path

import pytest

from coursecode import logfiles

COMBINED = re.compile(
    r"^(\d+\.\d+\.\d+\.\d+) - - \[(\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000)\] "
    r'"(GET|POST) (/\S*) HTTP/1\.1" (\d{3}) (\d+) "-" "([^"]+)" (\d+\.\d{3})$'
)


def test_files_are_byte_identical_for_the_same_seed(tmp_path: Path) -> None:
    first = logfiles.write_logs(tmp_path / "a", files=2, lines=300, seed=5)
    second = logfiles.write_logs(tmp_path / "b", files=2, lines=300, seed=5)
    other = logfiles.write_logs(tmp_path / "c", files=2, lines=300, seed=6)
    assert [p.name for p in first] == ["access-2026-03-01T00.log.gz", "access-2026-03-01T01.log.gz"]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert [p.read_bytes() for p in first] != [p.read_bytes() for p in other]
    assert first[0].read_bytes() != first[1].read_bytes()  # each hour is its own traffic


def test_lines_are_combined_log_format_in_time_order(tmp_path: Path) -> None:
    (path,) = logfiles.write_logs(tmp_path, files=1, lines=20_000, seed=1)
    with gzip.open(path, "rt", encoding="ascii") as f:
        lines = f.read().splitlines()
    assert len(lines) == 20_000
    parsed = [m for m in map(COMBINED.match, lines) if m]
    malformed = len(lines) - len(parsed)
    assert 0 < malformed < 20  # about one in 5,000 is cut short
    stamps = [m[2] for m in parsed]
    assert stamps == sorted(stamps)  # one hour, one day: string order is time order
    assert all(stamp.startswith("01/Mar/2026:00:") for stamp in stamps)
    statuses = [int(m[5]) for m in parsed]
    assert statuses.count(200) > 0.8 * len(parsed)
    assert {304, 404, 500} <= set(statuses)


def test_traffic_is_skewed(tmp_path: Path) -> None:
    lines = list(logfiles.log_lines(3, 10_000, seed=2))
    clients = [line.split(" ", 1)[0] for line in lines]
    busiest = sorted((clients.count(c) for c in set(clients)), reverse=True)
    assert sum(busiest[:10]) > 0.2 * len(lines)  # ten clients of 762 send a fifth of requests
    slow_checkouts = [line for line in lines if '"POST /checkout' in line and '" 50' in line]
    assert slow_checkouts  # the checkout fails now and then


@pytest.mark.parametrize(("files", "lines"), [(-1, 10), (1, -1)])
def test_negative_sizes_are_rejected(tmp_path: Path, files: int, lines: int) -> None:
    with pytest.raises(ValueError, match="zero or more"):
        logfiles.write_logs(tmp_path, files, lines)


def test_zero_sizes(tmp_path: Path) -> None:
    assert logfiles.write_logs(tmp_path, 0, 10) == []
    (empty,) = logfiles.write_logs(tmp_path, 1, 0)
    assert gzip.decompress(empty.read_bytes()) == b""
