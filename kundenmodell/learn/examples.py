"""Live examples: each chapter's concept measured on the active data set.

:func:`example_values` computes the raw numbers for every chapter in one pass (one segment
report); :func:`live_example` turns one chapter's numbers into a sentence in a language, with a
chart where one helps. A chapter whose columns are missing gets ``None`` and the page shows the
chapter's ``no_example`` text instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from kundenmodell import charts, summaries
from kundenmodell.dataset import Dataset
from kundenmodell.i18n import format_money, format_number, format_percent, t, value_label
from kundenmodell.learn.chapters import chapter
from kundenmodell.schema import CUSTOMERS
from kundenmodell.segments.report import SegmentReport, segment_report

ESSENTIAL_CRITERIA = ("first_name", "email", "phone", "status", "industry")
INTERACTION_HISTORY = "interactions"


@dataclass(frozen=True)
class ExampleData:
    """Every chapter's raw numbers (None where the data cannot show the concept) and the
    segment report they came from (for the charts)."""

    values: dict[str, dict[str, Any] | None]
    report: SegmentReport


@dataclass(frozen=True)
class Example:
    """A chapter's live example: a big figure, the sentence around it and an optional chart."""

    key: str
    headline: str
    text: str
    chart: alt.TopLevelMixin | None = None
    summary: str | None = None
    """The chart's one-line text alternative with its figures (None without a chart)."""


def _share(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def _revenue_by_customer(dataset: Dataset) -> pd.Series:
    transactions = dataset.transactions
    if transactions.empty or "amount" not in transactions.columns:
        return pd.Series(dtype=float)
    amounts = pd.to_numeric(transactions["amount"], errors="coerce").fillna(0.0)
    return amounts.groupby(transactions["customer_id"]).sum()


def _column_revenue_share(dataset: Dataset, column: str, value: str) -> dict[str, Any] | None:
    customers = dataset.customers
    if column not in customers.columns:
        return None
    matches = customers[customers[column].astype("string") == value]["customer_id"]
    revenue = _revenue_by_customer(dataset)
    return {
        "count": len(matches),
        "customer_share": _share(len(matches), len(customers)),
        "revenue_share": _share(float(revenue.reindex(matches).sum()), float(revenue.sum())),
    }


def _consumer(dataset: Dataset) -> dict[str, Any] | None:
    transactions = dataset.transactions
    if "consumer_role" not in transactions.columns or transactions.empty:
        return None
    roles = transactions["consumer_role"].astype("string")
    amounts = pd.to_numeric(transactions["amount"], errors="coerce").fillna(0.0)
    by_role = amounts.groupby(roles).sum().drop("self", errors="ignore").sort_values()
    if by_role.empty:
        return None
    total = float(amounts.sum())
    return {
        "share": _share(float(by_role.sum()), total),
        "role": str(by_role.index[-1]),
        "role_share": _share(float(by_role.iloc[-1]), total),
    }


def _persona(report: SegmentReport) -> dict[str, Any] | None:
    if report.rfm_summary is None:
        return None
    champions = report.rfm_summary.set_index("segment").loc["champions"]
    return {
        "customer_share": float(champions["customer_share"]),
        "revenue_share": float(champions["revenue_share"]),
    }


def _retention(report: SegmentReport) -> dict[str, Any] | None:
    if report.activity_summary is None:
        return None
    table = report.activity_summary.set_index("activity")
    per_customer = table["revenue"] / table["customers"].where(table["customers"] > 0)
    regular, one_time = per_customer.get("regular"), per_customer.get("one_time")
    if pd.isna(regular) or pd.isna(one_time) or not one_time:
        return None
    return {"regular": float(regular), "one_time": float(one_time), "ratio": regular / one_time}


def example_values(dataset: Dataset) -> ExampleData:
    """The raw numbers of every chapter's example, computed in one pass."""
    report = segment_report(dataset)
    customers = dataset.customers
    buyers = int(dataset.transactions["customer_id"].nunique()) if dataset.n_transactions else 0
    values: dict[str, dict[str, Any] | None] = {key: None for key in _BUILDERS}

    if "status" in customers.columns:
        status = customers["status"].astype("string")
        values["customer"] = {
            "customers": int((status == "customer").sum()),
            "people": len(customers),
        }
    elif buyers:
        values["customer"] = {"customers": buyers, "people": len(customers)}
    values["consumer"] = _consumer(dataset)
    if report.funnel is not None:
        funnel = report.funnel.set_index("stage")
        values["lifecycle"] = {
            "people": int(funnel.loc["lead", "reached"]),
            "customers": int(funnel.loc["customer", "reached"]),
            "conversion": float(funnel.loc["customer", "share"]),
        }
    if report.actual_customers is not None and buyers:
        values["actual_customer"] = {
            "actual": report.actual_customers,
            "share": _share(report.actual_customers, buyers),
        }
    if report.regular_customers is not None and buyers:
        values["regular_customer"] = {
            "regular": report.regular_customers,
            "share": _share(report.regular_customers, buyers),
            "revenue_share": report.regular_revenue_share,
        }
    values["b2b_b2c"] = _column_revenue_share(dataset, "customer_type", "b2b")
    values["internal_external"] = _column_revenue_share(dataset, "relationship", "internal")
    values["persona"] = _persona(report)
    if report.nps is not None:
        values["nps_groups"] = {
            "promoters": report.nps.promoters,
            "passives": report.nps.passives,
            "detractors": report.nps.detractors,
            "score": report.nps.score,
        }
    if report.monthly_churn is not None:
        values["churn"] = {
            "rate": report.monthly_churn,
            "yearly": 1 - (1 - report.monthly_churn) ** 12,
        }
    values["retention_acquisition"] = _retention(report)
    present = [c for c in ESSENTIAL_CRITERIA if c in customers.columns]
    has_history = dataset.interactions is not None and not dataset.interactions.empty
    values["segmentation"] = {
        "present": len(present) + int(has_history),
        "missing": [c for c in ESSENTIAL_CRITERIA if c not in customers.columns]
        + ([] if has_history else [INTERACTION_HISTORY]),
    }
    identifiers = [
        c.name for c in CUSTOMERS.columns if c.identifier and c.name in customers.columns
    ]
    filled = customers[identifiers].notna().any(axis=1).mean() if identifiers else 0.0
    values["data_minimisation"] = {"identifiers": identifiers, "filled": float(filled)}
    return ExampleData(values, report)


def _criterion(name: str, lang: str) -> str:
    return (
        t("table.interactions", lang) if name == INTERACTION_HISTORY else t(f"column.{name}", lang)
    )


def _pct(value: float, lang: str) -> str:
    return format_percent(value, lang)


_BUILDERS: dict[str, Any] = {
    "customer": lambda v, lang, cur: (
        format_number(v["customers"], lang),
        {
            "customers": format_number(v["customers"], lang),
            "people": format_number(v["people"], lang),
            "share": _pct(_share(v["customers"], v["people"]), lang),
        },
    ),
    "consumer": lambda v, lang, cur: (
        _pct(v["share"], lang),
        {
            "share": _pct(v["share"], lang),
            "role": value_label("consumer_role", v["role"], lang),
            "role_share": _pct(v["role_share"], lang),
        },
    ),
    "lifecycle": lambda v, lang, cur: (
        _pct(v["conversion"], lang),
        {
            "people": format_number(v["people"], lang),
            "customers": format_number(v["customers"], lang),
            "conversion": _pct(v["conversion"], lang),
        },
    ),
    "actual_customer": lambda v, lang, cur: (
        format_number(v["actual"], lang),
        {"actual": format_number(v["actual"], lang), "share": _pct(v["share"], lang), "days": 365},
    ),
    "regular_customer": lambda v, lang, cur: (
        _pct(v["revenue_share"], lang),
        {
            "regular": format_number(v["regular"], lang),
            "share": _pct(v["share"], lang),
            "revenue_share": _pct(v["revenue_share"], lang),
        },
    ),
    "b2b_b2c": lambda v, lang, cur: (
        _pct(v["revenue_share"], lang),
        {
            "count": format_number(v["count"], lang),
            "customer_share": _pct(v["customer_share"], lang),
            "revenue_share": _pct(v["revenue_share"], lang),
        },
    ),
    "internal_external": lambda v, lang, cur: (
        format_number(v["count"], lang),
        {
            "count": format_number(v["count"], lang),
            "customer_share": _pct(v["customer_share"], lang),
            "revenue_share": _pct(v["revenue_share"], lang),
        },
    ),
    "persona": lambda v, lang, cur: (
        _pct(v["revenue_share"], lang),
        {
            "customer_share": _pct(v["customer_share"], lang),
            "revenue_share": _pct(v["revenue_share"], lang),
        },
    ),
    "nps_groups": lambda v, lang, cur: (
        format_number(v["score"], lang),
        {
            "promoters": format_number(v["promoters"], lang),
            "passives": format_number(v["passives"], lang),
            "detractors": format_number(v["detractors"], lang),
            "score": format_number(v["score"], lang),
        },
    ),
    "churn": lambda v, lang, cur: (
        format_percent(v["rate"], lang, decimals=1),
        {"rate": format_percent(v["rate"], lang, decimals=1), "yearly": _pct(v["yearly"], lang)},
    ),
    "retention_acquisition": lambda v, lang, cur: (
        f"{format_number(v['ratio'], lang, decimals=1)}×",
        {
            "regular": format_money(v["regular"], cur, lang, decimals=0),
            "one_time": format_money(v["one_time"], cur, lang, decimals=0),
            "ratio": format_number(v["ratio"], lang, decimals=1),
        },
    ),
    "segmentation": lambda v, lang, cur: (
        f"{v['present']}/6",
        {
            "present": v["present"],
            "missing": ", ".join(_criterion(c, lang) for c in v["missing"]) or "–",
        },
    ),
    "data_minimisation": lambda v, lang, cur: (
        format_number(len(v["identifiers"]), lang),
        {"count": len(v["identifiers"]), "filled": _pct(v["filled"], lang)},
    ),
}


def _chart(key: str, report: SegmentReport, lang: str) -> tuple[alt.TopLevelMixin, str] | None:
    """The chapter's chart and its one-line text alternative, or None."""
    if key == "lifecycle" and report.funnel is not None:
        return (
            charts.funnel_chart(report.funnel, lang),
            summaries.funnel_summary(report.funnel, lang),
        )
    if key in ("regular_customer", "actual_customer") and report.activity_summary is not None:
        return (
            charts.share_comparison_chart(
                report.activity_summary, "activity", lang, title=chapter(key, lang).title
            ),
            summaries.share_comparison_summary(report.activity_summary, "activity", lang),
        )
    if key == "nps_groups" and report.nps is not None:
        shares = {group: report.nps.share(group) for group in ("promoter", "passive", "detractor")}
        return charts.nps_groups_chart(shares, lang), summaries.nps_groups_summary(shares, lang)
    if key == "churn" and report.churn is not None:
        return charts.churn_chart(report.churn, lang), summaries.churn_summary(report.churn, lang)
    if key == "persona" and report.rfm_grid is not None:
        grid = report.rfm_grid
        return charts.rfm_grid_chart(grid, lang), summaries.rfm_grid_summary(grid, lang)
    return None


def live_example(key: str, data: ExampleData, lang: str, currency: str = "EUR") -> Example | None:
    """Chapter ``key``'s example in ``lang`` from :func:`example_values`, or None without data."""
    raw = data.values.get(key)
    if raw is None:
        return None
    headline, params = _BUILDERS[key](raw, lang, currency)
    text = chapter(key, lang).example.format(**params)
    chart, summary = _chart(key, data.report, lang) or (None, None)
    return Example(key, headline, text, chart, summary)
