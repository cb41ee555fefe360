"""One-line text alternatives of the overview charts in :mod:`kundenmodell.charts`.

A chart says nothing to a screen reader, and little to someone who cannot make out a bar on a
phone. Each function here takes the same frame as its chart builder and returns one plain
sentence with the actual figures ("Revenue per month from Jul 2023 to Jun 2026: ..."), in the
page's language, so the app shows it under the chart and a notebook can print it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kundenmodell.i18n import format_money, format_month, format_number, format_percent, t


def money(value: float, currency: str, lang: str) -> str:
    """An amount without cents, as the charts' axes show it (``12.300 €``)."""
    return format_money(value, currency, lang, decimals=0)


def _month(value: object, lang: str) -> str:
    """A month (any date-like value) as the language writes it: "März 2024"."""
    return format_month(pd.Timestamp(value).date(), lang)


def monthly_revenue_summary(monthly: pd.DataFrame, lang: str, currency: str = "EUR") -> str:
    """Revenue in the first and last month, the total, and the best and weakest month
    (columns ``month``, ``revenue``, as for :func:`~kundenmodell.charts.monthly_revenue_chart`).
    """
    if monthly.empty:
        return t("chart_text.empty", lang)
    rows = monthly.sort_values("month").reset_index(drop=True)
    best = rows.loc[rows["revenue"].idxmax()]
    worst = rows.loc[rows["revenue"].idxmin()]

    return t(
        "chart_text.monthly",
        lang,
        first_month=_month(rows["month"].iloc[0], lang),
        first=money(rows["revenue"].iloc[0], currency, lang),
        last_month=_month(rows["month"].iloc[-1], lang),
        last=money(rows["revenue"].iloc[-1], currency, lang),
        best_month=_month(best["month"], lang),
        best=money(best["revenue"], currency, lang),
        worst_month=_month(worst["month"], lang),
        worst=money(worst["revenue"], currency, lang),
        total=money(rows["revenue"].sum(), currency, lang),
    )


def funnel_summary(funnel: pd.DataFrame, lang: str) -> str:
    """How many of the first stage reached the last one, and the step where most are lost
    (lowest ``conversion`` = reached / reached at the stage before)."""
    if funnel.empty:
        return t("chart_text.empty", lang)
    first, last = funnel.iloc[0], funnel.iloc[-1]
    overall = last["reached"] / first["reached"] if first["reached"] else 0.0
    text = t(
        "chart_text.funnel",
        lang,
        first=format_number(first["reached"], lang),
        first_stage=t(f"status.{first['stage']}", lang),
        last=format_number(last["reached"], lang),
        last_stage=t(f"status.{last['stage']}", lang),
        share=format_percent(overall, lang),
    )
    steps = funnel["conversion"].to_numpy(dtype="float64")[1:]
    if np.isnan(steps).all():
        return text
    weakest = 1 + int(np.nanargmin(steps))
    stages = funnel["stage"].tolist()
    return (
        text
        + " "
        + t(
            "chart_text.funnel_weakest",
            lang,
            before=t(f"status.{stages[weakest - 1]}", lang),
            after=t(f"status.{stages[weakest]}", lang),
            conversion=format_percent(steps[weakest - 1], lang),
        )
    )


def share_comparison_summary(
    summary: pd.DataFrame, category: str, lang: str, *, labels: dict | None = None
) -> str:
    """The group with the largest share of revenue and the largest group by customers, each
    with both shares (the frame of :func:`~kundenmodell.charts.share_comparison_chart`)."""
    if summary.empty:
        return t("chart_text.empty", lang)
    if labels is None:
        labels = {value: t(f"{category}.{value}", lang) for value in summary[category]}
    rows = summary.reset_index(drop=True)
    top = rows.loc[rows["revenue_share"].astype(float).idxmax()]
    biggest = rows.loc[rows["customer_share"].astype(float).idxmax()]

    def shares(row: pd.Series) -> dict[str, str]:
        return {
            "customers": format_percent(row["customer_share"], lang),
            "revenue": format_percent(row["revenue_share"], lang),
        }

    text = t("chart_text.shares_top", lang, group=labels[top[category]], **shares(top))
    if biggest[category] == top[category]:
        return text
    return (
        text
        + " "
        + t(
            "chart_text.shares_biggest", lang, group=labels[biggest[category]], **shares(biggest)
        )
    )


def rfm_grid_summary(grid: pd.DataFrame, lang: str) -> str:
    """The fullest cell of the recency × frequency grid
    (:func:`~kundenmodell.charts.rfm_grid_chart`; ``grid``: one row per occupied cell)."""
    if grid.empty:
        return t("chart_text.empty", lang)
    top = grid.loc[grid["customers"].idxmax()]
    return t(
        "chart_text.rfm_grid",
        lang,
        customers=format_number(int(grid["customers"].sum()), lang),
        top=format_number(top["customers"], lang),
        r=int(top["r_score"]),
        f=int(top["f_score"]),
        segment=t(f"rfm.segment.{top['segment']}", lang),
    )


def nps_groups_summary(shares: dict[str, float], lang: str) -> str:
    """Promoter, passive and detractor shares and the net promoter score,
    NPS = 100 · (share of promoters − share of detractors)."""
    nps = 100 * (shares["promoter"] - shares["detractor"])
    return t(
        "chart_text.nps",
        lang,
        promoters=format_percent(shares["promoter"], lang),
        passives=format_percent(shares["passive"], lang),
        detractors=format_percent(shares["detractor"], lang),
        nps=format_number(round(nps), lang),
    )


def churn_summary(churn: pd.DataFrame, lang: str) -> str:
    """Mean monthly churn over the observable months, the first and last month's rate and the
    highest (the months :func:`~kundenmodell.charts.churn_chart` draws)."""
    rows = churn[churn["observable"]].dropna(subset=["churn_rate"]).sort_values("period")
    if rows.empty:
        return t("chart_text.empty", lang)
    rows = rows.reset_index(drop=True)
    peak = rows.loc[rows["churn_rate"].idxmax()]

    return t(
        "chart_text.churn",
        lang,
        mean=format_percent(rows["churn_rate"].mean(), lang, decimals=1),
        months=format_number(len(rows), lang),
        first_month=_month(rows["period"].iloc[0], lang),
        first=format_percent(rows["churn_rate"].iloc[0], lang, decimals=1),
        last_month=_month(rows["period"].iloc[-1], lang),
        last=format_percent(rows["churn_rate"].iloc[-1], lang, decimals=1),
        peak_month=_month(peak["period"], lang),
        peak=format_percent(peak["churn_rate"], lang, decimals=1),
    )


def cohort_summary(cohorts: pd.DataFrame, lang: str, *, max_periods: int = 24) -> str:
    """The share of customers buying again 1 month and (up to) 12 months after their first
    purchase, averaged over the cohorts weighted by size:
    Σ retention_c · size_c / Σ size_c over the cohorts c observed that long."""
    cells = cohorts[(cohorts["periods_since"] >= 1) & (cohorts["periods_since"] <= max_periods)]
    if cells.empty:
        return t("chart_text.empty", lang)
    weighted = (
        cells.assign(kept=cells["retention"] * cells["cohort_size"])
        .groupby("periods_since")[["kept", "cohort_size"]]
        .sum()
    )
    mean = weighted["kept"] / weighted["cohort_size"]
    later = int(min(12, mean.index.max()))
    return t(
        "chart_text.cohorts",
        lang,
        cohorts=format_number(cells["cohort"].nunique(), lang),
        first=format_percent(mean.iloc[0], lang),
        months=later,
        later=format_percent(mean.loc[later] if later in mean.index else mean.iloc[-1], lang),
    )
