"""Chapter texts from the per-language content files."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kundenmodell.concepts import CONCEPTS
from kundenmodell.i18n import LANGUAGES

CONTENT_DIR = Path(__file__).parent / "content"

# The chapters in teaching order: the concepts of DESIGN.md, and where to explore each.
CHAPTERS: tuple[str, ...] = CONCEPTS
# The ways the learn page presents the chapters.
LEARN_MODES: tuple[str, ...] = ("chapters", "quiz", "presenter")
EXPLORE_PAGE: dict[str, str] = {
    "customer": "views/overview.py",
    "consumer": "views/roles.py",
    "lifecycle": "views/overview.py",
    "actual_customer": "views/overview.py",
    "regular_customer": "views/overview.py",
    "b2b_b2c": "views/overview.py",
    "internal_external": "views/roles.py",
    "persona": "views/personas.py",
    "nps_groups": "views/overview.py",
    "churn": "views/overview.py",
    "retention_acquisition": "views/scenarios.py",
    "segmentation": "views/overview.py",
    "data_minimisation": "views/dataset.py",
}


@dataclass(frozen=True)
class MultipleChoice:
    """A question with its options; ``answer`` is the index of the right option."""

    question: str
    options: tuple[str, ...]
    answer: int
    explanation: str


@dataclass(frozen=True)
class Chapter:
    """One concept: definition, explanation, common mistakes, the live example's sentence
    template (placeholders filled by :func:`kundenmodell.learn.live_example`) and a question."""

    key: str
    title: str
    definition: str
    explanation: str
    mistakes: tuple[str, ...]
    example: str
    no_example: str
    question: MultipleChoice
    explore_page: str


@cache
def content(lang: str) -> dict:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    with (CONTENT_DIR / f"{lang}.toml").open("rb") as handle:
        return tomllib.load(handle)


def chapter(key: str, lang: str) -> Chapter:
    """Chapter ``key`` in ``lang``."""
    raw = content(lang)["chapter"][key]
    question = raw["question"]
    return Chapter(
        key=key,
        title=raw["title"],
        definition=raw["definition"],
        explanation=raw["explanation"],
        mistakes=tuple(raw["mistakes"]),
        example=raw["example"],
        no_example=raw["no_example"],
        question=MultipleChoice(
            question["text"], tuple(question["options"]), question["answer"], question["why"]
        ),
        explore_page=EXPLORE_PAGE[key],
    )


def chapters(lang: str) -> list[Chapter]:
    """All chapters in teaching order."""
    return [chapter(key, lang) for key in CHAPTERS]
