"""Persona sets as files: Markdown and JSON for the whole set (in one language)."""

from __future__ import annotations

import json
import math
from typing import Any

from kundenmodell.i18n import format_number, format_percent, t
from kundenmodell.personas.persona_set import PersonaSet
from kundenmodell.personas.text import feature_label, sheet


def to_markdown(personas: PersonaSet, lang: str) -> str:
    """The persona set as a Markdown document: quality, features, then one profile sheet per
    persona (quote, description, traits, facts, goals, pain points, approach, how sure)."""
    quality = personas.quality
    lines = [
        f"# {t('personas.md.title', lang)}",
        "",
        t(quality.reading, lang),
        "",
        f"- {t('personas.metric.count', lang)}: {personas.k}",
        f"- {t('personas.metric.stability', lang)}: {format_percent(quality.stability, lang)}",
        f"- {t('personas.metric.certainty', lang)}: {format_percent(quality.certainty, lang)}",
        f"- {t('personas.metric.silhouette', lang)}: "
        f"{format_number(quality.silhouette, lang, decimals=2)}",
        f"- {t('personas.features.used', lang)}: "
        + ", ".join(feature_label(name, lang) for name in personas.features_used),
    ]
    if personas.features_missing:
        lines.append(
            f"- {t('personas.features.missing', lang)}: "
            + ", ".join(feature_label(name, lang) for name in personas.features_missing)
        )
    for persona in personas.personas:
        card = sheet(persona, lang, personas.currency)
        quote = t("persona_traits.quote_format", lang, quote=card.quote)
        lines += ["", f"## {card.name}", "", f"*{card.headline}*", "", f"> {quote}", ""]
        lines += [card.description, ""]
        lines += [f"### {t('personas.card.traits', lang)}", ""]
        lines += [f"- {item}" for item in card.traits]
        lines += ["", f"### {t('personas.card.typical', lang)}", ""]
        lines += [f"- **{label}:** {value}" for label, value in card.facts]
        lines += ["", f"### {t('personas.card.goals', lang)}", ""]
        lines += [f"- {item}" for item in card.goals]
        lines += ["", f"### {t('personas.card.pains', lang)}", ""]
        lines += [f"- {item}" for item in card.pains]
        lines += ["", f"### {t('personas.card.approach', lang)}", ""]
        lines += [f"- **{label}:** {value}" for label, value in card.approach]
        lines += ["", f"### {t('personas.card.how_sure', lang)}", ""]
        lines += [f"- **{label}:** {value}" for label, value in card.how_sure]
    return "\n".join(lines) + "\n"


def to_dict(personas: PersonaSet, lang: str) -> dict[str, Any]:
    """The persona set as plain data: numbers and stable keys, plus each sheet's text in
    ``lang`` (NaN becomes None)."""
    quality = personas.quality
    sheets = []
    for persona in personas.personas:
        card = sheet(persona, lang, personas.currency)
        sheets.append(
            {
                "key": persona.key,
                "index": persona.index,
                "name": persona.name,
                "initials": persona.initials,
                "colour": persona.colour,
                "size": persona.size,
                "share": persona.share,
                "revenue": persona.revenue,
                "revenue_share": persona.revenue_share,
                "certainty": persona.certainty,
                "stability": persona.stability,
                "description": card.description,
                "quote": card.quote,
                "traits": [
                    {
                        "feature": trait.feature,
                        "level": trait.level,
                        "value": trait.value,
                        "base": trait.base,
                        "lift": trait.lift,
                        "effect": trait.effect,
                        "text": text,
                    }
                    for trait, text in zip(persona.traits, card.traits, strict=False)
                ],
                "medians": dict(persona.facts),
                "spread": {name: list(pair) for name, pair in persona.spread.items()},
                "top_levels": {
                    name: [{"level": level, "share": share} for level, share in levels]
                    for name, levels in persona.top.items()
                },
                "nps": None if persona.nps is None else dict(persona.nps),
                "facts": [{"label": label, "value": value} for label, value in card.facts],
                "goals": list(card.goals),
                "pain_points": list(card.pains),
                "approach": [{"label": label, "text": value} for label, value in card.approach],
            }
        )
    data = {
        "language": lang,
        "k": personas.k,
        "k_chosen_automatically": personas.automatic,
        "seed": personas.seed,
        "buyers_only": personas.buyers_only,
        "customers_clustered": len(personas.labels),
        "customers_in_data": personas.n_customers,
        "currency": personas.currency,
        "features_used": list(personas.features_used),
        "features_missing": list(personas.features_missing),
        "quality": {
            "silhouette": quality.silhouette,
            "stability": quality.stability,
            "certainty": quality.certainty,
            "resampling_runs": quality.runs,
            "reading": t(quality.reading, lang),
        },
        "criterion": personas.criterion.to_dict(orient="records"),
        "personas": sheets,
    }
    return _clean(data)


def to_json(personas: PersonaSet, lang: str) -> str:
    """:func:`to_dict` as indented UTF-8 JSON text."""
    return json.dumps(to_dict(personas, lang), ensure_ascii=False, indent=2)


def _clean(value: Any) -> Any:
    """JSON-safe: numpy scalars to Python, NaN/inf to None."""
    if isinstance(value, dict):
        return {str(key): _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
