"""A purchase frame reduced once to customer days, kept while the frame lives unchanged.

Every view of the overview and the CLV summary of a data set in memory starts from the same
table: per customer and purchase day, the purchases and their amount
(:func:`~kundenmodell.engine.every_purchase_day`), over integer customer keys
(:func:`~kundenmodell.engine.keyed_purchases`). Building it is most of their cost (18 M
purchases on two cores: keying the ids 1–3 s, grouping by customer and day 1.6 s by sort,
:mod:`~kundenmodell.engine.day_sort`, or about 3 s in DuckDB), while a user looks at one data
set many times: every filter, rule and page. So :func:`purchase_days` builds it once per
frame, as an Arrow table that any thread's DuckDB scans without copying, and keeps it with
what else is read from it more than once (the purchase totals, the last purchase day, the
per-customer base, the month × cohort cells, the customers' keys).

Kept entries follow the frame: one is dropped when its frame is garbage collected, and it is
rebuilt when a column it read has changed. An entry holds the columns it read, so under
pandas' copy-on-write (pandas ≥ 3) any change to those columns of the frame (``loc``,
``iloc``, ``fillna``, assigning a column, sorting in place) gives the frame new buffers while
the entry keeps the old ones; comparing the buffers' addresses is therefore an exact test of
"unchanged", and costs microseconds. Columns of other extension types, whose buffers cannot
be told without copying them, are not kept: they are reduced on every call.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import ibis
import ibis.expr.datatypes as dtypes
import numpy as np
import pandas as pd
import pyarrow as pa

from kundenmodell.engine.connection import (
    arrow_table,
    backend_of,
    physical_memory,
    releasing,
    to_arrow,
)
from kundenmodell.engine.customers import (
    customer_base,
    every_purchase_day,
    recent_day_counts,
    summary_of_base,
    totals_of_days,
)
from kundenmodell.engine.day_sort import day_table_totals, last_of, sorted_day_totals
from kundenmodell.engine.keys import (
    KeyedPurchases,
    customer_codes,
    keyed_of_arrays,
    keyed_purchases,
    purchase_arrays,
)
from kundenmodell.engine.pages import small_pages
from kundenmodell.engine.periods import period_cells
from kundenmodell.engine.purchases import last_day
from kundenmodell.engine.sorted_days import (
    KnownRuns,
    customer_base_of_sorted,
    period_cells_of_sorted,
)

T = TypeVar("T")

KEPT_FRAMES = 4
"""How many frames' customer days a process keeps at most (the least recently used go)."""
KEPT_SHARE = 8
"""The kept entries together stay within 1/``KEPT_SHARE`` of the machine's memory (3 GB of
24 GB; an 18 M purchase data set keeps about 0.9 GB), checked whenever a frame is asked for:
the least recently used go first, the entry just asked for always stays."""


@dataclass(frozen=True, eq=False)
class PurchaseDays:
    """The :func:`~kundenmodell.engine.every_purchase_day` table of one purchase frame, with
    what is read from it more than once.

    ``days``: ``customer_id`` (the int32 key of :func:`~kundenmodell.engine.keyed_purchases`,
    or the ids themselves when ``ids`` is None), ``day`` (NULL for an undated purchase),
    ``rows`` and ``amount``; rows without a customer are kept, as the KPIs count them.
    ``totals``: purchases, buyers and revenue of the whole frame; ``as_of``: its last purchase
    day (None without a dated purchase). ``runs``: the days come sorted by customer and day
    (:func:`~kundenmodell.engine.day_sort.sorted_day_totals`), so the per-customer base and
    the month cells are read from each customer's run (:mod:`~kundenmodell.engine.
    sorted_days`) instead of grouped in the engine.
    """

    days: pa.Table
    ids: pd.Index | None
    totals: tuple[int, int, float]
    as_of: pd.Timestamp | None
    runs: bool = False
    _memo: dict[Hashable, Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def table(self) -> ibis.Table:
        """The customer days as an engine table on the calling thread's DuckDB."""
        return arrow_table(self.days)

    def keyed(self, customer_ids: pd.Series | None = None) -> KeyedPurchases:
        """The customer days as the ``table`` of a :class:`~kundenmodell.engine.KeyedPurchases`,
        for its id mapping; with ``customer_ids`` (a customer table's id column) their keys
        too, customers without a purchase numbered after the buyers (kept per column, see
        :meth:`remembered`)."""
        table = self.table()
        if customer_ids is None or self.ids is None:
            return KeyedPurchases(table, self.ids)
        customer_keys, ids = self.remembered(
            ("customer_keys",), lambda: customer_codes(customer_ids, self.ids), customer_ids
        )
        return KeyedPurchases(table, ids, customer_keys)

    def summary(
        self,
        as_of: object,
        *,
        unit_days: float = 7.0,
        recent_window_days: int | None = 365,
    ) -> ibis.Table:
        """The :func:`~kundenmodell.engine.summary_of_days` of the known customers' dated days,
        counted to ``as_of`` (on or after the last purchase day), from their
        :func:`~kundenmodell.engine.customer_base` kept here (the pass over the days is made
        once) and the :func:`~kundenmodell.engine.recent_day_counts` of the regular window
        (kept for the last window asked; None: not counted, ``recent_days`` 0)."""
        base = self.remembered(("customer_base",), self._customer_base)
        recent = None
        if recent_window_days is not None:
            counts = self.remembered(
                ("recent_days",),
                lambda: to_arrow(recent_day_counts(self.known(), as_of, recent_window_days)),
                variant=(pd.Timestamp(as_of), recent_window_days),
            )
            recent = arrow_table(counts)
        return summary_of_base(arrow_table(base), recent, as_of, unit_days=unit_days)

    def _customer_base(self) -> pa.Table:
        if self.runs:
            with small_pages():
                return customer_base_of_sorted(KnownRuns.of(self.days))
        return to_arrow(customer_base(self.known()))

    def month_cells(self, inactive_months: int) -> pa.Table:
        """The monthly :func:`~kundenmodell.engine.period_cells` of the known customers'
        dated days with ``inactive_months``, kept."""
        return self.remembered(
            ("period_cells", "M", inactive_months), lambda: self._month_cells(inactive_months)
        )

    def _month_cells(self, inactive_months: int) -> pa.Table:
        cells = None
        if self.runs:
            with small_pages():
                cells = period_cells_of_sorted(KnownRuns.of(self.days), inactive_months)
        return (
            to_arrow(period_cells(self.known(), "M", inactive_months)) if cells is None else cells
        )

    def known(self) -> ibis.Table:
        """The dated days of known customers (what the per-customer views read)."""
        days = self.table()
        return days.filter(days["day"].notnull(), days["customer_id"].notnull())

    def remembered(
        self,
        key: Hashable,
        compute: Callable[[], T],
        *depends_on: pd.Series,
        variant: Hashable = None,
    ) -> T:
        """``compute()`` once per ``key`` (and per unchanged ``depends_on`` columns, e.g. the
        customer ids a result maps): a derived result of these days kept with them. A key
        keeps one ``variant`` (e.g. the window of a count): asking for another replaces it."""
        stamps = (variant, *(_column_stamp(column) for column in depends_on))
        if any(stamp is None for stamp in stamps[1:]):
            return compute()
        with self._lock:
            found = self._memo.get(key)
            if found is None or found[0] != stamps:
                # the columns are held so that copy-on-write gives a changed one new buffers
                found = (stamps, depends_on, _Once())
                self._memo[key] = found
        return found[2].value(compute)


class _Once:
    """A value computed once, by the first thread that asks for it; threads asking meanwhile
    wait for it instead of computing it a second time (a session's overview while the same
    data set's read-ahead runs). When the computation fails, each thread computes (and
    fails) on its own, so that it shows its own message."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = False
        self._value: Any = None

    def peek(self) -> Any:
        """The value when it is computed, else None (without waiting)."""
        return self._value if self._done else None

    def value(self, compute: Callable[[], T]) -> T:
        with self._lock:  # held while computing: the others wait here
            if not self._done:
                try:
                    self._value = compute()
                    self._done = True
                except BaseException:
                    self._done = False
                    raise
            return self._value


def purchase_days(frame: pd.DataFrame, customer_ids: pd.Series | None = None) -> PurchaseDays:
    """The :class:`PurchaseDays` of a purchase frame in the canonical schema (``customer_id``,
    ``date``, optionally ``amount``), built on first use and kept while ``frame`` lives and
    those columns are unchanged (see the module docstring).

    With ``customer_ids`` (the customer table's id column), a first build also keys those
    customers (:meth:`PurchaseDays.keyed`) on a second thread while it groups the purchases:
    both are most of a first report's single-threaded work (18 M purchases, 5 M customers:
    the grouping 1.6 s, the customers' keys 1.2 s)."""
    columns = [c for c in ("customer_id", "date", "amount") if c in frame.columns]
    stamps = tuple(_column_stamp(frame[c]) for c in columns)
    if any(stamp is None for stamp in stamps):
        return _build(frame[columns], customer_ids)
    key = id(frame)
    with _LOCK:
        entry = _KEPT.get(key)
        if entry is None or entry.frame() is not frame or entry.stamps != stamps:
            held = tuple(frame[c] for c in columns)
            entry = _Entry(weakref.ref(frame, _forget(key)), stamps, held, _Once())
            _KEPT[key] = entry
        _KEPT.move_to_end(key)
        _within_budget()
    return entry.days.value(lambda: _build(frame[columns], customer_ids))


def kept_bytes() -> int:
    """What the kept entries hold in memory (their tables, keys and derived results) as far
    as it is computed yet."""
    with _LOCK:
        return sum(_entry_bytes(entry) for entry in _KEPT.values())


def _within_budget() -> None:
    """Drop the least recently used entries (called with ``_LOCK`` held) until at most
    :data:`KEPT_FRAMES` remain and their bytes fit the :data:`KEPT_SHARE` budget."""
    while len(_KEPT) > KEPT_FRAMES:
        _KEPT.popitem(last=False)
    budget = physical_memory() // KEPT_SHARE
    sizes = [_entry_bytes(entry) for entry in _KEPT.values()]
    while len(sizes) > 1 and sum(sizes) > budget:
        _KEPT.popitem(last=False)
        sizes.pop(0)


def _entry_bytes(entry: _Entry) -> int:
    days = entry.days.peek()
    if days is None:
        return 0
    memo = [found[2].peek() for found in list(days._memo.values())]
    return _nbytes(days.days) + _nbytes(days.ids) + sum(_nbytes(value) for value in memo)


def _nbytes(value: object) -> int:
    """The memory of the kinds of value an entry keeps: Arrow tables, numpy arrays, pandas
    indexes and tuples of them (anything else counts 0)."""
    if isinstance(value, pa.Table | np.ndarray):
        return int(value.nbytes)
    if isinstance(value, pd.Index):
        return int(value.memory_usage(deep=True))
    if isinstance(value, tuple):
        return sum(_nbytes(item) for item in value)
    return 0


def forget_all() -> None:
    """Drop every kept entry (tests, and a caller that wants the memory back now)."""
    with _LOCK:
        _KEPT.clear()


@dataclass(frozen=True)
class _Entry:
    frame: weakref.ref
    stamps: tuple
    held: tuple[pd.Series, ...]
    days: _Once


_KEPT: OrderedDict[int, _Entry] = OrderedDict()
_LOCK = threading.Lock()


def _forget(key: int) -> Callable[[weakref.ref], None]:
    def forget(reference: weakref.ref) -> None:
        with _LOCK:
            entry = _KEPT.get(key)
            if entry is not None and entry.frame is reference:
                del _KEPT[key]

    return forget


@releasing()
def _build(purchases: pd.DataFrame, customer_ids: pd.Series | None = None) -> PurchaseDays:
    arrays = purchase_arrays(purchases)
    if arrays is None:  # ids compared as text
        return _grouped_in_engine(keyed_purchases(purchases))
    with ThreadPoolExecutor(max_workers=1) as beside:
        customer_keys = None
        if customer_ids is not None:
            customer_keys = beside.submit(customer_codes, customer_ids, arrays.ids)
        days = sorted_day_totals(arrays)
        if days is None:  # amounts beyond an exact sum, or more than 63 bits
            kept = _grouped_in_engine(keyed_of_arrays(arrays))
        else:
            kept = PurchaseDays(
                days, arrays.ids, totals=day_table_totals(days), as_of=last_of(days), runs=True
            )
        if customer_keys is not None:
            kept.remembered(("customer_keys",), customer_keys.result, customer_ids)
    return kept


def _grouped_in_engine(keyed: KeyedPurchases) -> PurchaseDays:
    reduced = every_purchase_day(keyed.table)
    reduced = reduced.mutate(rows=reduced["rows"].cast(dtypes.int32))
    days = backend_of(reduced).to_pyarrow(reduced)
    table = arrow_table(days)
    return PurchaseDays(days, keyed.ids, totals=totals_of_days(table), as_of=last_day(table))


def _column_stamp(column: pd.Series) -> tuple | None:
    """Where a column's values lie in memory (buffer addresses, length, type), or None when
    that cannot be told without copying them."""
    values = column.array
    if isinstance(values, pd.arrays.ArrowExtensionArray):
        chunked = values.__arrow_array__()
        return (
            str(chunked.type),
            len(chunked),
            tuple(
                (chunk.offset, len(chunk), tuple(b.address if b else 0 for b in chunk.buffers()))
                for chunk in chunked.chunks
            ),
        )
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        # zoned dates (a Spark or warehouse export): numpy would copy them into objects, the
        # UTC instants underneath are their own buffer; the zone is part of the type
        return (str(column.dtype), _array_stamp(values._ndarray))
    if isinstance(values, pd.Categorical):
        return ("category", _array_stamp(values.codes), id(values.categories))
    masked = pd.arrays.IntegerArray | pd.arrays.FloatingArray | pd.arrays.BooleanArray
    if isinstance(values, masked):
        data, mask = values._data, values._mask  # the masked arrays' own buffers
        return (str(values.dtype), _array_stamp(data), _array_stamp(mask))
    if isinstance(column.dtype, np.dtype) or isinstance(values, pd.arrays.StringArray):
        array = np.asarray(values)
        return (str(column.dtype), _array_stamp(array))
    return None


def _array_stamp(array: np.ndarray) -> tuple:
    return (array.__array_interface__["data"][0], array.shape, array.strides, str(array.dtype))
