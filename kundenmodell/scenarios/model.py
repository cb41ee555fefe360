"""The retention-vs-acquisition scenario: its inputs, their validation and the response curves.

A scenario describes one company month by month: a customer base that loses a share of its
customers each month (churn), wins new customers with an acquisition budget and can slow the
losses with a retention budget. Two response curves turn money into customers:

- **retention** lowers churn with diminishing returns. With ``s`` the retention spend per
  customer per month, ``R`` the largest possible relative reduction and ``h`` the spend that
  buys half of it::

      churn(s) = churn0 · (1 − R · (1 − 2^(−s / h)))

  (the same curve as ``1 − exp(−s / scale)`` with ``scale = h / ln 2``; writing it with base 2
  makes ``h`` exactly the "half effect" spend its name promises).
- **acquisition** saturates: the first euros win customers at ``cac`` each, later ones cost
  more, and no budget wins more than ``M`` new customers a month (the market's ceiling)::

      acquired(B) = M · (1 − exp(−B / (cac · M)))
      marginal CAC(B) = cac · exp(B / (cac · M))

  so ``acquired(B) ≈ B / cac`` while ``B`` is small against ``cac · M``. Without a ceiling
  (``max_new_customers=None``) ``acquired(B) = B / cac`` exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import numpy as np

from kundenmodell.errors import DataError

MAX_MONTHS = 240
DEFAULT_RETENTION_COST_RATIO = 5.0
"""Acquiring a customer is commonly cited as 5–25× as expensive as keeping one; the defaults
take the cautious end of that range."""


@dataclass(frozen=True)
class Scenario:
    """Inputs of one plan; all money per month except ``cac`` (per acquired customer).

    ``customers``: customers at the start (month 0). ``monthly_churn``: share of customers lost
    per month without extra retention spend, in [0, 1). ``margin_per_customer``: monthly
    contribution margin of one customer. ``acquisition_budget`` / ``retention_budget``: spend
    per month, ≥ 0. ``cac``: cost per acquired customer at low spend, > 0. ``months``: horizon,
    1..240. ``annual_discount_rate``: for discounting profit, in [0, 1). ``max_reduction``:
    largest relative churn reduction retention can buy, in [0, 1]. ``half_effect_spend``:
    retention spend per customer per month that buys half of ``max_reduction``, > 0.
    ``max_new_customers``: acquisition ceiling per month (> 0), ``None`` for no saturation.

    Invalid values raise :class:`~kundenmodell.DataError` with an ``error.scenarios.*`` key.
    """

    customers: float = 10_000.0
    monthly_churn: float = 0.03
    margin_per_customer: float = 15.0
    acquisition_budget: float = 20_000.0
    cac: float = 100.0
    retention_budget: float = 5_000.0
    months: int = 36
    annual_discount_rate: float = 0.08
    max_reduction: float = 0.3
    half_effect_spend: float = 0.125
    max_new_customers: float | None = 400.0

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if value is None and item.name == "max_new_customers":
                continue
            if isinstance(value, bool) or not isinstance(value, int | float | np.number):
                raise DataError("error.scenarios.not_a_number", field=item.name)
            if not math.isfinite(float(value)):
                raise DataError("error.scenarios.not_a_number", field=item.name)
        checks = (
            (self.customers >= 0, "negative_customers"),
            (0 <= self.monthly_churn < 1, "churn_range"),
            (self.margin_per_customer >= 0, "negative_margin"),
            (self.acquisition_budget >= 0, "negative_acquisition_budget"),
            (self.retention_budget >= 0, "negative_retention_budget"),
            (self.cac > 0, "cac_not_positive"),
            (float(self.months).is_integer() and 1 <= self.months <= MAX_MONTHS, "months_range"),
            (0 <= self.annual_discount_rate < 1, "discount_range"),
            (0 <= self.max_reduction <= 1, "reduction_range"),
            (self.half_effect_spend > 0, "half_effect_not_positive"),
            (self.max_new_customers is None or self.max_new_customers > 0, "ceiling_not_positive"),
        )
        for ok, name in checks:
            if not ok:
                raise DataError(f"error.scenarios.{name}", maximum=MAX_MONTHS)
        object.__setattr__(self, "months", int(self.months))

    @property
    def total_budget(self) -> float:
        """Acquisition plus retention budget per month."""
        return self.acquisition_budget + self.retention_budget

    def with_budgets(self, acquisition: float, retention: float) -> Scenario:
        """The same company with other monthly budgets."""
        return replace(self, acquisition_budget=acquisition, retention_budget=retention)

    def without_spend(self) -> Scenario:
        """The reference plan "no marketing spend": both budgets 0, everything else equal."""
        return self.with_budgets(0.0, 0.0)


def churn_with_spend(
    churn0: np.ndarray | float,
    spend_per_customer: np.ndarray | float,
    max_reduction: np.ndarray | float,
    half_effect_spend: np.ndarray | float,
) -> np.ndarray:
    """Monthly churn after retention spend: ``churn0 · (1 − R · (1 − 2^(−s / h)))``.

    Never above ``churn0`` and never below ``churn0 · (1 − R)``; falls as ``s`` grows.
    """
    effect = -np.expm1(-np.log(2.0) * np.asarray(spend_per_customer) / half_effect_spend)
    return np.asarray(churn0) * (1.0 - np.asarray(max_reduction) * effect)


def acquired_customers(
    budget: np.ndarray | float,
    cac: np.ndarray | float,
    max_new_customers: np.ndarray | float | None,
) -> np.ndarray:
    """New customers a month from ``budget``: ``M · (1 − exp(−B / (cac · M)))``; ``B / cac``
    when ``M`` is ``None`` or infinite (no saturation)."""
    budget = np.asarray(budget, dtype=float)
    plain = budget / cac
    if max_new_customers is None:
        return plain
    ceiling = np.asarray(max_new_customers, dtype=float)
    finite = np.isfinite(ceiling)
    safe = np.where(finite, ceiling, 1.0)
    saturated = safe * -np.expm1(-budget / (np.asarray(cac) * safe))
    return np.where(finite, saturated, plain)


def marginal_cac(budget: float, cac: float, max_new_customers: float | None) -> float:
    """What the next customer costs at monthly budget ``B``: ``cac · exp(B / (cac · M))``."""
    if max_new_customers is None:
        return float(cac)
    return float(cac * math.exp(budget / (cac * max_new_customers)))


def default_half_effect_spend(
    monthly_churn: float,
    cac: float,
    max_reduction: float,
    retention_cost_ratio: float = DEFAULT_RETENTION_COST_RATIO,
) -> float:
    """The ``half_effect_spend`` at which one retained customer costs ``cac / ratio``.

    At low spend, raising the spend per customer by ``ds`` for all ``N`` customers costs
    ``N · ds`` and keeps ``N · churn0 · R · ln 2 / h · ds`` customers, so one retained customer
    costs ``h / (churn0 · R · ln 2)``. Setting that to ``cac / ratio`` gives
    ``h = cac / ratio · churn0 · R · ln 2``. Without churn or effect, retention cannot keep
    anyone and ``h`` only has to be positive: it is then ``cac / ratio``.
    """
    h = cac / retention_cost_ratio * monthly_churn * max_reduction * math.log(2.0)
    return h if h > 0 else cac / retention_cost_ratio
