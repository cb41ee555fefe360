"""The behaviour features of buyer personas as engine expressions, and a reproducible sample.

:mod:`kundenmodell.personas.features` defines the features; this module computes the ones that
scan purchases, per customer who bought up to the reference day ``as_of``:

- ``purchases`` n (rows), ``first_day`` and ``last_day``, ``purchase_days`` (distinct days);
- ``purchase_rate`` = n / max(as_of − first_day, 30 days) × 365.25 (purchases per year);
- ``recency_days`` = as_of − last_day; ``rhythm_days`` = (last_day − first_day) /
  (purchase_days − 1), NULL for customers with a single purchase day;
- ``amount_known`` and ``amount_total``: how many purchases have an amount and their sum
  (0 without any); ``basket`` = amount_total / amount_known, NULL when no amount is known;
- ``quantity_known``, ``quantity_total`` and ``quantity`` (mean quantity) likewise;
- purchase mixes (:func:`persona_mix`): purchases per customer and level of a column.

A missing amount or quantity (NULL, or NaN as Spark and Parquet keep it) is *unknown*, not 0:
the purchase still counts, but not in the mean. :func:`keyed_persona_purchases` hands a pandas
purchase table to the engine with integer customer keys and integer level codes (as
:mod:`kundenmodell.engine.keys` does), so grouping never hashes text.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.datatypes as dtypes
import numpy as np
import pandas as pd
import pyarrow as pa

from kundenmodell.engine.connection import arrow_table
from kundenmodell.engine.purchases import as_float, day_literal, money

MIX_COLUMNS = ("category", "channel", "consumer_role")
MEASURE_COLUMNS = ("amount", "quantity")
MIN_TENURE_DAYS = 30
DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class KeyedPersonaPurchases:
    """Purchases as an engine table: ``customer_id`` is the position of the customer among the
    given ids (NULL for unknown ones), ``date`` a date, ``amount`` and ``quantity`` floats, the
    mix columns the codes of ``levels[column]`` (NULL when missing)."""

    table: ibis.Table
    levels: dict[str, tuple[str, ...]]


def keyed_persona_purchases(transactions: pd.DataFrame, ids: pd.Index) -> KeyedPersonaPurchases:
    """``transactions`` with customer keys = positions in ``ids`` and level codes of the mix
    columns (levels in order of first appearance in the whole column), read as
    :func:`~kundenmodell.personas.features.customer_features` reads them: dates with
    ``pandas.to_datetime`` (unreadable: no date), amounts and quantities with
    ``pandas.to_numeric`` (unreadable: unknown)."""
    # Factorise the purchases' ids first and look up only the distinct ones: a hash look-up of
    # every purchase row costs several times more on string ids.
    purchase_codes, distinct = pd.factorize(transactions["customer_id"])
    keys = np.append(ids.get_indexer(distinct), -1)[purchase_codes]  # -1: unknown or missing
    dates = transactions["date"]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        dates = pd.to_datetime(dates, errors="coerce")
    days = dates.to_numpy().astype("datetime64[D]")
    columns = {
        "customer_id": pa.array(keys.astype(np.int32), mask=keys < 0),
        "date": pa.array(days, type=pa.date32(), from_pandas=True),
    }
    for column in MEASURE_COLUMNS:
        if column in transactions.columns:
            values = pd.to_numeric(transactions[column], errors="coerce").to_numpy(float)
            columns[column] = pa.array(values, from_pandas=True)  # NaN → NULL
    levels: dict[str, tuple[str, ...]] = {}
    for column in MIX_COLUMNS:
        if column in transactions.columns:
            codes, names = pd.factorize(transactions[column])
            columns[column] = pa.array(codes.astype(np.int32), mask=codes < 0)
            levels[column] = tuple(str(name) for name in names)
    return KeyedPersonaPurchases(arrow_table(pa.table(columns)), levels)


def persona_purchases(transactions: ibis.Table, until: object | None = None) -> ibis.Table:
    """Dated purchases by known customers up to ``until`` (a day): ``customer_id``, ``day``,
    ``amount`` and ``quantity`` (float64, NULL when missing or NaN; absent columns are all
    NULL) and the mix columns the table has."""
    columns = transactions.columns
    date = transactions["date"]
    if not date.type().is_date():
        date = date.cast(dtypes.timestamp).date()
    selected: dict[str, ibis.Value] = {"customer_id": transactions["customer_id"], "day": date}
    for column in MEASURE_COLUMNS:
        if column in columns:
            given = transactions[column].cast(dtypes.float64)
            selected[column] = ibis.ifelse(given.isnan(), ibis.null(dtypes.float64), given)
        else:
            selected[column] = ibis.null(dtypes.float64)
    selected.update({column: transactions[column] for column in MIX_COLUMNS if column in columns})
    rows = transactions.select(**selected)
    rows = rows.filter(rows["day"].notnull(), rows["customer_id"].notnull())
    if until is not None:
        rows = rows.filter(rows["day"] <= day_literal(until))
    return rows


def persona_behaviour(purchases: ibis.Table, as_of: object) -> ibis.Table:
    """One row per customer of :func:`persona_purchases` with the figures of the module
    docstring (durations in days as floats)."""
    # Totals are exact decimals summed (purchases.MONEY): the same in every run on any number of
    # threads. One grouping with a distinct count: grouping by customer and day first costs about
    # half as much again, as nearly every purchase of a customer falls on a day of its own.
    per_customer = purchases.group_by("customer_id").aggregate(
        purchases=ibis._.count().cast(dtypes.int64),
        first_day=purchases["day"].min(),
        last_day=purchases["day"].max(),
        purchase_days=purchases["day"].nunique().cast(dtypes.int64),
        amount_known=purchases["amount"].count().cast(dtypes.int64),
        amount_total=as_float(money(purchases["amount"]).sum()),
        quantity_known=purchases["quantity"].count().cast(dtypes.int64),
        quantity_total=as_float(money(purchases["quantity"]).sum()),
    )
    end = day_literal(as_of)
    n = per_customer["purchases"].cast(dtypes.float64)
    since_first = end.delta(per_customer["first_day"], unit="day").cast(dtypes.float64)
    span = per_customer["last_day"].delta(per_customer["first_day"], unit="day")
    repeat_days = per_customer["purchase_days"] - 1
    return per_customer.mutate(
        purchase_rate=n / ibis.greatest(since_first, float(MIN_TENURE_DAYS)) * DAYS_PER_YEAR,
        recency_days=end.delta(per_customer["last_day"], unit="day").cast(dtypes.float64),
        rhythm_days=ibis.ifelse(
            repeat_days > 0,
            span.cast(dtypes.float64) / repeat_days.cast(dtypes.float64),
            ibis.null(dtypes.float64),
        ),
        amount_total=per_customer["amount_total"].fill_null(0.0),
        basket=_mean(per_customer["amount_total"], per_customer["amount_known"]),
        quantity_total=per_customer["quantity_total"].fill_null(0.0),
        quantity=_mean(per_customer["quantity_total"], per_customer["quantity_known"]),
    )


def _mean(total: ibis.Value, known: ibis.Value) -> ibis.Value:
    return ibis.ifelse(known > 0, total / known.cast(dtypes.float64), ibis.null(dtypes.float64))


def persona_mix(purchases: ibis.Table, column: str) -> ibis.Table:
    """``customer_id``, ``level`` (the column's value) and ``purchases``: how many of each
    customer's purchases fell on each known level (missing levels are left out)."""
    known = purchases.filter(purchases[column].notnull())
    return known.group_by(["customer_id", known[column].name("level")]).aggregate(
        purchases=ibis._.count().cast(dtypes.int64)
    )


def part_customers(keys: ibis.Table, part: int, parts: int, seed: int) -> ibis.Table:
    """The rows of ``keys`` (one per customer) in ``part`` (0 … ``parts`` − 1) of ``parts``:
    those whose hash of ``"<id>:<seed>"`` leaves the remainder ``part`` divided by ``parts``.
    Every customer is in exactly one part, the same one on every run and in any row order;
    the parts are about equally large."""
    return keys.filter(part_of_hash(customer_hash(keys, seed), parts) == part)


def part_of_hash(draw: ibis.IntegerValue, parts: int) -> ibis.IntegerValue:
    """The part (0 … ``parts`` − 1) a customer's hash ``draw`` puts them in."""
    return ((draw % parts) + parts) % parts  # a hash may be negative


def customer_hash(keys: ibis.Table, seed: int) -> ibis.IntegerValue:
    """The backend's hash of ``"<id>:<seed>"`` per row of ``keys``: the random draw of
    :func:`sample_customers` and :func:`part_customers`."""
    return id_hash(keys["customer_id"].cast(dtypes.string), seed)


def id_hash(ids: ibis.StringValue, seed: int) -> ibis.IntegerValue:
    """The backend's hash of ``"<id>:<seed>"`` for customer numbers as text."""
    return ids.concat(ibis.literal(f":{int(seed)}")).hash()


def sample_customers(keys: ibis.Table, size: int, seed: int) -> ibis.Table:
    """``size`` rows of ``keys`` (a table with a ``customer_id`` column, one row per customer)
    drawn at random but reproducibly: those with the smallest hash of ``"<id>:<seed>"`` (ties
    by id). The same ids and seed give the same sample on every run and in any row order; the
    hash is the backend's own (DuckDB's ``hash``, Spark's Murmur3), so DuckDB and Spark each
    draw a sample of their own."""
    ranked = keys.mutate(_draw=customer_hash(keys, seed))
    return ranked.order_by([ranked["_draw"], ranked["customer_id"]]).limit(size).drop("_draw")
