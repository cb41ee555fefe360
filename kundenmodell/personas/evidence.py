"""How much evidence each feature may give: facts repeated on purchase rows, bounded purchase
mixes, and redundant columns.

A latent class model multiplies the likelihoods of its features, so every observation counts as
independent evidence. Exports break that in three ways, and each is corrected here:

1. **Customer-level facts repeated on every purchase row** (the shop a customer is registered
   with, the store, the region, the sales rep). Counted as a purchase mix, a customer with 30
   purchases "online" would give 30 observations of one fact. A mix is *repeated* when, among
   the customers with at least two purchases where it is known, at least
   ``REPEATED_CUSTOMERS`` (90 %) have at least ``REPEATED_SHARE`` (95 %) of them on one level.
   Such a mix enters the model as one categorical observation: the customer's most frequent
   level (:func:`modal_level`).
2. **Genuine mixes** (category, consumer role) vary between a customer's purchases, but the
   purchases of one customer are not independent draws either: a customer has their own taste.
   Their weight is the *effective number of purchases* of a clustered sample (Kish 1965),

       n_eff = n / (1 + (n − 1) ρ),

   with ρ the intra-customer correlation of the mix (:func:`intra_customer_correlation`): how
   much more likely two purchases of the same customer fall on the same level than two random
   purchases. This is the Dirichlet-multinomial's variance inflation (ρ = 1 / (1 + α₀) for a
   Dirichlet with total concentration α₀), used as a weight instead of a likelihood because it
   keeps the model a plain mixture of categoricals (one sparse product per EM step). n_eff
   grows with n but never beyond 1 / ρ: forty purchases say more than one, but not forty times
   more. ρ is estimated on the whole base, so the differences between personas raise it too —
   which errs on the side of less weight for a mix, never more. A repeated fact has ρ ≈ 1 and
   n_eff ≈ 1, so rule 1 is the limit of rule 2.
3. **Redundant pairs** (``channel`` vs ``acquisition_channel``, basket vs quantity at a fixed
   item price): two columns with the same information double the evidence of that fact. A
   pair of categorical features (a repeated mix by its most frequent level) is redundant when
   Cramér's V ≥ ``REDUNDANT_V`` (0.95) on the customers where both are known, a pair of numeric
   features when |Spearman's ρ| ≥ ``REDUNDANT_RHO`` (0.95). One of them is kept: the one known
   for more customers, then the one from the customer table (a customer-level fact is
   recorded there once), then the one listed first in
   :data:`~kundenmodell.personas.features.FEATURES`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kundenmodell.personas.features import FEATURES, UNKNOWN, FeatureTable, Mix

REPEATED_SHARE = 0.95
REPEATED_CUSTOMERS = 0.90
MIN_REPEAT_BUYERS = 20
REDUNDANT_V = 0.95
REDUNDANT_RHO = 0.95
MIN_OVERLAP = 30


@dataclass(frozen=True)
class Duplicate:
    """Feature ``dropped`` repeats feature ``kept`` (``strength``: Cramér's V or |Spearman|)."""

    dropped: str
    kept: str
    strength: float


@dataclass(frozen=True)
class Evidence:
    """Which features the model uses and how: ``used`` (after dropping duplicates), ``repeated``
    (mixes that are customer-level facts, used once per customer), ``duplicates`` (the dropped
    features and what they repeat) and ``correlation`` (ρ of every genuine mix used)."""

    used: tuple[str, ...]
    repeated: tuple[str, ...]
    duplicates: tuple[Duplicate, ...]
    correlation: dict[str, float]


def top_share(mix: Mix) -> np.ndarray:
    """Each customer's largest share of purchases on one level (NaN without a known level)."""
    totals = mix.counts.sum(axis=1)
    top = mix.counts.max(axis=1) if mix.counts.shape[1] else np.zeros(len(totals))
    return np.divide(top, totals, out=np.full(len(totals), np.nan), where=totals > 0)


def is_repeated(mix: Mix) -> bool:
    """Whether the mix is a customer-level fact (rule 1 of the module docstring)."""
    several = mix.counts.sum(axis=1) >= 2
    if several.sum() < MIN_REPEAT_BUYERS:
        return False
    return bool(np.mean(top_share(mix)[several] >= REPEATED_SHARE) >= REPEATED_CUSTOMERS)


def modal_level(mix: Mix) -> pd.Categorical:
    """Each customer's most frequent level (first listed on ties), ``unknown`` without one."""
    known = mix.counts.sum(axis=1) > 0
    codes = np.where(known, mix.counts.argmax(axis=1), len(mix.levels))
    return pd.Categorical.from_codes(codes, categories=[*mix.levels, UNKNOWN])


def intra_customer_correlation(mix: Mix) -> float:
    """ρ of the module docstring: (P_same − P_random) / (1 − P_random).

    P_same = Σ_i Σ_l c_il (c_il − 1) / Σ_i n_i (n_i − 1) is the probability that two different
    purchases of one customer share their level, P_random = Σ_l p_l² that two random purchases
    do (p_l the level's share of all purchases). 0 for independent purchases, 1 when every
    customer always buys the same level; 0 when no customer has two purchases.
    """
    counts = mix.counts
    totals = counts.sum(axis=1)
    pairs = float(np.sum(totals * (totals - 1)))
    if pairs <= 0:
        return 0.0
    same = float(np.sum(counts * (counts - 1))) / pairs
    shares = counts.sum(axis=0) / counts.sum()
    random = float(np.sum(shares**2))
    if random >= 1:
        return 1.0
    return float(np.clip((same - random) / (1 - random), 0.0, 1.0))


def effective_counts(mix: Mix, rho: float, cap: float) -> np.ndarray:
    """The purchase counts scaled to n_eff = min(n / (1 + (n − 1) ρ), cap) per customer."""
    totals = mix.counts.sum(axis=1, keepdims=True)
    effective = np.minimum(totals / (1 + np.maximum(totals - 1, 0) * rho), cap)
    return mix.counts * np.divide(effective, totals, out=np.zeros_like(totals), where=totals > 0)


def cramers_v(first: np.ndarray, second: np.ndarray) -> float:
    """Cramér's V of two integer-coded columns: √(χ² / (n · (min(r, c) − 1))), 0 when either
    has a single level."""
    a = pd.factorize(first)[0]
    b = pd.factorize(second)[0]
    rows, columns = a.max() + 1, b.max() + 1
    if len(a) == 0 or min(rows, columns) < 2:
        return 0.0
    table = np.bincount(a * columns + b, minlength=rows * columns).reshape(rows, columns)
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / len(a)
    chi2 = float(np.sum((table - expected) ** 2 / expected))
    return float(np.sqrt(chi2 / (len(a) * (min(rows, columns) - 1))))


def spearman(first: np.ndarray, second: np.ndarray) -> float:
    """Spearman's rank correlation (Pearson of the average ranks); 0 for a constant column."""
    a = pd.Series(first).rank().to_numpy()
    b = pd.Series(second).rank().to_numpy()
    a, b = a - a.mean(), b - b.mean()
    scale = float(np.sqrt(np.sum(a * a) * np.sum(b * b)))
    return float(np.sum(a * b) / scale) if scale > 0 else 0.0


def mix_evidence(
    table: FeatureTable, features: Sequence[str]
) -> tuple[tuple[str, ...], dict[str, float]]:
    """The repeated mixes among ``features`` (rule 1) and ρ of the other mixes (rule 2)."""
    mixes = [n for n in features if n in table.mixes]
    repeated = tuple(n for n in mixes if is_repeated(table.mixes[n]))
    correlation = {
        n: intra_customer_correlation(table.mixes[n]) for n in mixes if n not in repeated
    }
    return repeated, correlation


def weigh(table: FeatureTable, features: Sequence[str]) -> Evidence:
    """Which of ``features`` (those available in ``table``) the model uses, and how
    (see the module docstring)."""
    present = [n for n in features if n in table.available]
    repeated, correlation = mix_evidence(table, present)
    levels = {n: modal_level(table.mixes[n]) for n in repeated}
    levels.update(
        {n: pd.Categorical(table.categorical[n]) for n in present if n in table.categorical}
    )
    known = {n: np.asarray(v != UNKNOWN) for n, v in levels.items()}
    known.update({n: table.numeric[n].notna().to_numpy() for n in present if n in table.numeric})

    def preference(name: str) -> tuple[int, int, int]:
        customer_table = FEATURES[name].columns[0][0] == "customers"
        order = list(FEATURES).index(name)
        return (-int(known[name].sum()) if name in known else 0, not customer_table, order)

    kept: list[str] = []
    duplicates: list[Duplicate] = []
    for name in sorted(present, key=preference):
        match = next(
            (
                (other, strength)
                for other in kept
                if (strength := _association(table, levels, known, name, other)) is not None
            ),
            None,
        )
        if match is None:
            kept.append(name)
        else:
            duplicates.append(Duplicate(name, match[0], match[1]))
    used = tuple(n for n in present if n in kept)
    return Evidence(used, repeated, tuple(duplicates), correlation)


def _association(
    table: FeatureTable,
    levels: dict[str, pd.Categorical],
    known: dict[str, np.ndarray],
    first: str,
    second: str,
) -> float | None:
    """Cramér's V or |Spearman| of two features if it reaches the redundancy threshold."""
    if first in levels and second in levels:
        both = known[first] & known[second]
        if both.sum() < MIN_OVERLAP:
            return None
        value = cramers_v(levels[first].codes[both], levels[second].codes[both])
        return value if value >= REDUNDANT_V else None
    if first in table.numeric and second in table.numeric:
        both = known[first] & known[second]
        if both.sum() < MIN_OVERLAP:
            return None
        value = abs(
            spearman(table.numeric[first].to_numpy()[both], table.numeric[second].to_numpy()[both])
        )
        return value if value >= REDUNDANT_RHO else None
    return None
