"""Which input moves the result most? One-at-a-time sensitivity for a tornado chart.

Each input is set to ``value · (1 − change)`` and ``value · (1 + change)`` with all others at
the scenario's values (rates are capped below 1), and the discounted cumulative profit at
the horizon is recomputed. ``swing = |profit_high − profit_low|`` orders the inputs. All
variants run in one vectorised projection.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kundenmodell.errors import DataError
from kundenmodell.scenarios.model import Scenario
from kundenmodell.scenarios.simulate import project, scenario_inputs

INPUTS = (
    "monthly_churn",
    "margin_per_customer",
    "customers",
    "cac",
    "acquisition_budget",
    "retention_budget",
    "max_reduction",
    "half_effect_spend",
    "max_new_customers",
    "annual_discount_rate",
)
_CAPS = {"monthly_churn": 0.999, "max_reduction": 1.0, "annual_discount_rate": 0.999}


def tornado(scenario: Scenario, *, change: float = 0.2) -> pd.DataFrame:
    """Discounted profit with each input lowered and raised by ``change`` (a share, 0 < c < 1).

    Columns: ``input``, ``low_value``, ``high_value``, ``low_profit``, ``high_profit``,
    ``base_profit``, ``swing``; sorted by ``swing``, largest first. Inputs without a value
    (no acquisition ceiling) are left out.
    """
    if not math.isfinite(change) or not 0 < change < 1:
        raise DataError("error.scenarios.change_range")
    base = scenario_inputs(scenario)
    names = [name for name in INPUTS if base[name] is not None]
    variants = 2 * len(names) + 1
    arrays = {
        name: np.full(variants, np.inf if value is None else float(value))
        for name, value in base.items()
    }
    low_values, high_values = [], []
    for index, name in enumerate(names):
        value = float(base[name])
        low = value * (1 - change)
        high = min(value * (1 + change), _CAPS.get(name, math.inf))
        arrays[name][2 * index] = low
        arrays[name][2 * index + 1] = high
        low_values.append(low)
        high_values.append(high)
    profits = project(scenario.months, **arrays).discounted_cumulative_profit[:, -1]
    frame = pd.DataFrame(
        {
            "input": names,
            "low_value": low_values,
            "high_value": high_values,
            "low_profit": profits[0:-1:2],
            "high_profit": profits[1:-1:2],
            "base_profit": profits[-1],
        }
    )
    frame["swing"] = (frame["high_profit"] - frame["low_profit"]).abs()
    return frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
