"""``km.load`` of a data folder or a DuckDB file: the canonical tables as a :class:`Dataset`.

The tables are read through the engine (Parquet in place, DuckDB read-only) and handed to
pandas, where the pages and models expect them today; every purchase scan of the segment
report and the CLV summary still runs in the engine. Keeping the tables in the engine for
the whole workbench (filters pushed down, pages reading a page of rows) is the next step.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kundenmodell.dataset import Dataset
from kundenmodell.engine.connection import to_pandas
from kundenmodell.engine.sources import open_source
from kundenmodell.schema import TABLES


def load_dataset(source: str | Path, *, name: str | None = None) -> Dataset:
    """The data set in a folder with ``customers/`` and ``transactions/`` (optionally
    ``interactions/``) Parquet, or in a DuckDB file with tables of those names."""
    tables = open_source(source)
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
    )


def _canonical(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Date columns of the canonical schema as datetimes (DuckDB ``DATE`` arrives as Python
    dates); other columns as read."""
    schema = TABLES[table]
    for column in frame.columns:
        if column in schema.names and schema.column(column).kind == "date":
            frame[column] = pd.to_datetime(frame[column], errors="coerce")
    return frame
