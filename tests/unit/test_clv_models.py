"""BG/NBD and Gamma-Gamma against hand-computed values and the published CDNOW fits.

The hand computations use the paper's formulas in their original, unsimplified form with plain
``math`` functions (the hypergeometric function as its defining series), so they share no code
with the package.
"""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import approx_fprime

from kundenmodell import DataError
from kundenmodell.clv import BetaGeoModel, GammaGammaModel, MaximumLikelihoodModel

DATA = Path(__file__).resolve().parents[1] / "data" / "clv"
PARAMS = {"r": 0.5, "alpha": 2.0, "a": 0.8, "b": 3.0}
TINY = [(0, 0.0, 5.0), (2, 3.0, 6.0), (5, 4.5, 10.0), (1, 7.25, 8.0)]


def _beta(a: float, b: float) -> float:
    return math.exp(math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b))


def _bgnbd_likelihood(x: int, t_x: float, T: float, r: float, alpha: float, a: float, b: float):  # noqa: N803
    """Fader, Hardie & Lee (2005), eq. 6 before simplification."""
    common = math.gamma(r + x) * alpha**r / math.gamma(r)
    alive = _beta(a, b + x) / _beta(a, b) * common / (alpha + T) ** (r + x)
    dead = _beta(a + 1, b + x - 1) / _beta(a, b) * common / (alpha + t_x) ** (r + x) if x else 0.0
    return alive + dead


def _hyp2f1_series(a: float, b: float, c: float, z: float, terms: int = 400) -> float:
    total, term = 1.0, 1.0
    for k in range(terms):
        term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z
        total += term
    return total


def _conditional_expectation(t, x, t_x, T, r, alpha, a, b):  # noqa: N803
    """Eq. 10 of the paper, literally."""
    z = t / (alpha + T + t)
    hyp = _hyp2f1_series(r + x, b + x, a + b + x - 1, z)
    numerator = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp)
    denominator = 1 + (x > 0) * a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x)
    return numerator / denominator


def _fitted(model, params):
    model.params_ = dict(params)
    return model


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    # The CDNOW sample of the BG/NBD paper (see tests/data/clv/README.md for its source).
    return pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv")


@pytest.fixture(scope="module")
def cdnow_bg(cdnow) -> BetaGeoModel:
    return BetaGeoModel().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])


# ---- BG/NBD: log-likelihood and predictions by hand -------------------------------------------


def test_log_likelihood_equals_the_paper_formula_by_hand():
    x, t_x, age = (np.array(column) for column in zip(*TINY, strict=True))
    expected = sum(math.log(_bgnbd_likelihood(*row, **PARAMS)) for row in TINY)
    assert BetaGeoModel().log_likelihood(x, t_x, age, params=PARAMS) == pytest.approx(
        expected, rel=1e-12
    )


def test_gradient_is_the_derivative_of_the_log_likelihood():
    model = BetaGeoModel()
    x, t_x, age = (np.array(column) for column in zip(*TINY, strict=True))
    data, _ = model._augment(model._prepare(x, t_x, age), np.ones(len(x)))
    for point in ([0.5, 2.0, 0.8, 3.0], [2.0, 9.0, 1.7, 0.6]):
        point = np.array(point)
        _, grad = model._log_likelihood_terms(point, data, gradient=True)
        numeric = approx_fprime(
            point, lambda p: model._log_likelihood_terms(p, data, False)[0].sum(), 1e-7
        )
        np.testing.assert_allclose(grad.sum(axis=1), numeric, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("x", "t_x", "T"), [(0, 0.0, 5.0), (2, 3.0, 6.0), (5, 4.5, 10.0)])
def test_p_alive_and_conditional_expectation_by_hand(x, t_x, T):  # noqa: N803
    model = _fitted(BetaGeoModel(), PARAMS)
    r, alpha, a, b = PARAMS.values()
    alive = 1.0 if x == 0 else 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))
    assert model.p_alive(x, t_x, T) == pytest.approx(alive, rel=1e-12)
    for t in (1.0, 4.0):
        expected = _conditional_expectation(t, x, t_x, T, r, alpha, a, b)
        assert model.conditional_expected_purchases(t, x, t_x, T) == pytest.approx(
            expected, rel=1e-9
        )


def test_unconditional_expectation_is_the_conditional_one_of_a_newcomer():
    model = _fitted(BetaGeoModel(), PARAMS)
    t = np.array([0.5, 3.0, 20.0])
    expected = [_conditional_expectation(v, 0, 0.0, 0.0, *PARAMS.values()) for v in t]
    np.testing.assert_allclose(model.expected_purchases(t), expected, rtol=1e-9)
    assert model.expected_purchases(0.0) == 0.0


def test_a_equal_to_one_is_handled_as_the_limit():
    near = {**PARAMS, "a": 1.0 + 1e-3}
    below = {**PARAMS, "a": 1.0 - 1e-3}
    at = {**PARAMS, "a": 1.0}
    values = [
        _fitted(BetaGeoModel(), p).conditional_expected_purchases(4.0, 2, 3.0, 6.0)
        for p in (below, at, near)
    ]
    assert values[1] == pytest.approx((values[0] + values[2]) / 2, rel=1e-5)


def test_large_frequencies_do_not_overflow():
    model = _fitted(BetaGeoModel(), PARAMS)
    x, t_x, age = np.array([800.0, 800.0]), np.array([100.0, 2.0]), np.array([100.0, 100.0])
    ll = model.log_likelihood(x, t_x, age)
    assert np.isfinite(ll)
    alive = model.p_alive(x, t_x, age)
    assert alive[0] == pytest.approx(1 / (1 + 0.8 / 802), rel=1e-12)  # bought just now
    assert 0 <= alive[1] < 1e-300 or alive[1] == 0.0  # silent for ages after 800 purchases
    expected = model.conditional_expected_purchases(10.0, x, t_x, age)
    assert np.all(np.isfinite(expected)) and expected[0] > 10 and expected[1] < 1e-12


@settings(max_examples=60, deadline=None)
@given(
    r=st.floats(0.05, 10),
    alpha=st.floats(0.1, 50),
    a=st.floats(0.05, 5),
    b=st.floats(0.05, 30),
    x=st.integers(0, 300),
    share=st.floats(0, 1),
    T=st.floats(0.1, 500),
)
def test_predictions_are_probabilities_and_grow_with_time(r, alpha, a, b, x, share, T):  # noqa: N803
    model = _fitted(BetaGeoModel(), {"r": r, "alpha": alpha, "a": a, "b": b})
    t_x = share * T if x else 0.0
    alive = float(model.p_alive(x, t_x, T))
    assert 0.0 <= alive <= 1.0
    expected = model.conditional_expected_purchases(np.array([0.0, 1.0, 10.0, 100.0]), x, t_x, T)
    assert expected[0] == pytest.approx(0.0, abs=1e-9)
    assert np.all(np.isfinite(expected)) and np.all(np.diff(expected) >= -1e-9 * (1 + expected[1:]))


def test_invalid_summaries_are_data_errors():
    model = BetaGeoModel()
    for x, t_x, age in [
        ([1, -1], [1, 0], [2, 2]),  # negative frequency
        ([1.5], [1], [2]),  # not a whole number
        ([1], [3], [2]),  # last purchase after the end
        ([0], [1], [2]),  # recency without repeat purchases
        ([1, 2], [1], [2, 3]),  # lengths differ
        ([np.nan], [0], [1]),
    ]:
        with pytest.raises(DataError) as error:
            model.fit(x, t_x, age)
        assert error.value.key == "error.clv.invalid_summary"


def test_predictions_refuse_histories_no_customer_can_have():
    model = _fitted(BetaGeoModel(), PARAMS)
    for x, t_x, age in [(-3, 10, 5), (2, 6, 5), (1, -1, 5), (1, 1, np.inf)]:
        with pytest.raises(ValueError) as error:  # a DataError, which is a ValueError
            model.p_alive(x, t_x, age)
        assert error.value.key == "error.clv.invalid_summary"
        with pytest.raises(DataError):
            model.conditional_expected_purchases(4.0, x, t_x, age)
    with pytest.raises(DataError):
        model.conditional_expected_purchases(-1.0, 2, 3, 5)
    with pytest.raises(DataError):
        model.expected_purchases([1.0, -2.0])
    # the edges are possible: last purchase at the end, no repeat purchase
    assert 0.0 < float(model.p_alive(2, 5, 5)) <= 1.0
    assert float(model.p_alive(0, 0, 5)) == 1.0
    gg = _fitted(GammaGammaModel(), {"p": 6.25, "q": 3.74, "v": 15.44})
    with pytest.raises(DataError):
        gg.conditional_expected_average_profit([-1.0], [10.0])


def test_help_shows_the_model_formulas():
    bg, gg = BetaGeoModel.__doc__, GammaGammaModel.__doc__
    assert "Beta(a, b)" in bg and "ln B(a, b+x)" in bg and "P(alive | x, t_x, T)" in bg
    assert "₂F₁(r+x, b+x; a+b+x−1" in bg
    assert "p (v + x m) / (p x + q − 1)" in gg and "ln Γ(px+q)" in gg


def test_unfitted_model_says_so():
    with pytest.raises(RuntimeError, match="fit"):
        BetaGeoModel().p_alive(1, 1, 2)


# ---- BG/NBD on CDNOW: the published fit -----------------------------------------------------


def _significant(value: float, digits: int = 3) -> float:
    return float(f"{value:.{digits}g}")


def test_cdnow_parameters_match_the_paper_to_three_significant_digits(cdnow_bg):
    # Fader, Hardie & Lee (2005), section 5: r = 0.243, α = 4.414, a = 0.793, b = 2.426,
    # LL = −9582.4.
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert _significant(cdnow_bg.params_[name]) == _significant(value), name
    assert round(cdnow_bg.log_likelihood_, 1) == -9582.4
    assert cdnow_bg.converged_ and cdnow_bg.at_bound_ == ()
    assert cdnow_bg.n_observations_ == 2357


def test_cdnow_predictions_match_the_paper(cdnow_bg):
    # Paper, section 5: customer 1 (x = 2, t_x = 30.43, T = 38.86) is expected to make 1.226
    # purchases in the next 39 weeks.
    assert cdnow_bg.conditional_expected_purchases(39, 2, 30.43, 38.86) == pytest.approx(
        1.226, abs=5e-4
    )
    # E[X(t)] from Hardie's BG/NBD spreadsheet (the cumulative tracking curve).
    t = np.array([0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0])
    expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576]
    np.testing.assert_allclose(cdnow_bg.expected_purchases(t), expected, atol=5e-4)


def test_standard_errors_and_summary(cdnow_bg):
    summary = cdnow_bg.summary_
    assert list(summary.index) == ["r", "alpha", "a", "b"]
    assert list(summary.columns) == ["estimate", "standard_error", "lower_95", "upper_95"]
    se = summary["standard_error"]
    assert (se > 0).all() and (se < summary["estimate"]).all()
    assert (summary["lower_95"] < summary["estimate"]).all()
    assert (summary["estimate"] < summary["upper_95"]).all()
    # The inverse Hessian is a covariance matrix: symmetric, positive definite.
    cov = cdnow_bg.covariance_.to_numpy()
    np.testing.assert_allclose(cov, cov.T, rtol=1e-6)
    assert np.all(np.linalg.eigvalsh(cov) > 0)
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), se, rtol=1e-9)
    # r is known to about ±5 % from 2,357 customers.
    assert 0.03 < se["r"] / summary.loc["r", "estimate"] < 0.08


def test_identical_rows_as_weights_give_the_same_fit(cdnow):
    counts = cdnow.groupby(["x", "t_x", "T"]).size().reset_index(name="n")
    weighted = BetaGeoModel().fit(counts["x"], counts["t_x"], counts["T"], weights=counts["n"])
    plain = BetaGeoModel().fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    for name in plain.params_:
        assert weighted.params_[name] == pytest.approx(plain.params_[name], rel=1e-6)
    assert weighted.log_likelihood_ == pytest.approx(plain.log_likelihood_, rel=1e-10)


# ---- Gamma-Gamma ---------------------------------------------------------------------------


def test_gamma_gamma_log_likelihood_by_hand():
    p, q, v = 4.0, 3.0, 20.0
    rows = [(1, 12.0), (3, 25.5), (10, 8.25)]
    expected = 0.0
    for x, m in rows:
        density = (
            math.gamma(p * x + q)
            / (math.gamma(p * x) * math.gamma(q))
            * v**q
            * m ** (p * x - 1)
            * x ** (p * x)
            / (v + m * x) ** (p * x + q)
        )
        expected += math.log(density)
    x, m = zip(*rows, strict=True)
    got = GammaGammaModel().log_likelihood(x, m, params={"p": p, "q": q, "v": v})
    assert got == pytest.approx(expected, rel=1e-12)


def test_gamma_gamma_on_cdnow_matches_the_published_fit(cdnow):
    # Fader & Hardie, note 025: p = 6.25, q = 3.74, v = 15.44 on the 946 repeat buyers.
    gg = GammaGammaModel().fit(cdnow["x"], cdnow["zbar"])  # zero-frequency rows are left out
    assert gg.n_observations_ == 946
    for name, value in {"p": 6.25, "q": 3.74, "v": 15.44}.items():
        assert _significant(gg.params_[name]) == _significant(value), name
    assert gg.converged_


def test_gamma_gamma_log_likelihood_takes_what_fit_takes(cdnow):
    # fit leaves out customers without repeat purchases; log_likelihood does the same, so the
    # total on the same columns is the fit's log-likelihood at the optimum
    gg = GammaGammaModel().fit(cdnow["x"], cdnow["zbar"])
    assert (cdnow["x"] == 0).any()
    assert gg.log_likelihood(cdnow["x"], cdnow["zbar"]) == pytest.approx(gg.log_likelihood_)
    repeat = cdnow[cdnow["x"] > 0]
    assert gg.log_likelihood(cdnow["x"], cdnow["zbar"]) == pytest.approx(
        gg.log_likelihood(repeat["x"], repeat["zbar"]), rel=1e-12
    )


def test_gamma_gamma_expected_spend_matches_hardies_sheet(cdnow):
    # Expected average transaction value of the first ten CDNOW customers (Hardie's note 025
    # spreadsheet, as quoted in lifetimes' tests); the sheet uses the unrounded estimates.
    gg = GammaGammaModel().fit(cdnow["x"], cdnow["zbar"])
    head = cdnow.head(10)
    expected = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17]
    got = gg.conditional_expected_average_profit(head["x"], head["zbar"])
    np.testing.assert_allclose(got, expected, atol=0.01)
    params = gg.params_
    assert gg.mean_spend() == pytest.approx(params["p"] * params["v"] / (params["q"] - 1))


def test_gamma_gamma_refuses_unbounded_spend_and_too_few_buyers():
    gg = _fitted(GammaGammaModel(), {"p": 2.0, "q": 0.9, "v": 10.0})
    with pytest.raises(DataError) as error:
        gg.conditional_expected_average_profit([1], [10.0])
    assert error.value.key == "error.clv.spend_unbounded"
    with pytest.raises(DataError) as error:
        GammaGammaModel().fit([0, 0, 1], [0.0, 0.0, 10.0])
    assert error.value.key == "error.clv.too_few_repeat_buyers"


# ---- the shared fitter -------------------------------------------------------------------


class ExponentialModel(MaximumLikelihoodModel):
    """A model as small as it gets, without an analytic gradient: waiting times ~ Exp(λ)."""

    parameter_names = ("lam",)
    analytic_gradient = False

    def fit(self, durations):
        return self._fit(durations)

    def _prepare(self, durations):
        return (np.asarray(durations, dtype=float),)

    def _log_likelihood_terms(self, params, data, gradient):
        (lam,), (t,) = params, data
        return np.log(lam) - lam * t, None


def test_a_new_model_is_one_small_class():
    durations = np.random.default_rng(5).exponential(2.5, 4_000)
    model = ExponentialModel().fit(durations)
    lam = 1 / durations.mean()  # the closed-form MLE
    assert model.params_["lam"] == pytest.approx(lam, rel=1e-5)
    # Fisher information n/λ², so se = λ/√n.
    assert model.standard_errors_["lam"] == pytest.approx(lam / np.sqrt(len(durations)), rel=1e-3)
    assert model.log_likelihood_ == pytest.approx(len(durations) * (np.log(lam) - 1), rel=1e-9)


def test_unidentified_parameters_are_reported_not_hidden():
    # Nobody ever drops out: every customer bought right up to the end. The dropout and the
    # spread of the rates are not identified (the likelihood is flat towards a → 0, r → ∞), so
    # there is no curvature to give standard errors, and the fit says it did not converge; the
    # predictions are still the sensible "everyone keeps buying at the mean rate".
    rng = np.random.default_rng(0)
    age = rng.uniform(20, 40, 300)
    x = rng.poisson(age / 4).astype(float)
    t_x = np.where(x > 0, age, 0.0)
    model = BetaGeoModel().fit(x, t_x, age)
    assert not model.converged_
    assert all(np.isnan(value) for value in model.standard_errors_.values())
    assert model.p_alive(3, 10, 30) > 0.99
    assert model.conditional_expected_purchases(10, 5, 30, 30) == pytest.approx(2.5, rel=0.1)


def test_simulated_histories_follow_the_model():
    from kundenmodell.clv.simulate import simulate_histories

    x, t_x, age = simulate_histories(200_000, **PARAMS, seed=5)
    assert np.all((t_x >= 0) & (t_x <= age)) and np.all(t_x[x == 0] == 0)
    assert np.all(x == np.round(x)) and x.min() == 0
    # E[X(T)] of eq. 9 at every customer's own T, averaged, is the mean simulated frequency
    expected = _fitted(BetaGeoModel(), PARAMS).expected_purchases(age).mean()
    standard_error = x.std() / np.sqrt(len(x))
    assert abs(x.mean() - expected) < 4 * standard_error


def test_many_customers_share_the_expectation_of_their_history_exactly(cdnow_bg, monkeypatch):
    """Millions of customers share a few ten thousand (x, T): ₂F₁ is evaluated once per
    distinct history and gathered back; the values must be bit for bit the ones evaluated per
    customer, for a customer axis against a horizon axis, a scalar horizon, transposed
    arrays and arrays already broadcast (as conditional_expected_purchases passes them)."""
    from kundenmodell.clv import bgnbd

    rng = np.random.default_rng(5)
    n = bgnbd.DISTINCT_FROM + 7_000
    x = rng.integers(0, 30, n).astype(float)
    age = rng.integers(1, 550, n) / 7.0
    t_x = age * rng.random(n)
    x[::1000] = np.nan  # a missing history stays missing
    horizons = np.arange(13) * 30.4375 / 7
    cases = [
        (horizons[None, :], x[:, None], t_x[:, None], age[:, None]),
        (26.0, x, t_x, age),
        (horizons[:, None], x[None, :], t_x[None, :], age[None, :]),
    ]
    grouped = []
    distinct_rows = bgnbd.distinct_rows
    monkeypatch.setattr(bgnbd, "distinct_rows", lambda *c: grouped.append(1) or distinct_rows(*c))
    shared = [cdnow_bg.conditional_expected_purchases(*case) for case in cases]
    assert len(grouped) == len(cases)  # each case took the shared path
    monkeypatch.setattr(bgnbd, "DISTINCT_FROM", 10**12)
    for case, found in zip(cases, shared, strict=True):
        expected = cdnow_bg.conditional_expected_purchases(*case)
        assert found.shape == expected.shape
        np.testing.assert_array_equal(found, expected)
    assert (
        np.isnan(shared[1][::1000]).all() and np.isfinite(np.delete(shared[1], np.s_[::1000])).all()
    )
