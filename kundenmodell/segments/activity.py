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
    days = purchases[["customer_id", "date"]].drop_duplicates()
    age = (as_of - days["date"]).dt.days
    per_customer = pd.DataFrame(
        {
            "purchase_days": days.groupby("customer_id").size(),
            "recent_days": (age < rules.regular_window_days).groupby(days["customer_id"]).sum(),
            "last_age": age.groupby(days["customer_id"]).min(),
        }
    )
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
