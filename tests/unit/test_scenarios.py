"""The scenario model and its month-by-month projection: closed forms, hand-computed months,
response curves, invariants and validation."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kundenmodell import DataError
from kundenmodell.i18n import LANGUAGES, has_key
from kundenmodell.scenarios import (
    Scenario,
    acquired_customers,
    break_even_month,
    churn_with_spend,
    default_half_effect_spend,
    marginal_cac,
    simulate,
    summarise,
)
from kundenmodell.scenarios.simulate import COLUMNS


def _plain(**changes) -> Scenario:
    """No saturation and no retention effect: the case with a closed form."""
    values = {
        "customers": 5_000,
        "monthly_churn": 0.04,
        "margin_per_customer": 12.0,
        "acquisition_budget": 12_000.0,
        "cac": 80.0,
        "retention_budget": 0.0,
        "months": 60,
        "annual_discount_rate": 0.1,
        "max_reduction": 0.0,
        "max_new_customers": None,
    }
    return Scenario(**(values | changes))


def test_customers_follow_the_closed_form():
    plan = _plain()
    frame = simulate(plan)
    steady = (12_000 / 80) / 0.04  # N* = (B / CAC) / c = 3,750
    t = np.arange(1, 61)
    expected = steady + (5_000 - steady) * (1 - 0.04) ** t
    np.testing.assert_allclose(frame["customers"], expected, rtol=1e-12)
    assert list(frame.columns) == list(COLUMNS)
    assert frame["month"].tolist() == list(range(1, 61))


def test_retention_budget_without_effect_keeps_the_closed_form():
    frame = simulate(_plain(retention_budget=9_000.0))
    steady = 150 / 0.04
    expected = steady + (5_000 - steady) * 0.96 ** np.arange(1, 61)
    np.testing.assert_allclose(frame["customers"], expected, rtol=1e-12)
    assert (frame["retained"] == 0).all()
    assert (frame["retention_cost"] == 9_000).all()


def test_steady_state_stays_and_is_reached():
    at_steady = simulate(_plain(customers=3_750))
    np.testing.assert_allclose(at_steady["customers"], 3_750, rtol=1e-12)
    np.testing.assert_allclose(at_steady["lost"], at_steady["acquired"], rtol=1e-12)
    far = simulate(_plain(customers=0, months=240))
    assert far["customers"].iloc[-1] == pytest.approx(3_750 * (1 - 0.96**240), rel=1e-12)
    assert far["customers"].iloc[-1] == pytest.approx(3_750, rel=1e-4)


def test_first_month_by_hand():
    plan = Scenario(
        customers=1_000,
        monthly_churn=0.1,
        margin_per_customer=10.0,
        acquisition_budget=1_000.0,
        cac=50.0,
        retention_budget=0.0,
        months=2,
        annual_discount_rate=0.12,
        max_new_customers=None,
    )
    first, second = simulate(plan).to_dict("records")
    assert first["lost"] == pytest.approx(100.0)  # churn · customers[0]
    assert first["acquired"] == pytest.approx(20.0)  # budget / CAC
    assert first["customers"] == pytest.approx(920.0)  # 1000 − 100 + 20
    assert first["revenue"] == pytest.approx(9_200.0)  # margin · customers[1]
    assert first["profit"] == pytest.approx(8_200.0)
    assert first["discounted_cumulative_profit"] == pytest.approx(8_200 / 1.12 ** (1 / 12))
    assert second["lost"] == pytest.approx(92.0)
    assert second["customers"] == pytest.approx(848.0)
    assert second["cumulative_profit"] == pytest.approx(8_200 + 8_480 - 1_000)
    assert second["discounted_cumulative_profit"] == pytest.approx(
        8_200 / 1.12 ** (1 / 12) + 7_480 / 1.12 ** (2 / 12)
    )


def test_zero_budgets_give_pure_decay():
    plan = Scenario(customers=2_000, monthly_churn=0.07, acquisition_budget=0, retention_budget=0)
    frame = simulate(plan)
    np.testing.assert_allclose(frame["customers"], 2_000 * 0.93 ** np.arange(1, 37), rtol=1e-12)
    assert (frame["acquired"] == 0).all()
    assert (frame["retained"] == 0).all()
    np.testing.assert_allclose(frame["profit"], plan.margin_per_customer * frame["customers"])


def test_retention_curve_by_hand():
    assert churn_with_spend(0.05, 0.0, 0.4, 2.0) == pytest.approx(0.05)
    assert churn_with_spend(0.05, 2.0, 0.4, 2.0) == pytest.approx(0.05 * (1 - 0.4 / 2))
    assert churn_with_spend(0.05, 4.0, 0.4, 2.0) == pytest.approx(0.05 * (1 - 0.4 * 0.75))
    assert churn_with_spend(0.05, 1e9, 0.4, 2.0) == pytest.approx(0.05 * 0.6)


def test_acquisition_curve_saturates():
    assert acquired_customers(8_000.0, 80.0, None) == pytest.approx(100.0)
    assert acquired_customers(80.0, 80.0, 500.0) == pytest.approx(1.0, rel=1e-3)  # ≈ B / cac
    half = 80.0 * 500.0 * math.log(2)
    assert acquired_customers(half, 80.0, 500.0) == pytest.approx(250.0)
    assert acquired_customers(1e9, 80.0, 500.0) == pytest.approx(500.0)
    step = 1e-3
    slope = (
        acquired_customers(half + step, 80, 500) - acquired_customers(half - step, 80, 500)
    ) / (2 * step)
    assert 1 / slope == pytest.approx(marginal_cac(half, 80.0, 500.0), rel=1e-6)  # = 160
    assert marginal_cac(half, 80.0, 500.0) == pytest.approx(160.0)
    assert marginal_cac(1e6, 80.0, None) == 80.0


def test_default_half_effect_makes_retention_five_times_cheaper_at_low_spend():
    cac, churn, reduction = 120.0, 0.05, 0.3
    half = default_half_effect_spend(churn, cac, reduction)
    assert half == pytest.approx(cac / 5 * churn * reduction * math.log(2))
    plan = Scenario(
        customers=10_000,
        monthly_churn=churn,
        acquisition_budget=0,
        cac=cac,
        retention_budget=1.0,  # 0.0001 per customer: the low-spend limit
        max_reduction=reduction,
        half_effect_spend=half,
        months=1,
    )
    assert summarise(plan).cost_per_retained == pytest.approx(cac / 5, rel=1e-3)
    assert default_half_effect_spend(0.0, cac, reduction) == pytest.approx(cac / 5)


def test_summary_figures():
    plan = _plain(months=24)
    summary = summarise(plan)
    assert summary.cost_per_acquired == pytest.approx(80.0)  # no saturation: exactly CAC
    assert summary.cost_per_retained is None  # no retention effect
    assert summary.acquired == pytest.approx(150 * 24)
    nothing = summarise(plan.without_spend())
    assert nothing.cost_per_acquired is None
    assert nothing.break_even_month == 1  # equal to the reference from the start


def test_break_even_is_the_first_month_from_which_the_plan_stays_ahead():
    def frame(values):
        return pd.DataFrame({"discounted_cumulative_profit": values})

    reference = frame([10, 20, 30, 40, 50])
    assert break_even_month(frame([5, 25, 25, 45, 60]), reference) == 4
    assert break_even_month(frame([11, 21, 31, 41, 51]), reference) == 1
    assert break_even_month(frame([11, 21, 31, 41, 49]), reference) is None


def test_investment_breaks_even_later_than_the_first_month():
    plan = Scenario()  # the page's default company
    summary = summarise(plan)
    assert summary.break_even_month is not None and 1 < summary.break_even_month <= plan.months
    frame, reference = simulate(plan), simulate(plan.without_spend())
    month = summary.break_even_month
    profit, base = frame["discounted_cumulative_profit"], reference["discounted_cumulative_profit"]
    assert profit.iloc[month - 2] < base.iloc[month - 2]
    assert (profit.iloc[month - 1 :] >= base.iloc[month - 1 :]).all()


BAD = [
    ({"monthly_churn": 1.0}, "churn_range"),
    ({"monthly_churn": -0.01}, "churn_range"),
    ({"acquisition_budget": -1.0}, "negative_acquisition_budget"),
    ({"retention_budget": -5.0}, "negative_retention_budget"),
    ({"cac": 0.0}, "cac_not_positive"),
    ({"months": 0}, "months_range"),
    ({"months": 241}, "months_range"),
    ({"months": 12.5}, "months_range"),
    ({"customers": -1}, "negative_customers"),
    ({"margin_per_customer": -1}, "negative_margin"),
    ({"annual_discount_rate": 1.0}, "discount_range"),
    ({"max_reduction": 1.5}, "reduction_range"),
    ({"half_effect_spend": 0.0}, "half_effect_not_positive"),
    ({"max_new_customers": 0.0}, "ceiling_not_positive"),
    ({"cac": float("nan")}, "not_a_number"),
    ({"customers": "many"}, "not_a_number"),
]


@pytest.mark.parametrize(("changes", "name"), BAD)
def test_bad_parameters_raise_translated_errors(changes, name):
    with pytest.raises(DataError) as caught:
        Scenario(**changes)
    assert caught.value.key == f"error.scenarios.{name}"
    for lang in LANGUAGES:
        assert has_key(caught.value.key, lang)
        assert caught.value.message(lang)


def test_months_message_names_the_limit():
    with pytest.raises(DataError) as caught:
        Scenario(months=0)
    assert caught.value.message("de") == "Der Zeitraum muss zwischen 1 und 240 Monaten liegen."


valid_scenarios = st.builds(
    Scenario,
    customers=st.floats(0, 1e6),
    monthly_churn=st.floats(0, 0.95),
    margin_per_customer=st.floats(0, 500),
    acquisition_budget=st.floats(0, 1e6),
    cac=st.floats(1, 2_000),
    retention_budget=st.floats(0, 1e6),
    months=st.integers(1, 120),
    annual_discount_rate=st.floats(0, 0.5),
    max_reduction=st.floats(0, 1),
    half_effect_spend=st.floats(0.01, 50),
    max_new_customers=st.none() | st.floats(1, 1e5),
)


@settings(max_examples=150, deadline=None)
@given(valid_scenarios)
def test_projection_keeps_its_books(plan):
    frame = simulate(plan)
    customers = frame["customers"].to_numpy()
    previous = np.r_[plan.customers, customers[:-1]]
    assert np.isfinite(frame.drop(columns="month").to_numpy()).all()
    assert (customers >= 0).all()
    np.testing.assert_allclose(
        customers, previous - frame["lost"] + frame["acquired"], rtol=1e-9, atol=1e-6
    )
    churn = frame["churn"].to_numpy()
    assert (churn <= plan.monthly_churn + 1e-15).all()
    assert (churn >= plan.monthly_churn * (1 - plan.max_reduction) - 1e-15).all()
    np.testing.assert_allclose(frame["revenue"], plan.margin_per_customer * customers, rtol=1e-12)
    np.testing.assert_allclose(
        frame["profit"],
        frame["revenue"] - plan.acquisition_budget - plan.retention_budget,
        rtol=1e-9,
        atol=1e-6,
    )
    assert (frame["acquired"] <= plan.acquisition_budget / plan.cac * (1 + 1e-12) + 1e-12).all()


@settings(max_examples=100, deadline=None)
@given(valid_scenarios, st.floats(0, 1e6))
def test_more_retention_spend_never_raises_churn_or_lowers_customers(plan, extra):
    more = plan.with_budgets(plan.acquisition_budget, plan.retention_budget + extra)
    base, richer = simulate(plan), simulate(more)
    assert (richer["customers"] >= base["customers"] * (1 - 1e-12) - 1e-9).all()
    # spend per customer B/N never falls when B rises: N' ≤ (B'/B)·N holds month by month,
    # because one step maps (kN, kB) to k·(N − lost) + A ≤ k·(next N) for k ≥ 1
    assert (richer["churn"] <= base["churn"] + 1e-12).all()
    spend = np.linspace(0, 100, 201)
    curve = churn_with_spend(plan.monthly_churn, spend, plan.max_reduction, plan.half_effect_spend)
    assert (np.diff(curve) <= 1e-15).all()


def test_monthly_table_is_rounded_for_people():
    from kundenmodell.scenarios import Scenario, monte_carlo, monthly_table
    from kundenmodell.scenarios.monte_carlo import Uncertainty

    plan = Scenario()
    table = monthly_table(plan, monte_carlo(plan, Uncertainty(), 200, 0).bands)
    assert (table["profit"] == table["profit"].round(2)).all()
    assert (table["customers"] == table["customers"].round(4)).all()
    assert table["month"].dtype.kind == "i"


def test_exported_band_chart_carries_title_and_what_the_bands_mean():
    from kundenmodell.scenarios import Scenario, monte_carlo
    from kundenmodell.scenarios import charts as scenario_charts
    from kundenmodell.scenarios.monte_carlo import Uncertainty

    bands = monte_carlo(Scenario(), Uncertainty(), 200, 0).bands
    chart = scenario_charts.band_chart(bands, "customers", "de")
    spec = scenario_charts.titled(chart, "Kunden", scenario_charts.band_legend("de")).to_dict()
    assert spec["title"]["text"] == "Kunden"
    assert spec["title"]["subtitle"].startswith("Linie: Median")
    png = scenario_charts.chart_png(chart, title="Kunden", subtitle="x", scale=1)
    assert png is None or png[:4] == b"\x89PNG"
