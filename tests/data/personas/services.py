"""Family "services": four groups of a pharmacy chain, told apart mainly by what they buy and
for whom (genuine purchase mixes that drift from purchase to purchase).

What separates the groups (everything else is noise or a copy):

==============  =====  =====  ==========  =======  =================================  ==========
group           share  age    purchases   basket   buys mostly                        for whom
==============  =====  =====  ==========  =======  =================================  ==========
self_carers     40 %   45     6 / year    30 €     cosmetics, vitamins                self
young_parents   25 %   33     10 / year   35 €     baby care, medicine                child
caregivers      20 %   58     12 / year   45 €     medicine, care products            other, partner
gift_shoppers   15 %   40     3 / year    60 €     fragrance, cosmetics               gift
==============  =====  =====  ==========  =======  =================================  ==========

Each customer's own mix is a Dirichlet draw around the group's (concentration 8: customers of
one group differ noticeably), and each purchase a draw from that.

The traps:

- ``channel`` is a genuine per-purchase mix (app or counter) that has nothing to do with the
  group, but each customer leans their own way;
- ``contact_preference`` and ``acquisition_channel`` come from the same sign-up form
  (e-mail ↔ newsletter, phone ↔ call centre, post ↔ catalogue): a redundant pair, and noise;
- ``income``, ``gender`` and the NPS score are noise;
- 30 % of ages, 30 % of incomes, 15 % of categories and 20 % of consumer roles are missing.
"""

from __future__ import annotations

import numpy as np

from kundenmodell.dataset import Dataset
from tests.data.personas._common import (
    Group,
    assign_groups,
    blank,
    dataset,
    draw_customers,
    draw_purchases,
    pick,
)

GROUPS = {
    "self_carers": Group(
        share=0.40, age=(45, 12), income=45_000, rate=6, basket=30, quantity=2,
        category={"cosmetics": 0.45, "vitamins": 0.35, "medicine": 0.2},
        role={"self": 0.85, "partner": 0.15},
    ),
    "young_parents": Group(
        share=0.25, age=(33, 5), income=45_000, rate=10, basket=35, quantity=3,
        category={"baby_care": 0.5, "medicine": 0.3, "cosmetics": 0.2},
        role={"child": 0.75, "self": 0.25},
    ),
    "caregivers": Group(
        share=0.20, age=(58, 8), income=45_000, rate=12, basket=45, quantity=3,
        category={"medicine": 0.55, "care": 0.35, "vitamins": 0.1},
        role={"other": 0.5, "partner": 0.3, "self": 0.2},
    ),
    "gift_shoppers": Group(
        share=0.15, age=(40, 14), income=45_000, rate=3, basket=60, quantity=1.5,
        category={"fragrance": 0.5, "cosmetics": 0.4, "vitamins": 0.1},
        role={"gift": 0.8, "self": 0.2},
    ),
}  # fmt: skip

MIX_CONCENTRATION = 8.0
FORM = {"email": "newsletter", "phone": "call_centre", "post": "catalogue"}


def generate(n_customers: int = 4_000, seed: int = 0) -> Dataset:
    """The services family: ``n_customers`` customers, all of whom buy at least once."""
    rng = np.random.default_rng([seed, 303])
    group = assign_groups(GROUPS, n_customers, rng)
    customers = draw_customers(GROUPS, group, rng, prefix="S")
    purchases, owner = draw_purchases(
        GROUPS, group, rng, customers["customer_id"], mix_concentration=MIX_CONCENTRATION
    )
    leaning = rng.beta(2, 2, n_customers)  # each customer's own share of app purchases
    app = pick(np.column_stack([leaning, 1 - leaning])[owner], rng) == 0
    purchases["channel"] = np.where(app, "app", "counter")
    preference = rng.choice(list(FORM), n_customers, p=[0.6, 0.25, 0.15])
    customers["contact_preference"] = preference
    customers["acquisition_channel"] = [FORM[value] for value in preference]
    customers["gender"] = rng.choice(
        ["female", "male", "diverse"], n_customers, p=[0.6, 0.38, 0.02]
    )
    blank(customers, {"age": 0.3, "income": 0.3}, rng)
    blank(purchases, {"category": 0.15, "consumer_role": 0.2}, rng)
    return dataset("services", customers, purchases, np.array(list(GROUPS))[group])
