"""Activity classes (regular / actual / one-time / lapsed) as one expression over the summary.

The first rule that fits wins, as in :func:`kundenmodell.segments.classify_activity`:
``regular`` when ``recent_days`` (distinct purchase days in the regular window) ≥
``regular_min_purchases``; ``actual`` when the last purchase is less than
``active_window_days`` before ``as_of``; ``one_time`` with a single purchase day; else
``lapsed``. ``never_bought`` needs the customer table and is added by the caller.
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dtypes

from kundenmodell.engine.purchases import day_literal

BUYER_CLASSES: tuple[str, ...] = ("regular", "actual", "one_time", "lapsed")
"""The classes a buyer can have, in the order of their codes (:func:`activity_code`)."""


def activity_code(
    summary: ibis.Table, as_of: object, *, active_window_days: int, regular_min_purchases: int
) -> ibis.Value:
    """The position in :data:`BUYER_CLASSES` of each row's activity class (int8): what a
    large result carries instead of the class names."""
    last_age = day_literal(as_of).delta(summary["last_day"], unit="day").cast(dtypes.int64)
    code = ibis.cases(
        (summary["recent_days"] >= regular_min_purchases, 0),
        (last_age < active_window_days, 1),
        (summary["purchase_days"] == 1, 2),
        else_=3,
    )
    return code.cast(dtypes.int8)


def activity_class(
    summary: ibis.Table, as_of: object, *, active_window_days: int, regular_min_purchases: int
) -> ibis.Value:
    """The activity class of each row of a customer summary built with
    ``recent_window_days`` = the regular window."""
    code = activity_code(
        summary,
        as_of,
        active_window_days=active_window_days,
        regular_min_purchases=regular_min_purchases,
    )
    return ibis.cases(*((code == position, name) for position, name in enumerate(BUYER_CLASSES)))
