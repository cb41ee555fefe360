"""How many personas, and the final latent class model: choose k by ICL on a sample, refine on all.

The number of personas k is chosen from ``K_RANGE`` (3–8) by the integrated completed
likelihood, ICL = BIC + 2 · entropy of the memberships (Biernacki, Celeux & Govaert 2000):
BIC = −2 log L + p log n rewards a better fit and charges for the p parameters; the entropy
term adds a charge for classes that overlap, so ICL prefers personas a customer clearly
belongs to — a persona that half the base could equally belong to is of little use. For
better optima the candidates are fitted twice: upwards, each also starting from the k − 1
solution with one class split in two, then downwards, each also starting from the k + 1
solution with two classes merged (:meth:`~kundenmodell.personas.latent.LatentClassModel.fit`).
For
speed the candidates are fitted on a random sample of at most ``SELECTION_SAMPLE`` customers;
the chosen model is then refined by EM on every customer, starting from the sample's
solution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kundenmodell.errors import DataError
from kundenmodell.personas.latent import Design, LatentClassModel

K_RANGE = range(3, 9)
K_LIMITS = (2, 10)
SELECTION_SAMPLE = 10_000
N_INIT = 4


@dataclass(frozen=True, eq=False)
class Clustering:
    """The fitted model, every customer's membership probabilities (rows of the design,
    classes ordered by size, largest first) and the criterion table: one row per candidate k
    with ``log_likelihood``, ``n_parameters``, ``bic``, ``icl`` (on the selection sample) and
    ``chosen``. ``order`` lists the model's classes in that order."""

    model: LatentClassModel
    posterior: np.ndarray
    criterion: pd.DataFrame
    k: int
    automatic: bool
    order: np.ndarray

    def assign(self, design: Design) -> np.ndarray:
        """Membership probabilities of other customers (rows of ``design``, encoded as the
        fitted ones), classes in the order of :attr:`posterior`."""
        return self.model.predict_proba(design)[:, self.order]


def neighbours(k: int) -> list[int]:
    """k with its neighbours k − 1 (from 1) and k + 1: what :func:`fit_range` needs to fit k
    with split and merge starts."""
    return list(range(max(k - 1, 1), k + 2))


def fit_range(
    design: Design, candidates: list[int], seed: int, n_init: int = N_INIT
) -> dict[int, LatentClassModel]:
    """Latent class models for consecutive numbers of classes, fitted with split-and-merge
    starts: upwards, each k from random starts and from the k − 1 model with one class split;
    then downwards, each k from its own fit and from the k + 1 model with two classes merged
    (:meth:`~kundenmodell.personas.latent.LatentClassModel.fit`)."""
    models: dict[int, LatentClassModel] = {}
    for candidate in candidates:
        models[candidate] = LatentClassModel(candidate, seed=seed, n_init=n_init).fit(
            design, split=models.get(candidate - 1)
        )
    for candidate in reversed(candidates[:-1]):
        models[candidate] = LatentClassModel(candidate, seed=seed).fit(
            design, start=models[candidate], merge=models[candidate + 1]
        )
    return models


def cluster(design: Design, k: int | None, seed: int) -> Clustering:
    """Fit the personas' latent class model; ``k=None`` chooses k from :data:`K_RANGE` by ICL.

    Raises ``DataError("error.personas.invalid_k")`` for k outside :data:`K_LIMITS` and
    ``error.personas.too_few_customers`` when there are fewer than 5 customers per persona.
    A fixed k is fitted with its neighbours k ± 1 for the split and merge starts.
    """
    if k is not None and not K_LIMITS[0] <= k <= K_LIMITS[1]:
        raise DataError("error.personas.invalid_k", minimum=K_LIMITS[0], maximum=K_LIMITS[1])
    candidates = list(K_RANGE) if k is None else [k]
    if design.n < 5 * min(candidates):
        raise DataError(
            "error.personas.too_few_customers", count=design.n, needed=5 * min(candidates)
        )
    candidates = [c for c in candidates if design.n >= 5 * c]
    rng = np.random.default_rng(seed)
    if design.n > SELECTION_SAMPLE:
        sample = np.sort(rng.choice(design.n, SELECTION_SAMPLE, replace=False))
        selection = design.take(sample)
    else:
        selection = design
    fitted = fit_range(selection, candidates if k is None else neighbours(k), seed)
    models = {candidate: fitted[candidate] for candidate in candidates}
    rows = [
        {
            "k": candidate,
            "log_likelihood": model.log_likelihood_,
            "n_parameters": model.n_parameters_,
            "bic": model.bic(selection),
            "icl": model.icl(selection),
        }
        for candidate, model in models.items()
    ]
    criterion = pd.DataFrame(rows)
    chosen = int(criterion.loc[criterion["icl"].idxmin(), "k"])
    criterion["chosen"] = criterion["k"] == chosen
    model = models[chosen]
    if selection is not design:
        model = LatentClassModel(chosen, seed=seed).fit(design, start=model)
    posterior = model.predict_proba(design)
    order = np.argsort(-posterior.sum(axis=0), kind="stable")
    return Clustering(model, posterior[:, order], criterion, chosen, k is None, order)
