"""RFM: recency, frequency and monetary scores and the eleven classic named segments."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kundenmodell import engine
from kundenmodell.errors import DataError
from kundenmodell.segments._common import require_columns, resolve_as_of

RFM_SEGMENTS: tuple[str, ...] = (
    "champions",
    "loyal",
    "potential_loyalists",
    "new",
    "promising",
    "need_attention",
    "about_to_sleep",
    "at_risk",
    "cant_lose_them",
    "hibernating",
    "lost",
)

# Segment by recency score (rows, 1..5) and frequency score (columns, 1..5), the widely used
# R×F grid (e.g. Putler's and the "RFM segmentation" 11-segment map).
_GRID = np.array(
    [
        # F=1          F=2            F=3       F=4       F=5
        ["lost", "hibernating", "at_risk", "at_risk", "cant_lose_them"],  # R=1
        ["hibernating", "hibernating", "at_risk", "at_risk", "cant_lose_them"],  # R=2
        ["about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"],  # R=3
        ["promising", "potential_loyalists", "potential_loyalists", "loyal", "loyal"],  # R=4
        ["new", "potential_loyalists", "potential_loyalists", "champions", "champions"],  # R=5
    ]
)

GRID_CODES = pd.Categorical(_GRID.ravel(), categories=list(RFM_SEGMENTS)).codes.reshape(_GRID.shape)
"""The grid as positions in :data:`RFM_SEGMENTS`: ``GRID_CODES[r5 − 1, f5 − 1]``."""


def quantile_scores(values: pd.Series, bins: int, *, higher_is_better: bool = True) -> pd.Series:
    """Scores 1..``bins`` by percentile rank; equal values always get the same score.

    score = ceil(bins × rank_pct), with ``rank_pct`` the average-rank percentile (ties share
    their mean rank), so a tie never straddles two scores. With ``higher_is_better=False`` the
    smallest values score highest (recency: fewer days since the last purchase is better).
    Computed in the engine (:func:`kundenmodell.engine.value_scores`).
    """
    frame = pd.DataFrame({"position": np.arange(len(values)), "value": values.to_numpy()})
    table = engine.frame_table(frame)
    scores = engine.value_scores(
        table, "value", bins, name="score", higher_is_better=higher_is_better
    )
    scored = table.join(scores, "value").select("position", "score")
    result = engine.to_pandas(scored.order_by("position"))
    return pd.Series(result["score"].to_numpy(dtype=int), index=values.index, name=values.name)


def rfm(transactions: pd.DataFrame, as_of: object | None = None, *, bins: int = 5) -> pd.DataFrame:
    """Recency, frequency, monetary value, their scores and the named segment per customer.

    - ``recency_days``: days from the last purchase to ``as_of`` (default: last purchase date);
    - ``frequency``: number of purchases; ``monetary``: sum of amounts, both up to ``as_of``;
    - ``r_score``, ``f_score``, ``m_score``: :func:`quantile_scores` with ``bins`` levels;
    - ``segment``: from the R×F grid after rescaling the scores to 1..5
      (1 + round((score − 1) × 4 / (bins − 1)), so the lowest and highest levels stay the
      lowest and highest); the recommended action per segment is the i18n key
      ``rfm.action.<segment>``.

    Indexed by ``customer_id``; only customers with a purchase up to ``as_of`` appear. The
    figures and scores are computed in the engine (:func:`kundenmodell.engine.rfm_scores`).
    """
    check_bins(bins)
    require_columns(transactions, "transactions", ("customer_id", "date"))
    as_of = resolve_as_of(transactions, as_of)
    table = engine.frame_table(transactions, engine.PURCHASE_COLUMNS)
    summary = engine.customer_summary(engine.purchases(table, as_of), as_of)
    scored = engine.to_pandas(engine.rfm_scores(summary, as_of, bins).order_by("customer_id"))
    return with_segments(scored.set_index("customer_id"), bins)


def check_bins(bins: int) -> None:
    """Raise ``error.segments.invalid_bins`` unless 2 ≤ ``bins`` ≤ 10."""
    if not 2 <= bins <= 10:
        raise DataError("error.segments.invalid_bins", minimum=2, maximum=10)


def with_segments(scores: pd.DataFrame, bins: int) -> pd.DataFrame:
    """:func:`kundenmodell.engine.rfm_scores` rows (indexed by customer) with the named
    ``segment`` of the R×F grid; the scores as Python ints, the rest as computed."""
    table = scores.astype(
        {"recency_days": np.int64, "frequency": np.int64, "monetary": np.float64}
    ).astype({f"{letter}_score": int for letter in "rfm"})
    r5, f5 = (to_five(table[column].to_numpy(), bins) for column in ("r_score", "f_score"))
    table["segment"] = pd.Categorical.from_codes(
        GRID_CODES[r5 - 1, f5 - 1], categories=list(RFM_SEGMENTS)
    )
    table.index.name = "customer_id"
    return table


def rfm_grid(table: pd.DataFrame) -> pd.DataFrame:
    """Customers per occupied cell of the recency × frequency grid of :func:`rfm` rows, as
    :func:`grid_of_counts` gives them (the segment is the cell's: it depends on R and F only)."""
    cells = table.groupby(["r_score", "f_score"], observed=True).agg(
        customers=("segment", "size"), segment=("segment", "first")
    )
    return cells.reset_index().astype({"segment": str, "customers": np.int64})


def grid_of_counts(counts: pd.DataFrame, bins: int) -> pd.DataFrame:
    """The occupied cells of the R×F grid: ``r_score``, ``f_score``, ``customers`` (from
    ``counts``, one row per cell) and the cell's ``segment`` (:data:`GRID_CODES` after
    rescaling the scores to 1..5 as :func:`rfm` does), sorted by recency then frequency."""
    cells = counts.astype({"r_score": int, "f_score": int, "customers": np.int64})
    cells = cells[cells["customers"] > 0].sort_values(["r_score", "f_score"], ignore_index=True)
    r5, f5 = (to_five(cells[column].to_numpy(), bins) for column in ("r_score", "f_score"))
    cells["segment"] = [RFM_SEGMENTS[code] for code in GRID_CODES[r5 - 1, f5 - 1]]
    return cells[["r_score", "f_score", "customers", "segment"]]


def to_five(scores: np.ndarray, bins: int) -> np.ndarray:
    return (1 + np.round((scores - 1) * 4 / (bins - 1))).astype(int)


def rfm_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per segment: customers, share of customers, revenue, share of revenue, mean recency and
    frequency, in the order of :data:`RFM_SEGMENTS` (empty segments included, with zeros)."""
    grouped = table.groupby("segment", observed=False)
    summary = pd.DataFrame(
        {
            "customers": grouped.size(),
            "revenue": grouped["monetary"].sum(),
            "mean_recency_days": grouped["recency_days"].mean(),
            "mean_frequency": grouped["frequency"].mean(),
        }
    ).reindex(list(RFM_SEGMENTS))
    summary["customers"] = summary["customers"].fillna(0).astype(int)
    summary["revenue"] = summary["revenue"].fillna(0.0)
    total_customers = summary["customers"].sum()
    total_revenue = summary["revenue"].sum()
    summary["customer_share"] = summary["customers"] / total_customers if total_customers else 0.0
    summary["revenue_share"] = summary["revenue"] / total_revenue if total_revenue else 0.0
    summary.index.name = "segment"
    return summary.reset_index()
