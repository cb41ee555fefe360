"""Monthly revenue, churn and cohorts read from month × cohort cells
(:func:`kundenmodell.engine.period_cells`) equal the same views computed from the purchases
one by one (:func:`kundenmodell.engine.customer_periods` per view).

The data is made here: purchases of nobody (also alone in the first and the last month),
purchases without a date, missing amounts, several purchases a day, gaps of every length.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kundenmodell import engine
from kundenmodell.overview import monthly_of_table
from kundenmodell.segments.churn import churn_of_table, cohorts_of_table
from kundenmodell.segments.report import month_views


def _purchases(seed: int, rows: int = 2500) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids = rng.choice(["7", "A-1", "Ø", "b", "K10", "K2", "x y"], rows).astype(object)
    ids[rng.random(rows) < 0.05] = None
    days = pd.Series(
        pd.Timestamp("2021-03-01")
        + pd.to_timedelta(rng.integers(0, 1000, rows), unit="D")
        + pd.to_timedelta(rng.integers(0, 24, rows), unit="h")
    )
    days[rng.random(rows) < 0.02] = pd.NaT
    amount = np.round(rng.gamma(2.0, 30.0, rows), 2)
    amount[rng.random(rows) < 0.05] = np.nan
    frame = pd.DataFrame({"customer_id": ids, "date": days, "amount": amount})
    nobody = pd.DataFrame(  # alone in a month before and after everyone else
        {
            "customer_id": [None, None],
            "date": pd.to_datetime(["2020-11-05", "2024-01-20"]),
            "amount": [5.0, 7.5],
        }
    )
    frame = pd.concat([nobody, frame], ignore_index=True)
    frame["customer_id"] = frame["customer_id"].astype("string")
    return frame


def _month_views(frame: pd.DataFrame, inactive: int):
    table = engine.frame_table(frame)
    rows = engine.purchase_rows(table)
    as_of = engine.last_day(rows)
    dated = rows.filter(rows["day"].notnull())
    with engine.materialised(engine.day_totals(dated)) as days:
        return table, as_of, month_views(days, as_of, inactive)


@pytest.mark.parametrize(("seed", "inactive"), [(0, 1), (1, 3), (2, 12), (3, 40)])
def test_month_views_from_cells_equal_each_view_computed_alone(seed, inactive):
    frame = _purchases(seed)
    table, as_of, (monthly, churn, cohorts) = _month_views(frame, inactive)
    pd.testing.assert_frame_equal(monthly, monthly_of_table(table))
    pd.testing.assert_frame_equal(churn, churn_of_table(table, as_of, "M", inactive))
    pd.testing.assert_frame_equal(cohorts, cohorts_of_table(table, as_of, "M"))
    # nobody's purchases count in the revenue, never among buyers, spells or cohorts
    assert monthly["revenue"].iloc[0] == 5.0 and monthly["buyers"].iloc[0] == 0
    assert churn["period"].iloc[0] > pd.Timestamp("2020-11-01")
    assert monthly["purchases"].sum() == frame["date"].notna().sum()


def test_cells_count_spells_and_cohorts_of_a_known_history():
    """A buys in months 0, 1 and 5, B in month 1, nobody in month 2; two periods without a
    purchase end a spell."""
    frame = pd.DataFrame(
        {
            "customer_id": pd.Series(["A", "A", "A", "A", "B", None], dtype="string"),
            "date": pd.to_datetime(
                ["2024-01-03", "2024-01-03", "2024-02-10", "2024-06-01", "2024-02-11", "2024-03-01"]
            ),
            "amount": [1.0, 2.0, 3.0, 4.0, 10.0, 100.0],
        }
    )
    _, _, (monthly, churn, cohorts) = _month_views(frame, 2)
    assert monthly["revenue"].tolist() == [3.0, 13.0, 100.0, 0.0, 0.0, 4.0]
    assert monthly["purchases"].tolist() == [2, 2, 1, 0, 0, 1]
    assert monthly["buyers"].tolist() == [1, 2, 0, 0, 0, 1]
    assert churn["new"].tolist() == [1, 1, 0, 0, 0, 0]
    assert churn["reactivated"].tolist() == [0, 0, 0, 0, 0, 1]
    # spells end in month 1 (A and B) and churn two months later, in month 3
    assert churn["churned"].tolist() == [0, 0, 0, 2, 0, 0]
    assert cohorts[["periods_since", "active"]].to_numpy().tolist() == [
        [0, 1],
        [1, 1],
        [5, 1],
        [0, 1],
    ]
    assert cohorts["cohort_size"].tolist() == [1, 1, 1, 1]
