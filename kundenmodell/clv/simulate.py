"""Customers drawn from the BG/NBD model: histories with known parameters, for checking that a
fit recovers them (tests), timing the fitter (bench/clv.py) or showing in a notebook what the
model assumes.

While alive, a customer buys as a Poisson process with rate λ ~ Gamma(shape r, rate α); after
each repeat purchase they drop out with probability p ~ Beta(a, b). Observed for T ~ U(low,
high) since the first purchase, the repeat purchases before dropout are D ~ Geom(p) on 1, 2, …,
the Poisson events in (0, T] number N ~ Poisson(λT), x = min(N, D), and the x-th of N sorted
uniform times is t_x = T · Beta(x, N − x + 1).
"""

from __future__ import annotations

import numpy as np


def simulate_histories(
    n: int,
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
    seed: int = 0,
    age_range: tuple[float, float] = (20.0, 80.0),
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Frequency x, recency t_x and age T of ``n`` customers (float arrays, the arguments of
    :meth:`kundenmodell.clv.BetaGeoModel.fit`), drawn at once as the module docstring says."""
    rng = np.random.default_rng(seed)
    rate = rng.gamma(r, 1 / alpha, n)
    dropout = rng.beta(a, b, n)
    age = rng.uniform(*age_range, n)
    events = rng.poisson(rate * age)
    x = np.minimum(events, rng.geometric(dropout))
    t_x = np.zeros(n)
    repeat = x > 0
    t_x[repeat] = age[repeat] * rng.beta(x[repeat], events[repeat] - x[repeat] + 1)
    return x.astype(np.float64), t_x, age
