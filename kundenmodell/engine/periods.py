"""Monthly revenue, churn events and acquisition cohorts, reduced in the engine.

Periods are integer ordinals since 1970, the ones pandas uses for monthly and quarterly
periods: month = 12 · (year − 1970) + month − 1, quarter = ⌊month / 3⌋.
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dtypes

from kundenmodell.engine.customers import day_totals
from kundenmodell.engine.purchases import as_float
from kundenmodell.errors import DataError


def period_ordinal(day: ibis.Value, period: str) -> ibis.Value:
    """The month (``"M"``) or quarter (``"Q"``) ordinal of a date expression."""
    if period not in ("M", "Q"):
        raise DataError("error.segments.invalid_period_unit", unit=period)
    month = (day.year().cast(dtypes.int64) - 1970) * 12 + day.month().cast(dtypes.int64) - 1
    return month if period == "M" else month // 3


def monthly_totals(rows: ibis.Table) -> ibis.Table:
    """Per month ordinal with a dated purchase (``rows`` from
    :func:`~kundenmodell.engine.purchases.purchase_rows`): ``revenue``, ``purchases`` (rows)
    and ``buyers`` (distinct customers)."""
    dated = rows.filter(rows["day"].notnull())
    return monthly_of_period_totals(period_totals(day_totals(dated), "M"))


def period_totals(days: ibis.Table, period: str) -> ibis.Table:
    """Per customer and period ordinal: ``rows`` (purchases) and ``amount``, from
    :func:`~kundenmodell.engine.customers.day_totals` (a NULL customer holds the purchases
    that belong to nobody: they count in the revenue, not among the buyers)."""
    keyed = days.mutate(ordinal=period_ordinal(days["day"], period))
    return keyed.group_by(["customer_id", "ordinal"]).aggregate(
        rows=keyed["rows"].sum().cast(dtypes.int64), amount=keyed["amount"].sum()
    )


def monthly_of_period_totals(months: ibis.Table) -> ibis.Table:
    """:func:`monthly_totals` of :func:`period_totals` by month: one row per customer and
    month, so the buyers are the non-NULL customers."""
    return (
        months.group_by("ordinal")
        .aggregate(
            revenue=as_float(months["amount"].sum()),
            purchases=months["rows"].sum().cast(dtypes.int64),
            buyers=months["customer_id"].count().cast(dtypes.int64),
        )
        .order_by("ordinal")
    )


def customer_periods(purchases: ibis.Table, period: str) -> ibis.Table:
    """The distinct (``customer_id``, ``ordinal``) pairs: who bought in which period."""
    pairs = purchases.select(
        customer_id=purchases["customer_id"], ordinal=period_ordinal(purchases["day"], period)
    )
    return pairs.distinct()


def spell_events(purchases: ibis.Table, period: str, inactive_periods: int) -> ibis.Table:
    """Per period ordinal: ``new`` (first purchases), ``reactivated`` and ``spell_ends``.

    A customer's active spell starts with their first purchase or with a purchase at least
    ``inactive_periods`` after the previous one; it ends with a purchase that has no successor
    within ``inactive_periods`` (they churn ``inactive_periods`` after it). Counting where
    spells end, not when they churn, keeps this one scan; the caller shifts the ends.
    """
    return spell_events_of_periods(customer_periods(purchases, period), inactive_periods)


FLAG_COLUMNS = ("new", "reactivated", "ends", "cohort")


def flag_periods(pairs: ibis.Table, inactive_periods: int) -> ibis.Table:
    """:func:`customer_periods` pairs with what one window over each customer's periods in
    order tells: ``new`` (the first period), ``reactivated`` (at least ``inactive_periods``
    after the previous one), ``ends`` (no next period within ``inactive_periods``) as 0/1, and
    ``cohort`` (the first period, a running minimum in that order). Churn and cohorts both read
    it, so the customers' periods are sorted once."""
    window = ibis.window(group_by="customer_id", order_by="ordinal")
    ordinal = pairs["ordinal"]
    previous = ordinal.lag().over(window)
    following = ordinal.lead().over(window)
    return pairs.mutate(
        new=previous.isnull().cast(dtypes.int64),
        reactivated=(ordinal - previous >= inactive_periods).fill_null(False).cast(dtypes.int64),
        ends=(following.isnull() | (following - ordinal >= inactive_periods)).cast(dtypes.int64),
        cohort=ordinal.min().over(window),
    )


def period_cells(days: ibis.Table, period: str, inactive_periods: int) -> ibis.Table:
    """The customers' periods of :func:`~kundenmodell.engine.customers.day_totals` ``days``
    with the flags of :func:`flag_periods`, reduced to one row per period ``ordinal`` and
    ``cohort``: ``buyers`` (customers who bought in the period) and the sums of ``new``,
    ``reactivated`` and ``ends``.

    One window over each customer's purchase *days* in order gives them without first
    reducing the days to distinct (customer, period) pairs: the day before a customer's first
    day in a period lies in their previous period (``previous``), the day after their last
    day there in their next one (``following``), so a row whose ``previous`` is another
    period is the customer's one row for the period (``buyers``), ``new`` is a row without
    ``previous``, ``reactivated`` one at least ``inactive_periods`` (≥ 1) after it, ``ends`` a
    row with no ``following`` within ``inactive_periods``, and the cohort is the running
    minimum. Measured on 18 M purchases (17.8 M customer days) this took 6.8–8.0 s of CPU
    against 8.5–9.4 s for the distinct pairs and a window over them.

    Churn (:func:`spell_events_of_periods`), cohorts (:func:`cohort_cells_of_periods`) and the
    buyers of :func:`monthly_of_period_cells` are sums over these cells, so nothing as large
    as customers × periods is stored."""
    known = days.filter(days["customer_id"].notnull())
    keyed = known.select("customer_id", "day", ordinal=period_ordinal(known["day"], period))
    window = ibis.window(group_by="customer_id", order_by="day")
    ordinal = keyed["ordinal"]
    flagged = keyed.select(
        ordinal=ordinal,
        cohort=ordinal.min().over(window),
        previous=ordinal.lag().over(window),
        following=ordinal.lead().over(window),
    )
    ordinal, previous, following = (
        flagged["ordinal"],
        flagged["previous"],
        flagged["following"],
    )
    first_in_period = previous.isnull() | (previous != ordinal)
    return flagged.group_by(["ordinal", "cohort"]).aggregate(
        buyers=first_in_period.cast(dtypes.int64).sum(),
        new=previous.isnull().cast(dtypes.int64).sum(),
        reactivated=(ordinal - previous >= inactive_periods)
        .fill_null(False)
        .cast(dtypes.int64)
        .sum(),
        ends=(following.isnull() | (following - ordinal >= inactive_periods))
        .cast(dtypes.int64)
        .sum(),
    )


def monthly_of_period_cells(days: ibis.Table, cells: ibis.Table) -> ibis.Table:
    """:func:`monthly_totals` of the day totals ``days`` (revenue and purchases, also those of
    nobody) and their monthly :func:`period_cells` (buyers): both reductions are by month, a
    few hundred rows at most, joined here."""
    keyed = days.mutate(ordinal=period_ordinal(days["day"], "M"))
    totals = keyed.group_by("ordinal").aggregate(
        revenue=as_float(keyed["amount"].sum()),
        purchases=keyed["rows"].sum().cast(dtypes.int64),
    )
    buyers = cells.group_by("ordinal").aggregate(buyers=cells["buyers"].sum())
    joined = totals.left_join(buyers, totals["ordinal"] == buyers["ordinal"])
    return joined.select(
        ordinal=totals["ordinal"],
        revenue=totals["revenue"],
        purchases=totals["purchases"],
        buyers=buyers["buyers"].fill_null(0).cast(dtypes.int64),
    ).order_by("ordinal")


def _is_cells(pairs: ibis.Table) -> bool:
    return "buyers" in pairs.columns


def _flagged(pairs: ibis.Table, inactive_periods: int) -> ibis.Table:
    if _is_cells(pairs) or set(FLAG_COLUMNS) <= set(pairs.columns):
        return pairs
    return flag_periods(pairs, inactive_periods)


def spell_events_of_periods(pairs: ibis.Table, inactive_periods: int) -> ibis.Table:
    """:func:`spell_events` of :func:`customer_periods` already reduced, of their
    :func:`flag_periods` (shared with :func:`cohort_cells_of_periods`), or of their
    :func:`period_cells` (whose ``inactive_periods`` are already applied)."""
    flagged = _flagged(pairs, inactive_periods)
    return (
        flagged.group_by("ordinal")
        .aggregate(
            new=flagged["new"].sum(),
            reactivated=flagged["reactivated"].sum(),
            spell_ends=flagged["ends"].sum(),
        )
        .order_by("ordinal")
    )


def cohort_cells(purchases: ibis.Table, period: str) -> ibis.Table:
    """Acquisition cohort × periods since: ``cohort`` (ordinal of the first purchase),
    ``periods_since`` and ``active`` (the cohort's customers who bought in that period)."""
    return cohort_cells_of_periods(customer_periods(purchases, period))


def cohort_cells_of_periods(pairs: ibis.Table) -> ibis.Table:
    """:func:`cohort_cells` of :func:`customer_periods` already reduced, of their
    :func:`flag_periods`, or of their :func:`period_cells`."""
    flagged = _flagged(pairs, 1)  # the cohort does not depend on the inactive periods
    cells = flagged.mutate(periods_since=flagged["ordinal"] - flagged["cohort"])
    active = cells["buyers"].sum() if _is_cells(pairs) else cells.count()
    return (
        cells.group_by(["cohort", "periods_since"])
        .aggregate(active=active.cast(dtypes.int64))
        .order_by(["cohort", "periods_since"])
    )
