"""Results kept in a private file: equal to the expression, readable from any thread, gone
with their owner, and not attempted where the engine may not write files."""

from __future__ import annotations

import gc
import stat
import threading
from pathlib import Path

import duckdb
import ibis
import numpy as np
import pandas as pd
import pyarrow as pa

from kundenmodell import engine
from kundenmodell.engine.connection import spill_directory


def _purchases(rows: int = 5_000) -> ibis.Table:
    generator = np.random.default_rng(7)
    return ibis.memtable(
        pa.table(
            {
                "customer_id": generator.integers(0, 400, rows),
                "amount": generator.gamma(2.0, 30.0, rows).round(2),
            }
        )
    )


def _per_customer(table: ibis.Table) -> ibis.Table:
    return table.group_by("customer_id").aggregate(n=table.count(), total=table["amount"].sum())


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("customer_id").reset_index(drop=True)


def test_a_kept_result_equals_its_expression_and_lies_in_the_private_folder():
    expr = _per_customer(_purchases())
    kept = engine.keep(expr)
    assert kept is not None
    expected = _sorted(engine.to_pandas(expr))
    assert kept.rows == len(expected) == 400
    pd.testing.assert_frame_equal(_sorted(engine.to_pandas(kept.table())), expected)
    assert kept.path.parent.parent == Path(spill_directory())
    assert stat.S_IMODE(kept.path.parent.stat().st_mode) == 0o700


def test_the_kept_result_joins_the_tables_of_its_database_also_from_another_thread(tmp_path):
    """Kept from a DuckDB file's table, the result is read on that database, so it joins the
    file's other tables, also in a later run on another thread (Streamlit's next rerun)."""
    path = tmp_path / "shop.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(
            "CREATE TABLE sales AS SELECT range % 50 AS customer_id, 2.0 AS amount FROM range(500)"
        )
        con.execute("CREATE TABLE people AS SELECT range AS customer_id FROM range(0, 50, 2)")
    backend = ibis.duckdb.connect(str(path), read_only=True)
    kept = engine.keep(_per_customer(backend.table("sales")))
    read: dict[str, pd.DataFrame] = {}

    def other_run() -> None:
        people = backend.table("people")
        joined = kept.table().semi_join(people, "customer_id")
        read["frame"] = _sorted(engine.to_pandas(joined))

    worker = threading.Thread(target=other_run)
    worker.start()
    worker.join()
    assert read["frame"]["customer_id"].tolist() == list(range(0, 50, 2))
    assert (read["frame"]["n"] == 10).all() and (read["frame"]["total"] == 20.0).all()


def test_the_file_goes_with_its_owner():
    kept = engine.keep(_per_customer(_purchases()))
    path = kept.path
    assert path.is_file()
    del kept
    gc.collect()
    assert not path.exists()


def test_a_database_that_may_not_write_files_keeps_nothing(tmp_path):
    """A DuckDB file opened without external access (as a team server may open users'
    files) cannot COPY to a file: nothing is kept, nothing is left behind, and the caller
    computes the expression again."""
    path = tmp_path / "shop.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(
            "CREATE TABLE sales AS SELECT range % 50 AS customer_id, 1.5 AS amount FROM range(500)"
        )
    backend = ibis.duckdb.connect(str(path), read_only=True, enable_external_access=False)
    folder = Path(spill_directory()) / "kept"
    before = set(folder.glob("*")) if folder.exists() else set()
    assert engine.keep(_per_customer(backend.table("sales"))) is None
    assert (set(folder.glob("*")) if folder.exists() else set()) == before
