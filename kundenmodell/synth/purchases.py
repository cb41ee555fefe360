"""Purchases from a buy-till-you-die process: BG/NBD counts and timing, Gamma-Gamma spend.

For every buying customer (Fader, Hardie & Lee 2005, "Counting your customers the easy way"):

- the purchase rate while alive is ``λ ~ Gamma(shape=r, rate=alpha)`` per week, the dropout
  probability ``p ~ Beta(a, b)``;
- the first purchase is on the acquisition day; repeat purchases follow a Poisson process
  with rate ``λ`` (times the seasonal multiplier of the day, applied by thinning) up to the
  end day; an event at time ``t`` after the first purchase falls on day ``ceil(t)``;
- after each repeat purchase the customer drops out with probability ``p``: the number of
  repeat purchases they live to make is geometric, ``D ~ Geometric(p)`` on 1, 2, …, and the
  observed repeats are the first ``min(N, D)`` events of the process;
- each purchase spends ``z ~ Gamma(shape=p_spend, rate=ν)`` with ``ν ~ Gamma(q, rate=v)``
  per customer (Gamma-Gamma), independent of the timing.

All customers are drawn at once: event counts, sorted uniform event times per customer
(exponential spacings), thinning, ranks and the geometric cut-off are whole-array operations.
Candidate events are generated in a few rounds over the buyers who still need some (usually
two or three rounds), so events after a customer's dropout are never drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kundenmodell.schema import CONSUMER_ROLES
from kundenmodell.synth import sampling, season
from kundenmodell.synth.types import CATEGORIES, CHANNELS, CustomerType

GIFT = CONSUMER_ROLES.index("gift")
DAYS_PER_WEEK = 7.0


@dataclass(frozen=True)
class Purchases:
    """One entry per purchase, sorted by customer and day.

    ``customer`` indexes the customer table; ``day`` counts days since 1970-01-01;
    ``category``/``channel``/``role`` are codes into :data:`~kundenmodell.synth.types.CATEGORIES`,
    :data:`~kundenmodell.synth.types.CHANNELS` and :data:`~kundenmodell.schema.CONSUMER_ROLES`.
    """

    customer: np.ndarray
    day: np.ndarray
    amount: np.ndarray
    quantity: np.ndarray
    category: np.ndarray
    channel: np.ndarray
    role: np.ndarray


def simulate_purchases(
    rng: np.random.Generator,
    buyers: np.ndarray,
    type_index: np.ndarray,
    first_day: np.ndarray,
    end_day: int,
    types: Sequence[CustomerType],
    money_factor: float,
    seasonality: float,
) -> Purchases:
    """Purchases of the customers ``buyers`` (customer indices, ascending).

    ``type_index`` and ``first_day`` are per buyer; ``first_day`` is the acquisition day, which
    is also the first purchase. Spend is scaled to the locale currency by ``money_factor``.
    """
    m = len(buyers)
    params = np.array(
        [
            [
                k.purchases.r,
                k.purchases.alpha,
                k.purchases.a,
                k.purchases.b,
                k.spend.p,
                k.spend.q,
                k.spend.v * money_factor,
                k.quantity_mean,
                k.december_gift,
            ]
            for k in types
        ]
    )
    per_buyer = params[type_index]
    rate = rng.gamma(per_buyer[:, 0], 1 / per_buyer[:, 1]) / DAYS_PER_WEEK  # per day
    dropout = np.clip(rng.beta(per_buyer[:, 2], per_buyer[:, 3]), 1e-12, 1.0)
    nu = rng.gamma(per_buyer[:, 5], 1 / per_buyer[:, 6])
    lifetime = rng.geometric(dropout)  # repeat purchases until the customer drops out
    owner, event_day, rank = _repeat_purchases(rng, rate, lifetime, first_day, end_day, seasonality)

    # Lay out rows: each buyer's first purchase, then their repeats in time order.
    rows = 1 + np.bincount(owner, minlength=m)  # repeats have ranks 1 … x per buyer
    first_row = np.cumsum(rows) - rows
    row_owner = np.repeat(np.arange(m), rows)
    day = np.empty(int(rows.sum()), dtype=np.int64)
    day[first_row] = first_day
    day[first_row[owner] + rank] = event_day

    row_type = type_index[row_owner]
    amount = np.empty(len(day))
    for index in range(len(types)):  # scalar-shape gamma draws are faster than per-row shapes
        rows_of_type = np.flatnonzero(row_type == index)
        amount[rows_of_type] = rng.standard_gamma(params[index, 4], len(rows_of_type))
    amount /= nu[row_owner]
    amount = np.maximum(np.round(amount, 2), 0.01)
    quantity = 1 + rng.poisson(np.maximum(params[:, 7] - 1, 0)[row_type])

    def mixes(attribute: str, keys: Sequence[str]) -> np.ndarray:
        probs = sampling.mix_matrix([getattr(k, attribute) for k in types], keys)
        return sampling.draw_grouped(rng, row_type, probs)

    category = mixes("category", CATEGORIES)
    channel = mixes("channel", CHANNELS)
    role = mixes("consumer_role", CONSUMER_ROLES)
    gift = (sampling.month_of(day) == 12) & (rng.random(len(day)) < params[row_type, 8])
    role[gift] = GIFT
    return Purchases(
        customer=buyers[row_owner],
        day=day,
        amount=amount,
        quantity=quantity.astype(np.int64),
        category=category,
        channel=channel,
        role=role,
    )


def _repeat_purchases(
    rng: np.random.Generator,
    rate: np.ndarray,
    lifetime: np.ndarray,
    first_day: np.ndarray,
    end_day: int,
    seasonality: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Repeat purchases of every buyer: ``(buyer, day, rank)`` with ranks 1, 2, … per buyer.

    The candidate events form a homogeneous Poisson process with the peak seasonal rate on
    (first day, end day]: ``N ~ Poisson(λ·peak·T)`` of them at sorted uniform times. Each is
    kept with probability ``multiplier(day) / peak`` (thinning; all are kept without season),
    and the buyer's first ``D`` kept events are their repeat purchases (then they drop out).
    Candidates are generated in rounds of about as many as still needed, in time order, so
    the many events after a buyer's dropout are never drawn: the next round continues from
    the last candidate, whose successors are the order statistics of the remaining
    uniforms above it.
    """
    m = len(rate)
    span = (end_day - first_day).astype(np.float64)
    peak = season.max_multiplier(seasonality)
    low_day = int(first_day.min()) if m else end_day
    multiplier = season.multiplier(np.arange(low_day, end_day + 1), seasonality)
    remaining = rng.poisson(rate * peak * span)  # candidates not drawn yet
    needed = lifetime.copy()  # repeats the buyer lives to make, not found yet
    covered = np.zeros(m)  # fraction of the buyer's window already scanned
    found = np.zeros(m, dtype=np.int64)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    active = np.flatnonzero((remaining > 0) & (needed > 0))
    while active.size:
        wanted = needed[active] if seasonality == 0 else np.ceil(needed[active] * peak) + 2
        batch = np.minimum(remaining[active], wanted).astype(np.int64)
        local, u = sampling.sorted_uniforms(rng, batch, remaining[active])
        start, width = covered[active], 1 - covered[active]
        position = start[local] + width[local] * u
        day = first_day[active][local] + np.maximum(np.ceil(position * span[active][local]), 1)
        day = day.astype(np.int64)
        has_batch = batch > 0
        covered[active[has_batch]] = position[np.cumsum(batch)[has_batch] - 1]
        remaining[active] -= batch
        if seasonality > 0:
            keep = rng.random(len(day)) * peak < multiplier[day - low_day]
            local, day = local[keep], day[keep]
        buyer = active[local]
        rank = found[buyer] + sampling.ranks_within(local, len(active))
        alive = rank <= lifetime[buyer]
        parts.append((buyer[alive], day[alive], rank[alive]))
        kept = np.bincount(local, minlength=len(active))
        found[active] += kept
        needed[active] = np.maximum(needed[active] - kept, 0)
        active = active[(remaining[active] > 0) & (needed[active] > 0)]
    if not parts:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty
    return tuple(np.concatenate(column) for column in zip(*parts, strict=True))
