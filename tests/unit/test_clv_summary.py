"""summary_from_transactions on a hand-made purchase table with known x, t_x, T and m."""

import numpy as np
import pandas as pd
import pytest

from kundenmodell import DataError
from kundenmodell.clv import summary_from_transactions
from kundenmodell.clv.summary import purchase_days


@pytest.fixture
def purchases() -> pd.DataFrame:
    rows = [
        # A: two purchases on 1 Jan (one purchase day, 15 €), then 8 Jan and 22 Jan; 5 Feb lies
        # after a 31 Jan observation end.
        ("A", "2024-01-01 09:00", 10.0),
        ("A", "2024-01-01 17:30", 5.0),
        ("A", "2024-01-08", 20.0),
        ("A", "2024-01-22", 30.0),
        ("A", "2024-02-05", 7.0),
        # B: one purchase only.
        ("B", "2024-01-15", 12.5),
        # C: first purchase after 31 Jan.
        ("C", "2024-02-03", 99.0),
        # D: two purchases on 10 Jan (one day) and one late on 31 Jan, the observation end.
        ("D", "2024-01-10 09:00", 4.0),
        ("D", "2024-01-10 18:00", 6.0),
        ("D", "2024-01-31 23:00", 40.0),
        # E: a return on the repeat day makes that day's total negative.
        ("E", "2024-01-02", 50.0),
        ("E", "2024-01-16", 30.0),
        ("E", "2024-01-16", -45.0),
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    frame["date"] = pd.to_datetime(frame["date"], format="ISO8601")
    return frame.sample(frac=1, random_state=3)  # order must not matter


def test_calibration_cut_in_weeks(purchases):
    summary = summary_from_transactions(purchases, observation_end="2024-01-31")
    assert list(summary.index) == ["A", "B", "D", "E"]  # C starts after the end
    assert summary.index.name == "customer_id"
    assert list(summary.columns) == ["frequency", "recency", "T", "monetary_value"]
    expected = pd.DataFrame(
        {
            "frequency": [2, 0, 1, 1],
            "recency": [21 / 7, 0.0, 21 / 7, 14 / 7],
            "T": [30 / 7, 16 / 7, 21 / 7, 29 / 7],
            "monetary_value": [(20 + 30) / 2, 0.0, 40.0, -15.0],
        },
        index=pd.Index(["A", "B", "D", "E"], name="customer_id"),
    )
    pd.testing.assert_frame_equal(summary, expected)
    assert summary["frequency"].dtype == np.int64
    assert summary.attrs["time_unit"] == "W"
    assert summary.attrs["observation_end"] == pd.Timestamp("2024-01-31")


def test_default_end_is_the_last_purchase_day_and_units(purchases):
    days = summary_from_transactions(purchases, time_unit="D")
    assert days.attrs["observation_end"] == pd.Timestamp("2024-02-05")
    a = days.loc["A"]
    assert (a["frequency"], a["recency"], a["T"]) == (3, 35.0, 35.0)
    assert a["monetary_value"] == pytest.approx((20 + 30 + 7) / 3)
    assert days.loc["C", "T"] == 2.0
    months = summary_from_transactions(purchases, time_unit="M")
    assert months.loc["A", "recency"] == pytest.approx(35 / 30.4375)


def test_other_column_names_and_string_dates():
    frame = pd.DataFrame(
        {
            "kunde": ["x", "x", "y"],
            "tag": ["2024-03-01", "2024-03-11", "2024-03-05"],
            "eur": [1, 2, 3],
        }
    )
    summary = summary_from_transactions(
        frame, customer_id_col="kunde", date_col="tag", amount_col="eur", time_unit="D"
    )
    assert summary.loc["x"].tolist() == [1, 10.0, 10.0, 2.0]
    assert summary.loc["y"].tolist() == [0, 0.0, 6.0, 0.0]


def test_purchase_days_sum_per_day(purchases):
    days = purchase_days(purchases)
    a = days[days["customer_id"] == "A"]
    assert a["amount"].tolist() == [15.0, 20.0, 30.0, 7.0]
    assert (a["day"] == a["day"].dt.normalize()).all()


def test_missing_column_is_named_before_anything_runs(purchases):
    with pytest.raises(DataError) as error:
        summary_from_transactions(purchases.drop(columns="amount"))
    assert error.value.key == "error.missing_column"
    assert error.value.params == {"table": "transactions", "column": "amount"}


def test_bad_unit_and_empty_period(purchases):
    with pytest.raises(DataError) as error:
        summary_from_transactions(purchases, time_unit="Y")
    assert error.value.key == "error.clv.unknown_time_unit"
    with pytest.raises(DataError) as error:
        summary_from_transactions(purchases, observation_end="2023-12-31")
    assert error.value.key == "error.clv.no_purchases"
    with pytest.raises(DataError) as error:
        summary_from_transactions(purchases, observation_end="not a date")
    assert error.value.key == "error.invalid_period"
