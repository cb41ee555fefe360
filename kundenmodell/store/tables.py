"""Tables to and from Parquet files, in bounded memory and with a checksum.

Writing converts the frame to Arrow in slices of :data:`CHUNK_ROWS` rows, so saving five
million purchases never holds a second full copy of the table; each slice becomes one row group.
Reading hands Arrow's buffers over to pandas column by column (``self_destruct``), so the peak
is about one table plus one column rather than two tables. The SHA-256 of each file is kept in
the manifest and checked before the file is parsed: a truncated or altered file is refused with
``error.store.corrupt`` instead of reaching the analysis.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kundenmodell.errors import DataError

CHUNK_ROWS = 500_000
_HASH_BLOCK = 4 * 1024 * 1024


def file_digest(path: Path) -> tuple[str, int]:
    """SHA-256 (hex) and size of a file, read in blocks; the file is fsynced on the way."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(_HASH_BLOCK):
            digest.update(block)
            size += len(block)
        os.fsync(handle.fileno())
    return digest.hexdigest(), size


def write_table(frame: pd.DataFrame, path: Path) -> dict[str, Any]:
    """Write ``frame`` (without its row index) to ``path`` and describe it for the manifest.

    Returns ``{"file", "rows", "bytes", "sha256", "dtypes"}`` with ``file`` left for the caller
    to fill in. ``dtypes`` records pandas' dtype names, because Parquet has no second-resolution
    timestamps: ``datetime64[s]`` columns come back as ``datetime64[ms]`` and are cast back.
    """
    writer: pq.ParquetWriter | None = None
    try:
        for start in range(0, max(len(frame), 1), CHUNK_ROWS):
            chunk = frame.iloc[start : start + CHUNK_ROWS]
            if writer is None:
                table = pa.Table.from_pandas(chunk, preserve_index=False)
                writer = pq.ParquetWriter(path, table.schema, compression="zstd")
            else:
                table = pa.Table.from_pandas(chunk, schema=writer.schema, preserve_index=False)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    sha256, size = file_digest(path)
    return {
        "rows": len(frame),
        "bytes": size,
        "sha256": sha256,
        "dtypes": {str(name): str(dtype) for name, dtype in frame.dtypes.items()},
    }


def verify_file(path: Path, entry: dict[str, Any]) -> None:
    """Refuse a table file whose size, checksum or Parquet footer disagrees with its entry."""
    if not path.is_file():
        raise DataError("error.store.corrupt", file=entry["file"])
    if entry.get("sha256") is not None:
        sha256, size = file_digest(path)
        if sha256 != entry["sha256"] or (entry.get("bytes") not in (None, size)):
            raise DataError("error.store.corrupt", file=entry["file"])
    try:
        rows = pq.read_metadata(path).num_rows
    except (pa.ArrowException, OSError):
        raise DataError("error.store.corrupt", file=entry["file"]) from None
    if entry.get("rows") not in (None, rows):
        raise DataError("error.store.corrupt", file=entry["file"])


def read_stored_table(path: Path, entry: dict[str, Any]) -> pd.DataFrame:
    """The table described by ``entry``, checked (:func:`verify_file`) and with its dtypes."""
    verify_file(path, entry)
    try:
        table = pq.read_table(path, memory_map=True)
        frame = table.to_pandas(self_destruct=True, split_blocks=True)
    except (pa.ArrowException, OSError):
        raise DataError("error.store.corrupt", file=entry["file"]) from None
    del table
    for name, saved in (entry.get("dtypes") or {}).items():
        if (
            name in frame.columns
            and saved.startswith("datetime64[")
            and str(frame[name].dtype) != saved
        ):
            frame[name] = frame[name].astype(saved)
    return frame
