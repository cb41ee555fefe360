"""In-memory tables do not outlive the analysis that made them on a long-lived thread.

ibis 12 unregisters an in-memory table from DuckDB only at exit, so in a notebook (one thread,
one connection) every analysis kept its Arrow data. The purchases here are made with numpy,
not by kundenmodell.synth.
"""

from __future__ import annotations

import gc

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kundenmodell import engine, personas
from kundenmodell.clv import summary_from_transactions
from kundenmodell.dataset import Dataset
from kundenmodell.engine.connection import _registered, connection
from kundenmodell.segments.report import segment_report


def _shop() -> Dataset:
    generator = np.random.default_rng(3)
    ids = [f"N{number}" for number in range(400)]
    rows = 2_500
    transactions = pd.DataFrame(
        {
            "customer_id": generator.choice(ids, rows),
            "date": pd.Timestamp("2025-03-01")
            + pd.to_timedelta(generator.integers(0, 400, rows), unit="D"),
            "amount": generator.gamma(2.0, 20.0, rows).round(2),
            "category": generator.choice(["Ski", "Sykkel"], rows),
        }
    )
    customers = pd.DataFrame({"customer_id": ids, "age": generator.integers(20, 70, 400)})
    return Dataset(customers=customers, transactions=transactions)


def test_the_analyses_leave_no_table_registered_on_the_threads_duckdb():
    data = _shop()
    before = _registered(connection())
    report = segment_report(data)
    summary = summary_from_transactions(data.transactions)
    features = personas.customer_features(data)
    gc.collect()
    assert _registered(connection()) == before
    assert report.kpis.purchases == 2_500
    assert len(summary) == data.transactions["customer_id"].nunique() == len(features)


def test_a_table_read_again_after_the_block_is_registered_again():
    table = engine.frame_table(
        pd.DataFrame({"customer_id": ["a", "b", "a"], "amount": [1.0, 2, 3]})
    )
    with engine.releasing():
        assert engine.scalars(table.aggregate(total=table["amount"].sum())) == {"total": 6.0}
        assert len(_registered(connection())) >= 1
    assert not any(name == table.get_name() for name in _registered(connection()))
    # the same expression afterwards: registered again, same answer
    assert engine.scalars(table.aggregate(rows=table.count())) == {"rows": 3}
    with engine.releasing():
        pass
    assert table.get_name() in _registered(connection())  # registered before the block: kept


def test_releasing_works_as_a_decorator_and_after_an_error():
    @engine.releasing()
    def failing():
        table = engine.frame_table(pd.DataFrame({"customer_id": ["x"], "amount": [1.0]}))
        engine.to_pandas(table)
        raise ValueError("stop")

    before = _registered(connection())
    with pytest.raises(ValueError):
        failing()
    assert _registered(connection()) == before


def test_views_of_files_made_inside_the_block_stay(tmp_path):
    pq.write_table(pa.table({"customer_id": ["a"], "amount": [1.0]}), tmp_path / "t.parquet")
    with engine.releasing():
        table = connection().read_parquet(str(tmp_path / "t.parquet"))
    names = connection().raw_sql("SELECT view_name FROM duckdb_views()").fetchall()
    assert (table.get_name(),) in names
    assert engine.scalars(table.aggregate(rows=table.count())) == {"rows": 1}
