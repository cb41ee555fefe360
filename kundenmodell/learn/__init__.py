"""Learn mode: the concepts of the source texts as chapters with live examples, a quiz and a
presenter view.

Texts live in ``content/<lang>.toml`` (one file per language, same chapters and keys); the
numbers come from :mod:`kundenmodell.learn.examples`, computed on the active data set with the
same package functions the analysis pages use.
"""

from kundenmodell.learn.chapters import CHAPTERS, LEARN_MODES, Chapter, chapter, chapters
from kundenmodell.learn.examples import Example, live_example
from kundenmodell.learn.handout import lesson_markdown
from kundenmodell.learn.quiz import Question, quiz_questions, score_answers

__all__ = [
    "CHAPTERS",
    "LEARN_MODES",
    "Chapter",
    "Example",
    "Question",
    "chapter",
    "chapters",
    "lesson_markdown",
    "live_example",
    "quiz_questions",
    "score_answers",
]
