"""A folder of web-server access logs to process in parallel: gzip files, one per hour of traffic.

:func:`write_logs` is deterministic: the same ``files``, ``lines`` and ``seed`` give byte-identical
files on every machine (seeded :class:`random.Random`, gzip header time fixed at 0, month names
not taken from the locale). Each line is in the *combined* log format that nginx and Apache write
by default, plus the request time in seconds, as nginx writes with ``$request_time``::

    203.0.113.7 - - [01/Mar/2026:00:00:01 +0000] "GET /products/42 HTTP/1.1" 200 5123 "-"
    "curl/8.5.0" 0.034

(one line in the file, folded here).

The traffic is skewed the way real traffic is: a few clients and a few endpoints get most of the
requests, most answers are 200 or 304, a checkout endpoint fails now and then and is slower when
it does, and about one line in 5,000 is cut short (a log rotated mid-write), so a parser has to
cope with malformed lines.
"""

from __future__ import annotations

import gzip
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

START = datetime(2026, 3, 1)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MALFORMED_EVERY = 5_000
"""On average one line in this many is truncated."""

# (template, weight, typical response bytes, median seconds); {id} becomes a number.
ENDPOINTS = (
    ("/", 12, 18_000, 0.020),
    ("/products", 10, 42_000, 0.045),
    ("/products/{id}", 25, 16_000, 0.030),
    ("/search?q=item{id}", 8, 24_000, 0.120),
    ("/api/cart", 10, 900, 0.015),
    ("/api/orders/{id}", 8, 1_500, 0.040),
    ("/checkout", 3, 6_000, 0.250),
    ("/login", 4, 3_000, 0.060),
    ("/static/app.js", 12, 250_000, 0.004),
    ("/static/style.css", 8, 60_000, 0.003),
)
AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "curl/8.5.0",
    "python-requests/2.31.0",
)
AGENT_WEIGHTS = (40, 20, 10, 20, 5, 5)
# Documentation address ranges (RFC 5737): realistic-looking, never anyone's real address.
NETWORKS = ("192.0.2", "198.51.100", "203.0.113")
CLIENTS = [f"{net}.{host}" for net in NETWORKS for host in range(1, 255)]
# A few clients send most requests: Zipf-like weights, the first addresses the busiest.
CLIENT_WEIGHTS = [1 / rank for rank in range(1, len(CLIENTS) + 1)]
_ENDPOINT_WEIGHTS = [weight for _, weight, _, _ in ENDPOINTS]


def file_name(index: int) -> str:
    """``'access-2026-03-01T05.log.gz'`` for the file holding hour ``index`` (0 is the first)."""
    return f"access-{START + timedelta(hours=index):%Y-%m-%dT%H}.log.gz"


def _status(rng: random.Random, path: str) -> int:
    roll = rng.random()
    if path.startswith("/static/"):
        return 304 if roll < 0.4 else 200
    if path == "/checkout" and roll < 0.04:
        return rng.choice((500, 502, 503))
    if roll < 0.03:
        return 404
    if roll < 0.035:
        return 500
    return 200


def log_lines(index: int, lines: int, seed: int = 42) -> Iterator[str]:
    """The ``lines`` lines of hour ``index``, in time order, without line endings."""
    if lines < 0:
        raise ValueError(f"lines must be zero or more, got {lines}")
    rng = random.Random(seed * 1_000_003 + index)  # noqa: S311 - reproducible sample data
    hour = START + timedelta(hours=index)
    offsets = sorted(rng.randrange(3600) for _ in range(lines))
    clients = rng.choices(CLIENTS, CLIENT_WEIGHTS, k=lines)
    endpoints = rng.choices(ENDPOINTS, _ENDPOINT_WEIGHTS, k=lines)
    agents = rng.choices(AGENTS, AGENT_WEIGHTS, k=lines)
    for offset, client, (template, _, size, median), agent in zip(
        offsets, clients, endpoints, agents, strict=True
    ):
        path = template.replace("{id}", str(rng.randint(1, 2_000)))
        status = _status(rng, path)
        if status == 304:
            sent = 0
        elif status >= 400:
            sent = rng.randint(150, 600)
        else:
            sent = max(100, int(rng.gauss(size, size / 5)))
        seconds = median * rng.lognormvariate(0, 0.6) * (8 if status >= 500 else 1)
        method = "POST" if path in ("/checkout", "/login") else "GET"
        moment = hour + timedelta(seconds=offset)
        stamp = f"{moment:%d}/{MONTHS[moment.month - 1]}/{moment:%Y:%H:%M:%S} +0000"
        line = (
            f'{client} - - [{stamp}] "{method} {path} HTTP/1.1" {status} {sent} '
            f'"-" "{agent}" {seconds:.3f}'
        )
        if rng.randrange(MALFORMED_EVERY) == 0:
            line = line[: rng.randint(10, len(line) - 20)]
        yield line


def write_logs(folder: Path, files: int, lines: int, seed: int = 42) -> list[Path]:
    """Write ``files`` gzip-compressed hourly logs of ``lines`` lines each; return their paths.

    Same arguments, same bytes: the gzip header's modification time is fixed at 0.
    """
    if files < 0:
        raise ValueError(f"files must be zero or more, got {files}")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(files):
        path = folder / file_name(index)
        text = "".join(f"{line}\n" for line in log_lines(index, lines, seed))
        with (
            path.open("wb") as raw,
            gzip.GzipFile(filename=path.name, mode="wb", fileobj=raw, mtime=0) as gz,
        ):
            gz.write(text.encode("ascii"))
        paths.append(path)
    return paths
