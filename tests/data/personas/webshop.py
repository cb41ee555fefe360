"""Family "webshop": four groups of a fashion-and-home retailer, one of them a 5 % B2B group.

What separates the groups (everything else is noise or a copy):

================  =====  =====  ========  ==========  =======  ==========================
group             share  age    income    purchases   basket   buys mostly
================  =====  =====  ========  ==========  =======  ==========================
bargain_hunters   55 %   28     24,000    2 / year    25 €     fashion, beauty
families          25 %   39     52,000    8 / year    70 €     toys, kids' clothing (child)
loyal_seniors     15 %   67     45,000    30 / year   45 €     home, books (self, gift)
office_buyers      5 %   –      –         20 / year   420 €    office supplies (employee)
================  =====  =====  ========  ==========  =======  ==========================

The traps, as real exports have them:

- ``channel`` is the shop the customer is registered with (online 60 %, store 30 %,
  marketplace 10 %, independent of the group) written on *every* purchase row: a loyal
  senior with 200 purchases "online" repeats one fact 200 times;
- ``acquisition_channel`` is the same fact under other names (web / branch / marketplace):
  a redundant pair;
- ``gender``, ``contact_preference`` and ``city`` are drawn independently of the group
  (pure noise);
- purchase counts are heavy-tailed (1 to several hundred);
- 20 % of ages, 30 % of incomes, 25 % of NPS answers and 10 % of purchase categories are
  missing.
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
    "bargain_hunters": Group(
        share=0.55, age=(28, 5), income=24_000, rate=2, basket=25, quantity=1.5,
        category={"fashion": 0.6, "beauty": 0.3, "home": 0.1},
        role={"self": 0.9, "gift": 0.1}, nps=6,
    ),
    "families": Group(
        share=0.25, age=(39, 5), income=52_000, rate=8, basket=70, quantity=3,
        category={"toys": 0.5, "kids_clothing": 0.35, "fashion": 0.15},
        role={"child": 0.7, "self": 0.2, "gift": 0.1}, nps=8,
    ),
    "loyal_seniors": Group(
        share=0.15, age=(67, 6), income=45_000, rate=30, basket=45, quantity=1.2,
        category={"home": 0.5, "books": 0.4, "beauty": 0.1},
        role={"self": 0.6, "gift": 0.4}, nps=9,
    ),
    "office_buyers": Group(
        share=0.05, age=None, income=None, rate=20, basket=420, quantity=12,
        category={"office": 0.9, "home": 0.1},
        role={"employee": 1.0}, customer_type="b2b", nps=7,
    ),
}  # fmt: skip

SHOPS = np.array(["online", "store", "marketplace"])
SHOP_SHARES = np.array([0.6, 0.3, 0.1])
SAME_SHOP_ELSEWHERE = np.array(["web", "branch", "marketplace"])  # acquisition_channel names
CITIES = np.array(["Berlin", "Hamburg", "München", "Köln", "Leipzig", "Bremen", "Dresden"])


def generate(n_customers: int = 4_000, seed: int = 0) -> Dataset:
    """The webshop family: ``n_customers`` customers, all of whom buy at least once."""
    rng = np.random.default_rng([seed, 101])
    group = assign_groups(GROUPS, n_customers, rng)
    customers = draw_customers(GROUPS, group, rng, prefix="W")
    purchases, owner = draw_purchases(GROUPS, group, rng, customers["customer_id"])
    shop = pick(np.tile(SHOP_SHARES, (n_customers, 1)), rng)
    purchases["channel"] = SHOPS[shop][owner]  # one customer-level fact on every row
    customers["acquisition_channel"] = SAME_SHOP_ELSEWHERE[shop]
    person = customers["customer_type"].to_numpy() == "b2c"
    customers["gender"] = np.where(person, rng.choice(["female", "male"], n_customers), None)
    customers["contact_preference"] = rng.choice(["email", "phone", "post"], n_customers)
    customers["city"] = rng.choice(CITIES, n_customers)
    blank(customers, {"age": 0.2, "income": 0.3, "nps_score": 0.25}, rng)
    blank(purchases, {"category": 0.1}, rng)
    return dataset("webshop", customers, purchases, np.array(list(GROUPS))[group])
