"""Who uses what the customers buy: purchases and revenue per consumer role, overall and per
group, and the buyer → consumer flow.

All shares are taken over purchases whose consumer role is known. "Bought for someone else"
means a role other than ``self``: the customer (who pays) is not the consumer (who uses).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kundenmodell.roles.purchases import N_ROLES, SELF_CODE, Purchases
from kundenmodell.schema import CONSUMER_ROLES

ROLE_COLUMNS = [
    "role",
    "purchases",
    "purchase_share",
    "revenue",
    "revenue_share",
    "buyers",
    "average_purchase",
    "median_buyer_age",
]
GROUP_COLUMNS = [
    "group",
    "purchases",
    "revenue",
    "buyers",
    "other_purchases",
    "other_revenue",
    "other_purchase_share",
    "other_revenue_share",
    "main_other_role",
    "main_other_share",
]
MIX_COLUMNS = ["group", "role", "purchases", "revenue", "purchase_share", "revenue_share"]
FLOW_COLUMNS = ["source", "target", "purchases", "revenue"]
DENSE_LIMIT = 20_000_000  # cells of the boolean grid in distinct_per_group (20 MB)


def share(part: np.ndarray | pd.Series, whole: np.ndarray | pd.Series | float) -> np.ndarray:
    """``part / whole`` with 0 where the whole is 0 (an empty group has no share)."""
    part = np.asarray(part, dtype=float)
    whole = np.broadcast_to(np.asarray(whole, dtype=float), part.shape)
    out = np.zeros_like(part)
    np.divide(part, whole, out=out, where=whole != 0)
    return out


def distinct_per_group(group: np.ndarray, customer: np.ndarray, n_groups: int) -> np.ndarray:
    """Distinct customers per group code (codes ≥ 0), by counting unique (group, customer):
    a boolean group × customer grid when it is small, sorted pairs otherwise."""
    width = int(customer.max(initial=0)) + 1
    if n_groups * width <= DENSE_LIMIT:
        seen = np.zeros((n_groups, width), dtype=bool)
        seen[group, customer] = True
        return seen.sum(axis=1)
    pairs = np.sort(group.astype(np.int64) * width + customer)
    pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] if len(pairs) else pairs
    return np.bincount(pairs // width, minlength=n_groups)


def _cells(purchases: Purchases, group: np.ndarray, n_groups: int) -> tuple[np.ndarray, ...]:
    """Purchase counts and revenue per (group, role) as ``n_groups × N_ROLES`` matrices, over
    purchases with a known role and group."""
    keep = purchases.known & (group >= 0)
    slot = group[keep] * N_ROLES + purchases.role[keep]
    size = n_groups * N_ROLES
    counts = np.bincount(slot, minlength=size).reshape(n_groups, N_ROLES)
    revenue = np.bincount(slot, weights=purchases.amount[keep], minlength=size)
    return counts, revenue.reshape(n_groups, N_ROLES), keep


def by_role(purchases: Purchases, ages: np.ndarray | None = None) -> pd.DataFrame:
    """Per consumer role (canonical order, roles without purchases left out): purchases,
    revenue, their shares of all purchases with a known role, distinct buyers, average purchase
    (revenue / purchases) and the median age of the buyers who buy for that role (``ages`` per
    customer code; missing without ages)."""
    role = purchases.role.astype(np.int64)
    counts, revenue, keep = _cells(purchases, np.zeros(len(purchases), dtype=np.int64), 1)
    counts, revenue = counts[0], revenue[0]
    buyers = distinct_per_group(role[keep], purchases.customer[keep], N_ROLES)
    median = np.full(N_ROLES, np.nan)
    if ages is not None:
        pairs = pd.DataFrame({"role": role[keep], "customer": purchases.customer[keep]})
        pairs = pairs.drop_duplicates()
        pairs["age"] = ages[pairs["customer"].to_numpy()]
        found = pairs.groupby("role")["age"].median()
        median[found.index.to_numpy()] = found.to_numpy()
    present = np.flatnonzero(counts)
    table = pd.DataFrame(
        {
            "role": [CONSUMER_ROLES[index] for index in present],
            "purchases": counts[present].astype(np.int64),
            "purchase_share": share(counts[present], counts.sum()),
            "revenue": revenue[present],
            "revenue_share": share(revenue[present], revenue.sum()),
            "buyers": buyers[present].astype(np.int64),
            "average_purchase": revenue[present] / counts[present],
            "median_buyer_age": median[present],
        }
    )
    return table[ROLE_COLUMNS]


def by_group(
    purchases: Purchases, group: np.ndarray, labels: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Role mix per group: ``group`` holds one code per purchase (-1 = not grouped), ``labels``
    the group value of each code. Returns the group summary and the long role mix.

    Summary per group: purchases, revenue, distinct buyers, purchases and revenue bought for
    someone else (role ≠ self) and their shares, and the non-self role with the most revenue
    with its revenue share. Groups are ordered by the share of revenue bought for others, then
    by revenue. The mix has one row per group and role with the role's share of the group's
    purchases and revenue, in the same group order and canonical role order.
    """
    n_groups = len(labels)
    counts, revenue, keep = _cells(purchases, group, n_groups)
    present = np.flatnonzero(counts.sum(axis=1))
    if len(present) == 0:
        return pd.DataFrame(columns=GROUP_COLUMNS), pd.DataFrame(columns=MIX_COLUMNS)
    buyers = distinct_per_group(group[keep], purchases.customer[keep], n_groups)
    total_count, total_revenue = counts.sum(axis=1), revenue.sum(axis=1)
    other_count = total_count - counts[:, SELF_CODE]
    other_revenue = total_revenue - revenue[:, SELF_CODE]
    others = revenue.copy()
    others[:, SELF_CODE] = -np.inf
    others[counts == 0] = -np.inf
    main = others.argmax(axis=1)
    has_other = np.isfinite(others.max(axis=1))
    summary = pd.DataFrame(
        {
            "group": [str(label) for label in labels],
            "purchases": total_count.astype(np.int64),
            "revenue": total_revenue,
            "buyers": buyers.astype(np.int64),
            "other_purchases": other_count.astype(np.int64),
            "other_revenue": other_revenue,
            "other_purchase_share": share(other_count, total_count),
            "other_revenue_share": share(other_revenue, total_revenue),
            "main_other_role": pd.array(
                [CONSUMER_ROLES[m] if ok else None for m, ok in zip(main, has_other, strict=True)],
                dtype="object",
            ),
            "main_other_share": np.where(
                has_other, share(revenue[np.arange(n_groups), main], total_revenue), 0.0
            ),
            "code": np.arange(n_groups),
        }
    ).iloc[present]
    summary = summary.sort_values(
        ["other_revenue_share", "revenue"], ascending=[False, False], kind="stable"
    )
    order = summary["code"].to_numpy()
    group_index, role_index = np.nonzero(counts[order])
    codes = order[group_index]
    mix = pd.DataFrame(
        {
            "group": summary["group"].to_numpy()[group_index],
            "role": [CONSUMER_ROLES[index] for index in role_index],
            "purchases": counts[codes, role_index].astype(np.int64),
            "revenue": revenue[codes, role_index],
            "purchase_share": share(counts[codes, role_index], total_count[codes]),
            "revenue_share": share(revenue[codes, role_index], total_revenue[codes]),
        }
    )
    return summary[GROUP_COLUMNS].reset_index(drop=True), mix[MIX_COLUMNS]


def flow(purchases: Purchases, source: np.ndarray, labels: np.ndarray) -> pd.DataFrame:
    """Purchases and revenue from each buyer group (``source`` code per purchase with its
    ``labels``, e.g. the customer type) to each consumer role: the edges of the buyer →
    consumer flow. Purchases with an unknown role or source are left out."""
    counts, revenue, _ = _cells(purchases, source, len(labels))
    source_index, role_index = np.nonzero(counts)
    return pd.DataFrame(
        {
            "source": [str(labels[index]) for index in source_index],
            "target": [CONSUMER_ROLES[index] for index in role_index],
            "purchases": counts[source_index, role_index].astype(np.int64),
            "revenue": revenue[source_index, role_index],
        }
    )[FLOW_COLUMNS]
