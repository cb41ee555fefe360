"""A latent class model: a mixture of independent categorical distributions, fitted by EM.

Why this model for personas. Customer data are mixed: numbers on very different scales with
skew and spikes (income, basket, purchases per year), categories (gender, customer type),
and purchase mixes whose reliability grows with the number of purchases. Instead of forcing
all of them into one distance (scaling + one-hot + k-means, or Gower + k-medoids), every
feature becomes a *categorical* variable and the model is a mixture over them:

- numeric features are cut into quantile bins (quintiles of the base): no scaling to choose,
  robust to outliers and skew, and a missing value is a level of its own (``unknown``), so
  "no income given — it is a company" carries information instead of being imputed;
- a categorical feature is one draw from a class-specific distribution;
- a purchase mix is a multinomial: each purchase's category is a draw from the class's
  category distribution, with the counts scaled to the customer's *effective* number of
  purchases n_eff = min(n / (1 + (n − 1) ρ), ``cap``), ρ the mix's intra-customer correlation
  (:mod:`kundenmodell.personas.evidence`): forty purchases say more than one, but a customer's
  purchases share their taste, so not forty times more, and a handful of heavy buyers cannot
  dominate;
- a mix that is really a customer-level fact repeated on every purchase row (the shop channel
  a customer is registered with) is one categorical observation: the customer's most
  frequent level.

Given class c (probability π_c) the features are independent (the latent class assumption),
so the log-likelihood of customer i is

    log p(x_i) = log Σ_c π_c · Π_blocks Π_levels θ_{c,level}^{x_{i,level}}

and the model is fitted by EM (Dempster, Laird & Rubin 1977): the E-step computes the
posterior r_ic ∝ π_c exp(Σ_d x_id log θ_cd) — one sparse matrix product —, the M-step sets
θ_cd ∝ α + Σ_i r_ic x_id within each feature block (α a small Dirichlet smoothing) and
π_c = Σ_i r_ic / n. Starting values come from k-means++ seeding (Arthur & Vassilvitskii 2007)
on the block-normalised rows; several starts run a few EM steps and the best continues to
convergence ("small EM", Biernacki, Celeux & Govaert 2003). The posterior gives every
customer a membership probability ("how sure") and the likelihood gives BIC
(Schwarz 1978) and ICL (Biernacki, Celeux & Govaert 2000) to choose the number of classes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from kundenmodell.personas.evidence import effective_counts, mix_evidence, modal_level
from kundenmodell.personas.features import UNKNOWN, FeatureTable, Mix

N_BINS = 5
PURCHASE_CAP = 20.0
SMOOTHING = 0.5
SEED_SAMPLE = 2_000
LLOYD_STEPS = 8
SHORT_EM_STEPS = 6
MERGE_STARTS = 2


@dataclass(frozen=True, eq=False)
class Design:
    """The features of ``n`` customers as one sparse matrix of level counts.

    Column ``j`` belongs to feature block ``blocks[j]``; ``names[b]`` and ``levels[b]`` name
    block ``b`` and its levels. Rows of single-valued features (and of mixes that are repeated
    customer-level facts) hold one 1; mix blocks hold the effective purchase counts.
    """

    matrix: sp.csr_matrix
    blocks: np.ndarray
    names: tuple[str, ...]
    levels: tuple[tuple[str, ...], ...]

    @property
    def n(self) -> int:
        return self.matrix.shape[0]

    @property
    def n_free_parameters_per_class(self) -> int:
        """Σ over blocks of (levels − 1): the free probabilities of one class."""
        return int(sum(len(levels) - 1 for levels in self.levels))

    def take(self, rows: np.ndarray) -> Design:
        return Design(self.matrix[rows], self.blocks, self.names, self.levels)

    def indicator(self) -> sp.csr_matrix:
        """Columns × blocks 0/1 matrix: which block each column belongs to."""
        width = len(self.blocks)
        return sp.csr_matrix(
            (np.ones(width), (np.arange(width), self.blocks)), shape=(width, len(self.names))
        )


def quantile_bins(values: np.ndarray, bins: int = N_BINS) -> pd.Categorical:
    """Quantile bins ``q1`` … ``q<bins>`` of the known values, ``unknown`` for NaN.

    bin = ⌊bins · (r − ½) / n⌋ with r the value's average rank among the n known values: for
    distinct values each bin holds 1/bins of the customers; tied values share one bin, and a
    spike (60 % with 0 reminders) gets a bin of its own instead of swallowing its neighbours.
    Bins left empty by ties are dropped (labels stay consecutive).
    """
    known = ~np.isnan(values)
    codes = np.full(len(values), -1, dtype=np.int64)
    n_bins = 0
    if known.any():
        ranks = pd.Series(values[known]).rank(method="average").to_numpy()
        raw = np.minimum(np.floor(bins * (ranks - 0.5) / known.sum()), bins - 1).astype(np.int64)
        used, dense = np.unique(raw, return_inverse=True)
        codes[known] = dense
        n_bins = len(used)
    categories = [f"q{i + 1}" for i in range(n_bins)]
    if not known.all():
        codes[~known] = n_bins
        categories.append(UNKNOWN)
    return pd.Categorical.from_codes(codes, categories=categories)


@dataclass(frozen=True, eq=False)
class Encoding:
    """How a feature table becomes a :class:`Design`, learnt on one table (:func:`fit_encoding`)
    and applied to the rows of any table of the same customers' features (:meth:`design`): the
    personas can be fitted on a sample and every customer labelled with the same columns.

    Per block (``names``, ``kinds``, ``levels``): ``numeric`` numbers fall into the quantile bin
    whose lowest fitted value (``edges``) they reach (below the lowest: the first bin), NaN into
    ``unknown``; ``categorical`` and ``modal`` (a repeated mix by its most frequent level) keep
    the table's levels; ``mix`` counts are scaled with the fitted ρ (``correlation``) and
    ``cap``. A value whose level the fitted rows never had (NaN where every fitted value was
    known) adds nothing to its block, as if that feature were not observed.
    """

    names: tuple[str, ...]
    kinds: tuple[str, ...]
    levels: tuple[tuple[str, ...], ...]
    edges: dict[str, np.ndarray]
    correlation: dict[str, float]
    cap: float

    def categorical_levels(self) -> dict[str, tuple[str, ...]]:
        """The levels of the categorical features, for reading another part of the customers
        with them (:func:`~kundenmodell.personas.features.customer_features` ``levels``)."""
        return {
            name: levels
            for name, kind, levels in zip(self.names, self.kinds, self.levels, strict=True)
            if kind == "categorical"
        }

    def conform(self, table: FeatureTable) -> FeatureTable:
        """``table`` with every encoded feature: a number or category the table lacks (no
        value in this part of the customers) is unknown, and each purchase mix has the fitted
        levels in the fitted order (a level the fit never saw is left out, one this part
        never bought is zero), so that :meth:`design` reads another part as it read the fit."""
        numeric = table.numeric.copy()
        categorical = table.categorical.copy()
        mixes = dict(table.mixes)
        for name, kind, levels in zip(self.names, self.kinds, self.levels, strict=True):
            if kind == "numeric" and name not in numeric:
                numeric[name] = np.nan
            elif kind == "categorical" and name not in categorical:
                categorical[name] = pd.Categorical([UNKNOWN] * len(table))
            elif kind in ("modal", "mix"):
                fitted = levels[:-1] if kind == "modal" else levels
                mixes[name] = _in_levels(mixes.get(name), fitted, len(table))
        return dataclasses.replace(table, numeric=numeric, categorical=categorical, mixes=mixes)

    def design(self, table: FeatureTable) -> Design:
        """The design of ``table``'s rows in the fitted columns."""
        parts = []
        for name, kind, levels in zip(self.names, self.kinds, self.levels, strict=True):
            if kind == "numeric":
                values = table.numeric[name].to_numpy(float)
                bins = np.searchsorted(self.edges[name], values, side="right") - 1
                unknown = len(levels) - 1 if levels[-1] == UNKNOWN else -1
                codes = np.where(np.isnan(values), unknown, np.maximum(bins, 0))
            elif kind == "categorical":
                codes = pd.Categorical(table.categorical[name], categories=levels).codes
            elif kind == "modal":
                codes = modal_level(table.mixes[name]).codes
            else:
                mix = table.mixes[name]
                parts.append(sp.csr_matrix(effective_counts(mix, self.correlation[name], self.cap)))
                continue
            parts.append(_indicator(np.asarray(codes, dtype=np.int64), len(levels)))
        matrix = sp.hstack(parts, format="csr") if parts else sp.csr_matrix((len(table), 0))
        blocks = np.repeat(np.arange(len(self.names)), [len(lv) for lv in self.levels])
        return Design(matrix, blocks, self.names, self.levels)


def _in_levels(mix: Mix | None, levels: tuple[str, ...], rows: int) -> Mix:
    """``mix`` with the columns ``levels`` in that order (zeros for a level it lacks)."""
    counts = np.zeros((rows, len(levels)))
    if mix is not None:
        where = {level: column for column, level in enumerate(mix.levels)}
        for target, level in enumerate(levels):
            if level in where:
                counts[:, target] = mix.counts[:, where[level]]
    return Mix(counts, levels)


def fit_encoding(
    table: FeatureTable,
    features: Sequence[str],
    *,
    bins: int = N_BINS,
    cap: float = PURCHASE_CAP,
) -> Encoding:
    """The :class:`Encoding` of ``features`` (those available in ``table``, in the given order)
    learnt on ``table``: numbers in :func:`quantile_bins` of its rows, mixes weighed by
    :func:`~kundenmodell.personas.evidence.mix_evidence` on its rows (a repeated
    customer-level fact as its most frequent level, a genuine mix as effective counts)."""
    repeated, correlation = mix_evidence(table, features)
    names: list[str] = []
    kinds: list[str] = []
    levels: list[tuple[str, ...]] = []
    edges: dict[str, np.ndarray] = {}
    for name in features:
        if name in table.numeric.columns:
            values = table.numeric[name].to_numpy(float)
            binned = quantile_bins(values, bins)
            codes = binned.codes.astype(np.int64)
            known = ~np.isnan(values)
            lowest = np.full(int(codes[known].max()) + 1 if known.any() else 0, np.inf)
            np.minimum.at(lowest, codes[known], values[known])
            edges[name] = lowest
            kind, block = "numeric", tuple(str(level) for level in binned.categories)
        elif name in table.categorical.columns:
            categories = pd.Categorical(table.categorical[name]).categories
            kind, block = "categorical", tuple(str(level) for level in categories)
        elif name in repeated:
            kind, block = "modal", (*table.mixes[name].levels, UNKNOWN)
        elif name in table.mixes:
            kind, block = "mix", table.mixes[name].levels
        else:
            continue
        names.append(name)
        kinds.append(kind)
        levels.append(block)
    return Encoding(
        tuple(names),
        tuple(kinds),
        tuple(levels),
        edges,
        {n: correlation[n] for n in names if n in correlation},
        cap,
    )


def encode(
    table: FeatureTable,
    features: Sequence[str],
    *,
    bins: int = N_BINS,
    cap: float = PURCHASE_CAP,
) -> Design:
    """The :class:`Design` of ``features`` in ``table``, encoded as learnt on ``table`` itself
    (:func:`fit_encoding`)."""
    return fit_encoding(table, features, bins=bins, cap=cap).design(table)


def _indicator(codes: np.ndarray, width: int) -> sp.csr_matrix:
    """One 1 per row in column ``codes[row]``; rows with code −1 stay empty."""
    rows = np.flatnonzero(codes >= 0)
    return sp.csr_matrix((np.ones(len(rows)), (rows, codes[rows])), shape=(len(codes), width))


class LatentClassModel:
    """Latent class model with ``n_classes`` classes (see the module docstring).

    ``fit(design)`` returns ``self`` with ``weights_`` (π, shape k), ``log_theta_`` (log θ,
    k × columns), ``log_likelihood_``, ``n_iter_`` and ``converged_``. Deterministic for a
    given ``seed``.
    """

    def __init__(
        self,
        n_classes: int,
        *,
        seed: int = 0,
        n_init: int = 4,
        max_iter: int = 500,
        tol: float = 1e-6,
        smoothing: float = SMOOTHING,
    ) -> None:
        if n_classes < 1:
            raise ValueError("n_classes must be at least 1")
        self.n_classes = n_classes
        self.seed = seed
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.smoothing = smoothing

    def fit(
        self,
        design: Design,
        start: LatentClassModel | None = None,
        split: LatentClassModel | None = None,
        merge: LatentClassModel | None = None,
    ) -> LatentClassModel:
        """Fit by EM; ``start`` (a model fitted on other rows of the same design, or on the same
        rows) replaces the random starts, as when a model fitted on a sample is refined on all
        customers.

        Random starts alone can leave k classes in a worse optimum than k − 1 or k + 1 (two true
        groups merged while another is split), and then the likelihoods that choose k compare
        badly fitted models. Two kinds of start mend that (split-and-merge EM, Ueda, Nakano,
        Ghahramani & Hinton 2000): ``split``, a model with one class fewer, adds a start per
        class of it cut in two by 2-means on its members; ``merge``, a model with one class
        more, adds a start for each of the ``MERGE_STARTS`` pairs of its classes whose merging
        costs the least likelihood. All starts run ``SHORT_EM_STEPS`` steps; the best goes on.
        """
        rng = np.random.default_rng(self.seed)
        fitter = _EM(design, self.smoothing)
        if start is not None:
            candidates = [(start.log_theta_, np.log(start.weights_))]
        else:
            candidates = [
                fitter.from_centres(_kmeans_pp_centres(design, self.n_classes, rng))
                for _ in range(self.n_init)
            ]
        if split is not None and split.n_classes == self.n_classes - 1:
            candidates += _split_starts(fitter, design, split, rng)
        if merge is not None and merge.n_classes == self.n_classes + 1:
            candidates += _merge_starts(fitter, design, merge)
        if len(candidates) > 1:
            short = [fitter.run(*params, SHORT_EM_STEPS, self.tol) for params in candidates]
            best = max(short, key=lambda result: result[2])
            candidates, done = [best[:2]], best[3]
        else:
            done = 0
        log_theta, log_weights, log_likelihood, steps, converged = fitter.run(
            *candidates[0], self.max_iter, self.tol
        )
        self.log_theta_ = log_theta
        self.weights_ = np.exp(log_weights)
        self.log_likelihood_ = log_likelihood
        self.n_iter_ = done + steps
        self.converged_ = converged
        self.n_parameters_ = (
            self.n_classes - 1 + self.n_classes * design.n_free_parameters_per_class
        )
        return self

    def predict_proba(self, design: Design) -> np.ndarray:
        """Posterior class probabilities r_ic, n × k."""
        posterior, _ = _posterior(design.matrix @ self.log_theta_.T + np.log(self.weights_))
        return posterior

    def bic(self, design: Design) -> float:
        """BIC = −2 log L + p log n (lower is better), for the design the model was fitted on."""
        return -2 * self.log_likelihood_ + self.n_parameters_ * np.log(design.n)

    def icl(self, design: Design) -> float:
        """ICL = BIC + 2 · Σ_i Σ_c −r_ic log r_ic: BIC plus a penalty for overlapping classes."""
        posterior = self.predict_proba(design)
        entropy = -np.sum(posterior * np.log(np.maximum(posterior, 1e-300)))
        return self.bic(design) + 2 * entropy


def _split_starts(
    fitter: _EM, design: Design, model: LatentClassModel, rng: np.random.Generator
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Starting values with one more class than ``model``: for each of its classes with at
    least 10 members, that class replaced by the two centres of 2-means on its members."""
    labels = model.predict_proba(design).argmax(axis=1)
    starts = []
    for index in range(model.n_classes):
        members = np.flatnonzero(labels == index)
        if len(members) < 10:
            continue
        halves = fitter.from_centres(_kmeans_pp_centres(design.take(members), 2, rng))[0]
        others = np.arange(model.n_classes) != index
        weights = np.append(model.weights_[others], [model.weights_[index] / 2] * 2)
        starts.append((np.vstack([model.log_theta_[others], halves]), np.log(weights)))
    return starts


def _merge_starts(
    fitter: _EM, design: Design, model: LatentClassModel
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Starting values with one class fewer than ``model``: the ``MERGE_STARTS`` pairs (a, b)
    of its classes whose merging loses the least complete-data log-likelihood,

        Δ_ab = Σ_j [n_aj log θ_aj + n_bj log θ_bj − (n_aj + n_bj) log θ_(a+b)j]
               + N_a log π_a + N_b log π_b − (N_a + N_b) log(π_a + π_b),

    with n_cj = Σ_i r_ic x_ij the expected level counts, N_c = Σ_i r_ic and θ_(a+b) the
    block-normalised n_a + n_b; each pair replaced by that merged class."""
    counts = np.asarray(fitter.transposed @ model.predict_proba(design)).T  # classes × columns
    log_theta = fitter.normalise(counts)
    first, second = np.triu_indices(model.n_classes, k=1)
    merged = fitter.normalise(counts[first] + counts[second])
    sizes = counts @ design.indicator().toarray()[:, 0]  # N_c: the counts of the first block
    weights = model.weights_
    loss = (
        np.sum(counts[first] * log_theta[first] + counts[second] * log_theta[second], axis=1)
        - np.sum((counts[first] + counts[second]) * merged, axis=1)
        + sizes[first] * np.log(weights[first])
        + sizes[second] * np.log(weights[second])
        - (sizes[first] + sizes[second]) * np.log(weights[first] + weights[second])
    )
    starts = []
    for pair in np.argsort(loss, kind="stable")[:MERGE_STARTS]:
        a, b = first[pair], second[pair]
        others = np.setdiff1d(np.arange(model.n_classes), [a, b])
        starts.append(
            (
                np.vstack([log_theta[others], merged[pair]]),
                np.log(np.append(weights[others], weights[a] + weights[b])),
            )
        )
    return starts


def _posterior(log_joint: np.ndarray) -> tuple[np.ndarray, float]:
    """Row-normalised exp(log_joint) and Σ_i log Σ_c exp(log_joint_ic) (log-sum-exp)."""
    top = log_joint.max(axis=1, keepdims=True)
    scaled = np.exp(log_joint - top)
    totals = scaled.sum(axis=1, keepdims=True)
    return scaled / totals, float(np.sum(top) + np.sum(np.log(totals)))


class _EM:
    """The EM iterations on one design (the transposed matrix and block sums cached)."""

    def __init__(self, design: Design, smoothing: float) -> None:
        self.matrix = design.matrix
        self.transposed = design.matrix.T.tocsr()
        self.blocks = design.blocks
        self.indicator = design.indicator()
        self.smoothing = smoothing

    def normalise(self, counts: np.ndarray) -> np.ndarray:
        """log θ from class × column counts: add α, divide by the block totals."""
        smoothed = counts + self.smoothing
        totals = (self.indicator.T @ smoothed.T).T  # classes × blocks
        return np.log(smoothed) - np.log(totals[:, self.blocks])

    def from_centres(self, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Starting values: θ from k-means centres (block shares), equal class weights."""
        k = len(centres)
        return self.normalise(centres * 50.0), np.full(k, -np.log(k))

    def run(
        self, log_theta: np.ndarray, log_weights: np.ndarray, steps: int, tol: float
    ) -> tuple[np.ndarray, np.ndarray, float, int, bool]:
        previous = -np.inf
        log_likelihood = -np.inf
        for step in range(1, steps + 1):
            posterior, log_likelihood = _posterior(self.matrix @ log_theta.T + log_weights[None, :])
            counts = np.asarray(self.transposed @ posterior).T  # classes × columns
            log_theta = self.normalise(counts)
            log_weights = np.log(np.maximum(posterior.mean(axis=0), 1e-12))
            if log_likelihood - previous <= tol * abs(log_likelihood):
                return log_theta, log_weights, log_likelihood, step, True
            previous = log_likelihood
        return log_theta, log_weights, log_likelihood, steps, False


def _kmeans_pp_centres(design: Design, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ seeds refined by a few Lloyd steps on a sample of block-normalised rows.

    The rows stay sparse, so every product is a sparse one: a dense product of matrices this
    small goes to the multithreaded BLAS, whose threads on a busy machine (a team server, a
    test run beside others) cost many times more than the product itself.
    """
    rows = design.n
    sample = rng.choice(rows, size=min(rows, SEED_SAMPLE), replace=False)
    matrix = design.matrix[sample].tocoo()
    totals = np.asarray(matrix.tocsr() @ design.indicator().toarray())  # rows × blocks
    shares = matrix.data / totals[matrix.row, design.blocks[matrix.col]]
    points = sp.csr_matrix((shares, (matrix.row, matrix.col)), shape=matrix.shape)
    squared = np.asarray(points.multiply(points).sum(axis=1)).ravel()
    count = points.shape[0]

    def row(index: int) -> np.ndarray:
        return points[index].toarray().ravel()

    centres = [row(rng.integers(count))]
    distance = np.maximum(squared - 2 * (points @ centres[0]) + centres[0] @ centres[0], 0)
    for _ in range(1, k):
        total = distance.sum()
        pick = rng.choice(count, p=distance / total) if total > 0 else rng.integers(count)
        centres.append(row(pick))
        distance = np.minimum(
            distance,
            np.maximum(squared - 2 * (points @ centres[-1]) + centres[-1] @ centres[-1], 0),
        )
    centres_array = np.array(centres)
    for _ in range(LLOYD_STEPS):
        cross = np.asarray(points @ centres_array.T)
        nearest = np.argmin(squared[:, None] - 2 * cross + np.sum(centres_array**2, axis=1), axis=1)
        members = sp.csr_matrix((np.ones(count), (nearest, np.arange(count))), shape=(k, count))
        sums = (members @ points).toarray()
        sizes = np.bincount(nearest, minlength=k)[:, None]
        centres_array = np.where(sizes > 0, sums / np.maximum(sizes, 1), centres_array)
    return centres_array
