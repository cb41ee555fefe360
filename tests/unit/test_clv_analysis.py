"""The whole customer-value analysis of a data set, as the page shows it, and its charts."""

import numpy as np
import pandas as pd
import pytest

from kundenmodell import DataError, Dataset, load_sample, synth
from kundenmodell.clv import analysis, charts
from kundenmodell.i18n import LANGUAGES, has_key, t


@pytest.fixture(scope="module")
def data():
    return load_sample("de")


@pytest.fixture(scope="module")
def fit(data):
    return analysis.fit_dataset(data)


@pytest.fixture(scope="module")
def values(fit):
    return analysis.customer_values(fit, months=12, annual_discount_rate=0.1)


def test_fit_on_the_sample(data, fit):
    assert fit.ok and fit.adequacy.ok
    buyers = data.transactions["customer_id"].nunique()
    assert len(fit.summary) == buyers == fit.bg.n_observations_
    assert fit.gg.n_observations_ == int((fit.summary["frequency"] > 0).sum())
    assert fit.spend_correlation is not None and -1 <= fit.spend_correlation <= 1


def test_customer_values(fit, values):
    assert len(values) == len(fit.summary)
    assert values["clv"].is_monotonic_decreasing
    assert (values["clv"] >= 0).all()
    assert values["p_alive"].between(0, 1).all()
    assert (values["purchases_3m"] <= values["purchases_6m"]).all()
    assert (values["purchases_6m"] <= values["purchases_12m"]).all()
    # Twelve months of purchases at the expected spend, discounted a little.
    undiscounted = values["purchases_12m"] * values["expected_spend"]
    assert (values["clv"] <= undiscounted + 1e-9).all()
    assert (values["clv"] >= undiscounted / 1.1 - 1e-9).all()
    last = values["last_purchase"].max()
    assert last == fit.summary.attrs["observation_end"]
    longer = analysis.customer_values(fit, months=24, annual_discount_rate=0.1)
    assert longer["clv"].sum() > values["clv"].sum()


def test_outlook_distribution_and_concentration(values):
    outlook = analysis.outlook(values)
    assert outlook["months"].tolist() == [3, 6, 12]
    assert outlook.loc[2, "purchases"] == pytest.approx(values["purchases_12m"].sum())
    assert outlook.loc[2, "per_customer"] == pytest.approx(values["purchases_12m"].mean())
    histogram = analysis.clv_distribution(values)
    assert histogram["customers"].sum() == len(values)
    assert (histogram["end"] > histogram["start"]).all()
    share = analysis.value_concentration(values)
    assert 0.2 <= share <= 1.0
    top = values["clv"].nlargest(round(0.2 * len(values))).sum() / values["clv"].sum()
    assert share == pytest.approx(top)


def test_top_customers_have_names(data, values):
    top = analysis.top_customers(values, data.customers, 10)
    assert len(top) == 10 and top["clv"].is_monotonic_decreasing
    first = data.customers.set_index("customer_id").loc[top["customer_id"].iloc[0]]
    assert top["name"].iloc[0].startswith(f"{first['first_name']} {first['last_name']}")
    assert (top["purchases"] >= 1).all()


def test_p_alive_grid_falls_with_time_since_the_last_purchase(fit):
    grid = analysis.p_alive_grid(fit)
    assert grid["p_alive"].between(0, 1).all()
    assert (grid.loc[grid["frequency"] == 0, "p_alive"] == 1.0).all()
    for _, rows in grid[grid["frequency"] > 0].groupby("frequency"):
        assert rows.sort_values("weeks_since_last")["p_alive"].is_monotonic_decreasing
    # Frequent buyers who went quiet are more likely gone than rare ones.
    last = grid[grid["weeks_since_last"] == grid["weeks_since_last"].max()]
    assert last.sort_values("frequency")["p_alive"].iloc[1:].is_monotonic_decreasing


def test_segments_and_their_labels(data, values):
    options = analysis.segment_options(data)
    assert {"rfm_segment", "activity", "customer_type"} <= set(options)
    for option in [*options, "cohort_year", "cohort_quarter"]:
        groups = analysis.segment_groups(data, option)
        table = analysis.clv_by_segment(values, groups)
        assert table["customers"].sum() <= len(values)
        assert table["share"].sum() == pytest.approx(1.0)
        assert table["clv_mean"].is_monotonic_decreasing
        for lang in LANGUAGES:
            if option in analysis.SPECIAL_GROUPINGS:
                assert has_key(f"clv.grouping.{option}", lang)
            else:
                assert has_key(f"column.{option}", lang)
    assert analysis.group_label("customer_type", "b2b", "de") == t("customer_type.b2b", "de")
    assert analysis.group_label("rfm_segment", "champions", "en") == t(
        "rfm.segment.champions", "en"
    )
    assert analysis.group_label("cohort_year", "2024", "nb") == "2024"
    with pytest.raises(DataError):
        analysis.segment_groups(data, "shoe_size")


def test_planted_types_are_offered_for_synthetic_data_only(data):
    synthetic = synth.generate(3_000, seed=5)
    assert "planted_type" in analysis.segment_options(synthetic)
    assert "planted_type" not in analysis.segment_options(data)
    for key in synthetic.truth.unique():
        for lang in LANGUAGES:
            assert has_key(f"clv.planted.{key}", lang)


def test_holdout_check_and_retention(data):
    smallest, largest = analysis.holdout_months_range(data)
    assert smallest == 1 and largest >= 6
    check = analysis.holdout_check(data, 6)
    assert check.adequacy.ok
    assert (check.observation_end - check.calibration_end).days == 183
    assert check.actual_total > 0 and check.predicted_total > 0
    assert check.comparison["customers"].sum() == check.bg.n_observations_
    retention = analysis.retention(data, "cohort_year", 180)
    assert set(retention.curves["group"]) == set(retention.summary["group"])
    assert retention.summary["monthly_churn"].between(0, 1).all()


def test_exports_have_translated_headers(fit, values):
    table = analysis.export_table(values, "de", 12)
    assert table.columns[0] == "customer_id"  # the CSV writer translates canonical columns
    assert "Kundenwert 12 Monate" in table.columns and "Aktiv-Wahrscheinlichkeit" in table.columns
    parameters = analysis.parameter_table(fit, "en")
    assert list(parameters["Parameter"]) == ["r", "alpha", "a", "b", "p", "q", "v"]
    assert parameters["Estimate"].iloc[0] == pytest.approx(fit.bg.params_["r"], rel=1e-3)


def test_too_thin_data_is_reported_not_fitted():
    small = synth.generate(120, seed=3)
    fit = analysis.fit_dataset(small)
    assert not fit.ok and fit.bg is None
    assert "clv.thin.too_few_buyers" in [item.key for item in fit.adequacy.shortfalls]
    with pytest.raises(DataError) as error:
        analysis.customer_values(fit)
    assert error.value.key == "error.clv.too_thin"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_charts_are_translated_and_localised(data, fit, values, lang):
    check = analysis.holdout_check(data, 6)
    retention = analysis.retention(data, "cohort_year", 180)
    table = analysis.clv_by_segment(values, analysis.segment_groups(data, "customer_type"))
    built = [
        charts.clv_distribution_chart(analysis.clv_distribution(values), lang, "EUR"),
        charts.segment_chart(table.assign(label=table["group"]), lang, "EUR"),
        charts.p_alive_heatmap(analysis.p_alive_grid(fit), lang),
        charts.holdout_chart(check.comparison, lang),
        charts.tracking_chart(check.tracking, check.calibration_end, lang),
        charts.retention_chart(retention.curves.assign(label=retention.curves["group"]), lang),
    ]
    for chart in built:
        spec = chart.to_dict()
        assert spec["config"]["locale"]["number"]["decimal"] == ("." if lang == "en" else ",")
    text = str(built[2].to_dict())
    assert t("clv.chart.weeks_since_last", lang) in text
    assert t("clv.chart.predicted", lang) in str(built[3].to_dict())


def test_empty_purchases_are_a_data_error():
    empty = synth.generate(50, seed=1)
    empty.transactions = empty.transactions.iloc[0:0]
    with pytest.raises(DataError) as error:
        analysis.fit_dataset(empty)
    assert error.value.key == "error.clv.no_purchases"


def _repeat_buyers(rng: np.random.Generator, n: int, days: int = 500) -> pd.DataFrame:
    """Purchases of ``n`` customers (integer ids) that differ in how often they buy, when they
    stop and how much they spend, as BG/NBD and Gamma-Gamma assume: rates ~ Gamma(0.8, 1/20)
    per day, after each repeat purchase a stop with probability ~ Beta(1, 4), amounts
    ~ Gamma(4, scale) with a scale per customer."""
    rows = []
    for customer in range(n):
        rate, stop, scale = rng.gamma(0.8, 1 / 20), rng.beta(1.0, 4.0), rng.gamma(3.0, 5.0)
        day = float(rng.integers(0, days // 2))
        first = True
        while day < days:
            rows.append((customer, int(day), round(float(rng.gamma(4.0, scale)), 2)))
            if not first and rng.random() < stop:
                break
            first = False
            day += rng.exponential(1 / rate)
    customer_id, day, amount = zip(*rows, strict=True)
    dates = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.array(day), "D")
    return pd.DataFrame({"customer_id": customer_id, "date": dates, "amount": amount})


def test_values_survive_odd_customer_ids():
    # Integer ids, an id that looks like a formula, purchases without a customer row.
    purchases = _repeat_buyers(np.random.default_rng(0), 400)
    data = Dataset(customers=pd.DataFrame({"customer_id": range(300)}), transactions=purchases)
    fit = analysis.fit_dataset(data)
    assert fit.ok
    values = analysis.customer_values(fit)
    assert len(values) == purchases["customer_id"].nunique()
    top = analysis.top_customers(values, data.customers, 5)
    assert (top["name"] == "").all()  # no name columns: empty, not missing


def test_customer_rows_are_the_first_row_per_wanted_id_in_the_order_asked():
    from kundenmodell.clv.analysis import customer_rows

    customers = pd.DataFrame(
        {
            "customer_id": pd.array(["K3", "K1", "K2", "K1", None, "K9"], dtype="str"),
            "city": ["Oslo", "Bergen", "Köln", "Bremen", "Wien", "Graz"],
        }
    )
    wanted = pd.Series(["K2", "K1", "K404", None, "K2", "K3"], dtype="str")
    rows = customer_rows(customers, wanted)
    assert rows["customer_id"].tolist() == ["K2", "K1", "K3"]
    assert rows["city"].tolist() == ["Köln", "Bergen", "Oslo"]  # K1's first row
    # ids of numbers and of mixed types are compared as values
    numbers = pd.DataFrame({"customer_id": [7, 3, 7, 5], "city": ["a", "b", "c", "d"]})
    assert customer_rows(numbers, pd.Index([5, 7]))["city"].tolist() == ["d", "a"]
    mixed = pd.DataFrame({"customer_id": pd.Series([1, "1", "x"], dtype=object), "n": [0, 1, 2]})
    assert customer_rows(mixed, pd.Series(["1", 1], dtype=object))["n"].tolist() == [1, 0]
