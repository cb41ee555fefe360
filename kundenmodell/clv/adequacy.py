"""When is the data too thin for the CLV models, and what would be needed?

BG/NBD learns the purchase rate and the dropout from *repeat* purchases, and dropout only shows
over time; Gamma-Gamma learns spend from repeat buyers only. So the check counts buyers,
repeat buyers and the length of the observed period, and says for each shortfall how much
would be needed. The thresholds are rules of thumb: below them the standard errors are so
wide (or the optimum so flat) that individual CLVs would be noise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kundenmodell.clv.summary import days_per_unit

MIN_BUYERS = 100
MIN_REPEAT_BUYERS = 50
MIN_PERIOD_DAYS = 90
MIN_HOLDOUT_DAYS = 28


@dataclass(frozen=True)
class Shortfall:
    """One reason the data is too thin: an i18n key (``clv.thin.*``) and its parameters."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Adequacy:
    """What the data holds and what is missing; ``ok`` when nothing is."""

    buyers: int
    repeat_buyers: int
    period_days: int
    shortfalls: tuple[Shortfall, ...]

    @property
    def ok(self) -> bool:
        return not self.shortfalls


def check_adequacy(
    summary: pd.DataFrame,
    *,
    time_unit: str | None = None,
    min_buyers: int = MIN_BUYERS,
    min_repeat_buyers: int = MIN_REPEAT_BUYERS,
    min_period_days: int = MIN_PERIOD_DAYS,
) -> Adequacy:
    """Check a :func:`~kundenmodell.clv.summary.summary_from_transactions` frame.

    The period is the age T of the oldest customer (first purchase to observation end).
    Shortfall keys: ``clv.thin.too_few_buyers`` (buyers, needed),
    ``clv.thin.too_few_repeat_buyers`` (repeat_buyers, needed) and
    ``clv.thin.period_too_short`` (days, needed).
    """
    unit_days = days_per_unit(time_unit or summary.attrs.get("time_unit", "W"))
    buyers = len(summary)
    repeat_buyers = int((summary["frequency"] > 0).sum())
    period_days = round(float(summary["T"].max()) * unit_days) if buyers else 0
    return adequacy_of_counts(
        buyers,
        repeat_buyers,
        period_days,
        min_buyers=min_buyers,
        min_repeat_buyers=min_repeat_buyers,
        min_period_days=min_period_days,
    )


def adequacy_of_counts(
    buyers: int,
    repeat_buyers: int,
    period_days: int,
    *,
    min_buyers: int = MIN_BUYERS,
    min_repeat_buyers: int = MIN_REPEAT_BUYERS,
    min_period_days: int = MIN_PERIOD_DAYS,
) -> Adequacy:
    """:func:`check_adequacy` of the counts alone (buyers, repeat buyers, days from the oldest
    first purchase to the observation end), for data that stays in the engine."""
    shortfalls = []
    if buyers < min_buyers:
        shortfalls.append(
            Shortfall("clv.thin.too_few_buyers", {"buyers": buyers, "needed": min_buyers})
        )
    if repeat_buyers < min_repeat_buyers:
        shortfalls.append(
            Shortfall(
                "clv.thin.too_few_repeat_buyers",
                {"repeat_buyers": repeat_buyers, "needed": min_repeat_buyers},
            )
        )
    if period_days < min_period_days:
        shortfalls.append(
            Shortfall("clv.thin.period_too_short", {"days": period_days, "needed": min_period_days})
        )
    return Adequacy(buyers, repeat_buyers, period_days, tuple(shortfalls))


def check_holdout(calibration: pd.DataFrame, holdout_days: int) -> Adequacy:
    """:func:`check_adequacy` of the calibration summary, plus ``clv.thin.holdout_too_short``
    (days, needed) when the hold-out period is shorter than four weeks."""
    adequacy = check_adequacy(calibration)
    if holdout_days >= MIN_HOLDOUT_DAYS:
        return adequacy
    extra = Shortfall(
        "clv.thin.holdout_too_short", {"days": holdout_days, "needed": MIN_HOLDOUT_DAYS}
    )
    return Adequacy(
        adequacy.buyers, adequacy.repeat_buyers, adequacy.period_days, (*adequacy.shortfalls, extra)
    )
