"""Shared pieces of the benchmarks: a large test data set, best-of timing, peak memory."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from kundenmodell.dataset import Dataset
from kundenmodell.synth import generate


def with_purchases(n_customers: int, n_purchases: int, seed: int) -> Dataset:
    """Synthetic customers whose purchases are resampled (with replacement, dates jittered by
    up to ±60 days inside the period) up to ``n_purchases`` rows."""
    data = generate(n_customers, seed=seed)
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, len(data.transactions), n_purchases)
    purchases = data.transactions.iloc[rows].reset_index(drop=True)
    start, end = data.period
    jitter = pd.to_timedelta(rng.integers(-60, 61, n_purchases), unit="D")
    purchases["date"] = (purchases["date"] + jitter).clip(start, end)
    data.transactions = purchases.sort_values(["customer_id", "date"], ignore_index=True)
    return data


def best_of(runs: int, function: Callable[[], object]) -> float:
    """The fastest of ``runs`` calls of ``function``, in seconds."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def peak_mb() -> float:
    """Peak resident memory of this process so far (``VmHWM``, in MB): run in a fresh child, it
    is what that child's steps needed."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("VmHWM not in /proc/self/status")
