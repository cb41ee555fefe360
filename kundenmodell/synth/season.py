"""The yearly season of buying: a smooth bump that peaks in mid-December.

With seasonality ``s`` the purchase rate on day ``d`` is multiplied by
``(1 + s·bump(d)) / (1 + s·MEAN_BUMP)``: it peaks before Christmas and its mean over a year
stays 1, so the BG/NBD parameters keep their meaning as yearly averages. ``s = 0`` gives the
homogeneous process.
"""

from __future__ import annotations

import math

import numpy as np

PEAK_DAY = int(np.datetime64("1970-12-12", "D").astype(np.int64))
"""Day of the peak (any year); days count from 1970-01-01."""
SHAPE = 6
"""Sharpness of the bump: ``bump = ((1 + cos(2π·(d − peak)/year)) / 2) ** SHAPE``."""
YEAR = 365.2425
MEAN_BUMP = math.comb(2 * SHAPE, SHAPE) / 4**SHAPE
"""The bump's mean over a year (exact for the cosine power)."""


def bump(days: np.ndarray) -> np.ndarray:
    """The seasonal bump in [0, 1] on days since 1970-01-01 (1 on 12 December)."""
    phase = 2 * np.pi * (np.asarray(days, dtype=np.float64) - PEAK_DAY) / YEAR
    return ((1 + np.cos(phase)) / 2) ** SHAPE


def multiplier(days: np.ndarray, seasonality: float) -> np.ndarray:
    """Factor on the purchase rate on ``days``; its yearly mean is 1."""
    return (1 + seasonality * bump(days)) / (1 + seasonality * MEAN_BUMP)


def max_multiplier(seasonality: float) -> float:
    """The largest value :func:`multiplier` takes (on the peak day)."""
    return (1 + seasonality) / (1 + seasonality * MEAN_BUMP)
