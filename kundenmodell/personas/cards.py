"""Persona cards as self-contained HTML (inline styles), safe to show with ``st.html``.

Every piece of text — the user's own edits, names from the data (categories, cities) and the
catalogue strings — goes through :func:`html.escape`, so a persona named ``<script>`` is shown
as text and never run.
"""

from __future__ import annotations

from html import escape

from kundenmodell.i18n import t
from kundenmodell.personas.text import Sheet

CARD_STYLE = (
    "font-family:inherit;border:1px solid #d9dde3;border-top:6px solid {colour};"
    "border-radius:10px;padding:14px 16px;background:#fff;color:#1f2933;height:100%;"
    "box-sizing:border-box"
)
AVATAR_STYLE = (
    "flex:0 0 52px;width:52px;height:52px;border-radius:50%;background:{colour};color:#fff;"
    "display:flex;align-items:center;justify-content:center;font-weight:700;font-size:20px"
)
HEADING_STYLE = "margin:12px 0 4px;font-size:13px;text-transform:uppercase;color:#52606d"
LIST_STYLE = "margin:0;padding-left:18px;font-size:14px;line-height:1.4"
COMPACT_TRAITS = 3
COMPACT_FACTS = 3


def _list(items: tuple[str, ...] | list[str]) -> str:
    rows = "".join(f"<li>{escape(item)}</li>" for item in items)
    return f"<ul style='{LIST_STYLE}'>{rows}</ul>"


def _pairs(pairs: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> str:
    rows = "".join(
        f"<div style='margin:2px 0'><span style='color:#52606d'>{escape(label)}:</span> "
        f"{escape(value)}</div>"
        for label, value in pairs
    )
    return f"<div style='font-size:14px;line-height:1.4'>{rows}</div>"


def _heading(key: str, lang: str) -> str:
    return f"<div style='{HEADING_STYLE}'>{escape(t(key, lang))}</div>"


def card_html(sheet: Sheet, lang: str, *, compact: bool = False) -> str:
    """One persona card: avatar with initials, name, headline, quote and description, then the
    distinguishing traits and facts (the first few with ``compact``), goals, pain points,
    approach and how sure."""
    colour = escape(sheet.colour)
    quote = t("persona_traits.quote_format", lang, quote=sheet.quote)
    parts = [
        f"<div class='km-persona-card' style='{CARD_STYLE.format(colour=colour)}'>",
        "<div style='display:flex;gap:12px;align-items:center'>",
        f"<div style='{AVATAR_STYLE.format(colour=colour)}'>{escape(sheet.initials)}</div>",
        "<div style='min-width:0'>",
        f"<div class='km-persona-name' style='font-size:20px;font-weight:700'>"
        f"{escape(sheet.name)}</div>",
        f"<div style='font-size:13px;color:#52606d'>{escape(sheet.headline)}</div>",
        "</div></div>",
        f"<p style='font-style:italic;margin:10px 0 4px;font-size:15px'>{escape(quote)}</p>",
    ]
    if not compact:
        parts.append(f"<p style='margin:6px 0;font-size:14px'>{escape(sheet.description)}</p>")
    parts.append(_heading("personas.card.traits", lang))
    parts.append(_list(sheet.traits[:COMPACT_TRAITS] if compact else sheet.traits))
    parts.append(_heading("personas.card.typical", lang))
    parts.append(_pairs(sheet.facts[:COMPACT_FACTS] if compact else sheet.facts))
    if not compact:
        parts.append(_heading("personas.card.goals", lang))
        parts.append(_list(sheet.goals))
        parts.append(_heading("personas.card.pains", lang))
        parts.append(_list(sheet.pains))
        parts.append(_heading("personas.card.approach", lang))
        parts.append(_pairs(sheet.approach))
        parts.append(_heading("personas.card.how_sure", lang))
        parts.append(_pairs(sheet.how_sure))
    parts.append("</div>")
    return "".join(parts)
