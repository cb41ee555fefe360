"""Month-by-month projection of a scenario, for one plan or many at once.

Timing convention (month ``t = 1..months``; ``customers[0]`` is the start)::

    s_t        = retention_budget / customers[t−1]          spend per customer
    churn_t    = churn(s_t)                                 see model.churn_with_spend
    lost_t     = churn_t · customers[t−1]
    acquired_t = acquired(acquisition_budget)               see model.acquired_customers
    customers[t] = customers[t−1] − lost_t + acquired_t
    revenue_t  = margin_per_customer · customers[t]         contribution of the month's end base
    profit_t   = revenue_t − retention_budget − acquisition_budget
    discounted_cumulative_profit_t = Σ_{u ≤ t} profit_u · (1 + annual_rate)^(−u / 12)

New customers are counted at the end of the month they are won and can be lost from the next
month on. With constant churn ``c`` (no retention effect) and acquisition ``A = B / cac`` the
recursion has the closed form ``N_t = N* + (N_0 − N*)(1 − c)^t`` with steady state
``N* = A / c``.

:func:`project` is the one engine: it takes every input as an array broadcast over "paths"
(Monte Carlo draws, budget splits, sensitivity variants) and loops only over months.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kundenmodell.scenarios.model import Scenario, acquired_customers

COLUMNS = (
    "month",
    "customers",
    "acquired",
    "lost",
    "retained",
    "churn",
    "revenue",
    "retention_cost",
    "acquisition_cost",
    "profit",
    "cumulative_profit",
    "discounted_cumulative_profit",
)


@dataclass(frozen=True)
class Projection:
    """The result of :func:`project`: arrays of shape (paths, months), month ``t`` in column
    ``t − 1``. ``customers`` and ``churn`` come from the recursion (``start``: customers at
    month 0, shape (paths, 1)); everything else is derived on access, so a Monte Carlo run
    that needs only customers and profit computes nothing else."""

    customers: np.ndarray
    start: np.ndarray
    churn: np.ndarray
    churn0: np.ndarray = field(repr=False)
    margin: np.ndarray = field(repr=False)
    acquisition_budget: np.ndarray = field(repr=False)
    retention_budget: np.ndarray = field(repr=False)
    acquired_per_month: np.ndarray = field(repr=False)
    discount: np.ndarray = field(repr=False)

    @property
    def shape(self) -> tuple[int, int]:
        return self.customers.shape

    @property
    def previous(self) -> np.ndarray:
        """Customers at the start of each month: ``customers[t − 1]``."""
        return np.concatenate([self.start, self.customers[:, :-1]], axis=1)

    @property
    def acquired(self) -> np.ndarray:
        return np.broadcast_to(self.acquired_per_month, self.shape)

    @property
    def lost(self) -> np.ndarray:
        return self.churn * self.previous

    @property
    def retained(self) -> np.ndarray:
        """Customers the retention spend kept: ``(churn0 − churn_t) · customers[t−1]``."""
        return (self.churn0 - self.churn) * self.previous

    @property
    def revenue(self) -> np.ndarray:
        return self.margin * self.customers

    @property
    def retention_cost(self) -> np.ndarray:
        return np.broadcast_to(self.retention_budget, self.shape)

    @property
    def acquisition_cost(self) -> np.ndarray:
        return np.broadcast_to(self.acquisition_budget, self.shape)

    @property
    def profit(self) -> np.ndarray:
        return self.revenue - (self.retention_budget + self.acquisition_budget)

    @property
    def discounted_cumulative_profit(self) -> np.ndarray:
        return np.cumsum(self.profit * self.discount, axis=1)


def _column(value: object, paths: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=float), (paths,)).reshape(paths, 1)


def project(
    months: int,
    *,
    customers: np.ndarray | float,
    monthly_churn: np.ndarray | float,
    margin_per_customer: np.ndarray | float,
    acquisition_budget: np.ndarray | float,
    cac: np.ndarray | float,
    retention_budget: np.ndarray | float,
    annual_discount_rate: np.ndarray | float,
    max_reduction: np.ndarray | float,
    half_effect_spend: np.ndarray | float,
    max_new_customers: np.ndarray | float | None,
) -> Projection:
    """Run the recursion of the module docstring for every path at once.

    Each input is a scalar or a 1-d array of length ``paths``; ``max_new_customers`` may be
    ``None`` or contain ``inf`` for "no saturation". The only Python loop is over months; it
    writes month rows of (months, paths) arrays, which the result shows transposed.
    """
    ceiling = np.inf if max_new_customers is None else max_new_customers
    inputs = (
        customers,
        monthly_churn,
        margin_per_customer,
        acquisition_budget,
        cac,
        retention_budget,
        annual_discount_rate,
        max_reduction,
        half_effect_spend,
        ceiling,
    )
    paths = max(np.size(value) for value in inputs)
    n0, churn0, margin, acq_budget, cac_, ret_budget, rate, reduction, half, cap = (
        _column(value, paths) for value in inputs
    )
    acquired = acquired_customers(acq_budget, cac_, cap)
    # churn(s) = churn0·(1 − R) + churn0·R·exp(−ln 2 · s / h) (np.exp is vectorised in SIMD,
    # expm1 is not); a budget over a vanishing base (N → 0) is an unbounded spend per
    # customer, not a division error
    gain = (churn0 * reduction)[:, 0]
    floor = churn0[:, 0] - gain
    minus_rate, spend_budget, new = -np.log(2.0) / half[:, 0], ret_budget[:, 0], acquired[:, 0]
    churn = np.empty((months, paths))
    customers_ = np.empty((months, paths))
    current = n0[:, 0]
    work = np.empty(paths)
    with np.errstate(over="ignore"):
        for t in range(months):  # in place: no arrays allocated per month
            np.maximum(current, np.finfo(float).tiny, out=work)
            np.divide(spend_budget, work, out=work)
            np.multiply(work, minus_rate, out=work)
            np.exp(work, out=work)
            np.multiply(gain, work, out=churn[t])
            churn[t] += floor
            np.multiply(current, churn[t], out=work)
            np.subtract(current, work, out=customers_[t])
            customers_[t] += new
            current = customers_[t]
    return Projection(
        customers=customers_.T,
        start=n0,
        churn=churn.T,
        churn0=churn0,
        margin=margin,
        acquisition_budget=acq_budget,
        retention_budget=ret_budget,
        acquired_per_month=acquired,
        discount=(1.0 + rate) ** (-np.arange(1, months + 1) / 12.0),
    )


def scenario_inputs(scenario: Scenario) -> dict[str, float | None]:
    """The keyword arguments of :func:`project` (all but ``months``) for one scenario."""
    return {
        "customers": scenario.customers,
        "monthly_churn": scenario.monthly_churn,
        "margin_per_customer": scenario.margin_per_customer,
        "acquisition_budget": scenario.acquisition_budget,
        "cac": scenario.cac,
        "retention_budget": scenario.retention_budget,
        "annual_discount_rate": scenario.annual_discount_rate,
        "max_reduction": scenario.max_reduction,
        "half_effect_spend": scenario.half_effect_spend,
        "max_new_customers": scenario.max_new_customers,
    }


def simulate(scenario: Scenario) -> pd.DataFrame:
    """One row per month 1..months with the columns of :data:`COLUMNS` (see module docstring).

    ``retained`` counts the customers the retention spend kept that month,
    ``(churn0 − churn_t) · customers[t−1]``; ``revenue`` is the contribution margin.
    """
    run = project(scenario.months, **scenario_inputs(scenario))
    frame = pd.DataFrame(
        {
            "month": np.arange(1, scenario.months + 1),
            "customers": run.customers[0],
            "acquired": run.acquired[0],
            "lost": run.lost[0],
            "retained": run.retained[0],
            "churn": run.churn[0],
            "revenue": run.revenue[0],
            "retention_cost": run.retention_cost[0],
            "acquisition_cost": run.acquisition_cost[0],
            "profit": run.profit[0],
            "cumulative_profit": np.cumsum(run.profit[0]),
            "discounted_cumulative_profit": run.discounted_cumulative_profit[0],
        }
    )
    return frame[list(COLUMNS)]


@dataclass(frozen=True)
class Summary:
    """Headline figures of one simulated plan.

    ``cost_per_acquired``: acquisition spend / customers won; ``cost_per_retained``: retention
    spend / customers kept by it (``None`` when nobody was won or kept). ``break_even_month``:
    first month from which the plan's discounted cumulative profit stays at or above that of
    the same company without marketing spend (``None``: not within the horizon).
    """

    final_customers: float
    discounted_profit: float
    cumulative_profit: float
    acquired: float
    retained: float
    cost_per_acquired: float | None
    cost_per_retained: float | None
    break_even_month: int | None

    @property
    def retention_cost_share(self) -> float | None:
        """What keeping a customer costs as a share of winning one:
        ``cost_per_retained / cost_per_acquired`` (0.2 = a fifth); None unless both exist."""
        if not self.cost_per_retained or not self.cost_per_acquired:
            return None
        return self.cost_per_retained / self.cost_per_acquired


def break_even_month(plan: pd.DataFrame, reference: pd.DataFrame) -> int | None:
    """First month from which ``plan`` stays at or above ``reference`` in discounted
    cumulative profit until the horizon; ``None`` when it is below at the last month."""
    ahead = (
        plan["discounted_cumulative_profit"].to_numpy()
        >= reference["discounted_cumulative_profit"].to_numpy() - 1e-9
    )
    if not ahead[-1]:
        return None
    behind = np.flatnonzero(~ahead)
    return int(behind[-1]) + 2 if behind.size else 1


def summarise(scenario: Scenario) -> Summary:
    """Simulate ``scenario`` and the same company without spend, and sum up the plan."""
    frame = simulate(scenario)
    reference = simulate(scenario.without_spend())
    acquired = float(frame["acquired"].sum())
    retained = float(frame["retained"].sum())
    acquisition_cost = float(frame["acquisition_cost"].sum())
    retention_cost = float(frame["retention_cost"].sum())
    return Summary(
        final_customers=float(frame["customers"].iloc[-1]),
        discounted_profit=float(frame["discounted_cumulative_profit"].iloc[-1]),
        cumulative_profit=float(frame["cumulative_profit"].iloc[-1]),
        acquired=acquired,
        retained=retained,
        cost_per_acquired=acquisition_cost / acquired if acquired > 0 else None,
        cost_per_retained=retention_cost / retained if retained > 1e-9 else None,
        break_even_month=break_even_month(frame, reference),
    )
