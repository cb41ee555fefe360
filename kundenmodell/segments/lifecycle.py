"""The lifecycle funnel lead → contact → prospect → customer."""

from __future__ import annotations

import pandas as pd

from kundenmodell.schema import STATUSES
from kundenmodell.segments._common import require_columns


def lifecycle_funnel(
    customers: pd.DataFrame, interactions: pd.DataFrame | None = None
) -> pd.DataFrame:
    """People per lifecycle stage, as a funnel.

    ``status`` is where a person stands now; everyone at a later stage has passed the earlier
    ones, so ``reached`` at stage *i* is the number with status index ≥ *i*. Columns:

    - ``current``: people whose status is exactly this stage;
    - ``reached``: people at this stage or beyond;
    - ``share``: reached / reached at the first stage (everyone with a known status);
    - ``conversion``: reached / reached at the previous stage (NaN for the first stage);
    - ``median_days_to_customer`` (customer row only, when ``acquired_at`` and dated
      ``interactions`` exist): median days from a customer's first interaction to ``acquired_at``,
      over customers whose first interaction came before their acquisition.

    Unknown status values are ignored; the validation report lists them.
    """
    require_columns(customers, "customers", ("status",))
    funnel = funnel_of_counts(counts_as_text(customers["status"]))
    days = _days_to_customer(customers, interactions)
    if days is not None and not days.empty:
        funnel.loc[funnel["stage"] == "customer", "median_days_to_customer"] = float(days.median())
    return funnel


def counts_as_text(values: pd.Series) -> pd.Series:
    """How often each value occurs, by the value as text (missing values left out). The
    values are counted first and only the distinct ones turned into text: on 5 M customers
    with a categorical status, 0.02 s of CPU against 1.7 s for turning every row into text."""
    counts = values.value_counts()
    return counts.groupby(counts.index.astype("string")).sum()


def funnel_of_counts(counts: pd.Series) -> pd.DataFrame:
    """:func:`lifecycle_funnel` of people per status value (other values are ignored), without
    the days to customer."""
    current = counts.reindex(list(STATUSES), fill_value=0).astype(int)
    reached = current[::-1].cumsum()[::-1]
    first = int(reached.iloc[0])
    funnel = pd.DataFrame(
        {
            "stage": list(STATUSES),
            "current": current.to_numpy(),
            "reached": reached.to_numpy(),
        }
    )
    funnel["share"] = funnel["reached"] / first if first else 0.0
    funnel["conversion"] = funnel["reached"] / funnel["reached"].shift(1)
    funnel["median_days_to_customer"] = float("nan")
    return funnel


def _days_to_customer(
    customers: pd.DataFrame, interactions: pd.DataFrame | None
) -> pd.Series | None:
    if interactions is None or interactions.empty or "acquired_at" not in customers.columns:
        return None
    if not {"customer_id", "date"} <= set(interactions.columns):
        return None
    touched = interactions["date"]
    if not pd.api.types.is_datetime64_any_dtype(touched):
        touched = pd.to_datetime(touched, errors="coerce")
    first_touch = touched.groupby(interactions["customer_id"]).min()
    buyers = customers[customers["status"].astype("string") == "customer"]
    acquired = pd.Series(
        pd.to_datetime(buyers["acquired_at"], errors="coerce").to_numpy(),
        index=buyers["customer_id"],
    )
    gap = (acquired - first_touch.reindex(acquired.index)).dt.days
    return gap[gap >= 0]
