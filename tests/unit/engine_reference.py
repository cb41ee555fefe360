"""Plain-pandas reference implementations of the engine's reductions, used only by tests.

Written for clarity, not speed: group-bys and shifts over small purchase tables, each
convention spelled out once, so that the Ibis expressions can be checked against them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kundenmodell.dates import as_days


def purchases(transactions: pd.DataFrame, until: pd.Timestamp | None = None) -> pd.DataFrame:
    """customer_id, day, amount of dated purchases by known customers up to ``until``."""
    frame = pd.DataFrame(
        {
            "customer_id": transactions["customer_id"],
            "day": as_days(transactions["date"]),
            "amount": pd.to_numeric(transactions["amount"], errors="coerce").fillna(0.0),
        }
    )
    frame = frame[frame["day"].notna() & frame["customer_id"].notna()]
    return frame if until is None else frame[frame["day"] <= until]


def customer_summary(
    transactions: pd.DataFrame, as_of: pd.Timestamp, unit_days: float, window: int
) -> pd.DataFrame:
    bought = purchases(transactions, as_of)
    days = (
        bought.groupby(["customer_id", "day"])
        .agg(rows=("amount", "size"), amount=("amount", "sum"))
        .reset_index()
        .sort_values(["customer_id", "day"])
    )
    days["recent"] = (as_of - days["day"]).dt.days < window
    grouped = days.groupby("customer_id")
    table = pd.DataFrame(
        {
            "purchases": grouped["rows"].sum(),
            "revenue": grouped["amount"].sum(),
            "first_day": grouped["day"].min(),
            "last_day": grouped["day"].max(),
            "purchase_days": grouped.size(),
            "recent_days": grouped["recent"].sum(),
            "first_day_amount": grouped["amount"].first(),
        }
    )
    table["frequency"] = table["purchase_days"] - 1
    table["recency"] = (table["last_day"] - table["first_day"]).dt.days / unit_days
    table["T"] = (as_of - table["first_day"]).dt.days / unit_days
    repeat = table["revenue"] - table["first_day_amount"]
    table["monetary_value"] = np.where(
        table["frequency"] > 0, repeat / table["frequency"].clip(lower=1), 0.0
    )
    return table.sort_index()


def scores(values: pd.Series, bins: int, higher_is_better: bool = True) -> pd.Series:
    ranked = (values if higher_is_better else -values).rank(method="average", pct=True)
    return np.ceil(ranked * bins).clip(1, bins).astype(int)


def activity(summary: pd.DataFrame, as_of: pd.Timestamp, active: int, minimum: int) -> pd.Series:
    last_age = (as_of - summary["last_day"]).dt.days
    return pd.Series(
        np.select(
            [
                summary["recent_days"] >= minimum,
                last_age < active,
                summary["purchase_days"] == 1,
            ],
            ["regular", "actual", "one_time"],
            default="lapsed",
        ),
        index=summary.index,
    )


def monthly(transactions: pd.DataFrame) -> pd.DataFrame:
    """Every dated row counts as a purchase, with or without a customer id (as in the KPIs);
    buyers are the distinct known customers."""
    rows = pd.DataFrame(
        {
            "customer_id": transactions["customer_id"],
            "day": as_days(transactions["date"]),
            "amount": transactions["amount"].fillna(0.0),
        }
    ).dropna(subset=["day"])
    month = rows["day"].dt.to_period("M")
    grouped = rows.groupby(month)
    return pd.DataFrame(
        {
            "revenue": grouped["amount"].sum(),
            "purchases": grouped.size(),
            "buyers": grouped["customer_id"].nunique(),
        }
    )


def spells(transactions: pd.DataFrame, as_of: pd.Timestamp, inactive: int) -> pd.DataFrame:
    """Per month ordinal: new, reactivated and spell ends, by shifting each customer's months."""
    rows = purchases(transactions, as_of)
    pairs = (
        pd.DataFrame({"customer_id": rows["customer_id"], "ordinal": rows["day"].dt.to_period("M")})
        .assign(ordinal=lambda f: f["ordinal"].map(lambda p: p.ordinal))
        .drop_duplicates()
        .sort_values(["customer_id", "ordinal"])
    )
    grouped = pairs.groupby("customer_id")["ordinal"]
    previous, following = grouped.shift(1), grouped.shift(-1)
    pairs["new"] = previous.isna().astype(int)
    pairs["reactivated"] = ((pairs["ordinal"] - previous) >= inactive).astype(int)
    pairs["spell_ends"] = (following.isna() | ((following - pairs["ordinal"]) >= inactive)).astype(
        int
    )
    return pairs.groupby("ordinal")[["new", "reactivated", "spell_ends"]].sum()


def cohorts(transactions: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    rows = purchases(transactions, as_of)
    pairs = pd.DataFrame(
        {
            "customer_id": rows["customer_id"],
            "ordinal": rows["day"].dt.to_period("M").map(lambda p: p.ordinal),
        }
    ).drop_duplicates()
    pairs["cohort"] = pairs.groupby("customer_id")["ordinal"].transform("min")
    pairs["periods_since"] = pairs["ordinal"] - pairs["cohort"]
    return pairs.groupby(["cohort", "periods_since"]).size().rename("active")
