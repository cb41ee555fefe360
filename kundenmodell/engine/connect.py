"""A connected source's tables mapped in the engine, as an upload's ``Mapped``.

The workbench's pages work on a :class:`~kundenmodell.Dataset` in memory, so a connected source
is read once: first its rows are counted in the engine and a source above
:data:`MAX_PURCHASE_ROWS` purchases (or :data:`MAX_CUSTOMER_ROWS` customers) is refused (such
data stays in the engine: :mod:`kundenmodell.engine.in_place` in the app,
``km.engine.open_source`` in a notebook), then the mapped columns
(:mod:`kundenmodell.engine.mapping`) are fetched. The result is a
:class:`~kundenmodell.io.Mapped` like an upload's, so the same validation report
(:func:`kundenmodell.io.validate_upload`) and data minimisation apply; the row numbers in the
report count the rows of each table from 1.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import ibis
import numpy as np
import pandas as pd

from kundenmodell.dataset import Dataset
from kundenmodell.engine.browse import row_count
from kundenmodell.engine.connection import backend_of
from kundenmodell.engine.mapping import FAILED, Planned, mapped_table, plan
from kundenmodell.errors import DataError
from kundenmodell.io.mapping import Mapping, Suggestion, normalise, suggest_mapping
from kundenmodell.io.prepare import Mapped
from kundenmodell.schema import (
    CUSTOMERS,
    INTERACTIONS,
    TRANSACTIONS,
    Finding,
    TableSchema,
    row_finding,
)

MAX_PURCHASE_ROWS = 20_000_000
"""The most purchase rows the workbench reads into memory (about 2 GB of pandas frames with a
few columns); larger sources are analysed in the engine from a notebook."""
MAX_CUSTOMER_ROWS = 5_000_000
"""The most customer rows the workbench reads into memory."""
EXAMPLES = 3


@dataclass(frozen=True)
class Pick:
    """One table of the source for one canonical table: the table, the user's mapping of its
    columns and the sample the mapping was made on."""

    table: ibis.Table
    mapping: Mapping
    sample: pd.DataFrame


@dataclass(frozen=True)
class Connected:
    """What was read: the mapped customers and purchases (with the findings of values that
    did not convert), the interactions if a table was picked, and the rows read per table."""

    mapped: Mapped
    interactions: pd.DataFrame | None
    rows: dict[str, int]

    def to_dataset(self) -> Dataset:
        """The tables as a :class:`~kundenmodell.Dataset`, interactions included."""
        return replace(self.mapped.to_dataset(), interactions=self.interactions)


INTERACTION_HEADERS = {
    "date": ("date", "datum", "dato", "zeitpunkt", "kontaktdatum", "tidspunkt", "timestamp"),
    "kind": ("kind", "art", "typ", "type", "kontaktart", "kanal", "channel", "kategori"),
    "outcome": ("outcome", "ergebnis", "resultat", "result", "utfall", "status"),
}
"""Headers (folded) of the interaction columns the purchase synonyms do not know."""


def suggest(role: str, sample: pd.DataFrame) -> Mapping:
    """The suggested mapping of a table holding ``role`` (customers, transactions or
    interactions), judged by its columns and the sample's values as an upload's is. An
    interaction table takes the customer number and date of a purchase suggestion and the
    kind and outcome (and a date the synonyms miss) by their headers
    (:data:`INTERACTION_HEADERS`)."""
    columns = [str(column) for column in sample.columns]
    if role != "interactions":
        return suggest_mapping(columns, role, sample)
    mapping = suggest_mapping(columns, "transactions", sample)
    kept = {"customer_id", "date"}
    taken = {entry.target for entry in mapping.entries if entry.target in kept}
    chosen: dict[str, str | None] = {}
    for entry in mapping.entries:
        target = entry.target if entry.target in kept else None
        if target is None:
            target = next(
                (
                    name
                    for name, headers in INTERACTION_HEADERS.items()
                    if normalise(entry.source) in headers and name not in taken
                ),
                None,
            )
            taken |= {target} if target else set()
        chosen[entry.source] = target
    entries = tuple(
        entry
        if chosen[entry.source] == entry.target
        else Suggestion(entry.source, chosen[entry.source], 1.0, "header")
        if chosen[entry.source]
        else Suggestion(entry.source, None)
        for entry in mapping.entries
    )
    return replace(mapping, entries=entries, id_candidates=(), table="transactions")


def beyond_limits(rows: dict[str, int]) -> dict[str, int]:
    """The tables of ``rows`` (rows per table) above what one process should read, with their
    limit: :data:`MAX_PURCHASE_ROWS` purchases, :data:`MAX_CUSTOMER_ROWS` customers."""
    limits = {"transactions": MAX_PURCHASE_ROWS, "customers": MAX_CUSTOMER_ROWS}
    return {table: limit for table, limit in limits.items() if rows.get(table, 0) > limit}


def check_size(customers: ibis.Table, transactions: ibis.Table) -> dict[str, int]:
    """The rows of both tables, counted in the engine; ``connect_error.too_large`` above
    :func:`beyond_limits`."""
    rows = {"customers": row_count(customers), "transactions": row_count(transactions)}
    for table, limit in beyond_limits(rows).items():
        raise DataError("connect_error.too_large", table=table, rows=rows[table], limit=limit)
    return rows


def read_connected(
    customers: Pick,
    transactions: Pick,
    interactions: Pick | None = None,
    *,
    name: str,
    currency: str,
) -> Connected:
    """Count (:func:`check_size`), then read the mapped tables into memory.

    ``customers`` needs a customer number; ``transactions`` a customer number, date and amount
    (``error.io.*`` names what is missing, as for an upload)."""
    check_picks(customers, transactions, interactions)
    rows = check_size(customers.table, transactions.table)
    return read_picks(customers, transactions, interactions, rows, name=name, currency=currency)


def check_picks(customers: Pick, transactions: Pick, interactions: Pick | None) -> None:
    """The mappings name what each table needs: a customer number everywhere, a date and an
    amount for purchases (``error.io.*`` names what is missing, as for an upload)."""
    _check(customers.mapping, ("customer_id",))
    _check(transactions.mapping, ("customer_id", "date", "amount"))
    if interactions is not None:
        _check(interactions.mapping, ("customer_id",))


def read_picks(
    customers: Pick,
    transactions: Pick,
    interactions: Pick | None,
    rows: dict[str, int],
    *,
    name: str,
    currency: str,
) -> Connected:
    """Read the mapped tables into memory (no size check: see :func:`read_connected`);
    ``rows`` are the counts the result reports."""
    rows = dict(rows)
    frames: dict[str, pd.DataFrame] = {}
    findings: list[Finding] = []
    for table, pick, schema in (
        ("customers", customers, CUSTOMERS),
        ("transactions", transactions, TRANSACTIONS),
        ("interactions", interactions, INTERACTIONS),
    ):
        if pick is None:
            continue
        planned = plan(pick.table, pick.mapping, schema, pick.sample)
        frame = _fetch(mapped_table(planned, pick.table))
        frame, failed = _split_flags(frame)
        frames[table] = _whole_numbers(frame, schema)
        if table != "interactions":
            findings += _failure_findings(table, pick.table, planned, failed)
    if "interactions" in frames:
        rows["interactions"] = len(frames["interactions"])
    mapping = _combined(customers.mapping, transactions.mapping, currency)
    mapped = Mapped(
        customers=frames["customers"],
        transactions=frames["transactions"],
        rows={t: np.arange(1, len(frames[t]) + 1) for t in ("customers", "transactions")},
        mapping=mapping,
        name=name,
        findings=findings,
    )
    return Connected(mapped, frames.get("interactions"), rows)


def _check(mapping: Mapping, required: tuple[str, ...]) -> None:
    targets = mapping.targets
    for sources in mapping.duplicates().values():
        raise DataError("error.io.duplicate_target", sources=", ".join(sources))
    if "customer_id" in required and "customer_id" not in targets:
        raise DataError("error.io.no_id_column")
    if "date" in required and "date" not in targets:
        raise DataError("error.io.purchase_date_missing")
    if "amount" in required and "amount" not in targets:
        raise DataError("error.io.purchase_amount_missing")


def _fetch(expr: ibis.Table) -> pd.DataFrame:
    try:
        return backend_of(expr).to_pyarrow(expr).to_pandas()
    except Exception as error:  # engines raise their own exception types
        detail = " ".join(str(error).split())[:200]
        raise DataError("connect_error.unreadable_table", detail=detail) from error


def _whole_numbers(frame: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """Integer columns as pandas' nullable ``Int64``, as an upload has them (Arrow hands an
    integer column with missing values over as floats)."""
    integers = {c.name: "Int64" for c in schema.columns if c.kind == "integer"}
    return frame.astype({name: kind for name, kind in integers.items() if name in frame})


def _split_flags(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The canonical columns, and per target the rows whose value did not convert."""
    flags = [column for column in frame.columns if column.startswith(FAILED)]
    failed = {
        column.removeprefix(FAILED): frame[column].fillna(False).to_numpy(dtype=bool)
        for column in flags
    }
    return frame.drop(columns=flags), failed


def _failure_findings(
    table: str, source: ibis.Table, planned: list[Planned], failed: dict[str, np.ndarray]
) -> list[Finding]:
    """A finding per column with values that did not convert, with examples fetched from the
    source (a ``LIMIT`` query per such column)."""
    findings = []
    for p in planned:
        mask = failed.get(p.target)
        if mask is None or not mask.any() or p.failed is None:
            continue
        is_date = p.value.type().is_timestamp()
        key = "validation.not_a_date" if is_date else "validation.not_a_number"
        found = row_finding("warning", table, p.target, key, mask)
        examples = _fetch(source.filter(p.failed).select(p.source).limit(EXAMPLES))[p.source]
        shown = tuple(str(value).strip() for value in examples)
        findings.append(Finding(replace(found.issue, examples=shown), found.mask))
    return findings


def _combined(customers: Mapping, transactions: Mapping, currency: str) -> Mapping:
    """One mapping for the report and the data set: the customer table's columns, then the
    purchase table's (its customer number is the customer table's)."""
    entries = customers.entries + tuple(
        entry for entry in transactions.entries if entry.target != "customer_id"
    )
    return replace(customers, entries=entries, columns=(), currency=currency, table="auto")
