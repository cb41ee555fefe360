"""User text inside Markdown: shown as written, never as formatting."""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")
"""ASCII punctuation that Markdown (and Streamlit's ``:material/…:`` and ``$…$``) reads as
markup; CommonMark shows any of it backslash-escaped as the plain character."""


def escape_markdown(text: str) -> str:
    """``text`` (a file name, a customer number) for a Markdown string: ``*1*`` stays ``*1*``
    instead of becoming an italic 1, ``<b>`` stays ``<b>``."""
    return _MARKDOWN.sub(r"\\\1", text)
