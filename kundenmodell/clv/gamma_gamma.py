r"""The Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005, "RFM and CLV: using
iso-value curves for customer base analysis", Journal of Marketing Research 42(4); Fader &
Hardie 2013, "The Gamma-Gamma model of monetary value", note 025).

Each purchase of a customer spends z ~ Gamma(shape p, rate ν); across customers
ν ~ Gamma(shape q, rate v). Only the mean m of a customer's x repeat purchases enters, with
density (note 025, eq. 4, in logs)

    ℓ = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln v + (px−1) ln m + px ln x − (px+q) ln(v + m x).

The expected spend per purchase of a customer, given x and m, shrinks their own mean towards
the population mean p·v/(q−1) (note 025, eq. 5):

    E[Z | x, m] = p (v + x m) / (p x + q − 1)
               = (q−1)/(px+q−1) · p v/(q−1) + px/(px+q−1) · m.

The model assumes spend does not depend on how often someone buys; check that the
correlation of frequency and m is small before trusting it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Self

import numpy as np
from scipy.special import digamma, gammaln

from kundenmodell.clv.fitter import Data, MaximumLikelihoodModel
from kundenmodell.errors import DataError

ArrayLike = float | Sequence[float] | np.ndarray


class GammaGammaModel(MaximumLikelihoodModel):
    r"""Gamma-Gamma: ``fit(frequency, monetary_value)`` then expected spend per purchase.

    Each purchase of a customer spends z ~ Gamma(shape p, rate ν); across customers
    ν ~ Gamma(shape q, rate v). A customer with x repeat purchases of mean m contributes

        ℓ = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln v + (px−1) ln m + px ln x − (px+q) ln(v+mx)

    and is expected to spend, per future purchase,

        E[Z | x, m] = p (v + x m) / (p x + q − 1)

    (:meth:`conditional_expected_average_profit`), a weighted mean of the population mean
    p·v/(q−1) (:meth:`mean_spend`) and the customer's own m. ``params_`` holds p, q and v.

    Customers without repeat purchases (x = 0) or with a mean repeat spend that is not positive
    (returns exceeding purchases) carry no information for this model and are left out of the
    fit and of :meth:`log_likelihood`; they still get a prediction (the population mean for
    x = 0). Sources and the assumption to check: module docstring.
    """

    parameter_names = ("p", "q", "v")

    def fit(
        self,
        frequency: ArrayLike,
        monetary_value: ArrayLike,
        *,
        weights: Sequence[float] | None = None,
    ) -> Self:
        """Maximum-likelihood fit on the repeat buyers among the given customers."""
        x, m, usable = _repeat_buyers(frequency, monetary_value)
        if weights is not None:
            weights = np.asarray(weights, dtype=np.float64)[usable]
        return self._fit(x, m, weights=weights)

    def log_likelihood(
        self,
        frequency: ArrayLike,
        monetary_value: ArrayLike,
        *,
        params: Mapping[str, float] | None = None,
    ) -> float:
        """Total log-likelihood of the repeat buyers among the given customers (the rows
        :meth:`fit` uses) at ``params`` (default: the fitted parameters)."""
        x, m, _ = _repeat_buyers(frequency, monetary_value)
        return super().log_likelihood(x, m, params=params)

    def _prepare(self, frequency: object, monetary_value: object) -> Data:
        x, m = (np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in (frequency, monetary_value))
        if x.shape != m.shape or x.ndim != 1:
            raise DataError("error.clv.invalid_summary")
        if x.size < 2:
            raise DataError("error.clv.too_few_repeat_buyers", repeat_buyers=int(x.size), needed=2)
        if not (np.isfinite(x).all() and np.isfinite(m).all()) or (x < 1).any() or (m <= 0).any():
            raise DataError("error.clv.invalid_summary")
        return x, m

    def _initial_params(self, data: Data, weights: np.ndarray) -> np.ndarray:
        _, m = data
        return np.array([1.0, 2.0, float(weights @ m) / float(weights.sum())])

    def _log_likelihood_terms(
        self, params: np.ndarray, data: Data, gradient: bool
    ) -> tuple[np.ndarray, np.ndarray | None]:
        p, q, v = params
        x, m = data
        px = p * x
        log_total = np.log(v + m * x)
        ll = (
            gammaln(px + q)
            - gammaln(px)
            - gammaln(q)
            + q * np.log(v)
            + (px - 1) * np.log(m)
            + px * np.log(x)
            - (px + q) * log_total
        )
        if not gradient:
            return ll, None
        psi_all = digamma(px + q)
        grad = np.stack(
            (
                x * (psi_all - digamma(px) + np.log(m) + np.log(x) - log_total),
                psi_all - digamma(q) + np.log(v) - log_total,
                q / v - (px + q) / (v + m * x),
            )
        )
        return ll, grad

    def conditional_expected_average_profit(
        self, frequency: ArrayLike, monetary_value: ArrayLike
    ) -> np.ndarray:
        """Expected spend per future purchase given x repeat purchases with mean m (eq. 5).

        Raises :class:`DataError` ``error.clv.spend_unbounded`` when q ≤ 1 (the population
        mean spend would be infinite: a few huge baskets dominate the data).
        """
        p, q, v = self._param_array()
        if q <= 1:
            raise DataError("error.clv.spend_unbounded")
        x = np.asarray(frequency, dtype=np.float64)
        if (x < 0).any() or np.isinf(x).any():
            raise DataError("error.clv.invalid_summary")
        m = np.where(x > 0, np.maximum(np.asarray(monetary_value, dtype=np.float64), 0.0), 0.0)
        return p * (v + x * m) / (p * x + q - 1)

    def mean_spend(self) -> float:
        """Population mean spend per purchase, p·v/(q−1) (infinite for q ≤ 1)."""
        p, q, v = self._param_array()
        return float(p * v / (q - 1)) if q > 1 else float("inf")


def _repeat_buyers(
    frequency: ArrayLike, monetary_value: ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Frequency and mean spend of the customers with x > 0 and m > 0, and which those are."""
    x, m = (np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in (frequency, monetary_value))
    if x.shape != m.shape or x.ndim != 1:
        raise DataError("error.clv.invalid_summary")
    usable = (x > 0) & (m > 0)
    return x[usable], m[usable], usable
