"""positions_in equals Index.get_indexer for every kind of id."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kundenmodell.arrays import positions_in

_IDS = st.lists(st.sampled_from(["K1", "K2", "k1", "Ø9", "", "K10"]), max_size=40)


@given(_IDS, _IDS)
def test_positions_in_equals_get_indexer_for_text_ids(values, ids):
    index = pd.Index(pd.unique(pd.Series(ids, dtype="str")))
    series = pd.Series(values, dtype="str")
    np.testing.assert_array_equal(positions_in(series, index), index.get_indexer(series))


@pytest.mark.parametrize(
    ("values", "ids"),
    [
        (pd.Series(["b", None, "z", "a"], dtype="str"), pd.Index(["a", "b"], dtype="str")),
        (pd.Series(["b", None, "z"], dtype="object"), pd.Index(["a", "b"], dtype="str")),
        (pd.Series([3, 1, 9]), pd.Index([1, 2, 3])),
        (pd.Series(["a", 1, None], dtype="object"), pd.Index(["a", 1], dtype="object")),
        (pd.Series(["a"], dtype="string[python]"), pd.Index(["x", "a"], dtype="str")),
    ],
)
def test_positions_in_for_missing_absent_and_mixed_ids(values, ids):
    found = positions_in(values, ids)
    np.testing.assert_array_equal(found, ids.get_indexer(values))
    assert found.dtype == np.intp
