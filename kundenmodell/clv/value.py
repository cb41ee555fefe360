"""Customer lifetime value: discounted expected purchases times expected spend per purchase.

For a customer with history (x, t_x, T) and repeat-spend mean m, over ``months`` months:

    CLV = E[Z | x, m] · Σ_{k=1..months} (E[Y(t_k)] − E[Y(t_{k−1})]) / (1 + d)^k,

where t_k is the end of month k in the model's time unit (a month is 30.4375 days), E[Y(t)]
the BG/NBD conditional expected purchases in the next t, E[Z | x, m] the Gamma-Gamma expected
spend per purchase and d = (1 + annual rate)^{1/12} − 1 the monthly discount rate; the
purchases of month k are discounted to today from the month's end. The value is revenue
(spend), not margin: multiply by a margin to get profit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kundenmodell.clv.bgnbd import BetaGeoModel
from kundenmodell.clv.gamma_gamma import GammaGammaModel
from kundenmodell.clv.summary import DAYS_PER_UNIT, days_per_unit
from kundenmodell.errors import DataError

DAYS_PER_MONTH = DAYS_PER_UNIT["M"]


def monthly_discount_rate(annual_discount_rate: float) -> float:
    """(1 + annual)^{1/12} − 1: the monthly rate that compounds to the annual one."""
    return (1.0 + annual_discount_rate) ** (1.0 / 12.0) - 1.0


def expected_purchases_by_month(
    bg: BetaGeoModel, summary: pd.DataFrame, months: int, time_unit: str | None = None
) -> np.ndarray:
    """Cumulative expected repeat purchases at the end of months 0…``months`` per customer,
    shape (customers, months + 1); column 0 is zero."""
    unit_days = days_per_unit(time_unit or summary.attrs.get("time_unit", "W"))
    horizon = np.arange(months + 1) * DAYS_PER_MONTH / unit_days
    columns = [
        summary[name].to_numpy(dtype=np.float64)[:, None] for name in ("frequency", "recency", "T")
    ]
    return bg.conditional_expected_purchases(horizon[None, :], *columns)


def discounted_purchases(cumulative: np.ndarray, annual_discount_rate: float) -> np.ndarray:
    """Σ_k (E[Y(t_k)] − E[Y(t_{k−1})]) / (1 + d)^k from cumulative expectations at the ends of
    months 0…K (one row per customer), d the monthly rate."""
    per_month = np.diff(cumulative, axis=1)
    months = per_month.shape[1]
    discount = (1.0 + monthly_discount_rate(annual_discount_rate)) ** -np.arange(1, months + 1)
    return per_month @ discount


def customer_lifetime_value(
    bg: BetaGeoModel,
    gg: GammaGammaModel,
    summary: pd.DataFrame,
    *,
    months: int = 12,
    annual_discount_rate: float = 0.1,
    time_unit: str | None = None,
) -> pd.Series:
    """Discounted expected revenue of each customer in the next ``months`` (module formula).

    ``summary`` is a :func:`~kundenmodell.clv.summary.summary_from_transactions` frame;
    ``time_unit`` defaults to the one recorded in its ``attrs`` (weeks otherwise) and must be
    the unit the BG/NBD model was fitted in. Returns a Series ``clv`` on the summary's index,
    NaN for a customer whose expected purchases BG/NBD cannot evaluate; whether the models
    can back these values at all is :func:`~kundenmodell.clv.analysis.fit_dataset`'s
    ``trust`` verdict.

    Raises :class:`DataError` ``error.clv.invalid_horizon`` for months outside 1…120 and
    ``error.clv.invalid_discount_rate`` for a rate outside 0…1.
    """
    if not isinstance(months, int | np.integer) or not 1 <= months <= 120:
        raise DataError("error.clv.invalid_horizon", minimum=1, maximum=120)
    if not 0 <= annual_discount_rate <= 1:
        raise DataError("error.clv.invalid_discount_rate")
    cumulative = expected_purchases_by_month(bg, summary, int(months), time_unit)
    spend = gg.conditional_expected_average_profit(
        summary["frequency"].to_numpy(dtype=np.float64),
        summary["monetary_value"].to_numpy(dtype=np.float64),
    )
    value = spend * discounted_purchases(cumulative, annual_discount_rate)
    return pd.Series(value, index=summary.index, name="clv")
