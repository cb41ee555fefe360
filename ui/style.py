"""The few style rules the workbench adds to Streamlit's theme, for legibility.

Streamlit fades captions with 60 % opacity (text #828180 on white: contrast 3.9:1), below the
4.5:1 that WCAG 2.1 AA asks for normal text; the workbench uses captions for intros and key
notes, so they are drawn opaque in a mid grey instead (#5c5a56: 6.6:1), still lighter than
the body text. The theme has no setting for it.

Text fields in forms add Streamlit's own "Press Enter to submit form" in English whatever the
page's language, and Streamlit has no way to translate it: it is hidden (Enter still submits,
and every form has its labelled button).
"""

from __future__ import annotations

import streamlit as st

from kundenmodell.i18n import format_number
from ui.session import T, lang

_RULES = """<style>
[data-testid="stCaptionContainer"] { opacity: 1; color: #5c5a56; }
[data-testid="InputInstructions"] { display: none; }
</style>"""


def apply_style() -> None:
    """Add the rules to the page (once per run, before the page draws)."""
    st.html(_RULES)


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal: quotes and backslashes escaped, ``<`` written as a
    CSS escape so no text can end the style element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return f'"{escaped}"'


def uploader_rules(button: str, note: str) -> str:
    """CSS that shows ``button`` on the uploader's button and ``note`` below instead of
    Streamlit's English "Upload" and "500MB per file • CSV, …".

    Streamlit 1.67 has no parameter for these texts (streamlit/streamlit#13500, open), so the
    translation is drawn as generated content in their place. The button's own word stays in
    the page, visually hidden: checkers such as axe take a button's name only from real text,
    so the name is read as "Upload Hochladen" and still holds the visible word. Keyed on
    Streamlit's test ids; if a later Streamlit renames them, the English text simply shows again.
    """
    zone = '[data-testid="stFileUploaderDropzone"]'
    notes = '[data-testid="stFileUploaderDropzoneInstructions"]'
    return f"""<style>
{zone} button [data-testid="stMarkdownContainer"] p {{
  position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);
  white-space: nowrap;
}}
{zone} button [data-testid="stMarkdownContainer"]::after {{ content: {_css_string(button)}; }}
{notes} span {{ display: none; }}
{notes} > div::after {{
  content: {_css_string(note)}; font-size: 14px; line-height: 1.6; color: rgba(47, 45, 43, 0.7);
}}
</style>"""


def localize_uploaders() -> None:
    """Draw the file uploaders' own texts in the page's language (English is Streamlit's)."""
    if lang() == "en":
        return
    limit = format_number(st.get_option("server.maxUploadSize"), lang())
    st.html(uploader_rules(T("uploader.button"), T("uploader.note", limit=limit)))
