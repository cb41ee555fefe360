"""One maximum-likelihood fitter for every CLV model.

A model (BG/NBD, Gamma-Gamma, later Pareto/NBD) is a small subclass of
:class:`MaximumLikelihoodModel` that declares ``parameter_names``, checks its input columns in
``_prepare`` and computes the per-customer log-likelihood (and, if it can, its gradient) in
``_log_likelihood_terms``. The numerics live here once, in the spirit of lifelines'
parametric fitters:

- identical rows are merged and weighted by their count, so a data set of a million customers
  with day-based recency costs as much as its distinct (x, t_x, T) patterns;
- all parameters are positive, so the optimiser (L-BFGS-B) works on θ = log(parameter) and
  minimises the mean negative log-likelihood −Σ wᵢ ℓᵢ / Σ wᵢ; the chain rule gives
  ∂/∂θ = parameter · ∂/∂parameter;
- standard errors come from the observed information: H is the Hessian of the total negative
  log-likelihood in θ (forward differences of the analytic gradient, or central differences
  of the function without one), Cov(θ) = H⁻¹, and the delta method gives
  se(parameter) = parameter · se(θ); 95 % intervals are exp(θ ± 1.96 se(θ)), so they stay positive.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd
from scipy.optimize import minimize

Data = tuple[Any, ...]

LOG_BOUNDS = (-18.0, 18.0)
"""Box for θ = log(parameter): 1.5e-8 … 6.6e7. A parameter that ends on the box is not
identified by the data (for example no customer ever dropped out) and is reported in
``at_bound_``."""

_Z_95 = 1.959963984540054


class MaximumLikelihoodModel:
    """Base class: maximum likelihood, standard errors and a summary for a CLV model.

    Learned attributes after ``fit``: ``params_`` (name → estimate), ``standard_errors_``,
    ``covariance_`` (DataFrame), ``log_likelihood_`` (total at the optimum),
    ``n_observations_``, ``converged_``, ``at_bound_`` (names of parameters on the search
    box) and ``summary_`` (estimate, standard error, 95 % interval per parameter).
    """

    parameter_names: ClassVar[tuple[str, ...]] = ()
    analytic_gradient: ClassVar[bool] = True

    params_: dict[str, float]
    standard_errors_: dict[str, float]
    covariance_: pd.DataFrame
    log_likelihood_: float
    n_observations_: int
    converged_: bool
    at_bound_: tuple[str, ...]
    summary_: pd.DataFrame

    # ---- what a model declares -------------------------------------------------------------

    def _prepare(self, *columns: object) -> Data:
        """Check the input columns and return them as float arrays (raise DataError if bad)."""
        raise NotImplementedError

    def _initial_params(self, data: Data, weights: np.ndarray) -> np.ndarray:
        """Starting values (positive), by default all ones."""
        return np.ones(len(self.parameter_names))

    def _augment(self, data: Data, weights: np.ndarray) -> tuple[Data, np.ndarray]:
        """Rearrange rows and add what is computed once per fit (by default nothing), such as
        the distinct frequencies, so that each evaluation does less work; ``weights`` follow
        the rows."""
        return data, weights

    def _log_likelihood_terms(
        self, params: np.ndarray, data: Data, gradient: bool
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Per-row log-likelihood (n,) and, when ``gradient``, its derivative by each
        parameter (n, k); models without an analytic gradient return None for it."""
        raise NotImplementedError

    # ---- what the base does ----------------------------------------------------------------

    def _fit(self, *columns: object, weights: Sequence[float] | None = None) -> Self:
        data, counts = _merge_identical(self._prepare(*columns), weights)
        start = np.clip(np.log(self._initial_params(data, counts)), *LOG_BOUNDS)
        data, counts = self._augment(data, counts)
        total = float(counts.sum())
        k = len(self.parameter_names)

        def mean_nll(theta: np.ndarray) -> float | tuple[float, np.ndarray]:
            params = np.exp(theta)
            with np.errstate(all="ignore"):
                ll, grad = self._log_likelihood_terms(params, data, self.analytic_gradient)
                value = -float(counts @ ll) / total
            if not self.analytic_gradient:
                return value if np.isfinite(value) else 1e300
            if not np.isfinite(value):
                return 1e300, np.zeros(k)
            return value, -(counts @ grad) * params / total

        result = minimize(
            mean_nll,
            start,
            jac=self.analytic_gradient,
            method="L-BFGS-B",
            bounds=[LOG_BOUNDS] * k,
            options={"maxiter": 2_000, "ftol": 1e-13, "gtol": 1e-9},
        )
        theta = result.x
        at_bound = np.isclose(theta, LOG_BOUNDS[0], atol=1e-6) | np.isclose(
            theta, LOG_BOUNDS[1], atol=1e-6
        )
        hessian = total * _hessian(mean_nll, theta, self.analytic_gradient)
        cov_theta = _inverse_on_free(hessian, ~at_bound)
        params = np.exp(theta)
        se_theta = np.sqrt(np.diag(cov_theta))

        names = self.parameter_names
        self.params_ = {name: float(value) for name, value in zip(names, params, strict=True)}
        self.standard_errors_ = {
            name: float(value) for name, value in zip(names, params * se_theta, strict=True)
        }
        self.covariance_ = pd.DataFrame(
            cov_theta * np.outer(params, params), index=list(names), columns=list(names)
        )
        final = mean_nll(theta)
        self.log_likelihood_ = -total * float(final[0] if isinstance(final, tuple) else final)
        self.n_observations_ = round(total)
        self.at_bound_ = tuple(name for name, bound in zip(names, at_bound, strict=True) if bound)
        self.converged_ = (
            bool(result.success) and not self.at_bound_ and np.all(np.isfinite(se_theta))
        )
        self.summary_ = pd.DataFrame(
            {
                "estimate": params,
                "standard_error": params * se_theta,
                "lower_95": np.exp(theta - _Z_95 * se_theta),
                "upper_95": np.exp(theta + _Z_95 * se_theta),
            },
            index=pd.Index(list(names), name="parameter"),
        )
        return self

    def log_likelihood(self, *columns: object, params: Mapping[str, float] | None = None) -> float:
        """Total log-likelihood of ``columns`` (the arguments of ``fit``, in order) at
        ``params`` (default: the fitted parameters)."""
        values = self._param_array(params)
        data = self._prepare(*columns)
        data, _ = self._augment(data, np.ones(len(data[0])))
        ll, _ = self._log_likelihood_terms(values, data, gradient=False)
        return float(ll.sum())

    def _param_array(self, params: Mapping[str, float] | None = None) -> np.ndarray:
        if params is None:
            if not getattr(self, "params_", None):
                raise RuntimeError(f"{type(self).__name__} is not fitted yet; call fit() first")
            params = self.params_
        return np.array([float(params[name]) for name in self.parameter_names])

    def __repr__(self) -> str:
        if not getattr(self, "params_", None):
            return f"{type(self).__name__}()"
        shown = ", ".join(f"{name}={value:.4g}" for name, value in self.params_.items())
        return f"{type(self).__name__}({shown}, n={self.n_observations_})"


def _merge_identical(data: Data, weights: Sequence[float] | None) -> tuple[Data, np.ndarray]:
    """Distinct rows of the columns in ``data`` and their summed weights (1 per row).

    Each column is factorised (hashing, no sort) and the codes are combined column by column
    into one row code, re-factorised after each step so it stays below rows × distinct values.
    """
    n = len(data[0])
    row = np.zeros(n, dtype=np.int64)
    for column in data:
        codes, uniques = pd.factorize(column)
        row, _ = pd.factorize(row * len(uniques) + codes)
    groups = int(row.max()) + 1 if n else 0
    first = np.full(groups, n, dtype=np.int64)
    np.minimum.at(first, row, np.arange(n))
    weight = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    summed = np.bincount(row, weights=weight, minlength=groups)
    keep = summed > 0
    return tuple(column[first[keep]] for column in data), summed[keep]


def _hessian(function, theta: np.ndarray, analytic_gradient: bool) -> np.ndarray:
    """Hessian of the mean negative log-likelihood at ``theta`` by finite differences."""
    k = len(theta)
    hessian = np.empty((k, k))
    if analytic_gradient:
        step = 1e-6
        at_optimum = function(theta)[1]
        for j in range(k):
            shift = np.zeros(k)
            shift[j] = step
            hessian[:, j] = (function(theta + shift)[1] - at_optimum) / step
    else:
        step = 1e-4
        eye = np.eye(k) * step
        for i in range(k):
            for j in range(i, k):
                value = (
                    function(theta + eye[i] + eye[j])
                    - function(theta + eye[i] - eye[j])
                    - function(theta - eye[i] + eye[j])
                    + function(theta - eye[i] - eye[j])
                ) / (4 * step * step)
                hessian[i, j] = hessian[j, i] = value
    return (hessian + hessian.T) / 2


def _inverse_on_free(hessian: np.ndarray, free: np.ndarray) -> np.ndarray:
    """Inverse of the Hessian over the free parameters; NaN rows/columns for the others and
    everywhere when the free block is not positive definite (no information)."""
    k = len(hessian)
    covariance = np.full((k, k), np.nan)
    block = hessian[np.ix_(free, free)]
    if block.size == 0 or not np.all(np.isfinite(block)):
        return covariance
    try:
        np.linalg.cholesky(block)
    except np.linalg.LinAlgError:
        return covariance
    covariance[np.ix_(free, free)] = np.linalg.inv(block)
    return covariance
