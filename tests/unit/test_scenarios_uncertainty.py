"""Monte Carlo bands and plan comparison, the budget-split optimiser, the tornado and the
comparison tables."""

import math

import numpy as np
import pytest
from scipy import stats

from kundenmodell import DataError
from kundenmodell.scenarios import (
    Scenario,
    Uncertainty,
    compare,
    monte_carlo,
    monthly_table,
    optimise_split,
    simulate,
    tornado,
)
from kundenmodell.scenarios.monte_carlo import draw_inputs
from kundenmodell.scenarios.optimise import split_profits

KNOWN = Uncertainty(churn_cv=0, cac_cv=0, margin_cv=0, effect_cv=0)


def _final(frame, column="discounted_cumulative_profit"):
    return float(frame[column].iloc[-1])


def test_median_equals_the_deterministic_run_without_uncertainty():
    plan = Scenario(months=48)
    frame = simulate(plan)
    for uncertainty in (KNOWN, Uncertainty(1e-9, 1e-9, 1e-9, 1e-9)):
        result = monte_carlo(plan, uncertainty, n_paths=500, seed=3)
        customers = result.bands[result.bands["metric"] == "customers"]
        profit = result.bands[result.bands["metric"] == "discounted_cumulative_profit"]
        for column in ("q05", "q50", "q95"):
            np.testing.assert_allclose(customers[column], frame["customers"], rtol=1e-6)
            np.testing.assert_allclose(
                profit[column], frame["discounted_cumulative_profit"], rtol=1e-6
            )


def test_small_uncertainty_keeps_the_median_close():
    plan = Scenario(months=36)
    result = monte_carlo(plan, Uncertainty(0.01, 0.01, 0.01, 0.01), n_paths=4_000, seed=1)
    median = result.bands.query("metric == 'customers' and month == 36")["q50"].iloc[0]
    assert median == pytest.approx(_final(simulate(plan), "customers"), rel=2e-3)


def _beta_shape(mean, cv):
    kappa = mean * (1 - mean) / (cv * mean) ** 2 - 1
    return mean * kappa, (1 - mean) * kappa


def test_bands_match_a_known_distribution_of_churn():
    """Zero budgets: N_t = N0 (1 − c)^t falls in c, so each band is N0 (1 − c_q)^t with c_q
    the beta quantile on the other side; the churn implied by a band is the same every month."""
    plan = Scenario(customers=1_000, monthly_churn=0.05, acquisition_budget=0, retention_budget=0)
    result = monte_carlo(plan, Uncertainty(0.3, 0, 0, 0), n_paths=20_000, seed=7)
    a, b = _beta_shape(0.05, 0.3)
    bands = result.bands.query("metric == 'customers'").set_index("month")
    for month in (1, 12, 36):
        for column, q in (("q05", 0.05), ("q25", 0.25), ("q50", 0.5), ("q75", 0.75), ("q95", 0.95)):
            implied = 1 - (bands.loc[month, column] / 1_000) ** (1 / month)
            assert implied == pytest.approx(stats.beta.ppf(1 - q, a, b), rel=0.015), (month, q)
    low = 1_000 * (1 - stats.beta.ppf(0.95, a, b)) ** 36
    high = 1_000 * (1 - stats.beta.ppf(0.05, a, b)) ** 36
    inside = np.mean((result.final_customers >= low) & (result.final_customers <= high))
    assert inside == pytest.approx(0.90, abs=0.01)


def test_profit_bands_match_a_lognormal_margin():
    plan = Scenario(customers=500, monthly_churn=0.02, acquisition_budget=0, retention_budget=0)
    result = monte_carlo(plan, Uncertainty(0, 0, 0.25, 0), n_paths=20_000, seed=11)
    per_euro = _final(simulate(plan)) / plan.margin_per_customer  # profit is linear in margin
    sigma = math.sqrt(math.log1p(0.25**2))
    final = result.bands.query("metric == 'discounted_cumulative_profit' and month == 36")
    for column, q in (("q05", 0.05), ("q50", 0.5), ("q95", 0.95)):
        margin = stats.lognorm.ppf(q, sigma, scale=plan.margin_per_customer)
        assert final[column].iloc[0] == pytest.approx(per_euro * margin, rel=0.01)
    drawn = result.final_profit / per_euro
    assert np.std(drawn) / np.mean(drawn) == pytest.approx(0.25, rel=0.03)


def test_draws_have_the_requested_mean_and_spread():
    plan = Scenario(monthly_churn=0.04, cac=150.0)
    uniforms = np.random.default_rng(0).random((6, 200_000))
    inputs = draw_inputs(plan, Uncertainty(churn_cv=0.25, cac_cv=0.4), uniforms)
    churn = inputs["monthly_churn"]
    assert churn.mean() == pytest.approx(0.04, rel=0.01)
    assert churn.std() == pytest.approx(0.01, rel=0.02)
    assert ((churn > 0) & (churn < 1)).all()
    assert np.median(inputs["cac"]) == pytest.approx(150.0, rel=0.01)
    assert np.std(inputs["cac"]) / np.mean(inputs["cac"]) == pytest.approx(0.4, rel=0.03)


def test_same_seed_same_result_other_seed_other_result():
    plan, uncertainty = Scenario(), Uncertainty()
    first = monte_carlo(plan, uncertainty, n_paths=2_000, seed=42)
    again = monte_carlo(plan, uncertainty, n_paths=2_000, seed=42)
    other = monte_carlo(plan, uncertainty, n_paths=2_000, seed=43)
    assert first.bands.equals(again.bands)
    np.testing.assert_array_equal(first.final_profit, again.final_profit)
    assert not np.array_equal(first.final_profit, other.final_profit)


def test_probability_that_a_plan_beats_another():
    plan = Scenario()
    bigger = Scenario(customers=plan.customers * 1.5)  # the same company with more customers
    assert monte_carlo(bigger, Uncertainty(), 2_000, 0, versus=plan).prob_beats == 1.0
    assert monte_carlo(plan, Uncertainty(), 2_000, 0, versus=bigger).prob_beats == 0.0
    assert monte_carlo(plan, Uncertainty(), 2_000, 0, versus=plan).prob_beats == 0.0  # ties
    # common random numbers: the share equals a path-by-path comparison of the same draws
    versus = plan.without_spend()
    result = monte_carlo(plan, Uncertainty(), 3_000, 5, versus=versus)
    reference = monte_carlo(versus, Uncertainty(), 3_000, 5)
    assert result.prob_beats == np.mean(result.final_profit > reference.final_profit)
    assert 0 < result.prob_beats < 1
    assert monte_carlo(plan, Uncertainty(), 100, 0).prob_beats is None


def test_monte_carlo_errors():
    with pytest.raises(DataError, match="between 1 and"):
        monte_carlo(Scenario(), Uncertainty(), n_paths=0)
    with pytest.raises(DataError) as caught:
        monte_carlo(Scenario(months=12), Uncertainty(), 10, versus=Scenario(months=24))
    assert caught.value.key == "error.scenarios.horizons_differ"
    with pytest.raises(DataError) as caught:
        monte_carlo(Scenario(max_reduction=0.9), Uncertainty(effect_cv=0.5), 10)
    assert caught.value.key == "error.scenarios.effect_uncertainty_too_large"
    with pytest.raises(DataError) as caught:
        Uncertainty(churn_cv=-0.1)
    assert caught.value.key == "error.scenarios.uncertainty_negative"


@pytest.mark.parametrize(
    "plan",
    [
        Scenario(),
        Scenario(monthly_churn=0.08, max_reduction=0.5, max_new_customers=150, months=60),
        Scenario(customers=500, retention_budget=0, acquisition_budget=40_000, cac=60),
        Scenario(half_effect_spend=3.0, margin_per_customer=40, annual_discount_rate=0.2),
    ],
)
def test_optimiser_agrees_with_a_brute_force_grid(plan):
    result = optimise_split(plan)
    grid = np.linspace(0, 1, 2_001)
    profits = split_profits(plan, plan.total_budget, grid)
    best = int(np.argmax(profits))
    assert result.discounted_profit >= profits[best] - 1e-6 * abs(profits[best])
    assert abs(result.retention_share - grid[best]) <= 1.5e-3
    assert result.retention_budget + result.acquisition_budget == pytest.approx(plan.total_budget)
    check = plan.with_budgets(result.acquisition_budget, result.retention_budget)
    assert _final(simulate(check)) == pytest.approx(result.discounted_profit, rel=1e-12)
    assert len(result.curve) == 51
    assert result.current_share == pytest.approx(plan.retention_budget / plan.total_budget)
    assert result.current_profit == pytest.approx(_final(simulate(plan)), rel=1e-12)


def test_optimiser_corner_and_empty_budget():
    no_retention_effect = Scenario(max_reduction=0.0, max_new_customers=None)
    assert optimise_split(no_retention_effect).retention_share == 0.0
    empty = optimise_split(Scenario(), total_budget=0)
    assert empty.retention_budget == 0 and empty.acquisition_budget == 0
    other = optimise_split(Scenario(), total_budget=10_000)
    assert other.current_share is None  # the scenario's own budgets add up to 25,000
    with pytest.raises(DataError):
        optimise_split(Scenario(), total_budget=-1)


def test_tornado_orders_inputs_by_their_effect_on_profit():
    plan = Scenario()
    frame = tornado(plan, change=0.2)
    base = _final(simulate(plan))
    np.testing.assert_allclose(frame["base_profit"], base, rtol=1e-12)
    assert frame["swing"].is_monotonic_decreasing
    rows = frame.set_index("input")
    margin = rows.loc["margin_per_customer"]
    # profit is linear in the margin: ±20 % moves it by the same amount both ways
    assert margin["high_profit"] - base == pytest.approx(base - margin["low_profit"], rel=1e-9)
    assert margin["high_value"] == pytest.approx(plan.margin_per_customer * 1.2)
    assert rows.loc["monthly_churn", "high_profit"] < base < rows.loc["monthly_churn", "low_profit"]
    lowered = simulate(Scenario(cac=plan.cac * 0.8))
    assert rows.loc["cac", "low_profit"] == pytest.approx(_final(lowered), rel=1e-12)
    assert "max_new_customers" not in tornado(Scenario(max_new_customers=None))["input"].tolist()
    with pytest.raises(DataError):
        tornado(plan, change=1.5)


def test_compare_and_monthly_table():
    plans = {"Heute": Scenario(), "Mehr Bindung": Scenario().with_budgets(15_000, 10_000)}
    bands, table = compare(plans, Uncertainty(), n_paths=1_000, seed=0)
    assert table["scenario"].tolist() == ["Heute", "Mehr Bindung"]
    assert set(bands["scenario"]) == {"Heute", "Mehr Bindung"}
    assert math.isnan(table["prob_beats_first"].iloc[0])
    assert 0 <= table["prob_beats_first"].iloc[1] <= 1
    assert table["profit_q05"].lt(table["profit_median"]).all()
    result = monte_carlo(Scenario(), Uncertainty(), 500, 0)
    monthly = monthly_table(Scenario(), result.bands)
    assert len(monthly) == 36
    assert (monthly["customers_q05"] <= monthly["customers_q95"]).all()
    assert monthly["profit_q50"].iloc[-1] == pytest.approx(np.median(result.final_profit))


def test_a_saved_best_split_shows_the_optimisers_profit():
    """One calculation, one number: the comparison's plan profit of the best split is the
    profit the optimiser reported for it."""
    import dataclasses

    from kundenmodell.scenarios import Scenario, Uncertainty, optimise_split
    from kundenmodell.scenarios.results import compare

    plan = Scenario()
    split = optimise_split(plan)
    best = dataclasses.replace(
        plan, retention_budget=split.retention_budget, acquisition_budget=split.acquisition_budget
    )
    _, table = compare({"today": plan, "best": best}, Uncertainty(), n_paths=500, seed=0)
    assert table.loc[1, "profit_planned"] == pytest.approx(split.discounted_profit, rel=1e-12)
    assert table.loc[1, "profit_planned"] >= table.loc[0, "profit_planned"]
