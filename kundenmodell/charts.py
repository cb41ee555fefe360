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

from kundenmodell.i18n import BABEL_LOCALES, t

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


def _finish(chart: alt.TopLevelMixin, lang: str, currency: str = "EUR") -> alt.TopLevelMixin:
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
    return _finish(chart, lang, currency)


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
    return _finish(layered, lang)
