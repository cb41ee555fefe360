"""One-line text alternatives of the scenario charts in :mod:`kundenmodell.scenarios.charts`,
with the figures the chart shows, in the page's language (see :mod:`kundenmodell.summaries`)."""

from __future__ import annotations

import pandas as pd

from kundenmodell.i18n import format_number, format_percent, t
from kundenmodell.scenarios.optimise import SplitResult
from kundenmodell.summaries import money


def band_summary(bands: pd.DataFrame, metric: str, lang: str, currency: str = "EUR") -> str:
    """Per scenario, the median of ``metric`` in the last month and the range of the middle
    90 % of the simulated cases (q05–q95), as :func:`~.charts.band_chart` draws them."""
    frame = bands[bands["metric"] == metric]
    if frame.empty:
        return t("chart_text.empty", lang)
    if "scenario" not in frame.columns:
        frame = frame.assign(scenario=t("scenarios.current", lang))

    def value(number: float) -> str:
        return (
            format_number(number, lang) if metric == "customers" else money(number, currency, lang)
        )

    last = frame[frame["month"] == frame["month"].max()]
    parts = [
        t(
            "chart_text_scenarios.band_scenario",
            lang,
            scenario=row.scenario,
            median=value(row.q50),
            low=value(row.q05),
            high=value(row.q95),
        )
        for row in last.drop_duplicates("scenario").itertuples()
    ]
    return t(
        "chart_text_scenarios.band",
        lang,
        metric=t(f"scenarios.metric.{metric}", lang),
        month=format_number(frame["month"].max(), lang),
        scenarios="; ".join(parts),
    )


def split_summary(result: SplitResult, lang: str, currency: str = "EUR") -> str:
    """Where the profit curve peaks, where it is lowest, and the current split's profit."""
    curve = result.curve
    if curve.empty:
        return t("chart_text.empty", lang)
    worst = curve.loc[curve["discounted_profit"].idxmin()]
    text = t(
        "chart_text_scenarios.split",
        lang,
        share=format_percent(result.retention_share, lang),
        profit=money(result.discounted_profit, currency, lang),
        worst_share=format_percent(worst["retention_share"], lang),
        worst=money(worst["discounted_profit"], currency, lang),
    )
    if result.current_share is None or result.current_profit is None:
        return text
    return (
        text
        + " "
        + t(
            "chart_text_scenarios.split_current",
            lang,
            share=format_percent(result.current_share, lang),
            profit=money(result.current_profit, currency, lang),
        )
    )


def tornado_summary(
    sensitivity: pd.DataFrame, lang: str, currency: str = "EUR", *, change: float = 0.2
) -> str:
    """The input that moves the profit most (first row: largest swing) with the profit when
    it is ``change`` lower and higher, against the base profit."""
    if sensitivity.empty:
        return t("chart_text.empty", lang)
    top = sensitivity.iloc[0]
    return t(
        "chart_text_scenarios.tornado",
        lang,
        input=t(f"scenarios.input.{top['input']}", lang),
        change=format_percent(change, lang),
        low=money(top["low_profit"], currency, lang),
        high=money(top["high_profit"], currency, lang),
        base=money(top["base_profit"], currency, lang),
    )
