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
  (DLMF 15.8.1) as 1 − (1−z)^{a−1} ₂F₁(a+b−1−r, a−1; a+b+x−1; z) with scipy's ``hyp2f1``;
- E[X(t)] for a new customer is the same with x = 0, T = 0 (eq. 9).

a = 1 is a removable singularity of the last two; there the mean of a = 1 ± 10⁻⁵ is used.

Numerical safety. When the data cannot tell customers apart, the likelihood keeps rising towards
r, α → ∞ (one purchase rate for all) or a, b → ∞ (one dropout probability for all), and scipy's
``hyp2f1`` returns NaN or ±inf for such large parameters (a of a few hundred and more). So:

- the fit is kept inside r, α, a, b ≤ 10⁵ (:data:`BGNBD_LOG_BOUNDS`); a parameter that ends
  there is reported in ``at_bound_`` (the analysis then does not trust the model);
- every value of the bracket is checked against what it must satisfy,
  0 ≤ E[Y(t) | alive] ≤ (r+x)·t/(α+T) (purchases at the posterior mean rate without dropout:
  (1 − (1+pu)^{−k})/p ≤ k·u for the integrand of the mixture over p) and, for a > 1,
  ≤ (a+b+x−1)/(a−1) = E[1/p] (all purchases until dropout); where scipy's value is not
  finite or breaks a bound, the bracket is computed again from the Gauss series of the
  *untransformed* ₂F₁ (DLMF 15.2.1), whose terms are all positive for A = r+x, B = b+x,
  C = a+b+x−1 > 0, summed in log space (the approach of the BTYD R package's ``h2f1``,
  Dziurzynski, Wadsworth & McCarthy, there in linear space):

      ln ₂F₁ = logsumexp_n Σ_{j<n} ln[(A+j)(B+j) z / ((C+j)(j+1))],
      bracket = (a+b+x−1)/(a−1) · (−expm1(ln ₂F₁ + (r+x) log1p(−z))),

  so neither ₂F₁ nor (1−z)^{r+x} is formed on its own. As r, α → ∞ with r/α = λ fixed,
  (1−z)^{r+x} → e^{−λt} and the series turns into the Poisson limit, which it therefore covers
  without a special case. Where the series does not converge within :data:`SERIES_TERMS`
  terms (or C ≤ 0), the value is NaN: missing, never a number that cannot be backed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

import numpy as np
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1, logsumexp

from kundenmodell.arrays import distinct_rows
from kundenmodell.clv.fitter import Data, MaximumLikelihoodModel
from kundenmodell.errors import DataError

ArrayLike = float | Sequence[float] | np.ndarray

BGNBD_LOG_BOUNDS = (-18.0, float(np.log(1e5)))
"""Box for the log-parameters of BG/NBD: 1.5e-8 … 1e5. Above 1e5 the gamma or beta mixing is a
point mass for any data set a shop has, and the optimiser only wanders along a flat ridge."""

SERIES_TERMS = 100_000
"""Most terms of the positive ₂F₁ series summed for one value before it counts as missing."""
_SERIES_BLOCK = 128
DISTINCT_FROM = 50_000
"""From how many customers :func:`_expected_while_alive` evaluates each distinct (x, T) once
(:func:`_on_distinct_histories`): ₂F₁ costs about 4 µs a value, and millions of customers
share a few ten thousand histories (x repeat days, T in whole days; 2.8 M buyers of a
synthetic 18 M-purchase shop: 24,557)."""


class BetaGeoModel(MaximumLikelihoodModel):
    r"""BG/NBD: ``fit(frequency, recency, T)`` then predict purchases and P(alive).

    While alive, a customer buys as a Poisson process with rate λ ~ Gamma(shape r, rate α);
    after each repeat purchase they drop out for good with probability p ~ Beta(a, b).
    ``params_`` holds r, alpha (in the time unit of recency and T), a and b. A customer with
    x repeat purchases, the last at t_x, observed for T since the first purchase, contributes

        ℓ = ln B(a, b+x) − ln B(a, b) + ln Γ(r+x) − ln Γ(r) + r ln α − (r+x) ln(α+T)
            + ln(1 + δ_{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^{r+x}).

    Predictions:

    - :meth:`p_alive`: P(alive | x, t_x, T) = 1 / (1 + δ_{x>0} · a/(b+x−1) ·
      ((α+T)/(α+t_x))^{r+x});
    - :meth:`conditional_expected_purchases`: E[Y(t) | x, t_x, T] = P(alive) · (a+b+x−1)/(a−1)
      · [1 − ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))];
    - :meth:`expected_purchases`: E[X(t)] of a new customer, the same with x = 0, T = 0.

    Inputs must be possible histories (0 ≤ x, 0 ≤ t_x ≤ T, t ≥ 0), else ``DataError``
    (a ``ValueError``). Sources and how the numbers stay finite: the module docstring.
    """

    parameter_names = ("r", "alpha", "a", "b")
    log_bounds = BGNBD_LOG_BOUNDS

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
        """Probability that a customer with history (x, t_x, T) has not dropped out.

        1 / (1 + D) = expit(−ln D), ln D = ln a − ln(b+x−1) + (r+x) log1p((T−t_x)/(α+t_x)),
        which stays exact for large α (the ratio of α+T to α+t_x is then close to 1).
        """
        r, alpha, a, b = self._param_array()
        x, t_x, age = _histories(frequency, recency, T)
        log_d = (
            np.log(a)
            - np.log(b + np.maximum(x, 1.0) - 1)
            + (r + x) * np.log1p((age - t_x) / (alpha + t_x))
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
        (x, t_x, T) (eq. 10); arguments broadcast against each other. NaN marks a value that
        cannot be evaluated (module docstring, "Numerical safety"), never ±inf."""
        r, alpha, a, b = self._param_array()
        t, x, age = np.broadcast_arrays(
            *(np.asarray(v, dtype=np.float64) for v in (t, frequency, T))
        )
        if (t < 0).any():
            raise DataError("error.clv.invalid_summary")
        alive = self.p_alive(frequency, recency, T)
        return alive * _expected_while_alive(t, x, age, r, alpha, a, b)

    def expected_purchases_while_alive(
        self,
        t: ArrayLike,
        frequency: ArrayLike,
        T: ArrayLike,  # noqa: N803
    ) -> np.ndarray:
        """E[Y(t) | alive, x, T]: the bracket of :meth:`conditional_expected_purchases`
        without P(alive), which is all that depends on the recency t_x. Customers who share
        (x, T) share it, so a page of millions of customers evaluates ₂F₁ only once per
        distinct (x, T) and multiplies by each one's P(alive)."""
        r, alpha, a, b = self._param_array()
        t, x, age = np.broadcast_arrays(
            *(np.asarray(v, dtype=np.float64) for v in (t, frequency, T))
        )
        if (t < 0).any() or (x < 0).any() or (age < 0).any():
            raise DataError("error.clv.invalid_summary")
        return _expected_while_alive(t, x, age, r, alpha, a, b)

    def expected_purchases(self, t: ArrayLike) -> np.ndarray:
        """Expected repeat purchases within ``t`` of the first purchase of a new customer
        (eq. 9)."""
        r, alpha, a, b = self._param_array()
        t = np.asarray(t, dtype=np.float64)
        if (t < 0).any():
            raise DataError("error.clv.invalid_summary")
        return _expected_while_alive(t, np.zeros_like(t), np.zeros_like(t), r, alpha, a, b)


def _histories(
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,  # noqa: N803
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, t_x, T) broadcast against each other, or ``DataError("error.clv.invalid_summary")``
    for a history no customer can have: x < 0, t_x < 0, t_x > T or an infinite value. NaN
    passes through as missing."""
    x, t_x, age = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (frequency, recency, T))
    )
    with np.errstate(invalid="ignore"):
        impossible = (x < 0) | (t_x < 0) | (t_x > age + 1e-9)
    if impossible.any() or np.isinf(x).any() or np.isinf(t_x).any() or np.isinf(age).any():
        raise DataError("error.clv.invalid_summary")
    return x, t_x, age


def _expected_while_alive(
    t: np.ndarray, x: np.ndarray, age: np.ndarray, r: float, alpha: float, a: float, b: float
) -> np.ndarray:
    """E[Y(t) | alive] = (a+b+x−1)/(a−1) · [1 − (1−z)^{a−1} ₂F₁(a+b−1−r, a−1; a+b+x−1; z)],
    z = t/(α+T+t), checked against its bounds and recomputed from the positive series where
    scipy fails (module docstring); NaN where neither gives a value."""
    if abs(a - 1.0) < 1e-7:
        return (
            _expected_while_alive(t, x, age, r, alpha, 1.0 + 1e-5, b)
            + _expected_while_alive(t, x, age, r, alpha, 1.0 - 1e-5, b)
        ) / 2
    shared = _on_distinct_histories(t, x, age, r, alpha, a, b)
    if shared is not None:
        return shared
    t, x, age = np.broadcast_arrays(t, x, age)
    z = t / (alpha + age + t)
    factor = (a + b + x - 1.0) / (a - 1.0)
    with np.errstate(all="ignore"):
        value = factor * (
            1.0 - (1.0 - z) ** (a - 1.0) * _hyp2f1(a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z)
        )
        ceiling = (r + x) * t / (alpha + age)
    if a > 1:
        ceiling = np.minimum(ceiling, factor)
    slack = 1e-9 * (1.0 + ceiling)
    bad = ~np.isfinite(value) | (value < -slack) | (value > ceiling + slack)
    if bad.any():
        value = np.array(value, dtype=np.float64)  # a writable copy
        log_f = _log_hyp2f1_positive(r + x[bad], b + x[bad], a + b + x[bad] - 1.0, z[bad])
        value[bad] = factor[bad] * -np.expm1(log_f + (r + x[bad]) * np.log1p(-z[bad]))
    return np.clip(value, 0.0, ceiling)  # NaN stays NaN


def _on_distinct_histories(
    t: np.ndarray, x: np.ndarray, age: np.ndarray, r: float, alpha: float, a: float, b: float
) -> np.ndarray | None:
    """:func:`_expected_while_alive` evaluated once per distinct (x, T) and gathered back, when
    the histories vary along one axis (customers; the horizons ``t`` along another or none)
    and at most half of them are distinct; None otherwise (then every value is evaluated)."""
    t, x, age = np.broadcast_arrays(t, x, age)
    # an axis along which a broadcast array does not vary has stride 0
    varying = [
        axis
        for axis, length in enumerate(x.shape)
        if length > 1 and (x.strides[axis] or age.strides[axis])
    ]
    if len(varying) != 1 or (t.shape[varying[0]] > 1 and t.strides[varying[0]]):
        return None
    axis = varying[0]
    if x.shape[axis] < DISTINCT_FROM:
        return None
    along = tuple(slice(None) if i == axis else slice(0, 1) for i in range(x.ndim))
    x, age = x[along].ravel(), age[along].ravel()
    codes, first = distinct_rows(x, age)
    distinct_x, distinct_age = x[first], age[first]
    if len(first) > len(x) // 2:
        return None
    shape = [1] * t.ndim
    shape[axis] = len(distinct_x)
    across = tuple(slice(0, 1) if i == axis else slice(None) for i in range(t.ndim))
    value = _expected_while_alive(
        t[across], distinct_x.reshape(shape), distinct_age.reshape(shape), r, alpha, a, b
    )
    return np.take(value, codes, axis=axis)


def _log_hyp2f1_positive(a: np.ndarray, b: np.ndarray, c: np.ndarray, z: np.ndarray) -> np.ndarray:
    """ln ₂F₁(a, b; c; z) from the Gauss series Σ_n (a)_n (b)_n / ((c)_n n!) zⁿ (DLMF 15.2.1)
    for a, b, c > 0 and 0 ≤ z < 1, where every term is positive, summed in log space.

    Terms are added in blocks; a value is final when the rest of the series is below 10⁻¹⁶ of
    the sum: for n on, the term ratio (a+n)(b+n)z / ((c+n)(n+1)) is at most
    ρ = z · max((a+n)/(n+1), 1) · max((b+n)/(c+n), 1) (each factor moves monotonically towards
    1), so with ρ < 1 the rest is at most term · ρ/(1−ρ). NaN where the series is not final
    after :data:`SERIES_TERMS` terms or the arguments are outside its domain.
    """
    a, b, c, z = (np.asarray(v, dtype=np.float64).ravel() for v in (a, b, c, z))
    result = np.full(a.shape, np.nan)
    valid = (a > 0) & (b > 0) & (c > 0) & (z >= 0) & (z < 1)
    result[valid & (z == 0)] = 0.0
    todo = np.flatnonzero(valid & (z > 0))
    log_sum = np.zeros(a.shape)  # ln of the partial sum; the first term is 1
    log_term = np.zeros(a.shape)  # ln of the last term added
    offsets = np.arange(_SERIES_BLOCK, dtype=np.float64)
    for start in range(0, SERIES_TERMS, _SERIES_BLOCK):
        if not todo.size:
            break
        n = start + offsets[None, :]
        ai, bi, ci, zi = (v[todo, None] for v in (a, b, c, z))
        log_ratio = np.log(ai + n) + np.log(bi + n) - np.log(ci + n) - np.log1p(n) + np.log(zi)
        terms = log_term[todo, None] + np.cumsum(log_ratio, axis=1)
        log_sum[todo] = np.logaddexp(log_sum[todo], logsumexp(terms, axis=1))
        log_term[todo] = terms[:, -1]
        following = start + _SERIES_BLOCK
        bound = (
            z[todo]
            * np.maximum((a[todo] + following) / (following + 1.0), 1.0)
            * np.maximum((b[todo] + following) / (c[todo] + following), 1.0)
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            rest = log_term[todo] + np.log(bound) - np.log1p(-bound)
        done = (bound < 1.0) & (rest < log_sum[todo] - 37.0)
        result[todo[done]] = log_sum[todo[done]]
        todo = todo[~done]
    return result


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
