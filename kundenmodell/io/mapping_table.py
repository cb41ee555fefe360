"""A mapping as the table the user checks: each source column with three example values, the
meaning chosen for it and how sure the suggestion was (in percent, as it is shown).

One row per column of the file; ``target`` is :data:`IGNORE` for a column left out, so that
an editable table can offer "ignore" as one choice among the targets.
"""

from __future__ import annotations

import pandas as pd

from kundenmodell.i18n import format_date, format_number
from kundenmodell.io.mapping import Mapping

IGNORE = "ignore"
"""The ``target`` of a column that is left out."""
EXAMPLES = 3
"""Distinct example values shown per column."""
_SCANNED = 200  # non-empty values looked at to find the examples


def examples(values: pd.Series, language: str) -> str:
    """Up to :data:`EXAMPLES` distinct non-empty values of a column, written as the user's
    language writes them (dates and numbers localised, whole numbers without decimals)."""
    shown = values.dropna().head(_SCANNED)
    if pd.api.types.is_datetime64_any_dtype(shown):
        text = pd.Series([format_date(value, language) for value in shown.head(20)], dtype="str")
    elif pd.api.types.is_numeric_dtype(shown) and not pd.api.types.is_bool_dtype(shown):
        text = pd.Series(
            [
                format_number(value, language, decimals=0 if float(value).is_integer() else 2)
                for value in shown.head(20)
            ],
            dtype="str",
        )
    else:
        text = shown.astype("str").str.strip()
    return ", ".join(list(dict.fromkeys(text[text != ""]))[:EXAMPLES])


def mapping_table(mapping: Mapping, frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """The columns ``source``, ``examples``, ``target`` and ``confidence`` (0–100 %, the
    suggestion's confidence × 100) of ``mapping`` over the file's ``frame``."""
    return pd.DataFrame(
        {
            "source": [entry.source for entry in mapping.entries],
            "examples": [examples(frame[entry.source], language) for entry in mapping.entries],
            "target": [entry.target or IGNORE for entry in mapping.entries],
            "confidence": [entry.confidence * 100 for entry in mapping.entries],
        }
    )


def chosen_targets(table: pd.DataFrame) -> dict[str, str | None]:
    """Source → target (None: ignored) from an edited :func:`mapping_table`, for
    :meth:`Mapping.with_targets`."""
    return {
        source: None if target == IGNORE else target
        for source, target in zip(table["source"], table["target"], strict=True)
    }
