"""Can a fitted CLV model be trusted? A verdict with reasons a person can read.

A maximum-likelihood fit always returns numbers, also when the data cannot back them: with few
repeat purchases per customer the likelihood keeps rising towards the edge of the parameter box
(one purchase rate or one dropout probability for everyone), the curvature that gives the
standard errors vanishes, or a prediction is not a finite number. :func:`model_doubts` turns
what the fitter records (``at_bound_``, ``standard_errors_``, ``optimiser_success_``) into
:class:`Doubt` items; the analysis adds doubts about the predictions themselves. Each doubt is
an i18n message ``clv_trust.<model>_<reason>`` with its parameters, so a page can say in plain
words why it shows no customer values instead of showing numbers it cannot back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

import numpy as np

from kundenmodell.clv.fitter import MaximumLikelihoodModel

ModelName = Literal["bgnbd", "gamma_gamma"]

MAX_INTERVAL_RATIO = 1_000.0
"""A parameter whose 95 % interval spans more than this factor (upper / lower) is not pinned
down by the data: the likelihood is nearly flat along it."""
MAX_LOG_STANDARD_ERROR = float(np.log(MAX_INTERVAL_RATIO) / (2 * 1.959963984540054))
"""The same limit on se(ln parameter) = se / parameter (delta method): the interval
exp(θ ± 1.96 se(θ)) spans exp(3.92 se(θ)), so se(θ) ≤ ln 1000 / 3.92 ≈ 1.76."""


class Reason(StrEnum):
    """Why a model's numbers cannot be backed."""

    AT_BOUND = "at_bound"
    """A parameter ended on the edge of the search box: the data cannot identify it."""
    NO_CURVATURE = "no_curvature"
    """The Hessian is not invertible, or so flat that a 95 % interval spans more than
    :data:`MAX_INTERVAL_RATIO`: many parameter values fit equally well."""
    NOT_CONVERGED = "not_converged"
    """The optimiser stopped without reaching an optimum."""
    NOT_FINITE = "not_finite"
    """Some predictions are not finite numbers."""
    SPEND_UNBOUNDED = "spend_unbounded"
    """Gamma-Gamma with q ≤ 1: the population mean spend is infinite."""
    TOO_FEW_SPENDERS = "too_few_spenders"
    """Gamma-Gamma: fewer than two repeat buyers with a positive mean repeat spend."""


@dataclass(frozen=True)
class Doubt:
    """One reason not to trust a model: which model, why, and the message parameters."""

    model: ModelName
    reason: Reason
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The i18n key of the message (``clv_trust.<model>_<reason>``)."""
        return f"clv_trust.{self.model}_{self.reason.value}"


@dataclass(frozen=True)
class Trust:
    """The verdict: ``ok`` when there is no doubt."""

    doubts: tuple[Doubt, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.doubts


def model_doubts(model_name: ModelName, model: MaximumLikelihoodModel) -> list[Doubt]:
    """Doubts about a fitted model, the most telling one only: parameters on the box
    (``parameters``: their names), else no curvature (some standard error not finite or above
    :data:`MAX_LOG_STANDARD_ERROR` on the log scale), else an optimiser that did not succeed.
    A parameter on the box also leaves the Hessian without information and the optimiser
    often stops on the flat ridge leading there, so the bound explains the other two.
    """
    if model.at_bound_:
        return [Doubt(model_name, Reason.AT_BOUND, {"parameters": ", ".join(model.at_bound_)})]
    names = model.parameter_names
    log_se = np.array([model.standard_errors_[n] / model.params_[n] for n in names])
    if not np.all(np.isfinite(log_se) & (log_se <= MAX_LOG_STANDARD_ERROR)):
        return [Doubt(model_name, Reason.NO_CURVATURE)]
    if not model.optimiser_success_:
        return [Doubt(model_name, Reason.NOT_CONVERGED)]
    return []
