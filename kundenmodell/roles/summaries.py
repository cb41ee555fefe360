"""One-line text alternatives of the buyer/consumer charts in :mod:`kundenmodell.roles.charts`,
with the figures the chart shows, in the page's language (see :mod:`kundenmodell.summaries`)."""

from __future__ import annotations

import pandas as pd

from kundenmodell.i18n import format_percent, t, value_label
from kundenmodell.roles.charts import month_names, role_label

TOP_ROLES = 3
"""How many consumer roles a flow summary names (the rest are in the chart)."""


def flow_summary(flow: pd.DataFrame, lang: str, *, measure: str = "revenue") -> str:
    """The consumer roles that take the largest shares of ``measure`` across all buyer groups
    (share = the role's sum / the total), largest first."""
    edges = flow[flow[measure] > 0]
    total = float(edges[measure].sum())
    if edges.empty or total <= 0:
        return t("chart_text.empty", lang)
    per_role = edges.groupby("target")[measure].sum().sort_values(ascending=False)
    parts = [
        t(
            "chart_text_roles.share_part",
            lang,
            role=role_label(role, lang),
            share=format_percent(value / total, lang),
        )
        for role, value in per_role.head(TOP_ROLES).items()
    ]
    return t(f"chart_text_roles.flow_{measure}", lang, roles=", ".join(parts))


def role_share_summary(
    mix: pd.DataFrame, lang: str, *, group_column: str | None = None, measure: str = "revenue"
) -> str:
    """For each group, the consumer role with the largest share of its ``measure``."""
    column = f"{measure}_share"
    if mix.empty:
        return t("chart_text.empty", lang)
    top = mix.loc[mix.groupby("group", sort=False)[column].idxmax()]
    parts = [
        t(
            "chart_text_roles.group_part",
            lang,
            group=value_label(group_column, row.group, lang) if group_column else str(row.group),
            role=role_label(row.role, lang),
            share=format_percent(getattr(row, column), lang),
        )
        for row in top.itertuples()
    ]
    return t(f"chart_text_roles.mix_{measure}", lang, groups="; ".join(parts))


def gift_season_summary(season: pd.DataFrame, lang: str) -> str:
    """The month with the largest share of gifts, the quietest one and the year's share
    (Σ gift purchases / Σ purchases)."""
    if season.empty:
        return t("chart_text.empty", lang)
    names = month_names(lang, "wide")
    peak = season.loc[season["gift_share"].idxmax()]
    low = season.loc[season["gift_share"].idxmin()]
    purchases = float(season["purchases"].sum())
    overall = float(season["gift_purchases"].sum()) / purchases if purchases else 0.0
    return t(
        "chart_text_roles.gifts",
        lang,
        peak_month=names[int(peak["month"]) - 1],
        peak=format_percent(peak["gift_share"], lang),
        low_month=names[int(low["month"]) - 1],
        low=format_percent(low["gift_share"], lang),
        overall=format_percent(overall, lang),
    )


def repeat_summary(repeat: pd.DataFrame, lang: str) -> str:
    """The first-purchase roles with the highest and the lowest repeat rate."""
    if repeat.empty:
        return t("chart_text.empty", lang)
    high = repeat.loc[repeat["repeat_rate"].idxmax()]
    low = repeat.loc[repeat["repeat_rate"].idxmin()]
    return t(
        "chart_text_roles.repeat",
        lang,
        high=role_label(high["first_role"], lang),
        high_rate=format_percent(high["repeat_rate"], lang),
        low=role_label(low["first_role"], lang),
        low_rate=format_percent(low["repeat_rate"], lang),
    )
