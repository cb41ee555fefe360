"""The per-customer purchase summary, and the CLV inputs and histogram read from it.

One scan of the purchases gives, per customer who bought up to the reference day ``as_of``:

- ``purchases``: purchase rows; ``revenue``: their sum;
- ``first_day`` and ``last_day``; ``purchase_days``: distinct days with a purchase;
- ``recent_days``: those days less than ``recent_window_days`` before ``as_of``;
- ``first_day_amount``: the total of the first purchase day;
- the CLV inputs of Fader, Hardie & Lee (2005), durations in days / ``unit_days``:
  ``frequency`` x = purchase_days − 1 (repeat purchase *days*: one day's basket lines are one
  visit), ``recency`` t_x = (last_day − first_day) / unit, ``T`` = (as_of − first_day) / unit,
  ``monetary_value`` = (revenue − first_day_amount) / x, the mean repeat-day spend (0 when x = 0).

The summary stays an engine table; what comes back to Python is either a page of it or a
reduction of it such as :func:`clv_histogram`.
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dtypes

from kundenmodell.engine.connection import scalars
from kundenmodell.engine.purchases import as_float, day_literal, money, purchase_rows

SUMMARY_COLUMNS = (
    "customer_id",
    "purchases",
    "revenue",
    "first_day",
    "last_day",
    "purchase_days",
    "recent_days",
    "first_day_amount",
    "frequency",
    "recency",
    "T",
    "monetary_value",
)


def day_totals(purchases: ibis.Table) -> ibis.Table:
    """One row per customer and purchase day: ``rows`` (purchases that day) and ``amount``."""
    return purchases.group_by(["customer_id", "day"]).aggregate(
        rows=ibis._.count(), amount=purchases["amount"].sum()
    )


def every_purchase_day(transactions: ibis.Table) -> ibis.Table:
    """:func:`day_totals` of every row of a purchase table (undated rows and rows without a
    customer included, as :func:`~kundenmodell.engine.purchases.purchase_rows` keeps them):
    the table the in-place overview and CLV fit start from, whether kept or computed."""
    return day_totals(purchase_rows(transactions))


def totals_of_days(days: ibis.Table) -> tuple[int, int, float]:
    """:func:`~kundenmodell.engine.purchases.purchase_totals` from the :func:`day_totals` of
    *every* purchase row (undated ones and those without a customer included, as
    :func:`~kundenmodell.engine.purchases.purchase_rows` keeps them): ``purchases`` (rows),
    ``buyers`` (distinct known customers) and ``revenue``, in one query."""
    known = days.filter(days["customer_id"].notnull())
    buyers = known.select("customer_id").distinct().count()
    totals = days.aggregate(purchases=days["rows"].sum(), revenue=as_float(days["amount"].sum()))
    found = scalars(totals.mutate(buyers=buyers.as_scalar()))
    return int(found["purchases"] or 0), int(found["buyers"]), float(found["revenue"] or 0.0)


def customer_summary(
    purchases: ibis.Table,
    as_of: object,
    *,
    unit_days: float = 7.0,
    recent_window_days: int = 365,
) -> ibis.Table:
    """The per-customer summary of the module docstring; ``purchases`` come from
    :func:`kundenmodell.engine.purchases.purchases` cut at ``as_of``."""
    return summary_of_days(
        day_totals(purchases),
        as_of,
        unit_days=unit_days,
        recent_window_days=recent_window_days,
    )


def summary_of_days(
    days: ibis.Table,
    as_of: object,
    *,
    unit_days: float = 7.0,
    recent_window_days: int = 365,
) -> ibis.Table:
    """:func:`customer_summary` of purchases already reduced by :func:`day_totals` (known
    customers, days up to ``as_of``): a report that also needs months groups the purchases
    by customer and day once and reads that table twice."""
    age = day_literal(as_of).delta(days["day"], unit="day")
    recent = (age < recent_window_days).cast(dtypes.int64).sum()
    per_customer = days.group_by("customer_id").aggregate(
        **_base_aggregates(days), recent_days=recent
    )
    return _with_clv_inputs(per_customer, as_of, unit_days)


BASE_COLUMNS = tuple(
    name
    for name in SUMMARY_COLUMNS
    if name not in ("recent_days", "frequency", "recency", "T", "monetary_value")
)
"""The columns of :func:`customer_base`: the summary's, less the recent days (counted back
from a reference day) and the CLV inputs (derived from the others)."""


def customer_base(days: ibis.Table) -> ibis.Table:
    """Per customer of :func:`day_totals` ``days``: the summary columns that do not depend on
    a reference day (:data:`BASE_COLUMNS`; amounts exact, :data:`MONEY`). A data set's is
    computed once and kept (:class:`~kundenmodell.engine.PurchaseDays`): the summary for any
    reference day on or after the last purchase follows from it
    (:func:`summary_of_base`) without another pass over the days."""
    return days.group_by("customer_id").aggregate(**_base_aggregates(days))


def recent_day_counts(days: ibis.Table, as_of: object, window_days: int) -> ibis.Table:
    """``customer_id`` and ``recent_days``, the distinct purchase days less than
    ``window_days`` before ``as_of``, of the customers who have any (a filter before the
    grouping: most days are older)."""
    age = day_literal(as_of).delta(days["day"], unit="day")
    recent = days.filter(age < window_days)
    return recent.group_by("customer_id").aggregate(recent_days=recent.count().cast(dtypes.int64))


def summary_of_base(
    base: ibis.Table, recent: ibis.Table | None, as_of: object, *, unit_days: float = 7.0
) -> ibis.Table:
    """:func:`summary_of_days` from a :func:`customer_base` and its :func:`recent_day_counts`
    (None: ``recent_days`` 0, for a caller that does not read them), for an ``as_of`` on or
    after every customer's last day."""
    if recent is None:
        joined = base.mutate(recent_days=ibis.literal(0, type=dtypes.int64))
    else:
        joined = base.left_join(recent, "customer_id").select(
            *BASE_COLUMNS, recent_days=recent["recent_days"]
        )
    return _with_clv_inputs(joined, as_of, unit_days)


def _base_aggregates(days: ibis.Table) -> dict[str, ibis.Value]:
    return {
        "purchases": days["rows"].sum().cast(dtypes.int64),
        "revenue": days["amount"].sum(),
        "first_day": days["day"].min(),
        "last_day": days["day"].max(),
        "purchase_days": days.count().cast(dtypes.int64),
        "first_day_amount": days["amount"].argmin(days["day"]),
    }


def _with_clv_inputs(per_customer: ibis.Table, as_of: object, unit_days: float) -> ibis.Table:
    """The :data:`SUMMARY_COLUMNS` of per-customer aggregates: amounts as float64, and the
    CLV inputs of the module docstring counted to ``as_of`` in units of ``unit_days``."""
    end = day_literal(as_of)
    unit = ibis.literal(float(unit_days))
    frequency = per_customer["purchase_days"] - 1
    repeat_spend = as_float(per_customer["revenue"] - per_customer["first_day_amount"])
    return per_customer.mutate(
        revenue=as_float(per_customer["revenue"]),
        first_day_amount=as_float(per_customer["first_day_amount"]),
        recent_days=per_customer["recent_days"].fill_null(0),
        frequency=frequency,
        recency=per_customer["last_day"]
        .delta(per_customer["first_day"], unit="day")
        .cast(dtypes.float64)
        / unit,
        T=end.delta(per_customer["first_day"], unit="day").cast(dtypes.float64) / unit,
        monetary_value=ibis.ifelse(
            frequency > 0, repeat_spend / frequency.cast(dtypes.float64), 0.0
        ),
    ).select(*SUMMARY_COLUMNS)


def clv_histogram(summary: ibis.Table) -> ibis.Table:
    """The distinct (``frequency``, ``recency``, ``T``) of a :func:`customer_summary` with
    ``customers`` (how many share them) and ``monetary_sum`` (their summed repeat spend):
    the BG/NBD likelihood is a sum over customers, so it can be weighted by ``customers``."""
    # Σ monetary_value = Σ repeat spend / x within a group (x is one of its keys); the repeat
    # spend is summed exactly (:data:`~kundenmodell.engine.purchases.MONEY`).
    repeat = money(summary["monetary_value"] * summary["frequency"].cast(dtypes.float64))
    groups = summary.group_by(["frequency", "recency", "T"]).aggregate(
        customers=ibis._.count(), repeat_sum=as_float(repeat.sum())
    )
    per_repeat = groups["repeat_sum"] / groups["frequency"].cast(dtypes.float64)
    monetary_sum = ibis.ifelse(groups["frequency"] > 0, per_repeat, 0.0)
    return (
        groups.mutate(monetary_sum=monetary_sum)
        .drop("repeat_sum")
        .order_by(["frequency", "recency", "T"])
    )
