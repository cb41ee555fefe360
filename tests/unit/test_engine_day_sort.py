"""Customer days by one sort of packed numbers: the engine's grouping, row for row.

The reference is the engine's own hash grouping (:func:`every_purchase_day` on DuckDB) of the
same keyed purchases, sorted the same way; amounts are compared as exact decimals."""

from decimal import Decimal

import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from kundenmodell.engine import day_sort, frame_days, pages, to_arrow
from kundenmodell.engine.connection import arrow_table, backend_of
from kundenmodell.engine.customers import customer_base, every_purchase_day, totals_of_days
from kundenmodell.engine.keys import keyed_of_arrays, purchase_arrays
from kundenmodell.engine.periods import period_cells
from kundenmodell.engine.purchases import last_day
from kundenmodell.engine.sorted_days import (
    KnownRuns,
    customer_base_of_sorted,
    period_cells_of_sorted,
)


def _engine_days(frame: pd.DataFrame) -> pd.DataFrame:
    arrays = purchase_arrays(frame)
    reduced = every_purchase_day(keyed_of_arrays(arrays).table)
    table = backend_of(reduced).to_pyarrow(reduced).to_pandas()
    table = table.sort_values(["customer_id", "day"], na_position="last")
    return table.reset_index(drop=True).astype({"rows": "int32"})


def _sorted_days(frame: pd.DataFrame) -> pd.DataFrame:
    return day_sort.sorted_day_totals(purchase_arrays(frame)).to_pandas()


AMOUNTS = st.one_of(
    st.floats(-1e6, 1e6, allow_nan=False),
    st.sampled_from([np.nan, np.inf, -np.inf, 0.00005, -0.00005, 0.00015, 1e-9, 12.345649]),
)


@st.composite
def purchase_frames(draw) -> pd.DataFrame:
    rows = draw(st.integers(1, 60))
    ids = draw(
        st.lists(
            st.sampled_from(["K1", "K10", "K2", "Ö", "a b", None]), min_size=rows, max_size=rows
        )
    )
    seconds = draw(
        st.lists(
            st.one_of(st.none(), st.integers(-3 * 86400, 20 * 86400)), min_size=rows, max_size=rows
        )
    )
    dates = pd.to_datetime(
        [
            None if s is None else pd.Timestamp("1970-01-01") + pd.Timedelta(seconds=s)
            for s in seconds
        ]
    )
    amounts = draw(st.lists(AMOUNTS, min_size=rows, max_size=rows))
    return pd.DataFrame(
        {"customer_id": pd.Series(ids, dtype="str"), "date": dates, "amount": amounts}
    )


@settings(max_examples=150, deadline=None)
@given(purchase_frames())
def test_the_sort_groups_as_the_engine_does(frame):
    pd.testing.assert_frame_equal(_sorted_days(frame), _engine_days(frame), check_dtype=False)
    days = day_sort.sorted_day_totals(purchase_arrays(frame))
    assert day_sort.day_table_totals(days) == totals_of_days(arrow_table(days))
    assert day_sort.last_of(days) == last_day(arrow_table(days))


def test_same_day_purchases_are_one_day_and_nulls_come_last():
    frame = pd.DataFrame(
        {
            "customer_id": pd.Series(["b", "a", None, "b", "b", "a"], dtype="str"),
            "date": pd.to_datetime(
                [
                    "2024-03-01 09:00:00",
                    "2024-03-02 00:00:00",
                    "2024-03-01",
                    "2024-03-01 18:30",
                    None,
                    "1969-12-31 23:59",
                ],
                format="mixed",
            ),
            "amount": [10.0, 2.5, 7.0, 0.125, np.nan, -1.0],
        }
    )
    days = _sorted_days(frame)
    assert days["customer_id"].tolist()[:4] == [0, 0, 1, 1]  # a, a, b, b
    assert pd.isna(days["customer_id"].iloc[4])
    assert [str(d) for d in days["day"]] == [
        "1969-12-31",
        "2024-03-02",
        "2024-03-01",
        "None",
        "2024-03-01",
    ]
    assert days["rows"].tolist() == [1, 1, 2, 1, 1]
    assert days["amount"].tolist() == [
        Decimal("-1.0000"),
        Decimal("2.5000"),
        Decimal("10.1250"),
        Decimal("0.0000"),
        Decimal("7.0000"),
    ]


def test_totals_and_last_day_equal_the_engine_queries():
    frame = pd.DataFrame(
        {
            "customer_id": pd.Series(["b", "a", None, "b", "c"], dtype="str"),
            "date": pd.to_datetime(["2024-03-01", "2024-03-02", "2024-05-01", None, None]),
            "amount": [10.0, 2.5, 7.0, 0.125, 1.0],
        }
    )
    days = day_sort.sorted_day_totals(purchase_arrays(frame))
    assert day_sort.day_table_totals(days) == totals_of_days(arrow_table(days)) == (5, 3, 20.625)
    assert day_sort.last_of(days) == pd.Timestamp("2024-05-01")
    undated = frame.assign(date=pd.NaT)
    assert day_sort.last_of(day_sort.sorted_day_totals(purchase_arrays(undated))) is None


def test_amounts_beyond_an_exact_float_sum_go_to_the_engine():
    frame = pd.DataFrame(
        {
            "customer_id": pd.Series(["a", "a", "b"], dtype="str"),
            "date": pd.to_datetime(["2024-01-01"] * 3),
            "amount": [4e11, 4e11, 1.0],  # 8e15 units at four places: beyond 2^53
        }
    )
    assert day_sort.sorted_day_totals(purchase_arrays(frame)) is None
    built = frame_days._build(frame)  # the engine's decimal sums instead
    assert built.totals == (3, 2, 800_000_000_001.0)


def test_numbers_that_need_more_than_63_bits_go_to_the_engine(monkeypatch):
    frame = pd.DataFrame(
        {
            "customer_id": pd.Series(["a", "b"], dtype="str"),
            "date": pd.to_datetime(["1900-01-01", "2200-01-01"]),
            "amount": [1.0, 2.0],
        }
    )
    monkeypatch.setattr(day_sort, "KEY_BITS", 10)
    assert day_sort.sorted_day_totals(purchase_arrays(frame)) is None
    assert frame_days._build(frame).totals == (2, 2, 3.0)


def test_huge_pages_are_switched_back_after_the_sort():
    switch = np._core.multiarray._set_madvise_hugepage
    before = switch(True)
    try:
        frame = pd.DataFrame(
            {"customer_id": ["a"], "date": pd.to_datetime(["2024-01-01"]), "amount": [1.0]}
        )
        with pages.small_pages():
            assert switch(False) is False  # off inside
            _sorted_days(frame)  # a nested user leaves it off
            assert switch(False) is False
        assert switch(True) is True  # and on again after the last one
    finally:
        switch(before)


@pytest.mark.parametrize("ids", [[3, 1, 3, 2], [3.0, 1.0, np.nan, 2.0]])
def test_numeric_ids_group_by_their_codes(ids):
    frame = pd.DataFrame(
        {"customer_id": ids, "date": pd.to_datetime(["2024-01-01"] * 4), "amount": [1.0] * 4}
    )
    pd.testing.assert_frame_equal(_sorted_days(frame), _engine_days(frame), check_dtype=False)


def _known_days(frame: pd.DataFrame):
    days = day_sort.sorted_day_totals(purchase_arrays(frame))
    table = arrow_table(days)
    return KnownRuns.of(days), table.filter(table["day"].notnull(), table["customer_id"].notnull())


def _ordered(table, keys) -> pd.DataFrame:
    frame = table.to_pandas() if hasattr(table, "to_pandas") else table
    return frame.sort_values(list(keys)).reset_index(drop=True)


@settings(max_examples=150, deadline=None)
@given(purchase_frames(), st.integers(1, 4))
def test_runs_give_the_engines_base_and_month_cells(frame, inactive_months):
    runs, known = _known_days(frame)
    base = customer_base_of_sorted(runs)
    expected = to_arrow(customer_base(known))
    assert base.schema == expected.schema
    pd.testing.assert_frame_equal(
        _ordered(base, ["customer_id"]), _ordered(expected, ["customer_id"])
    )
    cells = period_cells_of_sorted(runs, inactive_months)
    expected = to_arrow(period_cells(known, "M", inactive_months))
    assert cells.schema == expected.schema
    pd.testing.assert_frame_equal(
        _ordered(cells, ["ordinal", "cohort"]), _ordered(expected, ["ordinal", "cohort"])
    )


def test_month_cells_of_a_span_beyond_the_limit_go_to_the_engine():

    frame = pd.DataFrame(
        {
            "customer_id": pd.Series(["a", "a", "b"], dtype="str"),
            "date": pd.to_datetime(["1800-01-01", "2024-01-01", "2024-02-01"]),
            "amount": [1.0, 2.0, 3.0],
        }
    )
    runs, known = _known_days(frame)
    assert period_cells_of_sorted(runs, 12) is None
    kept = frame_days._build(frame)
    assert kept.runs

    assert _ordered(kept.month_cells(12), ["ordinal", "cohort"]).equals(
        _ordered(to_arrow(period_cells(known, "M", 12)), ["ordinal", "cohort"])
    )


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        ([None], (1, 0, 5.0)),
        (["a"], (1, 1, 5.0)),
        (["a", "a"], (2, 1, 10.0)),
        (["b", "a"], (2, 2, 10.0)),
    ],
)
def test_totals_of_the_smallest_tables(ids, expected):
    frame = pd.DataFrame(
        {
            "customer_id": pd.Series(ids, dtype="str"),
            "date": pd.to_datetime(["2024-01-01"] * len(ids)),
            "amount": [5.0] * len(ids),
        }
    )
    days = day_sort.sorted_day_totals(purchase_arrays(frame))
    assert day_sort.day_table_totals(days) == totals_of_days(arrow_table(days)) == expected


def test_customers_are_keyed_beside_the_grouping(monkeypatch):
    frame = pd.DataFrame(
        {
            "customer_id": pd.Series(["b", "a", "b", None], dtype="str"),
            "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]),
            "amount": [1.0, 2.0, 3.0, 4.0],
        }
    )
    customers = pd.Series(["c", "b", None, "a", "c"], dtype="str", name="customer_id")
    kept = frame_days._build(frame, customers)
    expected_keys, expected_ids = frame_days.customer_codes(customers, kept.ids)
    assert expected_keys.tolist() == [2, 1, -1, 0, 2]

    def computed_again(*args):
        raise AssertionError("the customers' keys were computed again")

    monkeypatch.setattr(frame_days, "customer_codes", computed_again)
    keyed = kept.keyed(customers)
    np.testing.assert_array_equal(keyed.customer_keys, expected_keys)
    assert list(keyed.ids) == list(expected_ids) == ["a", "b", "c"]
