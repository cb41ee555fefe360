"""A starting scenario from the user's purchases: customers, churn, margin, acquisition.

**How churn is measured.** Nobody cancels in a shop; a customer just stops buying. Calling
everyone lost who has not bought for a few months counts rare buyers as lost too early. So
the purchase histories are read with the model the simulation itself uses, in calendar
months (a simple discrete-time "buy till you are lost" model):

- a customer is there from the month of the first purchase; after each month they leave with
  probability ``churn`` (the simulation's monthly churn);
- while there, they buy in a month with probability ``p``.

For a customer with first purchase in month ``f``, purchases in ``x`` later months, the last
one ``t`` months after ``f``, and ``n`` months observed after ``f``, with
``q = (1 − churn)(1 − p)``::

    L = p^x (1 − p)^(t − x) (1 − churn)^t · [ q^(n − t) + churn · (1 − q^(n − t)) / (1 − q) ]

(still there without buying, or lost after ``i = 0 … n − t − 1`` quiet months). ``churn`` and
``p`` maximise the summed log-likelihood (``scipy.optimize.minimize`` on the logits). From
the fit:

- **starting customers**: ``Σ P(still there | history) = Σ q^(n−t) / [...]``;
- **margin per customer**: ``margin_rate × p ×`` revenue per month with a purchase, over the
  last 12 complete months (revenue of a customer who is there, bought or not);
- **new customers per month**: first purchases per month over the same window, leaving out
  the first months of the data, where customers from before it show up for the first time
  (the months until 95 % of them would have bought once: ``ln 0.05 / ln(1 − p)``).

A month that the data covers only partly (last purchase more than two days before its end)
is left out. What the data cannot tell comes from stated defaults:

- **CAC**: a customer's undiscounted lifetime margin ``margin / churn`` (at most 120 months)
  divided by 3, the commonly cited healthy ratio of customer lifetime value to CAC;
- **acquisition ceiling**: three times the observed new customers per month; the acquisition
  budget is the one at which the saturation curve reproduces the observed acquisition,
  ``B = −cac · M · ln(1 − a / M)``;
- **retention**: no extra retention budget (the observed churn already includes today's
  efforts); extra spend can cut churn by at most 30 %, and at low spend one retained customer
  costs a fifth of an acquired one (acquisition is commonly cited as 5–25× as expensive).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import expit, logit

from kundenmodell.dataset import Dataset
from kundenmodell.errors import DataError
from kundenmodell.scenarios.model import (
    DEFAULT_RETENTION_COST_RATIO,
    Scenario,
    default_half_effect_spend,
)

MIN_HISTORY_MONTHS = 6
WINDOW_MONTHS = 12
LIFETIME_CAP_MONTHS = 120


@dataclass(frozen=True)
class Calibration:
    """The starting scenario and the evidence behind it.

    ``buy_probability``: fitted ``p``; ``buyers``: customers with a purchase;
    ``active_customers``: expected customers still there at ``end``; ``new_per_month``,
    ``revenue_per_purchase_month`` and ``window_months``: acquisition and revenue over the
    window; ``end``: the last day of the last complete month the data covers;
    ``retention_cost_ratio``: how many times a new customer costs as much as a retained one at
    low retention spend (the assumption behind ``scenario.half_effect_spend``).
    """

    scenario: Scenario
    buy_probability: float
    buyers: int
    active_customers: float
    new_per_month: float
    revenue_per_purchase_month: float
    margin_rate: float
    window_months: int
    history_months: int
    end: pd.Timestamp
    retention_cost_ratio: float = DEFAULT_RETENTION_COST_RATIO

    @property
    def cost_per_retained(self) -> float:
        """What one retained customer costs at low retention spend: ``cac / ratio``."""
        return self.scenario.cac / self.retention_cost_ratio


@dataclass(frozen=True)
class Histories:
    """Per customer: ``first`` month, purchase months after it ``x``, last purchase ``t``
    months after ``first``, ``n`` months observed after ``first`` (month numbers count from
    the first month of the data)."""

    first: np.ndarray
    x: np.ndarray
    t: np.ndarray
    n: np.ndarray


def _purchase_months(dataset: Dataset) -> tuple[pd.DataFrame, int, pd.Timestamp]:
    """Purchases as (customer code, month number, amount) up to the last complete month, the
    number of months covered and the last day of that month; month 0 is the first month
    with a purchase."""
    transactions = dataset.transactions
    if transactions is None or not {"customer_id", "date", "amount"} <= set(transactions.columns):
        raise DataError("error.scenarios.no_purchases")
    dates = pd.to_datetime(transactions["date"], errors="coerce")
    known = dates.notna().to_numpy()
    if not known.any():
        raise DataError("error.scenarios.no_purchases")
    last = dates.max()
    end = last.to_period("M") - (0 if last.day >= last.days_in_month - 2 else 1)
    frame = pd.DataFrame(
        {
            "customer": pd.factorize(transactions["customer_id"].astype(str))[0][known],
            "month": dates[known].dt.to_period("M").array.asi8,
            "amount": pd.to_numeric(transactions["amount"], errors="coerce").fillna(0.0)[known],
        }
    )
    frame = frame[frame["month"] <= end.ordinal]
    if frame.empty:
        raise DataError("error.scenarios.too_short_history", months=MIN_HISTORY_MONTHS)
    start = int(frame["month"].min())
    frame["month"] -= start
    return frame, end.ordinal - start + 1, end.end_time.normalize()


def histories(months: pd.DataFrame, end_month: int) -> Histories:
    """:class:`Histories` from a frame of (customer, month) purchases."""
    distinct = months[["customer", "month"]].drop_duplicates()
    grouped = distinct.groupby("customer")["month"]
    first = grouped.min().to_numpy()
    last = grouped.max().to_numpy()
    count = grouped.size().to_numpy()
    return Histories(first=first, x=count - 1, t=last - first, n=end_month - first)


def _tail(churn: float, q: float, quiet: np.ndarray) -> np.ndarray:
    """``q^r + churn · (1 − q^r) / (1 − q)`` for ``r`` quiet months after the last purchase."""
    stay = q**quiet
    return stay + churn * (1.0 - stay) / (1.0 - q)


def fit_churn(history: Histories) -> tuple[float, float]:
    """Maximum-likelihood ``(churn, p)`` of the model in the module docstring."""
    if history.x.sum() == 0 or history.n.sum() == 0:
        raise DataError("error.scenarios.no_repeat_customers")
    keys, counts = np.unique(
        np.stack([history.x, history.t, history.n - history.t]), axis=1, return_counts=True
    )
    x, t, quiet = (row.astype(float) for row in keys)

    def negative_log_likelihood(params: np.ndarray) -> float:
        churn, p = expit(params)
        q = (1.0 - churn) * (1.0 - p)
        log_l = (
            x * np.log(p)
            + (t - x) * np.log1p(-p)
            + t * np.log1p(-churn)
            + np.log(_tail(churn, q, quiet))
        )
        return -float(counts @ log_l)

    p0 = float(np.clip(history.x.sum() / max(history.t.sum(), 1), 0.02, 0.98))
    fit = minimize(negative_log_likelihood, logit([0.05, p0]), method="L-BFGS-B")
    churn, p = (float(value) for value in expit(fit.x))
    if churn >= 0.99:
        raise DataError("error.scenarios.no_repeat_customers")
    return churn, p


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
    frame, span, end = _purchase_months(dataset)
    if span < MIN_HISTORY_MONTHS:
        raise DataError("error.scenarios.too_short_history", months=MIN_HISTORY_MONTHS)
    history = histories(frame, span - 1)
    churn, p = fit_churn(history)

    q = (1.0 - churn) * (1.0 - p)
    quiet = history.n - history.t
    alive = float(np.sum(q**quiet / _tail(churn, q, quiet)))

    warmup = 1 if p >= 0.95 else math.ceil(math.log(0.05) / math.log1p(-p))
    window_start = max(min(warmup, span - 1), span - WINDOW_MONTHS)
    in_window = frame["month"] >= window_start
    purchase_months = frame.loc[in_window, ["customer", "month"]].drop_duplicates()
    revenue = float(frame.loc[in_window, "amount"].sum())
    revenue_per_purchase_month = revenue / max(len(purchase_months), 1)
    if revenue_per_purchase_month <= 0:
        raise DataError("error.scenarios.no_revenue")
    new = np.bincount(history.first, minlength=span)[window_start:]
    new_per_month = float(new.mean())

    margin = margin_rate * p * revenue_per_purchase_month
    lifetime = min(1 / churn, LIFETIME_CAP_MONTHS) if churn > 0 else LIFETIME_CAP_MONTHS
    cac = margin * lifetime / ltv_to_cac
    ceiling = ceiling_factor * new_per_month if new_per_month > 0 else None
    budget = -cac * ceiling * math.log1p(-new_per_month / ceiling) if ceiling else 0.0
    half = default_half_effect_spend(churn, cac, max_reduction, retention_cost_ratio)
    scenario = Scenario(
        customers=alive,
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
        buy_probability=p,
        buyers=len(history.first),
        active_customers=alive,
        new_per_month=new_per_month,
        revenue_per_purchase_month=revenue_per_purchase_month,
        margin_rate=margin_rate,
        window_months=span - window_start,
        history_months=span,
        end=end,
        retention_cost_ratio=retention_cost_ratio,
    )


def calibrate(dataset: Dataset, *, margin_rate: float = 0.3, **defaults: float) -> Scenario:
    """The starting :class:`Scenario` estimated from ``dataset``'s purchases.

    ``margin_rate`` turns revenue into contribution margin; ``defaults`` are the keyword
    arguments of :func:`estimate` (horizon, discount rate and the assumed defaults).
    """
    return estimate(dataset, margin_rate=margin_rate, **defaults).scenario
