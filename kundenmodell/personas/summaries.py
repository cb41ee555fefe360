"""One-line text alternatives of the persona charts in :mod:`kundenmodell.personas.charts`,
with the figures the chart shows, in the page's language (see :mod:`kundenmodell.summaries`).

The comparison summary names every persona with the trait that sets it apart most, so a phone
user or a screen reader gets the heatmap's message without reading a cell."""

from __future__ import annotations

import pandas as pd

from kundenmodell.i18n import format_number, format_percent, t, value_label
from kundenmodell.personas.charts import PLANTED_LABELS
from kundenmodell.personas.persona_set import PersonaSet
from kundenmodell.summaries import share_comparison_summary


def comparison_summary(frame: pd.DataFrame, lang: str) -> str:
    """Per persona (in order) its most distinctive trait: the one whose lift is furthest from
    1 on the log scale (largest |log₂ lift|), with the persona's value and the base value."""
    if frame.empty:
        return t("chart_text.empty", lang)
    ranked = frame.assign(distance=frame["log2_lift"].abs()).sort_values(
        ["order", "distance"], ascending=[True, False], kind="stable"
    )
    top = ranked.drop_duplicates("order")
    parts = [
        t(
            "chart_text_personas.compare_part",
            lang,
            persona=row.persona,
            trait=row.trait,
            value=row.value_text,
            base=row.base_text,
        )
        for row in top.itertuples()
    ]
    return t("chart_text_personas.compare", lang, personas="; ".join(parts))


def criterion_summary(criterion: pd.DataFrame, lang: str) -> str:
    """The number of personas tried, where ICL and BIC are lowest, and the chosen number."""
    if criterion.empty:
        return t("chart_text.empty", lang)
    chosen = criterion.loc[criterion["chosen"], "k"]
    return t(
        "chart_text_personas.criterion",
        lang,
        low=int(criterion["k"].min()),
        high=int(criterion["k"].max()),
        icl=int(criterion.loc[criterion["icl"].idxmin(), "k"]),
        bic=int(criterion.loc[criterion["bic"].idxmin(), "k"]),
        chosen=int(chosen.iloc[0]) if len(chosen) else "–",
    )


def size_summary(personas: PersonaSet, lang: str) -> str:
    """Share of customers and of revenue: the persona with the most revenue and the largest."""
    summary = pd.DataFrame(
        {
            "persona": [p.index for p in personas.personas],
            "customer_share": [p.share for p in personas.personas],
            "revenue_share": [p.revenue_share for p in personas.personas],
        }
    )
    return share_comparison_summary(
        summary, "persona", lang, labels={p.index: p.name for p in personas.personas}
    )


def truth_summary(table: pd.DataFrame, names: dict[int, str], lang: str) -> str:
    """For each planted type the persona that holds most of its customers, with that share
    (customers of the type in the persona / customers of the type)."""
    if table.empty:
        return t("chart_text.empty", lang)
    totals = table.sum(axis=0)
    parts = [
        t(
            "chart_text_personas.truth_part",
            lang,
            type=value_label(PLANTED_LABELS, planted, lang),
            persona=names[int(table[planted].idxmax())],
            share=format_percent(table[planted].max() / totals[planted], lang),
        )
        for planted in table.columns
        if totals[planted] > 0
    ]
    return t(
        "chart_text_personas.truth",
        lang,
        customers=format_number(int(totals.sum()), lang),
        types="; ".join(parts),
    )
