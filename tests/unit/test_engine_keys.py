"""Integer customer keys: codes follow the ids' order, map back exactly, and odd ids survive."""

import numpy as np
import pandas as pd

from kundenmodell import engine


def _frame(ids: list) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ids,
            "date": pd.to_datetime(["2024-01-02"] * len(ids)),
            "amount": np.arange(len(ids), dtype=float),
        }
    )


def test_codes_follow_the_sorted_ids_and_map_back():
    keyed = engine.keyed_purchases(_frame(["K9", "K10", "Ä1", "K9", None]))
    rows = engine.to_pandas(keyed.table)
    assert list(keyed.ids) == ["K10", "K9", "Ä1"]  # code order = byte order of the text
    assert rows["customer_id"].isna().tolist() == [False, False, False, False, True]
    assert list(keyed.ids_of(rows["customer_id"].iloc[:4])) == ["K9", "K10", "Ä1", "K9"]
    kept = engine.to_pandas(keyed.codes_of(pd.Series(["Ä1", "unknown", "K10"])))
    assert sorted(kept["customer_id"]) == [0, 2]


def test_mixed_ids_keep_the_text_path():
    keyed = engine.keyed_purchases(_frame([1, "a", 1]))
    assert keyed.ids is None
    assert list(keyed.ids_of(pd.Series(["1", "a"]))) == ["1", "a"]


def test_dates_as_text_become_days_before_and_after_1970():
    frame = _frame(["a", "b", "c"]).assign(date=["1969-12-31 23:00", "2024-02-29", "nonsense"])
    rows = engine.to_pandas(engine.keyed_purchases(frame).table)
    assert [str(d) if d is not None else None for d in rows["date"]] == [
        "1969-12-31",
        "2024-02-29",
        None,
    ]


def test_never_bought_by_key_equals_the_text_alignment():
    from kundenmodell.segments.activity import keyed_with_never_bought, with_never_bought

    keyed = engine.keyed_purchases(_frame(["b", "x", "a", "b"]))  # x is not a customer
    # keys 0, 1, 2 are the ids a, b, x
    classes = pd.Series(["regular", "lapsed", "one_time"], index=[0, 1, 2], name="activity")
    customers = pd.DataFrame({"customer_id": ["c", "b", "a", None, "c"]})
    expected = with_never_bought(classes.set_axis(keyed.ids_of(classes.index)), customers)
    codes = pd.Categorical(classes, categories=engine.BUYER_CLASSES).codes
    result = keyed_with_never_bought(np.array([0, 1, 2]), codes, keyed, customers)
    pd.testing.assert_series_equal(result, expected)
    assert result.index[[0, 1, 2, 4]].tolist() == ["c", "b", "a", "x"]
    assert result.astype(str).tolist() == [
        "never_bought",
        "lapsed",
        "regular",
        "never_bought",
        "one_time",
    ]


def test_customers_without_purchases_get_keys_after_the_buyers():
    customers = pd.Series(["z", "b", None, "q", "z", "a"], dtype="string")
    keyed = engine.purchase_days(_frame(["b", "x", "a", "b"])).keyed(customers)
    assert list(keyed.ids) == ["a", "b", "x", "z", "q"]  # buyers sorted, then the others
    assert keyed.customer_keys.tolist() == [3, 1, -1, 4, 3, 0]
    assert list(keyed.ids_of(keyed.customer_keys[keyed.customer_keys >= 0])) == [
        "z",
        "b",
        "q",
        "z",
        "a",
    ]
    numbers = engine.purchase_days(_frame(["1", "2"])).keyed(pd.Series([2, 1, 3]))
    assert numbers.customer_keys.tolist() == [2, 3, 4]  # 2 is not "2": no purchases
    assert numbers.ids.tolist() == ["1", "2", 2, 1, 3]


def test_never_bought_with_customer_keys_keeps_each_customer_once_in_order():
    from kundenmodell.segments.activity import (
        first_rows,
        keyed_with_never_bought,
        with_never_bought,
    )

    assert first_rows(np.array([3, -1, 0, 3, -1, 1, 0]), 4).tolist() == [0, 1, 2, 5]
    assert first_rows(np.array([], dtype=np.int64), 0).tolist() == []
    customers = pd.DataFrame(
        {"customer_id": pd.Series(["c", "b", None, "a", "c", "q", None, "b"], dtype="str")}
    )
    keyed = engine.purchase_days(_frame(["b", "x", "a", "b"])).keyed(customers["customer_id"])
    buyers = np.array([0, 1, 2])  # a, b, x
    codes = np.array([0, 3, 2], dtype=np.int8)  # regular, lapsed, one_time
    result = keyed_with_never_bought(buyers, codes, keyed, customers, keyed.customer_keys)
    classes = pd.Series(
        ["regular", "lapsed", "one_time"], index=keyed.ids_of(buyers), name="activity"
    )
    expected = with_never_bought(classes, customers)
    pd.testing.assert_series_equal(result, expected)
    assert result.index[[0, 1, 3, 4, 5]].tolist() == ["c", "b", "a", "q", "x"]
    assert pd.isna(result.index[2])


def test_chunked_text_ids_get_one_set_of_codes():
    """Arrow-backed ids in several chunks (one empty, some missing) are coded as the sorted
    distinct ids of all chunks, whichever chunk an id first appears in."""
    import pyarrow as pa

    from kundenmodell.engine.keys import sorted_codes

    chunks = [["K2", None, "K10"], [], ["Ä", "K2", "A"], [None], ["K10", "B"]]
    arrow = pa.chunked_array(chunks, type=pa.large_string())
    ids = pd.Series(pd.arrays.ArrowStringArray(arrow))
    codes, distinct = sorted_codes(ids)
    flat = [value for chunk in chunks for value in chunk]
    expected = sorted({value for value in flat if value is not None})
    assert list(distinct) == expected
    assert [None if c is None else distinct[c] for c in codes.to_pylist()] == flat
    assert codes.type == pa.int32()
