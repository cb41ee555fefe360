"""Altair charts of the scenario results: bands over time, the budget-split curve, the tornado.

Same conventions as :mod:`kundenmodell.charts`: tidy frame + language in, finished chart out,
numbers in the language's format through the Vega locale.
"""

from __future__ import annotations

import importlib.util
import io
from typing import Any

import altair as alt
import pandas as pd

from kundenmodell.charts import PALETTE, finish
from kundenmodell.i18n import format_percent, t
from kundenmodell.scenarios.optimise import SplitResult

_MONEY = "$,.0f"
_SERIES = (0, 2, 4)  # blue, orange, purple: scenarios that stay apart when bands overlap
_COUNT = ",.0f"


def _metric_format(metric: str) -> str:
    return _COUNT if metric == "customers" else _MONEY


def band_chart(
    bands: pd.DataFrame, metric: str, lang: str, currency: str = "EUR"
) -> alt.LayerChart:
    """Median line with the 50 % (q25–q75) and 90 % (q05–q95) bands of ``metric`` per month.

    ``bands`` as in :attr:`MonteCarloResult.bands`, optionally with a ``scenario`` column
    (one colour per named scenario, up to the palette's length).
    """
    frame = bands[bands["metric"] == metric]
    if "scenario" not in frame.columns:
        frame = frame.assign(scenario=t("scenarios.current", lang))
    names = list(dict.fromkeys(frame["scenario"]))
    fmt = _metric_format(metric)
    month = t("scenarios.month", lang)
    title = t(f"scenarios.metric.{metric}", lang)
    scale = alt.Scale(domain=names, range=[PALETTE[i] for i in _SERIES[: len(names)]])
    # one legend for the shared scale (all layers must agree, or Vega-Lite drops it), drawn
    # as solid lines rather than as the faint band colour
    legend = alt.Legend(
        title=None, orient="top", symbolType="stroke", symbolStrokeWidth=3, symbolOpacity=1
    )
    color = alt.Color("scenario:N", scale=scale, legend=legend if len(names) > 1 else None)
    months = (int(frame["month"].min()), int(frame["month"].max())) if len(frame) else (1, 1)
    base = alt.Chart(frame).encode(
        x=alt.X(
            "month:Q",
            title=month,
            axis=alt.Axis(format="d", tickMinStep=1),
            scale=alt.Scale(domain=list(months), nice=False),
        ),
        color=color,
    )
    outer = base.mark_area(opacity=0.14).encode(
        y=alt.Y("q05:Q", title=title, axis=alt.Axis(format=fmt)), y2="q95:Q"
    )
    inner = base.mark_area(opacity=0.28).encode(y="q25:Q", y2="q75:Q")
    line = base.mark_line(strokeWidth=2.5).encode(
        y="q50:Q",
        tooltip=[
            alt.Tooltip("scenario:N", title=t("scenarios.scenario", lang)),
            alt.Tooltip("month:Q", title=month),
            alt.Tooltip("q50:Q", title=t("scenarios.median", lang), format=fmt),
            alt.Tooltip("q05:Q", title=t("scenarios.q05", lang), format=fmt),
            alt.Tooltip("q95:Q", title=t("scenarios.q95", lang), format=fmt),
        ],
    )
    return finish(alt.layer(outer, inner, line).properties(height=300), lang, currency)


def split_chart(result: SplitResult, lang: str, currency: str = "EUR") -> alt.LayerChart:
    """Discounted profit over the retention share of the budget, the optimum marked (and the
    current split as a dashed line when the scenario has one)."""
    share = t("scenarios.retention_share", lang)
    profit = t("scenarios.metric.discounted_cumulative_profit", lang)
    curve = (
        alt.Chart(result.curve)
        .mark_line(color=PALETTE[0], strokeWidth=2.5)
        .encode(
            x=alt.X("retention_share:Q", title=share, axis=alt.Axis(format=".0%")),
            y=alt.Y(
                "discounted_profit:Q",
                title=profit,
                axis=alt.Axis(format=_MONEY),
                scale=alt.Scale(zero=False),
            ),
            tooltip=[
                alt.Tooltip("retention_share:Q", title=share, format=".0%"),
                alt.Tooltip(
                    "retention_budget:Q",
                    title=t("scenarios.retention_budget_short", lang),
                    format=_MONEY,
                ),
                alt.Tooltip(
                    "acquisition_budget:Q",
                    title=t("scenarios.acquisition_budget_short", lang),
                    format=_MONEY,
                ),
                alt.Tooltip("discounted_profit:Q", title=profit, format=_MONEY),
            ],
        )
    )
    best = pd.DataFrame(
        {
            "retention_share": [result.retention_share],
            "discounted_profit": [result.discounted_profit],
            "label": [t("scenarios.optimum", lang)],
        }
    )
    point = (
        alt.Chart(best)
        .mark_point(size=120, filled=True, color=PALETTE[3])
        .encode(x="retention_share:Q", y="discounted_profit:Q")
    )
    label = point.mark_text(dy=-14, color=PALETTE[3], fontWeight="bold").encode(text="label:N")
    layers = [curve, point, label]
    if result.current_share is not None:
        current = pd.DataFrame(
            {"retention_share": [result.current_share], "label": [t("scenarios.current", lang)]}
        )
        rule = (
            alt.Chart(current)
            .mark_rule(strokeDash=[5, 4], color="#666")
            .encode(x="retention_share:Q")
        )
        text = rule.mark_text(align="left", dx=4, color="#666").encode(
            text="label:N", y=alt.value(8)
        )
        layers += [rule, text]
    return finish(alt.layer(*layers).properties(height=300), lang, currency)


def tornado_chart(
    sensitivity: pd.DataFrame, lang: str, currency: str = "EUR", *, change: float = 0.2
) -> alt.LayerChart:
    """Bars from the base profit to the profit with each input lowered / raised by ``change``,
    largest swing on top (``sensitivity`` from :func:`kundenmodell.scenarios.tornado`)."""
    labels = [t(f"scenarios.input.{name}", lang) for name in sensitivity["input"]]
    lower = t("scenarios.input_lower", lang, change=format_percent(change, lang))
    higher = t("scenarios.input_higher", lang, change=format_percent(change, lang))
    base = float(sensitivity["base_profit"].iloc[0]) if len(sensitivity) else 0.0
    rows = pd.concat(
        [
            pd.DataFrame(
                {"label": labels, "direction": lower, "profit": sensitivity["low_profit"]}
            ),
            pd.DataFrame(
                {"label": labels, "direction": higher, "profit": sensitivity["high_profit"]}
            ),
        ],
        ignore_index=True,
    ).assign(base=base)
    profit = t("scenarios.metric.discounted_cumulative_profit", lang)
    bars = (
        alt.Chart(rows)
        .mark_bar(opacity=0.9)
        .encode(
            y=alt.Y("label:N", sort=labels, title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X(
                "profit:Q", title=profit, axis=alt.Axis(format=_MONEY), scale=alt.Scale(zero=False)
            ),
            x2="base:Q",
            color=alt.Color(
                "direction:N",
                scale=alt.Scale(domain=[lower, higher], range=[PALETTE[2], PALETTE[0]]),
                # one row; on a phone one entry per row, or the second runs off the screen
                legend=alt.Legend(
                    title=None,
                    orient="top",
                    columns=alt.ExprRef("containerSize()[0] > 0 && containerSize()[0] < 600"),
                ),
            ),
            tooltip=[
                alt.Tooltip("label:N", title=t("scenarios.input_title", lang)),
                alt.Tooltip("direction:N", title=t("scenarios.change", lang)),
                alt.Tooltip("profit:Q", title=profit, format=_MONEY),
            ],
        )
    )
    rule = alt.Chart(pd.DataFrame({"base": [base]})).mark_rule(color="#333").encode(x="base:Q")
    return finish(alt.layer(bars, rule).properties(height=alt.Step(30)), lang, currency)


def png_available() -> bool:
    """Whether :func:`chart_png` can render: it needs the optional ``vl-convert-python``."""
    return importlib.util.find_spec("vl_convert") is not None


def chart_png(
    chart: alt.TopLevelMixin,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    scale: float = 2.0,
) -> bytes | None:
    """The chart as PNG bytes, rendered offline by ``vl-convert``; ``None`` when it is not
    installed, so a page can leave the PNG download out instead of failing.

    A picture leaves the page that explains it, so ``title`` and ``subtitle`` (e.g. what the
    line and the bands mean, from :func:`band_legend`) are drawn into it.
    """
    if not png_available():
        return None
    if title:
        chart = titled(chart, title, subtitle)
    chart = chart.properties(width=640)
    buffer = io.BytesIO()
    chart.save(buffer, format="png", scale_factor=scale)
    return buffer.getvalue()


def titled(chart: alt.TopLevelMixin, title: str, subtitle: str | None = None) -> Any:
    """``chart`` with a title and a subtitle line over it: for a chart that will be seen
    without its page (an exported picture)."""
    heading = alt.TitleParams(text=title, subtitle=subtitle or "", anchor="start")
    return chart.properties(title=heading)


def titled_band_chart(
    bands: pd.DataFrame, metric: str, lang: str, currency: str = "EUR"
) -> alt.LayerChart:
    """:func:`band_chart` titled with the metric and with what line and bands show, in its
    spec: a PNG saved from the chart's own menu in the app then explains itself too."""
    chart = band_chart(bands, metric, lang, currency)
    return titled(chart, t(f"scenarios.metric.{metric}", lang), band_legend(lang))


def band_legend(lang: str) -> str:
    """What the line and the two bands of :func:`band_chart` show, in one line."""
    return t("scenarios.png_band_legend", lang)
