"""Run one snippet with pytest-examples' print recorder; write its ``#>``-updated source as JSON.

Usage: ``python tests/support/print_check.py SNIPPET.py RESULT.json``. Runs in its own
interpreter (the snippet may start processes or threads), so the parent can apply a timeout.
"""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

from pytest_examples.config import ExamplesConfig
from pytest_examples.find_examples import CodeExample
from pytest_examples.run_code import InsertPrintStatements

LINE_LENGTH = 100


def main() -> None:
    path = Path(sys.argv[1]).resolve()
    result = Path(sys.argv[2])
    example = CodeExample.create(path.read_text(), path=path)
    recorder = InsertPrintStatements(
        path, ExamplesConfig(line_length=LINE_LENGTH), True, None, None
    )
    sys.argv = [str(path)]
    sys.path.insert(0, str(path.parent))
    with recorder:
        runpy.run_path(str(path), run_name="__main__")
    result.write_text(json.dumps({"updated": recorder.updated_print_statements(example)}))


if __name__ == "__main__":
    main()
