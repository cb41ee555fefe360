"""Plain-pandas reference of the personas' purchase features, used only by tests.

Written for clarity, not speed: one group-by per figure over small purchase tables, each
convention of :func:`kundenmodell.personas.features.customer_features` spelled out once, so
that the engine's expressions (:mod:`kundenmodell.engine.persona_features`) can be checked
against it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MIX_COLUMNS = ("category", "channel", "consumer_role")


@dataclass(frozen=True)
class Behaviour:
    """Per customer (index: customer id, in customer-table order): the numeric behaviour
    features present for the data, the revenue, and per mix column a customers × levels
    frame of purchase counts (levels most frequent first)."""

    numeric: pd.DataFrame
    revenue: pd.Series
    mixes: dict[str, pd.DataFrame]
    as_of: pd.Timestamp | None


def behaviour(
    customers: pd.Series, transactions: pd.DataFrame, as_of: object | None, buyers_only: bool
) -> Behaviour:
    """The behaviour features of the customers ``customers`` (ids, first occurrence counts)."""
    ids = pd.Index(customers.drop_duplicates())
    days = pd.to_datetime(transactions["date"], errors="coerce").dt.normalize()
    if days.notna().sum() == 0:
        return Behaviour(pd.DataFrame(), pd.Series(dtype=float), {}, None)
    end = days.max() if as_of is None else pd.Timestamp(as_of).normalize()
    known_customer = transactions["customer_id"].isin(ids) & transactions["customer_id"].notna()
    kept = days.notna() & known_customer & (days <= end)
    rows = pd.DataFrame(
        {
            "customer_id": transactions["customer_id"][kept],
            "day": days[kept],
            "amount": pd.to_numeric(transactions.get("amount"), errors="coerce")[kept]
            if "amount" in transactions
            else np.nan,
            "quantity": pd.to_numeric(transactions["quantity"], errors="coerce")[kept]
            if "quantity" in transactions
            else np.nan,
        }
    )
    grouped = rows.groupby("customer_id")
    first, last = grouped["day"].min(), grouped["day"].max()
    n = grouped.size().astype(float)
    purchase_days = grouped["day"].nunique()
    numeric = pd.DataFrame(
        {
            "purchase_rate": n / np.maximum((end - first).dt.days, 30) * 365.25,
            "frequency": n,
            "recency_days": (end - last).dt.days.astype(float),
            "rhythm_days": ((last - first).dt.days / (purchase_days - 1)).where(purchase_days > 1),
        }
    )
    revenue = grouped["amount"].sum(min_count=0)
    if rows["amount"].notna().any():
        numeric["basket"] = grouped["amount"].mean()
        numeric["monetary"] = revenue
    if rows["quantity"].notna().any():
        numeric["quantity"] = grouped["quantity"].mean()
    order = ids if not buyers_only else ids[ids.isin(numeric.index)]
    numeric = numeric.reindex(order)
    revenue = revenue.reindex(order).fillna(0.0)
    mixes = {}
    for column in MIX_COLUMNS:
        if column not in transactions:
            continue
        values = transactions[column][kept]
        if values.notna().sum() == 0:
            continue
        first_seen = list(pd.unique(transactions[column].dropna()))
        totals = values.value_counts()
        totals = totals[totals > 0]  # a categorical column lists unused categories too
        levels = sorted(totals.index, key=lambda level: (-totals[level], first_seen.index(level)))
        table = pd.crosstab(rows["customer_id"][values.notna()], values.dropna())
        mixes[column] = table.reindex(index=order, columns=levels, fill_value=0)
    return Behaviour(numeric, revenue, mixes, end)


def is_constant(values: pd.Series) -> bool:
    """A feature with one value for everybody (or none at all): nothing to tell apart."""
    known = values.dropna()
    return known.empty or (len(known) == len(values) and known.nunique() == 1)
