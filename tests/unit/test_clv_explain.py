"""Which customer-value groups show almost nothing, and how likely their customers still buy."""

import math

import pandas as pd

from kundenmodell.clv.explain import mean_p_alive, near_zero_groups


def _table() -> pd.DataFrame:
    # 100 customers worth 500.20 € on average overall: 2 % of that is about 10 €
    return pd.DataFrame(
        {
            "group": ["champions", "at_risk", "cant_lose_them"],
            "customers": [40, 40, 20],
            "clv_total": [40 * 1_000.0, 40 * 250.0, 20 * 1.0],
            "clv_mean": [1_000.0, 250.0, 1.0],
            "p_alive_mean": [0.8, 0.3, 0.002],
        }
    )


def test_only_groups_below_two_percent_of_the_overall_mean():
    table = _table()
    overall = table["clv_total"].sum() / table["customers"].sum()
    assert math.isclose(overall, 500.2)
    assert near_zero_groups(table)["group"].tolist() == ["cant_lose_them"]
    assert near_zero_groups(table, share=0.6)["group"].tolist() == ["at_risk", "cant_lose_them"]


def test_nothing_is_near_zero_when_nothing_is_worth_anything():
    table = _table().assign(clv_total=0.0, clv_mean=0.0)
    assert near_zero_groups(table).empty


def test_chance_of_still_buying_is_weighted_by_customers():
    rows = _table().iloc[1:]
    assert math.isclose(mean_p_alive(rows), (40 * 0.3 + 20 * 0.002) / 60)
    assert math.isnan(mean_p_alive(rows.iloc[0:0]))
