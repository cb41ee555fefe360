"""A starting scenario from the user's purchases: customers, churn, margin, acquisition.

What the data tells (``transactions``: customer_id, date, amount), by calendar month:

- **inactivity threshold** ``k``: 90 % of repeat purchases follow the previous one within
  ``k`` months (gaps between a customer's purchase days, rounded up to months, kept in
  2..12). A customer without a purchase for ``k`` months counts as lost.
- **monthly churn**: a customer is at risk from the month of the first purchase. Loss can
  only be seen up to ``cutoff = last month − k``; a customer whose last purchase is in month
  ``l ≤ cutoff`` was lost after month ``l``, everyone else is still there at the cutoff. Each
  customer-month at risk is one chance to leave (the geometric model behind the simulation),
  so the maximum-likelihood estimate is ``churn = lost / Σ months at risk`` with
  ``months at risk = min(l, cutoff) − first + 1``. Customers who buy rarely look lost a
  little early (their last purchase comes before they really left), which makes the estimate
  slightly high for them.
- **starting customers**: customers with a purchase in the last ``k`` months.
- **margin per customer**: ``margin_rate ×`` revenue per active customer-month over the last
  12 complete months (active: from the first purchase to the last one, or to the end for
  customers not lost).
- **new customers per month**: first purchases per month over the same window (the first
  ``k`` months of the data are left out, since customers from before the data show up there).

What the data cannot tell comes from stated defaults:

- **CAC**: a customer's undiscounted lifetime margin ``margin / churn`` (at most 120 months)
  divided by 3, the commonly cited healthy ratio of customer lifetime value to CAC;
- **acquisition ceiling**: three times the observed new customers per month, and the
  acquisition budget is the one at which the saturation curve reproduces the observed
  acquisition: ``B = −cac · M · ln(1 − a / M)``;
- **retention**: no extra retention budget (the observed churn already includes today's
  efforts); extra spend can cut churn by at most 30 %, and at low spend one retained customer
  costs a fifth of an acquired one (acquisition is commonly cited as 5–25× as expensive).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kundenmodell.dataset import Dataset
from kundenmodell.errors import DataError
from kundenmodell.scenarios.model import (
    DEFAULT_RETENTION_COST_RATIO,
    Scenario,
    default_half_effect_spend,
)

DAYS_PER_MONTH = 365.25 / 12
MIN_INACTIVE_MONTHS, MAX_INACTIVE_MONTHS = 2, 12
WINDOW_MONTHS = 12
LIFETIME_CAP_MONTHS = 120


@dataclass(frozen=True)
class Calibration:
    """The starting scenario and the evidence behind each of its values."""

    scenario: Scenario
    inactive_months: int
    active_customers: int
    lost_customers: int
    months_at_risk: int
    new_per_month: float
    revenue_per_customer: float
    margin_rate: float
    window_months: int
    last_purchase: pd.Timestamp


def _month_index(dates: pd.Series) -> np.ndarray:
    return (dates.dt.year * 12 + dates.dt.month - 1).to_numpy(dtype=np.int64)


def _purchases(dataset: Dataset) -> pd.DataFrame:
    transactions = dataset.transactions
    if transactions is None or not {"customer_id", "date", "amount"} <= set(transactions.columns):
        raise DataError("error.scenarios.no_purchases")
    frame = pd.DataFrame(
        {
            "customer": pd.factorize(transactions["customer_id"].astype(str))[0],
            "date": pd.to_datetime(transactions["date"], errors="coerce"),
            "amount": pd.to_numeric(transactions["amount"], errors="coerce").fillna(0.0),
        }
    ).dropna(subset=["date"])
    if frame.empty:
        raise DataError("error.scenarios.no_purchases")
    return frame.sort_values(["customer", "date"], kind="stable")


def inactive_months(frame: pd.DataFrame) -> int:
    """``k``: the 90 % quantile of gaps between a customer's purchase days, in months."""
    days = frame["date"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    customer = frame["customer"].to_numpy()
    same = customer[1:] == customer[:-1]
    gaps = (days[1:] - days[:-1])[same]
    gaps = gaps[gaps > 0]
    if gaps.size == 0:
        return MIN_INACTIVE_MONTHS
    months = math.ceil(float(np.quantile(gaps, 0.9)) / DAYS_PER_MONTH)
    return int(min(max(months, MIN_INACTIVE_MONTHS), MAX_INACTIVE_MONTHS))


def estimate(
    dataset: Dataset,
    *,
    margin_rate: float = 0.3,
    months: int = 36,
    annual_discount_rate: float = 0.08,
    ltv_to_cac: float = 3.0,
    ceiling_factor: float = 3.0,
    max_reduction: float = 0.3,
    retention_cost_ratio: float = DEFAULT_RETENTION_COST_RATIO,
) -> Calibration:
    """Estimate the starting scenario as the module docstring describes, with its evidence."""
    if not math.isfinite(margin_rate) or not 0 < margin_rate <= 1:
        raise DataError("error.scenarios.margin_rate_range")
    frame = _purchases(dataset)
    k = inactive_months(frame)
    month = _month_index(frame["date"])
    start, end = int(month.min()), int(month.max())
    span = end - start + 1
    if span < k + 3:
        raise DataError("error.scenarios.too_short_history", months=k + 3)

    per_customer = pd.DataFrame({"customer": frame["customer"].to_numpy(), "month": month})
    grouped = per_customer.groupby("customer")["month"]
    first, last = grouped.min().to_numpy(), grouped.max().to_numpy()
    cutoff = end - k
    lost = last <= cutoff
    at_risk = first <= cutoff
    exposure = (np.minimum(last, cutoff) - first + 1)[at_risk]
    events = int(lost.sum())
    churn = events / int(exposure.sum())
    if churn >= 0.99:
        raise DataError("error.scenarios.no_repeat_customers")

    last_date = frame["date"].max()
    complete = last_date.day >= last_date.days_in_month - 2
    window_end = end if complete else end - 1
    window_start = max(start + k, window_end - WINDOW_MONTHS + 1)
    if window_end < window_start:
        raise DataError("error.scenarios.too_short_history", months=k + 3)
    stop = np.where(lost, last, end)
    change = np.bincount(first - start, minlength=span + 1) - np.bincount(
        stop - start + 1, minlength=span + 1
    )
    active = np.cumsum(change)[:span]
    revenue = np.bincount(month - start, weights=frame["amount"].to_numpy(), minlength=span)
    window = slice(window_start - start, window_end - start + 1)
    revenue_per_customer = float(revenue[window].sum() / max(active[window].sum(), 1))
    if revenue_per_customer <= 0:
        raise DataError("error.scenarios.no_revenue")
    new_per_month = float(np.bincount(first - start, minlength=span)[window].mean())

    margin = margin_rate * revenue_per_customer
    lifetime = min(1 / churn, LIFETIME_CAP_MONTHS) if churn > 0 else LIFETIME_CAP_MONTHS
    cac = margin * lifetime / ltv_to_cac
    ceiling = ceiling_factor * new_per_month if new_per_month > 0 else None
    budget = -cac * ceiling * math.log1p(-new_per_month / ceiling) if ceiling else 0.0
    half = default_half_effect_spend(churn, cac, max_reduction, retention_cost_ratio)
    scenario = Scenario(
        customers=float((~lost).sum()),
        monthly_churn=churn,
        margin_per_customer=margin,
        acquisition_budget=budget,
        cac=cac,
        retention_budget=0.0,
        months=months,
        annual_discount_rate=annual_discount_rate,
        max_reduction=max_reduction,
        half_effect_spend=half,
        max_new_customers=ceiling,
    )
    return Calibration(
        scenario=scenario,
        inactive_months=k,
        active_customers=int((~lost).sum()),
        lost_customers=events,
        months_at_risk=int(exposure.sum()),
        new_per_month=new_per_month,
        revenue_per_customer=revenue_per_customer,
        margin_rate=margin_rate,
        window_months=window_end - window_start + 1,
        last_purchase=last_date,
    )


def calibrate(dataset: Dataset, *, margin_rate: float = 0.3, **defaults: float) -> Scenario:
    """The starting :class:`Scenario` estimated from ``dataset``'s purchases.

    ``margin_rate`` turns revenue into contribution margin; ``defaults`` are the keyword
    arguments of :func:`estimate` (horizon, discount rate and the assumed defaults).
    """
    return estimate(dataset, margin_rate=margin_rate, **defaults).scenario
