"""``km.load`` of a data folder or DuckDB file beyond memory: the source stays in the engine,
and ``segment_report``, ``fit_dataset`` and ``personas.build`` take it as they take a data set.

The shop is written here with numpy (not by kundenmodell.synth): customers with statuses, NPS
scores, ages and cities; purchases with same-day baskets, missing amounts, categories and
channels; a few purchases by customers the customer table does not know. The "large" source
is this small one with the size limits lowered, so the test compares the engine's results
with the in-memory ones on the same rows.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import kundenmodell as km
from kundenmodell import personas
from kundenmodell.clv import analysis, in_place
from kundenmodell.engine import connect
from kundenmodell.engine.in_place import InPlaceSource
from kundenmodell.errors import DataError
from kundenmodell.segments.filters import SegmentFilter
from kundenmodell.segments.report import segment_report
from tests.unit.report_equality import assert_same_report

CUSTOMERS = 1_500


def _shop(seed: int = 11) -> tuple[pa.Table, pa.Table]:
    generator = np.random.default_rng(seed)
    ids = np.array([f"C{number:05d}" for number in generator.permutation(CUSTOMERS) + 100])
    customers = pa.table(
        {
            "customer_id": ids,
            "status": generator.choice(["lead", "contact", "prospect", "customer"], CUSTOMERS),
            "nps_score": pa.array(
                generator.integers(0, 11, CUSTOMERS).astype(float),
                mask=generator.random(CUSTOMERS) < 0.3,
            ),
            "age": generator.integers(18, 80, CUSTOMERS),
            "city": generator.choice(["Trondheim", "Bergen", "Oslo", "Tromsø"], CUSTOMERS),
        }
    )
    # BG/NBD-like buying: each buyer buys at a rate of their own and drops out after a
    # purchase with a probability of their own; what falls after day 1,100 is not seen
    buyers = ids[generator.random(CUSTOMERS) < 0.8]
    rate = generator.gamma(2.0, 1 / 60.0, len(buyers))  # purchases per day
    visits = generator.geometric(generator.beta(1.5, 6.0, len(buyers)))
    who = np.repeat(np.arange(len(buyers)), visits)
    gaps = generator.exponential(1.0, len(who)) / rate[who]
    gaps[np.r_[0, np.cumsum(visits)[:-1]]] = generator.uniform(0, 700, len(buyers))
    ends = np.cumsum(gaps)
    day = (ends - np.repeat(np.r_[0.0, ends[np.cumsum(visits)[:-1] - 1]], visits)).astype(int)
    seen = day <= 1_100
    who, day = buyers[who[seen]], day[seen]
    basket = generator.random(len(who)) < 0.15  # a second line on the same day
    who = np.concatenate([who, who[basket], np.array(["X999", "X998"])])
    day = np.concatenate([day, day[basket], np.array([50, 60])])
    amount = generator.gamma(2.0, 35.0, len(who)).round(2)
    purchases = pa.table(
        {
            "customer_id": who,
            "date": pa.array(
                (np.datetime64("2024-01-01") + day.astype("timedelta64[D]")), pa.date32()
            ),
            "amount": pa.array(amount, mask=generator.random(len(who)) < 0.02),
            "category": generator.choice(["Bøker", "Sport", "Hjem"], len(who)),
            "channel": generator.choice(["online", "store"], len(who)),
        }
    )
    return customers, purchases


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    path = tmp_path_factory.mktemp("shop") / "butikk"
    customers, purchases = _shop()
    for name, table in (("customers", customers), ("transactions", purchases)):
        (path / name).mkdir(parents=True)
        half = table.num_rows // 2
        pq.write_table(table.slice(0, half), path / name / "part-0.parquet")
        pq.write_table(table.slice(half), path / name / "part-1.parquet")
    return path


@pytest.fixture(scope="module")
def memory(folder):
    return km.load(folder)


def test_a_source_beyond_the_limits_stays_in_the_engine(folder, monkeypatch):
    monkeypatch.setattr(connect, "MAX_PURCHASE_ROWS", 1_000)
    found = km.load(folder)
    assert isinstance(found, InPlaceSource)
    assert found.rows["customers"] == CUSTOMERS
    assert found.rows["transactions"] == pq.read_table(folder / "transactions").num_rows
    assert found.name == "butikk"
    with pytest.raises(DataError) as refused:
        km.load(folder, in_place=False)
    assert refused.value.key == "connect_error.too_large"


def test_a_source_within_the_limits_is_read_unless_asked_otherwise(folder, memory):
    assert not isinstance(memory, InPlaceSource)
    assert len(memory.customers) == CUSTOMERS
    assert isinstance(km.load(folder, in_place=True), InPlaceSource)


def test_the_segment_report_of_the_source_equals_the_data_sets(folder, memory):
    source = km.load(folder, in_place=True)
    expected = segment_report(memory)
    actual = segment_report(source)
    assert_same_report(expected, actual)
    assert actual.activity is None and actual.rfm is None  # nothing per customer in pandas
    assert actual.kpis.revenue == pytest.approx(
        float(np.nansum(pq.read_table(folder / "transactions")["amount"].to_numpy(False)))
    )


def test_the_clv_fit_of_the_source_equals_the_data_sets(folder, memory):
    source = km.load(folder, in_place=True)
    expected = analysis.fit_dataset(memory)
    actual = analysis.fit_dataset(source)
    assert isinstance(actual, in_place.InPlaceClvFit)
    assert actual.buyers == len(expected.summary)
    assert actual.adequacy == expected.adequacy
    assert expected.trusted and actual.trusted  # the shop is made to be fitted
    for name in expected.bg.parameter_names:
        assert actual.bg.params_[name] == pytest.approx(expected.bg.params_[name], rel=1e-5)


def test_personas_of_the_source_are_those_of_its_sample(folder, memory):
    """With a sample as large as the source, the personas describe every customer of the data
    set, the same each time; a smaller sample gives personas of that many customers, also the
    same each time (the sample's rows come in one order, whatever order the join's threads
    finish in)."""
    source = km.load(folder, in_place=True)
    whole = personas.build(source, k=3)
    expected = personas.build(memory, k=3)
    assert whole.n_customers == expected.n_customers == CUSTOMERS
    # the same buyers with the same personas, though the engine's sample comes in another
    # row order than the data set
    pd.testing.assert_series_equal(whole.labels, expected.labels)
    assert whole.personas == expected.personas
    assert whole.k == 3 and len(whole.personas) == 3
    pd.testing.assert_series_equal(whole.labels, personas.build(source, k=3).labels)
    part = personas.build(source, k=3, sample_size=900)
    again = personas.build(source, k=3, sample_size=900)
    assert part.n_customers == 900
    assert set(part.labels.index) < set(whole.labels.index)
    pd.testing.assert_series_equal(part.labels, again.labels)


def test_a_duckdb_file_loads_in_place_too(folder, tmp_path, memory):
    path = tmp_path / "butikk.duckdb"
    with duckdb.connect(str(path)) as con:
        for name in ("customers", "transactions"):
            con.execute(
                f"CREATE TABLE {name} AS SELECT * FROM read_parquet('{folder / name}/*.parquet')"
            )
    source = km.load(path, in_place=True)
    assert isinstance(source, InPlaceSource)
    assert_same_report(segment_report(memory), segment_report(source))


def test_a_new_filter_and_the_clv_fit_read_the_kept_purchase_days(tmp_path, memory):
    """The first report keeps the day totals of every purchase; with the purchase files gone,
    a report for Oslo and Bergen and the CLV fit still come, equal to the data set's."""
    path = tmp_path / "butikk"
    customers, purchases = _shop()
    for name, table in (("customers", customers), ("transactions", purchases)):
        (path / name).mkdir(parents=True)
        pq.write_table(table, path / name / "part-0.parquet")
    source = km.load(path, in_place=True)
    assert_same_report(segment_report(memory), segment_report(source))
    (path / "transactions").rename(tmp_path / "elsewhere")
    chosen = SegmentFilter(city=("Oslo", "Bergen"))
    assert_same_report(segment_report(memory, chosen), segment_report(source, chosen))
    fit = analysis.fit_dataset(source)
    expected = analysis.fit_dataset(memory)
    assert fit.buyers == len(expected.summary)
    for name in expected.bg.parameter_names:
        assert fit.bg.params_[name] == pytest.approx(expected.bg.params_[name], rel=1e-5)
