"""Family "wholesale": five groups of a DIY and trade store, two of them companies.

What separates the groups (everything else is noise or a copy):

=============  =====  =====  ========  ===============  ==========  ===================
group          share  age    income    relationship     purchases   items per purchase
=============  =====  =====  ========  ===============  ==========  ===================
diy_private    45 %   45     40,000    external, b2c    3 / year    2
hobby_pros     20 %   60     65,000    external, b2c    14 / year   6
staff           8 %   32     34,000    internal, b2c    10 / year   1.5 (staff shop)
craftsmen      20 %   –      –         external, b2b    40 / year   40
retail_chains   7 %   –      –         external, b2b    80 / year   300
=============  =====  =====  ========  ===============  ==========  ===================

plus each group's category mix (garden and paint; tools and wood; a bit of everything;
tools, electrics and plumbing; everything in bulk).

The traps:

- every item costs about 12.50 €, so the mean basket repeats the mean quantity (a redundant
  numeric pair);
- ``channel`` is nearly a customer-level fact: each customer has a home channel (counter,
  app, online, EDI for the chains) and 96 % of their purchases go through it;
- the companies have no age, gender or income at all;
- ``gender``, ``city`` and ``reminders`` are noise;
- purchase counts run from 1 to many hundreds;
- 15 % of ages, 25 % of incomes, 30 % of NPS answers, 10 % of quantities and 10 % of
  channels are missing.
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
    mix_matrix,
    pick,
)

ITEM_PRICE = 12.5
GROUPS = {
    "diy_private": Group(
        share=0.45, age=(45, 10), income=40_000, rate=3, basket=25, quantity=2,
        category={"garden": 0.45, "paint": 0.35, "tools": 0.2}, role={"self": 1.0},
        extra={"channel": {"counter": 0.5, "app": 0.3, "online": 0.2}},
    ),
    "hobby_pros": Group(
        share=0.20, age=(60, 7), income=65_000, rate=14, basket=75, quantity=6,
        category={"tools": 0.5, "wood": 0.4, "electrics": 0.1}, role={"self": 0.8, "gift": 0.2},
        extra={"channel": {"counter": 0.5, "app": 0.3, "online": 0.2}},
    ),
    "staff": Group(
        share=0.08, age=(32, 8), income=34_000, rate=10, basket=19, quantity=1.5,
        category={"garden": 0.25, "paint": 0.25, "tools": 0.25, "electrics": 0.25},
        role={"self": 0.7, "partner": 0.3}, relationship="internal",
        extra={"channel": {"counter": 1.0}},
    ),
    "craftsmen": Group(
        share=0.20, age=None, income=None, rate=40, basket=500, quantity=40,
        category={"tools": 0.3, "electrics": 0.4, "plumbing": 0.3}, role={"employee": 1.0},
        customer_type="b2b", extra={"channel": {"counter": 0.6, "app": 0.4}},
    ),
    "retail_chains": Group(
        share=0.07, age=None, income=None, rate=80, basket=3_750, quantity=300,
        category={"garden": 0.3, "paint": 0.3, "tools": 0.2, "plumbing": 0.2},
        role={"other": 1.0}, customer_type="b2b", extra={"channel": {"edi": 1.0}},
    ),
}  # fmt: skip

HOME_CHANNEL_SHARE = 0.96
CITIES = np.array(["Oslo", "Bergen", "Trondheim", "Stavanger", "Tromsø", "Drammen"])


def generate(n_customers: int = 4_000, seed: int = 0) -> Dataset:
    """The wholesale family: ``n_customers`` customers, all of whom buy at least once."""
    rng = np.random.default_rng([seed, 202])
    group = assign_groups(GROUPS, n_customers, rng)
    customers = draw_customers(GROUPS, group, rng, prefix="H")
    purchases, owner = draw_purchases(GROUPS, group, rng, customers["customer_id"])
    price = ITEM_PRICE * np.exp(rng.normal(0, 0.05, len(purchases)))
    purchases["amount"] = np.round(purchases["quantity"] * price, 2)
    matrix, channels = mix_matrix([row.extra["channel"] for row in GROUPS.values()])
    home = pick(matrix[group], rng)[owner]
    elsewhere = rng.integers(0, len(channels), len(owner))
    stays = rng.random(len(owner)) < HOME_CHANNEL_SHARE
    purchases["channel"] = np.array(channels)[np.where(stays, home, elsewhere)]
    person = customers["customer_type"].to_numpy() == "b2c"
    customers["gender"] = np.where(person, rng.choice(["female", "male"], n_customers), None)
    customers["city"] = rng.choice(CITIES, n_customers)
    customers["reminders"] = rng.poisson(1.0, n_customers)
    blank(customers, {"age": 0.15, "income": 0.25, "nps_score": 0.3}, rng)
    blank(purchases, {"quantity": 0.1, "channel": 0.1}, rng)
    return dataset("wholesale", customers, purchases, np.array(list(GROUPS))[group])
