"""Vectorised sampling helpers: draws per group, sorted times per group, strings from pools.

Everything here works on whole columns with numpy and pyarrow; nothing loops over rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kundenmodell.synth.types import Mix


def mix_matrix(mixes: Sequence[Mix], keys: Sequence[str]) -> np.ndarray:
    """One row of probabilities over ``keys`` per mix (rows normalised to sum to one).

    A key a mix names but ``keys`` lacks is a mistake in the type data and raises ValueError.
    """
    position = {key: index for index, key in enumerate(keys)}
    matrix = np.zeros((len(mixes), len(keys)))
    for row, weights in enumerate(mixes):
        for key, weight in weights:
            if key not in position:
                raise ValueError(f"unknown value {key!r}; expected one of {tuple(keys)}")
            matrix[row, position[key]] += weight
    totals = matrix.sum(axis=1, keepdims=True)
    if np.any(totals <= 0) or np.any(matrix < 0):
        raise ValueError("every mix needs non-negative weights with a positive sum")
    return matrix / totals


def alias_tables(probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Walker/Vose alias tables for each row of ``probs`` (flattened, row-major).

    Cell ``j`` of group ``g`` keeps ``j`` with probability ``prob[g, j]`` and otherwise gives
    ``alias[g, j]``; picking a cell uniformly then reproduces the row's distribution exactly.
    The loops run over groups and categories (a handful, at most a few thousand), not rows.
    """
    n_groups, n_categories = probs.shape
    prob = np.zeros((n_groups, n_categories))
    alias = np.zeros((n_groups, n_categories), dtype=np.int64)
    for group in range(n_groups):
        row = probs[group]
        scaled = (row * n_categories).tolist()
        small = [j for j, value in enumerate(scaled) if value < 1]
        large = [j for j, value in enumerate(scaled) if value >= 1]
        while small and large:
            low, high = small.pop(), large.pop()
            prob[group, low], alias[group, low] = scaled[low], high
            scaled[high] += scaled[low] - 1
            (small if scaled[high] < 1 else large).append(high)
        # Leftovers are full cells up to rounding; a category of probability 0 never keeps.
        best = int(np.argmax(row))
        for j in large + small:
            positive = row[j] > 0
            prob[group, j], alias[group, j] = (1.0 if positive else 0.0), (j if positive else best)
    return prob.ravel(), alias.ravel()


def draw_grouped(rng: np.random.Generator, groups: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Draw one category per row, row ``i`` from the distribution ``probs[groups[i]]``.

    ``probs`` is a ``(groups, categories)`` matrix of row-normalised probabilities. Uses alias
    tables: one uniform per row picks a cell (its integer part) and decides between the cell
    and its alias (its fraction), so the cost per row does not depend on the number of
    categories. Categories of probability zero are never drawn.
    """
    n_categories = probs.shape[1]
    code_type = np.int16 if n_categories > 127 else np.int8
    prob, alias = alias_tables(probs)
    x = rng.random(len(groups))
    x *= n_categories
    cell = x.astype(np.int32)
    np.minimum(cell, n_categories - 1, out=cell)  # only a guard: u < 1 keeps x < n_categories
    x -= cell
    flat = np.asarray(groups).astype(np.int32) * n_categories
    flat += cell
    return np.where(x < prob[flat], cell.astype(code_type), alias.astype(code_type)[flat])


def sorted_uniforms(
    rng: np.random.Generator, counts: np.ndarray, totals: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The ``counts[g]`` smallest of ``totals[g]`` uniforms on (0, 1), for every group ``g``.

    Returns ``(owner, u)``: the group of each value and the values, ascending within a group,
    groups one after another. ``totals`` defaults to ``counts`` (all of them). Uses spacings:
    with ``S_j`` the partial sums of exponentials, ``S_j / (S_k + G)`` for ``j ≤ k`` and
    ``G ~ Gamma(n − k + 1)`` are the ``k`` smallest order statistics of ``n`` uniforms, so
    nothing is sorted and the ``n − k`` larger values are never drawn.
    """
    counts = np.asarray(counts, dtype=np.int64)
    totals = counts if totals is None else np.asarray(totals, dtype=np.int64)
    owner = np.repeat(np.arange(len(counts)), counts)
    partial = np.cumsum(rng.standard_exponential(int(counts.sum())))
    padded = np.concatenate(([0.0], partial))
    ends = np.cumsum(counts)
    before = padded[ends - counts]
    total = padded[ends] - before + rng.standard_gamma(totals - counts + 1.0)
    return owner, (partial - before[owner]) / total[owner]


def ranks_within(owner: np.ndarray, n_groups: int) -> np.ndarray:
    """1-based position of every row within its group (rows grouped by ``owner`` ascending)."""
    counts = np.bincount(owner, minlength=n_groups)
    starts = np.cumsum(counts) - counts
    return np.arange(len(owner)) - starts[owner] + 1


def pool(values: Iterable[str]) -> pa.LargeStringArray:
    """A pool of strings to draw from with :func:`take` (large_string, as pandas stores str)."""
    return pa.array(list(values), type=pa.large_string())


def take(values: pa.Array, indices: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """``values[indices]`` as an arrow array; rows where ``missing`` is True become null."""
    index = pa.array(np.asarray(indices, dtype=np.int64), mask=missing)
    return values.take(index)


def join(*parts: pa.Array | str) -> pa.Array:
    """Concatenate string arrays (and constant strings) row by row."""
    text = pa.large_string()
    values = [pa.scalar(part, text) if isinstance(part, str) else part for part in parts]
    return pc.binary_join_element_wise(*values, pa.scalar("", text))


def fixed_width(chars: np.ndarray) -> pa.LargeStringArray:
    """Rows of an ``(n, width)`` uint8 ASCII matrix as strings, without a Python loop."""
    n, width = chars.shape
    data = np.ascontiguousarray(chars, dtype=np.uint8).ravel()
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64)
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def fill_pattern(rng: np.random.Generator, n: int, pattern: str) -> pa.Array:
    """``n`` strings of ``pattern`` with ``#`` replaced by random digits and ``N`` by 2–9."""
    chars = np.tile(np.frombuffer(pattern.encode("ascii"), dtype=np.uint8), (n, 1))
    for symbol, low in (("#", 0), ("N", 2)):
        columns = [index for index, char in enumerate(pattern) if char == symbol]
        if columns:
            digits = rng.integers(low, 10, size=(n, len(columns)), dtype=np.uint8)
            chars[:, columns] = digits + ord("0")
    return fixed_width(chars)


def numbered(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """``prefix`` followed by each number zero-padded to ``width`` digits (``C0000001``)."""
    numbers = np.asarray(numbers, dtype=np.int64)
    chars = np.empty((len(numbers), len(prefix) + width), dtype=np.uint8)
    chars[:, : len(prefix)] = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    rest = numbers.copy()
    for column in range(len(prefix) + width - 1, len(prefix) - 1, -1):
        chars[:, column] = rest % 10 + ord("0")
        rest //= 10
    return fixed_width(chars)


def to_series(values: pa.Array) -> pd.Series:
    """An arrow string array as a pandas Series of the default ``str`` dtype (no copy)."""
    return pd.Series(values, dtype="str")


def categorical(codes: np.ndarray, categories: Sequence[str], ordered: bool = False) -> pd.Series:
    """Integer codes as a pandas Categorical Series with a fixed category list."""
    return pd.Series(
        pd.Categorical.from_codes(
            codes, categories=pd.Index(categories, dtype="str"), ordered=ordered
        )
    )


def days_to_datetime(days: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 as ``datetime64[s]`` at midnight."""
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[s]")


def month_of(days: np.ndarray) -> np.ndarray:
    """Calendar month (1–12) of days since 1970-01-01."""
    days = np.asarray(days, dtype=np.int64)
    if len(days) == 0:
        return np.empty(0, dtype=np.int64)
    low = int(days.min())
    calendar = np.arange(low, int(days.max()) + 1).astype("datetime64[D]")
    months = calendar.astype("datetime64[M]").astype(np.int64) % 12 + 1
    return months[days - low]
