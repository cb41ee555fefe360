"""``km.load`` of a data folder or a DuckDB file: the canonical tables as a :class:`Dataset`.

The tables are read through the engine (Parquet in place, DuckDB read-only) and handed to
pandas, where the pages and models expect them today; every purchase scan of the segment
report and the CLV summary still runs in the engine. Keeping the tables in the engine for
the whole workbench (filters pushed down, pages reading a page of rows) is the next step.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from kundenmodell.dataset import Dataset
from kundenmodell.engine.connect import check_size
from kundenmodell.engine.connection import to_pandas
from kundenmodell.engine.sources import open_source
from kundenmodell.schema import TABLES


def load_dataset(source: str | Path, *, name: str | None = None) -> Dataset:
    """The data set in a folder with ``customers/`` and ``transactions/`` (optionally
    ``interactions/``) Parquet, or in a DuckDB file with tables of those names.

    The rows are counted in the engine first: a source beyond what one process should hold
    (:func:`kundenmodell.engine.connect.check_size`) raises ``connect_error.too_large``;
    analyse it where it lies with
    :func:`kundenmodell.segments.in_place.segment_report_in_place`."""
    tables = open_source(source)
    check_size(tables.customers, tables.transactions)
    frames = {
        table: _canonical(table, to_pandas(getattr(tables, table)))
        for table in ("customers", "transactions", "interactions")
        if getattr(tables, table) is not None
    }
    return Dataset(
        customers=frames["customers"],
        transactions=frames["transactions"],
        interactions=frames.get("interactions"),
        name=name or Path(source).stem or "dataset",
        source="upload",
        **_described_currency(Path(source)),
    )


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


def _canonical(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Date columns of the canonical schema as datetimes (DuckDB ``DATE`` arrives as Python
    dates); other columns as read."""
    schema = TABLES[table]
    for column in frame.columns:
        if column in schema.names and schema.column(column).kind == "date":
            frame[column] = pd.to_datetime(frame[column], errors="coerce")
    return frame
