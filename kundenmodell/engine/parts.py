"""A source's picked tables split once by customer into parts, for work on every customer.

Labelling every customer of a source analysed in place reads it part by part, each customer
in exactly one part (:func:`~kundenmodell.engine.part_customers`). Read as a semi-join of the
source, every part is a scan of all purchases: 56 parts of a 100 M purchase folder scanned it
56 times (measured: about 1 h 45 min on two cores). :func:`split_picks` instead writes each
picked table once, every row tagged with its customer's part, into a private folder
partitioned by part (DuckDB's ``COPY … PARTITION_BY``, streaming: nothing in pandas); a part
then reads only its own files.

A row's part is computed from the customer number as the mapping reads it
(:func:`~kundenmodell.engine.mapping.as_text`), hashed with the seed as
:func:`~kundenmodell.engine.customer_hash` hashes the mapped id, so a customer's purchases and
interactions land in the part that holds the customer. Rows without a customer number land in
no part, as a semi-join would drop them too.
"""

from __future__ import annotations

import shutil
import weakref
from dataclasses import dataclass, field, replace
from pathlib import Path

import ibis
from ibis.backends import BaseBackend

from kundenmodell.engine.connect import Pick
from kundenmodell.engine.connection import backend_of
from kundenmodell.engine.kept import kept_path
from kundenmodell.engine.mapping import as_text
from kundenmodell.engine.persona_features import id_hash, part_of_hash

PART_COLUMN = "__kundenmodell_part"


@dataclass(frozen=True, eq=False)
class SplitPicks:
    """The picks of a source written to ``folder`` (one subfolder per role, partitioned by
    :data:`PART_COLUMN`) in ``parts`` parts, readable on ``backend``; the folder is deleted
    by :meth:`remove`, or else with this object."""

    picks: dict[str, Pick]
    folder: Path
    parts: int
    backend: BaseBackend = field(repr=False)
    _views: list[str] = field(default_factory=list, init=False, repr=False)
    _remover: weakref.finalize = field(init=False, repr=False)

    def __post_init__(self) -> None:
        remover = weakref.finalize(self, shutil.rmtree, self.folder, ignore_errors=True)
        object.__setattr__(self, "_remover", remover)

    def remove(self) -> None:
        """Drop the views the parts were read through and delete the files (once; later
        calls do nothing). The source's DuckDB lives as long as the source: a view left
        there per part and table would stay with it."""
        if not self._remover.alive:
            return
        for name in self._views:
            self.backend.raw_sql(f'DROP VIEW IF EXISTS "{name}"')
        self._views.clear()
        self._remover()

    def part(self, part: int) -> dict[str, Pick]:
        """Each role's pick with only the rows of ``part`` (the user's columns and mapping)."""
        if not 0 <= part < self.parts:
            raise ValueError(f"part {part} is not one of {self.parts}")
        return {role: self._part_pick(role, pick, part) for role, pick in self.picks.items()}

    def _part_pick(self, role: str, pick: Pick, part: int) -> Pick:
        files = self.folder / role / f"{PART_COLUMN}={part}"
        if not files.is_dir():  # no row of this role fell into the part
            return replace(pick, table=pick.table.limit(0))
        table = self.backend.read_parquet(str(files / "*.parquet"), hive_partitioning=False)
        self._views.append(table.get_name())
        # the source's column order (a part's rows are ordered by all columns, in this order)
        return replace(pick, table=table.select(*pick.table.columns))


def part_of_row(table: ibis.Table, id_column: str, parts: int, seed: int) -> ibis.IntegerValue:
    """The part (0 … ``parts`` − 1) of each row of ``table`` by its customer number in
    ``id_column``: the remainder of the hash of ``"<id as text>:<seed>"`` (NULL without an
    id), as :func:`~kundenmodell.engine.part_customers` assigns the mapped customers."""
    return part_of_hash(id_hash(as_text(table[id_column]), seed), parts)


def split_picks(picks: dict[str, Pick], parts: int, seed: int) -> SplitPicks | None:
    """``picks`` written once into ``parts`` parts by customer (see the module docstring), or
    None where that cannot be done: the tables are not all on one DuckDB (Spark and
    warehouses write files where they run), or that DuckDB may not write files (a database
    opened without external access), or a column has a type Parquet cannot hold. The caller
    then reads each part from the source itself."""
    backends = {id(backend_of(pick.table)): backend_of(pick.table) for pick in picks.values()}
    if len(backends) != 1:
        return None
    (backend,) = backends.values()
    if backend.name != "duckdb":
        return None
    folder = kept_path(suffix="-parts")
    try:
        folder.mkdir(mode=0o700)
        for role, pick in picks.items():
            table = pick.table
            column = pick.mapping.targets["customer_id"]
            tagged = table.mutate(**{PART_COLUMN: part_of_row(table, column, parts, seed)})
            tagged = tagged.filter(tagged[PART_COLUMN].notnull())
            backend.to_parquet(tagged, folder / role, partition_by=PART_COLUMN)
    except Exception:  # DuckDB raises many types; see the docstring
        shutil.rmtree(folder, ignore_errors=True)
        return None
    except BaseException:  # interrupted (a stopped Streamlit run): leave nothing behind
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return SplitPicks(picks, folder, parts, backend)
