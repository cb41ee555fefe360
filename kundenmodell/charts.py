"""Altair chart builders: the same pictures in the app and in a notebook.

Every builder takes the tidy frame a ``kundenmodell`` function returned plus the language, and
returns an ``alt.Chart``. Axis titles and category labels are translated; numbers follow the
language's conventions through a Vega number/time locale, so a German chart reads ``1.234,5``.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
from babel import Locale
from babel.numbers import get_currency_symbol

from kundenmodell.i18n import BABEL_LOCALES, format_percent, t

PALETTE = ("#1f6f8b", "#99c4c8", "#e59e4b", "#b3541e", "#6a4c93", "#8ab17d", "#c1666b")


def vega_locale(lang: str, currency: str = "EUR") -> dict:
    """The d3 number and time locale for ``lang`` (Vega-Lite ``config.locale``)."""
    locale = Locale.parse(BABEL_LOCALES[lang])
    symbol = get_currency_symbol(currency, locale=locale)
    symbol_first = lang == "en"
    months = locale.months["format"]["wide"]
    short_months = locale.months["format"]["abbreviated"]
    days = locale.days["format"]["wide"]
    short_days = locale.days["format"]["abbreviated"]
    return {
        "number": {
            "decimal": locale.number_symbols["latn"]["decimal"],
            "thousands": locale.number_symbols["latn"]["group"],
            "grouping": [3],
            "currency": [symbol, ""] if symbol_first else ["", f"\u00a0{symbol}"],
        },
        "time": {
            "dateTime": "%x, %X",
            "date": "%m/%d/%Y" if lang == "en" else "%d.%m.%Y",
            "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            # Babel numbers weekdays from Monday (0); d3 lists them from Sunday.
            "days": [days[(i + 6) % 7] for i in range(7)],
            "shortDays": [short_days[(i + 6) % 7] for i in range(7)],
            "months": [months[i] for i in range(1, 13)],
            "shortMonths": [short_months[i] for i in range(1, 13)],
        },
    }


def finish(chart: alt.TopLevelMixin, lang: str, currency: str = "EUR") -> alt.TopLevelMixin:
    """``chart`` ready to show: the language's number, currency and month formats
    (:func:`vega_locale`) and no frame around the plot. Every chart builder ends with it."""
    return chart.configure(locale=vega_locale(lang, currency)).configure_view(stroke=None)


def monthly_revenue_chart(monthly: pd.DataFrame, lang: str, currency: str = "EUR") -> alt.Chart:
    """Bars of revenue per month from :func:`kundenmodell.overview.monthly_revenue`."""
    month = t("overview.month", lang)
    revenue = t("overview.revenue", lang)
    purchases = t("overview.orders", lang)
    chart = (
        alt.Chart(monthly)
        .mark_bar(color=PALETTE[0])
        .encode(
            x=alt.X("yearmonth(month):T", title=month),
            y=alt.Y("revenue:Q", title=revenue, axis=alt.Axis(format="$,.0f")),
            tooltip=[
                alt.Tooltip("yearmonth(month):T", title=month),
                alt.Tooltip("revenue:Q", title=revenue, format="$,.0f"),
                alt.Tooltip("purchases:Q", title=purchases, format=",.0f"),
            ],
        )
        .properties(height=280)
    )
    return finish(chart, lang, currency)


def category_share_chart(
    counts: pd.DataFrame, category: str, lang: str, *, label_prefix: str | None = None
) -> alt.LayerChart:
    """Horizontal bars of ``count`` per value of ``category`` in the frame's order.

    Values are shown translated via ``<label_prefix>.<value>`` keys (default: the category
    name, e.g. ``status.lead``); the tooltip adds the share.
    """
    prefix = label_prefix or category
    frame = counts.assign(label=[t(f"{prefix}.{value}", lang) for value in counts[category]])
    count_title = t("overview.count", lang)
    chart = (
        alt.Chart(frame)
        .mark_bar(color=PALETTE[0])
        .encode(
            y=alt.Y(
                "label:N",
                sort=list(frame["label"]),
                title=None,
                axis=alt.Axis(labelOverlap=False, labelLimit=220),
            ),
            x=alt.X("count:Q", title=count_title, axis=alt.Axis(format=",.0f")),
            tooltip=[
                alt.Tooltip("label:N", title=t(f"column.{category}", lang)),
                alt.Tooltip("count:Q", title=count_title, format=",.0f"),
                alt.Tooltip("share:Q", title=t("overview.share", lang), format=".1%"),
            ],
        )
    )
    text = chart.mark_text(align="left", dx=4, color="#333").encode(
        text=alt.Text("share:Q", format=".0%")
    )
    layered = alt.layer(chart, text).properties(height=alt.Step(34))
    return finish(layered, lang)


NPS_COLOURS = {"promoter": "#2e7d32", "passive": "#b0b0b0", "detractor": "#c62828"}


def funnel_chart(funnel: pd.DataFrame, lang: str) -> alt.LayerChart:
    """The lifecycle funnel from :func:`kundenmodell.segments.lifecycle_funnel`: bars of people
    who reached each stage, labelled with the conversion from the stage before."""
    frame = funnel.assign(
        label=[t(f"status.{stage}", lang) for stage in funnel["stage"]],
        conversion_text=[
            "" if pd.isna(value) else f"→ {format_percent(value, lang)}"
            for value in funnel["conversion"]
        ],
    )
    reached = t("segments_page.reached", lang)
    base = alt.Chart(frame).encode(
        y=alt.Y("label:N", sort=list(frame["label"]), title=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X("reached:Q", title=reached, axis=alt.Axis(format=",.0f")),
    )
    bars = base.mark_bar(color=PALETTE[0]).encode(
        tooltip=[
            alt.Tooltip("label:N", title=t("segments_page.stage", lang)),
            alt.Tooltip("reached:Q", title=reached, format=",.0f"),
            alt.Tooltip("current:Q", title=t("segments_page.current", lang), format=",.0f"),
            alt.Tooltip("share:Q", title=t("overview.share", lang), format=".1%"),
            alt.Tooltip("conversion:Q", title=t("segments_page.conversion", lang), format=".1%"),
        ]
    )
    text = base.mark_text(align="left", dx=4, color="#333").encode(text="conversion_text:N")
    return finish(alt.layer(bars, text).properties(height=alt.Step(40)), lang)


def share_comparison_chart(
    summary: pd.DataFrame,
    category: str,
    lang: str,
    *,
    title: str,
    labels: dict[str, str] | None = None,
) -> alt.Chart:
    """Grouped bars: share of customers next to share of revenue per value of ``category``
    (columns ``customer_share`` and ``revenue_share``), e.g. regular customers 18 % / 54 %.
    ``title`` names the category in the tooltip; ``labels`` maps values to display labels
    (default: the catalogue's ``<category>.<value>``)."""
    if labels is None:
        labels = {value: t(f"{category}.{value}", lang) for value in summary[category]}
    measures = {
        "customer_share": t("segments_page.customer_share", lang),
        "revenue_share": t("segments_page.revenue_share", lang),
    }
    long = summary.melt(
        id_vars=[category], value_vars=list(measures), var_name="measure", value_name="value"
    )
    long["label"] = long[category].map(labels)
    long["measure_label"] = long["measure"].map(measures)
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y(
                "label:N", sort=list(labels.values()), title=None, axis=alt.Axis(labelLimit=220)
            ),
            yOffset=alt.YOffset("measure_label:N", sort=list(measures.values())),
            x=alt.X("value:Q", title=None, axis=alt.Axis(format=".0%")),
            color=alt.Color(
                "measure_label:N",
                title=None,
                sort=list(measures.values()),
                scale=alt.Scale(range=[PALETTE[1], PALETTE[0]]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("label:N", title=title),
                alt.Tooltip("measure_label:N", title=None),
                alt.Tooltip("value:Q", title=None, format=".1%"),
            ],
        )
        .properties(height=alt.Step(16))
    )
    return finish(chart, lang)


def rfm_grid_chart(grid: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Heatmap of customers per recency score × frequency score, with the count in each cell
    (``grid``: :func:`kundenmodell.segments.rfm.rfm_grid`, one row per occupied cell)."""
    cells = grid.copy()
    cells["segment_label"] = [t(f"rfm.segment.{value}", lang) for value in cells["segment"]]
    customers = t("segments_page.customers", lang)
    base = alt.Chart(cells.drop(columns="segment")).encode(
        x=alt.X("f_score:O", title=t("segments_page.frequency_score", lang)),
        y=alt.Y("r_score:O", title=t("segments_page.recency_score", lang), sort="descending"),
    )
    heat = base.mark_rect().encode(
        color=alt.Color("customers:Q", title=customers, scale=alt.Scale(scheme="blues")),
        tooltip=[
            alt.Tooltip("segment_label:N", title=t("segments_page.segment", lang)),
            alt.Tooltip("customers:Q", title=customers, format=",.0f"),
        ],
    )
    text = base.mark_text(fontSize=12).encode(
        text=alt.Text("customers:Q", format=",.0f"),
        color=alt.condition(
            alt.datum.customers > float(cells["customers"].max()) / 2,
            alt.value("white"),
            alt.value("#222"),
        ),
    )
    return finish(alt.layer(heat, text).properties(height=260), lang)


def nps_groups_chart(shares: dict[str, float], lang: str) -> alt.Chart:
    """One stacked bar of promoter, passive and detractor shares (keys of ``NPS_COLOURS``)."""
    frame = pd.DataFrame(
        {
            "label": [t(f"nps.group.{group}", lang) for group in NPS_COLOURS],
            "share": [shares[group] for group in NPS_COLOURS],
            "order": range(len(NPS_COLOURS)),
        }
    )
    chart = (
        alt.Chart(frame)
        .mark_bar(height=36)
        .encode(
            x=alt.X("share:Q", stack="normalize", title=None, axis=alt.Axis(format=".0%")),
            color=alt.Color(
                "label:N",
                title=None,
                sort=list(frame["label"]),
                scale=alt.Scale(domain=list(frame["label"]), range=list(NPS_COLOURS.values())),
                legend=alt.Legend(orient="top"),
            ),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("label:N", title=None), alt.Tooltip("share:Q", format=".1%")],
        )
        .properties(height=60)
    )
    return finish(chart, lang)


def churn_chart(churn: pd.DataFrame, lang: str) -> alt.Chart:
    """Monthly churn rate from :func:`kundenmodell.segments.churn_rate` as a line, without the
    warm-up periods in which nobody could have churned yet."""
    month = t("segments_page.month", lang)
    rate = t("segments_page.churn_rate", lang)
    chart = (
        alt.Chart(churn[churn["observable"]].dropna(subset=["churn_rate"]))
        .mark_line(point=True, color=PALETTE[3])
        .encode(
            x=alt.X("yearmonth(period):T", title=month),
            y=alt.Y("churn_rate:Q", title=rate, axis=alt.Axis(format=".0%")),
            tooltip=[
                alt.Tooltip("yearmonth(period):T", title=month),
                alt.Tooltip("churn_rate:Q", title=rate, format=".1%"),
                alt.Tooltip("churned:Q", title=t("segments_page.churn_title", lang), format=",.0f"),
                alt.Tooltip("active_start:Q", title=t("segments_page.active", lang), format=",.0f"),
            ],
        )
        .properties(height=260)
    )
    return finish(chart, lang)


def cohort_heatmap(cohorts: pd.DataFrame, lang: str, *, max_periods: int = 24) -> alt.Chart:
    """Acquisition cohorts × months since first purchase, coloured by the share buying again
    (period 0, always 100 %, is left out so the colour scale shows the differences)."""
    cells = cohorts[(cohorts["periods_since"] >= 1) & (cohorts["periods_since"] <= max_periods)]
    cohort = t("segments_page.cohort", lang)
    since = t("segments_page.months_since", lang)
    retention = t("segments_page.retention", lang)
    chart = (
        alt.Chart(cells)
        .mark_rect()
        .encode(
            x=alt.X("periods_since:O", title=since),
            y=alt.Y("yearmonth(cohort):O", title=cohort),
            color=alt.Color(
                "retention:Q",
                title=retention,
                scale=alt.Scale(scheme="tealblues"),
                legend=alt.Legend(format=".0%"),
            ),
            tooltip=[
                alt.Tooltip("yearmonth(cohort):T", title=cohort),
                alt.Tooltip("periods_since:O", title=since),
                alt.Tooltip("retention:Q", title=retention, format=".1%"),
                alt.Tooltip(
                    "cohort_size:Q", title=t("segments_page.customers", lang), format=",.0f"
                ),
            ],
        )
        .properties(height=alt.Step(14))
    )
    return finish(chart, lang)
