"""How sure is a plan? Monte Carlo over the inputs nobody knows exactly.

Each path draws one value per uncertain input and runs the whole horizon with it (parameter
uncertainty: the churn, CAC, margin and effect sizes of the company are unknown but fixed):

- rates (``monthly_churn``, ``max_reduction``) from a **beta** distribution with the scenario's
  value as mean and ``cv · mean`` as standard deviation, i.e.
  ``κ = μ(1 − μ)/σ² − 1``, ``Beta(μκ, (1 − μ)κ)``;
- costs and sizes (``cac``, ``margin_per_customer``, ``half_effect_spend``,
  ``max_new_customers``) from a **lognormal** distribution with the scenario's value as
  median and ``σ_log = sqrt(ln(1 + cv²))`` (so ``cv`` is its coefficient of variation).

Draws go through the inverse CDF of one fixed table of uniforms per seed, so two plans
compared with the same seed meet the same "worlds" (common random numbers): the probability
that plan A beats plan B measures the plans, not the noise. The paths are simulated together
by :func:`kundenmodell.scenarios.simulate.project` (vectorised over paths, looping months).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import betaincinv, ndtri

from kundenmodell.errors import DataError
from kundenmodell.scenarios.model import Scenario
from kundenmodell.scenarios.simulate import Projection, project, scenario_inputs

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
BAND_COLUMNS = ("q05", "q25", "q50", "q75", "q95")
METRICS = ("customers", "discounted_cumulative_profit")
MAX_PATHS = 200_000
_NORMAL_LIMIT = 1e7
_SLOTS = (
    "monthly_churn",
    "max_reduction",
    "cac",
    "margin_per_customer",
    "half_effect_spend",
    "max_new_customers",
)


@dataclass(frozen=True)
class Uncertainty:
    """Coefficients of variation (standard deviation / typical value) of the uncertain inputs.

    ``churn_cv`` for the monthly churn, ``cac_cv`` for the cost per acquired customer,
    ``margin_cv`` for the margin per customer, ``effect_cv`` for the response curves
    (``max_reduction``, ``half_effect_spend`` and ``max_new_customers``). 0 means "known".
    """

    churn_cv: float = 0.2
    cac_cv: float = 0.3
    margin_cv: float = 0.1
    effect_cv: float = 0.4

    def __post_init__(self) -> None:
        for value in (self.churn_cv, self.cac_cv, self.margin_cv, self.effect_cv):
            if not math.isfinite(value) or value < 0:
                raise DataError("error.scenarios.uncertainty_negative")


@dataclass(frozen=True)
class MonteCarloResult:
    """Quantile bands per month and the per-path outcomes at the horizon.

    ``bands``: one row per metric and month with columns ``metric``, ``month`` and
    ``q05``…``q95`` (metrics: ``customers``, ``discounted_cumulative_profit``).
    ``final_profit``/``final_customers``: discounted profit and customers at the last month,
    one entry per path. ``prob_beats``: share of paths in which the plan's discounted profit
    exceeds that of ``versus`` (``None`` without a comparison).
    """

    bands: pd.DataFrame
    final_profit: np.ndarray = field(repr=False)
    final_customers: np.ndarray = field(repr=False)
    prob_beats: float | None
    n_paths: int
    seed: int


def _beta(mean: float, cv: float, uniforms: np.ndarray, error: str) -> np.ndarray | float:
    if cv == 0 or mean <= 0 or mean >= 1:
        return mean
    variance = (cv * mean) ** 2
    if variance >= mean * (1 - mean):
        raise DataError(f"error.scenarios.{error}")
    kappa = mean * (1 - mean) / variance - 1
    if kappa > _NORMAL_LIMIT:  # betaincinv fails for huge shapes; the beta is normal there
        return np.clip(mean + math.sqrt(variance) * ndtri(uniforms), 0.0, 1.0 - 1e-12)
    return betaincinv(mean * kappa, (1 - mean) * kappa, uniforms)


def _lognormal(median: float | None, cv: float, uniforms: np.ndarray) -> np.ndarray | float | None:
    if median is None or cv == 0:
        return median
    return median * np.exp(math.sqrt(math.log1p(cv * cv)) * ndtri(uniforms))


def draw_inputs(
    scenario: Scenario, uncertainty: Uncertainty, uniforms: np.ndarray
) -> dict[str, np.ndarray | float | None]:
    """The keyword arguments of ``project`` with the uncertain inputs drawn per path.

    ``uniforms`` has one row per entry of ``_SLOTS`` and one column per path.
    """
    rows = dict(zip(_SLOTS, uniforms, strict=True))
    inputs = scenario_inputs(scenario)
    inputs["monthly_churn"] = _beta(
        scenario.monthly_churn,
        uncertainty.churn_cv,
        rows["monthly_churn"],
        "churn_uncertainty_too_large",
    )
    inputs["max_reduction"] = _beta(
        scenario.max_reduction,
        uncertainty.effect_cv,
        rows["max_reduction"],
        "effect_uncertainty_too_large",
    )
    inputs["cac"] = _lognormal(scenario.cac, uncertainty.cac_cv, rows["cac"])
    inputs["margin_per_customer"] = _lognormal(
        scenario.margin_per_customer, uncertainty.margin_cv, rows["margin_per_customer"]
    )
    for name in ("half_effect_spend", "max_new_customers"):
        inputs[name] = _lognormal(inputs[name], uncertainty.effect_cv, rows[name])
    return inputs


def _run(scenario: Scenario, uncertainty: Uncertainty, uniforms: np.ndarray) -> Projection:
    inputs = draw_inputs(scenario, uncertainty, uniforms)
    paths = uniforms.shape[1]
    inputs["customers"] = np.full(paths, float(scenario.customers))
    return project(scenario.months, **inputs)


def bands(values: np.ndarray, metric: str) -> pd.DataFrame:
    """5/25/50/75/95 % quantiles per month (column) of a (paths, months) array.

    Numpy's default ("linear") quantile, ``x[⌊q(n−1)⌋]`` interpolated towards the next order
    statistic, from one sort per month: for five quantiles this is several times faster than
    ``np.quantile``'s partitioning.
    """
    ordered = np.sort(values.T, axis=1)  # (months, paths), each month's row sorted
    position = np.asarray(QUANTILES) * (ordered.shape[1] - 1)
    low = np.floor(position).astype(np.intp)
    high = np.minimum(low + 1, ordered.shape[1] - 1)
    weight = position - low
    quantiles = ordered[:, low] * (1 - weight) + ordered[:, high] * weight
    frame = pd.DataFrame(dict(zip(BAND_COLUMNS, quantiles.T, strict=True)))
    frame.insert(0, "month", np.arange(1, values.shape[1] + 1))
    frame.insert(0, "metric", metric)
    return frame


def monte_carlo(
    scenario: Scenario,
    uncertainty: Uncertainty,
    n_paths: int = 10_000,
    seed: int = 0,
    *,
    versus: Scenario | None = None,
) -> MonteCarloResult:
    """Simulate ``n_paths`` draws of ``scenario`` and return quantile bands per month.

    With ``versus``, the same draws are applied to that plan too (common random numbers; it
    must have the same horizon) and ``prob_beats`` is ``P(profit_A > profit_B)`` in
    discounted profit at the horizon. The same ``seed`` always gives the same result.
    """
    if not 1 <= n_paths <= MAX_PATHS:
        raise DataError("error.scenarios.paths_range", maximum=MAX_PATHS)
    if versus is not None and versus.months != scenario.months:
        raise DataError("error.scenarios.horizons_differ")
    uniforms = np.random.default_rng(seed).random((len(_SLOTS), int(n_paths)))
    run = _run(scenario, uncertainty, uniforms)
    final_profit = run.discounted_cumulative_profit[:, -1].copy()
    prob = None
    if versus is not None:
        other = _run(versus, uncertainty, uniforms).discounted_cumulative_profit[:, -1]
        prob = float(np.mean(final_profit > other))
    table = pd.concat(
        [bands(run.customers, "customers"), bands(run.discounted_cumulative_profit, METRICS[1])],
        ignore_index=True,
    )
    return MonteCarloResult(
        bands=table,
        final_profit=final_profit,
        final_customers=run.customers[:, -1].copy(),
        prob_beats=prob,
        n_paths=int(n_paths),
        seed=seed,
    )
