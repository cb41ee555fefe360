"""Actual customers (echter Kunde) and regular customers (Stammkunde), by explicit rules."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kundenmodell import engine
from kundenmodell.errors import DataError
from kundenmodell.segments._common import require_columns, resolve_as_of

ACTIVITY_CLASSES: tuple[str, ...] = (*engine.BUYER_CLASSES, "never_bought")


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
    The classes are computed in the engine (:func:`kundenmodell.engine.activity_class`).
    """
    rules = ActivityRules(active_window_days, regular_min_purchases, regular_window_days)
    require_columns(transactions, "transactions", ("customer_id", "date"))
    table = engine.frame_table(transactions, engine.PURCHASE_COLUMNS)
    as_of = resolve_as_of(transactions, as_of)
    summary = engine.customer_summary(
        engine.purchases(table, as_of), as_of, recent_window_days=rules.regular_window_days
    )
    classes = summary.select(
        "customer_id",
        activity=engine.activity_class(
            summary,
            as_of,
            active_window_days=rules.active_window_days,
            regular_min_purchases=rules.regular_min_purchases,
        ),
    )
    frame = engine.to_pandas(classes.order_by("customer_id"))
    result = pd.Series(frame["activity"].to_numpy(), index=frame["customer_id"], name="activity")
    return with_never_bought(result, customers)


def with_never_bought(activity: pd.Series, customers: pd.DataFrame | None) -> pd.Series:
    """``activity`` (classes of buyers) plus ``never_bought`` for every customer in
    ``customers`` without a purchase, as the categorical of :data:`ACTIVITY_CLASSES`."""
    if customers is not None:
        everyone = pd.Index(customers["customer_id"].unique())
        activity = activity.reindex(
            everyone.union(activity.index, sort=False), fill_value="never_bought"
        )
    activity.index.name = "customer_id"
    return activity.astype(pd.CategoricalDtype(list(ACTIVITY_CLASSES)))


def keyed_with_never_bought(
    keys: np.ndarray,
    codes: np.ndarray,
    keyed: engine.KeyedPurchases,
    customers: pd.DataFrame,
    customer_keys: np.ndarray | None = None,
    *,
    roster: tuple[pd.Index, np.ndarray] | None = None,
) -> pd.Series:
    """:func:`with_never_bought` of the buyers with engine customer ``keys``
    (:func:`kundenmodell.engine.keyed_purchases`) and activity ``codes`` (positions in
    :data:`ACTIVITY_CLASSES`, :func:`kundenmodell.engine.activity_code`): the ids are matched
    once by position instead of aligning two text indexes. Same order: the customers, then
    buyers missing from them. ``customer_keys``: the keys of ``customers``' rows when the
    engine encoded them (:attr:`~kundenmodell.engine.KeyedPurchases.customer_keys`);
    ``roster``: their :func:`customer_roster`, when already known."""
    categories = pd.CategoricalDtype(list(ACTIVITY_CLASSES))
    if keyed.ids is None:
        classes = pd.Series(pd.Categorical.from_codes(codes, dtype=categories))
        return with_never_bought(classes.set_axis(keyed.ids_of(keys)), customers)
    never = categories.categories.get_loc("never_bought")
    by_key = np.full(len(keyed.ids), never, dtype=np.int8)
    buyers = np.asarray(keys, dtype=np.int64)
    by_key[buyers] = codes
    everyone, positions = roster or customer_roster(keyed, customers, customer_keys)
    found = positions >= 0
    everyone_codes = np.where(found, by_key[np.maximum(positions, 0)], never)
    listed = np.zeros(len(keyed.ids), dtype=bool)
    listed[positions[found]] = True
    extra = buyers[~listed[buyers]]
    index = everyone.append(keyed.ids.take(extra)) if len(extra) else everyone
    values = pd.Categorical.from_codes(
        np.r_[everyone_codes, by_key[extra]].astype(np.int8), dtype=categories
    )
    return pd.Series(values, index=index.rename("customer_id"), name="activity")


def customer_roster(
    keyed: engine.KeyedPurchases, customers: pd.DataFrame, customer_keys: np.ndarray | None
) -> tuple[pd.Index, np.ndarray]:
    """Each customer of ``customers`` once, in order of first appearance, and their engine key
    (−1: no purchase): what :func:`keyed_with_never_bought` lays the classes on. It depends
    on the customer table alone, so a data set's is kept with its purchase days
    (:meth:`kundenmodell.engine.PurchaseDays.remembered`)."""
    if customer_keys is None:
        everyone = pd.Index(customers["customer_id"].unique())
        return everyone, keyed.keys_of(everyone)
    first = first_rows(customer_keys, len(keyed.ids))
    ids = customers["customer_id"].array
    everyone = pd.Index(ids if len(first) == len(ids) else ids.take(first))
    return everyone, customer_keys[first].astype(np.int64)


def first_rows(keys: np.ndarray, distinct: int) -> np.ndarray:
    """The rows where each of ``keys`` (0 … ``distinct`` − 1, or −1 for a missing id, counted
    as one more key) appears first, in row order: every row when no key repeats (one
    ``bincount``: a customer table lists each customer once), else the earliest row per key by
    one scatter (``np.minimum.at``) and one comparison, without the sort of ``np.unique``."""
    slot = np.where(keys >= 0, keys, distinct)
    rows = np.arange(len(slot))
    if not len(slot) or np.bincount(slot, minlength=distinct + 1).max() == 1:
        return rows
    earliest = np.full(distinct + 1, len(slot))
    np.minimum.at(earliest, slot, rows)
    return np.flatnonzero(earliest[slot] == rows)
