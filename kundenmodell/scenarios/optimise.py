"""The best split of a fixed monthly budget between retention and acquisition.

For a total ``T`` and a retention share ``x ∈ [0, 1]`` the plan spends ``x · T`` on retention
and ``(1 − x) · T`` on acquisition; the objective is the discounted cumulative profit at the
horizon. The whole curve over a grid of shares is simulated at once (one vectorised
projection, one path per share); the best grid point is then refined with
``scipy.optimize.minimize_scalar`` (bounded Brent) between its two neighbours, which finds the
optimum to within ``xatol`` as long as the curve has one peak per grid cell.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar

from kundenmodell.errors import DataError
from kundenmodell.scenarios.model import Scenario
from kundenmodell.scenarios.simulate import project, scenario_inputs


@dataclass(frozen=True)
class SplitResult:
    """The optimum and the curve behind it.

    ``curve``: one row per grid share with ``retention_share``, ``retention_budget``,
    ``acquisition_budget``, ``discounted_profit``. ``current_share``/``current_profit``: the
    scenario's own split (``None`` when its budgets do not add up to ``total_budget``).
    """

    total_budget: float
    retention_share: float
    retention_budget: float
    acquisition_budget: float
    discounted_profit: float
    current_share: float | None
    current_profit: float | None
    curve: pd.DataFrame


def split_profits(scenario: Scenario, total_budget: float, shares: np.ndarray) -> np.ndarray:
    """Discounted profit at the horizon for each retention share of ``total_budget``."""
    shares = np.asarray(shares, dtype=float)
    inputs = scenario_inputs(scenario)
    inputs["retention_budget"] = shares * total_budget
    inputs["acquisition_budget"] = (1.0 - shares) * total_budget
    return project(scenario.months, **inputs).discounted_cumulative_profit[:, -1]


def optimise_split(
    scenario: Scenario, total_budget: float | None = None, *, points: int = 51, xatol: float = 1e-5
) -> SplitResult:
    """The retention share of ``total_budget`` (default: the scenario's own total) that
    maximises discounted profit, with the profit curve over ``points`` evenly spaced shares."""
    total = scenario.total_budget if total_budget is None else float(total_budget)
    if not math.isfinite(total) or total < 0:
        raise DataError("error.scenarios.negative_total_budget")
    shares = np.linspace(0.0, 1.0, max(int(points), 3))
    profits = split_profits(scenario, total, shares)
    best = int(np.argmax(profits))
    share, profit = float(shares[best]), float(profits[best])
    if total > 0:
        low, high = shares[max(best - 1, 0)], shares[min(best + 1, len(shares) - 1)]
        refined = minimize_scalar(
            lambda x: -split_profits(scenario, total, np.array([x]))[0],
            bounds=(low, high),
            method="bounded",
            options={"xatol": xatol},
        )
        if -refined.fun > profit:
            share, profit = float(refined.x), float(-refined.fun)
    current_share = current_profit = None
    if total > 0 and math.isclose(scenario.total_budget, total, rel_tol=1e-9):
        current_share = scenario.retention_budget / total
        current_profit = float(split_profits(scenario, total, np.array([current_share]))[0])
    curve = pd.DataFrame(
        {
            "retention_share": shares,
            "retention_budget": shares * total,
            "acquisition_budget": (1.0 - shares) * total,
            "discounted_profit": profits,
        }
    )
    return SplitResult(
        total_budget=total,
        retention_share=share,
        retention_budget=share * total,
        acquisition_budget=(1.0 - share) * total,
        discounted_profit=profit,
        current_share=current_share,
        current_profit=current_profit,
        curve=curve,
    )
