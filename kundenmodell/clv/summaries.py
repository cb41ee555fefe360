"""One-line text alternatives of the customer-value charts in :mod:`kundenmodell.clv.charts`,
with the figures the chart shows, in the page's language (see :mod:`kundenmodell.summaries`)."""

from __future__ import annotations

import pandas as pd

from kundenmodell.i18n import format_number, format_percent, t
from kundenmodell.summaries import money


def _empty(frame: pd.DataFrame, lang: str) -> str | None:
    return t("chart_text.empty", lang) if frame.empty else None


def clv_distribution_summary(histogram: pd.DataFrame, lang: str, currency: str) -> str:
    """The fullest value band and how many customers it holds
    (``start``, ``end``, ``customers`` as for the distribution chart)."""
    if (empty := _empty(histogram, lang)) is not None:
        return empty
    top = histogram.loc[histogram["customers"].idxmax()]
    total = histogram["customers"].sum()
    return t(
        "chart_text_clv.distribution",
        lang,
        customers=format_number(total, lang),
        top=format_number(top["customers"], lang),
        share=format_percent(top["customers"] / total if total else 0.0, lang),
        start=money(top["start"], currency, lang),
        end=money(top["end"], currency, lang),
        highest=money(histogram["end"].max(), currency, lang),
    )


def segment_summary(table: pd.DataFrame, lang: str, currency: str) -> str:
    """The groups with the highest and the lowest mean customer value (``label``, ``clv_mean``)."""
    if (empty := _empty(table, lang)) is not None:
        return empty
    high = table.loc[table["clv_mean"].idxmax()]
    low = table.loc[table["clv_mean"].idxmin()]
    return t(
        "chart_text_clv.segments",
        lang,
        high=high["label"],
        high_value=money(high["clv_mean"], currency, lang),
        low=low["label"],
        low_value=money(low["clv_mean"], currency, lang),
    )


def p_alive_summary(grid: pd.DataFrame, lang: str) -> str:
    """How likely a customer with the most repeat purchases is still active soon after the
    last purchase and at the longest gap the grid shows."""
    if (empty := _empty(grid, lang)) is not None:
        return empty
    most = grid[grid["frequency"] == grid["frequency"].max()].sort_values("weeks_since_last")
    return t(
        "chart_text_clv.p_alive",
        lang,
        purchases=format_number(most["frequency"].iloc[0], lang),
        soon_weeks=format_number(most["weeks_since_last"].iloc[0], lang),
        soon=format_percent(most["p_alive"].iloc[0], lang),
        late_weeks=format_number(most["weeks_since_last"].iloc[-1], lang),
        late=format_percent(most["p_alive"].iloc[-1], lang),
    )


def holdout_summary(comparison: pd.DataFrame, lang: str) -> str:
    """Actual against predicted repeat purchases in the hold-out period, averaged over all
    customers: Σ mean_g · customers_g / Σ customers_g for actual and predicted."""
    if (empty := _empty(comparison, lang)) is not None:
        return empty
    weights = comparison["customers"].astype(float)
    total = weights.sum()
    actual = float((comparison["actual"] * weights).sum() / total) if total else 0.0
    predicted = float((comparison["predicted"] * weights).sum() / total) if total else 0.0
    return t(
        "chart_text_clv.holdout",
        lang,
        customers=format_number(total, lang),
        actual=format_number(actual, lang, decimals=2),
        predicted=format_number(predicted, lang, decimals=2),
    )


def tracking_summary(weekly: pd.DataFrame, lang: str) -> str:
    """Cumulative repeat purchases at the last week, actual against the model."""
    if (empty := _empty(weekly, lang)) is not None:
        return empty
    last = weekly.sort_values("week").iloc[-1]
    return t(
        "chart_text_clv.tracking",
        lang,
        weeks=format_number(len(weekly), lang),
        actual=format_number(last["actual"], lang),
        predicted=format_number(last["predicted"], lang),
    )


def retention_summary(curves: pd.DataFrame, lang: str) -> str:
    """Per group (in the frame's order), the share still buying at the last month its curve
    reaches."""
    if (empty := _empty(curves, lang)) is not None:
        return empty
    order = list(dict.fromkeys(curves["label"]))  # the groups in the chart's order
    last = (
        curves.sort_values("month", kind="stable")
        .groupby("label", sort=False)
        .tail(1)
        .set_index("label")
        .loc[order]
        .reset_index()
    )
    parts = [
        t(
            "chart_text_clv.retention_group",
            lang,
            group=row.label,
            share=format_percent(row.retention, lang),
            months=format_number(row.month, lang),
        )
        for row in last.itertuples()
    ]
    return t("chart_text_clv.retention", lang, groups="; ".join(parts))
