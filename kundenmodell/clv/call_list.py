"""Who to call this week: valuable customers who are probably leaving.

BG/NBD's expected purchases are those of a customer who may already be gone: with
``P(alive)`` the chance that the customer still buys, the customer value splits into

    CLV = P(alive) · V,   V = CLV / P(alive)  (the value if the customer stays),

and what a retention call can save is the part that is likely lost:

    at stake = V · (1 − P(alive)).

The list holds the customers with ``P(alive)`` below a threshold (default one half: more likely
gone than not), ranked by the value at stake, with what the CRM needs to reach them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kundenmodell.clv.analysis import customer_rows, display_names
from kundenmodell.dataset import Dataset

CONTACT_COLUMNS = ("email", "phone")
LIKELY_LEAVING = 0.5
PROBABLY_GONE = 0.2
"""Below this ``P(alive)`` the customer has most likely left already: a win-back offer rather
than a retention call."""


def call_list(
    values: pd.DataFrame,
    dataset: Dataset,
    *,
    count: int = 50,
    max_p_alive: float = LIKELY_LEAVING,
) -> pd.DataFrame:
    """The ``count`` customers with ``p_alive < max_p_alive`` and the most value at stake.

    ``values`` is :func:`~kundenmodell.clv.analysis.customer_values` (indexed by customer id).
    Columns, what to act on first: ``customer_id``, ``name``, ``at_stake``, ``stage``
    (``"leaving"``, or ``"gone"`` below :data:`PROBABLY_GONE`: a case for a win-back offer),
    ``p_alive``, ``value_if_kept`` (V above), then ``last_purchase``, ``purchases`` (purchase
    days so far), ``revenue`` (so far) and the contact columns the customer table has.
    """
    leaving = values[(values["p_alive"] < max_p_alive) & (values["p_alive"] > 0)]
    kept = leaving["clv"] / leaving["p_alive"]
    table = pd.DataFrame(
        {
            "customer_id": leaving.index.to_numpy(dtype=object),
            "last_purchase": leaving["last_purchase"].to_numpy(),
            "purchases": (leaving["frequency"] + 1).to_numpy(dtype=np.int64),
            "p_alive": leaving["p_alive"].to_numpy(),
            "value_if_kept": kept.to_numpy(),
            "at_stake": (kept * (1 - leaving["p_alive"])).to_numpy(),
        }
    )
    table = table.nlargest(count, "at_stake").reset_index(drop=True)
    table["stage"] = np.where(table["p_alive"] < PROBABLY_GONE, "gone", "leaving")
    table.insert(3, "revenue", _revenue(dataset, table["customer_id"]))
    people = _people(dataset.customers, table["customer_id"])
    table = pd.concat([table, people], axis=1)
    first = ["customer_id", "name", "at_stake", "stage", "p_alive", "value_if_kept"]
    return table[[*first, *(name for name in table.columns if name not in first)]]


def _revenue(dataset: Dataset, ids: pd.Series) -> np.ndarray:
    """Revenue so far of each id (0 without amounts)."""
    purchases = dataset.transactions
    if "amount" not in purchases.columns or purchases.empty:
        return np.zeros(len(ids))
    mine = purchases[purchases["customer_id"].isin(ids)]
    totals = mine.groupby("customer_id", observed=True)["amount"].sum()
    return totals.reindex(ids.to_numpy(dtype=object)).fillna(0.0).to_numpy(dtype=float)


def _people(customers: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    """``name`` (first and last name, the company in brackets) and the contact columns of the
    given ids, in their order; empty text where the customer table has nothing."""
    rows = customer_rows(customers, ids).set_index("customer_id")
    rows = rows.reindex(pd.Index(ids.to_numpy(dtype=object)))
    found = {"name": display_names(rows).fillna("")}
    for column in CONTACT_COLUMNS:
        if column in rows.columns and rows[column].notna().any():
            found[column] = rows[column].astype("string").fillna("")
    return pd.DataFrame(found).reset_index(drop=True)
