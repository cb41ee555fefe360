"""How fast the Monte Carlo of a scenario is, against a naive per-path loop in the same run.

``python -m bench scenarios [--paths 10000] [--months 120] [--runs 3] [--baseline-paths 200]``

The vectorised :func:`kundenmodell.scenarios.monte_carlo` draws the uncertain inputs for all
paths, projects them together (numpy over paths, one loop over months) and computes the
5/25/50/75/95 % bands per month. The naive baseline is what one would write first: for each
path, draw the inputs with ``random``/``math`` and step through the months in pure Python,
then sort each month's values for the quantiles; it is timed on ``--baseline-paths`` paths
and extrapolated per path.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import statistics
import time
from collections.abc import Sequence

from kundenmodell.scenarios import Scenario, Uncertainty, monte_carlo

TARGET_SECONDS = 0.5


def naive_monte_carlo(
    plan: Scenario, uncertainty: Uncertainty, n_paths: int, seed: int
) -> list[list[float]]:
    """Per path and month in plain Python (same model and distributions, other random stream);
    returns the customer quantiles per month."""
    rng = random.Random(seed)

    def beta(mean: float, cv: float) -> float:
        if cv == 0 or mean <= 0:
            return mean
        kappa = mean * (1 - mean) / (cv * mean) ** 2 - 1
        return rng.betavariate(mean * kappa, (1 - mean) * kappa)

    def lognormal(median: float, cv: float) -> float:
        return median * math.exp(math.sqrt(math.log1p(cv * cv)) * rng.gauss(0, 1))

    discount = [(1 + plan.annual_discount_rate) ** (-(t + 1) / 12) for t in range(plan.months)]
    customers_by_month: list[list[float]] = [[] for _ in range(plan.months)]
    for _ in range(n_paths):
        churn0 = beta(plan.monthly_churn, uncertainty.churn_cv)
        reduction = beta(plan.max_reduction, uncertainty.effect_cv)
        cac = lognormal(plan.cac, uncertainty.cac_cv)
        margin = lognormal(plan.margin_per_customer, uncertainty.margin_cv)
        half = lognormal(plan.half_effect_spend, uncertainty.effect_cv)
        ceiling = lognormal(plan.max_new_customers or math.inf, uncertainty.effect_cv)
        new = ceiling * -math.expm1(-plan.acquisition_budget / (cac * ceiling))
        customers, profit = plan.customers, 0.0
        for t in range(plan.months):
            spend = plan.retention_budget / customers if customers > 0 else math.inf
            churn = churn0 * (1 - reduction * -math.expm1(-math.log(2) * spend / half))
            customers = customers * (1 - churn) + new
            profit += (margin * customers - plan.total_budget) * discount[t]
            customers_by_month[t].append(customers)
    return [statistics.quantiles(values, n=20) for values in customers_by_month]


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench scenarios", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--paths", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--runs", type=int, default=3, help="timed runs, best is kept")
    parser.add_argument("--baseline-paths", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(list(argv))

    plan, uncertainty = Scenario(months=args.months), Uncertainty()
    print(
        f"scenarios: Monte Carlo of {args.paths:,} paths x {args.months} months; "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    monte_carlo(plan, uncertainty, 100, args.seed)  # imports and first-call set-up
    seconds = []
    for run in range(max(args.runs, 1)):
        started = time.perf_counter()
        result = monte_carlo(plan, uncertainty, args.paths, args.seed)
        seconds.append(time.perf_counter() - started)
        print(f"  run {run + 1}: {seconds[-1]:.3f} s")
    best = min(seconds)
    median = result.bands.query(f"metric == 'customers' and month == {args.months}")["q50"]
    print(
        f"vectorised: {best:.3f} s (best of {len(seconds)}), "
        f"{args.paths * args.months / best:,.0f} path-months/s; "
        f"median customers after {args.months} months: {median.iloc[0]:,.0f}"
    )
    started = time.perf_counter()
    naive_monte_carlo(plan, uncertainty, args.baseline_paths, args.seed)
    naive_seconds = time.perf_counter() - started
    naive_total = naive_seconds / args.baseline_paths * args.paths
    print(
        f"naive per-path loop: {args.baseline_paths:,} paths in {naive_seconds:.3f} s "
        f"-> {naive_total:.2f} s extrapolated to {args.paths:,}"
    )
    print(f"speed-up against the naive loop: {naive_total / best:,.0f}x")
    print(
        f"target: <= {TARGET_SECONDS} s for 10,000 x 120: "
        f"{'met' if best <= TARGET_SECONDS else 'MISSED'} ({best:.3f} s)"
    )
    return 0
