"""Large synthetic data sets written as a Parquet data folder, block by block.

:func:`write_folder` writes what :func:`~kundenmodell.synth.generate` would hold in memory as a
data folder that :func:`kundenmodell.engine.open_source` and :func:`kundenmodell.load` read::

    shop/
      customers/part-00000.parquet, part-00001.parquet, …
      transactions/part-00000.parquet, …
      interactions/part-00000.parquet, …
      synthetic.json          how it was made, the row counts and the planted parameters

Customers are drawn in blocks of :data:`BLOCK_CUSTOMERS`, each from its own random streams
seeded by (seed, locale, block number), with the same vectorised stages as ``generate``. A
part file holds ``chunk_customers`` customers and everything they did; the blocks are cut
at the part boundaries, so the rows written depend only on the arguments that describe the
data, never on ``chunk_customers`` (which only decides how they are split into files). Each
block goes to the part files as soon as it is drawn and only one block is held at a time
(the last one is kept while a part boundary cuts it), so the peak memory depends neither on
``n_customers`` nor on ``chunk_customers``.

The folder is written under a hidden temporary name next to ``path`` and renamed when it is
complete: an interrupted run never leaves a folder that looks finished.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from kundenmodell.errors import DataError
from kundenmodell.synth.customers import ID_WIDTH
from kundenmodell.synth.generator import (
    MIN_CUSTOMERS,
    Plan,
    draw_tables,
    is_count,
    plan,
    truth_params,
)
from kundenmodell.synth.pools import pools
from kundenmodell.synth.types import CustomerType

BLOCK_CUSTOMERS = 25_000
"""Customers drawn together from one set of random streams. Fixed, so the data do not depend
on the part size. Measured on 2 busy cores: blocks of 20,000 to 100,000 customers all draw
130,000–190,000 customers/s (10,000: 80,000/s); drawing a block of 25,000 raises the peak
memory by about 46 MB."""
DEFAULT_CHUNK = 250_000
COMPRESSION = "zstd"
"""Measured on 100,000 customers: a quarter smaller than snappy (7.7 vs 10.5 MB), written as
fast; DuckDB, Spark and pyarrow read it."""
TABLES = ("customers", "transactions", "interactions")
MARKER = "synthetic.json"
"""The file that marks a folder as written by :func:`write_folder` (and may be replaced)."""
_BLOCK_STREAMS = 0x666F6C64
"""Spawn key that keeps the blocks' streams apart from those of ``generate``."""


@dataclass(frozen=True)
class FolderProgress:
    """Where a running :func:`write_folder` is: after ``part`` of ``parts`` files, the rows
    written so far and the seconds since the start."""

    part: int
    parts: int
    customers: int
    transactions: int
    interactions: int
    seconds: float


@dataclass(frozen=True)
class FolderSummary:
    """What :func:`write_folder` wrote: the folder, its row counts, part files and seconds."""

    path: Path
    customers: int
    transactions: int
    interactions: int
    parts: int
    seconds: float


@dataclass(frozen=True)
class _Block:
    """One drawn block as Arrow tables; ``*_starts[i]`` is the first row of customer ``i``
    (with a final entry for the end), so a range of customers is a zero-copy slice."""

    tables: dict[str, pa.Table]
    starts: dict[str, np.ndarray]

    def rows(self, name: str, first: int, stop: int) -> pa.Table:
        """The rows of the customers ``first`` … ``stop − 1`` (positions in the block)."""
        if name == "customers":
            return self.tables[name].slice(first, stop - first)
        starts = self.starts[name]
        return self.tables[name].slice(starts[first], starts[stop] - starts[first])


def write_folder(
    path: str | os.PathLike[str],
    n_customers: int,
    *,
    locale: str = "de_DE",
    seed: int = 0,
    chunk_customers: int = DEFAULT_CHUNK,
    start: dt.date | None = None,
    end: dt.date | None = None,
    b2b_share: float = 0.15,
    internal_share: float = 0.03,
    types: Sequence[CustomerType | str] | None = None,
    seasonality: float = 0.35,
    overwrite: bool = False,
    progress: Callable[[FolderProgress], None] | None = None,
) -> FolderSummary:
    """Write ``n_customers`` synthetic customers (no upper limit) with their purchases and
    interactions as a Parquet data folder at ``path``; see the module docstring for the
    layout.

    ``locale``, ``seed``, ``start``, ``end``, ``b2b_share``, ``internal_share``, ``types`` and
    ``seasonality`` mean what they mean for :func:`~kundenmodell.synth.generate`; columns and
    dtypes are those of its tables (categories as dictionary columns; dates as
    ``timestamp[ms]``, since Parquet has no seconds, which pandas reads as datetime64[ms];
    customer ids ``C`` + at least 7 digits, wider from 10 million customers on). The same
    arguments give identical files; a different ``chunk_customers`` gives the same rows in
    other files. The tables are statistically those of ``generate`` but not the same draws.
    ``progress`` is called after every part file. A non-empty ``path`` is only replaced when
    ``overwrite`` is set and it holds a folder this function wrote (its ``synthetic.json``).

    Raises :class:`DataError` with the keys of ``generate`` (``error.unknown_locale``,
    ``error.invalid_share``, ``error.invalid_period``, ``error.unknown_customer_type``) and
    ``generate_error.invalid_folder_size`` (``minimum``), ``generate_error.invalid_chunk``,
    ``generate_error.invalid_seed``, ``generate_error.folder_exists`` or
    ``generate_error.folder_foreign`` (``path``); :class:`OSError` when the disk refuses.
    """
    settings = plan(
        locale,
        start=start,
        end=end,
        b2b_share=b2b_share,
        internal_share=internal_share,
        types=types,
        seasonality=seasonality,
    )
    if not is_count(n_customers, MIN_CUSTOMERS):
        raise DataError("generate_error.invalid_folder_size", minimum=MIN_CUSTOMERS)
    if not is_count(chunk_customers, 1):
        raise DataError("generate_error.invalid_chunk")
    if not is_count(seed, 0):
        raise DataError("generate_error.invalid_seed")
    target = Path(path).absolute()
    _check_target(target, overwrite)

    started = time.perf_counter()
    n, chunk = int(n_customers), int(chunk_customers)
    parts = -(-n // chunk)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = _sibling(target, "partial")
    temporary.mkdir()  # not mkdtemp: its mode 0700 would stay on the finished folder
    try:
        counts = dict.fromkeys(TABLES, 0)
        blocks = _Blocks(settings, int(seed), n)
        for part in range(parts):
            low = part * chunk
            written = _write_part(temporary, part, low, min(low + chunk, n), blocks)
            for name, rows in written.items():
                counts[name] += rows
            if progress is not None:
                progress(
                    FolderProgress(
                        part + 1,
                        parts,
                        counts["customers"],
                        counts["transactions"],
                        counts["interactions"],
                        time.perf_counter() - started,
                    )
                )
        marker = _marker(settings, int(seed), chunk, parts, counts)
        (temporary / MARKER).write_text(json.dumps(marker, indent=2), encoding="utf-8")
        _check_target(target, overwrite)  # again: someone may have filled it meanwhile
        _move_into_place(temporary, target)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return FolderSummary(
        target,
        counts["customers"],
        counts["transactions"],
        counts["interactions"],
        parts,
        time.perf_counter() - started,
    )


def _check_target(target: Path, overwrite: bool) -> None:
    """Refuse a path that holds anything but an empty folder or, with ``overwrite``, a folder
    this writer made: replacing someone's files by accident must not be possible."""
    if not target.exists() or (target.is_dir() and not any(target.iterdir())):
        return
    if not (target / MARKER).is_file():
        raise DataError("generate_error.folder_foreign", path=str(target))
    if not overwrite:
        raise DataError("generate_error.folder_exists", path=str(target))


class _Blocks:
    """Draws the blocks of one data set on demand and keeps only the last one, which the
    next part file may still need."""

    def __init__(self, settings: Plan, seed: int, n: int) -> None:
        self.settings, self.seed, self.n = settings, seed, n
        self._kept: tuple[int, _Block] | None = None

    def get(self, index: int) -> _Block:
        """Block ``index``, drawn unless it is the one kept."""
        if self._kept is None or self._kept[0] != index:
            self._kept = None  # let the old block go before the new one is drawn
            # Arrow's allocator (mimalloc) keeps freed pages for reuse; handing them back
            # lowers the peak (measured above the start, 200,000 or 600,000 customers:
            # 95 MB without, 74 MB with; one block alone takes 46 MB).
            pa.default_memory_pool().release_unused()
            self._kept = (index, self._draw(index))
        return self._kept[1]

    def _draw(self, index: int) -> _Block:
        """Block ``index`` from its own four streams."""
        settings = self.settings
        entropy = np.random.SeedSequence(
            [self.seed, zlib.crc32(settings.locale.encode("ascii"))],
            spawn_key=(_BLOCK_STREAMS, index),
        )
        streams = [np.random.default_rng(child) for child in entropy.spawn(4)]
        first = index * BLOCK_CUSTOMERS
        drawn = draw_tables(
            settings,
            streams,
            pools(settings.locale, self.seed),
            min(BLOCK_CUSTOMERS, self.n - first),
            first_id=first + 1,
            id_width=max(ID_WIDTH, len(str(self.n))),
        )
        frames = {
            "customers": drawn.customers,
            "transactions": drawn.transactions,
            "interactions": drawn.interactions,
        }
        counts = {"transactions": drawn.purchase_counts, "interactions": drawn.interaction_counts}
        return _Block(
            tables={
                name: pa.Table.from_pandas(frame, preserve_index=False)
                for name, frame in frames.items()
            },
            starts={
                name: np.concatenate(([0], np.cumsum(per_customer)))
                for name, per_customer in counts.items()
            },
        )


def _write_part(folder: Path, part: int, low: int, high: int, blocks: _Blocks) -> dict[str, int]:
    """Write part file ``part`` of every table: the customers ``low`` … ``high − 1`` (counted
    from 0) and their rows, block by block. The rows written per table."""
    written = dict.fromkeys(TABLES, 0)
    writers: dict[str, pq.ParquetWriter] = {}
    try:
        for index in range(low // BLOCK_CUSTOMERS, (high - 1) // BLOCK_CUSTOMERS + 1):
            offset = index * BLOCK_CUSTOMERS
            first, stop = max(low, offset) - offset, min(high, offset + BLOCK_CUSTOMERS) - offset
            _write_piece(folder, part, blocks.get(index), first, stop, writers, written)
    finally:
        for writer in writers.values():
            writer.close()
    return written


def _write_piece(
    folder: Path,
    part: int,
    block: _Block,
    first: int,
    stop: int,
    writers: dict[str, pq.ParquetWriter],
    written: dict[str, int],
) -> None:
    """Append the block's customers ``first`` … ``stop − 1`` to the part's files (a function of
    its own, so no slice of the block outlives the call and keeps the block alive)."""
    for name in TABLES:
        rows = block.rows(name, first, stop)
        if name not in writers:
            directory = folder / name
            directory.mkdir(exist_ok=True)
            writers[name] = pq.ParquetWriter(
                directory / f"part-{part:05d}.parquet", rows.schema, compression=COMPRESSION
            )
        writers[name].write_table(rows)
        written[name] += rows.num_rows


def _marker(
    settings: Plan, seed: int, chunk: int, parts: int, counts: dict[str, int]
) -> dict[str, Any]:
    """The content of :data:`MARKER`: how the folder was made, its rows, the planted truth."""
    return {
        "generator": "kundenmodell.synth.write_folder",
        "locale": settings.locale,
        "currency": settings.facts.currency,
        "seed": seed,
        "block_customers": BLOCK_CUSTOMERS,
        "chunk_customers": chunk,
        "parts": parts,
        "rows": counts,
        "truth_params": truth_params(settings),
    }


def _move_into_place(temporary: Path, target: Path) -> None:
    """Rename the finished folder to ``target``; an old folder there is moved aside first
    and deleted only once the new one is in place."""
    if not target.exists():
        temporary.rename(target)
        return
    aside = _sibling(target, "old")
    target.rename(aside)
    temporary.rename(target)
    shutil.rmtree(aside, ignore_errors=True)


def _sibling(target: Path, kind: str) -> Path:
    """A hidden, unused name next to ``target`` (``.shop.partial-3f9a0c1e``)."""
    return target.with_name(f".{target.name}.{kind}-{secrets.token_hex(4)}")
