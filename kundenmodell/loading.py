"""``km.load``: one call from a file, a sample or a workspace export to a :class:`Dataset`.

It does in a notebook what the workbench does when data arrives: a bundled sample is loaded
as it is; a workspace export (``.zip``) is checked like an import and read without being
stored; any other file goes through the upload path of :mod:`kundenmodell.io` — read
(CSV/TSV/xlsx/Parquet/JSON lines, German or English spreadsheet conventions), map onto the
canonical columns with the suggested mapping (or the one given), and split a one-row-per-
purchase file into customers and purchases.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kundenmodell.dataset import Dataset
from kundenmodell.errors import DataError
from kundenmodell.sample import SAMPLES, load_sample
from kundenmodell.store import read_zip

if TYPE_CHECKING:
    from kundenmodell.io import Mapping

_ZIP_MAGIC = b"PK\x03\x04"
DUCKDB_SUFFIXES = (".duckdb", ".ddb", ".db")


def load(
    source: str | Path | bytes | IO[bytes],
    *,
    mapping: Mapping | None = None,
    sheet: str | None = None,
    name: str | None = None,
) -> Dataset:
    """The data set in ``source``.

    ``source`` is a sample name (``"de"``, ``"en"``), a data folder holding ``customers/``
    and ``transactions/`` (and optionally ``interactions/``) as Parquet in the canonical
    schema, a DuckDB file with those tables, or a path, ``bytes`` or binary file of a
    workspace export or a customer/purchase file. For files, ``mapping`` replaces the
    suggested column mapping (e.g. one saved from the upload page with
    :meth:`~kundenmodell.io.Mapping.to_json`), ``sheet`` picks an Excel worksheet and ``name``
    names the data set (default: the file name without extension).
    """
    from kundenmodell import io  # the upload path; imported only when a file is loaded

    if isinstance(source, str) and source in SAMPLES:
        return load_sample(source)
    if isinstance(source, str | Path) and (
        Path(source).is_dir() or Path(source).suffix.lower() in DUCKDB_SUFFIXES
    ):
        from kundenmodell.engine.load import load_dataset  # imports ibis: only when needed

        return load_dataset(source, name=name)
    if _is_zip(source):
        workspace = read_zip(source)
        if workspace.dataset is None:
            raise DataError("error.store.load.empty", name=workspace.name)
        return workspace.dataset
    loaded = io.read_table(source, sheet=sheet)
    chosen = (
        mapping.for_columns(loaded.frame.columns)
        if mapping is not None
        else io.suggest_mapping(loaded.frame.columns, "auto", loaded)
    )
    label = name or Path(loaded.name).stem or "upload"
    mapped = io.map_table(loaded.frame, chosen, name=label, **loaded.mapping_options)
    return mapped.to_dataset()


def _is_zip(source: Any) -> bool:
    if isinstance(source, str | Path):
        return Path(source).suffix.lower() == ".zip"
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source[:4]) == _ZIP_MAGIC
    return False
