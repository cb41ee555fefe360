"""``km.load``: one call from a file, a sample or a workspace export to a :class:`Dataset`.

It does in a notebook what the workbench does when data arrives: a bundled sample is loaded
as it is; a workspace export (``.zip``) is checked like an import and read without being
stored; any other file goes through the upload path of :mod:`kundenmodell.io` — read
(CSV/TSV/xlsx/Parquet/JSON lines, German or English spreadsheet conventions), map onto the
canonical columns with the suggested mapping (or the one given), and split a one-row-per-
purchase file into customers and purchases.

A list of sources becomes one data set: ``km.load(["kunden.csv", "kaeufe.csv"])`` loads each
as above and joins them on the customer number (:func:`kundenmodell.combine.combine`); what
did not match (purchases of unknown customers, customers without purchases, numbers written
differently) is in ``dataset.join_report``, e.g. ``for level, text in
data.join_report.lines("de"): print(text)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kundenmodell.dataset import Dataset
from kundenmodell.errors import DataError
from kundenmodell.sample import SAMPLES, load_sample
from kundenmodell.store import read_zip

if TYPE_CHECKING:
    from kundenmodell.combine import Part
    from kundenmodell.engine.in_place import InPlaceSource
    from kundenmodell.io import Mapping

_ZIP_MAGIC = b"PK\x03\x04"
DUCKDB_SUFFIXES = (".duckdb", ".ddb", ".db")
Source = str | Path | bytes | IO[bytes]


def load(
    source: Source | Sequence[Source],
    *,
    mapping: Mapping | Sequence[Mapping | None] | None = None,
    sheet: str | None = None,
    name: str | None = None,
    unify_ids: bool = False,
    in_place: bool | None = None,
) -> Dataset | InPlaceSource:
    """The data set in ``source``.

    ``source`` is a sample name (``"de"``, ``"en"``), a data folder holding ``customers/``
    and ``transactions/`` (and optionally ``interactions/``) as Parquet in the canonical
    schema, a DuckDB file with those tables, or a path, ``bytes`` or binary file of a
    workspace export or a customer/purchase file. For files, ``mapping`` replaces the
    suggested column mapping (e.g. one saved from the upload page with
    :meth:`~kundenmodell.io.Mapping.to_json`), ``sheet`` picks an Excel worksheet and ``name``
    names the data set (default: the file name without extension).

    A list or tuple of sources is combined into one data set (:func:`combine`); ``mapping`` is
    then one mapping (or None) per source, ``unify_ids`` joins customer numbers that differ only
    in format (``00123`` = ``123``), and the result's ``join_report`` says what matched.

    A data folder or DuckDB file beyond what one process should hold (more than 20 M purchases
    or 5 M customers), or any of them with ``in_place=True``, is not read: it comes back as an
    :class:`~kundenmodell.engine.in_place.InPlaceSource` whose tables stay in the engine.
    ``segment_report``, ``clv.analysis.fit_dataset`` and ``personas.build`` accept it as they
    accept a data set (:func:`kundenmodell.engine.load.load_source`); ``in_place=False``
    refuses such a source instead.
    """
    if isinstance(source, list | tuple):
        return _load_several(source, mapping, sheet=sheet, name=name, unify_ids=unify_ids)
    if isinstance(source, str | Path) and _is_engine_source(source):
        from kundenmodell.engine.load import load_source  # imports ibis: only when needed

        return load_source(source, name=name, in_place=in_place)
    return _load_part(source, mapping, sheet=sheet, name=name).data


def _load_several(
    sources: Sequence[Source],
    mappings: Mapping | Sequence[Mapping | None] | None,
    *,
    sheet: str | None,
    name: str | None,
    unify_ids: bool,
) -> Dataset:
    from kundenmodell.combine import combine

    if not sources:
        raise DataError("join_error.no_files")
    if mappings is None or not isinstance(mappings, list | tuple):
        chosen: Sequence[Mapping | None] = [None] * len(sources)
    else:
        chosen = mappings
    if len(chosen) != len(sources):
        raise ValueError("give one mapping (or None) per source")
    parts = [
        _load_part(source, mapping, sheet=sheet)
        for source, mapping in zip(sources, chosen, strict=True)
    ]
    return combine(parts, unify_ids=unify_ids, name=name)


def _is_engine_source(source: str | Path) -> bool:
    """A data folder or DuckDB file, which the engine opens (not a bundled sample's name, nor a
    file for the upload path)."""
    if isinstance(source, str) and source in SAMPLES:
        return False
    path = Path(source)
    return path.is_dir() or path.suffix.lower() in DUCKDB_SUFFIXES


def _load_part(
    source: Source, mapping: Mapping | None, *, sheet: str | None, name: str | None = None
) -> Part:
    """One source as a :class:`~kundenmodell.combine.Part`: its data set and the tables it
    fills (from the mapping of a file, from the contents of a sample or workspace)."""
    from kundenmodell import io  # the upload path; imported only when a file is loaded
    from kundenmodell.combine import Part

    if isinstance(source, str) and source in SAMPLES:
        return Part.of(load_sample(source))
    if isinstance(source, str | Path) and _is_engine_source(source):
        from kundenmodell.engine.load import load_dataset  # imports ibis: only when needed

        return Part.of(load_dataset(source, name=name))
    if _is_zip(source):
        workspace = read_zip(source)
        if workspace.dataset is None:
            raise DataError("error.store.load.empty", name=workspace.name)
        return Part.of(workspace.dataset)
    loaded = io.read_table(source, sheet=sheet)
    chosen = (
        mapping.for_columns(loaded.frame.columns)
        if mapping is not None
        else io.suggest_mapping(loaded.frame.columns, "auto", loaded)
    )
    label = name or Path(loaded.name).stem or "upload"
    mapped = io.map_table(loaded.frame, chosen, name=label, **loaded.mapping_options)
    return Part.of(mapped.to_dataset(), mapped.mapping, label)


def _is_zip(source: Any) -> bool:
    if isinstance(source, str | Path):
        return Path(source).suffix.lower() == ".zip"
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source[:4]) == _ZIP_MAGIC
    return False
