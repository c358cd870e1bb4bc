"""Python blocks written straight into pages are linted, run and their ``#>`` output checked.

Blocks that include a snippet (``--8<--``) are tested through the snippet itself; blocks whose
language is not Python (console sessions, SQL, text output) are not code to run.
"""

from __future__ import annotations

import pytest
from pytest_examples import CodeExample, EvalExample, find_examples

from tests.conftest import ROOT

INLINE = [ex for ex in find_examples(str(ROOT / "docs")) if "--8<--" not in ex.source]


@pytest.mark.parametrize("example", INLINE, ids=str)
def test_inline_python_block(
    example: CodeExample, eval_example: EvalExample, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)  # pages show the default database
    eval_example.set_config(
        line_length=100, target_version="py310", ruff_select=["E", "F", "I", "UP"]
    )
    if eval_example.update_examples:
        eval_example.format_ruff(example)
        eval_example.run_print_update(example)
    else:
        eval_example.lint_ruff(example)
        eval_example.run_print_check(example)
