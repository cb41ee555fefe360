"""Altair charts of the customer-value analysis: the same pictures in the app and a notebook.

Each builder takes a frame from :mod:`kundenmodell.clv.analysis` plus the language (and the
currency where money is shown) and returns a finished chart with translated titles and the
language's number format.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from kundenmodell.charts import PALETTE, finish
from kundenmodell.i18n import t

MONEY = "$,.0f"
MONTH_YEAR = "%b %Y"  # "Dez. 2025": a month name alone does not say which year


def clv_distribution_chart(histogram: pd.DataFrame, lang: str, currency: str) -> alt.Chart:
    """Customers per CLV band from :func:`~kundenmodell.clv.analysis.clv_distribution`."""
    value = t("clv.chart.clv", lang)
    customers = t("clv.chart.customers", lang)
    chart = (
        alt.Chart(histogram)
        .mark_bar(color=PALETTE[0])
        .encode(
            x=alt.X("start:Q", bin="binned", title=value, axis=alt.Axis(format=MONEY)),
            x2="end:Q",
            y=alt.Y("customers:Q", title=customers, axis=alt.Axis(format=",.0f")),
            tooltip=[
                alt.Tooltip("start:Q", title=t("clv.chart.from", lang), format=MONEY),
                alt.Tooltip("end:Q", title=t("clv.chart.to", lang), format=MONEY),
                alt.Tooltip("customers:Q", title=customers, format=",.0f"),
            ],
        )
        .properties(height=260)
    )
    return finish(chart, lang, currency)


def segment_chart(table: pd.DataFrame, lang: str, currency: str) -> alt.LayerChart:
    """Mean CLV per group (``label``, ``clv_mean``, ``customers``, ``share``,
    ``purchases_12m_mean``) from :func:`~kundenmodell.clv.analysis.clv_by_segment`, highest
    first."""
    mean = t("clv.chart.clv_mean", lang)
    bars = (
        alt.Chart(table)
        .mark_bar(color=PALETTE[0])
        .encode(
            y=alt.Y(
                "label:N",
                sort=list(table["label"]),
                title=None,
                axis=alt.Axis(labelLimit=240),
            ),
            x=alt.X("clv_mean:Q", title=mean, axis=alt.Axis(format=MONEY)),
            tooltip=[
                alt.Tooltip("label:N", title=t("clv.chart.group", lang)),
                alt.Tooltip("customers:Q", title=t("clv.chart.customers", lang), format=",.0f"),
                alt.Tooltip("clv_mean:Q", title=mean, format=MONEY),
                alt.Tooltip("share:Q", title=t("clv.chart.share", lang), format=".0%"),
                alt.Tooltip(
                    "purchases_12m_mean:Q",
                    title=t("clv.extra.purchases_12m_mean", lang),
                    format=",.1f",
                ),
            ],
        )
    )
    text = bars.mark_text(align="left", dx=4, color="#333").encode(
        text=alt.Text("clv_mean:Q", format=MONEY)
    )
    return finish(alt.layer(bars, text).properties(height=alt.Step(30)), lang, currency)


def p_alive_heatmap(grid: pd.DataFrame, lang: str) -> alt.Chart:
    """P(alive) by repeat purchases and weeks since the last purchase, from
    :func:`~kundenmodell.clv.analysis.p_alive_grid`."""
    since = t("clv.chart.weeks_since_last", lang)
    repeats = t("clv.chart.repeat_purchases", lang)
    alive = t("clv.chart.p_alive", lang)
    chart = (
        alt.Chart(grid)
        .mark_rect()
        .encode(
            x=alt.X(
                "weeks_since_last:O", title=since, axis=alt.Axis(labelAngle=0, labelOverlap=True)
            ),
            y=alt.Y("frequency:O", title=repeats, sort="descending"),
            color=alt.Color(
                "p_alive:Q",
                title=alive,
                scale=alt.Scale(domain=[0, 1], scheme="redyellowgreen"),
                legend=alt.Legend(format=".0%"),
            ),
            tooltip=[
                alt.Tooltip("frequency:O", title=repeats),
                alt.Tooltip("weeks_since_last:Q", title=since, format=",.0f"),
                alt.Tooltip("p_alive:Q", title=alive, format=".0%"),
            ],
        )
        .properties(height=320)
    )
    return finish(chart, lang)


def holdout_chart(comparison: pd.DataFrame, lang: str) -> alt.Chart:
    """Mean hold-out repeat purchases per calibration frequency: actual bars and the model's
    prediction, from :func:`~kundenmodell.clv.holdout.holdout_comparison`."""
    series = {"actual": t("clv.chart.actual", lang), "predicted": t("clv.chart.predicted", lang)}
    long = comparison.melt(
        id_vars=["label", "customers"], value_vars=list(series), var_name="kind", value_name="mean"
    )
    long["kind"] = long["kind"].map(series)
    calibration = t("clv.chart.calibration_purchases", lang)
    holdout = t("clv.chart.holdout_purchases", lang)
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X(
                "label:N",
                sort=list(comparison["label"]),
                title=calibration,
                axis=alt.Axis(labelAngle=0),
            ),
            xOffset=alt.XOffset("kind:N", sort=list(series.values())),
            y=alt.Y("mean:Q", title=holdout, axis=alt.Axis(format=",.1f")),
            color=alt.Color(
                "kind:N",
                title=None,
                sort=list(series.values()),
                scale=alt.Scale(range=[PALETTE[1], PALETTE[2]]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("label:N", title=calibration),
                alt.Tooltip("kind:N", title=" "),
                alt.Tooltip("mean:Q", title=holdout, format=",.2f"),
                alt.Tooltip("customers:Q", title=t("clv.chart.customers", lang), format=",.0f"),
            ],
        )
        .properties(height=280)
    )
    return finish(chart, lang)


def tracking_chart(
    weekly: pd.DataFrame, calibration_end: pd.Timestamp, lang: str
) -> alt.LayerChart:
    """Cumulative repeat purchases week by week, actual and model, with a rule at the end of
    the calibration period; from :func:`~kundenmodell.clv.holdout.tracking`."""
    series = {"actual": t("clv.chart.actual", lang), "predicted": t("clv.chart.predicted", lang)}
    long = weekly.melt(
        id_vars=["week"], value_vars=list(series), var_name="kind", value_name="count"
    )
    long["kind"] = long["kind"].map(series)
    week = t("clv.chart.week", lang)
    cumulative = t("clv.chart.cumulative_repeats", lang)
    lines = (
        alt.Chart(long)
        .mark_line()
        .encode(
            x=alt.X("week:T", title=week, axis=alt.Axis(format=MONTH_YEAR)),
            y=alt.Y("count:Q", title=cumulative, axis=alt.Axis(format=",.0f")),
            color=alt.Color(
                "kind:N",
                title=None,
                sort=list(series.values()),
                scale=alt.Scale(range=[PALETTE[0], PALETTE[2]]),
                legend=alt.Legend(orient="top"),
            ),
            strokeDash=alt.StrokeDash(
                "kind:N",
                sort=list(series.values()),
                scale=alt.Scale(range=[[1, 0], [6, 3]]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("week:T", title=week),
                alt.Tooltip("kind:N", title=" "),
                alt.Tooltip("count:Q", title=cumulative, format=",.0f"),
            ],
        )
    )
    marker = pd.DataFrame(
        {"week": [calibration_end], "text": [t("clv.chart.holdout_starts", lang)]}
    )
    rule = alt.Chart(marker).mark_rule(color="#777", strokeDash=[2, 2]).encode(x="week:T")
    label = (
        alt.Chart(marker)
        .mark_text(align="left", dx=4, dy=-120, color="#555")
        .encode(x="week:T", text="text:N")
    )
    return finish(alt.layer(lines, rule, label).properties(height=280), lang)


def retention_chart(curves: pd.DataFrame, lang: str, group_title: str | None = None) -> alt.Chart:
    """Share of customers still buying after each month, one line per group (``label``),
    from :func:`~kundenmodell.clv.churn.retention_curves`; ``group_title`` names the
    grouping in the legend (default "Group")."""
    month = t("clv.chart.months_since_first", lang)
    share = t("clv.chart.retention", lang)
    group = group_title or t("clv.chart.group", lang)
    chart = (
        alt.Chart(curves)
        .mark_line(point=alt.OverlayMarkDef(size=18))
        .encode(
            x=alt.X("month:Q", title=month, axis=alt.Axis(format=",.0f", tickMinStep=1)),
            y=alt.Y(
                "retention:Q",
                title=share,
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color("label:N", title=group, scale=alt.Scale(range=list(PALETTE))),
            tooltip=[
                alt.Tooltip("label:N", title=group),
                alt.Tooltip("month:Q", title=month),
                alt.Tooltip("retention:Q", title=share, format=".1%"),
                alt.Tooltip(
                    "monthly_churn:Q", title=t("clv.chart.monthly_churn", lang), format=".1%"
                ),
                alt.Tooltip("at_risk:Q", title=t("clv.chart.followed", lang), format=",.0f"),
            ],
        )
        .properties(height=300)
    )
    return finish(chart, lang)
