"""How faithful the personas are: separation (silhouette), stability (resampling), certainty.

- **Silhouette** (Rousseeuw 1987) on a sample of customers with the Gower distance
  (Gower 1971), the usual distance for mixed data: the mean over features of a per-feature
  distance in [0, 1] — |Δ percentile rank| for numbers, 0/1 mismatch for categories, total
  variation ½ Σ |Δ share| for purchase mixes; a feature unknown for either customer is left
  out of that pair. s(i) = (b − a) / max(a, b) with a the mean distance to the own persona and
  b to the nearest other one. People overlap in many single traits, so values around 0.1–0.3
  are usual even for personas that are real and stable.
- **Stability** (Hennig 2007, "Cluster-wise assessment of cluster stability"): the personas
  are rebuilt from scratch on random halves of the customers (with the same split-and-merge
  search as the personas themselves, so that the optimiser's local optima do not pass for
  instability); for each persona the best
  Jaccard overlap |A ∩ B| / |A ∪ B| with a rebuilt persona is averaged over the runs. Hennig's
  reading: ≥ 0.75 stable, 0.6–0.75 a pattern, below 0.5 dissolved.
- **Certainty**: the mean membership probability of each customer's own persona (the
  latent class posterior).
- **Separation by feature**: how much of the difference between the personas each feature
  carries. With n_jc = Σ_i r_ic x_ij the (expected) count of level j in persona c, θ_cj the
  persona's smoothed share of that level within its feature and θ̄_j the share in the whole
  base, feature b contributes

      D_b = Σ_{j ∈ b} Σ_c n_jc · log(θ_cj / θ̄_j)  ≥ 0,

  the log-likelihood the model gains on that feature by knowing the persona (the personas'
  information about the feature, summed over customers). D_b / Σ D is its share; a share of
  at least ``DOMINANT_SHARE`` means one feature explains most of the split — the personas may
  then be little more than the levels of that column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import comb

from kundenmodell.personas.clustering import fit_range, neighbours
from kundenmodell.personas.features import FeatureTable
from kundenmodell.personas.latent import SMOOTHING, Design

SILHOUETTE_SAMPLE = 1_000
STABILITY_RUNS = 4
STABILITY_SAMPLE = 2_500
REFIT_STARTS = 2  # random starts per refit; the split and merge starts do the rest
CLEAR = {"stability": 0.85, "certainty": 0.85}
MODERATE = {"stability": 0.6}
STABLE_PERSONA = 0.75
DOMINANT_SHARE = 0.5
PATTERN_PERSONA = 0.6


@dataclass(frozen=True)
class Quality:
    """How distinct and reliable a persona set is; ``reading`` is an i18n key
    (``personas.quality.clear`` / ``moderate`` / ``weak``) with the plain-language verdict.
    ``separation`` is each clustering feature's share of the separation (same order as
    ``features``, summing to 1; see the module docstring) and ``dominant`` the feature with at
    least ``DOMINANT_SHARE`` of it, or ``""``."""

    silhouette: float
    stability: float
    certainty: float
    persona_stability: tuple[float, ...]
    persona_certainty: tuple[float, ...]
    runs: int
    reading: str
    features: tuple[str, ...] = ()
    separation: tuple[float, ...] = ()

    @property
    def dominant(self) -> str:
        shares = dict(zip(self.features, self.separation, strict=True))
        top = max(shares, key=shares.__getitem__, default="")
        return top if top and shares[top] >= DOMINANT_SHARE else ""


def adjusted_rand_index(first: Sequence | np.ndarray, second: Sequence | np.ndarray) -> float:
    """Adjusted Rand index of two labelings (Hubert & Arabie 1985).

    With the contingency table n_ij, a_i = Σ_j n_ij, b_j = Σ_i n_ij and C(x) = x(x−1)/2:
    ARI = (Σ C(n_ij) − E) / (½ (Σ C(a_i) + Σ C(b_j)) − E), E = Σ C(a_i) Σ C(b_j) / C(n).
    1 for identical partitions (up to renaming), about 0 for random ones.
    """
    a = pd.factorize(np.asarray(first, dtype=object))[0]
    b = pd.factorize(np.asarray(second, dtype=object))[0]
    if len(a) != len(b):
        raise ValueError("labelings differ in length")
    table = np.zeros((a.max() + 1, b.max() + 1)) if len(a) else np.zeros((1, 1))
    np.add.at(table, (a, b), 1)
    pairs = comb(table, 2).sum()
    rows, columns = comb(table.sum(axis=1), 2).sum(), comb(table.sum(axis=0), 2).sum()
    expected = rows * columns / comb(len(a), 2) if len(a) > 1 else 0.0
    maximum = (rows + columns) / 2
    if maximum == expected:
        return 1.0
    return float((pairs - expected) / (maximum - expected))


def gower_distances(table: FeatureTable, features: Sequence[str], rows: np.ndarray) -> np.ndarray:
    """Gower distances between the customers at ``rows`` over ``features`` (m × m)."""
    m = len(rows)
    total = np.zeros((m, m))
    weight = np.zeros((m, m))
    for name in features:
        if name in table.numeric.columns:
            ranks = table.numeric[name].rank(pct=True).to_numpy(float)[rows]
            known = ~np.isnan(ranks)
            filled = np.nan_to_num(ranks)
            distance = np.abs(filled[:, None] - filled[None, :])
            valid = known[:, None] & known[None, :]
        elif name in table.categorical.columns:
            codes = table.categorical[name].cat.codes.to_numpy()[rows]
            distance = (codes[:, None] != codes[None, :]).astype(float)
            valid = np.ones((m, m), dtype=bool)
        elif name in table.mixes:
            shares = table.mixes[name].shares()[rows]
            distance = np.zeros((m, m))
            for level in range(shares.shape[1]):
                distance += np.abs(shares[:, level, None] - shares[None, :, level])
            distance /= 2
            bought = shares.sum(axis=1) > 0
            valid = bought[:, None] & bought[None, :]
        else:
            continue
        total += np.where(valid, distance, 0.0)
        weight += valid
    return np.divide(total, weight, out=np.zeros_like(total), where=weight > 0)


def silhouette(distances: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette width of ``labels`` under a distance matrix (0 for singletons)."""
    k = int(labels.max()) + 1
    members = np.eye(k)[labels]
    sums = distances @ members  # m × k: summed distance to each persona
    sizes = members.sum(axis=0)
    own = sizes[labels] - 1
    inside = sums[np.arange(len(labels)), labels] / np.maximum(own, 1)
    to_others = sums / np.maximum(sizes, 1)
    to_others[np.arange(len(labels)), labels] = np.inf
    to_others[:, sizes == 0] = np.inf
    nearest = to_others.min(axis=1)
    widths = (nearest - inside) / np.maximum(np.maximum(nearest, inside), 1e-12)
    widths[(own == 0) | ~np.isfinite(nearest)] = 0.0
    return float(widths.mean())


def assess(
    table: FeatureTable,
    design: Design,
    features: Sequence[str],
    labels: np.ndarray,
    posterior: np.ndarray,
    seed: int,
) -> Quality:
    """Silhouette, stability and certainty of ``labels`` (see the module docstring)."""
    rng = np.random.default_rng([seed, 1])
    k = posterior.shape[1]
    rows = np.sort(rng.choice(len(labels), min(len(labels), SILHOUETTE_SAMPLE), replace=False))
    width = silhouette(gower_distances(table, features, rows), labels[rows]) if k > 1 else 0.0
    own = posterior[np.arange(len(labels)), labels]
    persona_certainty = tuple(
        float(own[labels == c].mean()) if np.any(labels == c) else 0.0 for c in range(k)
    )
    runs = STABILITY_RUNS if len(labels) >= 10 * k else 0
    jaccard = np.zeros((runs, k))
    size = min(len(labels) // 2, STABILITY_SAMPLE)
    for run in range(runs):
        half = np.sort(rng.choice(len(labels), size, replace=False))
        sample = design.take(half)
        refit = fit_range(sample, neighbours(k), seed + 1 + run, REFIT_STARTS)[k]
        again = refit.predict_proba(sample).argmax(axis=1)
        jaccard[run] = _best_jaccard(labels[half], again, k)
    persona_stability = tuple(float(v) for v in jaccard.mean(axis=0)) if runs else (0.0,) * k
    stability = float(np.mean(persona_stability)) if runs else 0.0
    certainty = float(own.mean())
    separation = feature_separation(design, posterior)
    return Quality(
        silhouette=width,
        stability=stability,
        certainty=certainty,
        persona_stability=persona_stability,
        persona_certainty=persona_certainty,
        runs=runs,
        reading=_reading(stability, certainty),
        features=design.names,
        separation=tuple(float(v) for v in separation),
    )


def feature_separation(design: Design, posterior: np.ndarray) -> np.ndarray:
    """Each feature block's share D_b / Σ D of the separation (module docstring); zeros when
    the personas do not differ at all."""
    counts = np.asarray(design.matrix.T @ posterior) + SMOOTHING  # columns × classes
    indicator = design.indicator()
    per_class = indicator @ (indicator.T @ counts)  # block totals, per column
    pooled = counts.sum(axis=1, keepdims=True)
    pooled_total = indicator @ (indicator.T @ pooled)
    gain = counts * (np.log(counts / per_class) - np.log(pooled / pooled_total))
    blocks = np.bincount(design.blocks, gain.sum(axis=1), minlength=len(design.names))
    blocks = np.maximum(blocks, 0.0)
    total = blocks.sum()
    return blocks / total if total > 0 else blocks


def _best_jaccard(original: np.ndarray, rebuilt: np.ndarray, k: int) -> np.ndarray:
    """For each original class, the largest Jaccard overlap with a rebuilt class."""
    both = np.zeros((k, int(rebuilt.max()) + 1))
    np.add.at(both, (original, rebuilt), 1)
    union = both.sum(axis=1)[:, None] + both.sum(axis=0)[None, :] - both
    return np.max(np.divide(both, union, out=np.zeros_like(both), where=union > 0), axis=1)


def _reading(stability: float, certainty: float) -> str:
    if stability >= CLEAR["stability"] and certainty >= CLEAR["certainty"]:
        return "personas.quality.clear"
    if stability >= MODERATE["stability"]:
        return "personas.quality.moderate"
    return "personas.quality.weak"


def persona_reading(stability: float) -> str:
    """i18n key for one persona's stability (Hennig's thresholds)."""
    if stability >= STABLE_PERSONA:
        return "personas.stability.stable"
    if stability >= PATTERN_PERSONA:
        return "personas.stability.pattern"
    return "personas.stability.unstable"
