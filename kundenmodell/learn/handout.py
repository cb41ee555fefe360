"""A lesson as a Markdown handout: chapters in the trainer's order, with today's numbers."""

from __future__ import annotations

from kundenmodell.learn.chapters import chapter
from kundenmodell.learn.examples import ExampleData, live_example


def lesson_markdown(
    chapter_keys: list[str],
    data: ExampleData | None,
    lang: str,
    *,
    title: str,
    example_heading: str,
    mistakes_heading: str,
    currency: str = "EUR",
) -> str:
    """Markdown with one section per chapter: definition, explanation, the live example (when
    ``data`` can show it) and the common mistakes. Headings come translated from the caller."""
    parts = [f"# {title}", ""]
    for key in chapter_keys:
        text = chapter(key, lang)
        parts += [f"## {text.title}", "", f"**{text.definition}**", "", text.explanation, ""]
        example = live_example(key, data, lang, currency) if data is not None else None
        if example is not None:
            parts += [f"### {example_heading}", "", f"**{example.headline}** – {example.text}", ""]
        parts += [f"### {mistakes_heading}", ""]
        parts += [f"- {mistake}" for mistake in text.mistakes]
        parts.append("")
    return "\n".join(parts)
