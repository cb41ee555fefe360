"""Altair charts of a persona set: traits compared across personas, how k was chosen, sizes,
and (for synthetic data) personas against the planted types."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from kundenmodell.charts import finish, share_comparison_chart
from kundenmodell.i18n import format_percent, t, value_label
from kundenmodell.personas.persona_set import PersonaSet
from kundenmodell.personas.text import feature_label, format_feature, level_label

MAX_LOG_LIFT = 3.0  # colour scale clipped at 8× / ⅛×
_WIDTH = "containerSize()[0]"  # the chart's width on the page, in CSS pixels
_NARROW = f"({_WIDTH} > 0 && {_WIDTH} < 600)"  # a phone: names slanted, trait labels shorter
PLANTED_LABELS = ".".join(("clv", "planted"))  # prefix of the planted types' names


def comparison_frame(personas: PersonaSet, lang: str) -> pd.DataFrame:
    """Tidy frame for :func:`comparison_chart`: for every trait that distinguishes at least one
    persona, one row per persona with its value, the base value and the lift.

    Columns: ``persona`` (name), ``order`` (persona index), ``trait`` (label), ``value_text``,
    ``base_text``, ``lift``, ``log2_lift`` (clipped to ±3).
    """
    chosen = list(
        dict.fromkeys(
            (trait.feature, trait.level)
            for persona in personas.personas
            for trait in persona.traits
        )
    )
    columns = ["persona", "order", "trait", "value_text", "base_text", "lift", "log2_lift"]
    if not chosen:
        return pd.DataFrame(columns=columns)
    names = {persona.index: persona.name for persona in personas.personas}
    table = personas.traits
    rows = []
    for feature, level in chosen:
        match = table["feature"] == feature
        match &= table["level"].isna() if level is None else table["level"] == level
        label = (
            feature_label(feature, lang)
            if level is None
            else f"{feature_label(feature, lang)}: {level_label(feature, level, lang)}"
        )
        for row in table[match].itertuples():
            rows.append(
                {
                    "persona": names[row.persona],
                    "order": row.persona,
                    "trait": label,
                    "value_text": _value_text(feature, level, row.value, lang, personas.currency),
                    "base_text": _value_text(feature, level, row.base, lang, personas.currency),
                    "lift": row.lift,
                }
            )
    frame = pd.DataFrame(rows)
    lift = frame["lift"].astype(float).fillna(1.0)
    frame["log2_lift"] = np.clip(np.log2(np.maximum(lift, 2.0**-MAX_LOG_LIFT)), -3, 3)
    return frame[columns]


def _value_text(feature: str, level: str | None, value: float, lang: str, currency: str) -> str:
    if level is None:
        return format_feature(feature, value, lang, currency)
    return format_percent(value, lang)


def comparison_chart(frame: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Heatmap of traits (rows) × personas (columns): colour = lift against the whole base on
    a log scale (orange more, blue less), text = the persona's value."""
    persona_title = t("personas.chart.persona", lang)
    trait_title = t("personas.chart.trait", lang)
    order = frame.sort_values("order")["persona"].drop_duplicates().tolist()
    base = alt.Chart(frame).encode(
        x=alt.X(
            "persona:N",
            sort=order,
            title=None,
            axis=alt.Axis(
                orient="top",
                labelAngle=alt.ExprRef(f"{_NARROW} ? -40 : 0"),
                labelAlign=alt.ExprRef(f"{_NARROW} ? 'left' : 'center'"),
                labelLimit=120,
                labelOverlap=False,
            ),
        ),
        y=alt.Y(
            "trait:N",
            sort=None,
            title=None,
            axis=alt.Axis(labelLimit=alt.ExprRef(f"{_NARROW} ? {_WIDTH} * 0.34 : 320")),
        ),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            "log2_lift:Q",
            title=t("personas.chart.lift", lang),
            scale=alt.Scale(scheme="blueorange", domain=[-MAX_LOG_LIFT, MAX_LOG_LIFT]),
            legend=alt.Legend(
                orient="bottom",
                direction="horizontal",
                gradientLength=alt.ExprRef(f"min(240, {_WIDTH} * 0.45)"),
                labelOverlap="greedy",
                titleLimit=alt.ExprRef(f"{_WIDTH} * 0.55"),
                values=[-3, -2, -1, 0, 1, 2, 3],
                labelExpr="datum.value >= 0 ? pow(2, datum.value) + '×' : "
                "'1/' + pow(2, -datum.value) + '×'",
            ),
        ),
        tooltip=[
            alt.Tooltip("persona:N", title=persona_title),
            alt.Tooltip("trait:N", title=trait_title),
            alt.Tooltip("value_text:N", title=t("personas.chart.value", lang)),
            alt.Tooltip("base_text:N", title=t("personas.chart.base", lang)),
            alt.Tooltip("lift:Q", title=t("personas.chart.lift", lang), format=".2f"),
        ],
    )
    # On a narrow cell the value is written smaller and cut with "…" rather than overlapping
    # its neighbours (the tooltip and the summary below the chart carry the whole value).
    text = base.mark_text(
        fontSize=alt.ExprRef("bandwidth('x') < 64 ? 9 : 12"),
        limit=alt.ExprRef("bandwidth('x') - 4"),
    ).encode(
        text="value_text:N",
        color=alt.condition("abs(datum.log2_lift) > 1.6", alt.value("white"), alt.value("#1f2933")),
    )
    return finish(alt.layer(cells, text).properties(height=alt.Step(30)), lang)


def criterion_chart(criterion: pd.DataFrame, lang: str) -> alt.LayerChart:
    """ICL and BIC per number of personas (lower is better), the chosen k marked."""
    measures = {"icl": t("personas.chart.icl", lang), "bic": t("personas.chart.bic", lang)}
    long = criterion.melt(id_vars=["k", "chosen"], value_vars=list(measures), var_name="measure")
    long["measure_label"] = long["measure"].map(measures)
    k_title = t("personas.chart.k", lang)
    value_title = t("personas.chart.criterion", lang)
    base = alt.Chart(long).encode(
        x=alt.X("k:O", title=k_title, axis=alt.Axis(labelAngle=0)),
        y=alt.Y(
            "value:Q", title=value_title, scale=alt.Scale(zero=False), axis=alt.Axis(format=",.0f")
        ),
        color=alt.Color(
            "measure_label:N",
            title=None,
            sort=list(measures.values()),
            scale=alt.Scale(range=["#1f6f8b", "#99c4c8"]),
            legend=alt.Legend(orient="top"),
        ),
        tooltip=[
            alt.Tooltip("k:O", title=k_title),
            alt.Tooltip("measure_label:N", title=None),
            alt.Tooltip("value:Q", title=value_title, format=",.0f"),
        ],
    )
    lines = base.mark_line(point=True)
    chosen = (
        alt.Chart(long[long["chosen"] & (long["measure"] == "icl")])
        .mark_point(size=220, shape="circle", filled=False, color="#b3541e", strokeWidth=3)
        .encode(x="k:O", y="value:Q")
    )
    return finish(alt.layer(lines, chosen).properties(height=260), lang)


def size_chart(personas: PersonaSet, lang: str) -> alt.Chart:
    """Share of customers next to share of revenue per persona."""
    summary = pd.DataFrame(
        {
            "persona": [p.index for p in personas.personas],
            "customer_share": [p.share for p in personas.personas],
            "revenue_share": [p.revenue_share for p in personas.personas],
        }
    )
    return share_comparison_chart(
        summary,
        "persona",
        lang,
        title=t("personas.chart.persona", lang),
        labels={p.index: p.name for p in personas.personas},
    )


def truth_chart(table: pd.DataFrame, names: dict[int, str], lang: str) -> alt.LayerChart:
    """Heatmap of customers per planted type (rows) × persona (columns) from
    :meth:`PersonaSet.compare_with_truth`, with the count in each cell."""
    long = table.reset_index().melt(id_vars="persona", var_name="type", value_name="customers")
    long["persona_name"] = long["persona"].map(names)
    long["type_label"] = [value_label(PLANTED_LABELS, value, lang) for value in long["type"]]
    persona_title = t("personas.chart.persona", lang)
    type_title = t("personas.truth.type_title", lang)
    customers_title = t("personas.chart.customers", lang)
    base = alt.Chart(long).encode(
        x=alt.X(
            "persona_name:N",
            sort=[names[i] for i in sorted(names)],
            title=persona_title,
            axis=alt.Axis(orient="top", labelAngle=0, labelLimit=160),
        ),
        y=alt.Y("type_label:N", title=type_title, axis=alt.Axis(labelLimit=260)),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("customers:Q", title=customers_title, scale=alt.Scale(scheme="blues")),
        tooltip=[
            alt.Tooltip("persona_name:N", title=persona_title),
            alt.Tooltip("type_label:N", title=type_title),
            alt.Tooltip("customers:Q", title=customers_title, format=",.0f"),
        ],
    )
    text = base.mark_text().encode(
        text=alt.Text("customers:Q", format=",.0f"),
        color=alt.condition(
            alt.datum.customers > float(long["customers"].max()) / 2,
            alt.value("white"),
            alt.value("#1f2933"),
        ),
    )
    return finish(alt.layer(cells, text).properties(height=alt.Step(36)), lang)
