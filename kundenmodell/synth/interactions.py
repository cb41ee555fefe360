"""Interactions (e-mails, calls, visits, support cases, meetings) for every person in the CRM.

Everyone gets at least one interaction, leads included; how many more depends on the type
and the lifecycle stage. The first is the first contact; the others lie between it and the end
of the period. A buying customer was first contacted some weeks before the first purchase
(:func:`first_contact`), so the funnel's time from first contact to customer is plausible.
Only buying customers can have the outcome ``order_placed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kundenmodell.schema import INTERACTION_KINDS, STATUSES
from kundenmodell.synth import sampling
from kundenmodell.synth.types import (
    INTERACTION_OUTCOMES,
    INTERACTIONS_BY_STATUS,
    OUTCOMES_BY_KIND,
    CustomerType,
)

CUSTOMER = STATUSES.index("customer")
EMAIL = INTERACTION_KINDS.index("email")
REPLIED = INTERACTION_OUTCOMES.index("replied")
ORDER_PLACED = INTERACTION_OUTCOMES.index("order_placed")


@dataclass(frozen=True)
class Interactions:
    """One entry per interaction, sorted by customer and day (``kind``/``outcome`` are codes)."""

    customer: np.ndarray
    day: np.ndarray
    kind: np.ndarray
    outcome: np.ndarray

    def email_responses(self, n_customers: int) -> np.ndarray:
        """Replied e-mails per customer."""
        replied = (self.kind == EMAIL) & (self.outcome == REPLIED)
        return np.bincount(self.customer[replied], minlength=n_customers).astype(np.int64)


def _outcome_matrix() -> np.ndarray:
    """Outcome probabilities per kind, first for non-buyers (no orders), then for buyers."""
    buyers = sampling.mix_matrix(
        [OUTCOMES_BY_KIND[kind] for kind in INTERACTION_KINDS], INTERACTION_OUTCOMES
    )
    others = buyers.copy()
    others[:, ORDER_PLACED] = 0.0
    others /= others.sum(axis=1, keepdims=True)
    return np.vstack([others, buyers])


WALK_IN_SHARE = 0.15
"""Buyers whose first purchase was their first contact (a shop visit, an impulse order)."""
LAG_SHAPE, LAG_SCALE = 1.2, 25.0
"""Days from first contact to first purchase for the others: Gamma(1.2, 25), median ≈ 21 days,
one in ten over two months."""


def first_contact(
    rng: np.random.Generator, acquired: np.ndarray, is_customer: np.ndarray, start_day: int
) -> np.ndarray:
    """The day of first contact: ``acquired`` (the day a lead, contact or prospect entered the
    CRM, or a customer's first purchase) minus, for customers, a lag of
    ``Gamma(LAG_SHAPE, LAG_SCALE)`` days (0 for :data:`WALK_IN_SHARE` of them); never before
    ``start_day``, the start of the generated period."""
    lag = np.round(rng.gamma(LAG_SHAPE, LAG_SCALE, len(acquired))).astype(np.int64)
    lag[rng.random(len(acquired)) < WALK_IN_SHARE] = 0
    return np.maximum(acquired - np.where(is_customer, lag, 0), start_day)


def simulate_interactions(
    rng: np.random.Generator,
    type_index: np.ndarray,
    status: np.ndarray,
    first_day: np.ndarray,
    end_day: int,
    types: Sequence[CustomerType],
) -> Interactions:
    """Interactions of all customers (arrays per customer, ``first_day`` = first contact, the
    day of each person's first interaction)."""
    per_type = np.array([k.interactions_mean for k in types])
    per_status = np.array([INTERACTIONS_BY_STATUS[name] for name in STATUSES])
    counts = 1 + rng.poisson(per_type[type_index] * per_status[status])
    owner, u = sampling.sorted_uniforms(rng, counts)
    span = end_day - first_day + 1
    day = first_day[owner] + np.floor(u * span[owner]).astype(np.int64)
    day[np.cumsum(counts) - counts] = first_day  # everyone's first interaction: the contact
    kinds = sampling.mix_matrix([k.interaction_kind for k in types], INTERACTION_KINDS)
    kind = sampling.draw_grouped(rng, type_index[owner], kinds)
    group = kind.astype(np.int64) + len(INTERACTION_KINDS) * (status[owner] == CUSTOMER)
    outcome = sampling.draw_grouped(rng, group, _outcome_matrix())
    return Interactions(customer=owner, day=day, kind=kind, outcome=outcome)
