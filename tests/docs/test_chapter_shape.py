"""Every chapter has the shape the curriculum asks for: its sections in order, a lab, a quiz of
five multiple-choice and three discussion questions, each with an answer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

DOCS = ROOT / "docs"
# Module pages (docs/dayN/mNN-*.md) and the two Day 3 companion pages.
CHAPTERS = sorted(
    [
        *DOCS.glob("day*/m[0-9][0-9]-*.md"),
        DOCS / "day3/sql-primer.md",
        DOCS / "day3/db-techniques.md",
    ]
)
# The curriculum's chapter shape, as the opening words of level-2 headings, in order. A chapter
# may add sections between them (a case study, a walkthrough).
SECTIONS = (
    "Why it matters in production",
    "How it works",
    "Real-world use cases",
    "Hands-on exercise",
    "Common pitfalls",
    "Best-practice checklist",
    "Performance considerations",
    "Quiz",
)
MULTIPLE_CHOICE = ("Concept", "Implementation", "Debugging", "Performance", "Production")
QUESTION = re.compile(r'^\?\?\? question "(.+)"$', re.MULTILINE)


def _headings(text: str) -> list[str]:
    return [line[3:].strip() for line in text.splitlines() if line.startswith("## ")]


def _in_order(headings: list[str], wanted: tuple[str, ...]) -> list[str]:
    """The wanted sections missing from ``headings`` or out of order (empty when all is well)."""
    position = 0
    missing = []
    for section in wanted:
        found = next(
            (i for i in range(position, len(headings)) if headings[i].startswith(section)), None
        )
        if found is None:
            missing.append(section)
        else:
            position = found + 1
    return missing


def _quiz(text: str) -> tuple[list[str], list[str]]:
    quiz = text.split("\n## Quiz", 1)[1]
    choice, _, discussion = quiz.partition("\n### Discussion questions")
    return QUESTION.findall(choice), QUESTION.findall(discussion)


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_has_every_section_in_order(page: Path) -> None:
    headings = _headings(page.read_text())
    assert not _in_order(headings, SECTIONS), f"{page.name}: missing or out of order"
    if page.name[0] == "m":
        # Module pages show their tested code in a section of its own.
        assert any(h.startswith("Code") for h in headings), f"{page.name} has no Code section"


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.stem)
def test_quiz_has_five_multiple_choice_and_three_discussion_questions(page: Path) -> None:
    text = page.read_text()
    choice, discussion = _quiz(text)
    assert len(choice) == 5, f"{page.name}: {len(choice)} multiple-choice questions"
    assert len(discussion) == 3, f"{page.name}: {len(discussion)} discussion questions"
    # One question of each kind, in the curriculum's order: "1. Concept: ...".
    kinds = [re.sub(r"^\d+\.\s*", "", q).split(":", 1)[0] for q in choice]
    assert kinds == list(MULTIPLE_CHOICE), f"{page.name}: question kinds {kinds}"
    # Every question is a collapsed block with an answer in it.
    blocks = re.split(r'^\?\?\? question ".+"$', text.split("\n## Quiz", 1)[1], flags=re.M)[1:]
    unanswered = [
        q
        for q, body in zip(choice + discussion, blocks, strict=True)
        if "answer" not in body.lower()
    ]
    assert not unanswered, f"{page.name}: no answer under {unanswered}"


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_links_its_lab_notebook(page: Path) -> None:
    slug = page.stem.replace("-", "_")
    lab = DOCS / "labs" / f"{slug}.ipynb"
    assert lab.exists(), f"{page.name} has no lab notebook {lab.relative_to(ROOT)}"
    assert f"labs/{slug}.ipynb" in page.read_text(), f"{page.name} does not link {lab.name}"


def test_the_checks_catch_what_they_look_for() -> None:
    assert _in_order(["Why it matters in production", "Quiz"], SECTIONS)[0] == "How it works"
    assert _in_order(["Quiz", "How it works"], ("How it works", "Quiz")) == ["Quiz"]
    sample = '\n## Quiz\n??? question "1. Concept: a?"\n    answer\n### Discussion questions\n'
    assert _quiz(sample) == (["1. Concept: a?"], [])
