"""Churn rate and acquisition-cohort retention for non-contractual purchase data."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kundenmodell.errors import DataError
from kundenmodell.segments._common import purchases_until, resolve_as_of


def _purchase_periods(transactions: pd.DataFrame, as_of: pd.Timestamp, period: str) -> pd.DataFrame:
    if period not in ("M", "Q"):
        raise DataError("error.segments.invalid_period_unit", unit=period)
    purchases = purchases_until(transactions, as_of)
    ordinals = purchases["date"].dt.to_period(period).array.asi8
    frame = pd.DataFrame(
        {"customer_id": purchases["customer_id"].to_numpy(), "ordinal": ordinals}
    ).drop_duplicates()
    return frame.sort_values(["customer_id", "ordinal"], kind="stable")


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
    if inactive_periods < 1:
        raise DataError("error.segments.invalid_window")
    as_of = resolve_as_of(transactions, as_of)
    frame = _purchase_periods(transactions, as_of, period)
    if frame.empty:
        raise DataError("error.segments.no_dated_purchases")
    ordinal = frame["ordinal"].to_numpy()
    same_customer = frame["customer_id"].to_numpy()[1:] == frame["customer_id"].to_numpy()[:-1]
    gap = np.diff(ordinal)
    first = np.r_[True, ~same_customer]
    # A purchase starts an active spell when it is the customer's first or follows a gap long
    # enough for them to have churned in between.
    lapsed_before = np.r_[False, same_customer & (gap >= inactive_periods)]
    # A spell ends (churn) inactive_periods after a purchase that is the last of its spell.
    last_in_spell = np.r_[~same_customer | (gap >= inactive_periods), True]
    churn_at = ordinal[last_in_spell] + inactive_periods
    start, end = int(ordinal.min()), pd.Period(as_of, period).ordinal
    index = np.arange(start, end + 1)
    new = np.bincount(ordinal[first] - start, minlength=len(index))[: len(index)]
    reactivated = np.bincount(ordinal[lapsed_before] - start, minlength=len(index))[: len(index)]
    observable = churn_at[churn_at <= end]
    churned = np.bincount(observable - start, minlength=len(index))[: len(index)]
    active_end = np.cumsum(new + reactivated - churned)
    active_start = np.r_[0, active_end[:-1]]
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(active_start > 0, churned / np.maximum(active_start, 1), np.nan)
    return pd.DataFrame(
        {
            "period": pd.PeriodIndex.from_ordinals(index, freq=period).to_timestamp(),
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
    as_of = resolve_as_of(transactions, as_of)
    frame = _purchase_periods(transactions, as_of, period)
    if frame.empty:
        raise DataError("error.segments.no_dated_purchases")
    first = frame.groupby("customer_id", sort=False)["ordinal"].transform("min")
    cells = (
        pd.DataFrame({"cohort": first.to_numpy(), "since": (frame["ordinal"] - first).to_numpy()})
        .groupby(["cohort", "since"])
        .size()
        .rename("active")
        .reset_index()
    )
    sizes = cells.loc[cells["since"] == 0].set_index("cohort")["active"]
    cells["cohort_size"] = cells["cohort"].map(sizes).to_numpy()
    cells["retention"] = cells["active"] / cells["cohort_size"]
    cells["cohort"] = pd.PeriodIndex.from_ordinals(cells["cohort"], freq=period).to_timestamp()
    return cells.rename(columns={"since": "periods_since"})[
        ["cohort", "periods_since", "active", "cohort_size", "retention"]
    ]
