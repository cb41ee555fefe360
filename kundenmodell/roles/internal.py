"""Internal customers (colleagues, departments) beside external ones, on the same measures."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kundenmodell.roles.mix import share
from kundenmodell.roles.purchases import SELF_CODE, Purchases
from kundenmodell.schema import RELATIONSHIPS
from kundenmodell.segments.nps import nps

INTERNAL_COLUMNS = [
    "relationship",
    "customers",
    "buyers",
    "purchases",
    "revenue",
    "revenue_per_buyer",
    "other_revenue_share",
    "nps",
    "nps_answers",
    "nps_low",
    "nps_high",
]


def internal_external(customers: pd.DataFrame, purchases: Purchases) -> pd.DataFrame | None:
    """External and internal customers side by side; None without a ``relationship`` column.

    Per relationship: ``customers`` (distinct customers in the customer table), ``buyers``
    (with a purchase), ``purchases``, ``revenue`` (for internal customers this is what they were
    charged, often an internal transfer price), ``revenue_per_buyer``, ``other_revenue_share``
    (revenue bought for someone else; missing when no role is known) and satisfaction as Net
    Promoter Score with its 95 % interval and the number of answers
    (:func:`kundenmodell.segments.nps`; missing without ``nps_score`` or answers). Values
    other than external/internal are ignored.
    """
    if "relationship" not in customers.columns:
        return None
    text = pd.Series(purchases.customer_column(customers["relationship"]), dtype="string")
    lookup = {value: index for index, value in enumerate(RELATIONSHIPS)}
    code = text.str.strip().str.lower().map(lookup).to_numpy(dtype=float, na_value=np.nan)
    code = np.where(np.isnan(code), -1, code).astype(np.int64)
    size = len(RELATIONSHIPS)
    in_table = purchases.row >= 0
    per_purchase = code[purchases.customer]
    counted = per_purchase >= 0
    bought = np.bincount(purchases.customer, minlength=purchases.n_codes) > 0
    revenue = np.bincount(per_purchase[counted], weights=purchases.amount[counted], minlength=size)
    buyers = np.bincount(code[(code >= 0) & bought], minlength=size)
    table = pd.DataFrame(
        {
            "relationship": list(RELATIONSHIPS),
            "customers": np.bincount(code[(code >= 0) & in_table], minlength=size),
            "buyers": buyers,
            "purchases": np.bincount(per_purchase[counted], minlength=size),
            "revenue": revenue,
            "revenue_per_buyer": np.where(buyers > 0, share(revenue, buyers), np.nan),
        }
    )
    known = counted & purchases.known
    if known.any():
        role_revenue = np.bincount(
            per_purchase[known], weights=purchases.amount[known], minlength=size
        )
        other = known & (purchases.role != SELF_CODE)
        other_revenue = np.bincount(
            per_purchase[other], weights=purchases.amount[other], minlength=size
        )
        table["other_revenue_share"] = np.where(
            role_revenue != 0, share(other_revenue, role_revenue), np.nan
        )
    else:
        table["other_revenue_share"] = np.nan
    table[["nps", "nps_answers", "nps_low", "nps_high"]] = np.nan
    if "nps_score" in customers.columns:
        scores = pd.to_numeric(
            pd.Series(purchases.customer_column(customers["nps_score"])), errors="coerce"
        ).to_numpy(dtype=float, na_value=np.nan)
        valid = in_table & (scores >= 0) & (scores <= 10)
        for index in range(size):
            answers = scores[valid & (code == index)]
            if len(answers):
                result = nps(answers)
                table.loc[index, ["nps", "nps_answers", "nps_low", "nps_high"]] = (
                    result.score,
                    result.n,
                    result.ci_low,
                    result.ci_high,
                )
    for column in ("customers", "buyers", "purchases"):
        table[column] = table[column].astype(np.int64)
    return table[INTERNAL_COLUMNS]
