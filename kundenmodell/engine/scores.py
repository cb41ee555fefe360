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


def quantile_score(
    table: ibis.Table, column: str, bins: int, *, higher_is_better: bool = True
) -> ibis.Value:
    """The score 1..``bins`` of ``table[column]`` (see the module docstring); with
    ``higher_is_better=False`` the smallest values score highest.

    One sort per score: over the values in order, ``rank()`` is the first rank of a run of
    equal values and ``cume_dist()`` · n its last, so the average rank is their mean.
    """
    value = table[column]
    window = ibis.window(order_by=value if higher_is_better else -value)
    first_rank = (ibis.rank().over(window) + 1).cast(dtypes.float64)
    everyone = value.count().over(ibis.window()).cast(dtypes.float64)
    last_rank = (ibis.cume_dist().over(window) * everyone).round()
    average = (first_rank + last_rank) / 2.0
    score = (average / everyone * bins).ceil().cast(dtypes.int64)
    return ibis.greatest(ibis.least(score, bins), 1)


def rfm_scores(
    summary: ibis.Table, as_of: object, bins: int, *, keep: tuple[str, ...] = ()
) -> ibis.Table:
    """``customer_id``, ``recency_days``, ``frequency`` (purchases), ``monetary`` (revenue) and
    their scores ``r_score``, ``f_score``, ``m_score`` from a customer summary, plus the
    summary's columns named in ``keep``."""
    base = summary.select(
        *keep,
        customer_id=summary["customer_id"],
        recency_days=day_literal(as_of).delta(summary["last_day"], unit="day").cast(dtypes.int64),
        frequency=summary["purchases"],
        monetary=summary["revenue"],
    )
    return base.mutate(
        r_score=quantile_score(base, "recency_days", bins, higher_is_better=False),
        f_score=quantile_score(base, "frequency", bins),
        m_score=quantile_score(base, "monetary", bins),
    )
