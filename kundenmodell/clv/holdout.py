"""Does the model predict? Fit on a calibration period, compare with the hold-out period after it.

The purchases up to ``calibration_end`` give each customer's calibration summary (x, t_x, T,
m); the purchase days in (calibration_end, observation_end] are their actual hold-out repeat
purchases. The BG/NBD model fitted on the calibration summary predicts
E[Y(t*) | x, t_x, T] for the hold-out length t*; comparing the means per calibration frequency
is the conditional-expectations check of Fader, Hardie & Lee (2005, fig. 4), and the
cumulative repeat purchases of the calibration customers week by week against
Σᵢ E[X(t − sᵢ)] (sᵢ: first purchase) is their tracking plot (fig. 2).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kundenmodell.clv.bgnbd import BetaGeoModel
from kundenmodell.clv.summary import days_per_unit, purchase_days, summary_from_transactions
from kundenmodell.dates import as_day
from kundenmodell.errors import DataError


def calibration_and_holdout(
    transactions: pd.DataFrame,
    calibration_end: object,
    *,
    observation_end: object = None,
    time_unit: str = "W",
    customer_id_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
) -> pd.DataFrame:
    """The calibration summary of every customer who bought by ``calibration_end``, plus
    ``frequency_holdout`` (purchase days in the hold-out period) and ``duration_holdout``
    (its length in ``time_unit``).

    Raises :class:`DataError` ``error.clv.invalid_holdout`` unless the calibration end lies
    after the first purchase and before the observation end.
    """
    unit_days = days_per_unit(time_unit)
    days = purchase_days(
        transactions, customer_id_col=customer_id_col, date_col=date_col, amount_col=amount_col
    )
    if days.empty:
        raise DataError("error.clv.no_purchases")
    end = days["day"].max() if observation_end is None else as_day(observation_end)
    cut = as_day(calibration_end)
    if not days["day"].min() <= cut < end:
        raise DataError("error.clv.invalid_holdout")
    summary = summary_from_transactions(
        transactions,
        customer_id_col=customer_id_col,
        date_col=date_col,
        amount_col=amount_col,
        observation_end=cut,
        time_unit=time_unit,
    )
    later = days[(days["day"] > cut) & (days["day"] <= end)]
    counts = later.groupby("customer_id", observed=True).size()
    summary["frequency_holdout"] = counts.reindex(summary.index, fill_value=0).astype(np.int64)
    summary["duration_holdout"] = (end - cut).days / unit_days
    summary.attrs.update({"calibration_end": cut, "observation_end": end})
    return summary


def holdout_comparison(
    bg: BetaGeoModel, calibration: pd.DataFrame, *, max_frequency: int = 7
) -> pd.DataFrame:
    """Mean actual and predicted hold-out repeat purchases per calibration frequency.

    Rows for x = 0 … ``max_frequency`` (the last one collects all x ≥ ``max_frequency``) with
    ``frequency``, ``label`` ("7+" for the last), ``customers``, ``actual`` and ``predicted``.
    """
    predicted = bg.conditional_expected_purchases(
        calibration["duration_holdout"].to_numpy(dtype=np.float64),
        calibration["frequency"].to_numpy(dtype=np.float64),
        calibration["recency"].to_numpy(dtype=np.float64),
        calibration["T"].to_numpy(dtype=np.float64),
    )
    bucket = np.minimum(calibration["frequency"].to_numpy(), max_frequency)
    frame = pd.DataFrame(
        {
            "frequency": bucket,
            "actual": calibration["frequency_holdout"].to_numpy(),
            "predicted": predicted,
        }
    )
    table = frame.groupby("frequency").agg(
        customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean")
    )
    table = table.reset_index()
    table.insert(
        1,
        "label",
        [f"{value}+" if value == max_frequency else str(value) for value in table["frequency"]],
    )
    return table


def tracking(
    bg: BetaGeoModel,
    transactions: pd.DataFrame,
    calibration_end: object,
    *,
    observation_end: object = None,
    time_unit: str = "W",
    customer_id_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
) -> pd.DataFrame:
    """Cumulative repeat purchases of the calibration customers per week: ``week`` (its last
    day), ``actual`` and ``predicted`` = Σᵢ E[X(week − first purchaseᵢ)], plus ``holdout``
    (True after the calibration end)."""
    unit_days = days_per_unit(time_unit)
    days = purchase_days(
        transactions, customer_id_col=customer_id_col, date_col=date_col, amount_col=amount_col
    )
    end = days["day"].max() if observation_end is None else as_day(observation_end)
    cut = as_day(calibration_end)
    first = days.groupby("customer_id", observed=True)["day"].transform("min")
    cohort = days[(first <= cut) & (days["day"] <= end)]
    cohort_first = first[cohort.index]
    repeat_days = cohort.loc[cohort["day"] > cohort_first, "day"]

    start = cohort_first.min()
    weeks = pd.date_range(start + pd.Timedelta(days=6), end, freq="7D")
    if len(weeks) == 0 or weeks[-1] < end:
        weeks = weeks.append(pd.DatetimeIndex([end]))
    week_days = (weeks - start).days.to_numpy()
    actual = np.searchsorted(
        np.sort((repeat_days - start).dt.days.to_numpy()), week_days, side="right"
    )

    starts = cohort.groupby("customer_id", observed=True)["day"].min()
    offsets, customers = np.unique((starts - start).dt.days.to_numpy(), return_counts=True)
    age = np.maximum(week_days[:, None] - offsets[None, :], 0) / unit_days
    predicted = bg.expected_purchases(age) @ customers
    return pd.DataFrame(
        {"week": weeks, "actual": actual, "predicted": predicted, "holdout": weeks > cut}
    )
