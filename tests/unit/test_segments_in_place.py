"""The in-place segment report (tables left in the engine) equals the in-memory report.

The data is made here, not by kundenmodell.synth: numeric-looking ids, buyers missing from
the customer table, purchases without a customer or a date, several purchases on one day,
missing amounts, unknown status values and NPS scores out of range.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kundenmodell import Dataset, engine
from kundenmodell.segments.in_place import segment_report_in_place
from kundenmodell.segments.report import segment_report
from tests.unit.report_equality import assert_same_report


def _shop(seed: int, customers: int = 400, purchases: int = 3000) -> Dataset:
    rng = np.random.default_rng(seed)
    ids = pd.Series([f"{n:05d}" for n in rng.choice(90_000, customers, replace=False)])
    status = rng.choice(["lead", "contact", "prospect", "customer", "Kunde?"], customers)
    kind = pd.Series(rng.choice(["b2c", "b2b", None], customers, p=[0.6, 0.3, 0.1]))
    scores = rng.choice([np.nan, 0, 3, 6, 7, 8, 9, 10, 11], customers)
    buyer_pool = pd.concat([ids, pd.Series(["99999", "88888"])], ignore_index=True)
    buyer = buyer_pool.to_numpy()[rng.integers(0, len(buyer_pool), purchases)].astype(object)
    buyer[rng.random(purchases) < 0.02] = None
    start = pd.Timestamp("2022-01-01")
    days = rng.integers(0, 3 * 365, purchases)
    dates = pd.Series(
        start
        + pd.to_timedelta(days, unit="D")
        + pd.to_timedelta(rng.integers(0, 24, purchases), unit="h")
    )
    dates[rng.random(purchases) < 0.01] = pd.NaT
    amount = np.round(rng.gamma(2.0, 40.0, purchases), 2)
    amount[rng.random(purchases) < 0.03] = np.nan
    return Dataset(
        customers=pd.DataFrame(
            {"customer_id": ids, "status": status, "nps_score": scores, "customer_type": kind}
        ),
        transactions=pd.DataFrame(
            {"customer_id": pd.Series(buyer, dtype="string"), "date": dates, "amount": amount}
        ),
        name="shop",
    )


def _folder(dataset: Dataset, where) -> engine.EngineTables:
    for name in ("customers", "transactions"):
        (where / name).mkdir()
        getattr(dataset, name).to_parquet(where / name / "part-0.parquet")
    return engine.open_source(where)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_in_place_report_equals_the_in_memory_report(tmp_path, seed):
    dataset = _shop(seed)
    assert_same_report(segment_report(dataset), segment_report_in_place(_folder(dataset, tmp_path)))


def test_in_place_report_filters_in_the_engine_like_the_in_memory_report(tmp_path):
    from kundenmodell.segments.filters import SegmentFilter

    dataset = _shop(6)
    selection = SegmentFilter(customer_type=("b2b",), city=("Bergen",))  # no city column
    expected = segment_report(dataset, selection)
    actual = segment_report_in_place(_folder(dataset, tmp_path), selection)
    assert_same_report(expected, actual)
    assert actual.customers == int((dataset.customers["customer_type"] == "b2b").sum())
    assert actual.as_of == segment_report(dataset).as_of  # filtering never moves the date


def test_in_place_report_reads_a_duckdb_file(tmp_path):
    import duckdb

    dataset = _shop(4)
    path = tmp_path / "shop.duckdb"
    with duckdb.connect(str(path)) as con:
        for name in ("customers", "transactions"):
            frame = getattr(dataset, name)  # noqa: F841 (read by DuckDB's replacement scan)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
    report = segment_report_in_place(engine.open_source(path))
    assert_same_report(segment_report(dataset), report)
    # the hand count: the buyers among the purchases (99999 and 88888 are no customers)
    bought = dataset.transactions.dropna(subset=["customer_id"])["customer_id"].nunique()
    assert report.kpis.buyers == bought


def test_in_place_report_without_dates_lists_what_is_missing(tmp_path):
    dataset = _shop(5)
    undated = Dataset(
        customers=dataset.customers.drop(columns=["status"]),
        transactions=dataset.transactions.assign(date=pd.NaT),
    )
    report = segment_report_in_place(_folder(undated, tmp_path))
    assert report.missing == {
        "funnel": "status",
        "activity": "date",
        "rfm": "date",
        "churn": "date",
    }
    assert report.kpis.purchases == len(undated.transactions)
    assert report.nps == segment_report(undated).nps
