"""What a source offers before anything is loaded: its tables, a sample and a row count.

The connect flow of the workbench (and a notebook user looking at an unknown database) first
asks which tables a source holds and which of them are the customers and the purchases:

- a data folder: every sub-folder and ``*.parquet`` file in it is a table, named by its stem
  (``customers/``, ``transactions/``, ``kaeufe.parquet``); a folder of part files or hive
  partitions (``year=2024/``) is one table;
- a Parquet file or a glob: one table;
- a DuckDB file (opened read-only) or an Ibis connection string: the tables it lists.

Nothing here reads a whole table: :func:`sample_rows` fetches at most :data:`SAMPLE_ROWS`
rows with a ``LIMIT`` in the engine and :func:`row_count` counts there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import ibis
import pandas as pd
import pyarrow as pa

from kundenmodell.engine.connection import backend_of, duckdb_settings, scalars
from kundenmodell.engine.sources import read_parquet
from kundenmodell.errors import DataError
from kundenmodell.io.mapping import normalise
from kundenmodell.loading import DUCKDB_SUFFIXES

SAMPLE_ROWS = 10_000
"""Rows fetched per table to suggest and check the column mapping."""

SourceKind = Literal["folder", "parquet", "duckdb", "url"]
Role = Literal["customers", "transactions", "interactions"]
ROLES: tuple[Role, ...] = ("customers", "transactions", "interactions")

ROLE_NAMES: dict[Role, tuple[str, ...]] = {
    "customers": (
        "customers", "customer", "kunden", "kunde", "kunder", "clients", "contacts", "kontakte",
        "stammdaten", "crm",
    ),
    "transactions": (
        "transactions", "transaction", "purchases", "purchase", "orders", "order", "sales",
        "kaeufe", "kauf", "bestellungen", "umsaetze", "umsatz", "kjop", "ordrer", "salg",
        "transaksjoner",
    ),
    "interactions": (
        "interactions", "interaction", "touchpoints", "kontaktpunkte", "interaktionen",
        "aktivitaeten", "interaksjoner", "henvendelser",
    ),
}  # fmt: skip
"""Table names (folded with :func:`~kundenmodell.io.mapping.normalise`) that pre-pick a role."""


@dataclass(frozen=True)
class SourceTables:
    """The tables of one source by name (lazy Ibis tables: nothing read yet), the kind of
    source, and the table pre-picked for each role (None: the user picks)."""

    source: str
    kind: SourceKind
    tables: dict[str, ibis.Table]
    picked: dict[Role, str | None]

    @property
    def names(self) -> list[str]:
        return list(self.tables)


def browse(source: str | Path, *, external_access: bool = True) -> SourceTables:
    """The tables ``source`` offers (see the module docstring) and the pre-picked roles.

    ``external_access=False`` opens a DuckDB file so that its views cannot read other files
    of the server (a team server allows only the files under its data folder).
    Raises ``engine_error.unreadable`` for anything that cannot be opened and
    ``connect_error.no_tables`` for a source without tables.
    """
    text = str(source).strip()
    kind, tables = _open(text, external_access)
    if not tables:
        raise DataError("connect_error.no_tables", source=text)
    return SourceTables(text, kind, tables, pick_roles(list(tables)))


def pick_roles(names: list[str]) -> dict[Role, str | None]:
    """For each role, the first table whose whole folded name is one of :data:`ROLE_NAMES`
    (``Kunden`` → customers, ``Käufe`` → purchases); each table serves one role at most."""
    picked: dict[Role, str | None] = {}
    taken: set[str] = set()
    for role in ROLES:
        known = set(ROLE_NAMES[role])
        hit = next((n for n in names if n not in taken and normalise(n) in known), None)
        picked[role] = hit
        if hit is not None:
            taken.add(hit)
    return picked


def sample_rows(table: ibis.Table, rows: int = SAMPLE_ROWS) -> pd.DataFrame:
    """At most ``rows`` rows of ``table``, fetched with a ``LIMIT`` in the engine; DECIMAL
    columns as floats (the suggestion and the examples read them as numbers)."""
    try:
        sample = backend_of(table).to_pyarrow(table.limit(rows))
    except Exception as error:  # engines raise their own exception types
        raise DataError("connect_error.unreadable_table", detail=_short(error)) from error
    decimals = [i for i, field in enumerate(sample.schema) if pa.types.is_decimal(field.type)]
    for i in decimals:
        sample = sample.set_column(i, sample.field(i).name, sample.column(i).cast(pa.float64()))
    return sample.to_pandas()


def row_count(table: ibis.Table) -> int:
    """The number of rows of ``table``, counted in the engine."""
    try:
        return int(scalars(table.aggregate(rows=table.count()))["rows"])
    except Exception as error:  # engines raise their own exception types
        raise DataError("connect_error.unreadable_table", detail=_short(error)) from error


def _open(text: str, external_access: bool) -> tuple[SourceKind, dict[str, ibis.Table]]:
    try:
        if "://" in text:
            backend = ibis.connect(text)
            return "url", _backend_tables(backend)
        path = Path(text).expanduser()
        if path.suffix.lower() in DUCKDB_SUFFIXES:
            if not path.is_file():
                raise DataError("engine_error.unreadable", source=text)
            backend = ibis.duckdb.connect(
                str(path),
                read_only=True,
                enable_external_access=external_access,
                **duckdb_settings(),
            )
            return "duckdb", _backend_tables(backend)
        if path.is_dir() and _is_data_folder(path):
            return "folder", {
                _table_name(entry): read_parquet(entry) for entry in _folder_tables(path)
            }
        if path.is_dir() or path.is_file() or any(c in text for c in "*?["):
            return "parquet", {_table_name(path): read_parquet(path)}
    except DataError:
        raise
    except Exception as error:  # drivers, DuckDB and the file system raise many types
        raise DataError("engine_error.unreadable", source=text) from error
    raise DataError("connect_error.not_found", source=text)


def _backend_tables(backend: ibis.BaseBackend) -> dict[str, ibis.Table]:
    """The tables and views of a database whose columns can be read (a view over files the
    server may not open is left out)."""
    tables = {}
    for name in backend.list_tables():
        try:
            tables[name] = backend.table(name)
        except Exception:  # a view that cannot be described is not offered
            continue
    return tables


def _is_data_folder(path: Path) -> bool:
    """A folder of tables, not one table split into part files or partitions: it has a
    sub-folder that is no ``key=value`` partition."""
    return any(entry.is_dir() and "=" not in entry.name for entry in path.iterdir())


def _folder_tables(path: Path) -> list[Path]:
    """The sub-folders holding Parquet and the ``*.parquet`` files of a data folder, by name."""
    entries = [
        entry
        for entry in sorted(path.iterdir())
        if not entry.name.startswith(".")
        and (
            (entry.is_dir() and next(entry.rglob("*.parquet"), None) is not None)
            or (entry.is_file() and entry.suffix.lower() == ".parquet")
        )
    ]
    return entries


def _table_name(path: Path) -> str:
    return path.stem if path.suffix.lower() == ".parquet" else path.name


def _short(error: Exception, length: int = 200) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= length else text[: length - 1] + "…"
