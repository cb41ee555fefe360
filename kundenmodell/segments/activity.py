"""Actual customers (echter Kunde) and regular customers (Stammkunde), by explicit rules."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kundenmodell.errors import DataError
from kundenmodell.segments._common import purchases_until, resolve_as_of

ACTIVITY_CLASSES: tuple[str, ...] = ("regular", "actual", "one_time", "lapsed", "never_bought")


@dataclass(frozen=True)
class ActivityRules:
    """The adjustable rules of :func:`classify_activity`, in days and purchases."""

    active_window_days: int = 365
    regular_min_purchases: int = 3
    regular_window_days: int = 365

    def __post_init__(self) -> None:
        if self.active_window_days < 1 or self.regular_window_days < 1:
            raise DataError("error.segments.invalid_window")
        if self.regular_min_purchases < 2:
            raise DataError("error.segments.invalid_min_purchases")


def classify_activity(
    transactions: pd.DataFrame,
    as_of: object | None = None,
    *,
    active_window_days: int = 365,
    regular_min_purchases: int = 3,
    regular_window_days: int = 365,
    customers: pd.DataFrame | None = None,
) -> pd.Series:
    """One activity class per customer, indexed by ``customer_id``; the first rule that fits wins.

    1. ``regular`` (Stammkunde): at least ``regular_min_purchases`` purchases on distinct days in
       the ``regular_window_days`` up to ``as_of``;
    2. ``actual`` (echter Kunde): a purchase in the ``active_window_days`` up to ``as_of``;
    3. ``one_time``: exactly one purchase day ever, before the active window;
    4. ``lapsed``: several purchase days, none in the active window;
    5. ``never_bought``: in ``customers`` but without any purchase (only when ``customers`` is
       given).

    Purchases after ``as_of`` (default: the last purchase date) are ignored. Windows include
    ``as_of`` itself: a purchase ``active_window_days - 1`` days before it is still active.
    """
    rules = ActivityRules(active_window_days, regular_min_purchases, regular_window_days)
    as_of = resolve_as_of(transactions, as_of)
    purchases = purchases_until(transactions, as_of)
    per_customer = purchase_day_stats(purchases, as_of, rules.regular_window_days)
    classes = np.select(
        [
            per_customer["recent_days"] >= rules.regular_min_purchases,
            per_customer["last_age"] < rules.active_window_days,
            per_customer["purchase_days"] == 1,
        ],
        ["regular", "actual", "one_time"],
        default="lapsed",
    )
    result = pd.Series(classes, index=per_customer.index, name="activity")
    if customers is not None:
        everyone = pd.Index(customers["customer_id"].unique())
        result = result.reindex(everyone.union(result.index, sort=False), fill_value="never_bought")
    result.index.name = "customer_id"
    return result.astype(pd.CategoricalDtype(list(ACTIVITY_CLASSES)))


def purchase_day_stats(
    purchases: pd.DataFrame, as_of: pd.Timestamp, recent_window_days: int
) -> pd.DataFrame:
    """Per customer (index ``customer_id``): ``purchase_days``, the distinct days with a purchase;
    ``recent_days``, those less than ``recent_window_days`` before ``as_of``; ``last_age``, the
    days from the last purchase to ``as_of``. ``purchases`` hold whole days up to ``as_of``.

    With non-negative integer ids (the segment report's codes) each (customer, day) pair is one
    integer ``customer · span + age``; sorting those and reading runs replaces a two-column
    ``drop_duplicates`` and three group-bys, several times faster on millions of purchases.
    """
    ids = purchases["customer_id"]
    age = (as_of - purchases["date"]).dt.days.to_numpy()
    codes = pd.api.types.is_integer_dtype(ids.dtype) and len(ids) and not ids.hasnans
    if not (codes and ids.min() >= 0):
        days = ids.to_frame().assign(age=age).drop_duplicates()
        grouped = days.groupby("customer_id")["age"]
        recent = days["age"] < recent_window_days
        return pd.DataFrame(
            {
                "purchase_days": grouped.size(),
                "recent_days": recent.groupby(days["customer_id"]).sum(),
                "last_age": grouped.min(),
            }
        )
    span = int(age.max()) + 1
    pairs = np.sort(ids.to_numpy(dtype=np.int64) * span + age)
    pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]]
    customer, pair_age = np.divmod(pairs, span)
    starts = np.flatnonzero(np.r_[True, customer[1:] != customer[:-1]])
    return pd.DataFrame(
        {
            "purchase_days": np.diff(np.r_[starts, len(pairs)]),
            "recent_days": np.add.reduceat(
                (pair_age < recent_window_days).astype(np.int64), starts
            ),
            "last_age": pair_age[starts],  # ages ascend within a customer: the first is the last
        },
        index=pd.Index(customer[starts], name="customer_id"),
    )
