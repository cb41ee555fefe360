"""The CLV analysis in place equals the in-memory analysis of the same data.

The shop comes from tests/clv_shop.py (plain numpy, BG/NBD-like buying and dropping out,
Norwegian column names mapped by hand, same-day basket lines and refunds), written to a DuckDB
file and to Parquet; the in-memory side reads the same picks into a Dataset.
"""

from __future__ import annotations

import duckdb
import ibis
import numpy as np
import pandas as pd
import pytest

from kundenmodell import engine, io
from kundenmodell.clv import analysis, in_place
from kundenmodell.clv.gamma_gamma import GammaGammaModel
from kundenmodell.engine.in_place import connect_in_place
from kundenmodell.errors import DataError
from tests.clv_shop import make_shop, picks, write_duckdb, write_parquet

CUSTOMERS = 4_000


def _source(path, sample: int = 10**6):
    chosen = picks(path)
    return connect_in_place(
        chosen["customers"], chosen["transactions"], name="butikk", currency="NOK", sample=sample
    )


@pytest.fixture(scope="module")
def shop_tables():
    return make_shop(CUSTOMERS)


@pytest.fixture(scope="module", params=["duckdb", "parquet"])
def case(request, tmp_path_factory, shop_tables):
    """(source, in-memory data set of all rows, in-memory fit, in-place fit)."""
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "duckdb":
        path = write_duckdb(folder / "butikk.duckdb", *shop_tables)
    else:
        path = write_parquet(folder / "butikk", *shop_tables)
    source, connected = _source(path)
    data = connected.to_dataset()
    return source, data, analysis.fit_dataset(data), in_place.fit_in_place(source.tables())


def _params(model) -> np.ndarray:
    return np.array([model.params_[name] for name in model.parameter_names])


def test_fit_equals_the_in_memory_fit(case):
    _, data, memory, place = case
    assert memory.trusted and place.trusted  # the shop is made to be fitted
    assert place.buyers == len(memory.summary) == data.transactions["customer_id"].nunique()
    assert place.observation_end == memory.summary.attrs["observation_end"]
    assert place.adequacy == memory.adequacy
    np.testing.assert_allclose(_params(place.bg), _params(memory.bg), rtol=1e-5)
    assert place.bg.n_observations_ == memory.bg.n_observations_ == place.buyers
    assert place.bg.log_likelihood_ == pytest.approx(memory.bg.log_likelihood_, rel=1e-10)
    # all spenders are below the sample limit: the very same rows, the same fit
    assert place.spenders == place.gg_customers == memory.gg.n_observations_
    assert not place.gg_sampled
    np.testing.assert_allclose(_params(place.gg), _params(memory.gg), rtol=1e-6)
    assert place.spend_correlation == pytest.approx(memory.spend_correlation, abs=1e-12)
    assert place.trust == memory.trust
    # far fewer cells than customers: that is what keeps the fit small at scale
    assert len(place.histogram) < place.buyers


@pytest.mark.parametrize(("months", "rate"), [(12, 0.1), (3, 0.0), (36, 0.25)])
def test_population_values_are_the_sums_of_customer_values(case, months, rate):
    _, _, memory, place = case
    values = analysis.customer_values(memory, months=months, annual_discount_rate=rate)
    population = in_place.population_values(place, months=months, annual_discount_rate=rate)
    assert population.buyers == len(values)
    # bg parameters agree to ~1e-6, so do the values
    assert population.total == pytest.approx(values["clv"].sum(), rel=1e-5)
    assert population.mean == pytest.approx(values["clv"].mean(), rel=1e-5)
    assert population.likely_active_share == analysis.likely_active_share(values)
    expected = analysis.outlook(values)
    pd.testing.assert_frame_equal(population.outlook, expected, rtol=1e-5)
    assert population.cells["customers"].sum() == len(values)


def test_population_values_with_the_same_models_match_to_rounding(case):
    """Given the very same models, the cell sums equal the per-customer sums to float
    rounding: the formula is exact, not an approximation."""
    _, _, memory, place = case
    same = analysis.ClvFit(memory.summary, memory.adequacy, place.bg, place.gg, None)
    values = analysis.customer_values(same, months=24, annual_discount_rate=0.08)
    population = in_place.population_values(place, months=24, annual_discount_rate=0.08)
    assert population.total == pytest.approx(values["clv"].sum(), rel=1e-12)
    pd.testing.assert_frame_equal(population.outlook, analysis.outlook(values), rtol=1e-12)


def test_distribution_concentration_and_top_customers(case):
    source, data, memory, place = case
    values = analysis.customer_values(memory, months=12, annual_discount_rate=0.1)
    ranking = in_place.value_ranking(source.tables(), place, 12, 0.1, 40)
    expected = analysis.clv_distribution(values)
    assert ranking.distribution["customers"].tolist() == expected["customers"].tolist()
    np.testing.assert_allclose(ranking.distribution["end"], expected["end"], rtol=1e-5)
    assert ranking.distribution["customers"].sum() == len(values)
    assert ranking.concentration == pytest.approx(analysis.value_concentration(values), rel=1e-5)
    top = analysis.top_customers(values, data.customers, 40)
    assert ranking.top["customer_id"].tolist() == top["customer_id"].tolist()
    assert ranking.top["name"].tolist() == top["name"].tolist()
    assert any("(AS " in name for name in top["name"])  # companies shown in brackets
    numbers = ["purchases", "p_alive", "purchases_12m", "expected_spend", "clv"]
    np.testing.assert_allclose(ranking.top[numbers], top[numbers], rtol=1e-5)
    assert (ranking.top["last_purchase"] == top["last_purchase"]).all()


@pytest.mark.parametrize("privacy", ["drop", "pseudonymise"])
def test_top_customers_are_minimised_as_the_user_chose_for_the_source(case, privacy):
    """The source keeps its names; the top list read from it shows them as the sample does."""
    source, data, memory, place = case
    key = io.new_key()
    values = analysis.customer_values(memory, months=12, annual_discount_rate=0.1)
    minimised = io.minimise(data, privacy, key)
    expected = analysis.top_customers(values, minimised.customers, 10)
    ranking = in_place.value_ranking(source.tables(), place, 12, 0.1, 10, privacy, key)
    assert ranking.top["name"].tolist() == expected["name"].tolist()
    shown = set(ranking.top["name"])
    assert not shown & set(analysis.top_customers(values, data.customers, 10)["name"])


def test_p_alive_grid_uses_the_weighted_quantiles(case):
    _, _, memory, place = case
    pd.testing.assert_frame_equal(
        in_place.p_alive_grid_in_place(place), analysis.p_alive_grid(memory), rtol=1e-5
    )


def test_sampled_customers_get_the_values_of_the_whole_source(case, tmp_path, shop_tables):
    """A sample's customers, valued with the models of the whole source at its observation
    end, have exactly the values the whole source gives them."""
    _, _, memory, place = case
    source, connected = _source(write_duckdb(tmp_path / "utvalg.duckdb", *shop_tables), 300)
    assert source.sampled and source.sample_customers == 300
    sample = connected.to_dataset()
    fit = in_place.sample_fit(sample, place)
    assert fit.bg is place.bg and fit.trusted
    mine = analysis.customer_values(fit, months=12)
    same = analysis.ClvFit(memory.summary, memory.adequacy, place.bg, place.gg, None)
    everyone = analysis.customer_values(same, months=12).loc[mine.index]
    pd.testing.assert_frame_equal(mine, everyone, rtol=1e-12)


def test_gamma_gamma_on_an_engine_sample(case, monkeypatch):
    """Above the limit Gamma-Gamma sees a sample drawn in the engine: the spenders with the
    smallest hash of "<id>:0", the same in every run, and the fit says how many it used."""
    source, _, memory, _ = case
    monkeypatch.setattr(in_place, "GG_SAMPLE_LIMIT", 300)
    first = in_place.fit_in_place(source.tables())
    again = in_place.fit_in_place(source.tables())
    assert first.gg_customers == first.gg.n_observations_ == 300
    assert first.gg_sampled and first.spenders == memory.gg.n_observations_
    assert _params(first.gg).tolist() == _params(again.gg).tolist()
    # the same sample drawn independently from the in-memory summary
    summary = memory.summary.reset_index()
    spenders = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    rows = spenders[["customer_id", "frequency", "monetary_value"]]
    rows.attrs = {}  # the summary's observation end is no column
    table = ibis.memtable(rows)
    drawn = engine.to_pandas(engine.sample_customers(table, 300, 0))
    expected = GammaGammaModel().fit(drawn["frequency"], drawn["monetary_value"])
    np.testing.assert_allclose(_params(first.gg), _params(expected), rtol=1e-6)
    assert not np.allclose(_params(first.gg), _params(memory.gg), rtol=1e-3)
    # BG/NBD and the spend correlation still use every customer
    np.testing.assert_allclose(_params(first.bg), _params(memory.bg), rtol=1e-5)
    assert first.spend_correlation == pytest.approx(memory.spend_correlation, abs=1e-12)


def test_thin_data_gets_the_same_verdict(tmp_path):
    kunder, kjop = make_shop(60, seed=3)
    source, connected = _source(write_duckdb(tmp_path / "liten.duckdb", kunder, kjop))
    memory = analysis.fit_dataset(connected.to_dataset())
    place = in_place.fit_in_place(source.tables())
    assert not place.adequacy.ok
    assert place.adequacy == memory.adequacy
    assert place.bg is None and place.gg is None and not place.ok
    with pytest.raises(DataError) as error:
        in_place.population_values(place)
    assert error.value.key == "error.clv.too_thin"


def test_bad_settings_are_data_errors(case):
    place = case[3]
    # the cells of a horizon and rate are computed once per fit (a page asks on every rerun)
    first = in_place.population_values(place, months=7, annual_discount_rate=0.05)
    again = in_place.population_values(place, months=7, annual_discount_rate=0.05)
    assert again.total == first.total
    assert in_place._cell_values(place, 7, 0.05) is in_place._cell_values(place, 7, 0.05)
    bad_months = ((0, "error.clv.invalid_horizon"), (121, "error.clv.invalid_horizon"))
    for months, key in (*bad_months, (7.5, "error.clv.invalid_horizon")):
        with pytest.raises(DataError) as error:
            in_place.population_values(place, months=months)
        assert error.value.key == key
    with pytest.raises(DataError) as error:
        in_place.population_values(place, annual_discount_rate=1.5)
    assert error.value.key == "error.clv.invalid_discount_rate"


@pytest.mark.parametrize("seed", range(5))
def test_weighted_quantile_equals_numpy_on_repeated_values(seed):
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 50, 40).astype(float) / 7
    counts = rng.integers(1, 30, 40)
    for q in (0.0, 0.5, 0.9, 0.99, 1.0):
        expected = np.quantile(np.repeat(values, counts), q)
        assert in_place.weighted_quantile(values, counts, q) == pytest.approx(expected, abs=1e-12)


def test_only_cells_samples_and_the_top_come_back(case, monkeypatch, returned_rows):
    """Nothing per customer reaches Python: the cells, Gamma-Gamma's sample, aggregates and
    the top list are the largest results the engine hands over."""
    source, _, _, _ = case
    seen = returned_rows
    monkeypatch.setattr(in_place, "GG_SAMPLE_LIMIT", 300)
    fit = in_place.fit_in_place(source.tables())
    assert max(seen) == len(fit.histogram) < fit.buyers
    assert 300 in seen
    seen.clear()
    in_place.value_ranking(source.tables(), fit, 12, 0.1, 50)
    assert seen and max(seen) == 50


def test_a_new_horizon_reads_the_kept_summary_not_the_purchases(tmp_path, shop_tables):
    """The fit keeps the per-customer summary: with the purchase files gone, the ranking for
    another horizon and rate still comes, equal to the one computed while they were there."""
    path = write_parquet(tmp_path / "butikk", *shop_tables)
    source, _ = _source(path)
    fit = in_place.fit_in_place(source.tables())
    assert fit.summary is not None and fit.summary.rows == fit.buyers
    before = in_place.value_ranking(source.tables(), fit, 24, 0.05, 30)
    (path / "kjop").rename(tmp_path / "elsewhere")
    with pytest.raises(duckdb.IOException):  # the purchases are really unreadable now
        engine.to_pandas(source.tables().transactions.limit(1))
    after = in_place.value_ranking(source.tables(), fit, 24, 0.05, 30)
    pd.testing.assert_frame_equal(after.top, before.top)
    pd.testing.assert_frame_equal(after.distribution, before.distribution)
    assert after.concentration == before.concentration
