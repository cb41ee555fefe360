"""Small shared helpers: column checks and the reference date ``as_of``."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from kundenmodell.errors import DataError


def require_columns(frame: pd.DataFrame, table: str, columns: Iterable[str]) -> None:
    """Raise ``DataError("error.missing_column")`` naming the first absent column."""
    for column in columns:
        if column not in frame.columns:
            raise DataError("error.missing_column", table=table, column=column)


def resolve_as_of(transactions: pd.DataFrame, as_of: object | None) -> pd.Timestamp:
    """``as_of`` as a day timestamp; defaults to the last purchase date in the data."""
    if as_of is not None:
        return pd.Timestamp(as_of).normalize()
    require_columns(transactions, "transactions", ("date",))
    last = pd.to_datetime(transactions["date"], errors="coerce").max()
    if pd.isna(last):
        raise DataError("error.segments.no_dated_purchases")
    return pd.Timestamp(last).normalize()
