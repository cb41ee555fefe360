"""The plumbing the persona test families share: customers of known groups → canonical tables.

Written without :mod:`kundenmodell.synth` on purpose: these data sets test whether the personas
hold on data the workbench did not make. A family module describes its groups in a table of
:class:`Group` rows (what separates them is readable there) and its own quirks (columns
repeated on every purchase row, redundant column pairs, noise, gaps); :func:`draw_customers`
and :func:`draw_purchases` turn that into the ``customers`` and ``transactions`` tables of
:mod:`kundenmodell.schema`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kundenmodell.dataset import Dataset

END = pd.Timestamp("2025-12-31")
YEARS_OBSERVED = 3.0


@dataclass(frozen=True)
class Group:
    """One known group of customers.

    ``share``: fraction of the customers; ``age``: (mean, sd) in years, ``None`` = not
    recorded (companies); ``income``: median yearly income, spread ×/÷ e^0.3, ``None`` = not
    recorded; ``rate``: median purchases per year (each customer's own rate varies ×/÷ e^0.6,
    which with three years of history gives heavy-tailed purchase counts); ``basket``: median
    amount per purchase (×/÷ e^0.35 between customers, ×/÷ e^0.4 between purchases);
    ``quantity``: mean items per purchase; ``category`` and ``role``: the group's purchase mix
    (each customer's own mix is a Dirichlet draw around it with concentration
    ``mix_concentration``, and each purchase a draw from that); ``customer_type`` and
    ``relationship``: fixed per group; ``nps``: mean NPS score (sd 1.5).
    """

    share: float
    age: tuple[float, float] | None
    income: float | None
    rate: float
    basket: float
    quantity: float
    category: Mapping[str, float]
    role: Mapping[str, float]
    customer_type: str = "b2c"
    relationship: str = "external"
    nps: float = 7.0
    extra: Mapping[str, object] = field(default_factory=dict)


def assign_groups(groups: Mapping[str, Group], n: int, rng: np.random.Generator) -> np.ndarray:
    """Group index per customer, exactly round(share × n) customers per group (shuffled)."""
    shares = np.array([group.share for group in groups.values()])
    sizes = np.floor(shares / shares.sum() * n).astype(int)
    sizes[0] += n - sizes.sum()
    return rng.permutation(np.repeat(np.arange(len(groups)), sizes))


def pick(probabilities: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One level index per row of a rows × levels probability matrix."""
    cumulative = np.cumsum(probabilities, axis=1)
    cumulative /= cumulative[:, -1:]
    return (rng.random(len(probabilities))[:, None] > cumulative).sum(axis=1)


def mix_matrix(mixes: list[Mapping[str, float]]) -> tuple[np.ndarray, list[str]]:
    """Groups × levels matrix of the group mixes (levels in first-seen order)."""
    levels = list(dict.fromkeys(level for mix in mixes for level in mix))
    matrix = np.array([[mix.get(level, 0.0) for level in levels] for mix in mixes])
    return matrix / matrix.sum(axis=1, keepdims=True), levels


def draw_customers(
    groups: Mapping[str, Group], group: np.ndarray, rng: np.random.Generator, prefix: str
) -> pd.DataFrame:
    """The customer table's group-driven columns: id, customer_type, relationship, age, income,
    nps_score (rounded, 0–10)."""
    rows = list(groups.values())
    n = len(group)
    age = np.full(n, np.nan)
    income = np.full(n, np.nan)
    for index, row in enumerate(rows):
        members = group == index
        if row.age is not None:
            age[members] = rng.normal(row.age[0], row.age[1], members.sum())
        if row.income is not None:
            income[members] = row.income * np.exp(rng.normal(0, 0.3, members.sum()))
    nps = np.array([row.nps for row in rows])[group] + rng.normal(0, 1.5, n)
    return pd.DataFrame(
        {
            "customer_id": [f"{prefix}{i:06d}" for i in range(n)],
            "customer_type": np.array([row.customer_type for row in rows])[group],
            "relationship": np.array([row.relationship for row in rows])[group],
            "age": np.clip(np.round(age), 18, 95),
            "income": np.round(income, -2),
            "nps_score": np.clip(np.round(nps), 0, 10),
        }
    )


def draw_purchases(
    groups: Mapping[str, Group],
    group: np.ndarray,
    rng: np.random.Generator,
    ids: pd.Series,
    mix_concentration: float = 20.0,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The purchases: date, amount, quantity, category and consumer_role; and the customer
    position of every purchase row (for customer-level columns a family repeats on them).

    Each customer becomes a customer somewhere in the last three years and buys
    1 + Poisson(own rate × years since then) times, on uniformly drawn days.
    """
    rows = list(groups.values())
    n = len(group)
    since = rng.uniform(0.1, YEARS_OBSERVED, n)
    rate = np.array([row.rate for row in rows])[group] * np.exp(rng.normal(0, 0.6, n))
    count = 1 + rng.poisson(rate * since)
    owner = np.repeat(np.arange(n), count)
    days = np.floor(rng.uniform(0, 1, len(owner)) * since[owner] * 365.25).astype(int)
    basket = np.array([row.basket for row in rows])[group] * np.exp(rng.normal(0, 0.35, n))
    amount = np.round(basket[owner] * np.exp(rng.normal(0, 0.4, len(owner))), 2)
    quantity = 1 + rng.poisson(np.array([row.quantity for row in rows])[group][owner] - 1)
    frame = pd.DataFrame(
        {
            "customer_id": ids.to_numpy()[owner],
            "date": END - pd.to_timedelta(days, unit="D"),
            "amount": amount,
            "quantity": quantity,
        }
    )
    for column, attribute in (("category", "category"), ("consumer_role", "role")):
        matrix, levels = mix_matrix([getattr(row, attribute) for row in rows])
        own = rng.gamma(mix_concentration * matrix[group] + 1e-3)  # Dirichlet per customer
        frame[column] = np.array(levels)[pick(own[owner], rng)]
    return frame, owner


def blank(frame: pd.DataFrame, shares: Mapping[str, float], rng: np.random.Generator) -> None:
    """Blank a random ``share`` of each named column (missing completely at random)."""
    for column, share in shares.items():
        frame.loc[rng.random(len(frame)) < share, column] = None


def dataset(
    name: str, customers: pd.DataFrame, purchases: pd.DataFrame, labels: np.ndarray
) -> Dataset:
    """The canonical :class:`Dataset` with the known group of every customer as ``truth``."""
    purchases = purchases.sort_values(["customer_id", "date"], ignore_index=True)
    truth = pd.Series(labels, index=customers["customer_id"].to_numpy(), name="group")
    return Dataset(customers, purchases, name=name, source="synthetic", truth=truth)
