# test: pythons
"""objgraph: which types grow, how many there are, and who holds on to them.

tracemalloc answers "which line allocated it"; objgraph answers "what kind of object is piling
up, and which chain of references keeps it alive". It walks the objects the cyclic garbage
collector tracks (containers and instances, not str/bytes/int), so run it on a test copy of the
service or in a debugging session, not on every request.
"""

from __future__ import annotations

import inspect
import io
import re
import shutil
import subprocess
from pathlib import Path

import objgraph


class Job:
    def __init__(self, job_id: int, payload: bytes) -> None:
        self.job_id = job_id
        self.payload = payload

    def __repr__(self) -> str:
        return f"Job({self.job_id})"  # no address: graphs of the same objects come out the same


# --8<-- [start:leak]
RETRY_LATER: list[Job] = []  # failed jobs, "to retry later": nothing ever retries them


def run(job_id: int) -> None:
    job = Job(job_id, payload=b"x" * 512)
    if job_id % 4 == 0:  # one job in four fails
        RETRY_LATER.append(job)
        # --8<-- [end:leak]


def global_name(module_dict: dict[str, object], value: object) -> str:
    """The module-level name bound to ``value``: how a back-reference chain reads in code."""
    return next(name for name, bound in module_dict.items() if bound is value)


# --8<-- [start:svg]
def stable_ids(dot_source: str) -> str:
    """objgraph names graph nodes after object addresses; number them instead, so that
    re-rendering the same graph gives the same file."""
    numbers: dict[str, str] = {}
    return re.sub(
        r"(?<![A-Za-z0-9])o\d+",
        lambda m: numbers.setdefault(m.group(), f"n{len(numbers) + 1}"),
        dot_source,
    )


def backrefs_svg(objs: list[object], path: Path, max_depth: int = 4) -> Path:
    """Draw who refers to ``objs``, up to ``max_depth`` steps back, as an SVG with Graphviz.

    objgraph.show_backrefs(objs, filename="leak.svg") does this in one call; going through the
    DOT text makes the file reproducible and turns a missing Graphviz into a clear error.
    """
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError("Graphviz's 'dot' is not installed (apt install graphviz)")
    source = io.StringIO()
    objgraph.show_backrefs(
        objs,  # objgraph leaves this list itself out of the graph
        max_depth=max_depth,
        # Functions refer to their module's globals, frames to everything: leave them out.
        filter=lambda obj: not (inspect.isfunction(obj) or inspect.isframe(obj)),
        output=source,
    )
    subprocess.run(  # noqa: S603 - Graphviz found on PATH above, no shell
        [dot, "-Tsvg", "-o", str(path)],
        input=stable_ids(source.getvalue()),
        text=True,
        check=True,
        timeout=60,
    )
    return path
    # --8<-- [end:svg]


def main() -> None:
    # A function, not module level: a global `job` would be one more reference to find.
    # --8<-- [start:growth]
    objgraph.growth()  # the first call only records the current counts
    for job_id in range(40_000):
        run(job_id)
    grown = {name: delta for name, _, delta in objgraph.growth(limit=10)}
    print(f"Job objects added since the last call: {grown['Job']:,}")
    #> Job objects added since the last call: 10,000
    print(f"objgraph.count('Job'): {objgraph.count('Job'):,}")
    #> objgraph.count('Job'): 10,000
    # The most common types in the whole process: 10,000 leaked jobs rise to the top.
    top = [name for name, _ in objgraph.most_common_types(limit=3)]
    print(f"Job among the 3 most common types: {'Job' in top}")
    #> Job among the 3 most common types: True
    # --8<-- [end:growth]

    # --8<-- [start:chain]
    job = objgraph.by_type("Job")[-1]  # any one of them
    chain = objgraph.find_backref_chain(job, objgraph.is_proper_module)
    print(" -> ".join(type(obj).__name__ for obj in chain))
    #> module -> dict -> list -> Job
    print("held by the global", global_name(chain[1], chain[2]))
    #> held by the global RETRY_LATER
    # --8<-- [end:chain]

    # --8<-- [start:dot]
    # The whole neighbourhood of back-references, as Graphviz DOT text (no Graphviz needed).
    dot_text = io.StringIO()
    objgraph.show_backrefs([job], max_depth=3, output=dot_text)
    print("edge labelled RETRY_LATER:", 'label="RETRY_LATER"' in dot_text.getvalue())
    #> edge labelled RETRY_LATER: True
    # --8<-- [end:dot]


if __name__ == "__main__":
    main()
