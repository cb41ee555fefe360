"""Figures the scenario page shows come from package objects: the comparison rows, the cost
share of retention and the calibration's cost of a retained customer."""

import math

import pandas as pd

from kundenmodell.scenarios import Calibration, Scenario, Summary, comparison_rows
from kundenmodell.scenarios.model import DEFAULT_RETENTION_COST_RATIO
from kundenmodell.scenarios.results import COMPARISON_COLUMNS, COMPARISON_ROWS


def _summary(acquired: float | None, retained: float | None) -> Summary:
    return Summary(0.0, 0.0, 0.0, 0.0, 0.0, acquired, retained, None)


def test_retention_cost_share_is_retained_over_acquired():
    assert _summary(100.0, 20.0).retention_cost_share == 0.2
    assert _summary(80.0, 60.0).retention_cost_share == 0.75
    assert _summary(None, 20.0).retention_cost_share is None
    assert _summary(100.0, None).retention_cost_share is None


def test_calibration_prices_a_retained_customer_with_the_stated_ratio():
    evidence = dict(
        buy_probability=0.3,
        buyers=10,
        active_customers=8.0,
        new_per_month=1.0,
        revenue_per_purchase_month=50.0,
        margin_rate=0.3,
        window_months=12,
        history_months=24,
        end=pd.Timestamp("2024-12-31"),
    )
    plan = Scenario(cac=150.0)
    assert Calibration(plan, **evidence).cost_per_retained == 150.0 / DEFAULT_RETENTION_COST_RATIO
    assert Calibration(plan, **evidence, retention_cost_ratio=10.0).cost_per_retained == 15.0


def test_comparison_rows_follow_the_plans_and_read_missing_values_as_none():
    plans = {
        "A": Scenario(acquisition_budget=1_000.0, retention_budget=0.0),
        "B": Scenario(acquisition_budget=400.0, retention_budget=600.0),
    }
    # the table in the other order: rows must still follow the plans
    table = pd.DataFrame(
        {
            "scenario": ["B", "A"],
            "customers_median": [1_200.0, 1_100.0],
            "profit_planned": [5_000.0, 4_000.0],
            "profit_median": [4_900.0, 3_900.0],
            "profit_q05": [1_000.0, 500.0],
            "profit_q95": [9_000.0, 8_000.0],
            "break_even_month": [7.0, math.nan],
            "cost_per_retained": [30.0, math.nan],
            "cost_per_acquired": [120.0, 110.0],
            "prob_beats_first": [0.6, math.nan],
        }
    )
    assert set(table.columns) == {"scenario", *COMPARISON_COLUMNS}
    rows = {row.key: row for row in comparison_rows(plans, table)}
    assert list(rows) == [key for key, _ in COMPARISON_ROWS]
    assert rows["budgets"].values == ((1_000.0, 0.0), (400.0, 600.0))
    assert rows["customers_median"].values == (1_100.0, 1_200.0)
    assert rows["profit_range"].values == ((500.0, 8_000.0), (1_000.0, 9_000.0))
    assert rows["break_even_month"].values == (None, 7.0)
    assert rows["cost_per_retained"].values == (None, 30.0)
    assert rows["prob_beats_first"].values == (None, 0.6)
    assert rows["profit_range"].kind == "money_range" and rows["budgets"].kind == "budgets"
