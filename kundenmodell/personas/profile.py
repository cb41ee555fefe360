"""A persona's profile sheet (Steckbrief) from its members' features, compared with the base.

Everything here is data: numbers, stable keys and the data's own values. The words come from
the i18n catalogues when a sheet is shown (:mod:`kundenmodell.personas.text`), so one
persona set can be read in every language.

Distinguishing traits are chosen by *effect size*, so a trait everybody shares (most buy for
themselves) never makes a persona special:

- a share (a category level, or a level's share of the purchases for a mix) by Cohen's h,
  h = 2·asin √p − 2·asin √q with p the persona's share and q the base's;
- a number by the persona's mean percentile rank r̄ in the base, d = (r̄ − ½) / √(1/12):
  Cohen's d on the percentile scale (robust to skew and outliers; 0 for a typical persona).

Both read like Cohen's scale (0.2 small, 0.5 medium, 0.8 large). The lift, persona value /
base value, is shown next to it because it is easier to say ("2.4 × as often").
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from kundenmodell.personas.features import FEATURES, OTHER, UNKNOWN, FeatureTable
from kundenmodell.personas.quality import Quality

MIN_EFFECT = 0.2
GOAL_EFFECT = 0.3
RULE_LIFT = 1.5
MIN_TRAIT_SHARE = 0.1
MIN_BASE_SHARE_FOR_RARELY = 0.25
MIN_LIFT = 1.25
MAX_LIFT_FOR_RARELY = 0.5
MAX_TRAITS = 6
MAX_STATEMENTS = 3
TOP_LEVELS = 3
FOCUS_RETAIN = 1.2
FOCUS_DEVELOP = 0.8
SPREAD_FEATURES = ("age", "basket", "purchase_rate", "income")

COLOURS = (
    "#1f6f8b",
    "#b3541e",
    "#6a4c93",
    "#2e7d32",
    "#c1666b",
    "#8a6d1d",
    "#00838f",
    "#5d4037",
    "#ad1457",
    "#455a64",
)


def colour_rgb(colour: str) -> tuple[int, int, int]:
    """A persona colour ``#rrggbb`` as (red, green, blue) from 0 to 255, for the PNG and PDF
    cards; anything unreadable becomes the first colour of :data:`COLOURS`."""
    value = colour.lstrip("#")
    try:
        red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return colour_rgb(COLOURS[0])
    return red, green, blue


FEMALE_NAMES = ("Anna", "Lena", "Nora", "Julia", "Maja", "Sara", "Clara", "Emma", "Ida", "Eva")
MALE_NAMES = ("Jonas", "Paul", "Emil", "Leon", "Felix", "David", "Noah", "Lukas", "Tom", "Ben")
SURNAME_INITIALS = "BKMSWHLFRT"


@dataclass(frozen=True)
class Trait:
    """One way a persona differs from the whole base.

    For a category or mix level, ``value`` and ``base`` are shares (of the persona's and the
    base's customers, or of their purchases for a mix); for a number they are medians.
    ``effect`` is signed (positive: more than the base).
    """

    feature: str
    level: str | None
    value: float
    base: float
    lift: float
    effect: float


@dataclass(frozen=True)
class Statement:
    """A sentence to be rendered from the catalogue: ``key`` with ``params``; params named in
    ``labels`` are coded values translated with the given column's value labels."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Persona:
    """A persona's profile sheet.

    ``size`` customers (``share`` of the clustered ones) bring ``revenue`` (``revenue_share``;
    NaN when the purchases have no amounts).
    ``facts`` are medians of the numeric features, ``spread`` their interquartile ranges
    (q1, q3), ``top`` the most frequent levels with shares per categorical feature or mix,
    ``nps`` the promoter/passive/detractor shares among the answers with ``score`` and ``n``.
    ``certainty`` is the mean membership probability of the members, ``stability`` the mean
    best Jaccard overlap when rebuilt on resampled data. ``description`` and ``quote`` are
    user edits (None: generated from the traits).
    """

    index: int
    name: str
    initials: str
    colour: str
    size: int
    share: float
    revenue: float
    revenue_share: float
    traits: tuple[Trait, ...]
    facts: Mapping[str, float]
    spread: Mapping[str, tuple[float, float]]
    top: Mapping[str, tuple[tuple[str, float], ...]]
    nps: Mapping[str, float] | None
    goals: tuple[Statement, ...]
    pains: tuple[Statement, ...]
    retention: Statement
    acquisition: Statement
    focus: Statement
    certainty: float
    stability: float
    description: str | None = None
    quote: str | None = None

    @property
    def key(self) -> str:
        return f"P{self.index + 1}"


# Goals and pain points: (feature, level or "high"/"low") → catalogue key suffix.
GOAL_RULES: tuple[tuple[str, str, str], ...] = (
    ("consumer_role", "child", "children"),
    ("consumer_role", "gift", "gifts"),
    ("consumer_role", "partner", "household"),
    ("consumer_role", "employee", "team"),
    ("customer_type", "b2b", "business"),
    ("channel", "online", "convenience"),
    ("channel", "marketplace", "compare"),
    ("channel", "store", "advice"),
    ("channel", "phone", "personal_contact"),
    ("channel", "field_sales", "personal_contact"),
    ("contact_preference", "phone", "personal_contact"),
    ("contact_preference", "post", "print"),
    ("basket", "high", "quality"),
    ("income", "high", "quality"),
    ("basket", "low", "price"),
    ("income", "low", "price"),
    ("purchase_rate", "high", "reliability"),
    ("purchase_rate", "low", "occasion"),
    ("quantity", "high", "bulk"),
    ("nps_group", "promoter", "recommend"),
)
PAIN_RULES: tuple[tuple[str, str, str], ...] = (
    ("consumer_role", "child", "children"),
    ("consumer_role", "gift", "gifts"),
    ("consumer_role", "employee", "approval"),
    ("customer_type", "b2b", "business"),
    ("channel", "online", "delivery"),
    ("channel", "marketplace", "hidden_costs"),
    ("channel", "store", "queues"),
    ("channel", "phone", "unreachable"),
    ("channel", "field_sales", "unreachable"),
    ("basket", "high", "impersonal"),
    ("basket", "low", "shipping_costs"),
    ("purchase_rate", "high", "stock"),
    ("purchase_rate", "low", "forgotten"),
    ("recency_days", "high", "forgotten"),
    ("quantity", "high", "bulk"),
    ("nps_group", "detractor", "bad_experience"),
    ("contact_preference", "none", "too_many_messages"),
    ("reminders", "high", "reminders"),
)


def trait_table(table: FeatureTable, labels: np.ndarray, k: int) -> pd.DataFrame:
    """Every candidate trait of every persona: one row per persona × feature (× level).

    Columns ``persona``, ``feature``, ``level`` (None for numbers), ``value``, ``base``,
    ``lift`` and ``effect`` as in :class:`Trait`.
    """
    frames = [_numeric_traits(table, labels, k)]
    for name in table.categorical.columns:
        values = pd.Categorical(table.categorical[name])
        levels = list(values.categories)
        counts = _crosstab(labels, values.codes, k, len(levels))
        known = [i for i, level in enumerate(levels) if level != UNKNOWN]
        frames.append(_share_traits(name, [levels[i] for i in known], counts[:, known]))
    for name, mix in table.mixes.items():
        counts = (np.eye(k)[labels].T @ mix.counts) if len(labels) else np.zeros((k, 0))
        frames.append(_share_traits(name, list(mix.levels), counts))
    frames = [frame for frame in frames if not frame.empty]
    columns = ["persona", "feature", "level", "value", "base", "lift", "effect"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def _crosstab(labels: np.ndarray, codes: np.ndarray, k: int, width: int) -> np.ndarray:
    return np.bincount(labels * width + codes, minlength=k * width).reshape(k, width).astype(float)


def _share_traits(feature: str, levels: list[str], counts: np.ndarray) -> pd.DataFrame:
    """Share traits from persona × level counts (shares among the known values)."""
    if counts.size == 0:
        return pd.DataFrame()
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    base = counts.sum(axis=0) / max(counts.sum(), 1.0)
    effect = 2 * np.arcsin(np.sqrt(shares)) - 2 * np.arcsin(np.sqrt(base))[None, :]
    lift = np.divide(shares, base[None, :], out=np.zeros_like(shares), where=base[None, :] > 0)
    k, width = counts.shape
    return pd.DataFrame(
        {
            "persona": np.repeat(np.arange(k), width),
            "feature": feature,
            "level": np.tile(np.array(levels, dtype=object), k),
            "value": shares.ravel(),
            "base": np.tile(base, k),
            "lift": lift.ravel(),
            "effect": effect.ravel(),
        }
    )


def _numeric_traits(table: FeatureTable, labels: np.ndarray, k: int) -> pd.DataFrame:
    rows = []
    for name in table.numeric.columns:
        values = table.numeric[name]
        ranks = values.rank(pct=True).to_numpy(float)
        known = ~np.isnan(ranks)
        if not known.any():
            continue
        members = np.bincount(labels[known], minlength=k)
        mean_rank = np.bincount(labels[known], ranks[known], minlength=k) / np.maximum(members, 1)
        medians = values.groupby(labels).median().reindex(range(k)).to_numpy(float)
        base = float(values.median())
        effect = np.where(members > 0, (mean_rank - 0.5) / np.sqrt(1 / 12), 0.0)
        lift = medians / base if base else np.full(k, np.nan)
        for persona in range(k):
            rows.append(
                (persona, name, None, medians[persona], base, lift[persona], effect[persona])
            )
    return pd.DataFrame(
        rows, columns=["persona", "feature", "level", "value", "base", "lift", "effect"]
    )


def distinguishing(candidates: pd.DataFrame) -> tuple[Trait, ...]:
    """The strongest traits of one persona's candidates, strongest first, one per feature family.

    A trait needs at least a small effect (|effect| ≥ 0.2). A level a persona has *more* of must
    be held by ≥ 10 % of it and be ≥ 1.25 × as frequent as in the base (so "buys for
    themselves: 100 % vs 87 %" does not count). A level it has *less* of ("rarely in the
    shop") counts only for a level ≥ 25 % of the base has and at most half as often; such
    traits come after the positive ones. Numbers count in both directions (younger, older).
    """
    frame = candidates[candidates["level"].ne(UNKNOWN) | candidates["level"].isna()]
    frame = frame[frame["level"].ne(OTHER) | frame["level"].isna() | frame["feature"].eq("region")]
    is_share = frame["level"].notna()
    more = frame["effect"] > 0
    qualifies = np.where(
        more,
        (frame["value"] >= MIN_TRAIT_SHARE) & (frame["lift"] >= MIN_LIFT),
        (frame["base"] >= MIN_BASE_SHARE_FOR_RARELY) & (frame["lift"] <= MAX_LIFT_FOR_RARELY),
    )
    # A number whose medians coincide (0 reminders vs 0) cannot be told, however the ranks differ.
    visible_number = ~is_share & (
        (frame["value"] - frame["base"]).abs() > 0.01 * frame["base"].abs()
    )
    frame = frame[(frame["effect"].abs() >= MIN_EFFECT) & (visible_number | (is_share & qualifies))]
    frame = frame.assign(
        family=frame["feature"].map(lambda name: FEATURES[name].trait_family),
        strength=frame["effect"].abs(),
        rarely=(frame["level"].notna() & (frame["effect"] < 0)).astype(int),
    )
    frame = frame.sort_values(
        ["rarely", "strength", "feature"], ascending=[True, False, True], kind="stable"
    )
    frame = frame.drop_duplicates("family").head(MAX_TRAITS)
    return tuple(
        Trait(
            feature=row.feature,
            level=None if pd.isna(row.level) else str(row.level),
            value=float(row.value),
            base=float(row.base),
            lift=float(row.lift) if pd.notna(row.lift) else float("nan"),
            effect=float(row.effect),
        )
        for row in frame.itertuples()
    )


@dataclass(frozen=True)
class _Lookup:
    """One persona's candidate traits for quick look-ups: (feature, level or None) →
    (value, lift, effect), and per feature its levels by share, largest first."""

    rows: Mapping[tuple[str, str | None], tuple[float, float, float]]
    levels: Mapping[str, tuple[tuple[str, float], ...]]

    @classmethod
    def of(cls, candidates: pd.DataFrame) -> _Lookup:
        rows: dict[tuple[str, str | None], tuple[float, float, float]] = {}
        levels: dict[str, list[tuple[str, float]]] = {}
        for feature, level, value, lift, effect in zip(
            candidates["feature"],
            candidates["level"],
            candidates["value"],
            candidates["lift"],
            candidates["effect"],
            strict=True,
        ):
            level = None if pd.isna(level) else str(level)
            rows[(feature, level)] = (float(value), float(lift), float(effect))
            if level is not None and level != UNKNOWN:
                levels.setdefault(feature, []).append((level, float(value)))
        ordered = {
            feature: tuple(sorted(pairs, key=lambda pair: -pair[1])[:TOP_LEVELS])
            for feature, pairs in levels.items()
        }
        return cls(rows, ordered)


def _statements(lookup: _Lookup, rules: tuple[tuple[str, str, str], ...], kind: str):
    """Goals or pain points whose rule matches a trait: effect ≥ 0.3 and, for a number, a
    median at least 1.5 × (or at most 1/1.5 ×) the base's; strongest first, at most three."""
    found: dict[str, float] = {}
    for feature, condition, suffix in rules:
        numeric = condition in ("high", "low")
        row = lookup.rows.get((feature, None if numeric else condition))
        if row is None:
            continue
        _, lift, effect = row
        sign = -1 if condition == "low" else 1
        if numeric and not (lift >= RULE_LIFT if sign > 0 else lift <= 1 / RULE_LIFT):
            continue
        strength = sign * effect
        if strength >= GOAL_EFFECT and strength > found.get(suffix, 0.0):
            found[suffix] = strength
    ordered = sorted(found, key=lambda suffix: -found[suffix])[:MAX_STATEMENTS]
    return tuple(Statement(f"persona_traits.{kind}.{suffix}") for suffix in ordered)


def _nps(table: FeatureTable, members: np.ndarray) -> dict[str, float] | None:
    if "nps_group" not in table.categorical.columns:
        return None
    groups = table.categorical["nps_group"].to_numpy()[members]
    answered = groups[groups != UNKNOWN]
    if answered.size == 0:
        return None
    shares = {
        group: float(np.mean(answered == group)) for group in ("promoter", "passive", "detractor")
    }
    return {
        **shares,
        "score": 100 * (shares["promoter"] - shares["detractor"]),
        "n": float(answered.size),
    }


def _retention(
    nps: Mapping[str, float] | None, facts: Mapping[str, float], base: Mapping[str, float]
) -> Statement:
    """The source texts' strategy per relationship type; by purchase rhythm without NPS."""
    if nps is not None:
        dominant = max(("promoter", "passive", "detractor"), key=lambda group: nps[group])
        if nps["detractor"] >= 0.4:
            dominant = "detractor"
        return Statement(f"nps.strategy.{dominant}")
    rate, base_rate = facts.get("purchase_rate"), base.get("purchase_rate")
    if rate is not None and base_rate and rate >= base_rate:
        return Statement("persona_traits.retention.regular")
    return Statement("persona_traits.retention.reactivate")


def _acquisition(top: Mapping[str, tuple[tuple[str, float], ...]]) -> Statement:
    channel = top.get("acquisition_channel", ())
    category = top.get("category", ())
    if channel and category:
        return Statement(
            "persona_traits.acquisition.channel_category",
            {"channel": channel[0][0], "category": category[0][0]},
            {"channel": "acquisition_channel"},
        )
    if channel:
        return Statement(
            "persona_traits.acquisition.channel",
            {"channel": channel[0][0]},
            {"channel": "acquisition_channel"},
        )
    if category:
        return Statement("persona_traits.acquisition.category", {"category": category[0][0]})
    return Statement("persona_traits.acquisition.lookalike")


def _focus(share: float, revenue_share: float) -> Statement:
    if math.isnan(revenue_share):
        return Statement("persona_traits.no_revenue.focus")
    ratio = revenue_share / share if share else 1.0
    params = {"share": share, "revenue_share": revenue_share}
    if ratio >= FOCUS_RETAIN:
        return Statement("persona_traits.focus.retain", params)
    if ratio <= FOCUS_DEVELOP:
        return Statement("persona_traits.focus.develop", params)
    return Statement("persona_traits.focus.balanced", params)


def _name(index: int, lookup: _Lookup, used: set[str]) -> tuple[str, str]:
    """A first name (women's names for a mostly female persona) and initials."""
    female = lookup.rows.get(("gender", "female"))
    male = lookup.rows.get(("gender", "male"))
    is_female = female[0] >= male[0] if female and male else index % 2 == 0
    pool = FEMALE_NAMES if is_female else MALE_NAMES
    first = next((name for name in pool[index:] + pool[:index] if name not in used), pool[0])
    used.add(first)
    initial = SURNAME_INITIALS[index % len(SURNAME_INITIALS)]
    return f"{first} {initial}.", f"{first[0]}{initial}"


def profile_clusters(
    table: FeatureTable,
    labels: np.ndarray,
    posterior: np.ndarray,
    quality: Quality,
) -> tuple[tuple[Persona, ...], pd.DataFrame]:
    """The profile sheets of the clusters 0 … k−1 as personas (the fitted ``labels`` and
    ``posterior`` of :mod:`kundenmodell.personas.latent`) and the table of all candidate traits.
    :func:`kundenmodell.personas.build` is the whole pipeline from a data set."""
    k = posterior.shape[1]
    candidates = trait_table(table, labels, k)
    sizes = np.bincount(labels, minlength=k)
    revenue = np.bincount(labels, table.revenue, minlength=k)
    total_revenue = float(revenue.sum())
    has_amounts = "monetary" in table.numeric.columns and total_revenue > 0
    numeric = table.numeric
    medians = numeric.groupby(labels).median().reindex(range(k))
    lower = numeric.groupby(labels).quantile(0.25).reindex(range(k))
    upper = numeric.groupby(labels).quantile(0.75).reindex(range(k))
    base_facts = {name: float(numeric[name].median()) for name in numeric.columns}
    used: set[str] = set()
    by_persona = dict(tuple(candidates.groupby("persona", sort=True)))
    empty = candidates.iloc[:0]
    personas = []
    for index in range(k):
        own = by_persona.get(index, empty)
        members = np.flatnonzero(labels == index)
        facts = {
            name: float(medians.at[index, name])
            for name in numeric.columns
            if pd.notna(medians.at[index, name])
        }
        spread = {
            name: (float(lower.at[index, name]), float(upper.at[index, name]))
            for name in SPREAD_FEATURES
            if name in numeric.columns and pd.notna(lower.at[index, name])
        }
        lookup = _Lookup.of(own)
        top = {
            name: lookup.levels[name]
            for name in (*table.categorical.columns, *table.mixes)
            if lookup.levels.get(name)
        }
        share = sizes[index] / max(len(labels), 1)
        revenue_share = revenue[index] / total_revenue if has_amounts else float("nan")
        nps = _nps(table, members)
        name, initials = _name(index, lookup, used)
        personas.append(
            Persona(
                index=index,
                name=name,
                initials=initials,
                colour=COLOURS[index % len(COLOURS)],
                size=int(sizes[index]),
                share=float(share),
                revenue=float(revenue[index]),
                revenue_share=float(revenue_share),
                traits=distinguishing(own),
                facts=MappingProxyType(facts),
                spread=MappingProxyType(spread),
                top=MappingProxyType(top),
                nps=None if nps is None else MappingProxyType(nps),
                goals=_statements(lookup, GOAL_RULES, "goal"),
                pains=_statements(lookup, PAIN_RULES, "pain"),
                retention=_retention(nps, facts, base_facts),
                acquisition=_acquisition(top),
                focus=_focus(float(share), float(revenue_share)),
                certainty=quality.persona_certainty[index],
                stability=quality.persona_stability[index],
            )
        )
    return tuple(personas), candidates
