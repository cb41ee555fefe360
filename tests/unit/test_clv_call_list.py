"""The call list: valuable customers who are probably leaving, ranked by the value at stake."""

import pandas as pd
import pytest

from kundenmodell import Dataset
from kundenmodell.clv.call_list import call_list


def _values() -> pd.DataFrame:
    """A customer_values-shaped table by hand: CLV = P(alive) · value if kept."""
    return pd.DataFrame(
        {
            "frequency": [4, 1, 9, 0],
            "p_alive": [0.9, 0.4, 0.1, 0.3],
            "clv": [900.0, 400.0, 50.0, 30.0],
            "last_purchase": pd.to_datetime(
                ["2026-06-01", "2025-11-02", "2024-05-05", "2025-01-01"]
            ),
        },
        index=pd.Index(["A", "B", "C", "D"], name="customer_id"),
    )


def _data() -> Dataset:
    customers = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D"],
            "first_name": ["Ada", "Ben", "Cem", None],
            "last_name": ["Lund", "Berg", "Kaya", None],
            "company": [None, "Berg AG", None, None],
            "email": ["ada@x.de", "ben@berg.de", None, "d@x.de"],
        }
    )
    purchases = pd.DataFrame(
        {
            "customer_id": ["B", "B", "C", "D", "A"],
            "date": pd.to_datetime(
                ["2025-01-01", "2025-11-02", "2024-05-05", "2025-01-01", "2026-06-01"]
            ),
            "amount": [100.0, 250.0, 80.0, 40.0, 10.0],
        }
    )
    return Dataset(customers=customers, transactions=purchases, name="t")


def test_only_likely_leavers_ranked_by_what_is_at_stake():
    calls = call_list(_values(), _data())
    # B: V = 400 / 0.4 = 1000, at stake 1000 · 0.6 = 600; C: V = 500, at stake 450;
    # D: V = 100, at stake 70; A (P(alive) 0.9) stays off the list.
    assert calls["customer_id"].tolist() == ["B", "C", "D"]
    assert calls["value_if_kept"].tolist() == pytest.approx([1000.0, 500.0, 100.0])
    assert calls["at_stake"].tolist() == pytest.approx([600.0, 450.0, 70.0])
    assert calls["revenue"].tolist() == pytest.approx([350.0, 80.0, 40.0])
    assert calls["purchases"].tolist() == [2, 10, 1]
    assert calls["stage"].tolist() == ["leaving", "gone", "leaving"]
    assert calls["name"].tolist() == ["Ben Berg (Berg AG)", "Cem Kaya", ""]
    assert calls["email"].tolist() == ["ben@berg.de", "", "d@x.de"]
    assert "phone" not in calls.columns  # the customer table has none


def test_count_and_threshold():
    assert call_list(_values(), _data(), count=1)["customer_id"].tolist() == ["B"]
    assert call_list(_values(), _data(), max_p_alive=0.2)["customer_id"].tolist() == ["C"]
