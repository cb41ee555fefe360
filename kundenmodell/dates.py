"""Reading dates the same way everywhere: single values and whole columns, as midnight
timestamps without time zone."""

from __future__ import annotations

import pandas as pd

from kundenmodell.errors import DataError


def as_day(value: object) -> pd.Timestamp:
    """``value`` as a midnight timestamp; unreadable dates are ``error.invalid_period``."""
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as error:
        raise DataError("error.invalid_period") from error
    if pd.isna(stamp):
        raise DataError("error.invalid_period")
    return stamp.normalize()


def as_days(values: pd.Series) -> pd.Series:
    """Dates as midnight timestamps without time zone; unreadable values become NaT.

    Text is parsed value by value (``format="mixed"``), so "2024-01-08" next to
    "2024-01-01 09:00" is not lost to a format guessed from the first row.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        days = values
    else:
        days = pd.to_datetime(values, errors="coerce", format="mixed")
    if days.dt.tz is not None:
        days = days.dt.tz_localize(None)
    return days.dt.normalize()
