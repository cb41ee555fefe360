"""Retention and churn without a model: Kaplan–Meier curves per cohort or segment.

In a shop nobody cancels; a customer is *lost* when they stop buying. Here a customer's
lifetime L is last purchase day − first purchase day, and it is known to have ended once
``inactive_days`` have passed without a purchase. Every customer is followed until
C = observation_end − inactive_days − first purchase day: if L ≤ C their lifetime ended at
L (an event), otherwise it is censored at C (they are still buying, or it is too early to
tell). Because C depends only on when someone started, censoring is independent of the
lifetime, which is what Kaplan–Meier needs. Customers whose first purchase lies within the
last ``inactive_days`` tell nothing yet and are left out.

The Kaplan–Meier estimate S(t) = Π_{tⱼ ≤ t} (1 − dⱼ/nⱼ) (dⱼ lifetimes ending at tⱼ, nⱼ still
followed at tⱼ) is the share of customers who still buy later than t after their first
purchase. S(0) < 1: one-time buyers end at 0. The churn of month k is 1 − S(k)/S(k−1), and the
average monthly churn of returning customers over the first months is
1 − (S(k)/S(0))^{1/k}.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kundenmodell.clv.summary import DAYS_PER_UNIT
from kundenmodell.dates import as_days
from kundenmodell.errors import DataError

DAYS_PER_MONTH = DAYS_PER_UNIT["M"]
MIN_AT_RISK = 20
"""A retention curve stops where fewer customers than this are still followed."""


def customer_lifetimes(
    transactions: pd.DataFrame,
    *,
    inactive_days: int = 180,
    observation_end: object = None,
    customer_id_col: str = "customer_id",
    date_col: str = "date",
) -> pd.DataFrame:
    """Per customer: ``first_purchase``, ``last_purchase``, ``duration_days`` (min(L, C)) and
    ``churned`` (True when the lifetime is known to have ended), indexed by customer id.

    ``observation_end`` defaults to the last purchase date. Only customers with C ≥ 0 appear.
    Raises :class:`DataError` ``error.missing_column`` and ``error.clv.invalid_inactivity``
    (inactive_days must be positive).
    """
    for column in (customer_id_col, date_col):
        if column not in transactions.columns:
            raise DataError("error.missing_column", table="transactions", column=column)
    if inactive_days <= 0:
        raise DataError("error.clv.invalid_inactivity")
    frame = pd.DataFrame(
        {"customer_id": transactions[customer_id_col], "day": as_days(transactions[date_col])}
    )
    frame = frame.dropna()
    end = (
        frame["day"].max() if observation_end is None else pd.Timestamp(observation_end).normalize()
    )
    frame = frame[frame["day"] <= end]
    span = frame.groupby("customer_id", observed=True)["day"].agg(["min", "max"])
    lifetime = (span["max"] - span["min"]).dt.days.to_numpy()
    follow_up = (end - span["min"]).dt.days.to_numpy() - inactive_days
    result = pd.DataFrame(
        {
            "first_purchase": span["min"],
            "last_purchase": span["max"],
            "duration_days": np.minimum(lifetime, follow_up),
            "churned": lifetime <= follow_up,
        },
        index=span.index.rename("customer_id"),
    )
    return result[follow_up >= 0]


def kaplan_meier(
    durations: Sequence[float] | np.ndarray, observed: Sequence[bool] | np.ndarray
) -> pd.DataFrame:
    """The Kaplan–Meier table: one row per distinct duration with ``time``, ``at_risk``
    (followed at least that long), ``events`` and ``survival`` S(time)."""
    durations = np.asarray(durations, dtype=np.float64)
    observed = np.asarray(observed, dtype=bool)
    times, position = np.unique(durations, return_inverse=True)
    leaving = np.bincount(position, minlength=len(times))
    events = np.bincount(position, weights=observed, minlength=len(times))
    at_risk = len(durations) - np.concatenate(([0], np.cumsum(leaving)[:-1]))
    survival = np.cumprod(
        1.0 - np.divide(events, at_risk, out=np.zeros(len(times)), where=at_risk > 0)
    )
    return pd.DataFrame(
        {"time": times, "at_risk": at_risk, "events": events.astype(np.int64), "survival": survival}
    )


def cohorts(first_purchase: pd.Series, freq: str = "Y") -> pd.Series:
    """Cohort label of each customer from the first purchase: ``"2024"`` (freq ``"Y"``) or
    ``"2024-Q1"`` (freq ``"Q"``)."""
    if freq == "Q":
        quarter = first_purchase.dt.quarter.astype(str)
        return first_purchase.dt.year.astype(str) + "-Q" + quarter
    return first_purchase.dt.year.astype(str)


def retention_curves(
    lifetimes: pd.DataFrame,
    groups: pd.Series | None = None,
    *,
    months: int = 24,
    min_at_risk: int = MIN_AT_RISK,
) -> pd.DataFrame:
    """Kaplan–Meier retention at the end of months 0…``months`` per group.

    ``groups`` maps customer id → group label (missing ids form no group); without it all
    customers form the group ``"all"``. Columns: ``group``, ``month``, ``retention`` S(month),
    ``at_risk`` (customers still followed) and ``monthly_churn`` (1 − S(k)/S(k−1); NaN in
    month 0). A group's curve ends where fewer than ``min_at_risk`` customers are followed.
    """
    if groups is None:
        labels = pd.Series("all", index=lifetimes.index)
    else:
        labels = groups.reindex(lifetimes.index)
    grid = np.arange(months + 1) * DAYS_PER_MONTH
    pieces = []
    for label, members in lifetimes.groupby(labels.astype("string"), observed=True, sort=True):
        table = kaplan_meier(members["duration_days"], members["churned"])
        index = np.searchsorted(table["time"].to_numpy(), grid, side="right") - 1
        survival = np.where(index >= 0, table["survival"].to_numpy()[np.maximum(index, 0)], 1.0)
        durations = np.sort(members["duration_days"].to_numpy())
        at_risk = len(durations) - np.searchsorted(durations, grid, side="left")
        keep = at_risk >= min_at_risk
        if not keep.any():
            continue
        previous = np.concatenate(([np.nan], survival[:-1]))
        churn = 1.0 - np.divide(
            survival, previous, out=np.full(len(grid), np.nan), where=previous > 0
        )
        pieces.append(
            pd.DataFrame(
                {
                    "group": str(label),
                    "month": np.arange(months + 1),
                    "retention": survival,
                    "at_risk": at_risk,
                    "monthly_churn": churn,
                }
            )[keep]
        )
    if not pieces:
        return pd.DataFrame(columns=["group", "month", "retention", "at_risk", "monthly_churn"])
    return pd.concat(pieces, ignore_index=True)


def churn_summary(curves: pd.DataFrame, *, months: int = 12) -> pd.DataFrame:
    """Per group: ``customers`` followed at month 0, ``one_time_share`` 1 − S(0),
    ``retention`` S(k) and ``monthly_churn`` 1 − (S(k)/S(0))^{1/k} for k = ``months`` or the
    last month the curve reaches (``horizon``)."""
    rows = []
    for group, curve in curves.groupby("group", sort=False):
        curve = curve[curve["month"] <= months]
        start, last = curve.iloc[0], curve.iloc[-1]
        horizon = int(last["month"])
        ratio = last["retention"] / start["retention"] if start["retention"] > 0 else np.nan
        rows.append(
            {
                "group": group,
                "customers": int(start["at_risk"]),
                "one_time_share": 1.0 - start["retention"],
                "horizon": horizon,
                "retention": last["retention"],
                "monthly_churn": 1.0 - ratio ** (1.0 / horizon) if horizon > 0 else np.nan,
            }
        )
    return pd.DataFrame(
        rows,
        columns=["group", "customers", "one_time_share", "horizon", "retention", "monthly_churn"],
    )
