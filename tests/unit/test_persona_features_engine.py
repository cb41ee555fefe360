"""Persona features reduced in the engine equal a plain-pandas reference (hypothesis over small
random purchase tables, and on Spark in local mode), and personas fitted on a sample of a
large base label every buyer the way the fit did."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kundenmodell import DataError, Dataset, engine
from kundenmodell.personas import build, customer_features
from kundenmodell.personas.latent import encode, fit_encoding
from kundenmodell.personas.sampling import draw
from tests.data.personas import webshop
from tests.unit import persona_reference as reference

START = pd.Timestamp("2023-03-01")
KNOWN = ["K1", "K2", "K3", "K4", "K5", "Ø6"]
BEHAVIOUR = ("purchase_rate", "frequency", "recency_days", "rhythm_days")


@st.composite
def persona_data(draw_) -> tuple[Dataset, object, bool]:
    """Up to 40 purchases by six customers (and a lead who never buys), by unknown customers
    and by nobody, over ~14 months: several purchases on one day at different hours, single
    purchases, ties, missing dates, amounts, quantities and levels; an as-of day before,
    at or after the last purchase (or none)."""
    who = st.one_of(st.sampled_from([*KNOWN, "X9"]), st.just(None))
    rows = draw_(
        st.lists(
            st.tuples(
                who,
                st.one_of(st.integers(0, 420), st.just(None)),
                st.integers(0, 23),
                st.one_of(st.none(), st.sampled_from([0.0, 0.5, 12.75, 30.0])),
                st.one_of(st.none(), st.integers(1, 3)),
                st.one_of(st.none(), st.sampled_from(["shoes", "books", "toys"])),
                st.sampled_from(["online", "store"]),
                st.one_of(st.none(), st.sampled_from(["self", "child"])),
            ),
            min_size=1,
            max_size=40,
        )
    )
    columns = list(zip(*rows, strict=True))
    transactions = pd.DataFrame(
        {
            "customer_id": pd.Series(columns[0], dtype="string"),
            "date": pd.Series(
                [
                    pd.NaT if day is None else START + pd.Timedelta(days=day, hours=hour)
                    for day, hour in zip(columns[1], columns[2], strict=True)
                ],
                dtype="datetime64[ns]",
            ),
            "amount": pd.Series(columns[3], dtype="float64"),
            "quantity": pd.Series(columns[4], dtype="Int64"),
            "category": pd.Series(columns[5], dtype="object"),
            "channel": pd.Series(columns[6], dtype="category"),
            "consumer_role": pd.Series(columns[7], dtype="object"),
        }
    )
    customers = pd.DataFrame({"customer_id": [*KNOWN, "L7", "K1"]})  # a lead, a duplicate row
    shift = draw_(st.one_of(st.none(), st.integers(-60, 30)))
    as_of = None
    if shift is not None and transactions["date"].notna().any():
        as_of = transactions["date"].max().normalize() + pd.Timedelta(days=shift)
    return Dataset(customers=customers, transactions=transactions), as_of, draw_(st.booleans())


def assert_same_features(table, expected: reference.Behaviour) -> None:
    pd.testing.assert_index_equal(
        table.ids, pd.Index(expected.numeric.index, name="customer_id"), exact=False
    )
    for name, values in expected.numeric.items():
        if reference.is_constant(values):
            assert name in table.constant, name
            continue
        np.testing.assert_allclose(
            table.numeric[name].to_numpy(float), values.to_numpy(float), rtol=1e-12, err_msg=name
        )
    produced = {*table.numeric.columns, *table.constant} & {*BEHAVIOUR, "basket", "monetary"}
    assert produced <= set(expected.numeric.columns)
    assert ("quantity" in table.numeric or "quantity" in table.constant) == (
        "quantity" in expected.numeric
    )
    np.testing.assert_allclose(table.revenue, expected.revenue.to_numpy(float), rtol=1e-12)
    for name, counts in expected.mixes.items():
        if counts.shape[1] < 2:
            assert name in table.constant
            continue
        mix = table.mixes[name]
        assert mix.levels == tuple(str(level) for level in counts.columns)
        np.testing.assert_array_equal(mix.counts, counts.to_numpy(float))
    assert set(table.mixes) <= set(expected.mixes)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(persona_data())
def test_engine_features_equal_the_pandas_reference(case):
    data, as_of, buyers_only = case
    expected = reference.behaviour(
        data.customers["customer_id"], data.transactions, as_of, buyers_only
    )
    if expected.as_of is None or expected.numeric.empty:
        with pytest.raises(DataError) as error:
            customer_features(data, as_of=as_of, buyers_only=buyers_only)
        nothing = "no_purchases" if expected.as_of is None else "no_customers"
        assert error.value.key == f"error.personas.{nothing}"
        return
    table = customer_features(data, as_of=as_of, buyers_only=buyers_only)
    assert table.as_of == expected.as_of
    assert_same_features(table, expected)


def test_a_purchase_without_amount_counts_but_not_in_the_basket():
    """Known values by hand: K1 buys three times on two days (one amount missing), K2 once
    without an amount or quantity."""
    data = Dataset(
        customers=pd.DataFrame({"customer_id": ["K1", "K2"]}),
        transactions=pd.DataFrame(
            {
                "customer_id": ["K1", "K1", "K1", "K2"],
                "date": pd.to_datetime(
                    ["2024-01-01 09:00", "2024-01-01 18:00", "2024-03-01 00:00", "2024-02-15 00:00"]
                ),
                "amount": [10.0, np.nan, 20.0, np.nan],
                "quantity": [1, 3, np.nan, np.nan],
            }
        ),
    )
    table = customer_features(data)
    numeric = table.numeric.set_index(table.ids)
    assert numeric.at["K1", "basket"] == 15.0 and np.isnan(numeric.at["K2", "basket"])
    assert numeric.at["K1", "monetary"] == 30.0 and numeric.at["K2", "monetary"] == 0.0
    assert numeric.at["K1", "quantity"] == 2.0 and np.isnan(numeric.at["K2", "quantity"])
    assert numeric.at["K1", "frequency"] == 3 and numeric.at["K2", "frequency"] == 1
    assert numeric.at["K1", "rhythm_days"] == 60.0 and np.isnan(numeric.at["K2", "rhythm_days"])
    assert numeric.at["K1", "purchase_rate"] == pytest.approx(3 / 60 * 365.25)
    assert numeric.at["K2", "purchase_rate"] == pytest.approx(1 / 30 * 365.25)  # tenure ≥ 30
    assert numeric.at["K2", "recency_days"] == 15.0
    np.testing.assert_array_equal(table.revenue, [30.0, 0.0])


# --- the encoding learnt on some customers, applied to others ---------------------------------


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from([1.0, 2.0, 2.0, 5.0]), st.floats(0, 50)), min_size=12),
    st.data(),
)
def test_the_fitted_encoding_reproduces_the_fitted_rows(values, data):
    """Quantile bins with ties and missing values: the rows the encoding was learnt on get the
    same design whether encoded alone or with other rows, and every value lands in one bin."""
    values = np.array([v if i % 7 else np.nan for i, v in enumerate(values)])
    table = _numeric_table(values)
    rows = np.sort(
        data.draw(st.lists(st.integers(0, len(values) - 1), min_size=6, unique=True).map(np.array))
    )
    fitted = table.take(rows)
    encoding = fit_encoding(fitted, ["basket"])
    alone = encoding.design(fitted).matrix.toarray()
    assert np.array_equal(alone, encode(fitted, ["basket"]).matrix.toarray())
    everyone = encoding.design(table).matrix.toarray()
    assert np.array_equal(everyone[rows], alone)
    known = ~np.isnan(values)
    assert np.all(everyone[known].sum(axis=1) == 1)
    edges = encoding.edges["basket"]
    bins = everyone[known][:, : len(edges)].argmax(axis=1)
    assert np.all(np.diff(bins[np.argsort(values[known], kind="stable")]) >= 0)  # monotone


def _numeric_table(values: np.ndarray):
    data = Dataset(
        customers=pd.DataFrame({"customer_id": [f"C{i}" for i in range(len(values))]}),
        transactions=pd.DataFrame(
            {
                "customer_id": [f"C{i}" for i in range(len(values))],
                "date": pd.Timestamp("2024-01-01"),
                "amount": values,
            }
        ),
    )
    return customer_features(data)


# --- fitting on a sample ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def webshop_data():
    return webshop.generate(3_000, seed=4)


@pytest.fixture(scope="module")
def sampled(webshop_data):
    return build(webshop_data, seed=0, sample_size=1_000)


def test_the_sample_has_the_requested_size_and_every_buyer_is_labelled(webshop_data, sampled):
    buyers = webshop_data.transactions["customer_id"].dropna().unique()
    assert sampled.sample is not None and sampled.sample.size == 1_000
    assert sampled.sample.buyers == len(buyers) == len(sampled.labels)
    assert set(sampled.labels.index) == set(buyers)
    assert set(sampled.sample.ids) <= set(buyers)
    assert sampled.labels.between(0, sampled.k - 1).all()
    assert sum(persona.size for persona in sampled.personas) == len(buyers)
    sizes = [persona.size for persona in sampled.personas]
    assert sizes == sorted(sizes, reverse=True)  # largest persona first, over all buyers
    assert np.allclose(sampled.membership.sum(axis=1), 1.0)


def test_sampled_customers_keep_the_persona_they_were_fitted_with(sampled):
    labels = sampled.labels.loc[sampled.sample.ids].to_numpy()
    np.testing.assert_array_equal(labels, sampled.sample.labels)


def test_the_sample_is_reproducible_for_a_seed_and_differs_between_seeds(webshop_data, sampled):
    again = build(webshop_data, seed=0, sample_size=1_000)
    assert again.sample.ids.equals(sampled.sample.ids)
    pd.testing.assert_series_equal(again.labels, sampled.labels)
    ids = pd.Index(webshop_data.customers["customer_id"])
    other = draw(ids, 1_000, seed=1)
    overlap = len(np.intersect1d(draw(ids, 1_000, seed=0), other))
    assert 150 < overlap < 500  # independent draws of a third overlap in about a ninth


def test_the_sample_does_not_depend_on_the_row_order():
    ids = pd.Index([f"kunde-{i:05d}" for i in range(5_000)])
    shuffled = ids[np.random.default_rng(3).permutation(len(ids))]
    chosen = ids[draw(ids, 300, seed=7)]
    assert len(chosen) == 300 and chosen.is_unique
    assert set(shuffled[draw(shuffled, 300, seed=7)]) == set(chosen)
    assert len(draw(ids, 10_000, seed=7)) == len(ids)  # a sample larger than the base: all
    numbers = pd.Index(np.arange(5_000) * 7)  # integer ids are hashed as their text
    assert np.array_equal(draw(numbers, 300, seed=7), draw(numbers, 300, seed=7))
    assert len(draw(numbers, 300, seed=7)) == 300


def test_the_sampled_personas_recover_the_groups_almost_as_well(webshop_data, sampled):
    full = build(webshop_data, seed=0, sample_size=len(sampled.labels))
    assert full.sample is None  # as many buyers as the threshold: fitted on all of them
    ari_full, _ = full.compare_with_truth(webshop_data.truth)
    ari_sampled, _ = sampled.compare_with_truth(webshop_data.truth)
    assert sampled.k == full.k
    assert ari_sampled >= ari_full - 0.05 and ari_sampled >= 0.9


# --- Spark ------------------------------------------------------------------------------------


def test_behaviour_mixes_and_sample_on_spark_local(spark):
    import ibis

    rng = np.random.default_rng(11)
    n = 300
    frame = pd.DataFrame(
        {
            "customer_id": rng.choice([f"K{i}" for i in range(30)], n),
            "date": START + pd.to_timedelta(rng.integers(0, 400, n) * 24, unit="h"),
            "amount": np.where(rng.random(n) < 0.2, np.nan, rng.integers(1, 50, n).astype(float)),
            "quantity": np.where(rng.random(n) < 0.2, np.nan, rng.integers(1, 4, n).astype(float)),
            "category": rng.choice(["a", "b", "c"], n),
        }
    )
    as_of = frame["date"].max().normalize()
    con = ibis.pyspark.connect(spark)
    spark.createDataFrame(frame).createOrReplaceTempView("persona_test_purchases")
    bought = engine.persona_purchases(con.table("persona_test_purchases"), as_of)
    got = engine.to_pandas(engine.persona_behaviour(bought, as_of)).set_index("customer_id")
    customers = pd.Series(sorted(frame["customer_id"].unique()))
    expected = reference.behaviour(customers, frame, as_of, True)
    for name in ("purchase_rate", "recency_days", "rhythm_days", "basket", "quantity"):
        np.testing.assert_allclose(
            got[name].reindex(expected.numeric.index).to_numpy(float),
            expected.numeric[name].to_numpy(float),
            rtol=1e-12,
            err_msg=name,
        )
    mix = engine.to_pandas(engine.persona_mix(bought, "category"))
    counts = mix.pivot(index="customer_id", columns="level", values="purchases").fillna(0)
    reference_mix = expected.mixes["category"]
    np.testing.assert_array_equal(
        counts.reindex(index=reference_mix.index, columns=reference_mix.columns).to_numpy(),
        reference_mix.to_numpy(),
    )
    keys = con.table("persona_test_purchases").select("customer_id").distinct()
    first = engine.to_pandas(engine.sample_customers(keys, 10, seed=5))["customer_id"]
    second = engine.to_pandas(engine.sample_customers(keys, 10, seed=5))["customer_id"]
    assert len(first) == 10 and first.is_unique and first.tolist() == second.tolist()
