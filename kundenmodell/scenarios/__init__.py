"""Retention vs. acquisition: what moving budget between keeping and winning customers does to
customers and profit over time, how sure that is, and which split is best.

>>> from kundenmodell import scenarios
>>> plan = scenarios.Scenario(customers=1_000, monthly_churn=0.05, acquisition_budget=0,
...                           retention_budget=0, months=12)
>>> round(scenarios.simulate(plan)["customers"].iloc[-1])  # 1000 · 0.95^12
540
"""

from kundenmodell.scenarios.calibrate import Calibration, calibrate, estimate
from kundenmodell.scenarios.model import (
    Scenario,
    acquired_customers,
    churn_with_spend,
    default_half_effect_spend,
    marginal_cac,
)
from kundenmodell.scenarios.monte_carlo import MonteCarloResult, Uncertainty, monte_carlo
from kundenmodell.scenarios.optimise import SplitResult, optimise_split
from kundenmodell.scenarios.results import (
    ComparisonRow,
    compare,
    comparison_rows,
    comparison_table,
    monthly_table,
)
from kundenmodell.scenarios.sensitivity import tornado
from kundenmodell.scenarios.simulate import Summary, break_even_month, simulate, summarise

__all__ = [
    "Calibration",
    "ComparisonRow",
    "MonteCarloResult",
    "Scenario",
    "SplitResult",
    "Summary",
    "Uncertainty",
    "acquired_customers",
    "break_even_month",
    "calibrate",
    "churn_with_spend",
    "compare",
    "comparison_rows",
    "comparison_table",
    "default_half_effect_spend",
    "estimate",
    "marginal_cac",
    "monte_carlo",
    "monthly_table",
    "optimise_split",
    "simulate",
    "summarise",
    "tornado",
]
