"""Churn rate and acquisition-cohort retention for non-contractual purchase data.

The purchases are reduced in the engine (:func:`kundenmodell.engine.spell_events`,
:func:`kundenmodell.engine.cohort_cells`); what comes back is one row per period or cohort
cell, turned into the tables below with pandas.
"""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd

from kundenmodell import engine
from kundenmodell.errors import DataError
from kundenmodell.segments._common import require_columns, resolve_as_of


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
    table, as_of = _purchase_table(transactions, as_of)
    return churn_of_table(table, as_of, period, inactive_periods)


def churn_of_table(
    table: ibis.Table,
    as_of: pd.Timestamp,
    period: str = "M",
    inactive_periods: int = 12,
    *,
    periods: ibis.Table | None = None,
) -> pd.DataFrame:
    """:func:`churn_rate` of an engine table of purchases, up to the day ``as_of``;
    ``periods``: its :func:`~kundenmodell.engine.customer_periods` when already reduced, their
    :func:`~kundenmodell.engine.flag_periods`, or the
    :func:`~kundenmodell.engine.period_cells` of its day totals (shared with the cohorts;
    built with the same ``inactive_periods``)."""
    if inactive_periods < 1:
        raise DataError("error.segments.invalid_window")
    last = _ordinal_of(as_of, period)
    pairs = _periods(table, as_of, period) if periods is None else periods
    events = engine.to_pandas(engine.spell_events_of_periods(pairs, inactive_periods))
    if events.empty:
        raise DataError("error.segments.no_dated_purchases")
    start = int(events["ordinal"].min())
    index = np.arange(start, last + 1)
    by_period = events.set_index("ordinal").reindex(index, fill_value=0)
    new = by_period["new"].to_numpy(dtype=np.int64)
    reactivated = by_period["reactivated"].to_numpy(dtype=np.int64)
    # A spell that ends with a purchase in period p churns in p + inactive_periods.
    churned = np.r_[
        np.zeros(min(inactive_periods, len(index)), dtype=np.int64),
        by_period["spell_ends"].to_numpy(dtype=np.int64)[: max(len(index) - inactive_periods, 0)],
    ]
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
    table, as_of = _purchase_table(transactions, as_of)
    return cohorts_of_table(table, as_of, period)


def cohorts_of_table(
    table: ibis.Table,
    as_of: pd.Timestamp,
    period: str = "M",
    *,
    periods: ibis.Table | None = None,
) -> pd.DataFrame:
    """:func:`cohort_retention` of an engine table of purchases, up to the day ``as_of``;
    ``periods`` as in :func:`churn_of_table`."""
    pairs = _periods(table, as_of, period) if periods is None else periods
    frame = engine.to_pandas(engine.cohort_cells_of_periods(pairs))
    if frame.empty:
        raise DataError("error.segments.no_dated_purchases")
    frame = frame.astype({"cohort": np.int64, "periods_since": np.int64, "active": np.int64})
    sizes = frame.loc[frame["periods_since"] == 0].set_index("cohort")["active"]
    frame["cohort_size"] = frame["cohort"].map(sizes).to_numpy()
    frame["retention"] = frame["active"] / frame["cohort_size"]
    frame["cohort"] = pd.PeriodIndex.from_ordinals(frame["cohort"], freq=period).to_timestamp()
    return frame[["cohort", "periods_since", "active", "cohort_size", "retention"]]


def _periods(table: ibis.Table, as_of: pd.Timestamp, period: str) -> ibis.Table:
    return engine.customer_periods(engine.purchases(table, as_of), period)


def _purchase_table(
    transactions: pd.DataFrame, as_of: object | None
) -> tuple[ibis.Table, pd.Timestamp]:
    require_columns(transactions, "transactions", ("customer_id", "date"))
    as_of = resolve_as_of(transactions, as_of)
    return engine.frame_table(transactions, engine.PURCHASE_COLUMNS), as_of


def _ordinal_of(day: pd.Timestamp, period: str) -> int:
    if period not in ("M", "Q"):
        raise DataError("error.segments.invalid_period_unit", unit=period)
    months = (day.year - 1970) * 12 + day.month - 1
    return months if period == "M" else months // 3
