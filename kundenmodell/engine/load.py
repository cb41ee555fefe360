"""``km.load`` of a data folder or a DuckDB file: the canonical tables as a :class:`Dataset`,
or, beyond what one process should hold, as an :class:`InPlaceSource` that stays in the engine.

A data set read here goes to pandas, where the pages and models expect it; every purchase scan
of the segment report and the CLV summary still runs in the engine. A source of more than
:data:`~kundenmodell.engine.connect.MAX_PURCHASE_ROWS` purchases (or
:data:`~kundenmodell.engine.connect.MAX_CUSTOMER_ROWS` customers) is not read:
:func:`load_source` hands it back in place, and ``segment_report``, ``fit_dataset`` and
``personas.build`` accept that as they accept a data set (the first two compute on every row in
the engine, personas on a reproducible sample of customers).
"""

from __future__ import annotations

import json
from pathlib import Path

import ibis
import pandas as pd

from kundenmodell.dataset import Dataset
from kundenmodell.engine.browse import row_count, sample_rows
from kundenmodell.engine.connect import Pick, beyond_limits, check_picks, check_size, suggest
from kundenmodell.engine.connection import to_pandas
from kundenmodell.engine.in_place import SAMPLE_CUSTOMERS, InPlaceSource
from kundenmodell.engine.sources import EngineTables, open_source
from kundenmodell.i18n.numbers import DEFAULT_FACTS
from kundenmodell.io.prepare import coerce
from kundenmodell.schema import TABLES

ROLES = ("customers", "transactions", "interactions")


def load_dataset(source: str | Path, *, name: str | None = None) -> Dataset:
    """The data set in a folder with ``customers/`` and ``transactions/`` (optionally
    ``interactions/``) Parquet, or in a DuckDB file with tables of those names.

    The rows are counted in the engine first: a source beyond what one process should hold
    (:func:`kundenmodell.engine.connect.check_size`) raises ``connect_error.too_large``;
    :func:`load_source` hands such a source back in place instead."""
    tables = open_source(source)
    check_size(tables.customers, tables.transactions)
    return _read(tables, Path(source), name)


def load_source(
    source: str | Path, *, name: str | None = None, in_place: bool | None = None
) -> Dataset | InPlaceSource:
    """The data set in ``source`` (as :func:`load_dataset` reads it), or the source analysed
    where it lies: with ``in_place=True``, or by default when it holds more than
    :data:`~kundenmodell.engine.connect.MAX_PURCHASE_ROWS` purchases or
    :data:`~kundenmodell.engine.connect.MAX_CUSTOMER_ROWS` customers (``in_place=False``
    refuses such a source with ``connect_error.too_large``)."""
    if in_place is False:
        return load_dataset(source, name=name)
    tables = open_source(source)
    rows = {role: row_count(getattr(tables, role)) for role in ("customers", "transactions")}
    if not (in_place or beyond_limits(rows)):
        return _read(tables, Path(source), name)
    picks = {
        role: _canonical_pick(role, getattr(tables, role))
        for role in ROLES
        if getattr(tables, role) is not None
    }
    check_picks(picks["customers"], picks["transactions"], picks.get("interactions"))
    if "interactions" in picks:
        rows["interactions"] = row_count(tables.interactions)
    return InPlaceSource(
        picks,
        name=name or Path(source).stem or "dataset",
        currency=_described_currency(Path(source)).get("currency", DEFAULT_FACTS.currency),
        rows=rows,
        sample_customers=min(SAMPLE_CUSTOMERS, rows["customers"]),
    )


def _canonical_pick(role: str, table: ibis.Table) -> Pick:
    """A table in the canonical schema as the connect page's pick: each canonical column
    mapped onto itself (read with the same conversions as a mapped source's)."""
    sample = sample_rows(table)
    schema = TABLES[role]
    mapping = suggest(role, sample).with_targets(
        {column: column for column in table.columns if column in schema.names}
    )
    return Pick(table, mapping, sample)


def _read(tables: EngineTables, source: Path, name: str | None) -> Dataset:
    frames = {
        table: _canonical(table, to_pandas(_without_decimals(getattr(tables, table))))
        for table in ROLES
        if getattr(tables, table) is not None
    }
    return Dataset(
        customers=frames["customers"],
        transactions=frames["transactions"],
        interactions=frames.get("interactions"),
        name=name or source.stem or "dataset",
        source="upload",
        **_described_currency(source),
    )


def _without_decimals(table: ibis.Table) -> ibis.Table:
    """Decimal columns (a warehouse's or Spark's ``DECIMAL(12,2)`` amounts) as float64: read
    as they are, pandas holds them as Python ``Decimal`` objects, which its numeric code does
    not count as numbers (the amounts stayed objects in the data set) and which cost an object
    per value."""
    decimals = {
        column: table[column].cast("float64")
        for column, kind in table.schema().items()
        if kind.is_decimal()
    }
    return table.mutate(**decimals) if decimals else table


def _described_currency(source: Path) -> dict[str, str]:
    """The currency a data folder's ``synthetic.json`` names (written by
    :func:`kundenmodell.synth.write_folder`), so that a Norwegian folder shows kroner; nothing
    for other sources or an unreadable description."""
    description = source / "synthetic.json"
    if not description.is_file():
        return {}
    try:
        currency = json.loads(description.read_text(encoding="utf-8")).get("currency")
    except (OSError, ValueError, AttributeError):
        return {}
    return {"currency": currency} if isinstance(currency, str) and len(currency) == 3 else {}


CONVERTED_FROM_TEXT = ("id", "text", "date", "number", "integer", "category")
"""Kinds of canonical column that a source storing them as text gets converted, as an
upload's are and as the engine reads them in place (:func:`kundenmodell.io.prepare.coerce`):
ids and text trimmed, blanks and missing markers missing (a purchase file writing `` 4711``
matched no customer ``4711`` in memory, while in place it did; 18 M ids take 1.3 s)."""


def _canonical(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The canonical columns in their kinds, as the source analysed in place reads them.

    Ids, text, dates, numbers and categories a source stores as text are read as an upload's
    are: ids and text trimmed, amounts as the user wrote them (``1.234,56``), dates in their
    day order, status words by their synonyms (``Kunde`` → ``customer``); what does not
    convert is missing. Before, text amounts became missing and a folder's revenue read as 0.
    Typed date columns become datetimes (DuckDB ``DATE`` arrives as Python dates); other
    columns stay as read."""
    schema = TABLES[table]
    for name in frame.columns:
        if name not in schema.names:
            continue
        column = schema.column(name)
        values = frame[name]
        if column.kind in CONVERTED_FROM_TEXT and pd.api.types.is_string_dtype(values):
            frame[name] = coerce(values, column)[0]
        elif column.kind == "date":
            frame[name] = pd.to_datetime(values, errors="coerce")
    return frame
