"""Role-aware key figures: do gift buyers come back, when are gifts bought, and how much does
each role in a business customer's buying center buy."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kundenmodell.roles.mix import share
from kundenmodell.roles.purchases import N_ROLES, Purchases, encode
from kundenmodell.schema import CONSUMER_ROLES
from kundenmodell.synth.sampling import month_of

GIFT_CODE = CONSUMER_ROLES.index("gift")
REPEAT_COLUMNS = [
    "first_role",
    "customers",
    "repeaters",
    "repeat_rate",
    "repeat_purchases",
    "revenue_per_customer",
]
SEASON_COLUMNS = ["month", "purchases", "gift_purchases", "gift_share", "gift_revenue", "index"]

# A business customer's contacts and their part in the buying decision (Webster & Wind 1972).
BUYING_CENTER_COLUMN = "buying_center_role"
BUYING_CENTER_ROLES: tuple[str, ...] = ("user", "influencer", "buyer", "decider", "gatekeeper")
BUYING_CENTER_COLUMNS = [
    "role",
    "contacts",
    "buying_contacts",
    "purchases",
    "revenue",
    "purchases_per_contact",
    "revenue_per_contact",
]


def repeat_by_first_role(purchases: Purchases, window_days: int = 180) -> pd.DataFrame | None:
    """Repeat behaviour by whom the customer's first purchase was for (gift vs self, …).

    Customers are grouped by the consumer role of their first purchase (the first row on their
    first purchase day). Only customers whose first purchase lies at least ``window_days``
    before the last purchase date of the data are counted, so every group had the same time
    to come back. Per group: ``customers``; ``repeaters``, who bought again on a later day
    within ``window_days`` after the first purchase; ``repeat_rate`` = repeaters / customers;
    ``repeat_purchases``, the mean number of such later purchases per customer; and
    ``revenue_per_customer`` within the window, first purchase included. None without dates.
    """
    dated = np.flatnonzero(~np.isnat(purchases.day))
    if len(dated) == 0:
        return None
    day = purchases.day[dated].astype(np.int64)
    customer = purchases.customer[dated]
    n = purchases.n_codes
    # First purchase day per customer, then the first row (in table order) on that day; two
    # passes of np.minimum.at instead of sorting a million rows.
    first_day = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first_day, customer, day)
    on_first_day = np.flatnonzero(day == first_day[customer])
    first_row = np.full(n, len(day))
    np.minimum.at(first_row, customer[on_first_day], on_first_day)
    bought = first_row < len(day)
    first_role = np.full(n, -1, dtype=np.int64)
    first_role[bought] = purchases.role[dated][first_row[bought]]
    eligible = (first_role >= 0) & (first_day <= day.max() - window_days)
    if not eligible.any():
        return pd.DataFrame(columns=REPEAT_COLUMNS)

    since = day - first_day[customer]
    counted = eligible[customer] & (since <= window_days)
    later = np.bincount(customer[counted & (since > 0)], minlength=n)
    revenue = np.bincount(customer[counted], weights=purchases.amount[dated][counted], minlength=n)
    group = first_role[eligible]
    customers = np.bincount(group, minlength=N_ROLES)
    repeaters = np.bincount(group, weights=later[eligible] > 0, minlength=N_ROLES)
    present = np.flatnonzero(customers)
    return pd.DataFrame(
        {
            "first_role": [CONSUMER_ROLES[index] for index in present],
            "customers": customers[present].astype(np.int64),
            "repeaters": repeaters[present].astype(np.int64),
            "repeat_rate": repeaters[present] / customers[present],
            "repeat_purchases": np.bincount(group, weights=later[eligible], minlength=N_ROLES)[
                present
            ]
            / customers[present],
            "revenue_per_customer": np.bincount(
                group, weights=revenue[eligible], minlength=N_ROLES
            )[present]
            / customers[present],
        }
    )[REPEAT_COLUMNS]


def gift_seasonality(purchases: Purchases) -> pd.DataFrame | None:
    """Gift purchases per calendar month (1–12, all years together).

    ``gift_share`` = gift purchases / purchases with a known role in that month, so months that
    the data covers more often than others do not look more "gifty"; ``index`` = the month's
    gift share / the gift share over the whole year (1 = average, 2 = twice as many gifts as
    usual). None without dated purchases with a known role.
    """
    rows = purchases.known & ~np.isnat(purchases.day)
    if not rows.any():
        return None
    month = month_of(purchases.day[rows].astype(np.int64)) - 1
    gift = purchases.role[rows] == GIFT_CODE
    total = np.bincount(month, minlength=12)
    gifts = np.bincount(month, weights=gift, minlength=12)
    revenue = np.bincount(month, weights=np.where(gift, purchases.amount[rows], 0.0), minlength=12)
    shares = share(gifts, total)
    overall = gifts.sum() / total.sum()
    return pd.DataFrame(
        {
            "month": np.arange(1, 13),
            "purchases": total.astype(np.int64),
            "gift_purchases": gifts.astype(np.int64),
            "gift_share": shares,
            "gift_revenue": revenue,
            "index": shares / overall if overall > 0 else np.zeros(12),
        }
    )[SEASON_COLUMNS]


@dataclass(frozen=True)
class BuyingCenter:
    """Purchases per buying-center role of business contacts.

    ``table`` is None when the customer table has no ``column`` (the page then says which
    column to add and which values it takes: :data:`BUYING_CENTER_ROLES`). Otherwise one row
    per role value: ``contacts`` (business contacts with that role), ``buying_contacts`` (of
    them, those with a purchase), ``purchases``, ``revenue`` and both per contact.
    """

    column: str
    table: pd.DataFrame | None

    @property
    def available(self) -> bool:
        return self.table is not None


def buying_center(customers: pd.DataFrame, purchases: Purchases) -> BuyingCenter:
    """:class:`BuyingCenter` of the business contacts (``customer_type`` b2b where the column
    exists, otherwise every contact with a role). Role values are matched case-insensitively;
    values outside :data:`BUYING_CENTER_ROLES` keep their own name."""
    if BUYING_CENTER_COLUMN not in customers.columns:
        return BuyingCenter(BUYING_CENTER_COLUMN, None)
    raw = purchases.customer_column(customers[BUYING_CENTER_COLUMN])
    text = pd.Series(raw, dtype="string").str.strip()
    lower = text.str.lower()
    text = lower.where(lower.isin(BUYING_CENTER_ROLES), text).replace("", pd.NA)
    if "customer_type" in customers.columns:
        kind = pd.Series(purchases.customer_column(customers["customer_type"]), dtype="string")
        text = text.where(kind.str.lower() == "b2b")
    code, labels = encode(text)
    n = len(labels)
    contact = code >= 0
    bought = np.bincount(purchases.customer, minlength=purchases.n_codes)
    revenue = np.bincount(purchases.customer, weights=purchases.amount, minlength=purchases.n_codes)
    contacts = np.bincount(code[contact], minlength=n)
    table = pd.DataFrame(
        {
            "role": [str(label) for label in labels],
            "contacts": contacts.astype(np.int64),
            "buying_contacts": np.bincount(
                code[contact], weights=bought[contact] > 0, minlength=n
            ).astype(np.int64),
            "purchases": np.bincount(code[contact], weights=bought[contact], minlength=n).astype(
                np.int64
            ),
            "revenue": np.bincount(code[contact], weights=revenue[contact], minlength=n),
        }
    )
    table["purchases_per_contact"] = table["purchases"] / table["contacts"]
    table["revenue_per_contact"] = table["revenue"] / table["contacts"]
    rank = {role: index for index, role in enumerate(BUYING_CENTER_ROLES)}
    table["rank"] = table["role"].map(lambda role: rank.get(role, len(rank)))
    table = table.sort_values(["rank", "role"], ignore_index=True)
    return BuyingCenter(BUYING_CENTER_COLUMN, table[BUYING_CENTER_COLUMNS])
