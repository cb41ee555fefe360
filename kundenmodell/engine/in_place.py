"""A connected source analysed where it lies: the tables stay in the engine.

A source beyond what one process should hold (more than
:data:`~kundenmodell.engine.connect.MAX_PURCHASE_ROWS` purchases, or whenever the user prefers)
is not read into memory. :class:`InPlaceSource` keeps the user's picks (table and column
mapping per role) and hands out the mapped canonical tables as engine expressions: the
overview's segment report and the CLV fit run on every row there. Pages that need
individual customers in pandas (personas, roles, scenarios, the data table) get a random
sample of customers with all their purchases and interactions (:func:`connect_in_place`),
drawn in the engine by :func:`~kundenmodell.engine.sample_customers`: the same source and seed
give the same sample.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import ibis

from kundenmodell.engine.browse import row_count
from kundenmodell.engine.connect import Connected, Pick, check_picks, read_picks
from kundenmodell.engine.connection import materialised
from kundenmodell.engine.customers import every_purchase_day
from kundenmodell.engine.kept import KeptTable, keep
from kundenmodell.engine.mapping import as_text, mapped_table, plan
from kundenmodell.engine.parts import split_picks
from kundenmodell.engine.persona_features import part_customers, sample_customers
from kundenmodell.engine.sources import EngineTables
from kundenmodell.schema import TABLES

SAMPLE_CUSTOMERS = 500_000
"""Customers in the sample the per-customer pages work on (personas fit on at most as many)."""
SAMPLE_SEED = 0
_KEY = "__customer_key"


@dataclass(frozen=True, eq=False)
class InPlaceSource:
    """A source analysed in place: the picks per role (``customers``, ``transactions`` and
    optionally ``interactions``), the data set's name and currency, the rows of each table
    (counted in the engine) and the sample the per-customer pages use (``sample_customers``
    of ``rows['customers']``). ``privacy`` and ``key`` are the data minimisation the user
    chose (:func:`kundenmodell.io.minimise`): the tables stay as they are in the source, so
    rows about single customers taken from them must be minimised the same way as the
    sample before they are shown."""

    picks: dict[str, Pick]
    name: str
    currency: str
    rows: dict[str, int]
    sample_customers: int
    privacy: str = "keep"
    key: bytes | None = None
    _kept: dict[object, KeptTable | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """What :meth:`purchase_days` and :meth:`analysis_tables` kept (None: the backend cannot
    keep it)."""

    @property
    def sampled(self) -> bool:
        """Whether the per-customer pages see fewer customers than the source holds."""
        return self.sample_customers < self.rows["customers"]

    def read_sample(self, size: int = SAMPLE_CUSTOMERS, seed: int = SAMPLE_SEED) -> Connected:
        """``size`` customers drawn in the engine with every purchase and interaction of theirs
        (the whole source when it has no more customers), read into memory; the same source
        and ``seed`` give the same customers. The result's ``rows`` are the whole source's."""
        return self._read_chosen(sample_customers(self._customer_ids(), size, seed))

    def read_part(
        self, part: int, parts: int, seed: int = SAMPLE_SEED, *, ordered: bool = True
    ) -> Connected:
        """The customers in ``part`` of ``parts`` (:func:`~kundenmodell.engine.part_customers`:
        every customer in exactly one part) with every purchase and interaction of theirs,
        read into memory; for work on every customer that one process cannot hold at once
        (labelling them all with personas). ``ordered=False`` leaves the rows in the order
        the engine hands them over, for work that does not depend on it (sorting a part's
        rows by every column is a quarter of its read)."""
        drawn = part_customers(self._customer_ids(), part, parts, seed)
        return self._read_chosen(drawn, ordered=ordered)

    def read_parts(
        self,
        parts: int,
        seed: int = SAMPLE_SEED,
        *,
        interactions: bool = True,
        ordered: bool = True,
    ) -> Iterator[Connected]:
        """Every part of ``parts`` in turn, as :meth:`read_part` reads it (without the
        interactions unless ``interactions``; ``ordered`` as there): the source's tables
        are first split once by part into private files
        (:func:`~kundenmodell.engine.parts.split_picks`), so that each part reads its own
        rows instead of scanning the whole source again; where they cannot be split (Spark,
        a warehouse), each part is read from the source. The files are deleted when the
        iteration ends or is abandoned."""
        picks = {
            role: pick
            for role, pick in self.picks.items()
            if interactions or role != "interactions"
        }
        source = replace(self, picks=picks)
        # one part is one read of the source: splitting it first would only add a pass
        split = split_picks(picks, parts, seed) if parts > 1 else None
        try:
            for part in range(parts):
                reader = source if split is None else replace(source, picks=split.part(part))
                yield reader.read_part(part, parts, seed, ordered=ordered)
        finally:
            if split is not None:
                split.remove()

    def _customer_ids(self) -> ibis.Table:
        ids = _mapped("customers", self.picks["customers"]).select("customer_id")
        return ids.filter(ids["customer_id"].notnull()).distinct()

    def _read_chosen(self, drawn: ibis.Table, *, ordered: bool = True) -> Connected:
        """The customers of ``drawn`` with their purchases and interactions, in memory."""
        # drawn once: every table's read (and each example query of a finding) joins them
        with materialised(drawn) as chosen:
            narrowed = {role: _only(pick, chosen, ordered) for role, pick in self.picks.items()}
            connected = read_picks(
                narrowed["customers"],
                narrowed["transactions"],
                narrowed.get("interactions"),
                self.rows,
                name=self.name,
                currency=self.currency,
            )
        return replace(connected, rows=self.rows)

    def purchase_days(self) -> ibis.Table | None:
        """The :func:`~kundenmodell.engine.day_totals` of every purchase row (per customer and
        day: ``rows`` and ``amount``; undated rows and rows without a customer included),
        computed on first use and kept in a private file (:func:`~kundenmodell.engine.keep`):
        the overview's views and the CLV summary all start from it, so a new filter, rule or
        page reads it instead of mapping and grouping every purchase again (10 M purchases:
        the buyers' table 2.7 s from it against 14.1 s from the source). None where the
        backend cannot keep it (Spark, a warehouse)."""
        if "days" not in self._kept:
            self._kept["days"] = keep(every_purchase_day(self.tables().transactions))
        kept = self._kept["days"]
        return None if kept is None else kept.table()

    def analysis_tables(self, customer_columns: tuple[str, ...]) -> EngineTables:
        """:meth:`tables` whose customer table holds only ``customer_columns`` (those the
        source has), kept in a private file on first use: the overview reads the customers
        five times (count, funnel, NPS, the never-bought, NPS by activity), and each read of
        the source converts the columns again. Where the backend cannot keep it, the mapped
        columns themselves."""
        tables = self.tables()
        customers = tables.customers
        columns = [name for name in customer_columns if name in customers.columns]
        key = ("customers", *columns)
        if key not in self._kept:
            self._kept[key] = keep(customers.select(*columns))
        kept = self._kept[key]
        chosen = customers.select(*columns) if kept is None else kept.table()
        return replace(tables, customers=chosen)

    def tables(self) -> EngineTables:
        """The mapped canonical tables (values that did not convert are NULL), lazily."""
        mapped = {role: _mapped(role, pick) for role, pick in self.picks.items()}
        return EngineTables(
            customers=mapped["customers"],
            transactions=mapped["transactions"],
            interactions=mapped.get("interactions"),
        )


def connect_in_place(
    customers: Pick,
    transactions: Pick,
    interactions: Pick | None = None,
    *,
    name: str,
    currency: str,
    sample: int = SAMPLE_CUSTOMERS,
    seed: int = SAMPLE_SEED,
) -> tuple[InPlaceSource, Connected]:
    """The source to analyse in place, and its sample read into memory: ``sample`` customers
    drawn in the engine with every purchase and interaction of theirs (the whole source when
    it has no more customers). The sample's ``rows`` are the whole source's."""
    check_picks(customers, transactions, interactions)
    picks = {"customers": customers, "transactions": transactions}
    if interactions is not None:
        picks["interactions"] = interactions
    rows = {role: row_count(pick.table) for role, pick in picks.items()}
    source = InPlaceSource(picks, name, currency, rows, sample)
    connected = source.read_sample(sample, seed)
    sampled = min(sample, len(connected.mapped.customers))
    return replace(source, sample_customers=sampled), connected


def _mapped(role: str, pick: Pick) -> ibis.Table:
    """The pick's canonical columns, without the conversion flags."""
    planned = plan(pick.table, pick.mapping, TABLES[role], pick.sample)
    return mapped_table(planned, pick.table).select(*(p.target for p in planned))


def _only(pick: Pick, chosen: ibis.Table, ordered: bool = True) -> Pick:
    """The pick's rows whose customer number (as the mapping reads it) is in ``chosen``, in
    the order of all their columns unless not ``ordered``: a join hands its rows over in
    whatever order its threads finish, and a model fitted on the sample (personas) must see
    the same rows in the same order each time."""
    table = pick.table
    column = pick.mapping.targets["customer_id"]
    keyed = table.mutate(**{_KEY: as_text(table[column])})
    kept = keyed.semi_join(chosen, keyed[_KEY] == chosen["customer_id"]).drop(_KEY)
    return replace(pick, table=kept.order_by(list(table.columns)) if ordered else kept)
