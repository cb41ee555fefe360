"""The purchase table as the role analysis reads it: integer customer codes, canonical
consumer roles, amounts, days.

Every figure of the role analysis is a count or sum over purchases grouped by small integer
codes, so the table is encoded once: customer ids become codes shared with the customer table
(one factorisation of both id columns), roles become indices into ``CONSUMER_ROLES``, group
values become codes. The rest is ``np.bincount``.

Uploaded files often carry the role as a translated word ("Kind", "Child", "Barn") rather than
the canonical code. :func:`role_codes` accepts the codes and the catalogue labels of all three
languages; anything else counts as an unknown role and is left out of the shares (and counted,
so the page can say so).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from kundenmodell.i18n import LANGUAGES, t
from kundenmodell.schema import CONSUMER_ROLES
from kundenmodell.segments._common import require_columns

ROLE_COLUMN = "consumer_role"
SELF = "self"
SELF_CODE = CONSUMER_ROLES.index(SELF)
N_ROLES = len(CONSUMER_ROLES)


@cache
def _role_lookup() -> dict[str, int]:
    """Lower-case code or label in any language → index into ``CONSUMER_ROLES``."""
    lookup: dict[str, int] = {}
    for index, code in enumerate(CONSUMER_ROLES):
        lookup[code] = index
        for lang in LANGUAGES:
            lookup[t(f"consumer_role.{code}", lang).casefold()] = index
    return lookup


def role_codes(values: pd.Series | pd.api.extensions.ExtensionArray | np.ndarray) -> np.ndarray:
    """Index into ``CONSUMER_ROLES`` per raw value, -1 where the role is unknown.

    Codes (``child``) and the catalogue labels in de/en/nb (``Kind``, ``Child``, ``Barn``) match
    case-insensitively and without surrounding spaces; other and missing values give -1. Only
    the distinct values are looked up, so a million purchases cost one factorisation.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lookup = _role_lookup()
    known = np.array(
        [lookup.get(str(value).strip().casefold(), -1) for value in uniques] + [-1],
        dtype=np.int8,
    )
    return known[codes]  # the NA sentinel -1 picks the trailing -1


def encode(
    values: pd.Series | pd.api.extensions.ExtensionArray | np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Codes (``-1`` for missing) and the distinct values of an array of group values."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)


@dataclass(frozen=True)
class Purchases:
    """The purchases, encoded.

    Per purchase: ``customer`` (code), ``role`` (index into ``CONSUMER_ROLES``, -1 unknown),
    ``amount`` (a missing amount counts as 0), ``day`` (``datetime64[D]``, NaT when missing).
    Per customer code: ``ids`` (the customer_id) and ``row`` (first row of that id in the
    customer table, -1 for purchases of customers the table does not know).
    """

    customer: np.ndarray
    role: np.ndarray
    amount: np.ndarray
    day: np.ndarray
    ids: pd.Index
    row: np.ndarray

    def __len__(self) -> int:
        return len(self.customer)

    @property
    def n_codes(self) -> int:
        return len(self.ids)

    @property
    def known(self) -> np.ndarray:
        """Purchases with a known consumer role."""
        return self.role >= 0

    def customer_column(self, column: pd.Series) -> pd.api.extensions.ExtensionArray:
        """A customer-table column per customer code, in its own dtype (missing where the
        customer is not in the table)."""
        return column.array.take(self.row, allow_fill=True)

    def by_customer_id(self, values: pd.Series) -> pd.api.extensions.ExtensionArray:
        """A Series indexed by customer_id (e.g. an activity class) per customer code."""
        series = values[~values.index.duplicated()]
        series.index = series.index.astype("str")
        return series.reindex(self.ids).array


def encode_purchases(transactions: pd.DataFrame, customers: pd.DataFrame) -> Purchases:
    """Encode ``transactions`` against ``customers`` (both canonical tables)."""
    require_columns(transactions, "transactions", ("customer_id", "amount"))
    # Ids as text in both tables, so 17 and "17" are the same customer; one factorisation.
    table_ids = customers["customer_id"].astype("str")
    both = pd.concat([table_ids, transactions["customer_id"].astype("str")], ignore_index=True)
    codes, uniques = pd.factorize(both, use_na_sentinel=True)
    ids = pd.Index(uniques, dtype="str", name="customer_id")
    table_codes, customer = codes[: len(table_ids)], codes[len(table_ids) :]
    row = np.full(len(ids) + 1, -1, dtype=np.int64)  # slot -1 catches missing ids
    row[table_codes[::-1]] = np.arange(len(table_ids))[::-1]  # first row of each id wins
    row = row[: len(ids)]
    if (customer < 0).any():  # purchases without a customer id: one shared "unknown" code
        customer = np.where(customer < 0, len(ids), customer)
        ids = ids.append(pd.Index([pd.NA], dtype="str"))
        row = np.append(row, -1)
    role = (
        role_codes(transactions[ROLE_COLUMN])
        if ROLE_COLUMN in transactions.columns
        else np.full(len(transactions), -1, dtype=np.int8)
    )
    if "date" in transactions.columns:
        dates = transactions["date"]
        if not pd.api.types.is_datetime64_any_dtype(dates):
            dates = pd.to_datetime(dates, errors="coerce")
        day = dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    else:
        day = np.full(len(transactions), np.datetime64("NaT"), dtype="datetime64[D]")
    amount = pd.to_numeric(transactions["amount"], errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    return Purchases(
        customer=customer.astype(np.int64),
        role=role,
        amount=np.nan_to_num(amount, nan=0.0),
        day=day,
        ids=ids,
        row=row,
    )
