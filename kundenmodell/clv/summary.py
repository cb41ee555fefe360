"""From a purchase table to the per-customer figures the buy-till-you-die models need.

For every customer who bought on or before ``observation_end`` (Fader, Hardie & Lee 2005 call
them x, t_x and T):

- ``frequency`` x: the number of *repeat purchase days*, i.e. distinct purchase days − 1;
  several purchases on one day count as one (the models describe visits, not basket lines);
- ``recency`` t_x: last purchase day − first purchase day;
- ``T``: observation_end − first purchase day;
- ``monetary_value``: the mean of the per-day purchase totals over the repeat days (all
  purchase days except the first), 0 without repeat days. The first day is left out because the
  spend model (Gamma-Gamma) describes repeat spend, and a first order often differs.

Durations are counted in days and divided by the length of ``time_unit`` (7 for weeks, 1 for
days, 30.4375 for months), not rounded. Purchases after ``observation_end`` are ignored, which
is how a calibration period is cut off.
"""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd

from kundenmodell import engine
from kundenmodell.dates import as_day, as_days
from kundenmodell.engine.purchases import day_literal
from kundenmodell.errors import DataError

DAYS_PER_UNIT: dict[str, float] = {"D": 1.0, "W": 7.0, "M": 30.4375}
"""Length of each supported time unit in days (a month is a mean Gregorian month)."""

SUMMARY_COLUMNS = ("frequency", "recency", "T", "monetary_value")


def days_per_unit(time_unit: str) -> float:
    """Days in ``time_unit`` ("D", "W" or "M"); other units are a :class:`DataError`."""
    if time_unit not in DAYS_PER_UNIT:
        raise DataError(
            "error.clv.unknown_time_unit", unit=str(time_unit), available=", ".join(DAYS_PER_UNIT)
        )
    return DAYS_PER_UNIT[time_unit]


def purchase_days(
    transactions: pd.DataFrame,
    *,
    customer_id_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
) -> pd.DataFrame:
    """One row per customer and purchase day with the day's total: ``customer_id``, ``day``
    (midnight timestamps), ``amount``.

    The required columns are checked before anything is computed; rows without a readable date
    are dropped, unreadable amounts count as 0. Sorted by customer and day.
    """
    for column in (customer_id_col, date_col, amount_col):
        if column not in transactions.columns:
            raise DataError("error.missing_column", table="transactions", column=column)
    frame = pd.DataFrame(
        {
            "customer_id": transactions[customer_id_col],
            "day": as_days(transactions[date_col]),
            "amount": pd.to_numeric(transactions[amount_col], errors="coerce").fillna(0.0),
        }
    )
    frame = frame[frame["day"].notna() & frame["customer_id"].notna()]
    grouped = frame.groupby(["customer_id", "day"], sort=True, observed=True)["amount"].sum()
    return grouped.reset_index()


@engine.releasing()
def summary_from_transactions(
    transactions: pd.DataFrame,
    *,
    customer_id_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
    observation_end: object = None,
    time_unit: str = "W",
) -> pd.DataFrame:
    """Frequency, recency, T and monetary value per customer (see the module docstring).

    Returns a frame indexed by customer id (index name ``customer_id``, sorted) with the
    columns ``frequency`` (int64), ``recency``, ``T``, ``monetary_value`` (float64). ``attrs``
    records ``time_unit`` and ``observation_end``. ``observation_end`` defaults to the last
    purchase day in the data. The purchases are reduced in the engine, from the customer days
    kept with the frame (:func:`kundenmodell.engine.purchase_days`, shared with the overview);
    :func:`summary_of_table` does the same for a table that already lives there (Parquet,
    DuckDB, Spark).

    Raises :class:`DataError` ``error.missing_column`` when a column is missing,
    ``error.clv.no_purchases`` when no dated purchase is left and ``error.clv.unknown_time_unit``.
    """
    days_per_unit(time_unit)
    renamed = {customer_id_col: "customer_id", date_col: "date", amount_col: "amount"}
    for column in renamed:
        if column not in transactions.columns:
            raise DataError("error.missing_column", table="transactions", column=column)
    if any(old != new for old, new in renamed.items()):
        transactions = pd.DataFrame(
            {new: transactions[old] for old, new in renamed.items()}, copy=False
        )
    kept = engine.purchase_days(transactions)
    days = kept.known()
    last = engine.last_day(days)
    end = last if observation_end is None else as_day(observation_end)
    if end is None:
        raise DataError("error.clv.no_purchases")
    unit_days = days_per_unit(time_unit)
    if last is not None and end >= last:  # every purchase counts: the kept base has it all
        summary = kept.summary(end, unit_days=unit_days, recent_window_days=None)
    else:
        until = days.filter(days["day"] <= day_literal(end))
        summary = engine.summary_of_days(until, end, unit_days=unit_days)
    summary = _summary_frame(summary, end, time_unit)
    summary.index = kept.keyed().ids_of(summary.index)
    return summary


def summary_of_table(
    transactions: ibis.Table, observation_end: object = None, time_unit: str = "W"
) -> pd.DataFrame:
    """:func:`summary_from_transactions` of an engine table in the canonical schema."""
    unit_days = days_per_unit(time_unit)
    bought = engine.purchases(transactions)
    end = engine.last_day(bought) if observation_end is None else as_day(observation_end)
    if end is None:
        raise DataError("error.clv.no_purchases")
    summary = engine.customer_summary(engine.purchases(transactions, end), end, unit_days=unit_days)
    return _summary_frame(summary, end, time_unit)


def _summary_frame(summary: ibis.Table, end: pd.Timestamp, time_unit: str) -> pd.DataFrame:
    """The CLV columns of a customer summary as pandas, indexed by customer key or id."""
    columns = ["customer_id", *SUMMARY_COLUMNS]
    frame = engine.to_pandas(summary.select(*columns).order_by("customer_id"))
    if frame.empty:
        raise DataError("error.clv.no_purchases")
    frame = frame.set_index("customer_id").astype(
        {
            "frequency": np.int64,
            "recency": np.float64,
            "T": np.float64,
            "monetary_value": np.float64,
        }
    )
    frame.attrs.update({"time_unit": time_unit, "observation_end": end})
    return frame
