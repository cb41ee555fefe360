"""Opening a source as engine tables: a data set in memory, Parquet, a DuckDB file, a URL.

- a :class:`~kundenmodell.dataset.Dataset`: its frames as in-memory tables over Arrow;
- a Parquet file, a folder of Parquet files or a glob (hive-partitioned folders such as
  ``transactions/year=2024/part-0.parquet`` included): read in place by the thread's DuckDB;
- a data folder holding ``customers/`` and ``transactions/`` (and optionally
  ``interactions/``), each a Parquet file, folder or ``<name>.parquet``;
- a DuckDB file (``.duckdb``/``.ddb``/``.db``) with tables of those names, opened read-only;
- an Ibis connection string (``postgres://…``, ``snowflake://…``, ``bigquery://…``,
  ``pyspark://…``) with the tables' names.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import sqlglot.expressions as sql

from kundenmodell.dataset import Dataset
from kundenmodell.engine.connection import connection, duckdb_settings, frame_table
from kundenmodell.errors import DataError
from kundenmodell.loading import DUCKDB_SUFFIXES

TABLE_NAMES = ("customers", "transactions", "interactions")
PURCHASE_COLUMNS = ("customer_id", "date", "amount")


@dataclass(frozen=True)
class EngineTables:
    """The canonical tables of one source as Ibis tables; ``interactions`` may be missing."""

    customers: ibis.Table
    transactions: ibis.Table
    interactions: ibis.Table | None = None


def dataset_tables(dataset: Dataset, *, purchase_columns_only: bool = True) -> EngineTables:
    """A data set's frames as in-memory tables; by default only the purchase columns the
    reductions read are handed over (the others would cost a conversion and no query)."""
    columns = PURCHASE_COLUMNS if purchase_columns_only else None
    interactions = dataset.interactions
    return EngineTables(
        customers=frame_table(dataset.customers),
        transactions=frame_table(dataset.transactions, columns),
        interactions=None if interactions is None else frame_table(interactions),
    )


def read_parquet(path: str | Path) -> ibis.Table:
    """A Parquet file, a folder of them (searched recursively, hive partitions read as columns)
    or a glob, as one table of the thread's DuckDB.

    The files are joined by column name (``union_by_name``): an export whose later files
    gained or lost a column, or store a number in a wider type, reads as one table with the
    column empty where a file lacks it, instead of failing when the query reaches that file."""
    location = Path(path)
    pattern = str(location / "**" / "*.parquet") if location.is_dir() else str(path)
    try:
        table = connection().read_parquet(
            pattern, hive_partitioning=location.is_dir(), union_by_name=True
        )
    except Exception as error:  # DuckDB reports unreadable files with several exception types
        raise DataError("engine_error.unreadable", source=str(path)) from error
    return _in_declared_zones(table, _declared_zones(pattern))


UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Z", "+00:00", "GMT"})


def _declared_zones(pattern: str) -> dict[str, str]:
    """The time zones an Arrow writer (pandas, pyarrow, Polars) recorded for the timestamp
    columns of the first file of ``pattern``, other than UTC. Parquet itself only stores that
    a time is in UTC; the zone's name lives in the file's Arrow schema, which DuckDB does not
    read."""
    first = next(iter(sorted(glob.glob(pattern, recursive=True))), None)
    if first is None:
        return {}
    try:
        schema = pq.read_schema(first)
    except (pa.ArrowException, OSError, ValueError):
        return {}  # DuckDB has read the files: leave their times as it read them
    return {
        field.name: field.type.tz
        for field in schema
        if pa.types.is_timestamp(field.type) and field.type.tz not in (None, *UTC_NAMES)
    }


def _in_declared_zones(table: ibis.Table, zones: dict[str, str]) -> ibis.Table:
    """``table`` with each zoned timestamp column of ``zones`` as the wall-clock time in its
    zone (DuckDB's ``timezone(zone, time)``), so that a purchase at 23:30 UTC made in Berlin
    falls on the next day, as the same file uploaded reads (pandas keeps the zone). Without
    this the day, and near a month's end the month, depended on how the file was opened."""
    schema = table.schema()
    zoned = {
        column: zone
        for column, zone in zones.items()
        if column in schema and schema[column].is_timestamp() and schema[column].timezone
    }
    if not zoned:
        return table
    replaced = ", ".join(
        f"timezone({_literal(zone)}, {_identifier(column)}) AS {_identifier(column)}"
        for column, zone in zoned.items()
    )
    query = f"SELECT * REPLACE ({replaced}) FROM {_identifier(table.get_name())}"
    try:  # the view read_parquet made lives in this thread's connection
        return connection().sql(query)
    except Exception:  # a zone name DuckDB does not know: the times stay in UTC
        return table


def _literal(text: str) -> str:
    return sql.Literal.string(text).sql("duckdb")


def _identifier(name: str) -> str:
    return sql.to_identifier(name, quoted=True).sql("duckdb")


def open_source(
    source: Dataset | str | Path, *, tables: dict[str, str] | None = None
) -> EngineTables:
    """The canonical tables of ``source`` (see the module docstring). ``tables`` maps the
    canonical names to the source's own table names (DuckDB files and connection strings)."""
    if isinstance(source, Dataset):
        return dataset_tables(source)
    names = {name: name for name in TABLE_NAMES} | (tables or {})
    text = str(source)
    if "://" in text:
        return _from_backend(ibis.connect(text), names)
    path = Path(source)
    if path.suffix.lower() in DUCKDB_SUFFIXES:
        if not path.is_file():
            raise DataError("engine_error.unreadable", source=text)
        backend = ibis.duckdb.connect(str(path), read_only=True, **duckdb_settings())
        return _from_backend(backend, names)
    if path.is_dir():
        found = {name: _table_path(path, name) for name in TABLE_NAMES}
        for required in ("customers", "transactions"):
            if found[required] is None:
                raise DataError("engine_error.missing_table", source=text, table=required)
        return EngineTables(
            **{name: read_parquet(where) for name, where in found.items() if where is not None}
        )
    raise DataError("engine_error.unreadable", source=text)


def _table_path(folder: Path, name: str) -> Path | None:
    for candidate in (folder / name, folder / f"{name}.parquet"):
        if candidate.exists():
            return candidate
    return None


def _from_backend(backend: ibis.BaseBackend, names: dict[str, str]) -> EngineTables:
    available = set(backend.list_tables())
    for required in ("customers", "transactions"):
        if names[required] not in available:
            raise DataError("engine_error.missing_table", source=backend.name, table=required)
    interactions = names["interactions"]
    return EngineTables(
        customers=backend.table(names["customers"]),
        transactions=backend.table(names["transactions"]),
        interactions=backend.table(interactions) if interactions in available else None,
    )
