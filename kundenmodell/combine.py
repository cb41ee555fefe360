"""Several files → one data set: a CRM's customer list plus a shop's purchase export.

Each file is read and mapped on its own (:mod:`kundenmodell.io`); :func:`combine` then joins the
canonical tables on the customer number and says in a :class:`JoinReport` what did not match:

* **which table each file fills** (:func:`filled_tables`, from its mapping): a customer file the
  customers, a purchase file the purchases, a file with one row per purchase and the customer's
  columns repeated both;
* **several files for one table** are stacked; purchases (or interactions) that occur exactly
  alike in more than one file are the same export twice and counted once, while identical rows
  within one file stay (two equal purchases on one day are possible);
* **several customer files** are merged per customer number: the first file with a value wins,
  and a customer with different values in two files is reported as a conflict;
* **no customer file**: the customers are the customer numbers of the purchases (as for one file);
* **purchases of unknown customers** are kept, their customer numbers added as customers without
  details, and reported with their count, examples and revenue;
* **customer numbers that differ only in format** (``00123``/``123``, ``K-123``/``k123``,
  ``123.0`` from a spreadsheet, spaces, case) are found by a normalised key and unified only when
  asked (``unify_ids=True``): the spelling of the first customer file wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kundenmodell.dataset import Dataset
from kundenmodell.i18n import format_money, format_number, t
from kundenmodell.markup import escape_markdown

if TYPE_CHECKING:
    from kundenmodell.io import Mapping

TABLE_NAMES = ("customers", "transactions", "interactions")
EXAMPLES = 3
"""Examples shown per finding: enough to recognise the pattern, few enough to read."""


@dataclass(frozen=True)
class Part:
    """One file (or a data set already loaded) on its way into a combined data set.

    ``tables`` are the canonical tables this part fills (:func:`filled_tables`); a customer
    table that a part does not fill holds only the customer numbers of its purchases.
    """

    data: Dataset
    tables: frozenset[str]
    name: str

    @classmethod
    def of(cls, data: Dataset, mapping: Mapping | None = None, name: str | None = None) -> Part:
        """``data`` as a part: the tables it fills come from ``mapping`` when given, else from
        the data (:func:`tables_of`)."""
        tables = filled_tables(mapping) if mapping is not None else tables_of(data)
        return cls(data, tables, name or data.name)


def filled_tables(mapping: Mapping) -> frozenset[str]:
    """The canonical tables a file fills by its mapping: ``customers`` when a customer column
    other than the customer number (or the e-mail address as the customer) is mapped or nothing
    else is, ``transactions`` when a purchase column is."""
    from kundenmodell.io.mapping import TARGET_TABLE

    tables = {TARGET_TABLE[target] for target in mapping.targets if target != "customer_id"}
    return frozenset(tables or {"customers"})


def tables_of(data: Dataset) -> frozenset[str]:
    """The tables a loaded data set fills: ``customers`` unless its customer table is only the
    customer numbers of its purchases, ``transactions`` and ``interactions`` when not empty."""
    tables = set()
    if len(data.customers.columns) > 1 or data.transactions.empty:
        tables.add("customers")
    if not data.transactions.empty:
        tables.add("transactions")
    if data.interactions is not None and not data.interactions.empty:
        tables.add("interactions")
    return frozenset(tables)


def id_key(ids: pd.Series) -> pd.Series:
    """A customer number without its format, for finding the same number written differently.

    Trimmed and case-folded; a spreadsheet's ``.0`` removed (``123.0`` → ``123``); everything
    that is not a letter or digit removed (``K-123`` → ``k123``); leading zeros of each run of
    digits removed (``00123`` → ``123``, ``K-007`` → ``k7``).
    """
    text = ids.astype("string[pyarrow]").str.strip().str.casefold()  # Arrow's RE2 regexes
    text = text.str.replace(r"\.0+$", "", regex=True)
    text = text.str.replace(r"[^\p{L}\p{N}]+", "", regex=True)
    text = text.str.replace(r"(^|[^0-9])0+([0-9])", r"\1\2", regex=True)
    return text.astype("str")


@dataclass(frozen=True)
class PartSummary:
    """What one file brought: the tables it fills and its rows."""

    name: str
    tables: tuple[str, ...]
    customers: int
    transactions: int
    interactions: int


@dataclass(frozen=True)
class Conflict:
    """Customers with different values for one column in two customer files (or rows)."""

    column: str
    customers: int
    examples: tuple[str, ...]


@dataclass(frozen=True)
class JoinReport:
    """What joining the files on the customer number found (see the module doc).

    ``unknown_*``: purchases whose customer number is in no customer file (only counted when
    there is a customer file); ``without_purchases``: customers of the customer files without
    any purchase (only counted when there are purchases); ``variants``: groups of customer
    numbers that differ only in format, as tuples of spellings; ``unified``: how many spellings
    were replaced by their group's first spelling (``unify_ids=True``); ``duplicates``: per
    table, rows dropped because another file had them exactly alike; ``merged``: customers
    found in more than one customer file; ``currencies``: the different currencies of the
    parts with purchases, when there is more than one (amounts are not converted).
    """

    parts: tuple[PartSummary, ...]
    customers: int
    transactions: int
    interactions: int
    currency: str
    derived_customers: bool
    unknown_purchases: int = 0
    unknown_customers: int = 0
    unknown_revenue: float = 0.0
    unknown_examples: tuple[str, ...] = ()
    without_purchases: int = 0
    without_examples: tuple[str, ...] = ()
    variants: int = 0
    variant_examples: tuple[tuple[str, ...], ...] = ()
    unified: int = 0
    duplicates: dict[str, int] = field(default_factory=dict)
    merged: int = 0
    conflicts: tuple[Conflict, ...] = ()
    currencies: tuple[str, ...] = ()

    def lines(self, lang: str) -> list[tuple[str, str]]:
        """The report in plain words, as ``(level, text)`` with level ``success``, ``info``
        or ``warning``: the result first, then each finding. The texts are Markdown (counts in
        bold); the file's own values in them (customer numbers, conflicting values) are
        escaped, so a value like ``*1*`` or ``<b>`` is shown as written."""

        def n(value: float) -> str:
            return format_number(value, lang)

        lines = [
            (
                "success",
                t(
                    "join_report.result",
                    lang,
                    files=n(len(self.parts)),
                    customers=n(self.customers),
                    transactions=n(self.transactions),
                ),
            )
        ]
        if self.derived_customers:
            lines.append(("info", t("join_report.derived", lang, customers=n(self.customers))))
        if self.unified:
            examples = _pairs(self.variant_examples)
            lines.append(
                ("info", t("join_report.unified", lang, ids=n(self.unified), examples=examples))
            )
        elif self.variants:
            examples = _pairs(self.variant_examples)
            lines.append(
                (
                    "warning",
                    t("join_report.variants", lang, groups=n(self.variants), examples=examples),
                )
            )
        if self.unknown_purchases:
            revenue = format_money(self.unknown_revenue, self.currency, lang)
            lines.append(
                (
                    "warning",
                    t(
                        "join_report.unknown",
                        lang,
                        transactions=n(self.unknown_purchases),
                        revenue=revenue,
                        customers=n(self.unknown_customers),
                        examples=_listed(self.unknown_examples),
                    ),
                )
            )
        elif not self.derived_customers and self.transactions:
            lines.append(("success", t("join_report.all_known", lang)))
        if self.without_purchases:
            lines.append(
                (
                    "info",
                    t(
                        "join_report.without_purchases",
                        lang,
                        customers=n(self.without_purchases),
                        examples=_listed(self.without_examples),
                    ),
                )
            )
        if self.merged:
            lines.append(("info", t("join_report.merged", lang, customers=n(self.merged))))
        for table, rows in self.duplicates.items():
            if rows:
                label = t(f"table.{table}", lang)
                lines.append(
                    ("info", t("join_report.duplicates", lang, rows=n(rows), table=label))
                )
        if len(self.currencies) > 1:
            lines.append(
                (
                    "warning",
                    t(
                        "join_report.currencies",
                        lang,
                        currencies=", ".join(self.currencies),
                        currency=self.currency,
                    ),
                )
            )
        for conflict in self.conflicts:
            lines.append(
                (
                    "warning",
                    t(
                        "join_report.conflict",
                        lang,
                        customers=n(conflict.customers),
                        column=t(f"column.{conflict.column}", lang),
                        examples="; ".join(escape_markdown(text) for text in conflict.examples),
                    ),
                )
            )
        return lines

    def parts_frame(self, lang: str) -> pd.DataFrame:
        """One row per file: its name, the tables it fills (translated) and its rows."""
        return pd.DataFrame(
            {
                "file": [part.name for part in self.parts],
                "fills": [
                    ", ".join(t(f"table.{table}", lang) for table in part.tables)
                    for part in self.parts
                ],
                "customers": [part.customers for part in self.parts],
                "transactions": [part.transactions for part in self.parts],
            }
        )


def _pairs(groups: Iterable[tuple[str, ...]]) -> str:
    return ", ".join(" = ".join(escape_markdown(value) for value in group) for group in groups)


def _listed(values: Iterable[str]) -> str:
    return ", ".join(escape_markdown(value) for value in values)


def combine(
    parts: Sequence[Part | Dataset], *, unify_ids: bool = False, name: str | None = None
) -> Dataset:
    """One :class:`~kundenmodell.Dataset` from several mapped files, joined on the customer
    number, with the :class:`JoinReport` as its ``join_report``.

    ``parts`` are :class:`Part` objects (a data set and the tables it fills) or data sets (the
    tables they fill are judged from their contents). ``unify_ids`` replaces customer numbers
    that differ only in format by one spelling (see :func:`id_key`). Currency and locale are
    those of the first part with purchases (else the first part); ``name`` defaults to the
    parts' names joined by ``+``.
    """
    if not parts:
        raise ValueError("combine needs at least one part")
    given = [part if isinstance(part, Part) else Part.of(part) for part in parts]
    summaries = tuple(_summary(part) for part in given)
    variants, variant_examples = _variants(given)
    unified = 0
    if unify_ids and variants:
        spelling = _canonical_spelling(given)
        unified = len(spelling)
        given = [_respelled(part, spelling) for part in given]
    customer_parts = [part for part in given if "customers" in part.tables]
    customers, merged, conflicts = _customers(customer_parts, merge=unified > 0)
    transactions, dropped_purchases = _stacked(given, "transactions")
    interactions, dropped_interactions = _stacked(given, "interactions")
    derived = not customer_parts
    report_fields = {}
    if derived:
        customers = _ids_frame(_all_ids(given))
    else:
        report_fields = _matches(customers, transactions)
        used = pd.concat([transactions["customer_id"], _ids_of(interactions)], ignore_index=True)
        used = pd.Series(used.dropna().unique(), dtype="str")
        extra = used[~_isin(used, customers["customer_id"])]
        if len(extra):
            added = _ids_frame(extra)
            customers = pd.concat([customers, added], ignore_index=True)
    buying = [part for part in given if "transactions" in part.tables]
    first = buying[0] if buying else given[0]
    report = JoinReport(
        parts=summaries,
        customers=len(customers),
        transactions=len(transactions),
        interactions=0 if interactions is None else len(interactions),
        currency=first.data.currency,
        derived_customers=derived,
        variants=variants,
        variant_examples=variant_examples,
        unified=unified,
        duplicates={"transactions": dropped_purchases, "interactions": dropped_interactions},
        merged=merged,
        conflicts=conflicts,
        currencies=tuple(dict.fromkeys(part.data.currency for part in buying)),
        **report_fields,
    )
    return Dataset(
        customers=customers.reset_index(drop=True),
        transactions=transactions.reset_index(drop=True),
        interactions=interactions,
        name=name or " + ".join(part.name for part in given),
        source="upload",
        currency=first.data.currency,
        locale=first.data.locale,
        join_report=report,
    )


def _summary(part: Part) -> PartSummary:
    data = part.data
    return PartSummary(
        name=part.name,
        tables=tuple(table for table in TABLE_NAMES if table in part.tables),
        customers=len(data.customers) if "customers" in part.tables else 0,
        transactions=len(data.transactions),
        interactions=0 if data.interactions is None else len(data.interactions),
    )


def _tables(part: Part) -> Iterable[pd.DataFrame]:
    data = part.data
    yield data.customers
    yield data.transactions
    if data.interactions is not None:
        yield data.interactions


def _ids_of(frame: pd.DataFrame | None) -> pd.Series:
    if frame is None or "customer_id" not in frame.columns:
        return pd.Series(dtype="str")
    return frame["customer_id"].astype("str")


def _all_ids(parts: Sequence[Part]) -> pd.Series:
    """Every distinct customer number of every table, in order of first appearance."""
    ids = pd.concat(
        [_ids_of(frame) for part in parts for frame in _tables(part)], ignore_index=True
    )
    return pd.Series(ids.dropna().unique(), dtype="str")


def _ids_frame(ids: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ids.reset_index(drop=True).astype("str")})


def _variants(parts: Sequence[Part]) -> tuple[int, tuple[tuple[str, ...], ...]]:
    """How many groups of distinct customer numbers share one :func:`id_key`, and the first
    :data:`EXAMPLES` groups as tuples of spellings (customer files first)."""
    ids = _all_ids(_customer_files_first(parts))
    keys = id_key(ids)
    usable = (keys != "").to_numpy()
    ids, keys = ids[usable], keys[usable]
    shared = keys.duplicated(keep=False).to_numpy()
    if not shared.any():
        return 0, ()
    keys = keys[shared]
    shown = keys.drop_duplicates().head(EXAMPLES)
    examples = ids[shared][_isin(keys, shown)].groupby(keys[_isin(keys, shown)], sort=False)
    return int(keys.nunique()), tuple(tuple(group) for _, group in examples)


def _customer_files_first(parts: Sequence[Part]) -> list[Part]:
    return sorted(parts, key=lambda part: "customers" not in part.tables)


def _canonical_spelling(parts: Sequence[Part]) -> pd.Series:
    """For each spelling to replace, its group's first spelling (customer files first)."""
    ids = _all_ids(_customer_files_first(parts))
    keys = id_key(ids)
    keys = keys.where(keys != "", ids)  # a number of only signs stays itself
    first = ids.groupby(keys, sort=False).transform("first")
    differs = first != ids
    return pd.Series(first[differs].to_numpy(), index=ids[differs].to_numpy())


def _respelled(part: Part, spelling: pd.Series) -> Part:
    def fix(frame: pd.DataFrame | None) -> pd.DataFrame | None:
        if frame is None or "customer_id" not in frame.columns:
            return frame
        ids = frame["customer_id"]
        return frame.assign(customer_id=ids.map(spelling).fillna(ids).astype("str"))

    data = part.data
    return replace(
        part,
        data=replace(
            data,
            customers=fix(data.customers),
            transactions=fix(data.transactions),
            interactions=fix(data.interactions),
        ),
    )


def _customers(
    parts: Sequence[Part], *, merge: bool
) -> tuple[pd.DataFrame, int, tuple[Conflict, ...]]:
    """The customer table of the customer files, customers found in more than one of them,
    and the conflicting values.

    One file is taken as it is (unless unified numbers must be merged); several are merged per
    customer number, taking the first value given in each column (files in the given order).
    """
    if not parts:
        return pd.DataFrame({"customer_id": pd.Series(dtype="str")}), 0, ()
    if len(parts) == 1 and not merge:
        return parts[0].data.customers.reset_index(drop=True), 0, ()
    frames = [part.data.customers for part in parts]
    stacked = pd.concat(frames, ignore_index=True)
    stacked = stacked[stacked["customer_id"].notna()]
    owner = np.repeat(np.arange(len(frames)), [len(frame) for frame in frames])
    owner = owner[stacked.index.to_numpy()]
    files_per_id = pd.Series(owner).groupby(stacked["customer_id"].to_numpy()).nunique()
    merged = int((files_per_id > 1).sum())
    conflicts = _conflicts(stacked)
    customers = stacked.groupby("customer_id", sort=False).first().reset_index()
    columns = [column for column in stacked.columns if column in customers.columns]
    return customers[columns], merged, conflicts


def _conflicts(stacked: pd.DataFrame) -> tuple[Conflict, ...]:
    """Per column, the customers with more than one different value (missing values aside)."""
    columns = [column for column in stacked.columns if column != "customer_id"]
    if not columns or not stacked["customer_id"].duplicated().any():
        return ()
    repeated = stacked[stacked["customer_id"].duplicated(keep=False)]
    counts = repeated.groupby("customer_id", sort=False)[columns].nunique()
    found = []
    for column in columns:  # one vectorised pass per column, not per customer
        ids = counts.index[counts[column].to_numpy() > 1]
        if not len(ids):
            continue
        shown = repeated[_isin(repeated["customer_id"], pd.Series(ids[:EXAMPLES]))]
        values = shown.groupby("customer_id", sort=False)[column].agg(
            lambda group: " / ".join(dict.fromkeys(str(value) for value in group.dropna()))
        )
        examples = tuple(f"{customer}: {text}" for customer, text in values.items())
        found.append(Conflict(column, len(ids), examples))
    return tuple(found)


def _stacked(parts: Sequence[Part], table: str) -> tuple[pd.DataFrame | None, int]:
    """The parts' rows of ``table`` one below the other, and how many rows were dropped because
    an earlier part had them exactly alike (rows repeated inside one file stay)."""
    frames = [getattr(part.data, table) for part in parts]
    frames = [frame for frame in frames if frame is not None and not frame.empty]
    if not frames:
        if table == "interactions":
            return None, 0
        return parts[0].data.transactions.iloc[0:0], 0
    if len(frames) == 1:
        return frames[0].reset_index(drop=True), 0
    stacked = pd.concat(frames, ignore_index=True)
    owner = pd.Series(np.repeat(np.arange(len(frames)), [len(frame) for frame in frames]))
    rows = pd.util.hash_pandas_object(stacked, index=False)
    first_owner = owner.groupby(rows.to_numpy()).transform("min")
    repeat = (owner > first_owner).to_numpy()
    return stacked[~repeat].reset_index(drop=True), int(repeat.sum())


def _isin(values: pd.Series, pool: pd.Series) -> np.ndarray:
    """``values.isin(pool)`` through Arrow's hash set: pandas' ``isin`` on Arrow strings
    compares value by value (15 s for 360,000 purchases against 100,000 customers)."""
    wanted = pa.array(values.astype("str"), from_pandas=True)
    known = pa.array(pool.dropna().astype("str").unique(), from_pandas=True)
    return pc.is_in(wanted, value_set=known).to_numpy(zero_copy_only=False)


def _matches(customers: pd.DataFrame, transactions: pd.DataFrame) -> dict[str, object]:
    """Purchases of customers not in the customer table, and customers without purchases."""
    if transactions.empty:
        return {}
    known = _isin(transactions["customer_id"], customers["customer_id"])
    unknown = transactions[~known]
    unknown_ids = unknown["customer_id"].dropna().unique()
    revenue = 0.0
    if "amount" in unknown.columns:
        revenue = float(pd.to_numeric(unknown["amount"], errors="coerce").sum())
    buying = _isin(customers["customer_id"], transactions["customer_id"])
    idle = customers.loc[~buying, "customer_id"]
    return {
        "unknown_purchases": len(unknown),
        "unknown_customers": len(unknown_ids),
        "unknown_revenue": revenue,
        "unknown_examples": tuple(str(value) for value in unknown_ids[:EXAMPLES]),
        "without_purchases": len(idle),
        "without_examples": tuple(str(value) for value in idle.head(EXAMPLES)),
    }
