"""Engine results kept between page runs: written once to a private Parquet file.

A result that several later questions read (the per-customer summary of a source analysed in
place, read again whenever the CLV horizon or discount rate changes) costs a full scan of the
purchases each time it is recomputed: at 100 M purchases, three minutes. :func:`keep` writes it
once, streaming (DuckDB's ``COPY … TO``, nothing in pandas), into this process's private spill
folder (:func:`~kundenmodell.engine.connection.spill_directory`, mode 0700, removed at exit and,
after a crash, by the next process). :meth:`KeptTable.table` reads it on the DuckDB the
expression ran on, so that it joins with the source's other tables there (a database file's
customers, a folder's Parquet views). The file is deleted when its :class:`KeptTable` is
garbage collected: a session that drops its analysis drops the file with it.
"""

from __future__ import annotations

import functools
import uuid
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import pyarrow.parquet as pq
from ibis.backends import BaseBackend

from kundenmodell.engine.connection import backend_of, spill_directory


@dataclass(frozen=True, eq=False)
class KeptTable:
    """A result kept in ``path`` (Parquet) with its ``rows``, written from ``backend``."""

    path: Path
    rows: int
    backend: BaseBackend = field(repr=False)

    @functools.cached_property
    def _table(self) -> ibis.Table:
        return self.backend.read_parquet(str(self.path))

    def table(self) -> ibis.Table:
        """The kept result, read on the backend it was written from (registered there once,
        not again on every page run)."""
        return self._table


def keep(expr: ibis.Table) -> KeptTable | None:
    """``expr`` computed once into a private Parquet file, or None where that cannot be done:
    its backend is not DuckDB (Spark and warehouses write files where they run, not on this
    machine), or the DuckDB may not write files (a database opened without external access).
    The caller then computes the expression again where it needs it, and an error in the
    expression itself surfaces there, as it would have without keeping."""
    backend = backend_of(expr)
    if backend.name != "duckdb":
        return None
    path = kept_path()
    try:
        backend.to_parquet(expr, path)
        rows = pq.ParquetFile(path).metadata.num_rows
    except Exception:  # DuckDB raises many types; see the docstring
        path.unlink(missing_ok=True)
        return None
    except BaseException:  # interrupted (a stopped Streamlit run): leave nothing behind
        path.unlink(missing_ok=True)
        raise
    kept = KeptTable(path, rows, backend)
    weakref.finalize(kept, path.unlink, missing_ok=True)
    return kept


def kept_path(suffix: str = ".parquet") -> Path:
    """A new, unused path in the private kept folder (mode 0700, removed at exit), a Parquet
    file's by default; the caller deletes what it writes there with its owner
    (``weakref.finalize(owner, path.unlink, …)``)."""
    folder = Path(spill_directory()) / "kept"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder / f"{uuid.uuid4().hex}{suffix}"
