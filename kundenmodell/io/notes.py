"""What reading a file learned or decided that the user should know: read notes.

Reading can set rows aside (a totals line, a repeated header), choose between two readings
(``03/04/2024`` day first because the file has ``£`` amounts and a ``Postcode`` column), or keep
a value as text that looked like a number (an id with leading zeros). None of that may happen
silently: each decision is a :class:`ReadNote` on the :class:`~kundenmodell.io.LoadedTable`,
carried through :func:`~kundenmodell.io.map_table` into the validation report, where it appears
next to the findings of the mapped data with the file's own row numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kundenmodell.schema import LISTED_ROWS, Finding, Issue, Severity

FILE_TABLE = "file"
"""The table name of read notes in a report: they are about the file, before any mapping."""


@dataclass(frozen=True)
class ReadNote:
    """One decision taken while reading, as an i18n message about the file's rows or columns.

    ``source`` is the column as named in the file (None: the whole file); ``rows`` are the
    spreadsheet row numbers concerned (all of them; the report lists the first few) and
    ``count`` how many rows that is (``len(rows)`` unless only a count is known).
    """

    key: str
    severity: Severity = "info"
    source: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    rows: tuple[int, ...] = ()
    count: int | None = None
    examples: tuple[str, ...] = ()

    @classmethod
    def about_rows(
        cls,
        key: str,
        rows: Sequence[int] | np.ndarray,
        *,
        severity: Severity = "warning",
        source: str | None = None,
        examples: Sequence[str] = (),
        **params: Any,
    ) -> ReadNote:
        """A note about the spreadsheet rows ``rows`` (first three examples kept)."""
        numbers = tuple(int(row) for row in np.asarray(rows, dtype=np.int64))
        return cls(
            key,
            severity,
            source,
            params,
            numbers,
            len(numbers),
            tuple(str(example) for example in examples)[:3],
        )

    def finding(self, column: str | None = None) -> Finding:
        """The note as a report finding; ``column`` is the canonical column the source column
        was mapped onto, if any (the report then names it as the user chose it)."""
        issue = Issue(
            self.severity,
            FILE_TABLE,
            column or self.source,
            self.key,
            dict(self.params),
            rows=self.count if self.count is not None else len(self.rows),
            examples=self.examples,
            row_numbers=self.rows[:LISTED_ROWS],
        )
        return Finding(issue)
