"""A persona's profile sheet in words: every sentence comes from the i18n catalogues.

:func:`sheet` turns a :class:`~kundenmodell.personas.profile.Persona` into plain strings for
one language (name, description, quote, traits, facts, goals, pain points, approach, how
sure); the HTML card, the Markdown and JSON exports and the PNG card all draw from it, so
they always say the same.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from kundenmodell.i18n import format_money, format_number, format_percent, has_key, t
from kundenmodell.personas.features import FEATURES, OTHER
from kundenmodell.personas.profile import Persona, Statement, Trait
from kundenmodell.personas.quality import STABLE_PERSONA, persona_reading

if TYPE_CHECKING:
    from kundenmodell.personas.persona_set import PersonaSet

# Feature → catalogue prefix of its value labels (values without a label are shown as they are).
LEVEL_LABELS = {
    "gender": "gender",
    "customer_type": "customer_type",
    "relationship": "relationship",
    "contact_preference": "contact_preference",
    "acquisition_channel": "acquisition_channel",
    "nps_group": ".".join(("nps", "group")),  # a prefix, not a key of its own
    "channel": "channel",
    "consumer_role": "consumer_role",
}
MONEY = ("income", "basket", "monetary")
ONE_DECIMAL = ("purchase_rate", "quantity", "reminders")
MAJORITY = 0.6
GENDER_KEYS = {
    "female": "persona_traits.desc.gender_female",
    "male": "persona_traits.desc.gender_male",
}
NOTABLE_ROLE = 0.3


@dataclass(frozen=True)
class Sheet:
    """A persona's profile sheet as text in one language.

    ``facts`` are (label, value) pairs: typical purchase, channel, contact, consumers, NPS;
    ``how_sure`` the same for n, stability, certainty and spread.
    """

    name: str
    initials: str
    colour: str
    headline: str
    description: str
    quote: str
    traits: tuple[str, ...]
    facts: tuple[tuple[str, str], ...]
    goals: tuple[str, ...]
    pains: tuple[str, ...]
    approach: tuple[tuple[str, str], ...]
    how_sure: tuple[tuple[str, str], ...]


def feature_label(name: str, lang: str) -> str:
    return t(f"persona_traits.feature.{name}", lang)


def level_label(feature: str, level: str, lang: str) -> str:
    """The translated label of a feature's level (region ``other`` = smaller places)."""
    if feature == "region" and level == OTHER:
        return t("persona_traits.region_other", lang)
    prefix = LEVEL_LABELS.get(feature)
    if prefix and has_key(f"{prefix}.{level}", lang):
        return t(f"{prefix}.{level}", lang)  # "other" is a value of its own for consumer roles
    if level == OTHER:
        return t("persona_traits.level_other", lang)
    return level


def format_feature(name: str, value: float, lang: str, currency: str) -> str:
    """A numeric feature's value with its unit (``38 Jahre``, ``40 €``, ``alle 44 Tage``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if name in MONEY:
        return format_money(value, currency, lang, decimals=0)
    decimals = 1 if name in ONE_DECIMAL else 0
    number = format_number(round(value, decimals), lang, decimals=decimals)
    return t(f"persona_traits.unit.{name}", lang, value=number)


def trait_text(trait: Trait, lang: str, currency: str) -> str:
    """One distinguishing trait as a short line, persona value against the whole base."""
    feature = feature_label(trait.feature, lang)
    if trait.level is None:
        direction = "higher" if trait.effect > 0 else "lower"
        return t(
            f"persona_traits.trait.{direction}",
            lang,
            feature=feature,
            value=format_feature(trait.feature, trait.value, lang, currency),
            base=format_feature(trait.feature, trait.base, lang, currency),
        )
    of = "purchases" if FEATURES[trait.feature].kind == "mix" else "customers"
    direction = "more" if trait.effect > 0 else "less"
    return t(
        f"persona_traits.share_line.{of}_{direction}",
        lang,
        feature=feature,
        level=level_label(trait.feature, trait.level, lang),
        value=format_percent(trait.value, lang),
        base=format_percent(trait.base, lang),
        lift=format_number(trait.lift, lang, decimals=1) if math.isfinite(trait.lift) else "–",
    )


def statement_text(statement: Statement, lang: str) -> str:
    """A goal, pain point or approach: coded params translated, shares as percentages."""
    params = {}
    for name, value in statement.params.items():
        if name in statement.labels:
            params[name] = level_label(statement.labels[name], str(value), lang)
        elif isinstance(value, float):
            params[name] = format_percent(value, lang)
        else:
            params[name] = str(value)
    return t(statement.key, lang, **params)


def _levels_text(persona: Persona, feature: str, lang: str, limit: int = 3) -> str | None:
    levels = persona.top.get(feature)
    if not levels:
        return None
    return ", ".join(
        f"{level_label(feature, level, lang)} ({format_percent(share, lang)})"
        for level, share in levels[:limit]
        if share > 0
    )


def _facts(persona: Persona, lang: str, currency: str) -> tuple[tuple[str, str], ...]:
    facts: list[tuple[str, str]] = []

    def add(key: str, value: str | None) -> None:
        if value:
            facts.append((t(f"persona_traits.fact.{key}", lang), value))

    add("category", _levels_text(persona, "category", lang))
    for name in ("basket", "purchase_rate", "rhythm_days"):
        if name in persona.facts:
            add(name, format_feature(name, persona.facts[name], lang, currency))
    add("channel", _levels_text(persona, "channel", lang, 2))
    add("contact", _levels_text(persona, "contact_preference", lang, 2))
    add("consumers", _levels_text(persona, "consumer_role", lang))
    if persona.nps is not None:
        add(
            "nps",
            t(
                "persona_traits.nps_mix",
                lang,
                score=format_number(persona.nps["score"], lang, decimals=0),
                promoters=format_percent(persona.nps["promoter"], lang),
                passives=format_percent(persona.nps["passive"], lang),
                detractors=format_percent(persona.nps["detractor"], lang),
                n=format_number(persona.nps["n"], lang),
            ),
        )
    return tuple(facts)


def _how_sure(persona: Persona, lang: str, currency: str) -> tuple[tuple[str, str], ...]:
    rows = [
        (t("persona_traits.sure.n", lang), format_number(persona.size, lang)),
        (
            t("persona_traits.sure.stability", lang),
            f"{format_percent(persona.stability, lang)} · "
            + t(persona_reading(persona.stability), lang),
        ),
        (t("persona_traits.sure.certainty", lang), format_percent(persona.certainty, lang)),
    ]
    for name, (low, high) in persona.spread.items():
        rows.append(
            (
                t("persona_traits.sure.spread", lang, feature=feature_label(name, lang)),
                f"{format_feature(name, low, lang, currency)} – "
                f"{format_feature(name, high, lang, currency)}",
            )
        )
    return tuple(rows)


def _description(persona: Persona, lang: str, currency: str) -> str:
    """Generated description: who they are, what and how they buy, for whom."""
    parts = []
    if "age" in persona.facts:
        parts.append(
            t("persona_traits.desc.age", lang, age=format_number(persona.facts["age"], lang))
        )
    for level, share in persona.top.get("gender", ())[:1]:
        if share >= MAJORITY and level in GENDER_KEYS:
            parts.append(t(GENDER_KEYS[level], lang, share=format_percent(share, lang)))
    for level, share in persona.top.get("customer_type", ())[:1]:
        if level == "b2b" and share >= MAJORITY:
            parts.append(t("persona_traits.desc.b2b", lang))
    region = next((trait for trait in persona.traits if trait.feature == "region"), None)
    if region is not None and region.effect > 0 and region.level is not None:
        share = format_percent(region.value, lang)
        if region.level == OTHER:
            parts.append(t("persona_traits.residence.smaller_towns", lang, share=share))
        else:
            parts.append(t("persona_traits.desc.region", lang, region=region.level, share=share))
    category = persona.top.get("category", ())
    channel = persona.top.get("channel", ())
    if category:
        parts.append(t("persona_traits.desc.category", lang, category=category[0][0]))
    if channel:
        parts.append(
            t(
                "persona_traits.desc.channel",
                lang,
                channel=level_label("channel", channel[0][0], lang),
            )
        )
    if "purchase_rate" in persona.facts and "basket" in persona.facts:
        parts.append(
            t(
                "persona_traits.desc.rhythm",
                lang,
                rate=format_number(persona.facts["purchase_rate"], lang, decimals=1),
                basket=format_money(persona.facts["basket"], currency, lang, decimals=0),
            )
        )
    role = next(
        (
            (lv, s)
            for lv, s in persona.top.get("consumer_role", ())
            if lv != "self" and s >= NOTABLE_ROLE
        ),
        None,
    )
    if role is not None:
        parts.append(
            t(
                "persona_traits.desc.consumer",
                lang,
                role=level_label("consumer_role", role[0], lang),
                share=format_percent(role[1], lang),
            )
        )
    return " ".join(parts) if parts else t("persona_traits.desc.none", lang)


def _quote(persona: Persona, lang: str) -> str:
    if persona.goals:
        suffix = persona.goals[0].key.rsplit(".", 1)[-1]
        return t(f"persona_traits.quote.{suffix}", lang)
    return t("persona_traits.quote.generic", lang)


def sheet(persona: Persona, lang: str, currency: str = "EUR") -> Sheet:
    """The profile sheet of ``persona`` as text in ``lang`` (user edits win over generated text)."""
    if math.isnan(persona.revenue_share):
        headline = t(
            "persona_traits.no_revenue.headline",
            lang,
            share=format_percent(persona.share, lang),
            n=format_number(persona.size, lang),
        )
    else:
        headline = t(
            "persona_traits.headline",
            lang,
            share=format_percent(persona.share, lang),
            revenue_share=format_percent(persona.revenue_share, lang),
            n=format_number(persona.size, lang),
        )
    goals = tuple(statement_text(s, lang) for s in persona.goals) or (
        t("persona_traits.goal.generic", lang),
    )
    pains = tuple(statement_text(s, lang) for s in persona.pains) or (
        t("persona_traits.pain.generic", lang),
    )
    approach = (
        (t("persona_traits.approach.retention", lang), statement_text(persona.retention, lang)),
        (t("persona_traits.approach.acquisition", lang), statement_text(persona.acquisition, lang)),
        (t("persona_traits.approach.focus", lang), statement_text(persona.focus, lang)),
    )
    return Sheet(
        name=persona.name,
        initials=persona.initials,
        colour=persona.colour,
        headline=headline,
        description=persona.description or _description(persona, lang, currency),
        quote=persona.quote or _quote(persona, lang),
        traits=tuple(trait_text(trait, lang, currency) for trait in persona.traits)
        or (t("persona_traits.no_traits", lang),),
        facts=_facts(persona, lang, currency),
        goals=goals,
        pains=pains,
        approach=approach,
        how_sure=_how_sure(persona, lang, currency),
    )


@dataclass(frozen=True)
class Note:
    """One sentence of the quality panel: ``level`` ``warning`` (read before trusting the
    personas) or ``info`` (how the columns were counted)."""

    level: Literal["warning", "info"]
    text: str


def quality_notes(result: PersonaSet, lang: str) -> tuple[Note, ...]:
    """What the quality panel must say besides the overall reading, in ``lang``.

    Warnings: one feature carries at least half of the separation
    (:attr:`~kundenmodell.personas.quality.Quality.dominant`); personas that come back with a
    resampling stability below 75 % (Hennig's threshold for a stable cluster), each with its
    value. Information: the purchase columns counted once per customer, and each feature left
    out as a duplicate of another.
    """
    quality = result.quality
    notes: list[Note] = []
    if quality.dominant:
        share = dict(zip(quality.features, quality.separation, strict=True))[quality.dominant]
        notes.append(
            Note(
                "warning",
                t(
                    "persona_quality_v2.dominant",
                    lang,
                    feature=feature_label(quality.dominant, lang),
                    share=format_percent(share, lang),
                    advanced=t("personas.advanced", lang),
                ),
            )
        )
    shaky = [
        f"{persona.name} ({format_percent(value, lang)})"
        for persona, value in zip(result.personas, quality.persona_stability, strict=True)
        if quality.runs and value < STABLE_PERSONA
    ]
    if shaky:
        notes.append(
            Note(
                "warning",
                t(
                    "persona_quality_v2.unstable",
                    lang,
                    personas=", ".join(shaky),
                    threshold=format_percent(STABLE_PERSONA, lang),
                ),
            )
        )
    if result.used_once:
        names = ", ".join(feature_label(name, lang) for name in result.used_once)
        notes.append(Note("info", t("persona_quality_v2.once", lang, features=names)))
    for duplicate in result.duplicates:
        notes.append(
            Note(
                "info",
                t(
                    "persona_quality_v2.duplicate",
                    lang,
                    dropped=feature_label(duplicate.dropped, lang),
                    kept=feature_label(duplicate.kept, lang),
                ),
            )
        )
    return tuple(notes)
