"""Everything the overview shows, computed in one pass over a (filtered) data set."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from kundenmodell.arrays import positions_in
from kundenmodell.dataset import Dataset
from kundenmodell.errors import DataError
from kundenmodell.overview import Kpis, kpis, monthly_revenue
from kundenmodell.segments.activity import ACTIVITY_CLASSES, ActivityRules, classify_activity
from kundenmodell.segments.churn import churn_from_periods, cohorts_from_periods, purchase_periods
from kundenmodell.segments.filters import SegmentFilter, filter_dataset
from kundenmodell.segments.lifecycle import lifecycle_funnel
from kundenmodell.segments.nps import NpsResult, nps, nps_by
from kundenmodell.segments.rfm import rfm, rfm_summary

CHURN_KPI_PERIODS = 12
PURCHASE_VIEWS = ("activity", "rfm", "churn")
"""The views that need purchases with dates."""
NO_FILTER = SegmentFilter()
DEFAULT_RULES = ActivityRules()


@dataclass(frozen=True)
class SegmentReport:
    """The segment views of one data set; a view is None when its input is missing, and
    ``missing`` then names the column it needs (view → column; the views are ``funnel``,
    ``nps``, and ``activity``, ``rfm``, ``churn``, which all need purchase dates).

    ``regular_buyer_share``: regular customers among the customers who bought at all (the
    share the overview states; ``regular_customers`` over all customers would count leads).
    """

    customers: int
    as_of: pd.Timestamp | None
    kpis: Kpis
    monthly: pd.DataFrame
    missing: dict[str, str] = field(default_factory=dict)
    funnel: pd.DataFrame | None = None
    activity: pd.Series | None = None
    activity_summary: pd.DataFrame | None = None
    actual_customers: int | None = None
    regular_customers: int | None = None
    regular_revenue_share: float | None = None
    regular_buyer_share: float | None = None
    rfm: pd.DataFrame | None = None
    rfm_summary: pd.DataFrame | None = None
    nps: NpsResult | None = None
    nps_by_activity: pd.DataFrame | None = None
    churn: pd.DataFrame | None = None
    monthly_churn: float | None = None
    cohorts: pd.DataFrame | None = None


def _with_integer_ids(dataset: Dataset) -> tuple[Dataset, pd.Index]:
    """The data set with customer ids replaced by integer codes, and the ids by code.

    Grouping a million purchases by integer is several times faster than by string; the
    per-customer results are relabelled with :func:`_relabel` at the end. Only the columns the
    segment views read are kept.
    """
    transactions = dataset.transactions
    codes, ids = pd.factorize(transactions["customer_id"])
    ids = pd.Index(ids)
    customer_codes = positions_in(dataset.customers["customer_id"], ids)
    unseen = customer_codes < 0
    if unseen.any():
        ids = ids.append(pd.Index(dataset.customers["customer_id"].array[unseen]))
        customer_codes[unseen] = np.arange(len(ids) - int(unseen.sum()), len(ids))
    kept = [c for c in ("customer_id", "date", "amount") if c in transactions.columns]
    encoded_transactions = transactions[kept].assign(customer_id=codes)
    interactions = dataset.interactions
    if interactions is not None and "customer_id" in interactions.columns:
        interaction_codes = positions_in(interactions["customer_id"], ids)
        interactions = interactions.assign(customer_id=interaction_codes)[interaction_codes >= 0]
    return (
        replace(
            dataset,
            customers=dataset.customers.assign(customer_id=customer_codes),
            transactions=encoded_transactions,
            interactions=interactions,
        ),
        ids,
    )


def _relabel(frame: pd.Series | pd.DataFrame, ids: pd.Index) -> pd.Series | pd.DataFrame:
    relabelled = frame.copy()
    relabelled.index = pd.Index(ids[frame.index.to_numpy()], name="customer_id")
    return relabelled


def activity_summary(activity: pd.Series, revenue: pd.Series) -> pd.DataFrame:
    """Per activity class: customers, share of customers, revenue and share of revenue.

    ``revenue`` is indexed by customer_id (customers without revenue count as 0).
    """
    per_customer = revenue.reindex(activity.index).fillna(0.0)
    grouped = per_customer.groupby(activity, observed=False)
    table = pd.DataFrame({"customers": grouped.size(), "revenue": grouped.sum()}).reindex(
        list(ACTIVITY_CLASSES), fill_value=0
    )
    table["customer_share"] = table["customers"] / max(int(table["customers"].sum()), 1)
    total = float(table["revenue"].sum())
    table["revenue_share"] = table["revenue"] / total if total else 0.0
    return table.rename_axis("activity").reset_index()


def segment_report(
    dataset: Dataset,
    selection: SegmentFilter = NO_FILTER,
    rules: ActivityRules = DEFAULT_RULES,
    inactive_months: int = 12,
) -> SegmentReport:
    """Filter ``dataset`` with ``selection`` and compute every segment view on the result.

    ``as_of`` is the last purchase date of the unfiltered data, so that filtering never moves
    the reference date. Views whose columns are missing are None and listed in ``missing``.
    """
    encoded, ids = _with_integer_ids(dataset)
    view = filter_dataset(encoded, selection)
    customers, transactions = view.customers, view.transactions
    missing: dict[str, str] = {}
    has_purchases = {"customer_id", "date"} <= set(transactions.columns) and not transactions.empty
    period = dataset.period
    as_of = period[1].normalize() if period is not None else None

    funnel = lifecycle_funnel(customers, view.interactions) if "status" in customers else None
    if funnel is None:
        missing["funnel"] = "status"

    nps_result, nps_table = None, None
    if "nps_score" not in customers.columns:
        missing["nps"] = "nps_score"
    else:
        try:
            nps_result = nps(customers["nps_score"])
        except DataError:
            missing["nps"] = "nps_score"

    if not has_purchases or as_of is None:
        missing.update(dict.fromkeys(PURCHASE_VIEWS, "date"))
        return SegmentReport(
            len(customers),
            as_of,
            kpis(view),
            monthly_revenue(view),
            missing,
            funnel=funnel,
            nps=nps_result,
        )

    activity = classify_activity(
        transactions,
        as_of,
        active_window_days=rules.active_window_days,
        regular_min_purchases=rules.regular_min_purchases,
        regular_window_days=rules.regular_window_days,
        customers=customers,
    )
    rfm_table = rfm(transactions, as_of)
    revenue = rfm_table["monetary"]
    summary = activity_summary(activity, revenue).set_index("activity")
    buyers = int(summary["customers"].sum() - summary.loc["never_bought", "customers"])
    last_age = rfm_table["recency_days"]
    if nps_result is not None:
        nps_table = nps_by(customers, activity.astype("string"))
    periods = purchase_periods(transactions, "M", as_of=as_of)
    churn = churn_from_periods(periods, inactive_months)
    recent_churn = churn.loc[churn["observable"], "churn_rate"].dropna().tail(CHURN_KPI_PERIODS)
    return SegmentReport(
        customers=len(customers),
        as_of=as_of,
        kpis=kpis(view),
        monthly=monthly_revenue(view),
        missing=missing,
        funnel=funnel,
        activity=_relabel(activity, ids),
        activity_summary=summary.reset_index(),
        actual_customers=int((last_age < rules.active_window_days).sum()),
        regular_customers=int(summary.loc["regular", "customers"]),
        regular_revenue_share=float(summary.loc["regular", "revenue_share"]),
        regular_buyer_share=float(summary.loc["regular", "customers"] / buyers) if buyers else 0.0,
        rfm=_relabel(rfm_table, ids),
        rfm_summary=rfm_summary(rfm_table),
        nps=nps_result,
        nps_by_activity=nps_table,
        churn=churn,
        monthly_churn=float(recent_churn.mean()) if not recent_churn.empty else None,
        cohorts=cohorts_from_periods(periods),
    )
