"""The validation report of an upload: per column and per problem, in the user's rows.

It joins the values that could not be converted while mapping (:mod:`~kundenmodell.io.prepare`)
with the schema checks (:func:`kundenmodell.schema.find_issues`: bad e-mail addresses, NPS outside
0–10, negative amounts, dates in the future or before 1900, duplicate customer numbers, purchases
of unknown customers, ...) and names the rows as the user's spreadsheet numbers them. Every
finding that is about rows can be dropped (:meth:`UploadReport.masks` + :meth:`Mapped.without`);
nothing is dropped unless the user asks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from kundenmodell.i18n import format_percent, has_key, t
from kundenmodell.io.prepare import Mapped
from kundenmodell.io.privacy import IDENTIFIERS, Privacy
from kundenmodell.schema import LISTED_ROWS, TABLES, Finding, ValidationReport, find_issues


@dataclass(frozen=True)
class UploadReport:
    """Findings (row numbers are the file's) and a profile of every mapped column."""

    findings: tuple[Finding, ...]
    profile: pd.DataFrame

    @property
    def validation(self) -> ValidationReport:
        """The findings as a plain :class:`~kundenmodell.schema.ValidationReport`."""
        return ValidationReport(tuple(finding.issue for finding in self.findings))

    @property
    def droppable(self) -> tuple[int, ...]:
        """Indices of the findings that concern rows (and so can be dropped)."""
        return tuple(
            index
            for index, finding in enumerate(self.findings)
            if finding.mask is not None and finding.mask.any()
        )

    @property
    def offered_for_dropping(self) -> tuple[int, ...]:
        """The :attr:`droppable` findings a user is offered to leave out: warnings and errors.
        Notes (severity ``info``) only say what the reader did with a value, so their rows are
        fine to keep and are not offered."""
        return tuple(i for i in self.droppable if self.findings[i].issue.severity != "info")

    def masks(self, chosen: Iterable[int]) -> dict[str, np.ndarray]:
        """Rows to drop per table for the chosen finding indices."""
        masks: dict[str, np.ndarray] = {}
        for index in chosen:
            finding = self.findings[index]
            if finding.mask is None:
                continue
            table = finding.issue.table
            masks[table] = masks.get(table, np.zeros(len(finding.mask), dtype=bool)) | finding.mask
        return masks

    def to_frame(self, lang: str) -> pd.DataFrame:
        """The findings translated, with examples and the file's row numbers."""
        columns = ["severity", "table", "column", "message", "rows", "examples", "row_numbers"]
        rows = []
        for finding in self.findings:
            issue = finding.issue
            more = " …" if issue.rows > len(issue.row_numbers) else ""
            rows.append(
                {
                    "severity": t(f"validation.severity.{issue.severity}", lang),
                    "table": t(f"table.{issue.table}", lang),
                    "column": _column_label(issue.column, lang),
                    "message": t(issue.key, lang, **issue.params),
                    "rows": issue.rows,
                    "examples": ", ".join(issue.examples),
                    "row_numbers": ", ".join(str(n) for n in issue.row_numbers) + more,
                }
            )
        return pd.DataFrame(rows, columns=columns)

    def profile_frame(self, lang: str) -> pd.DataFrame:
        """The profile translated: source column, canonical column, type, missing, invalid."""
        profile = self.profile
        return pd.DataFrame(
            {
                "source": profile["source"],
                "column": [t(f"column.{name}", lang) for name in profile["column"]],
                "kind": [t(f"io.kind.{kind}", lang) for kind in profile["kind"]],
                "missing": [format_percent(share, lang) for share in profile["missing"]],
                "invalid": profile["invalid"],
            }
        )


def _column_label(column: str | None, lang: str) -> str:
    """A canonical column's translated name; a file's own column name as written."""
    if not column:
        return ""
    return t(f"column.{column}", lang) if has_key(f"column.{column}", lang) else column


def validate_upload(mapped: Mapped, privacy: Privacy = "keep") -> UploadReport:
    """Check mapped upload data; identifiers that will be dropped are not checked."""
    skip = set(IDENTIFIERS) if privacy == "drop" else set()
    targets = {source: target for target, source in mapped.mapping.targets.items()}
    notes = [note.finding(targets.get(note.source or "")) for note in mapped.notes]
    findings = [
        _in_file_rows(finding, mapped)
        for finding in [*notes, *mapped.findings, *find_issues(mapped.to_dataset())]
        if finding.issue.column not in skip
    ]
    return UploadReport(tuple(findings), _profile(mapped, findings, skip))


def _in_file_rows(finding: Finding, mapped: Mapped) -> Finding:
    if finding.mask is None or finding.issue.table not in mapped.rows:
        return finding
    rows = mapped.rows[finding.issue.table][finding.mask][:LISTED_ROWS]
    return Finding(replace(finding.issue, row_numbers=tuple(int(r) for r in rows)), finding.mask)


def _profile(mapped: Mapped, findings: list[Finding], skip: set[str]) -> pd.DataFrame:
    invalid: dict[tuple[str, str], int] = {}
    for finding in findings:
        issue = finding.issue
        if issue.column and finding.mask is not None and issue.severity != "info":
            key = (issue.table, issue.column)
            invalid[key] = invalid.get(key, 0) + issue.rows
    targets = mapped.mapping.targets
    rows = []
    for table in ("customers", "transactions"):
        frame = getattr(mapped, table)
        if frame.empty:
            continue
        for column in frame.columns:
            if column in skip:
                continue
            values = frame[column]
            rows.append(
                {
                    "table": table,
                    "source": targets.get(column, targets.get("email", "")),
                    "column": column,
                    "kind": _kind(values, table, column),
                    "missing": float(values.isna().mean()),
                    "invalid": invalid.get((table, column), 0),
                }
            )
    columns = ["table", "source", "column", "kind", "missing", "invalid"]
    return pd.DataFrame(rows, columns=columns)


def _kind(values: pd.Series, table: str, column: str) -> str:
    """What the column holds after mapping: its canonical kind, as far as the dtype tells."""
    declared = TABLES[table].column(column).kind
    if pd.api.types.is_datetime64_any_dtype(values):
        return "date"
    if pd.api.types.is_integer_dtype(values):
        return "integer"
    if pd.api.types.is_float_dtype(values):
        return "number"
    return declared if declared in ("id", "category") else "text"
