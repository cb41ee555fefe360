"""Plain-word explanations of customer-value results that look wrong at first sight.

A group with a mean customer value of 1 € next to groups with hundreds reads like an error; it is
the model saying that these customers have most likely stopped buying. The functions here find
such cases so the page can say so in words.
"""

from __future__ import annotations

import pandas as pd

NEAR_ZERO_SHARE = 0.02
"""A group's mean value counts as "almost nothing" below 2 % of the mean over all customers."""


def near_zero_groups(table: pd.DataFrame, share: float = NEAR_ZERO_SHARE) -> pd.DataFrame:
    """The rows of a :func:`~kundenmodell.clv.analysis.clv_by_segment` table whose mean
    customer value is below ``share`` × the mean over all its customers
    (Σ ``clv_total`` / Σ ``customers``), in the table's order; empty when the overall mean is
    not positive."""
    customers = float(table["customers"].sum())
    overall = float(table["clv_total"].sum()) / customers if customers else 0.0
    if overall <= 0:
        return table.iloc[0:0]
    return table[table["clv_mean"] < share * overall]


def mean_p_alive(rows: pd.DataFrame) -> float:
    """The chance of still buying over all customers of ``rows`` (group means weighted by
    customers): Σ p_alive_mean·customers / Σ customers."""
    customers = float(rows["customers"].sum())
    if not customers:
        return float("nan")
    return float((rows["p_alive_mean"] * rows["customers"]).sum()) / customers
