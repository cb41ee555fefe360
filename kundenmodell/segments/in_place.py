"""The overview's segment report of tables that stay in the engine (a Parquet data folder, a
DuckDB file, Spark or a warehouse): every view as an aggregate, nothing per customer in pandas.

:func:`~kundenmodell.segments.report.segment_report` brings the customers and one row per
buyer back to pandas, which a page of a few million customers can afford. A retailer's full
history (tens of millions of customers, hundreds of millions of purchases) cannot; here the
same engine reductions run, and only the aggregates the overview shows come back: KPIs,
monthly revenue, the activity and RFM summaries, the funnel, the NPS, churn and cohorts. The
per-customer views (``activity``, ``rfm``) stay None; their rows can be read a page at a time
from :func:`~kundenmodell.segments.buyers.buyer_table`.
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dtypes
import numpy as np
import pandas as pd

from kundenmodell import engine
from kundenmodell.errors import DataError
from kundenmodell.overview import kpis_from_totals, monthly_frame
from kundenmodell.segments.activity import ACTIVITY_CLASSES, ActivityRules
from kundenmodell.segments.buyers import RFM_BINS, buyer_table
from kundenmodell.segments.filters import FILTER_COLUMNS, SegmentFilter
from kundenmodell.segments.lifecycle import funnel_of_counts
from kundenmodell.segments.nps import NPS_GROUPS, NpsResult, nps_of_counts
from kundenmodell.segments.report import (
    DEFAULT_RULES,
    NO_FILTER,
    PURCHASE_VIEWS,
    SegmentReport,
    headline_figures,
    month_views,
)
from kundenmodell.segments.rfm import RFM_SEGMENTS, grid_of_counts

CUSTOMER_COLUMNS = ("customer_id", "status", "nps_score", *FILTER_COLUMNS)
"""The customer columns the report reads."""


def segment_report_in_place(
    tables: engine.EngineTables,
    selection: SegmentFilter = NO_FILTER,
    rules: ActivityRules = DEFAULT_RULES,
    inactive_months: int = 12,
    *,
    days: ibis.Table | None = None,
) -> SegmentReport:
    """The aggregate views of :class:`~kundenmodell.segments.report.SegmentReport` for
    ``tables`` (see the module docstring), with the same definitions: ``as_of`` is the last
    purchase day of the unfiltered data, activity classes and RFM scores come from one customer
    summary, churn and cohorts from one customer-month table. ``selection`` narrows the
    customers in the engine and their purchases by a semi-join.

    Every view starts from the :func:`~kundenmodell.engine.day_totals` of every purchase row
    of ``tables.transactions`` (undated rows and rows without a customer included): ``days``
    when the caller kept them (:meth:`~kundenmodell.engine.in_place.InPlaceSource.purchase_days`),
    else computed once here."""
    if days is not None:
        return _report(tables, days, selection, rules, inactive_months)
    with engine.materialised(engine.every_purchase_day(tables.transactions)) as computed:
        return _report(tables, computed, selection, rules, inactive_months)


def _report(
    tables: engine.EngineTables,
    days: ibis.Table,
    selection: SegmentFilter,
    rules: ActivityRules,
    inactive_months: int,
) -> SegmentReport:
    """:func:`segment_report_in_place` of the day totals ``days`` of every purchase row."""
    customers = tables.customers
    last = engine.scalars(days.aggregate(last=days["day"].max()))["last"]
    if selection.active:
        customers = customers.filter(*_restrictions(customers, selection))
        chosen = customers.select(customer_id=customers["customer_id"])
        days = days.semi_join(chosen, "customer_id")
    customer_count = int(engine.scalars(customers.aggregate(n=customers.count()))["n"])
    kpis = kpis_from_totals(customer_count, *engine.totals_of_days(days))
    missing: dict[str, str] = {}
    funnel = _funnel(customers, missing)
    nps_result = _nps(customers, missing)
    if last is None or kpis.purchases == 0:
        missing.update(dict.fromkeys(PURCHASE_VIEWS, "date"))
        return SegmentReport(
            customer_count,
            None,
            kpis,
            monthly_frame(pd.DataFrame()),
            missing,
            funnel=funnel,
            nps=nps_result,
        )
    as_of = pd.Timestamp(last)
    dated = days.filter(days["day"].notnull())
    known = dated.filter(dated["customer_id"].notnull())
    buyer_rows = buyer_table(known, as_of, rules, skip=("m_score",))
    with engine.materialised(buyer_rows) as buyers:
        activity_summary = _activity_summary(buyers, customers)
        rfm_summary = _rfm_summary(buyers)
        grid = _rfm_grid(buyers)
        nps_table = None if nps_result is None else _nps_by_activity(customers, buyers)
        actual = engine.scalars(
            buyers.aggregate(
                n=(buyers["recency_days"] < rules.active_window_days).cast(dtypes.int64).sum()
            )
        )["n"]
    monthly, churn, cohorts = month_views(dated, as_of, inactive_months)
    return SegmentReport(
        customers=customer_count,
        as_of=as_of,
        kpis=kpis,
        monthly=monthly,
        missing=missing,
        funnel=funnel,
        activity_summary=activity_summary,
        actual_customers=int(actual or 0),
        **headline_figures(activity_summary, churn),
        rfm_grid=grid,
        rfm_summary=rfm_summary,
        nps=nps_result,
        nps_by_activity=nps_table,
        churn=churn,
        cohorts=cohorts,
    )


def _restrictions(customers: ibis.Table, selection: SegmentFilter) -> list[ibis.Value]:
    """:func:`~kundenmodell.segments.filters.customer_mask` as engine predicates (columns the
    table lacks are not restricted)."""
    predicates = [ibis.literal(True)]
    for column in FILTER_COLUMNS:
        allowed = getattr(selection, column)
        if allowed and column in customers.columns:
            values = customers[column].cast(dtypes.string)
            predicates.append(values.isin(list(allowed)).fill_null(False))
    return predicates


def _activity_summary(buyers: ibis.Table, customers: ibis.Table) -> pd.DataFrame:
    """Customers and revenue per activity class; ``never_bought``: the customer table's ids
    without a purchase."""
    by_class = engine.to_pandas(
        buyers.group_by("activity").aggregate(
            customers=buyers.count(),
            revenue=engine.as_float(engine.money(buyers["monetary"]).sum()),
        )
    )
    ids = customers.select(customer_id=customers["customer_id"]).distinct()
    ids = ids.filter(ids["customer_id"].notnull())
    bought = buyers.select(customer_id=buyers["customer_id"])
    key_type = ids["customer_id"].type()
    if bought["customer_id"].type() != key_type:  # e.g. integer keys against text ids
        bought = bought.select(customer_id=bought["customer_id"].cast(dtypes.string))
        ids = ids.select(customer_id=ids["customer_id"].cast(dtypes.string))
    never = engine.scalars(ids.anti_join(bought, "customer_id").aggregate(n=ibis._.count()))["n"]
    counts = np.zeros(len(ACTIVITY_CLASSES), dtype=np.int64)
    revenue = np.zeros(len(ACTIVITY_CLASSES))
    codes = by_class["activity"].to_numpy(dtype=np.int64)
    counts[codes] = by_class["customers"].to_numpy(dtype=np.int64)
    revenue[codes] = by_class["revenue"].to_numpy(dtype=float)
    counts[ACTIVITY_CLASSES.index("never_bought")] = int(never or 0)
    table = pd.DataFrame(
        {"activity": list(ACTIVITY_CLASSES), "customers": counts, "revenue": revenue}
    )
    table["customer_share"] = table["customers"] / max(int(counts.sum()), 1)
    total = float(revenue.sum())
    table["revenue_share"] = table["revenue"] / total if total else 0.0
    return table


def _rfm_summary(buyers: ibis.Table) -> pd.DataFrame:
    """:func:`~kundenmodell.segments.rfm.rfm_summary` computed in the engine."""
    grouped = engine.to_pandas(
        buyers.group_by("segment").aggregate(
            customers=buyers.count(),
            revenue=engine.as_float(engine.money(buyers["monetary"]).sum()),
            recency_sum=buyers["recency_days"].sum(),
            frequency_sum=buyers["frequency"].sum(),
        )
    )
    grouped.index = pd.Index(
        [RFM_SEGMENTS[code] for code in grouped["segment"].astype(int)], name="segment"
    )
    summary = grouped.reindex(list(RFM_SEGMENTS))
    customers = summary["customers"].fillna(0).astype(int)
    per_customer = customers.replace(0, np.nan)
    frame = pd.DataFrame(
        {
            "customers": customers,
            "revenue": summary["revenue"].fillna(0.0).astype(float),
            "mean_recency_days": summary["recency_sum"].astype(float) / per_customer,
            "mean_frequency": summary["frequency_sum"].astype(float) / per_customer,
        }
    )
    total_customers = int(frame["customers"].sum())
    total_revenue = float(frame["revenue"].sum())
    frame["customer_share"] = frame["customers"] / total_customers if total_customers else 0.0
    frame["revenue_share"] = frame["revenue"] / total_revenue if total_revenue else 0.0
    return frame.reset_index()


def _rfm_grid(buyers: ibis.Table) -> pd.DataFrame:
    """Customers per cell of the R×F grid, counted in the engine."""
    counts = engine.to_pandas(
        buyers.group_by(["r_score", "f_score"]).aggregate(customers=buyers.count())
    )
    return grid_of_counts(counts, RFM_BINS)


def _nps_by_activity(customers: ibis.Table, buyers: ibis.Table) -> pd.DataFrame:
    """:func:`~kundenmodell.segments.nps.nps_by` the activity class, counted in the engine:
    each rated customer's class from the buyer table (``never_bought`` without a purchase),
    promoters, passives and detractors counted per class."""
    score = customers["nps_score"].try_cast(dtypes.float64)
    valid = customers["customer_id"].notnull() & score.notnull() & (score >= 0) & (score <= 10)
    rated = customers.filter(valid).select(customer_id=customers["customer_id"], score=score)
    classes = buyers.select("customer_id", "activity")
    if classes["customer_id"].type() != rated["customer_id"].type():
        rated = rated.mutate(customer_id=rated["customer_id"].cast(dtypes.string))
        classes = classes.mutate(customer_id=classes["customer_id"].cast(dtypes.string))
    joined = rated.left_join(classes, rated["customer_id"] == classes["customer_id"])
    never = ACTIVITY_CLASSES.index("never_bought")
    counted = engine.to_pandas(
        joined.group_by(
            activity=joined["activity"].cast(dtypes.int64).fill_null(never),
            group=ibis.cases((joined["score"] >= 9, 0), (joined["score"] >= 7, 1), else_=2),
        ).aggregate(n=ibis._.count())
    )
    table = counted.pivot_table(index="activity", columns="group", values="n", fill_value=0)
    table = table.reindex(columns=range(len(NPS_GROUPS)), fill_value=0)
    rows = []
    for code, counts in table.iterrows():  # one row per activity class, at most six
        result = nps_of_counts(*(int(counts[index]) for index in range(len(NPS_GROUPS))))
        rows.append(
            {
                "group": ACTIVITY_CLASSES[int(code)],
                "n": result.n,
                "score": result.score,
                "ci_low": result.ci_low,
                "ci_high": result.ci_high,
                **{f"{g}_share": result.share(g) for g in NPS_GROUPS},
            }
        )
    columns = ["group", "n", "score", "ci_low", "ci_high", *(f"{g}_share" for g in NPS_GROUPS)]
    return pd.DataFrame(rows, columns=columns).sort_values("group", ignore_index=True)


def _funnel(customers: ibis.Table, missing: dict[str, str]) -> pd.DataFrame | None:
    if "status" not in customers.columns:
        missing["funnel"] = "status"
        return None
    counts = engine.to_pandas(
        customers.group_by(status=customers["status"].cast(dtypes.string)).aggregate(
            n=ibis._.count()
        )
    )
    counts = counts.dropna(subset=["status"])
    return funnel_of_counts(pd.Series(counts["n"].to_numpy(), index=counts["status"]))


def _nps(customers: ibis.Table, missing: dict[str, str]) -> NpsResult | None:
    """The NPS of the customers' scores, counted per group in the engine."""
    if "nps_score" not in customers.columns:
        missing["nps"] = "nps_score"
        return None
    score = customers["nps_score"].try_cast(dtypes.float64)
    valid = score.notnull() & (score >= 0) & (score <= 10)
    group = ibis.cases((score >= 9, 0), (score >= 7, 1), else_=2)
    counted = engine.to_pandas(
        customers.filter(valid).group_by(group=group).aggregate(n=ibis._.count())
    )
    counts = dict.fromkeys(range(len(NPS_GROUPS)), 0)
    counts.update(zip(counted["group"].astype(int), counted["n"].astype(int), strict=True))
    try:
        return nps_of_counts(*(counts[index] for index in range(len(NPS_GROUPS))))
    except DataError:
        missing["nps"] = "nps_score"
        return None
