"""Altair charts of customer vs. consumer: the same pictures in the app and in a notebook.

Each builder takes a frame of a :class:`~kundenmodell.roles.RoleReport` plus the language (and
the currency where money is shown) and returns a finished chart with translated labels and the
language's number format. Every consumer role keeps its colour in every chart.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
from babel.dates import get_month_names

from kundenmodell.charts import PALETTE, finish
from kundenmodell.i18n import BABEL_LOCALES, format_percent, t, value_label
from kundenmodell.roles.ages import BAND_ORDER, BASES, SIDES, UNKNOWN_BAND
from kundenmodell.schema import CONSUMER_ROLES

MONEY = "$,.0f"
ROLE_COLOURS: dict[str, str] = {
    "self": "#8fa7b3",
    "child": "#e59e4b",
    "partner": "#6a4c93",
    "gift": "#c1666b",
    "employee": "#1f6f8b",
    "other": "#b8b8b8",
}
BASIS_COLOURS: dict[str, str] = {"data": PALETTE[0], "assumed": PALETTE[2], "unknown": "#cfcfcf"}
SOURCE_COLOUR = "#44546a"
CURVE_POINTS = 32
LABEL_MIN_SHARE = 0.07


def role_label(role: str, lang: str) -> str:
    return value_label("consumer_role", role, lang)


def _role_scale(lang: str, roles: list[str] | None = None) -> alt.Scale:
    shown = [role for role in CONSUMER_ROLES if roles is None or role in roles]
    return alt.Scale(
        domain=[role_label(role, lang) for role in shown],
        range=[ROLE_COLOURS[role] for role in shown],
    )


def _source_label(source: str, lang: str) -> str:
    if source == "all":
        return t("roles.flow_all", lang)
    return value_label("customer_type", source, lang)


def _stack(values: np.ndarray, gap: float) -> tuple[np.ndarray, np.ndarray]:
    """Top and bottom of blocks of the given sizes stacked from 0 downwards with ``gap``
    between them, scaled so that blocks and gaps fill 0–1."""
    room = 1.0 - gap * (len(values) - 1)
    heights = values / values.sum() * room
    tops = np.concatenate([[0.0], np.cumsum(heights[:-1] + gap)])
    return tops, tops + heights


def sankey_layout(flow: pd.DataFrame, measure: str = "revenue", gap: float = 0.04) -> dict:
    """Node blocks and link bands of a two-column sankey from :attr:`RoleReport.flow`.

    Sources (buyer groups) on the left in their order of appearance, targets (consumer roles)
    on the right in canonical order; each node's height is its share of ``measure``. Links
    leave a source in target order and enter a target in source order, so bands do not cross
    inside a node. Returns ``sources``/``targets`` (node, top, bottom, value) and ``links``
    (source, target, value, and the top/bottom at both ends).
    """
    edges = flow[flow[measure] > 0]
    sources = list(dict.fromkeys(edges["source"]))
    targets = [role for role in CONSUMER_ROLES if role in set(edges["target"])]
    total = float(edges[measure].sum())
    layout = {}
    for side, names, column in (("sources", sources, "source"), ("targets", targets, "target")):
        values = edges.groupby(column)[measure].sum().reindex(names).to_numpy(dtype=float)
        top, bottom = _stack(values, gap if len(names) > 1 else 0.0)
        layout[side] = pd.DataFrame(
            {"node": names, "top": top, "bottom": bottom, "value": values / total}
        )
    links = edges.assign(
        source_rank=edges["source"].map(sources.index),
        target_rank=edges["target"].map(targets.index),
        value=edges[measure] / total,
    )
    scale = {
        side: (layout[side]["bottom"] - layout[side]["top"]).to_numpy()
        / layout[side]["value"].to_numpy()
        for side in ("sources", "targets")
    }
    links = links.sort_values(["source_rank", "target_rank"])
    offset = links.groupby("source_rank")["value"].cumsum() - links["value"]
    ranks = links["source_rank"].to_numpy()
    links["source_top"] = (
        layout["sources"]["top"].to_numpy()[ranks] + offset.to_numpy() * scale["sources"][ranks]
    )
    links["source_bottom"] = links["source_top"] + links["value"] * scale["sources"][ranks]
    links = links.sort_values(["target_rank", "source_rank"])
    offset = links.groupby("target_rank")["value"].cumsum() - links["value"]
    ranks = links["target_rank"].to_numpy()
    links["target_top"] = (
        layout["targets"]["top"].to_numpy()[ranks] + offset.to_numpy() * scale["targets"][ranks]
    )
    links["target_bottom"] = links["target_top"] + links["value"] * scale["targets"][ranks]
    layout["links"] = links.sort_values(["source_rank", "target_rank"], ignore_index=True)
    return layout


def flow_chart(
    flow: pd.DataFrame, lang: str, currency: str = "EUR", *, measure: str = "revenue"
) -> alt.LayerChart:
    """Buyer → consumer flow as a sankey: buyer groups (customer type) on the left, consumer
    roles on the right, bands as wide as their share of revenue (or of purchases)."""
    layout = sankey_layout(flow, measure)
    links = layout["links"]
    node_width, left, right = 0.035, 0.0, 1.0
    t_values = np.linspace(0.0, 1.0, CURVE_POINTS)
    ease = t_values * t_values * (3 - 2 * t_values)  # smoothstep: flat at both ends
    bands = []
    for index, link in enumerate(links.itertuples(index=False)):
        bands.append(
            pd.DataFrame(
                {
                    "link": index,
                    "x": left + node_width + t_values * (right - left - 2 * node_width),
                    "top": link.source_top + ease * (link.target_top - link.source_top),
                    "bottom": link.source_bottom + ease * (link.target_bottom - link.source_bottom),
                    "source": _source_label(link.source, lang),
                    "target": role_label(link.target, lang),
                    "share": link.value,
                    "revenue": link.revenue,
                    "purchases": link.purchases,
                }
            )
        )
    band_frame = pd.concat(bands, ignore_index=True)
    buyer, user = t("roles.side.buyer", lang), t("roles.side.user", lang)
    share_title = t(f"roles.col.{measure}_share", lang)
    y_scale = alt.Scale(domain=[1.0, 0.0], nice=False, zero=False)
    x_scale = alt.Scale(domain=[-0.42, 1.42], nice=False, zero=False)
    no_axis = {"axis": None}
    ribbons = (
        alt.Chart(band_frame)
        .mark_area(opacity=0.55, interpolate="linear")
        .encode(
            x=alt.X("x:Q", scale=x_scale, **no_axis),
            y=alt.Y("top:Q", scale=y_scale, **no_axis),
            y2="bottom:Q",
            detail="link:N",
            color=alt.Color("target:N", scale=_role_scale(lang), legend=None),
            tooltip=[
                alt.Tooltip("source:N", title=buyer),
                alt.Tooltip("target:N", title=user),
                alt.Tooltip("share:Q", title=share_title, format=".1%"),
                alt.Tooltip("revenue:Q", title=t("roles.col.revenue", lang), format=MONEY),
                alt.Tooltip("purchases:Q", title=t("roles.col.purchases", lang), format=",.0f"),
            ],
        )
    )
    sources = layout["sources"].assign(
        label=[
            f"{_source_label(node, lang)}\n{format_percent(value, lang)}"
            for node, value in zip(
                layout["sources"]["node"], layout["sources"]["value"], strict=True
            )
        ],
        name=[_source_label(node, lang) for node in layout["sources"]["node"]],
        x0=left,
        x1=left + node_width,
        anchor=left - 0.015,
    )
    targets = layout["targets"].assign(
        label=[
            f"{role_label(node, lang)}\n{format_percent(value, lang)}"
            for node, value in zip(
                layout["targets"]["node"], layout["targets"]["value"], strict=True
            )
        ],
        name=[role_label(node, lang) for node in layout["targets"]["node"]],
        x0=right - node_width,
        x1=right,
        anchor=right + 0.015,
    )
    node_tooltip = [alt.Tooltip("name:N", title=None), alt.Tooltip("value:Q", format=".1%")]
    source_nodes = (
        alt.Chart(sources)
        .mark_rect(color=SOURCE_COLOUR)
        .encode(
            x=alt.X("x0:Q", scale=x_scale, **no_axis),
            x2="x1:Q",
            y=alt.Y("top:Q", scale=y_scale, **no_axis),
            y2="bottom:Q",
            tooltip=node_tooltip,
        )
    )
    target_nodes = (
        alt.Chart(targets)
        .mark_rect()
        .encode(
            x=alt.X("x0:Q", scale=x_scale, **no_axis),
            x2="x1:Q",
            y=alt.Y("top:Q", scale=y_scale, **no_axis),
            y2="bottom:Q",
            color=alt.Color("name:N", scale=_role_scale(lang), legend=None),
            tooltip=node_tooltip,
        )
    )

    def labels(frame: pd.DataFrame, align: str) -> alt.Chart:
        return (
            alt.Chart(frame.assign(middle=(frame["top"] + frame["bottom"]) / 2))
            .mark_text(align=align, baseline="middle", lineBreak="\n", fontSize=12, color="#222")
            .encode(
                x=alt.X("anchor:Q", scale=x_scale, **no_axis),
                y=alt.Y("middle:Q", scale=y_scale, **no_axis),
                text="label:N",
            )
        )

    headers = pd.DataFrame(
        {"x": [left + node_width / 2, right - node_width / 2], "text": [buyer, user]}
    )
    header_marks = (
        alt.Chart(headers)
        .mark_text(fontWeight="bold", fontSize=13, baseline="bottom", dy=-6, color="#222")
        .encode(
            x=alt.X("x:Q", scale=x_scale, **no_axis),
            y=alt.datum(0.0, scale=y_scale),
            text="text:N",
        )
    )
    chart = alt.layer(
        ribbons,
        source_nodes,
        target_nodes,
        labels(sources, "right"),
        labels(targets, "left"),
        header_marks,
    ).properties(height=340)
    return finish(chart, lang, currency)


def role_share_chart(
    mix: pd.DataFrame,
    lang: str,
    currency: str = "EUR",
    *,
    group_column: str | None = None,
    measure: str = "revenue",
) -> alt.LayerChart:
    """100 % bars of the consumer roles' share of each group's revenue (or purchases), from
    :attr:`RoleReport.role_mix` (groups in the frame's order); ``group_column`` names what the
    groups are, for their translated labels. Shares of at least 7 % are written on the bar."""
    share_column = f"{measure}_share"
    frame = mix.copy()
    frame["label"] = [
        value_label(group_column, group, lang) if group_column else str(group)
        for group in frame["group"]
    ]
    frame["role_label"] = [role_label(role, lang) for role in frame["role"]]
    frame["end"] = frame.groupby("group", sort=False)[share_column].cumsum()
    frame["start"] = frame["end"] - frame[share_column]
    frame["middle"] = (frame["start"] + frame["end"]) / 2
    frame["text"] = [
        format_percent(value, lang) if value >= LABEL_MIN_SHARE else ""
        for value in frame[share_column]
    ]
    order = list(dict.fromkeys(frame["label"]))
    group_title = (
        t(f"roles.by.{group_column}", lang) if group_column else t("roles.col.group", lang)
    )
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=240))
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X(
                "start:Q",
                title=t(f"roles.col.{share_column}", lang),
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            x2="end:Q",
            color=alt.Color(
                "role_label:N",
                title=t("roles.side.user", lang),
                scale=_role_scale(lang, list(frame["role"].unique())),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("label:N", title=group_title),
                alt.Tooltip("role_label:N", title=t("roles.side.user", lang)),
                alt.Tooltip(
                    "revenue_share:Q", title=t("roles.col.revenue_share", lang), format=".1%"
                ),
                alt.Tooltip(
                    "purchase_share:Q", title=t("roles.col.purchase_share", lang), format=".1%"
                ),
                alt.Tooltip("revenue:Q", title=t("roles.col.revenue", lang), format=MONEY),
                alt.Tooltip("purchases:Q", title=t("roles.col.purchases", lang), format=",.0f"),
            ],
        )
    )
    text = (
        alt.Chart(frame)
        .mark_text(color="white", fontSize=11, fontWeight="bold")
        .encode(y=y, x=alt.X("middle:Q"), text="text:N")
    )
    return finish(alt.layer(bars, text).properties(height=alt.Step(30)), lang, currency)


def age_profile_chart(profile: pd.DataFrame, lang: str) -> alt.HConcatChart:
    """Buyers' and users' age bands side by side (:meth:`RoleReport.age_profile`): bars of the
    share of purchases per band, coloured by where the age comes from (the customer table,
    an assumption from the role, or unknown)."""
    bands = [t("roles.age_unknown", lang) if band == UNKNOWN_BAND else band for band in BAND_ORDER]
    frame = profile.assign(
        band_label=[
            t("roles.age_unknown", lang) if b == UNKNOWN_BAND else b for b in profile["band"]
        ],
        basis_label=[t(f"roles.basis.{basis}", lang) for basis in profile["basis"]],
    )
    totals = frame.groupby(["side", "band_label"], as_index=False)["share"].sum()
    totals["text"] = [format_percent(value, lang) for value in totals["share"]]
    top = float(totals["share"].max()) if not totals.empty else 1.0
    x_scale = alt.Scale(domain=[0, min(1.0, top * 1.25)])
    y = alt.Y("band_label:N", sort=bands, scale=alt.Scale(domain=bands), title=None)
    basis_scale = alt.Scale(
        domain=[t(f"roles.basis.{basis}", lang) for basis in BASES],
        range=[BASIS_COLOURS[basis] for basis in BASES],
    )
    panels = []
    for side in SIDES:
        part = frame[frame["side"] == side]
        bars = (
            alt.Chart(part)
            .mark_bar()
            .encode(
                y=y,
                x=alt.X(
                    "share:Q",
                    stack="zero",
                    scale=x_scale,
                    title=t("roles.col.purchase_share", lang),
                    axis=alt.Axis(format=".0%"),
                ),
                color=alt.Color(
                    "basis_label:N",
                    scale=basis_scale,
                    title=t("roles.col.basis", lang),
                    legend=alt.Legend(orient="bottom"),
                ),
                order=alt.Order("basis:N"),
                tooltip=[
                    alt.Tooltip("band_label:N", title=t("roles.col.band", lang)),
                    alt.Tooltip("basis_label:N", title=t("roles.col.basis", lang)),
                    alt.Tooltip("share:Q", title=t("roles.col.purchase_share", lang), format=".1%"),
                    alt.Tooltip("purchases:Q", title=t("roles.col.purchases", lang), format=",.0f"),
                ],
            )
        )
        text = (
            alt.Chart(totals[totals["side"] == side])
            .mark_text(align="left", dx=4, color="#333")
            .encode(y=y, x=alt.X("share:Q", scale=x_scale), text="text:N")
        )
        panels.append(
            alt.layer(bars, text).properties(
                title=t(f"roles.side.{side}", lang), height=alt.Step(26), width=260
            )
        )
    return finish(alt.hconcat(*panels, spacing=24), lang)


def month_names(lang: str, width: str = "abbreviated") -> list[str]:
    """The twelve month names of ``lang`` (January first)."""
    names = get_month_names(width, locale=BABEL_LOCALES[lang])
    return [names[month] for month in range(1, 13)]


def gift_season_chart(season: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Share of gifts among each calendar month's purchases (:attr:`RoleReport.gift_season`),
    the peak month highlighted, with the year's average as a dashed line."""
    names = month_names(lang)
    peak = int(season.loc[season["gift_share"].idxmax(), "month"])
    frame = season.assign(
        month_label=[names[month - 1] for month in season["month"]],
        peak=[month == peak for month in season["month"]],
    )
    overall = float(season["gift_purchases"].sum() / max(season["purchases"].sum(), 1))
    share_title = t("roles.col.gift_share", lang)
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("month_label:N", sort=names, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("gift_share:Q", title=share_title, axis=alt.Axis(format=".0%")),
            color=alt.condition(
                alt.datum.peak, alt.value(ROLE_COLOURS["gift"]), alt.value(PALETTE[1])
            ),
            tooltip=[
                alt.Tooltip("month_label:N", title=t("roles.col.month", lang)),
                alt.Tooltip("gift_share:Q", title=share_title, format=".1%"),
                alt.Tooltip(
                    "gift_purchases:Q", title=t("roles.col.gift_purchases", lang), format=",.0f"
                ),
                alt.Tooltip("purchases:Q", title=t("roles.col.purchases", lang), format=",.0f"),
            ],
        )
    )
    average = (
        alt.Chart(pd.DataFrame({"share": [overall], "label": [t("roles.year_average", lang)]}))
        .mark_rule(strokeDash=[4, 4], color="#555")
        .encode(
            y="share:Q",
            tooltip=[alt.Tooltip("label:N", title=None), alt.Tooltip("share:Q", format=".1%")],
        )
    )
    return finish(alt.layer(bars, average).properties(height=240), lang)


def repeat_chart(repeat: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Repeat rate by the role of the customer's first purchase
    (:attr:`RoleReport.repeat`), one bar per role in its colour."""
    frame = repeat.assign(
        role_label=[role_label(role, lang) for role in repeat["first_role"]],
        text=[format_percent(value, lang) for value in repeat["repeat_rate"]],
    )
    rate = t("roles.col.repeat_rate", lang)
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("role_label:N", sort=list(frame["role_label"]), title=None),
            x=alt.X(
                "repeat_rate:Q",
                title=rate,
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color(
                "role_label:N", scale=_role_scale(lang, list(frame["first_role"])), legend=None
            ),
            tooltip=[
                alt.Tooltip("role_label:N", title=t("roles.col.first_role", lang)),
                alt.Tooltip("repeat_rate:Q", title=rate, format=".1%"),
                alt.Tooltip("customers:Q", title=t("roles.col.customers", lang), format=",.0f"),
            ],
        )
    )
    text = bars.mark_text(align="left", dx=4, color="#333").encode(
        text="text:N", color=alt.value("#333")
    )
    return finish(alt.layer(bars, text).properties(height=alt.Step(28)), lang)
