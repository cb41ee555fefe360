"""A read file plus a :class:`~kundenmodell.io.Mapping` → the canonical tables.

Each mapped column is converted to its canonical kind (ids and text trimmed, categories
translated through the value synonyms, numbers and dates read with the file's decimal mark and
day order); values that do not convert become missing and are reported with their rows. Then the
rows are split:

* a customer file (no purchase column mapped) is the customer table, one row per customer;
* a file with one row per purchase and the customer's columns repeated gives the purchases as
  they are and one customer row per customer number (the first value given in each column);
* a purchases-only file gives a minimal customer table: the customer numbers.

Without a customer-number column the e-mail address identifies a customer (Shopify's order
export has no customer number); with neither the file cannot be used (``error.io.no_id_column``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pyarrow as pa

from kundenmodell.dataset import Dataset
from kundenmodell.errors import DataError
from kundenmodell.io.mapping import TARGET_TABLE, Mapping, normalise, value_map
from kundenmodell.io.notes import ReadNote
from kundenmodell.io.parse import (
    MISSING_MARKERS,
    NO_HINTS,
    SAFE_INTEGER,
    YEAR_PIVOT,
    Hints,
    guessed_day_order,
    to_dates,
    to_numbers,
)
from kundenmodell.schema import CUSTOMERS, TRANSACTIONS, Column, Finding, row_finding

PURCHASE_COLUMNS = tuple(name for name in TRANSACTIONS.names if name != "customer_id")


@dataclass
class Mapped:
    """An upload on the canonical tables, before it becomes the active data set.

    ``rows`` holds, per table, the spreadsheet row number of every canonical row (for a
    customer built from several purchase rows: the first of them), so findings can name the
    rows of the user's file. ``findings`` are the values that could not be converted,
    ``notes`` the decisions taken while reading the file (:mod:`~kundenmodell.io.notes`).
    """

    customers: pd.DataFrame
    transactions: pd.DataFrame
    rows: dict[str, np.ndarray]
    mapping: Mapping
    name: str = "upload"
    findings: list[Finding] = field(default_factory=list)
    id_from_email: bool = False
    notes: tuple[ReadNote, ...] = ()

    def to_dataset(self) -> Dataset:
        """The canonical tables as a :class:`~kundenmodell.Dataset` from an upload."""
        return Dataset(
            customers=self.customers.reset_index(drop=True),
            transactions=self.transactions.reset_index(drop=True),
            name=self.name,
            source="upload",
            currency=self.mapping.currency,
            locale=self.mapping.locale,
        )

    def without(self, masks: dict[str, np.ndarray]) -> Mapped:
        """The data without the rows flagged in ``masks`` (per table).

        Dropping a customer also drops their purchases, so no purchase is left without its
        customer. Conversion findings are kept only for the rows that remain.
        """
        drop_customers = masks.get("customers", np.zeros(len(self.customers), dtype=bool))
        drop_purchases = masks.get("transactions", np.zeros(len(self.transactions), dtype=bool))
        if drop_customers.any() and "customer_id" in self.transactions.columns:
            gone = self.customers.loc[drop_customers, "customer_id"]
            drop_purchases = drop_purchases | self.transactions["customer_id"].isin(gone).to_numpy()
        keep = {"customers": ~drop_customers, "transactions": ~drop_purchases}
        findings = []
        for finding in self.findings:
            if finding.mask is None:
                continue
            mask = finding.mask[keep[finding.issue.table]]
            if mask.any():
                findings.append(Finding(replace(finding.issue, rows=int(mask.sum())), mask))
        return replace(
            self,
            customers=self.customers[keep["customers"]].reset_index(drop=True),
            transactions=self.transactions[keep["transactions"]].reset_index(drop=True),
            rows={table: self.rows[table][keep[table]] for table in keep},
            findings=findings,
        )


def apply_mapping(frame: pd.DataFrame, mapping: Mapping, *, name: str = "upload") -> Dataset:
    """``frame`` mapped onto the canonical tables as a :class:`~kundenmodell.Dataset`.

    A one-row-per-purchase file is split into customers and purchases; a purchases-only file
    gets a minimal customer table. See :func:`map_table` for the details and the findings.
    """
    return map_table(frame, mapping, name=name).to_dataset()


def _typed_columns(
    frame: pd.DataFrame, mapping: Mapping, written: dict[str, pa.ChunkedArray] | None
) -> tuple[dict[str, pd.Series], dict[str, np.ndarray], dict[str, tuple[np.ndarray, dict]]]:
    """Every mapped column converted to its target's kind (:func:`coerce`): the values, the
    mask of values that could not be converted, and for text dates whose day order was
    guessed the rows and parameters of that note. Ids and text keep the file's own writing."""
    hints = Hints(decimal=mapping.decimal, dayfirst=mapping.dayfirst)
    typed: dict[str, pd.Series] = {}
    bad: dict[str, np.ndarray] = {}
    guessed: dict[str, tuple[np.ndarray, dict]] = {}
    for target, source in mapping.targets.items():
        column = _column(target)
        values = frame[source].reset_index(drop=True)
        text = (written or {}).get(source)
        if (
            column.kind in ("id", "text", "category")
            and text is not None
            and len(text) == len(frame)
        ):
            values = pd.Series(text.to_pandas(), dtype="str")  # as the file wrote it
        typed[target], bad[target] = coerce(values, column, hints)
        if column.kind == "date" and _is_text(values):
            guess = _day_order_guess(values, typed[target])
            if guess is not None:
                guessed[target] = guess
    return typed, bad, guessed


def map_table(
    frame: pd.DataFrame,
    mapping: Mapping,
    *,
    name: str = "upload",
    first_row: int = 2,
    file_rows: np.ndarray | None = None,
    notes: tuple[ReadNote, ...] = (),
    written: dict[str, pa.ChunkedArray] | None = None,
) -> Mapped:
    """``frame`` converted and split per ``mapping``.

    ``first_row`` is the spreadsheet row of the frame's first row, or ``file_rows`` the row of
    each frame row (for the row numbers in findings); ``notes`` are the reading's decisions, kept
    for the report; ``written`` the text of columns read as whole numbers, for ids and text
    targets (``1.0`` stays ``1.0``). :attr:`LoadedTable.mapping_options` gives them for a read
    file.
    """
    _check_mapping(frame, mapping)
    targets = mapping.targets
    typed, bad, guessed = _typed_columns(frame, mapping, written)
    id_from_email = "customer_id" not in typed
    if id_from_email:
        typed["customer_id"] = typed["email"].str.casefold().astype("str")
        bad["customer_id"] = bad["email"]
    if typed["customer_id"].isna().all():
        raise DataError("error.io.empty_id_column", column=targets.get("customer_id", "E-Mail"))
    if file_rows is not None:
        source_rows = np.asarray(file_rows, dtype=np.int64)
    else:
        source_rows = np.arange(len(frame), dtype=np.int64) + first_row
    has_purchases = any(target in typed for target in PURCHASE_COLUMNS)
    customer_names = [n for n in CUSTOMERS.names if n in typed]
    if has_purchases:
        customers, customer_rows, from_rows = _customers_of_purchases(typed, customer_names)
        purchases = pd.DataFrame({n: typed[n] for n in TRANSACTIONS.names if n in typed})
        is_purchase = purchases[[n for n in PURCHASE_COLUMNS if n in purchases]].notna().any(axis=1)
        is_purchase = is_purchase.to_numpy()
        transactions = purchases[is_purchase].reset_index(drop=True)
        transaction_rows = source_rows[is_purchase]
    else:
        customers = pd.DataFrame({n: typed[n] for n in customer_names})
        customer_rows, from_rows = np.arange(len(customers)), None
        transactions = pd.DataFrame({n: pd.Series(dtype="object") for n in TRANSACTIONS.names})
        transaction_rows = np.zeros(0, dtype=np.int64)
        is_purchase = np.zeros(len(frame), dtype=bool)
    problems = [
        (target, mask, _not_converted(target), None)
        for target, mask in bad.items()
        if mask.any() and target != "customer_id"
    ]
    problems += [
        (target, mask, "read_note.values.day_order", params)
        for target, (mask, params) in guessed.items()
    ]
    findings = []
    for target, mask, key, params in problems:
        table = TARGET_TABLE[target] if has_purchases else "customers"
        if table == "customers":
            rows_mask = _customer_mask(mask, customers, from_rows)
        else:
            rows_mask = mask[is_purchase]
        found = row_finding("warning", table, target, key, rows_mask, params=params)
        examples = _examples(frame[targets[target]].reset_index(drop=True)[mask])
        findings.append(Finding(replace(found.issue, examples=examples), found.mask))
    return Mapped(
        customers=customers.reset_index(drop=True),
        transactions=transactions,
        rows={"customers": source_rows[customer_rows], "transactions": transaction_rows},
        mapping=mapping,
        name=name,
        findings=findings,
        id_from_email=id_from_email,
        notes=tuple(notes),
    )


def _not_converted(target: str) -> str:
    return "validation.not_a_date" if _column(target).kind == "date" else "validation.not_a_number"


def _is_text(values: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(values) or pd.api.types.is_object_dtype(values)


def _day_order_guess(text: pd.Series, dates: pd.Series) -> tuple[np.ndarray, dict] | None:
    """The rows of a text date column whose day order was a guess (``03/04/2024`` in a file
    that says nothing about it), as a mask, with the example for the finding."""
    strings = text.astype("str").where(text.notna(), None)  # a notebook's objects too
    values = pa.chunked_array([pa.array(strings, pa.large_string(), from_pandas=True)])
    guess = guessed_day_order(values, pa.chunked_array([pa.array(dates, from_pandas=True)]))
    if guess is None:
        return None
    positions, params = guess
    mask = np.zeros(len(text), dtype=bool)
    mask[positions] = True
    return mask, params


def _check_mapping(frame: pd.DataFrame, mapping: Mapping) -> None:
    missing = [e.source for e in mapping.entries if e.target and e.source not in frame.columns]
    if missing:
        raise DataError("error.io.mapping_mismatch", columns=", ".join(missing))
    for sources in mapping.duplicates().values():
        raise DataError("error.io.duplicate_target", sources=", ".join(sources))
    targets = mapping.targets
    if "customer_id" not in targets and "email" not in targets:
        raise DataError("error.io.no_id_column")
    purchase = [target for target in PURCHASE_COLUMNS if target in targets]
    if purchase and "date" not in targets:
        raise DataError("error.io.purchase_date_missing")
    if purchase and "amount" not in targets:
        raise DataError("error.io.purchase_amount_missing")


def _column(target: str) -> Column:
    if target in CUSTOMERS.names:
        return CUSTOMERS.column(target)
    return TRANSACTIONS.column(target)


def coerce(
    series: pd.Series, column: Column, hints: Hints = NO_HINTS
) -> tuple[pd.Series, np.ndarray]:
    """``series`` in ``column``'s canonical kind, and the rows whose value did not convert.

    ids and text become trimmed strings exactly as written (``00123`` and ``-0`` stay; a whole
    number cell of a spreadsheet or JSON file loses its ``.0``); categories are looked up in the
    value synonyms (``Firmenkunde`` → ``b2b``; unknown values stay for the validation report);
    dates are days (a two-digit birth year is never in the future); integers ``Int64`` when
    whole, numbers ``float64``.
    """
    no_problem = np.zeros(len(series), dtype=bool)
    if column.kind in ("id", "text", "category"):
        text = _text(series)
        if column.kind == "category":
            text = _category(text, column.name)
        return text, no_problem
    if column.kind == "date":
        births = column.name == "birth_date"
        return to_dates(series, hints, pd.Timestamp.now().year % 100 if births else YEAR_PIVOT)
    numbers, bad = to_numbers(series, hints)
    if column.kind == "integer":
        whole = numbers.dropna()
        if (whole == np.floor(whole)).all():
            return numbers.astype("Int64"), bad
    return numbers, bad


def _text(series: pd.Series) -> pd.Series:
    """Trimmed text with blanks and missing markers as missing.

    A float column (only a spreadsheet's or JSON file's number cells give one: read text keeps
    every spelling) writes its whole numbers without ``.0`` where float64 holds them exactly;
    larger ones keep their float form (``1.2345678901234568e+16``) rather than invent digits.
    """
    if pd.api.types.is_float_dtype(series):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        exact = (values == np.floor(values)) & (np.abs(values) < SAFE_INTEGER)
        whole = pd.Series(np.where(exact, values, np.nan), index=series.index).astype("Int64")
        text = series.astype("str").where(series.notna(), None)
        series = whole.astype("str").where(pd.Series(exact, index=series.index), text)
    if pd.api.types.is_datetime64_any_dtype(series):
        text = series.dt.strftime("%Y-%m-%d")
    else:
        text = series.astype("str").where(series.notna(), None)
    text = pd.Series(text, dtype="str").str.strip()
    return text.where(~text.isin(["", *MISSING_MARKERS]), None).astype("str")


def _category(text: pd.Series, name: str) -> pd.Series:
    """Category values in their canonical spelling where the value synonyms know them."""
    known = value_map(name)
    if not known:
        return text
    lookup = {value: known.get(normalise(value), value) for value in text.dropna().unique()}
    return text.map(lookup).astype("str")


def _customers_of_purchases(
    typed: dict[str, pd.Series], names: list[str]
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """One row per customer number: the first value given in each customer column.

    Returns the table, the source position of each customer's first row, and for every source
    row the position of its customer in the table (-1 without a customer number).
    """
    ids = typed["customer_id"]
    frame = pd.DataFrame({n: typed[n] for n in names})
    known = ids.notna().to_numpy()
    codes, uniques = pd.factorize(ids[known], sort=False)
    first = np.full(len(uniques), len(ids), dtype=np.int64)
    positions = np.flatnonzero(known)
    np.minimum.at(first, codes, positions)
    customers = frame[known].groupby(codes, sort=True).first()
    customers["customer_id"] = np.asarray(uniques)
    customers = customers[names].reset_index(drop=True)
    from_rows = np.full(len(ids), -1, dtype=np.int64)
    from_rows[positions] = codes
    return customers, first, from_rows


def _customer_mask(
    source_mask: np.ndarray, customers: pd.DataFrame, from_rows: np.ndarray | None
) -> np.ndarray:
    """Source rows with a problem → the customer rows they belong to."""
    if from_rows is None:
        return source_mask
    mask = np.zeros(len(customers), dtype=bool)
    hit = from_rows[source_mask]
    mask[hit[hit >= 0]] = True
    return mask


def _examples(values: pd.Series) -> tuple[str, ...]:
    """Up to three distinct values as the user wrote them."""
    return tuple(dict.fromkeys(str(value).strip() for value in values.dropna().head(50)))[:3]
