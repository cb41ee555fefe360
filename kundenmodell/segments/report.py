"""Everything the overview shows, computed in one pass over a (filtered) data set."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import ibis
import numpy as np
import pandas as pd

from kundenmodell import engine
from kundenmodell.dataset import Dataset
from kundenmodell.engine.in_place import InPlaceSource
from kundenmodell.errors import DataError
from kundenmodell.overview import Kpis, kpis, kpis_from_totals, monthly_frame, monthly_revenue
from kundenmodell.segments.activity import (
    ACTIVITY_CLASSES,
    ActivityRules,
    keyed_with_never_bought,
)
from kundenmodell.segments.buyers import RFM_BINS, buyer_table
from kundenmodell.segments.churn import churn_of_table, cohorts_of_table
from kundenmodell.segments.filters import SegmentFilter, customer_mask, filter_dataset
from kundenmodell.segments.lifecycle import lifecycle_funnel
from kundenmodell.segments.nps import NpsResult, nps, nps_by
from kundenmodell.segments.rfm import rfm_grid, rfm_summary, with_segments

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

    ``rfm_grid``: customers per occupied cell of the R×F grid
    (:func:`~kundenmodell.segments.rfm.rfm_grid`), also where ``rfm`` (one row per buyer) is
    not computed. ``regular_buyer_share``: regular customers among the customers who bought at
    all (the share the overview states; ``regular_customers`` over all customers would count
    leads).
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
    rfm_grid: pd.DataFrame | None = None
    rfm_summary: pd.DataFrame | None = None
    nps: NpsResult | None = None
    nps_by_activity: pd.DataFrame | None = None
    churn: pd.DataFrame | None = None
    monthly_churn: float | None = None
    cohorts: pd.DataFrame | None = None


def activity_summary(
    activity: pd.Series, buyer_codes: np.ndarray, revenue: pd.Series
) -> pd.DataFrame:
    """Per activity class: customers, share of customers, revenue and share of revenue.

    ``activity`` holds every customer's class; ``buyer_codes`` (positions in
    :data:`ACTIVITY_CLASSES`) and ``revenue`` the class and revenue of each buyer, aligned row
    by row (customers who never bought add no revenue).
    """
    classes = len(ACTIVITY_CLASSES)
    counts = np.bincount(activity.array.codes, minlength=classes)
    # pandas' grouped sum is compensated (Kahan): the class totals do not pick up rounding
    # noise from the order of the buyers, as a plain bincount of floats does
    revenue_by_class = (
        pd.Series(revenue.to_numpy(dtype=float))
        .groupby(buyer_codes)
        .sum()
        .reindex(range(classes), fill_value=0.0)
        .to_numpy()
    )
    table = pd.DataFrame(
        {"customers": counts.astype(np.int64), "revenue": revenue_by_class},
        index=pd.Index(list(ACTIVITY_CLASSES), name="activity"),
    )
    table["customer_share"] = table["customers"] / max(int(counts.sum()), 1)
    total = float(revenue_by_class.sum())
    table["revenue_share"] = table["revenue"] / total if total else 0.0
    return table.reset_index()


@engine.releasing()
def segment_report(
    dataset: Dataset | InPlaceSource,
    selection: SegmentFilter = NO_FILTER,
    rules: ActivityRules = DEFAULT_RULES,
    inactive_months: int = 12,
) -> SegmentReport:
    """Filter ``dataset`` with ``selection`` and compute every segment view on the result.

    A source analysed in place (``km.load`` of a large data folder) gets
    :func:`~kundenmodell.segments.in_place.segment_report_in_place`: the same views as
    aggregates, without the per-customer ``activity`` and ``rfm`` rows.

    ``as_of`` is the last purchase date of the unfiltered data, so that filtering never moves
    the reference date. Views whose columns are missing are None and listed in ``missing``.
    The purchases are reduced in the engine (one in-memory DuckDB table over Arrow with integer
    customer keys, :func:`kundenmodell.engine.keyed_purchases`; the filter a semi-join there);
    per-customer results and small aggregates come back.
    """
    if isinstance(dataset, InPlaceSource):
        # segments.in_place builds on this module's views, so it is imported where needed
        from kundenmodell.segments.in_place import CUSTOMER_COLUMNS, segment_report_in_place

        return segment_report_in_place(
            dataset.analysis_tables(CUSTOMER_COLUMNS),
            selection,
            rules,
            inactive_months,
            days=dataset.purchase_days(),
        )
    mask = customer_mask(dataset.customers, selection) if selection.active else None
    customers = dataset.customers if mask is None else dataset.customers[mask]
    interactions = filter_dataset(
        replace(dataset, transactions=dataset.transactions.iloc[:0]), selection
    ).interactions
    transactions = dataset.transactions
    missing: dict[str, str] = {}
    columns_present = {"customer_id", "date"} <= set(transactions.columns)
    keyed = (
        engine.keyed_purchases(transactions, dataset.customers["customer_id"])
        if columns_present
        else None
    )
    table = None if keyed is None else keyed.table
    customer_keys = None if keyed is None else keyed.customer_keys
    if customer_keys is not None and mask is not None:
        customer_keys = customer_keys[mask]
    as_of = None
    if table is not None and not transactions.empty:
        as_of = engine.last_day(engine.purchase_rows(table))
        if selection.active:
            chosen = (
                keyed.codes_of(customers["customer_id"])
                if customer_keys is None
                else engine.key_table(customer_keys)
            )
            table = table.semi_join(chosen, "customer_id")
    counts = (
        kpis_from_totals(len(customers), *engine.purchase_totals(table))
        if table is not None and as_of is not None
        else kpis(filter_dataset(dataset, selection))
    )

    funnel = lifecycle_funnel(customers, interactions) if "status" in customers else None
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

    if table is None or as_of is None or counts.purchases == 0:
        missing.update(dict.fromkeys(PURCHASE_VIEWS, "date"))
        return SegmentReport(
            len(customers),
            as_of,
            counts,
            monthly_revenue(filter_dataset(dataset, selection)),
            missing,
            funnel=funnel,
            nps=nps_result,
        )

    with engine.materialised(engine.day_totals(_dated(table))) as days:
        keys, codes, per_customer = _per_customer(days, as_of, rules)
        monthly, churn, cohorts = month_views(table, days, as_of, inactive_months)
    activity = keyed_with_never_bought(keys, codes, keyed, customers, customer_keys)
    per_customer.index = keyed.ids_of(keys)
    rfm_table = with_segments(per_customer, RFM_BINS)
    summary = activity_summary(activity, codes, rfm_table["monetary"])
    if nps_result is not None:
        nps_table = nps_by(customers, activity)
    return SegmentReport(
        customers=len(customers),
        as_of=as_of,
        kpis=counts,
        monthly=monthly,
        missing=missing,
        funnel=funnel,
        activity=activity,
        activity_summary=summary,
        actual_customers=int((rfm_table["recency_days"] < rules.active_window_days).sum()),
        **headline_figures(summary, churn),
        rfm=rfm_table,
        rfm_grid=rfm_grid(rfm_table),
        rfm_summary=rfm_summary(rfm_table),
        nps=nps_result,
        nps_by_activity=nps_table,
        churn=churn,
        cohorts=cohorts,
    )


def headline_figures(activity_summary: pd.DataFrame, churn: pd.DataFrame) -> dict[str, object]:
    """The overview's headline figures of the :func:`activity_summary` and the churn table,
    the same for both reports: ``regular_customers``, their ``regular_revenue_share`` and
    ``regular_buyer_share`` (regular customers / customers who bought at all), and
    ``monthly_churn``, the mean churn rate of the last :data:`CHURN_KPI_PERIODS` observable
    months (None without any)."""
    summary = activity_summary.set_index("activity")
    regular = int(summary.loc["regular", "customers"])
    buyers = int(summary["customers"].sum() - summary.loc["never_bought", "customers"])
    recent = churn.loc[churn["observable"], "churn_rate"].dropna().tail(CHURN_KPI_PERIODS)
    return {
        "regular_customers": regular,
        "regular_revenue_share": float(summary.loc["regular", "revenue_share"]),
        "regular_buyer_share": regular / buyers if buyers else 0.0,
        "monthly_churn": float(recent.mean()) if not recent.empty else None,
    }


def month_views(
    purchases: ibis.Table, days: ibis.Table, as_of: pd.Timestamp, inactive_months: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Monthly revenue, churn and cohorts from the :func:`~kundenmodell.engine.day_totals`
    ``days`` of ``purchases``: the customers' months flagged in one window and reduced to
    month × cohort cells (:func:`~kundenmodell.engine.period_cells`), the small table all
    three read; revenue is summed from ``days`` by month."""
    with engine.materialised(engine.period_cells(days, "M", inactive_months)) as cells:
        monthly = monthly_frame(engine.to_pandas(engine.monthly_of_period_cells(days, cells)))
        churn = churn_of_table(purchases, as_of, "M", inactive_months, periods=cells)
        cohorts = cohorts_of_table(purchases, as_of, "M", periods=cells)
    return monthly, churn, cohorts


def _dated(table: ibis.Table) -> ibis.Table:
    rows = engine.purchase_rows(table)
    return rows.filter(rows["day"].notnull())


def _per_customer(
    days: ibis.Table, as_of: pd.Timestamp, rules: ActivityRules
) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Per buyer, in key order: the engine keys, the activity codes
    (:func:`kundenmodell.engine.activity_code`) and the RFM figures and scores, from
    :func:`~kundenmodell.segments.buyers.buyer_table` of the
    :func:`~kundenmodell.engine.day_totals` ``days``."""
    known = days.filter(days["customer_id"].notnull())
    buyers = buyer_table(known, as_of, rules).drop("segment")  # named in pandas
    scored = engine.to_pandas(buyers.order_by("customer_id"))
    keys = scored.pop("customer_id").to_numpy()
    codes = scored.pop("activity").to_numpy(dtype=np.int8)
    return keys, codes, scored
