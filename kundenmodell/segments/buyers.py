"""One row per buyer in the engine: the customer summary with the activity class, the RFM
figures and scores and the R×F segment, the table both segment reports read."""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dtypes
import numpy as np
import pandas as pd

from kundenmodell import engine
from kundenmodell.segments.activity import ActivityRules
from kundenmodell.segments.rfm import GRID_CODES, to_five

RFM_BINS = 5
"""Score levels of the overview's RFM view."""


def buyer_table(
    days: ibis.Table, as_of: pd.Timestamp, rules: ActivityRules, *, skip: tuple[str, ...] = ()
) -> ibis.Table:
    """One row per buyer in the engine: the customer summary of the
    :func:`~kundenmodell.engine.day_totals` ``days`` with the activity code, the RFM figures,
    the scores (less those named in ``skip``) and the R×F segment's position in
    :data:`~kundenmodell.segments.rfm.RFM_SEGMENTS` (``segment``)."""
    summary = engine.summary_of_days(days, as_of, recent_window_days=rules.regular_window_days)
    return buyers_of_summary(summary, as_of, rules, skip=skip)


def buyers_of_summary(
    summary: ibis.Table, as_of: pd.Timestamp, rules: ActivityRules, *, skip: tuple[str, ...] = ()
) -> ibis.Table:
    """:func:`buyer_table` of a customer summary already made (its ``recent_days`` counted in
    the rules' regular window), e.g. from a data set's kept
    :func:`~kundenmodell.engine.customer_base`."""
    classed = summary.mutate(
        activity=engine.activity_code(
            summary,
            as_of,
            active_window_days=rules.active_window_days,
            regular_min_purchases=rules.regular_min_purchases,
        )
    )
    scored = engine.rfm_scores(classed, as_of, RFM_BINS, keep=("activity",), skip=skip)
    return scored.mutate(segment=_segment_code(scored["r_score"], scored["f_score"]))


def _segment_code(r_score: ibis.Value, f_score: ibis.Value) -> ibis.Value:
    """The R×F grid of :mod:`kundenmodell.segments.rfm` as one CASE over the 25 cells."""
    scores = np.arange(1, RFM_BINS + 1)
    r5, f5 = to_five(scores, RFM_BINS), to_five(scores, RFM_BINS)
    cells = [
        ((r_score == int(r)) & (f_score == int(f)), int(GRID_CODES[r5[r - 1] - 1, f5[f - 1] - 1]))
        for r in scores
        for f in scores
    ]
    return ibis.cases(*cells).cast(dtypes.int8)
