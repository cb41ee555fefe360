"""Quiz questions per chapter: the content's multiple-choice questions plus numeric questions
answered from the live data, so every freshly generated data set gives new numbers."""

from __future__ import annotations

from dataclasses import dataclass

from kundenmodell.learn.chapters import CHAPTERS, chapter, content
from kundenmodell.learn.examples import ExampleData

# Numeric questions: chapter → (value name in the example data, scale, tolerance).
# The answer is value × scale (shares as percent); an answer within the tolerance counts.
NUMERIC: dict[str, tuple[str, float, float]] = {
    "customer": ("customers", 1.0, 0.0),
    "regular_customer": ("share", 100.0, 2.0),
    "nps_groups": ("promoters", 1.0, 0.0),
    "b2b_b2c": ("revenue_share", 100.0, 2.0),
    "churn": ("rate", 100.0, 0.5),
}


@dataclass(frozen=True)
class Question:
    """One quiz question. For ``choice`` questions ``answer`` is the index of the right option;
    for ``number`` questions the right value, with ``tolerance`` either side."""

    key: str
    chapter: str
    kind: str
    text: str
    options: tuple[str, ...]
    answer: float
    tolerance: float
    explanation: str

    def is_correct(self, given: float | int | None) -> bool:
        if given is None:
            return False
        if self.kind == "choice":
            return int(given) == int(self.answer)
        return abs(float(given) - self.answer) <= self.tolerance + 1e-9


def quiz_questions(
    data: ExampleData, lang: str, chapter_keys: tuple[str, ...] = CHAPTERS
) -> list[Question]:
    """The quiz for ``chapter_keys``: each chapter's multiple-choice question, followed by its
    numeric question where the data can answer it."""
    numeric_texts = content(lang)["numeric"]
    questions: list[Question] = []
    for key in chapter_keys:
        text = chapter(key, lang)
        choice = text.question
        questions.append(
            Question(
                f"{key}.choice",
                key,
                "choice",
                choice.question,
                choice.options,
                choice.answer,
                0.0,
                choice.explanation,
            )
        )
        raw = data.values.get(key) if data is not None else None
        if key in NUMERIC and raw is not None:
            name, scale, tolerance = NUMERIC[key]
            questions.append(
                Question(
                    f"{key}.number",
                    key,
                    "number",
                    numeric_texts[key]["text"],
                    (),
                    round(float(raw[name]) * scale, 1),
                    tolerance,
                    numeric_texts[key]["why"],
                )
            )
    return questions


def score_answers(questions: list[Question], answers: dict[str, float | int | None]) -> int:
    """Number of questions answered correctly (``answers`` by question key)."""
    return sum(question.is_correct(answers.get(question.key)) for question in questions)
