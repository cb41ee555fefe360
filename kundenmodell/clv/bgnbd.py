r"""The BG/NBD model of repeat purchases (Fader, Hardie & Lee 2005, "Counting your customers
the easy way: an alternative to the Pareto/NBD model", Marketing Science 24(2), 275–284).

While alive, a customer buys as a Poisson process with rate λ ~ Gamma(shape r, rate α); after
each repeat purchase they drop out for good with probability p ~ Beta(a, b). A customer with x
repeat purchases, the last at t_x, observed for T since the first purchase contributes
(paper, eq. 6, in logs)

    ℓ = ln B(a, b+x) − ln B(a, b) + ln Γ(r+x) − ln Γ(r) + r ln α − (r+x) ln(α+T)
        + ln(1 + δ_{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^{r+x}),

the last term as ``logaddexp(0, ln D)`` so that a frequency of several hundred cannot
overflow. Predictions:

- P(alive | x, t_x, T) = 1 / (1 + δ_{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^{r+x})
  (Fader, Hardie & Lee 2008, note 021);
- E[Y(t) | x, t_x, T] = P(alive) · (a+b+x−1)/(a−1) ·
  [1 − ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+x; a+b+x−1; z)],  z = t/(α+T+t)  (eq. 10),
  evaluated after Euler's transformation ₂F₁(A, B; C; z) = (1−z)^{C−A−B} ₂F₁(C−A, C−B; C; z)
  as 1 − (1−z)^{a−1} ₂F₁(a+b−1−r, a−1; a+b+x−1; z): the large parameters r+x and b+x
  disappear, so no term overflows;
- E[X(t)] for a new customer is the same with x = 0, T = 0 (eq. 9).

a = 1 is a removable singularity of the last two; there the mean of a = 1 ± 10⁻⁵ is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

import numpy as np
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from kundenmodell.clv.fitter import Data, MaximumLikelihoodModel
from kundenmodell.errors import DataError

ArrayLike = float | Sequence[float] | np.ndarray


class BetaGeoModel(MaximumLikelihoodModel):
    """BG/NBD: ``fit(frequency, recency, T)`` then predict purchases and P(alive).

    ``params_`` holds r, alpha (in the time unit of recency and T), a and b.
    """

    parameter_names = ("r", "alpha", "a", "b")

    def fit(
        self,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,  # noqa: N803 - the name the literature uses
        *,
        weights: Sequence[float] | None = None,
    ) -> Self:
        """Maximum-likelihood fit on one row per customer (``weights`` = customers per row)."""
        return self._fit(frequency, recency, T, weights=weights)

    def _prepare(self, frequency: object, recency: object, T: object) -> Data:  # noqa: N803
        x, t_x, age = (
            np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in (frequency, recency, T)
        )
        if not (x.shape == t_x.shape == age.shape) or x.ndim != 1 or x.size == 0:
            raise DataError("error.clv.invalid_summary")
        finite = np.isfinite(x).all() and np.isfinite(t_x).all() and np.isfinite(age).all()
        if (
            not finite
            or (x < 0).any()
            or (x != np.round(x)).any()
            or (t_x < 0).any()
            or (t_x > age + 1e-9).any()
            or ((x == 0) & (t_x != 0)).any()
        ):
            raise DataError("error.clv.invalid_summary")
        return x, t_x, age

    def _initial_params(self, data: Data, weights: np.ndarray) -> np.ndarray:
        x, _, age = data
        rate = float(weights @ x) / max(float(weights @ age), 1e-12)
        return np.array([1.0, 1.0 / rate if rate > 0 else 1.0, 1.0, 1.0])

    def _augment(self, data: Data, weights: np.ndarray) -> tuple[Data, np.ndarray]:
        # Rows sorted by frequency: customers without repeat purchases form a prefix, and
        # terms that depend on x only are computed once per distinct x and repeated.
        order = np.argsort(data[0], kind="stable")
        x, t_x, age = (column[order] for column in data)
        distinct, per_value = np.unique(x, return_counts=True)
        return (x, t_x, age, distinct, per_value), weights[order]

    def _log_likelihood_terms(
        self, params: np.ndarray, data: Data, gradient: bool
    ) -> tuple[np.ndarray, np.ndarray | None]:
        r, alpha, a, b = params
        x, t_x, age, distinct, per_value = data
        first_repeat = int(per_value[0]) if distinct[0] == 0 else 0
        rep = slice(first_repeat, None)
        repeats = distinct > 0
        log_age = np.log(alpha + age)
        by_x = betaln(a, b + distinct) - betaln(a, b) + gammaln(r + distinct) - gammaln(r)
        ll = np.repeat(by_x, per_value) + r * np.log(alpha) - (r + x) * log_age

        # ln(1 + D) for repeat buyers, D = a/(b+x−1) · ((α+T)/(α+t_x))^{r+x}, overflow-free.
        b_x = b + distinct[repeats] - 1
        log_ratio = log_age[rep] - np.log(alpha + t_x[rep])
        log_d = np.repeat(np.log(a) - np.log(b_x), per_value[repeats]) + (r + x[rep]) * log_ratio
        small = np.exp(-np.abs(log_d))
        ll[rep] += np.maximum(log_d, 0.0) + np.log1p(small)
        if not gradient:
            return ll, None

        w = np.where(log_d > 0, 1.0, small) / (1.0 + small)  # D / (1 + D)
        psi_ab = digamma(a + b) - digamma(a + b + distinct)
        inverse_age = 1.0 / (alpha + age)
        grad = np.empty((4, len(x)))  # one contiguous row per parameter
        grad[0] = np.repeat(digamma(r + distinct) - digamma(r), per_value)
        grad[0] += np.log(alpha) - log_age
        grad[0, rep] += w * log_ratio
        grad[1] = r / alpha - (r + x) * inverse_age
        grad[1, rep] += w * (r + x[rep]) * (inverse_age[rep] - 1.0 / (alpha + t_x[rep]))
        grad[2] = np.repeat(psi_ab, per_value)
        grad[2, rep] += w / a
        grad[3] = np.repeat(digamma(b + distinct) - digamma(b) + psi_ab, per_value)
        grad[3, rep] -= w / np.repeat(b_x, per_value[repeats])
        return ll, grad

    # ---- predictions ----------------------------------------------------------------------

    def p_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> np.ndarray:  # noqa: N803
        """Probability that a customer with history (x, t_x, T) has not dropped out."""
        r, alpha, a, b = self._param_array()
        x, t_x, age = np.broadcast_arrays(
            *(np.asarray(v, dtype=np.float64) for v in (frequency, recency, T))
        )
        log_d = (
            np.log(a)
            - np.log(b + np.maximum(x, 1.0) - 1)
            + (r + x) * (np.log(alpha + age) - np.log(alpha + t_x))
        )
        return np.where(x > 0, expit(-log_d), 1.0)

    def conditional_expected_purchases(
        self,
        t: ArrayLike,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,  # noqa: N803
    ) -> np.ndarray:
        """Expected repeat purchases in the next ``t`` time units of a customer with history
        (x, t_x, T) (eq. 10); arguments broadcast against each other."""
        r, alpha, a, b = self._param_array()
        t, x, age = np.broadcast_arrays(
            *(np.asarray(v, dtype=np.float64) for v in (t, frequency, T))
        )
        alive = self.p_alive(frequency, recency, T)
        return alive * _expected_while_alive(t, x, age, r, alpha, a, b)

    def expected_purchases(self, t: ArrayLike) -> np.ndarray:
        """Expected repeat purchases within ``t`` of the first purchase of a new customer
        (eq. 9)."""
        r, alpha, a, b = self._param_array()
        t = np.asarray(t, dtype=np.float64)
        return _expected_while_alive(t, np.zeros_like(t), np.zeros_like(t), r, alpha, a, b)


def _expected_while_alive(
    t: np.ndarray, x: np.ndarray, age: np.ndarray, r: float, alpha: float, a: float, b: float
) -> np.ndarray:
    """(a+b+x−1)/(a−1) · [1 − (1−z)^{a−1} ₂F₁(a+b−1−r, a−1; a+b+x−1; z)], z = t/(α+T+t)."""
    if abs(a - 1.0) < 1e-7:
        return (
            _expected_while_alive(t, x, age, r, alpha, 1.0 + 1e-5, b)
            + _expected_while_alive(t, x, age, r, alpha, 1.0 - 1e-5, b)
        ) / 2
    z = t / (alpha + age + t)
    growth = 1.0 - (1.0 - z) ** (a - 1.0) * _hyp2f1(a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z)
    return (a + b + x - 1.0) / (a - 1.0) * growth


def _hyp2f1(a: float, b: float, c: np.ndarray, z: np.ndarray) -> np.ndarray:
    """scipy's ₂F₁, except where it fails: for z near 1 and an integer c − a − b its
    transformation is degenerate and can return inf; there the mean at c · (1 ± 10⁻¹²) is used
    (₂F₁ is smooth in c, the error is of order 10⁻¹²)."""
    c, z = np.broadcast_arrays(np.asarray(c, dtype=np.float64), np.asarray(z, dtype=np.float64))
    value = np.asarray(hyp2f1(a, b, c, z), dtype=np.float64)
    bad = ~np.isfinite(value)
    if bad.any():
        value = value.copy()
        value[bad] = (
            hyp2f1(a, b, c[bad] * (1 + 1e-12), z[bad]) + hyp2f1(a, b, c[bad] * (1 - 1e-12), z[bad])
        ) / 2
    return value
