"""Where the expressions run: one embedded DuckDB per thread, or the backend a table is bound to.

Streamlit runs every session in its own thread and a DuckDB connection must not be shared
between threads, so each thread gets its own in-memory DuckDB (opening one costs milliseconds).
Tables read from Parquet, a DuckDB file, Spark or a warehouse are bound to their own backend
and run there; in-memory tables (:func:`frame_table`) run on the calling thread's DuckDB.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import ibis
import pandas as pd
import pyarrow as pa
from ibis.backends import BaseBackend
from ibis.common.exceptions import IbisError

from kundenmodell.dates import as_days

_local = threading.local()


def engine_threads() -> int:
    """DuckDB threads per connection: ``KUNDENMODELL_ENGINE_THREADS`` when it is a positive
    whole number, else the machine's cores, at most four (Streamlit serves several sessions,
    each with its own connection).

    Fewer threads can finish sooner where the cores are busy anyway (several sessions, other
    processes): a hash aggregation with millions of groups (customers × days) costs DuckDB
    about twice the CPU on two threads as on one, since each thread's table is partitioned
    and merged. Measured on 2 cores at load 3 with 5 M purchases: the segment report took
    5.2–6.3 s with one thread against 6.5–9.5 s with two, the CLV summary 1.8–2.6 s against
    3.2–4.2 s (18 M: about the same wall time, half the CPU for the CLV summary)."""
    given = os.environ.get("KUNDENMODELL_ENGINE_THREADS", "").strip()
    if given.isdigit() and int(given) > 0:
        return int(given)
    return min(os.cpu_count() or 1, 4)


THREADS = engine_threads()
"""DuckDB threads per connection (:func:`engine_threads`), read once at import."""


MEMORY_VARIABLE = "KUNDENMODELL_ENGINE_MEMORY"


def connection() -> BaseBackend:
    """The calling thread's in-memory DuckDB (created on first use)."""
    con = getattr(_local, "duckdb", None)
    if con is None:
        # Parallel threads add in a varying order; amounts are exact decimals inside the
        # engine (kundenmodell.engine.purchases.MONEY), so every sum is the same each run.
        con = ibis.duckdb.connect(**duckdb_settings())
        _local.duckdb = con
    return con


def duckdb_settings() -> dict[str, object]:
    """The settings of every DuckDB the workbench opens: :data:`THREADS` threads, the private
    :func:`spill_directory`, and a memory cap: ``KUNDENMODELL_ENGINE_MEMORY`` (e.g. ``4GB``)
    or else a quarter of the machine's memory (DuckDB's own default, 80 %, is per database,
    and a team server runs one per session at a time); beyond the cap DuckDB spills to disk."""
    limit = os.environ.get(MEMORY_VARIABLE) or f"{physical_memory() // 4 // 2**20}MB"
    return {"threads": THREADS, "temp_directory": spill_directory(), "memory_limit": limit}


def physical_memory() -> int:
    """The machine's memory in bytes (4 GiB when the system does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 4 * 2**30


SPILL_PREFIX = "kundenmodell-engine-"


@functools.cache
def spill_directory() -> str:
    """Where DuckDB writes what does not fit in memory: a private folder of this process (mode
    0700, removed at exit), never the working directory, where DuckDB would put it by default
    and where the repository or a shared folder may be. The folder's name carries the process
    id, so that the folders of processes that were killed (no exit handler ran) are removed
    by the next process that spills (:func:`remove_orphaned_spills`)."""
    remove_orphaned_spills()
    folder = tempfile.mkdtemp(prefix=f"{SPILL_PREFIX}{os.getpid()}-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def remove_orphaned_spills(parent: str | None = None) -> list[str]:
    """Remove this user's spill folders (in ``parent``, default the temporary directory) whose
    process no longer runs; returns the removed paths. Folders named without a process id
    (older versions) are removed when they are empty."""
    removed = []
    for folder in Path(parent or tempfile.gettempdir()).glob(f"{SPILL_PREFIX}*"):
        try:
            if not folder.is_dir() or folder.stat().st_uid != os.getuid():
                continue
            pid = folder.name.removeprefix(SPILL_PREFIX).split("-", 1)[0]
            orphaned = not _running(int(pid)) if pid.isdigit() else not any(folder.iterdir())
        except OSError:
            continue
        if orphaned:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(str(folder))
    return removed


def _running(pid: int) -> bool:
    """Whether a process with this id exists (signal 0 checks without sending anything)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def backend_of(expr: ibis.Expr) -> BaseBackend:
    """The backend ``expr`` is bound to, or the thread's DuckDB for in-memory tables."""
    try:
        return expr._find_backend()
    except IbisError:
        return connection()


def to_pandas(expr: ibis.Table) -> pd.DataFrame:
    """Execute a (small) result table and return it as a pandas frame."""
    return backend_of(expr).to_pyarrow(expr).to_pandas()


def to_arrow(expr: ibis.Table) -> pa.Table:
    """Execute a result table and return it as an Arrow table (kept, scanned again later)."""
    return backend_of(expr).to_pyarrow(expr)


def scalars(expr: ibis.Table) -> dict[str, object]:
    """Execute a one-row aggregate and return its values by column name."""
    row = backend_of(expr).to_pyarrow(expr).to_pylist()
    return row[0] if row else {}


@contextmanager
def materialised(expr: ibis.Table) -> Iterator[ibis.Table]:
    """``expr`` computed once into a temporary table of its backend, for several queries
    that read it; the table is dropped on leaving the block (a Streamlit session's
    connection lives long, so nothing is left behind). Only DuckDB materialises; other
    backends get ``expr`` back unchanged."""
    backend = backend_of(expr)
    if backend.name != "duckdb":
        # Spark has no temporary tables through Ibis, and a warehouse's may need rights the
        # user lacks: there the expression is simply read twice.
        yield expr
        return
    name = f"_kundenmodell_{uuid.uuid4().hex}"
    table = backend.create_table(name, obj=expr, temp=True)
    try:
        yield table
    finally:
        # ibis 12's drop_table emits SQL that DuckDB 1.5 cannot parse; the statement is plain.
        backend.raw_sql(f'DROP TABLE IF EXISTS "{name}"')


@contextmanager
def releasing() -> Iterator[None]:
    """Unregister, on leaving the block, the in-memory tables that were registered on the
    calling thread's DuckDB inside it (usable as a decorator).

    ibis 12 registers an in-memory table (:func:`arrow_table`) with DuckDB when a query first
    reads it and unregisters it only when the process exits, so DuckDB holds its Arrow data
    until then. A Streamlit run's thread takes its connection with it, but a notebook or a
    loop in one thread kept every table it ever analysed: labelling 100 M purchases in 56
    parts grew to 7.2 GB. A table used again after the block is simply registered again
    (no copy)."""
    con = connection()
    before = _registered(con)
    try:
        yield
    finally:
        for name in _registered(con) - before:
            con.con.unregister(name)
        # a table still in use is registered again when a query next reads it
        for op in list(con._memtables):  # ibis's registry (a WeakSet of the live tables)
            if op.name not in before:
                con._memtables.discard(op)


def _registered(con: BaseBackend) -> set[str]:
    """The names of the in-memory tables registered on ``con`` (DuckDB lists a registered
    Arrow table as a temporary view)."""
    rows = con.con.execute(
        "SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal"
    ).fetchall()
    return {name for (name,) in rows if name.startswith("ibis_") and MEMTABLE_MARK in name}


def frame_table(frame: pd.DataFrame, columns: tuple[str, ...] | None = None) -> ibis.Table:
    """A pandas frame as an in-memory table over Arrow (no copy where the columns allow it).

    Columns named ``date`` that are not datetimes yet are read with
    :func:`kundenmodell.dates.as_days`, and ``amount`` that is not numeric with
    ``pandas.to_numeric`` (unreadable values become missing), so that messy uploads reach the
    engine with the same meaning the pandas code gave them.
    """
    kept = [c for c in (columns or tuple(frame.columns)) if c in frame.columns]
    data = {}
    for name in kept:
        values = frame[name]
        if name == "date" and not _is_naive_datetime(values):
            values = as_days(values)
        elif name == "amount" and not pd.api.types.is_numeric_dtype(values):
            values = pd.to_numeric(values, errors="coerce")
        data[name] = values
    frame = pd.DataFrame(data, copy=False)
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # Mixed Python objects (an id column of numbers and text): compare them as text.
        mixed = [n for n in frame.columns if frame[n].dtype == object]
        table = pa.Table.from_pandas(
            frame.astype(dict.fromkeys(mixed, "string")), preserve_index=False
        )
    return arrow_table(table)


MEMTABLE_MARK = "_memtable_"
"""What the names ibis gives in-memory tables carry (``ibis_pyarrow_memtable_…``); its views
of files (``ibis_read_parquet_…``, a source's Parquet folder, a kept result) are left alone."""
SCAN_BATCH_ROWS = 2**17
"""Rows per Arrow batch that DuckDB scans (:func:`arrow_table`)."""


def arrow_table(table: pa.Table) -> ibis.Table:
    """An Arrow table as an in-memory engine table, cut (without copying) into batches of
    :data:`SCAN_BATCH_ROWS` rows.

    DuckDB hands each Arrow batch to one thread, and a table made from numpy or pandas is one
    batch: a grouping over it ran on one core. Measured on 18 M purchases grouped by customer
    and day (2 cores): one batch 6.9 s wall / 13.7 s CPU, cut 4.1 s / 8.1 s."""
    return ibis.memtable(in_scan_batches(table))


def in_scan_batches(table: pa.Table) -> pa.Table:
    """``table`` cut into batches of at most :data:`SCAN_BATCH_ROWS` rows (zero-copy slices)."""
    batches = table.to_batches(max_chunksize=SCAN_BATCH_ROWS)
    return pa.Table.from_batches(batches, schema=table.schema)


def _is_naive_datetime(values: pd.Series) -> bool:
    return pd.api.types.is_datetime64_dtype(values) and getattr(values.dt, "tz", None) is None
