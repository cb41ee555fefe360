"""Promoters, passives and detractors, and the Net Promoter Score with a confidence interval."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from kundenmodell.errors import DataError
from kundenmodell.segments._common import require_columns

NPS_GROUPS: tuple[str, ...] = ("promoter", "passive", "detractor")


@dataclass(frozen=True)
class NpsResult:
    """Net Promoter Score of ``n`` answers.

    ``promoters``, ``passives`` and ``detractors`` are counts; ``score`` is
    100 × (promoters − detractors) / n, between −100 and 100; ``ci_low``/``ci_high`` the
    confidence interval on the same scale.
    """

    score: float
    promoters: int
    passives: int
    detractors: int
    n: int
    ci_low: float
    ci_high: float
    confidence: float = 0.95

    def share(self, group: str) -> float:
        """Share of ``group`` (``promoter``, ``passive``, ``detractor``) among the answers."""
        count = {"promoter": self.promoters, "passive": self.passives, "detractor": self.detractors}
        return count[group] / self.n if self.n else float("nan")


def nps_group(scores: pd.Series) -> pd.Series:
    """``promoter`` (9–10), ``passive`` (7–8) or ``detractor`` (0–6) per score; missing or
    out-of-range scores stay missing."""
    values = pd.to_numeric(scores, errors="coerce").astype(float).to_numpy()
    codes = np.select(
        [
            (values >= 9) & (values <= 10),
            (values >= 7) & (values < 9),
            (values >= 0) & (values < 7),
        ],
        [0, 1, 2],
        default=-1,
    )
    return pd.Series(pd.Categorical.from_codes(codes, list(NPS_GROUPS)), index=scores.index)


def nps(scores: pd.Series | list[float], *, confidence: float = 0.95) -> NpsResult:
    """Net Promoter Score with the adjusted-Wald interval of Rocks (2016).

    NPS = 100 × (P − D) / n with P promoters (9–10) and D detractors (0–6). The interval adds
    3/4 of a promoter, 3/4 of a detractor and 3/2 of a passive (n' = n + 3):
    p' = (P + ¾)/n', d' = (D + ¾)/n', centre = p' − d',
    var = (p' + d' − (p' − d')²) / n', interval = centre ± z·√var, clipped to [−1, 1] and ×100.
    Rocks (2016, *The American Statistician* 70:4) found it to hold its coverage far better than
    the plain Wald interval for the sample sizes of real surveys. Scores outside 0–10 and missing
    values are ignored; with no valid score a ``DataError`` says so.
    """
    return nps_of_groups(nps_group(pd.Series(scores)), confidence=confidence)


def nps_of_groups(groups: pd.Series, *, confidence: float = 0.95) -> NpsResult:
    """:func:`nps` of answers already grouped by :func:`nps_group`."""
    counts = groups.value_counts()
    promoters, passives, detractors = (int(counts.get(g, 0)) for g in NPS_GROUPS)
    return nps_of_counts(promoters, passives, detractors, confidence=confidence)


def nps_of_counts(
    promoters: int, passives: int, detractors: int, *, confidence: float = 0.95
) -> NpsResult:
    """:func:`nps` of the numbers of promoters, passives and detractors (counted in the
    engine when the customers stay there)."""
    n = promoters + passives + detractors
    if n == 0:
        raise DataError("error.segments.no_nps_scores")
    adjusted_n = n + 3
    p = (promoters + 0.75) / adjusted_n
    d = (detractors + 0.75) / adjusted_n
    half_width = norm.ppf(0.5 + confidence / 2) * np.sqrt((p + d - (p - d) ** 2) / adjusted_n)
    return NpsResult(
        score=100 * (promoters - detractors) / n,
        promoters=promoters,
        passives=passives,
        detractors=detractors,
        n=n,
        ci_low=100 * max(-1.0, float(p - d - half_width)),
        ci_high=100 * min(1.0, float(p - d + half_width)),
        confidence=confidence,
    )


def nps_by(
    customers: pd.DataFrame, by: pd.Series | str, answers: pd.Series | None = None
) -> pd.DataFrame:
    """NPS per group: ``by`` is a customer column name or a Series indexed by customer_id
    (e.g. the RFM segment or activity class). Groups without valid scores are left out; the
    groups come in the order of their names. ``answers``: the :func:`nps_group` of the
    customers' scores, when the caller has it already (5 M customers: 0.4 s).

    Answers are counted per group and NPS group at once (one ``bincount`` of
    group × answer), not per group's rows: on 5 M customers 0.5 s of CPU against 2.0 s."""
    require_columns(customers, "customers", ("customer_id", "nps_score"))
    labels = (
        customers[by]
        if isinstance(by, str)
        else by.reindex(pd.Index(customers["customer_id"].array))
    )
    if not isinstance(labels.dtype, pd.CategoricalDtype):
        labels = labels.astype("string")
    codes, groups = pd.factorize(labels.array)
    if answers is None:
        answers = nps_group(customers["nps_score"])
    answer_codes = answers.array.codes.astype(np.int64)
    valid = (codes >= 0) & (answer_codes >= 0)
    width = len(NPS_GROUPS)
    counts = np.bincount(
        codes[valid] * width + answer_codes[valid], minlength=len(groups) * width
    ).reshape(-1, width)
    rows = []
    for position in sorted(np.flatnonzero(counts.sum(axis=1)), key=lambda g: str(groups[g])):
        result = nps_of_counts(*(int(count) for count in counts[position]))
        rows.append(
            {
                "group": groups[position],
                "n": result.n,
                "score": result.score,
                "ci_low": result.ci_low,
                "ci_high": result.ci_high,
                **{f"{g}_share": result.share(g) for g in NPS_GROUPS},
            }
        )
    columns = ["group", "n", "score", "ci_low", "ci_high", *(f"{g}_share" for g in NPS_GROUPS)]
    return pd.DataFrame(rows, columns=columns)
