"""SVG plots of the measured figures, generated from ``docs/data/bench.json``.

One bar chart per measured snippet: its ``_s`` figures, one group of bars per database. The SVGs
are reproducible (fixed hash salt, no date) so regenerating unchanged data changes no file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coursecode.figures import BACKEND_LABELS


def plot_name(snippet: str) -> str:
    """``'m01_concurrency__cpu_bound.svg'`` for ``'m01_concurrency/cpu_bound'``."""
    return snippet.replace("/", "__") + ".svg"


def write_plots(data: dict[str, Any], out_dir: Path) -> list[Path]:
    """Write one SVG per snippet that has timing (``_s``) figures; return the paths written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "coursecode"
    plt.rcParams["svg.fonttype"] = "none"
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
    return written
