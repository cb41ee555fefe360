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
    """

    severity: Severity
    table: str
    column: str | None
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    rows: int = 0


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


def _check_column(table: str, column: Column, values: pd.Series) -> list[Issue]:
    issues: list[Issue] = []
    present = values.dropna()
    missing = len(values) - len(present)
    if column.required and missing:
        issues.append(
            Issue("error", table, column.name, "validation.required_missing", {}, missing)
        )
    if present.empty:
        return issues

    if column.kind == "date":
        parsed = pd.to_datetime(present, errors="coerce")
        bad = int(parsed.isna().sum())
        if bad:
            issues.append(Issue("error", table, column.name, "validation.not_a_date", {}, bad))
        future = int((parsed > pd.Timestamp.now() + pd.Timedelta(days=1)).sum())
        if future:
            issues.append(
                Issue("warning", table, column.name, "validation.future_date", {}, future)
            )
        return issues

    if column.kind in ("integer", "number"):
        numbers = pd.to_numeric(present, errors="coerce")
        bad = int(numbers.isna().sum())
        if bad:
            issues.append(Issue("error", table, column.name, "validation.not_a_number", {}, bad))
        numbers = numbers.dropna()
        if column.kind == "integer":
            fractional = int((numbers != np.floor(numbers)).sum())
            if fractional:
                issues.append(
                    Issue("warning", table, column.name, "validation.not_whole", {}, fractional)
                )
        out_of_range = pd.Series(False, index=numbers.index)
        if column.minimum is not None:
            out_of_range |= numbers < column.minimum
        if column.maximum is not None:
            out_of_range |= numbers > column.maximum
        if out_of_range.any():
            issues.append(
                Issue(
                    "warning",
                    table,
                    column.name,
                    "validation.out_of_range",
                    {"minimum": _bound(column.minimum), "maximum": _bound(column.maximum)},
                    int(out_of_range.sum()),
                )
            )
        return issues

    if column.allowed is not None:
        unknown = ~present.astype(str).isin(column.allowed)
        if unknown.any():
            examples = ", ".join(sorted(present[unknown].astype(str).unique())[:3])
            issues.append(
                Issue(
                    "warning",
                    table,
                    column.name,
                    "validation.unknown_value",
                    {"examples": examples, "allowed": ", ".join(column.allowed)},
                    int(unknown.sum()),
                )
            )
    return issues


def _bound(value: float | None) -> str:
    return "…" if value is None else f"{value:g}"


def validate_table(name: str, frame: pd.DataFrame) -> list[Issue]:
    """Check one table against its canonical schema (columns, kinds, allowed values, ranges)."""
    schema = TABLES[name]
    issues: list[Issue] = []
    for column in schema.columns:
        if column.name not in frame.columns:
            if column.required:
                issues.append(Issue("error", name, column.name, "validation.missing_column"))
            continue
        issues.extend(_check_column(name, column, frame[column.name]))
    extra = [str(column) for column in frame.columns if column not in schema.names]
    if extra:
        issues.append(
            Issue("info", name, None, "validation.extra_columns", {"columns": ", ".join(extra)})
        )
    return issues


def validate(dataset: Dataset) -> ValidationReport:
    """Check a data set against the canonical schema and return every finding.

    Errors make a column unusable (a required column missing or unparsable); warnings are
    values an analysis will skip or treat with care (unknown categories, out-of-range scores,
    purchases of unknown customers, negative amounts); infos are notes (extra columns).
    """
    customers = dataset.customers
    issues = validate_table("customers", customers)
    if "customer_id" in customers.columns:
        duplicated = int(customers["customer_id"].duplicated().sum())
        if duplicated:
            issues.append(
                Issue(
                    "error", "customers", "customer_id", "validation.duplicate_ids", {}, duplicated
                )
            )

    for name in ("transactions", "interactions"):
        frame = getattr(dataset, name)
        if frame is None or frame.empty:
            if name == "transactions":
                issues.append(Issue("info", name, None, "validation.no_transactions"))
            continue
        issues.extend(validate_table(name, frame))
        if "customer_id" in frame.columns and "customer_id" in customers.columns:
            # Index look-up: Series.isin on two `str` columns is several times slower.
            known = (
                pd.Index(customers["customer_id"].unique()).get_indexer(frame["customer_id"]) >= 0
            )
            orphans = int((~known).sum())
            if orphans:
                issues.append(
                    Issue(
                        "warning", name, "customer_id", "validation.unknown_customer", {}, orphans
                    )
                )

    transactions = dataset.transactions
    if transactions is not None and "amount" in transactions.columns:
        negative = int((pd.to_numeric(transactions["amount"], errors="coerce") < 0).sum())
        if negative:
            issues.append(
                Issue(
                    "warning", "transactions", "amount", "validation.negative_amount", {}, negative
                )
            )
    return ValidationReport(tuple(issues))
