"""The canonical tables (customers, transactions, interactions) and their validation.

Every data set the workbench analyses is mapped onto these tables first. Column names are
English snake_case; the UI shows translated labels (i18n keys ``column.<name>``). Only
``customer_id`` is required in the customer table; each analysis states which further columns it
needs. :func:`validate` reports problems instead of raising for them, so the user sees all of
them at once and can still look at what is usable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from kundenmodell.arrays import positions_in
from kundenmodell.dates import as_days

if TYPE_CHECKING:
    from kundenmodell.dataset import Dataset

Kind = Literal["id", "text", "category", "date", "integer", "number"]
Severity = Literal["error", "warning", "info"]

STATUSES = ("lead", "contact", "prospect", "customer")
CUSTOMER_TYPES = ("b2b", "b2c")
RELATIONSHIPS = ("external", "internal")
GENDERS = ("female", "male", "diverse")
CONTACT_PREFERENCES = ("email", "phone", "post", "none")
CONSUMER_ROLES = ("self", "child", "partner", "gift", "employee", "other")
INTERACTION_KINDS = ("email", "call", "visit", "support", "meeting", "other")


@dataclass(frozen=True)
class Column:
    """One canonical column: its kind, allowed values or range, and whether it identifies a person.

    ``identifier`` marks direct identifiers (name, e-mail, phone) that data minimisation drops
    or pseudonymises.
    """

    name: str
    kind: Kind
    required: bool = False
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    identifier: bool = False


@dataclass(frozen=True)
class TableSchema:
    """A canonical table: its name and columns in display order."""

    name: str
    columns: tuple[Column, ...]
    required_table: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


CUSTOMERS = TableSchema(
    "customers",
    (
        Column("customer_id", "id", required=True),
        Column("first_name", "text", identifier=True),
        Column("last_name", "text", identifier=True),
        Column("email", "text", identifier=True),
        Column("phone", "text", identifier=True),
        Column("status", "category", allowed=STATUSES),
        Column("customer_type", "category", allowed=CUSTOMER_TYPES),
        Column("company", "text"),
        Column("industry", "text"),
        Column("relationship", "category", allowed=RELATIONSHIPS),
        Column("birth_date", "date"),
        Column("age", "integer", minimum=0, maximum=120),
        Column("gender", "category", allowed=GENDERS),
        Column("income", "number", minimum=0),
        Column("city", "text"),
        Column("postcode", "text"),
        Column("country", "text"),
        Column("nationality", "text"),
        Column("contact_preference", "category", allowed=CONTACT_PREFERENCES),
        Column("acquisition_channel", "text"),
        Column("acquired_at", "date"),
        Column("nps_score", "integer", minimum=0, maximum=10),
        Column("email_responses", "integer", minimum=0),
        Column("reminders", "integer", minimum=0),
    ),
    required_table=True,
)

TRANSACTIONS = TableSchema(
    "transactions",
    (
        Column("customer_id", "id", required=True),
        Column("date", "date", required=True),
        Column("amount", "number", required=True),
        Column("quantity", "integer", minimum=0),
        Column("category", "text"),
        Column("channel", "text"),
        Column("consumer_role", "category", allowed=CONSUMER_ROLES),
    ),
)

INTERACTIONS = TableSchema(
    "interactions",
    (
        Column("customer_id", "id", required=True),
        Column("date", "date", required=True),
        Column("kind", "category", allowed=INTERACTION_KINDS),
        Column("outcome", "text"),
    ),
)

TABLES: dict[str, TableSchema] = {
    schema.name: schema for schema in (CUSTOMERS, TRANSACTIONS, INTERACTIONS)
}


@dataclass(frozen=True)
class Issue:
    """One finding of :func:`validate`; ``key``/``params`` are an i18n message.

    ``rows`` counts the affected rows (0 where the finding is about a whole column or table).
    ``examples`` are up to three of the offending values as text, ``row_numbers`` the numbers of
    the first affected rows (at most :data:`LISTED_ROWS`): positions in the table counted from 1,
    or the rows of the user's file in an upload report (:mod:`kundenmodell.io.report`).
    """

    severity: Severity
    table: str
    column: str | None
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    rows: int = 0
    examples: tuple[str, ...] = ()
    row_numbers: tuple[int, ...] = ()


LISTED_ROWS = 10
EARLIEST_DATE = pd.Timestamp("1900-01-01")
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"


@dataclass(frozen=True, eq=False)
class Finding:
    """An :class:`Issue` together with the rows it is about.

    ``mask`` is a boolean array over the rows of ``issue.table`` (None when the finding concerns
    a whole column or table), so a caller can drop or keep exactly those rows.
    """

    issue: Issue
    mask: np.ndarray | None = None


def row_finding(
    severity: Severity,
    table: str,
    column: str | None,
    key: str,
    mask: pd.Series | np.ndarray,
    values: pd.Series | None = None,
    params: Mapping[str, Any] | None = None,
) -> Finding:
    """A finding about the rows where ``mask`` is True, with examples taken from ``values``."""
    flags = np.asarray(mask, dtype=bool)
    positions = np.flatnonzero(flags)
    examples: tuple[str, ...] = ()
    if values is not None:
        # Only the flagged values are converted: a whole Arrow string column costs seconds.
        shown = pd.Series(values).iloc[positions].dropna()
        examples = tuple(dict.fromkeys(_example(value) for value in shown.head(50)))[:3]
    issue = Issue(
        severity,
        table,
        column,
        key,
        dict(params or {}),
        int(flags.sum()),
        examples,
        tuple(int(position) + 1 for position in positions[:LISTED_ROWS]),
    )
    return Finding(issue, flags)


def _example(value: Any) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class ValidationReport:
    """Everything :func:`validate` found; ``ok`` is False when any finding is an error."""

    issues: tuple[Issue, ...]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(issue for issue in self.issues if issue.severity == "error")

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return tuple(issue for issue in self.issues if issue.severity == "warning")

    def to_frame(self, lang: str) -> pd.DataFrame:
        """The findings as a table with translated severity, column label and message."""
        from kundenmodell.i18n import t

        rows = [
            {
                "severity": t(f"validation.severity.{issue.severity}", lang),
                "table": t(f"table.{issue.table}", lang),
                "column": t(f"column.{issue.column}", lang) if issue.column else "",
                "message": t(issue.key, lang, **issue.params),
                "rows": issue.rows,
            }
            for issue in self.issues
        ]
        return pd.DataFrame(rows, columns=["severity", "table", "column", "message", "rows"])


def empty_table(name: str) -> pd.DataFrame:
    """A canonical table with all its columns and no rows."""
    return pd.DataFrame({column: pd.Series(dtype="object") for column in TABLES[name].names})


Check = tuple[Severity, str, pd.Series, Mapping[str, Any] | None]
"""One rule's verdict on the present values of a column: severity, message key, the mask of
the values it flags and the message parameters."""


def _date_checks(present: pd.Series, column: Column) -> list[Check]:
    """Not a date (error), in the future or before :data:`EARLIEST_DATE` (warnings)."""
    parsed = pd.to_datetime(present, errors="coerce")
    return [
        ("error", "validation.not_a_date", parsed.isna(), None),
        (
            "warning",
            "validation.future_date",
            parsed > pd.Timestamp.now() + pd.Timedelta(days=1),
            None,
        ),
        ("warning", "validation.io.date_too_old", parsed < EARLIEST_DATE, None),
    ]


def _number_checks(present: pd.Series, column: Column) -> list[Check]:
    """Not a number (error), not whole for an integer column, outside the column's range."""
    numbers = pd.to_numeric(present, errors="coerce")
    checks: list[Check] = [("error", "validation.not_a_number", numbers.isna(), None)]
    numbers = numbers.astype("float64")
    if column.kind == "integer":
        fractional = numbers.notna() & (numbers != np.floor(numbers))
        checks.append(("warning", "validation.not_whole", fractional, None))
    out_of_range = pd.Series(False, index=numbers.index)
    if column.minimum is not None:
        out_of_range |= numbers < column.minimum
    if column.maximum is not None:
        out_of_range |= numbers > column.maximum
    bounds = {"minimum": _bound(column.minimum), "maximum": _bound(column.maximum)}
    checks.append(("warning", "validation.out_of_range", out_of_range, bounds))
    return checks


def _text_checks(present: pd.Series, column: Column) -> list[Check]:
    """A value outside the column's allowed codes; an e-mail address that is not one."""
    checks: list[Check] = []
    if column.allowed is not None:
        unknown = ~present.astype(str).isin(column.allowed)
        examples = ", ".join(sorted(present[unknown].astype(str).unique())[:3])
        params = {"examples": examples, "allowed": ", ".join(column.allowed)}
        checks.append(("warning", "validation.unknown_value", unknown, params))
    if column.name == "email":
        bad_email = ~present.astype(str).str.strip().str.match(EMAIL_PATTERN)
        checks.append(("warning", "validation.io.bad_email", bad_email, None))
    return checks


def _check_column(table: str, column: Column, values: pd.Series) -> list[Finding]:
    """Findings about one column: required values missing, then the checks of its kind."""
    findings: list[Finding] = []
    given = values.notna().to_numpy()
    if column.required and not given.all():
        findings.append(
            row_finding("error", table, column.name, "validation.required_missing", ~given)
        )
    if not given.any():
        return findings
    if column.kind == "date":
        checks = _date_checks
    elif column.kind in ("integer", "number"):
        checks = _number_checks
    else:
        checks = _text_checks
    for severity, key, flagged, params in checks(values[given], column):
        if flagged.any():
            mask = np.zeros(len(values), dtype=bool)  # the flags over the whole column
            mask[given] = np.asarray(flagged, dtype=bool)
            findings.append(row_finding(severity, table, column.name, key, mask, values, params))
    return findings


def _bound(value: float | None) -> str:
    return "…" if value is None else f"{value:g}"


def validate_table(name: str, frame: pd.DataFrame) -> list[Issue]:
    """Check one table against its canonical schema (columns, kinds, allowed values, ranges)."""
    return [finding.issue for finding in check_table(name, frame)]


def check_table(name: str, frame: pd.DataFrame) -> list[Finding]:
    """:func:`validate_table` with the affected rows of every finding."""
    schema = TABLES[name]
    findings: list[Finding] = []
    for column in schema.columns:
        if column.name not in frame.columns:
            if column.required:
                findings.append(
                    Finding(Issue("error", name, column.name, "validation.missing_column"))
                )
            continue
        findings.extend(_check_column(name, column, frame[column.name]))
    extra = [str(column) for column in frame.columns if column not in schema.names]
    if extra:
        findings.append(
            Finding(
                Issue("info", name, None, "validation.extra_columns", {"columns": ", ".join(extra)})
            )
        )
    return findings


def validate(dataset: Dataset) -> ValidationReport:
    """Check a data set against the canonical schema and return every finding.

    Errors make a column unusable (a required column missing or unparsable); warnings are
    values an analysis will skip or treat with care (unknown categories, out-of-range scores,
    purchases of unknown customers, negative amounts, malformed e-mail addresses, dates before
    1900, purchases before the customer was born or first contacted); infos are notes (extra
    columns).
    """
    return ValidationReport(tuple(finding.issue for finding in find_issues(dataset)))


def find_issues(dataset: Dataset) -> list[Finding]:
    """:func:`validate` with the affected rows of every finding (for dropping them)."""
    customers = dataset.customers
    findings = check_table("customers", customers)
    if "customer_id" in customers.columns:
        duplicated = customers["customer_id"].duplicated() & customers["customer_id"].notna()
        if duplicated.any():
            findings.append(
                row_finding(
                    "error",
                    "customers",
                    "customer_id",
                    "validation.duplicate_ids",
                    duplicated,
                    customers["customer_id"],
                )
            )

    purchase_rows = None  # each purchase's position among the distinct customer ids
    for name in ("transactions", "interactions"):
        frame = getattr(dataset, name)
        if frame is None or frame.empty:
            if name == "transactions":
                findings.append(Finding(Issue("info", name, None, "validation.no_transactions")))
            continue
        findings.extend(check_table(name, frame))
        if "customer_id" in frame.columns and "customer_id" in customers.columns:
            # Series.isin on two `str` columns is several times slower than this look-up.
            ids = pd.Index(customers["customer_id"].unique())
            positions = positions_in(frame["customer_id"], ids)
            if name == "transactions":
                purchase_rows = positions
            orphans = positions < 0
            if orphans.any():
                findings.append(
                    row_finding(
                        "warning",
                        name,
                        "customer_id",
                        "validation.unknown_customer",
                        orphans,
                        frame["customer_id"],
                    )
                )

    transactions = dataset.transactions
    if transactions is not None and "amount" in transactions.columns:
        negative = pd.to_numeric(transactions["amount"], errors="coerce") < 0
        if negative.any():
            findings.append(
                row_finding(
                    "warning",
                    "transactions",
                    "amount",
                    "validation.negative_amount",
                    negative,
                    transactions["amount"],
                )
            )
    if purchase_rows is not None:
        findings.extend(_purchases_before_customer(customers, transactions, purchase_rows))
    return findings


def _purchases_before_customer(
    customers: pd.DataFrame, transactions: pd.DataFrame, rows: np.ndarray
) -> list[Finding]:
    """Warnings about purchases dated before their customer existed for the shop.

    - ``validation_dates.before_birth``: the purchase day lies before the customer's
      ``birth_date``; for customers without one, before the earliest birth date their ``age``
      allows, (last purchase day in the data) − (age + 1) years. Ages are taken as of the end
      of the data, so the check only flags purchases that no reading of the age can explain.
    - ``validation_dates.before_acquired``: the purchase day lies before ``acquired_at``, the
      customer's first contact.

    ``rows`` holds each purchase's position among the distinct customer ids in order of first
    appearance (−1 for unknown customers), as the unknown-customer check found them. Purchases
    of unknown customers and unreadable dates are left to the other checks. The finding's
    examples are the customer ids.
    """
    columns = [name for name in ("birth_date", "age", "acquired_at") if name in customers.columns]
    if "date" not in transactions.columns or not columns:
        return []
    first = customers.drop_duplicates("customer_id")  # rows in the order of ``unique()``
    known = rows >= 0
    day = as_days(transactions["date"])
    limits = {}
    if "birth_date" in columns or "age" in columns:
        birth = pd.Series(pd.NaT, index=first.index, dtype="datetime64[ns]")
        if "birth_date" in columns:
            birth = as_days(first["birth_date"]).astype("datetime64[ns]")
        if "age" in columns and day.notna().any():
            age = pd.to_numeric(first["age"], errors="coerce")
            years = (age + 1).where(age.between(0, 150))
            earliest = day.max() - pd.to_timedelta(years * 365.2425, unit="D")
            birth = birth.fillna(earliest.dt.normalize())
        limits["validation_dates.before_birth"] = birth
    if "acquired_at" in columns:
        limits["validation_dates.before_acquired"] = as_days(first["acquired_at"])

    findings = []
    purchase_day = day.to_numpy(dtype="datetime64[ns]")
    for key, limit in limits.items():
        at_purchase = np.full(len(transactions), np.datetime64("NaT"), dtype="datetime64[ns]")
        at_purchase[known] = limit.to_numpy(dtype="datetime64[ns]")[rows[known]]
        early = purchase_day < at_purchase  # NaT on either side compares False
        if early.any():
            findings.append(
                row_finding(
                    "warning", "transactions", "date", key, early, transactions["customer_id"]
                )
            )
    return findings
