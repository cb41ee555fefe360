"""Buyers' ages against the ages of the people they buy for.

The customer table knows the buyer's age (``age``, or ``birth_date`` at the end of the data).
Nobody records the user's age, so it is estimated from the consumer role where the role says
enough, and only there. The assumptions (the page states them as they are written here):

- ``self``: the user is the buyer, so the user's age is the buyer's age (from the data);
- ``partner``: partners are assumed to be in the buyer's own age band;
- ``child``: a purchase "for a child" is assumed to be for a child aged 0–12 (teenagers are
  usually recorded as buying themselves or as ``other``);
- ``gift``, ``employee``, ``other``: the role says nothing about the age; these purchases are
  shown as "age unknown" (the role mix tells who they are).

Both profiles count the same purchases (those with a known role), so the buyer and the user
bar of a band are shares of the same whole and can be compared directly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kundenmodell.roles.purchases import N_ROLES, Purchases
from kundenmodell.schema import CONSUMER_ROLES

# (label, lowest age, highest age); the labels read the same in every language.
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("0–12", 0, 12),
    ("13–17", 13, 17),
    ("18–24", 18, 24),
    ("25–34", 25, 34),
    ("35–49", 35, 49),
    ("50–64", 50, 64),
    ("65+", 65, 120),
)
UNKNOWN_BAND = "unknown"
BAND_ORDER: tuple[str, ...] = (*(band for band, _, _ in AGE_BANDS), UNKNOWN_BAND)
CHILD_BAND = 0  # index of "0–12"
SIDES: tuple[str, ...] = ("buyer", "user")
BASES: tuple[str, ...] = ("data", "assumed", "unknown")
CELL_COLUMNS = ["role", "side", "band", "basis", "purchases"]
PROFILE_COLUMNS = ["side", "band", "basis", "purchases", "share"]

# The user's age band per role: the buyer's own band (with the basis it rests on) or a child's.
SAME_AS_BUYER: dict[str, str] = {"self": "data", "partner": "assumed"}
CHILD_ROLE = "child"


def customer_ages(customers: pd.DataFrame, as_of: pd.Timestamp | None) -> np.ndarray | None:
    """Age in whole years per row of the customer table: the ``age`` column, filled from
    ``birth_date`` at ``as_of`` (completed years) where the age is missing. NaN where unknown;
    ages outside 0–120 count as unknown. None when no row has an age."""
    ages = np.full(len(customers), np.nan)
    if "age" in customers.columns:
        ages = pd.to_numeric(customers["age"], errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
    if "birth_date" in customers.columns and np.isnan(ages).any():
        born = pd.to_datetime(customers["birth_date"], errors="coerce")
        when = as_of if as_of is not None else pd.Timestamp.today().normalize()
        not_yet = (born.dt.month > when.month) | (
            (born.dt.month == when.month) & (born.dt.day > when.day)
        )
        years = (when.year - born.dt.year - not_yet.astype(int)).to_numpy(
            dtype=float, na_value=np.nan
        )
        ages = np.where(np.isnan(ages), years, ages)
    ages = np.where((ages >= 0) & (ages <= AGE_BANDS[-1][2]), ages, np.nan)
    return None if np.isnan(ages).all() else ages


def band_index(ages: np.ndarray) -> np.ndarray:
    """Index into ``AGE_BANDS`` per age; -1 for a missing or impossible age."""
    values = np.asarray(ages, dtype=float)
    lows = np.array([low for _, low, _ in AGE_BANDS], dtype=float)
    valid = np.isfinite(values) & (values >= 0) & (values <= AGE_BANDS[-1][2])
    index = np.searchsorted(lows, np.floor(np.where(valid, values, 0)), side="right") - 1
    return np.where(valid, index, -1)


def age_cells(purchases: Purchases, ages: np.ndarray) -> pd.DataFrame:
    """Purchases per consumer role, side (buyer/user), age band and basis.

    ``ages`` holds the age per customer code. ``basis`` says where a band comes from: ``data``
    (the customer table), ``assumed`` (from the role, by the rules above) or ``unknown``.
    Only purchases with a known role are counted; empty cells are left out.
    """
    known = purchases.known
    role = purchases.role[known].astype(np.int64)
    buyer = band_index(ages[purchases.customer[known]])
    unknown = len(AGE_BANDS)
    slots = {"buyer": np.where(buyer >= 0, buyer, unknown)}
    bases = {"buyer": np.where(buyer >= 0, 0, 2)}
    user = np.full(len(role), unknown)
    user_basis = np.full(len(role), 2)
    for name, basis in SAME_AS_BUYER.items():
        rows = (role == CONSUMER_ROLES.index(name)) & (buyer >= 0)
        user[rows] = buyer[rows]
        user_basis[rows] = BASES.index(basis)
    child = role == CONSUMER_ROLES.index(CHILD_ROLE)
    user[child] = CHILD_BAND
    user_basis[child] = BASES.index("assumed")
    slots["user"], bases["user"] = user, user_basis

    n_bands, n_bases = len(BAND_ORDER), len(BASES)
    parts = []
    for side in SIDES:
        cell = (role * n_bands + slots[side]) * n_bases + bases[side]
        counts = np.bincount(cell, minlength=N_ROLES * n_bands * n_bases)
        found = np.flatnonzero(counts)
        parts.append(
            pd.DataFrame(
                {
                    "role": [CONSUMER_ROLES[c // (n_bands * n_bases)] for c in found],
                    "side": side,
                    "band": [BAND_ORDER[(c // n_bases) % n_bands] for c in found],
                    "basis": [BASES[c % n_bases] for c in found],
                    "purchases": counts[found].astype(np.int64),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)[CELL_COLUMNS]


def age_profile(cells: pd.DataFrame, roles: Sequence[str] | None = None) -> pd.DataFrame:
    """The buyers' and users' age profiles of the purchases for ``roles`` (all when None):
    per side, band and basis the purchases and their ``share`` of the side's purchases, in
    band order (``unknown`` last)."""
    chosen = cells if roles is None else cells[cells["role"].isin(list(roles))]
    if chosen.empty:
        return pd.DataFrame(columns=PROFILE_COLUMNS)
    profile = chosen.groupby(["side", "band", "basis"], as_index=False, sort=False)[
        "purchases"
    ].sum()
    totals = profile.groupby("side")["purchases"].transform("sum")
    profile["share"] = profile["purchases"] / totals
    profile["order"] = (
        profile["side"].map(SIDES.index) * 100
        + profile["band"].map(BAND_ORDER.index) * 10
        + profile["basis"].map(BASES.index)
    )
    return profile.sort_values("order", ignore_index=True)[PROFILE_COLUMNS]


def typical_band(profile: pd.DataFrame, side: str) -> tuple[str, float] | None:
    """The age band with the most purchases on ``side`` (unknown ages left out) and its share
    of that side's purchases; None when no age on that side is known."""
    rows = profile[(profile["side"] == side) & (profile["band"] != UNKNOWN_BAND)]
    if rows.empty:
        return None
    per_band = rows.groupby("band", sort=False)["share"].sum()
    return str(per_band.idxmax()), float(per_band.max())
