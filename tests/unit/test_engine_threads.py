"""The engine's thread count: the environment's positive whole number, else the cores (≤ 4)."""

from __future__ import annotations

import os

import pytest

from kundenmodell.engine.connection import engine_threads


@pytest.mark.parametrize(("given", "expected"), [("1", 1), (" 3 ", 3), ("16", 16)])
def test_a_positive_number_in_the_environment_sets_the_threads(monkeypatch, given, expected):
    monkeypatch.setenv("KUNDENMODELL_ENGINE_THREADS", given)
    assert engine_threads() == expected


@pytest.mark.parametrize("given", ["", "0", "-2", "two", "1.5"])
def test_anything_else_keeps_the_cores_at_most_four(monkeypatch, given):
    monkeypatch.setenv("KUNDENMODELL_ENGINE_THREADS", given)
    assert engine_threads() == min(os.cpu_count() or 1, 4)


def test_an_arrow_table_reaches_the_engine_in_batches_every_thread_can_scan():
    import numpy as np
    import pyarrow as pa

    from kundenmodell import engine
    from kundenmodell.engine.connection import SCAN_BATCH_ROWS, arrow_table, in_scan_batches

    rows = 2 * SCAN_BATCH_ROWS + 5
    table = pa.table({"key": np.arange(rows) % 7, "value": np.arange(rows, dtype=float)})
    assert table.column("key").num_chunks == 1
    cut = in_scan_batches(table)
    assert [len(batch) for batch in cut.to_batches()] == [SCAN_BATCH_ROWS, SCAN_BATCH_ROWS, 5]
    assert cut.equals(table)
    expr = arrow_table(table)
    totals = engine.to_pandas(expr.group_by("key").aggregate(total=expr["value"].sum()))
    expected = table.to_pandas().groupby("key")["value"].sum()
    assert totals.set_index("key")["total"].sort_index().to_dict() == expected.to_dict()
