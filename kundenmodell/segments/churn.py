"""Churn rate and acquisition-cohort retention for non-contractual purchase data."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kundenmodell.arrays import distinct_sorted
from kundenmodell.errors import DataError
from kundenmodell.segments._common import purchases_until, resolve_as_of


def period_ordinals(dates: pd.Series, period: str) -> np.ndarray:
    """Calendar months (``"M"``) or quarters (``"Q"``) since 1970 as integers, the same
    ordinals pandas uses for monthly and quarterly periods, computed with numpy."""
    if period not in ("M", "Q"):
        raise DataError("error.segments.invalid_period_unit", unit=period)
    months = dates.to_numpy().astype("datetime64[M]").astype(np.int64)
    return months if period == "M" else np.floor_divide(months, 3)


@dataclass(frozen=True)
class PurchasePeriods:
    """Which customer bought in which period: arrays sorted by customer, then period.

    ``customer`` holds integer customer codes, ``ordinal`` the period ordinals of
    :func:`period_ordinals`; one entry per customer and period with a purchase. Built once by
    :func:`purchase_periods`, it feeds both :func:`churn_from_periods` and
    :func:`cohorts_from_periods`.
    """

    customer: np.ndarray
    ordinal: np.ndarray
    last_ordinal: int
    period: str

    @property
    def first_of_customer(self) -> np.ndarray:
        """True where a customer's entries begin."""
        return np.r_[True, self.customer[1:] != self.customer[:-1]]


def purchase_periods(
    transactions: pd.DataFrame, period: str = "M", *, as_of: object | None = None
) -> PurchasePeriods:
    """The distinct (customer, period) pairs of the purchases up to ``as_of``."""
    as_of = resolve_as_of(transactions, as_of)
    purchases = purchases_until(transactions, as_of)
    ordinals = period_ordinals(purchases["date"], period)
    if len(ordinals) == 0:
        raise DataError("error.segments.no_dated_purchases")
    codes, _ = pd.factorize(purchases["customer_id"])
    low = ordinals.min()
    span = int(ordinals.max() - low) + 1
    pairs = distinct_sorted(
        codes.astype(np.int64) * span + (ordinals - low), (codes.max() + 1) * span
    )
    last = int(period_ordinals(pd.Series([as_of]), period)[0])
    return PurchasePeriods(pairs // span, pairs % span + low, last, period)


def churn_rate(
    transactions: pd.DataFrame,
    period: str = "M",
    *,
    inactive_periods: int = 12,
    as_of: object | None = None,
) -> pd.DataFrame:
    """Customers lost per period, where "lost" means no purchase for ``inactive_periods``.

    In non-contractual business nobody cancels; a customer counts as churned in the period in
    which their ``inactive_periods``-th period without a purchase ends (a purchase in period p
    keeps them active through p + inactive_periods − 1). A later purchase reactivates them.
    Per period: ``active_start`` (active at the end of the previous period), ``new`` (first
    purchase), ``reactivated``, ``churned``, ``active_end`` and
    ``churn_rate`` = churned / active_start, up to the period of ``as_of``. ``observable`` is
    False for the first ``inactive_periods`` periods of the data, in which nobody can have churned
    yet; charts and averages should skip them.
    """
    periods = purchase_periods(transactions, period, as_of=as_of)
    return churn_from_periods(periods, inactive_periods)


def churn_from_periods(periods: PurchasePeriods, inactive_periods: int = 12) -> pd.DataFrame:
    """:func:`churn_rate` from precomputed :class:`PurchasePeriods`."""
    if inactive_periods < 1:
        raise DataError("error.segments.invalid_window")
    ordinal, customer = periods.ordinal, periods.customer
    same_customer = customer[1:] == customer[:-1]
    long_gap = np.diff(ordinal) >= inactive_periods
    first = periods.first_of_customer
    # A purchase starts an active spell when it is the customer's first or follows a gap long
    # enough for them to have churned in between.
    lapsed_before = np.r_[False, same_customer & long_gap]
    # A spell ends (churn) inactive_periods after a purchase that is the last of its spell.
    last_in_spell = np.r_[~same_customer | long_gap, True]
    churn_at = ordinal[last_in_spell] + inactive_periods
    start, end = int(ordinal.min()), periods.last_ordinal
    size = end - start + 1
    new = np.bincount(ordinal[first] - start, minlength=size)[:size]
    reactivated = np.bincount(ordinal[lapsed_before] - start, minlength=size)[:size]
    churned = np.bincount(churn_at[churn_at <= end] - start, minlength=size)[:size]
    active_end = np.cumsum(new + reactivated - churned)
    active_start = np.r_[0, active_end[:-1]]
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(active_start > 0, churned / np.maximum(active_start, 1), np.nan)
    index = np.arange(start, end + 1)
    return pd.DataFrame(
        {
            "period": pd.PeriodIndex.from_ordinals(index, freq=periods.period).to_timestamp(),
            "active_start": active_start,
            "new": new,
            "reactivated": reactivated,
            "churned": churned,
            "active_end": active_end,
            "churn_rate": rate,
            "observable": index >= start + inactive_periods,
        }
    )


def cohort_retention(
    transactions: pd.DataFrame, period: str = "M", *, as_of: object | None = None
) -> pd.DataFrame:
    """Acquisition cohorts × periods since the first purchase, as a tidy frame.

    ``cohort`` is the period of a customer's first purchase, ``periods_since`` 0, 1, 2 …,
    ``active`` the cohort's customers buying in that period, ``cohort_size`` the cohort's size
    and ``retention`` = active / cohort_size (1.0 at period 0 by definition). Only observed
    cells (cohort + periods_since ≤ the period of ``as_of``) appear.
    """
    return cohorts_from_periods(purchase_periods(transactions, period, as_of=as_of))


def cohorts_from_periods(periods: PurchasePeriods) -> pd.DataFrame:
    """:func:`cohort_retention` from precomputed :class:`PurchasePeriods`."""
    first = periods.first_of_customer
    # Entries are sorted by customer, so each customer's first period repeats over their rows.
    cohort = np.repeat(periods.ordinal[first], np.diff(np.r_[np.flatnonzero(first), len(first)]))
    since = periods.ordinal - cohort
    width = int(since.max()) + 1
    counts = np.bincount((cohort - cohort.min()) * width + since)
    cells = np.flatnonzero(counts)
    active = counts[cells]
    frame = pd.DataFrame(
        {"cohort": cells // width + cohort.min(), "periods_since": cells % width, "active": active}
    )
    sizes = frame.loc[frame["periods_since"] == 0].set_index("cohort")["active"]
    frame["cohort_size"] = frame["cohort"].map(sizes).to_numpy()
    frame["retention"] = frame["active"] / frame["cohort_size"]
    frame["cohort"] = pd.PeriodIndex.from_ordinals(
        frame["cohort"], freq=periods.period
    ).to_timestamp()
    return frame
