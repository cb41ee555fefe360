"""RFM scores computed in the engine, with pandas' average-rank convention.

score = ⌈bins · r / n⌉ clipped to 1..bins, where r is the average rank (1-based) of the value
among the n customers: r = min rank + (ties − 1) / 2. Equal values therefore always share one
score. SQL's ``NTILE`` is not used on purpose: it splits a run of equal values across two
tiles, so two customers with the same purchase count could get different scores.
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dtypes

from kundenmodell.engine.purchases import day_literal


def value_scores(
    table: ibis.Table, column: str, bins: int, *, name: str, higher_is_better: bool = True
) -> ibis.Table:
    """The score 1..``bins`` (column ``name``) of each distinct value of ``table[column]``
    (see the module docstring); with ``higher_is_better=False`` the smallest values score
    highest.

    Computed over the distinct values, not the customers: a cumulative count in value order
    gives the last rank of each run of equal values, and the average rank is
    last − (ties − 1) / 2. Recency and frequency have a few thousand distinct values, so this
    is a small table joined back, where ranking every customer would sort them all.
    """
    counts = table.group_by(column).aggregate(ties=ibis._.count())
    value = counts[column]
    ties = counts["ties"].cast(dtypes.float64)
    order = value if higher_is_better else value.desc()
    last_rank = ties.sum().over(ibis.cumulative_window(order_by=order))
    everyone = ties.sum().over(ibis.window())
    average = last_rank - (ties - 1.0) / 2.0
    score = (average / everyone * bins).ceil().cast(dtypes.int64)
    return counts.select(value, **{name: ibis.greatest(ibis.least(score, bins), 1)})


SCORED = (
    ("recency_days", "r_score", False),
    ("frequency", "f_score", True),
    ("monetary", "m_score", True),
)


def rfm_scores(
    summary: ibis.Table,
    as_of: object,
    bins: int,
    *,
    keep: tuple[str, ...] = (),
    skip: tuple[str, ...] = (),
) -> ibis.Table:
    """``customer_id``, ``recency_days``, ``frequency`` (purchases), ``monetary`` (revenue) and
    their scores ``r_score``, ``f_score``, ``m_score`` from a customer summary, plus the
    summary's columns named in ``keep``; scores named in ``skip`` are left out (the R×F
    segments need no M)."""
    base = summary.select(
        *keep,
        customer_id=summary["customer_id"],
        recency_days=day_literal(as_of).delta(summary["last_day"], unit="day").cast(dtypes.int64),
        frequency=summary["purchases"],
        monetary=summary["revenue"],
    )
    scored = base
    for column, name, higher_is_better in SCORED:
        if name not in skip:
            scores = value_scores(base, column, bins, name=name, higher_is_better=higher_is_better)
            scored = scored.join(scores, column)
    return scored
