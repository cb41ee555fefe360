"""Calibration from purchases recovers what synthetic data was generated with; chart builders."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import kundenmodell as km
from kundenmodell import DataError, Dataset
from kundenmodell.scenarios import (
    Scenario,
    Uncertainty,
    acquired_customers,
    calibrate,
    estimate,
    monte_carlo,
    optimise_split,
    summarise,
    tornado,
)
from kundenmodell.scenarios import charts as scenario_charts

START = pd.Timestamp("2023-07-01")


def purchases_with_known_churn(
    churn: float, buy: float, *, n: int = 20_000, months: int = 36, amount: float = 50.0, seed=0
) -> tuple[Dataset, int]:
    """Customers arrive evenly over ``months`` calendar months, buy in their first month, are
    lost after each month with probability ``churn`` and, while there, buy in a month with
    probability ``buy``. Returns the data set and how many are still there at the end."""
    rng = np.random.default_rng(seed)
    first = rng.integers(0, months, n)
    life = rng.geometric(churn, n)  # months as a customer, the first included
    last_month = first + life - 1
    stop = np.minimum(last_month, months - 1)
    spans = stop - first + 1
    customer = np.repeat(np.arange(n), spans)
    offset = np.arange(spans.sum()) - np.repeat(np.cumsum(spans) - spans, spans)
    month = np.repeat(first, spans) + offset
    bought = (rng.random(month.size) < buy) | (offset == 0)
    customer, month = customer[bought], month[bought]
    dates = pd.to_datetime(
        {
            "year": START.year + (START.month - 1 + month) // 12,
            "month": (START.month - 1 + month) % 12 + 1,
            "day": rng.integers(1, 29, month.size),
        }
    )
    # the data ends on the last day of the last month, so that month counts as complete
    ids = np.char.add("K", np.arange(n).astype(str))
    transactions = pd.DataFrame({"customer_id": ids[customer], "date": dates, "amount": amount})
    end = pd.DataFrame(
        {
            "customer_id": [ids[customer[-1]]],
            "date": [START + pd.DateOffset(months=months) - pd.Timedelta(days=1)],
            "amount": [0.0],
        }
    )
    transactions = pd.concat([transactions, end], ignore_index=True)
    still_there = int((last_month >= months - 1).sum())
    return Dataset(pd.DataFrame({"customer_id": ids}), transactions), still_there


@pytest.mark.parametrize(("churn", "buy"), [(0.03, 1.0), (0.08, 1.0), (0.05, 0.4), (0.1, 0.25)])
def test_calibration_recovers_the_churn_it_was_generated_with(churn, buy):
    data, still_there = purchases_with_known_churn(churn, buy)
    result = estimate(data, margin_rate=0.4)
    plan = result.scenario
    assert plan.monthly_churn == pytest.approx(churn, rel=0.05)
    assert result.buy_probability == pytest.approx(buy, abs=0.02)
    assert plan.customers == pytest.approx(still_there, rel=0.04)
    assert result.new_per_month == pytest.approx(20_000 / 36, rel=0.1)
    # an active customer is worth margin_rate · buy probability · spend per month with a purchase
    assert plan.margin_per_customer == pytest.approx(0.4 * buy * 50.0, rel=0.03)
    assert result.history_months == 36 and result.window_months == 12


def test_calibrated_defaults_are_consistent():
    data, _ = purchases_with_known_churn(0.05, 0.6, n=5_000)
    result = estimate(data)
    plan = result.scenario
    assert plan.retention_budget == 0
    # the acquisition budget reproduces the observed new customers under the saturation curve
    assert acquired_customers(
        plan.acquisition_budget, plan.cac, plan.max_new_customers
    ) == pytest.approx(result.new_per_month)
    assert plan.max_new_customers == pytest.approx(3 * result.new_per_month)
    assert plan.cac == pytest.approx(plan.margin_per_customer / plan.monthly_churn / 3)
    spend = 1e-4 * plan.customers * plan.half_effect_spend  # the low-spend limit, one month
    low_spend = replace(plan, acquisition_budget=0, retention_budget=spend, months=1)
    assert summarise(low_spend).cost_per_retained == pytest.approx(plan.cac / 5, rel=1e-3)
    assert calibrate(data) == plan


def test_a_partly_covered_last_month_is_left_out():
    data, _ = purchases_with_known_churn(0.05, 0.8, n=3_000)
    extra = pd.DataFrame(
        {"customer_id": ["K1"], "date": [pd.Timestamp("2026-07-03")], "amount": [9.0]}
    )
    longer = Dataset(data.customers, pd.concat([data.transactions, extra], ignore_index=True))
    assert estimate(longer).end == pd.Timestamp("2026-06-30")
    assert estimate(longer).scenario == estimate(data).scenario


def test_calibration_of_the_bundled_samples_gives_a_working_scenario():
    for name in ("de", "en"):
        plan = calibrate(km.load_sample(name), margin_rate=0.3)
        assert 0 < plan.monthly_churn < 0.5
        assert plan.customers > 0 and plan.margin_per_customer > 0
        result = monte_carlo(plan, Uncertainty(), 500, 0)
        assert np.isfinite(result.final_profit).all()
        assert optimise_split(plan, plan.total_budget + 1_000).retention_budget > 0


def _dataset(rows):
    transactions = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    transactions["date"] = pd.to_datetime(transactions["date"])
    return Dataset(
        pd.DataFrame({"customer_id": transactions["customer_id"].unique()}), transactions
    )


def test_calibration_errors():
    with pytest.raises(DataError) as caught:
        calibrate(Dataset(pd.DataFrame({"customer_id": ["A"]})))
    assert caught.value.key == "error.scenarios.no_purchases"
    short = _dataset([("A", "2024-01-05", 10), ("A", "2024-02-05", 10), ("B", "2024-03-31", 5)])
    with pytest.raises(DataError) as caught:
        calibrate(short)
    assert caught.value.key == "error.scenarios.too_short_history"
    assert "6" in caught.value.message("de")
    once = _dataset([(f"C{i}", f"2024-{i:02d}-10", 10) for i in range(1, 13)])
    with pytest.raises(DataError) as caught:
        calibrate(once)
    assert caught.value.key == "error.scenarios.no_repeat_customers"
    with pytest.raises(DataError) as caught:
        calibrate(km.load_sample("de"), margin_rate=0)
    assert caught.value.key == "error.scenarios.margin_rate_range"


@pytest.mark.parametrize("lang", ["de", "en", "nb"])
def test_charts_carry_translated_titles_and_the_locale(lang):
    from kundenmodell.i18n import t

    plan = Scenario()
    result = monte_carlo(plan, Uncertainty(), 300, 0)
    chart = scenario_charts.band_chart(result.bands, "customers", lang).to_dict()
    assert chart["config"]["locale"]["number"]["decimal"] == ("." if lang == "en" else ",")
    assert chart["layer"][0]["encoding"]["y"]["title"] == t("scenarios.metric.customers", lang)
    assert chart["layer"][2]["encoding"]["color"]["legend"] is None  # one scenario
    two = pd.concat(
        [result.bands.assign(scenario="A"), result.bands.assign(scenario="B")], ignore_index=True
    )
    spec = scenario_charts.band_chart(two, "discounted_cumulative_profit", lang).to_dict()
    assert spec["layer"][2]["encoding"]["color"]["scale"]["domain"] == ["A", "B"]
    assert spec["layer"][2]["encoding"]["color"]["legend"]["orient"] == "top"
    assert spec["layer"][0]["encoding"]["color"]["legend"]["symbolOpacity"] == 1
    split = scenario_charts.split_chart(optimise_split(plan), lang).to_dict()
    texts = [layer for layer in split["layer"] if layer["mark"].get("type") == "text"]
    assert texts
    frame = tornado(plan)
    bars = scenario_charts.tornado_chart(frame, lang).to_dict()
    labels = bars["layer"][0]["encoding"]["y"]["sort"]
    assert labels[0] == t(f"scenarios.input.{frame['input'].iloc[0]}", lang)


def test_every_tornado_input_and_export_column_is_translated():
    from kundenmodell.i18n import LANGUAGES, has_key
    from kundenmodell.scenarios.monte_carlo import METRICS
    from kundenmodell.scenarios.results import COMPARISON_COLUMNS, COMPARISON_ROWS
    from kundenmodell.scenarios.sensitivity import INPUTS

    plan = Scenario()
    columns = km.scenarios.monthly_table(plan, monte_carlo(plan, Uncertainty(), 50, 0).bands)
    keys = {f"scenarios.input.{name}" for name in INPUTS}
    keys |= {f"scenarios.column.{name}" for name in columns.columns}
    keys |= {f"scenarios.metric.{name}" for name in METRICS}
    keys |= {f"scenarios.compare_row.{name}" for name, _ in COMPARISON_ROWS}
    keys |= {f"scenarios.compare_column.{name}" for name in COMPARISON_COLUMNS}
    for lang in LANGUAGES:
        assert all(has_key(key, lang) for key in keys), lang


@pytest.mark.skipif(not scenario_charts.png_available(), reason="vl-convert-python not installed")
def test_chart_png_renders_offline():
    result = monte_carlo(Scenario(), Uncertainty(), 200, 0)
    png = scenario_charts.chart_png(scenario_charts.band_chart(result.bands, "customers", "de"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5_000
