"""Everything the overview shows, computed in one pass over a (filtered) data set."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
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
    customer_roster,
    keyed_with_never_bought,
)
from kundenmodell.segments.buyers import RFM_BINS, buyers_of_summary
from kundenmodell.segments.churn import churn_of_table, cohorts_of_table
from kundenmodell.segments.filters import SegmentFilter, customer_mask, filter_dataset
from kundenmodell.segments.lifecycle import lifecycle_funnel
from kundenmodell.segments.nps import NpsResult, nps_by, nps_group, nps_of_groups
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
    The purchases are reduced in the engine to customer days over integer customer keys, once
    per purchase frame (:func:`kundenmodell.engine.purchase_days`, kept while the frame is
    unchanged, with the whole data set's totals and month cells); the filter is a semi-join
    there, and per-customer results and small aggregates come back.
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
    with ThreadPoolExecutor(max_workers=1) as beside:
        # the views of the customer table alone do not wait for the purchases' reduction
        customer_views = beside.submit(_customer_views, customers, interactions)
        scope = _PurchaseScope.of(dataset, customers, mask)
        funnel, nps_groups, nps_result, missing = customer_views.result()
    counts = (
        kpis(filter_dataset(dataset, selection))
        if scope is None
        else kpis_from_totals(len(customers), *scope.totals())
    )

    if scope is None or counts.purchases == 0:
        missing.update(dict.fromkeys(PURCHASE_VIEWS, "date"))
        return SegmentReport(
            len(customers),
            None if scope is None else scope.as_of,
            counts,
            monthly_revenue(filter_dataset(dataset, selection)),
            missing,
            funnel=funnel,
            nps=nps_result,
        )
    return SegmentReport(
        customers=len(customers),
        as_of=scope.as_of,
        kpis=counts,
        missing=missing,
        funnel=funnel,
        nps=nps_result,
        **_purchase_views(scope, rules, inactive_months, nps_groups=nps_groups),
    )


def _customer_views(
    customers: pd.DataFrame, interactions: pd.DataFrame
) -> tuple[pd.DataFrame | None, pd.Series | None, NpsResult | None, dict[str, str]]:
    """The lifecycle funnel, the customers' NPS groups (:func:`nps_group`; None without a
    valid score) and their NPS, and the columns missing for them (``missing``: view →
    column)."""
    missing: dict[str, str] = {}
    funnel = lifecycle_funnel(customers, interactions) if "status" in customers else None
    if funnel is None:
        missing["funnel"] = "status"
    groups = nps_result = None
    if "nps_score" not in customers.columns:
        missing["nps"] = "nps_score"
    else:
        groups = nps_group(customers["nps_score"])
        try:
            nps_result = nps_of_groups(groups)
        except DataError:  # no valid score: no NPS, and none by activity class either
            groups = None
            missing["nps"] = "nps_score"
    return funnel, groups, nps_result, missing


@engine.releasing()
def prepare(
    dataset: Dataset, rules: ActivityRules = DEFAULT_RULES, inactive_months: int = 12
) -> None:
    """Build what every :func:`segment_report` of ``dataset`` (unfiltered, these ``rules`` and
    ``inactive_months``) reads before its own views: the customer days kept with its purchase
    frame, the customers' keys, the per-customer base, the recent days of the regular window,
    the month cells and the customer roster. The app runs this in the background as soon as
    a data set is loaded, so that the overview opened next finds them (a report that starts
    meanwhile waits for what is under way rather than computing it twice); for 18 M purchases
    it is most of the first report's time."""
    scope = _PurchaseScope.of(dataset, dataset.customers, None)
    if scope is None:
        return
    scope.summary(rules)  # keeps the base and the recent days on the way
    scope.month_cells(inactive_months)
    scope.roster()


@dataclass(frozen=True)
class _PurchaseScope:
    """The purchases a report reads: the data set's kept customer days
    (:func:`kundenmodell.engine.purchase_days`) and, under a filter, the chosen ``customers``
    (their ``mask`` over the customer table) with their keys as a one-column table."""

    kept: engine.PurchaseDays
    keyed: engine.KeyedPurchases
    customers: pd.DataFrame
    customer_keys: np.ndarray | None
    chosen: ibis.Table | None

    @property
    def as_of(self) -> pd.Timestamp:
        return self.kept.as_of

    @classmethod
    def of(
        cls, dataset: Dataset, customers: pd.DataFrame, mask: pd.Series | None
    ) -> _PurchaseScope | None:
        """None when the data set has no dated purchases to read."""
        if not {"customer_id", "date"} <= set(dataset.transactions.columns):
            return None
        kept = engine.purchase_days(dataset.transactions, dataset.customers["customer_id"])
        if kept.as_of is None:
            return None
        keyed = kept.keyed(dataset.customers["customer_id"])
        if keyed.ids is None and customers["customer_id"].dtype == object:
            # ids mixing numbers with text are compared as text (engine.frame_table), so the
            # customer 42 is the buyer "42"
            customers = customers.assign(customer_id=customers["customer_id"].astype("string"))
        customer_keys = keyed.customer_keys
        chosen = None
        if mask is not None:
            if customer_keys is not None:
                customer_keys = customer_keys[mask]
                chosen = engine.key_table(customer_keys)
            else:
                chosen = keyed.codes_of(customers["customer_id"])
        return cls(kept, keyed, customers, customer_keys, chosen)

    def days(self) -> ibis.Table:
        """Every customer day read (undated ones and those of nobody left in for the totals)."""
        table = self.keyed.table
        return table if self.chosen is None else table.semi_join(self.chosen, "customer_id")

    def totals(self) -> tuple[int, int, float]:
        """Purchases, buyers and revenue: the data set's kept ones, or counted under a filter."""
        return self.kept.totals if self.chosen is None else engine.totals_of_days(self.days())

    def summary(self, rules: ActivityRules) -> ibis.Table:
        """The customer summary to ``as_of`` from the kept per-customer base."""
        summary = self.kept.summary(self.as_of, recent_window_days=rules.regular_window_days)
        return summary if self.chosen is None else summary.semi_join(self.chosen, "customer_id")

    def month_cells(self, inactive_months: int) -> ibis.Table | None:
        """The whole data set's monthly :func:`~kundenmodell.engine.period_cells`, kept; None
        under a filter (:func:`month_views` builds the chosen customers' own)."""
        if self.chosen is not None:
            return None
        return engine.arrow_table(self.kept.month_cells(inactive_months))

    def roster(self) -> tuple[pd.Index, np.ndarray] | None:
        """The whole customer table's :func:`customer_roster`, kept with the days; None under a
        filter or for ids compared as text."""
        if self.chosen is not None or self.keyed.ids is None:
            return None
        return self.kept.remembered(
            ("roster",),
            lambda: customer_roster(self.keyed, self.customers, self.customer_keys),
            self.customers["customer_id"],
        )

    def activity(self, keys: np.ndarray, codes: np.ndarray) -> pd.Series:
        """Every chosen customer's activity class (:func:`keyed_with_never_bought`)."""
        return keyed_with_never_bought(
            keys, codes, self.keyed, self.customers, self.customer_keys, roster=self.roster()
        )


def _purchase_views(
    scope: _PurchaseScope,
    rules: ActivityRules,
    inactive_months: int,
    *,
    nps_groups: pd.Series | None,
) -> dict[str, object]:
    """The report's fields that read purchases: activity, RFM, monthly revenue, churn and
    cohorts (and NPS by activity class, given the customers' ``nps_groups``)."""
    days = scope.days()
    days = days.filter(days["day"].notnull())
    keys, codes, per_customer = _per_customer(scope.summary(rules), scope.as_of, rules)
    monthly, churn, cohorts = month_views(
        days, scope.as_of, inactive_months, cells=scope.month_cells(inactive_months)
    )
    activity = scope.activity(keys, codes)
    per_customer.index = scope.keyed.ids_of(keys)
    rfm_table = with_segments(per_customer, RFM_BINS)
    by_class = activity_summary(activity, codes, rfm_table["monetary"])
    return {
        "monthly": monthly,
        "activity": activity,
        "activity_summary": by_class,
        "actual_customers": int((rfm_table["recency_days"] < rules.active_window_days).sum()),
        **headline_figures(by_class, churn),
        "rfm": rfm_table,
        "rfm_grid": rfm_grid(rfm_table),
        "rfm_summary": rfm_summary(rfm_table),
        "nps_by_activity": (
            None if nps_groups is None else nps_by(scope.customers, activity, nps_groups)
        ),
        "churn": churn,
        "cohorts": cohorts,
    }


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
    days: ibis.Table,
    as_of: pd.Timestamp,
    inactive_months: int,
    *,
    cells: ibis.Table | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Monthly revenue, churn and cohorts from the :func:`~kundenmodell.engine.day_totals`
    ``days``: the customers' months flagged in one window and reduced to month × cohort
    cells (:func:`~kundenmodell.engine.period_cells` with ``inactive_months``; built here
    unless given as ``cells``), the small table all three read; revenue is summed from
    ``days`` by month."""
    if cells is None:
        with engine.materialised(engine.period_cells(days, "M", inactive_months)) as made:
            return month_views(days, as_of, inactive_months, cells=made)
    monthly = monthly_frame(engine.to_pandas(engine.monthly_of_period_cells(days, cells)))
    churn = churn_of_table(days, as_of, "M", inactive_months, periods=cells)
    cohorts = cohorts_of_table(days, as_of, "M", periods=cells)
    return monthly, churn, cohorts


def _per_customer(
    summary: ibis.Table, as_of: pd.Timestamp, rules: ActivityRules
) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Per buyer, in key order: the engine keys, the activity codes
    (:func:`kundenmodell.engine.activity_code`) and the RFM figures and scores, from
    :func:`~kundenmodell.segments.buyers.buyers_of_summary` of the customer ``summary``
    (its ``recent_days`` counted in the rules' regular window)."""
    buyers = buyers_of_summary(summary, as_of, rules).drop("segment")  # named in pandas
    scored = engine.to_pandas(buyers.order_by("customer_id"))
    keys = scored.pop("customer_id").to_numpy()
    codes = scored.pop("activity").to_numpy(dtype=np.int8)
    return keys, codes, scored
