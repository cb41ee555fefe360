"""distinct_sorted equals np.unique, with and without the bitmap."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kundenmodell import arrays
from kundenmodell.arrays import distinct_sorted


@given(st.lists(st.integers(0, 999), max_size=300))
def test_distinct_sorted_equals_numpy_unique(values):
    keys = np.array(values, dtype=np.int64)
    np.testing.assert_array_equal(distinct_sorted(keys, 1_000), np.unique(keys))


def test_large_ranges_fall_back_to_sorting(monkeypatch):
    monkeypatch.setattr(arrays, "_BITMAP_LIMIT", 10)
    keys = np.array([7, 3, 7, 11, 3], dtype=np.int64)
    np.testing.assert_array_equal(distinct_sorted(keys, 1_000), [3, 7, 11])
