"""Purchase totals: rows, distinct known customers and revenue, counted in one query."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kundenmodell import engine
from kundenmodell.overview import kpis_from_totals, kpis_of_table


def test_totals_count_every_row_and_each_known_customer_once():
    frame = pd.DataFrame(
        {
            "customer_id": pd.Series(["a", "b", None, "a", "c", None], dtype="string"),
            "date": pd.to_datetime(["2024-01-01", None, "2024-01-02", "2024-01-03", None, None]),
            "amount": [1.5, np.nan, 2.0, 3.0, None, 0.25],
        }
    )
    table = engine.frame_table(frame)
    assert engine.purchase_totals(table) == (6, 3, 6.75)
    keyed = engine.keyed_purchases(frame)
    chosen = keyed.table.semi_join(keyed.codes_of(pd.Series(["a", "x"])), "customer_id")
    assert engine.purchase_totals(chosen) == (2, 1, 4.5)
    assert engine.purchase_totals(table.filter(table["amount"] > 100)) == (0, 0, 0.0)


def test_totals_give_the_kpis_of_the_table():
    rng = np.random.default_rng(5)
    rows = 3000
    ids = rng.choice([f"K{n}" for n in range(400)], rows).astype(object)
    ids[rng.random(rows) < 0.03] = None
    frame = pd.DataFrame(
        {
            "customer_id": pd.Series(ids, dtype="string"),
            "date": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, rows), "D"),
            "amount": np.where(rng.random(rows) < 0.05, np.nan, rng.gamma(2.0, 25.0, rows)),
        }
    )
    table = engine.keyed_purchases(frame).table
    assert kpis_from_totals(400, *engine.purchase_totals(table)) == kpis_of_table(400, table)
