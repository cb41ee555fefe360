"""Small numpy helpers shared by the analyses."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Above this many possible keys a bitmap would cost more memory than sorting.
_BITMAP_LIMIT = 200_000_000


def distinct_sorted(keys: np.ndarray, upper: int) -> np.ndarray:
    """The distinct values of non-negative integer ``keys`` below ``upper``, in ascending order.

    Marks each key in a boolean bitmap of length ``upper`` and reads the marks back: O(n +
    upper) instead of a sort, several times faster than ``np.unique`` for a million keys over a
    few million possible values (customer × month pairs). When the range is too large for a
    bitmap: a sort and the first of each run (``np.unique`` hashes and is many times slower on
    millions of integers in numpy 2.4).
    """
    if upper > _BITMAP_LIMIT:
        ordered = np.sort(keys)
        return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered
    seen = np.zeros(upper, dtype=bool)
    seen[keys] = True
    return np.flatnonzero(seen)


def positions_in(values: pd.Series, ids: pd.Index) -> np.ndarray:
    """For each of ``values``, its position in ``ids`` (distinct), or -1 where it is absent or
    missing: ``ids.get_indexer(values)``.

    Text ids are looked up with Arrow's hash table (``pyarrow.compute.index_in``), three to
    four times faster than ``Index.get_indexer`` on pandas' Arrow-backed strings and without
    its large temporary hash of Python objects; other ids (integers, mixed objects) go to
    ``get_indexer``.
    """
    if pd.api.types.is_string_dtype(values.dtype) and pd.api.types.is_string_dtype(ids.dtype):
        try:
            needles = pa.array(values.array)
            haystack = pa.array(ids.array).cast(needles.type)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            return ids.get_indexer(values)
        found = pc.index_in(needles, value_set=haystack)
        return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.intp)
    return ids.get_indexer(values)
