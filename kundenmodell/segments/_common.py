"""Small shared helpers: column checks and the purchase table cut at ``as_of``."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from kundenmodell.errors import DataError


def require_columns(frame: pd.DataFrame, table: str, columns: Iterable[str]) -> None:
    """Raise ``DataError("error.missing_column")`` naming the first absent column."""
    for column in columns:
        if column not in frame.columns:
            raise DataError("error.missing_column", table=table, column=column)


def purchases_until(transactions: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """``customer_id``, ``date`` (day resolution) and ``amount`` of purchases up to ``as_of``.

    Rows without a date are dropped; a missing ``amount`` counts as 0 so that the purchase still
    counts for frequency.
    """
    require_columns(transactions, "transactions", ("customer_id", "date"))
    dates = transactions["date"]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        dates = pd.to_datetime(dates, errors="coerce")
    dates = dates.dt.floor("D")
    amounts = (
        pd.to_numeric(transactions["amount"], errors="coerce").fillna(0.0)
        if "amount" in transactions.columns
        else pd.Series(0.0, index=transactions.index)
    )
    cut = pd.DataFrame(
        {
            "customer_id": transactions["customer_id"],
            "date": dates,
            "amount": amounts.astype(float),
        }
    )
    return cut[cut["date"].notna() & (cut["date"] <= as_of)]


def resolve_as_of(transactions: pd.DataFrame, as_of: object | None) -> pd.Timestamp:
    """``as_of`` as a day timestamp; defaults to the last purchase date in the data."""
    if as_of is not None:
        return pd.Timestamp(as_of).normalize()
    require_columns(transactions, "transactions", ("date",))
    last = pd.to_datetime(transactions["date"], errors="coerce").max()
    if pd.isna(last):
        raise DataError("error.segments.no_dated_purchases")
    return pd.Timestamp(last).normalize()
