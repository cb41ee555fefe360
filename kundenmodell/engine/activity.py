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


def activity_class(
    summary: ibis.Table, as_of: object, *, active_window_days: int, regular_min_purchases: int
) -> ibis.Value:
    """The activity class of each row of a customer summary built with
    ``recent_window_days`` = the regular window."""
    last_age = day_literal(as_of).delta(summary["last_day"], unit="day").cast(dtypes.int64)
    return ibis.cases(
        (summary["recent_days"] >= regular_min_purchases, "regular"),
        (last_age < active_window_days, "actual"),
        (summary["purchase_days"] == 1, "one_time"),
        else_="lapsed",
    )
