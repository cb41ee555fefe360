"""Customer vs. consumer on one data set: :func:`compare` and the :class:`RoleReport` it returns.

The customer (Kunde) buys and pays; the consumer (Verbraucher) uses. The purchase column
``consumer_role`` says for whom each purchase was (self, child, partner, gift, employee,
other). From it the report measures how much is bought for someone else, for whom, in which
groups, by buyers of which age for users of which age, with what follows for marketing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd

from kundenmodell.dataset import Dataset
from kundenmodell.errors import DataError
from kundenmodell.i18n.numbers import BABEL_LOCALES
from kundenmodell.roles import ages as age_module
from kundenmodell.roles.implications import Implication, group_implications, overall_implications
from kundenmodell.roles.internal import internal_external
from kundenmodell.roles.kpis import (
    BuyingCenter,
    buying_center,
    gift_seasonality,
    repeat_by_first_role,
)
from kundenmodell.roles.mix import by_group, by_role, flow
from kundenmodell.roles.purchases import (
    ROLE_COLUMN,
    SELF_CODE,
    Purchases,
    encode,
    encode_purchases,
)
from kundenmodell.schema import CONSUMER_ROLES
from kundenmodell.segments import classify_activity

Status = Literal["ok", "no_purchases", "no_consumer_role", "empty_consumer_role"]


@dataclass(frozen=True)
class GiftPeak:
    """The calendar month (1–12) with the largest share of gifts among its purchases, that
    share, and the share of gifts over the whole year (all purchases with a known role)."""

    month: int
    share: float
    overall_share: float


# The groupings the workbench page offers; "activity" is the class of classify_activity.
GROUPINGS: tuple[str, ...] = ("consumer_role", "category", "customer_type", "activity")
REPEAT_WINDOW_DAYS = 180
EXAMPLE_CUSTOMERS = 3_000
EXAMPLE_SEED = 7


@dataclass(frozen=True)
class RoleReport:
    """Everything :func:`compare` found. Shares are of purchases with a known consumer role.

    ``status`` is ``ok``, or why the role analysis could not run: ``no_purchases``,
    ``no_consumer_role`` (no such column) or ``empty_consumer_role`` (the column has no
    recognisable value). Even then ``internal_external`` and ``buying_center`` are filled
    where their columns exist, since they need no consumer role.

    - ``purchases``/``revenue``: purchases with a known role and their revenue;
      ``unknown_purchases``: purchases whose role is missing or not recognised;
    - ``other_purchase_share``/``other_revenue_share``: bought for someone else (role ≠ self);
    - ``by_role``: per role (:func:`kundenmodell.roles.mix.by_role`);
    - ``grouping``: what ``groups``/``role_mix`` are grouped by (a column name, the name of the
      Series passed as ``by``, or None for an unnamed Series); ``groups``, ``role_mix``:
      :func:`kundenmodell.roles.mix.by_group`; ``ungrouped_purchases``: purchases without a
      group value;
    - ``flow``: buyer group (customer type, or ``all``) → consumer role;
    - ``age_cells``: purchases per role, side (buyer/user), age band and basis
      (:func:`kundenmodell.roles.ages.age_cells`; :meth:`age_profile` sums them up), None
      without any age in the customer table;
    - ``repeat``: repeat behaviour by the role of the first purchase within
      ``repeat_window_days``; ``gift_season``: gifts per calendar month (both None without dates);
    - ``implications``: marketing implications, per group or (grouping by role) overall.
    """

    status: Status
    purchases: int = 0
    revenue: float = 0.0
    unknown_purchases: int = 0
    other_purchase_share: float | None = None
    other_revenue_share: float | None = None
    by_role: pd.DataFrame | None = None
    grouping: str | None = ROLE_COLUMN
    groups: pd.DataFrame | None = None
    role_mix: pd.DataFrame | None = None
    ungrouped_purchases: int = 0
    flow: pd.DataFrame | None = None
    age_cells: pd.DataFrame | None = None
    repeat: pd.DataFrame | None = None
    repeat_window_days: int = REPEAT_WINDOW_DAYS
    gift_season: pd.DataFrame | None = None
    buying_center: BuyingCenter | None = None
    internal_external: pd.DataFrame | None = None
    implications: tuple[Implication, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def coverage(self) -> float | None:
        """Share of all purchases whose consumer role is known:
        ``purchases / (purchases + unknown_purchases)``; None without purchases."""
        total = self.purchases + self.unknown_purchases
        return self.purchases / total if total else None

    @property
    def main_other_role(self) -> tuple[str, float] | None:
        """The role other than ``self`` that brings the most revenue, with its share of all
        revenue with a known role; None when nothing was bought for someone else."""
        if self.by_role is None:
            return None
        others = self.by_role[(self.by_role["role"] != "self") & (self.by_role["purchases"] > 0)]
        if others.empty:
            return None
        main = others.loc[others["revenue"].idxmax()]
        return str(main["role"]), float(main["revenue_share"])

    @property
    def gift_vs_self_repeat(self) -> tuple[float, float] | None:
        """Repeat rates of customers whose first purchase was a gift and of those who first
        bought for themselves, ``(gift, self)``; None unless both groups exist."""
        if self.repeat is None or self.repeat.empty:
            return None
        rates = self.repeat.set_index("first_role")["repeat_rate"]
        if not {"gift", "self"} <= set(rates.index):
            return None
        return float(rates["gift"]), float(rates["self"])

    @property
    def gift_peak(self) -> GiftPeak | None:
        """The month with the highest gift share (:class:`GiftPeak`); None without dates or
        without any gift."""
        season = self.gift_season
        if season is None or season["gift_purchases"].sum() == 0:
            return None
        peak = season.loc[season["gift_share"].idxmax()]
        overall = season["gift_purchases"].sum() / season["purchases"].sum()
        return GiftPeak(int(peak["month"]), float(peak["gift_share"]), float(overall))

    def age_profile(self, roles: Sequence[str] | None = None) -> pd.DataFrame | None:
        """Buyers' and users' age profile of the purchases for ``roles`` (all when None), see
        :func:`kundenmodell.roles.ages.age_profile`; None without ages."""
        if self.age_cells is None:
            return None
        return age_module.age_profile(self.age_cells, roles)

    def typical_band(
        self, side: str, roles: Sequence[str] | None = None
    ) -> tuple[str, float] | None:
        """Most frequent age band of ``buyer`` or ``user`` with its share (None if unknown)."""
        profile = self.age_profile(roles)
        return None if profile is None else age_module.typical_band(profile, side)


def _group_codes(
    dataset: Dataset, purchases: Purchases, by: str | pd.Series | None
) -> tuple[np.ndarray, np.ndarray, str | None]:
    """Group code per purchase (-1 = no group), the group values and the grouping's name."""
    if by is None or (isinstance(by, str) and by == ROLE_COLUMN):
        labels = np.array(CONSUMER_ROLES, dtype=object)
        return purchases.role.astype(np.int64), labels, ROLE_COLUMN
    if isinstance(by, pd.Series):
        codes, labels = encode(purchases.by_customer_id(by))
        return codes[purchases.customer], labels, None if by.name is None else str(by.name)
    if not isinstance(by, str):
        raise DataError("error.roles.unknown_grouping", name=str(by))
    transactions = dataset.transactions
    if by in transactions.columns and by != "customer_id":
        codes, labels = encode(transactions[by])
        return codes, labels, by
    if by in dataset.customers.columns:
        codes, labels = encode(purchases.customer_column(dataset.customers[by]))
        return codes[purchases.customer], labels, by
    raise DataError("error.roles.unknown_grouping", name=by)


def _sources(dataset: Dataset, purchases: Purchases) -> tuple[np.ndarray, np.ndarray]:
    """The buyer side of the flow: each purchase's customer type (b2b/b2c), or ``all``."""
    customers = dataset.customers
    if "customer_type" not in customers.columns:
        return np.zeros(len(purchases), dtype=np.int64), np.array(["all"], dtype=object)
    kinds = pd.Series(purchases.customer_column(customers["customer_type"]), dtype="string")
    codes, labels = encode(kinds.str.strip().str.lower())
    return codes[purchases.customer], labels


def compare(
    dataset: Dataset,
    *,
    by: str | pd.Series | None = None,
    repeat_window_days: int = REPEAT_WINDOW_DAYS,
) -> RoleReport:
    """Customer vs. consumer on ``dataset``: who buys, who uses, and what follows.

    ``by`` groups the role mix: None or ``"consumer_role"`` (per role; implications then speak
    about all purchases), a purchase column (``"category"``, ``"channel"``), a customer column
    (``"customer_type"``, ``"relationship"``, ``"city"``, …) or a Series indexed by customer_id
    such as an activity class or RFM segment. An unknown column name raises
    ``DataError("error.roles.unknown_grouping")``; a grouping without any value for the
    purchases gives empty ``groups`` (all purchases ungrouped). Missing consumer roles do not
    raise but give a report whose ``status`` says why (see :class:`RoleReport`).

    Share bought for someone else = Σ amount (role ≠ self) / Σ amount (role known), and the
    same with purchase counts.
    """
    transactions = dataset.transactions
    customers = dataset.customers
    if transactions is None or transactions.empty:
        transactions = pd.DataFrame({"customer_id": pd.Series(dtype=object), "amount": []})
    purchases = encode_purchases(transactions, customers)
    extras = {
        "buying_center": buying_center(customers, purchases),
        "internal_external": internal_external(customers, purchases),
    }
    known = purchases.known
    if len(purchases) == 0:
        return RoleReport("no_purchases", **extras)
    if ROLE_COLUMN not in transactions.columns:
        return RoleReport("no_consumer_role", **extras)
    if not known.any():
        return RoleReport("empty_consumer_role", unknown_purchases=len(purchases), **extras)

    groups, labels, grouping = _group_codes(dataset, purchases, by)
    period = dataset.period
    row_ages = age_module.customer_ages(customers, period[1] if period else None)
    ages = None
    if row_ages is not None:
        ages = np.where(purchases.row >= 0, row_ages[np.maximum(purchases.row, 0)], np.nan)
    summary, mix = by_group(purchases, groups, labels)
    roles = by_role(purchases, ages)
    other = known & (purchases.role != SELF_CODE)
    revenue = float(purchases.amount[known].sum())
    if grouping == ROLE_COLUMN:
        implications = overall_implications(roles)
    else:
        implications = group_implications(summary, mix, group_column=grouping)
    return RoleReport(
        "ok",
        purchases=int(known.sum()),
        revenue=revenue,
        unknown_purchases=int((~known).sum()),
        other_purchase_share=float(other.sum() / known.sum()),
        other_revenue_share=float(purchases.amount[other].sum() / revenue) if revenue else 0.0,
        by_role=roles,
        grouping=grouping,
        groups=summary,
        role_mix=mix,
        ungrouped_purchases=int((known & (groups < 0)).sum()),
        flow=flow(purchases, *_sources(dataset, purchases)),
        age_cells=None if ages is None else age_module.age_cells(purchases, ages),
        repeat=repeat_by_first_role(purchases, repeat_window_days),
        repeat_window_days=repeat_window_days,
        gift_season=gift_seasonality(purchases),
        implications=implications,
        **extras,
    )


def available_groupings(dataset: Dataset) -> list[str]:
    """The :data:`GROUPINGS` this data set can be grouped by (its columns allow them)."""
    transactions, customers = dataset.transactions, dataset.customers
    has = {
        "consumer_role": True,
        "category": "category" in transactions.columns,
        "customer_type": "customer_type" in customers.columns,
        "activity": "date" in transactions.columns and transactions["date"].notna().any(),
    }
    return [name for name in GROUPINGS if has[name]]


def grouping_values(dataset: Dataset, grouping: str) -> str | pd.Series:
    """What to pass as ``by`` for one of :data:`GROUPINGS`: the column name, or for
    ``activity`` the activity class per customer from
    :func:`kundenmodell.segments.classify_activity` (default rules)."""
    if grouping == "activity":
        return classify_activity(dataset.transactions, customers=dataset.customers)
    if grouping not in GROUPINGS:
        raise DataError("error.roles.unknown_grouping", name=grouping)
    return grouping


def role_report(dataset: Dataset, grouping: str = ROLE_COLUMN) -> RoleReport:
    """:func:`compare` grouped by one of :data:`GROUPINGS` (the page's ``by`` selector)."""
    if grouping == ROLE_COLUMN:
        return compare(dataset)
    return compare(dataset, by=grouping_values(dataset, grouping))


@lru_cache(maxsize=len(BABEL_LOCALES))
def example_dataset(lang: str) -> Dataset:
    """The synthetic teaching example for ``lang``: :data:`EXAMPLE_CUSTOMERS` customers of the
    generator's planted types (families buying for children, companies for employees, …) in the
    language's locale. Cached: treat it as read-only."""
    from kundenmodell.synth import generate

    return generate(EXAMPLE_CUSTOMERS, locale=BABEL_LOCALES[lang], seed=EXAMPLE_SEED)


@lru_cache(maxsize=len(BABEL_LOCALES))
def example_report(lang: str) -> RoleReport:
    """:func:`compare` of :func:`example_dataset` by purchase category: what the page shows
    when the user's data has no consumer role. Cached: treat it as read-only."""
    return compare(example_dataset(lang), by="category")


def share_of_revenue(report: RoleReport, role: str) -> float:
    """The revenue share of one consumer role (0 when it does not occur)."""
    if report.by_role is None:
        return 0.0
    rows = report.by_role[report.by_role["role"] == role]
    return float(rows["revenue_share"].sum()) if not rows.empty else 0.0
