"""SVG plots of the measured figures, generated from ``docs/data/bench.json``.

One bar chart per measured snippet: its ``_s`` figures, one group of bars per database. Snippets
that record memory over time (``series()``, see :mod:`coursecode.bench`) also get a line chart
drawn from ``docs/data/series/<slug>__<name>.json``. The SVGs are reproducible (fixed hash salt,
no date) so regenerating unchanged data changes no file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from coursecode.figures import BACKEND_LABELS


def plot_name(snippet: str) -> str:
    """``'m01_concurrency__cpu_bound.svg'`` for ``'m01_concurrency/cpu_bound'``."""
    return snippet.replace("/", "__") + ".svg"


def series_plot_name(series_file: Path) -> str:
    """``'m07_memory_profiling__case_study__memory.svg'`` for ``.../m07_..._study.json``."""
    return f"{series_file.stem}__memory.svg"


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "coursecode"
    plt.rcParams["svg.fonttype"] = "none"
    return plt


def write_plots(data: dict[str, Any], out_dir: Path, series_dir: Path | None = None) -> list[Path]:
    """Write one SVG per snippet that has timing (``_s``) figures, and one per series file in
    ``series_dir`` (default: ``series/`` next to ``out_dir``); return the paths written."""
    plt = _pyplot()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for snippet, per_db in sorted(data["results"].items()):
        keys = sorted({k for figures in per_db.values() for k in figures if k.endswith("_s")})
        if not keys:
            continue
        backends = list(per_db)
        # At least 2.5 inches high, or a one-bar chart leaves no room for its title and axis.
        fig, ax = plt.subplots(figsize=(7, max(2.5, 0.8 + 0.45 * len(keys) * len(backends))))
        height = 0.8 / len(backends)
        shown = [per_db[b][k] for b in backends for k in keys if per_db[b].get(k, 0) > 0]
        # Timings that span orders of magnitude vanish on a linear axis: use a log one.
        log_scale = bool(shown) and max(shown) / min(shown) > 100
        for i, backend in enumerate(backends):
            values = [per_db[backend].get(k, 0.0) * 1e3 for k in keys]
            positions = [row + i * height for row in range(len(keys))]
            bars = ax.barh(positions, values, height, label=BACKEND_LABELS.get(backend, backend))
            ax.bar_label(bars, fmt="%.1f ms", padding=3, fontsize=8)
        ax.set_yticks([row + height * (len(backends) - 1) / 2 for row in range(len(keys))])
        ax.set_yticklabels([k.removesuffix("_s").replace("_", " ") for k in keys])
        ax.invert_yaxis()
        if log_scale:
            ax.set_xscale("log")
        scale = ", log scale" if log_scale else ""
        ax.set_xlabel(f"milliseconds (fastest of several runs{scale}; shorter is better)")
        ax.set_title(snippet)
        ax.margins(x=0.2)
        if len(backends) > 1:
            ax.legend(loc="lower right")
        fig.tight_layout()
        path = out_dir / plot_name(snippet)
        fig.savefig(path, format="svg", metadata={"Date": None})
        plt.close(fig)
        written.append(path)
    series_dir = series_dir if series_dir is not None else out_dir.parent / "series"
    for series_file in sorted(series_dir.glob("*.json")):
        written.append(_write_series_plot(plt, series_file, out_dir))
    return written


def _write_series_plot(plt: Any, series_file: Path, out_dir: Path) -> Path:
    """Memory over time: one line per name, its peak marked and labelled."""
    lines: dict[str, list[list[float]]] = json.loads(series_file.read_text())
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for name, points in lines.items():
        xs = [x for x, _ in points]
        ys = [y for _, y in points]
        (line,) = ax.plot(xs, ys, label=name, linewidth=1.6)
        if points:
            peak = max(range(len(ys)), key=ys.__getitem__)
            ax.plot([xs[peak]], [ys[peak]], "o", color=line.get_color())
            ax.annotate(
                f"peak {ys[peak]:.0f} MiB",
                (xs[peak], ys[peak]),
                textcoords="offset points",
                xytext=(-6, 6),
                ha="right",
                fontsize=8,
            )
    ax.set_xlabel("seconds since start")
    ax.set_ylabel("MiB")
    ax.set_ylim(bottom=0)
    ax.set_title(series_file.stem.replace("__", "/", 1) + ": memory over time")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    fig.tight_layout()
    path = out_dir / series_plot_name(series_file)
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)
    return path
