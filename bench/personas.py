"""How well buyer personas recover known groups, against a baseline, and how fast they are built.

``python -m bench personas [--customers 100000] [--seed 1] [--baseline-sample 2000]
[--recovery-customers 10000] [--recovery-seeds 1 2] [--sample-size 500000]``

Recovery: for the workbench's own generator and each independent family of
``tests/data/personas`` (made without :mod:`kundenmodell.synth`), with ``--recovery-customers``
customers per seed: the adjusted Rand index (ARI) of the personas against the known groups
(buyers only), the number of personas chosen automatically next to the true one, and the ARI
of standardised k-means given the true k on the same features
(:mod:`tests.data.personas.baselines`).

Timed: :func:`kundenmodell.personas.build` with ``k=None`` on the synthetic generator's
customers (everything the page shows: features, choosing k among 3–8, the final fit on all
buyers, silhouette, resampling stability and the profile sheets), and its parts. Printed
with it: the adjusted Rand index between the personas and the planted customer types.

With more buyers than ``--sample-size`` the build fits the personas on a sample of that many
buyers and labels every buyer (:mod:`kundenmodell.personas.sampling`); a small value times that
path on a small base.

Baseline: the same clustering fed by the feature table a first draft would write — a Python
loop over customers that filters each one's purchases and computes the features one by one —
timed on a sample of buyers and extrapolated to all of them. (The clustering itself is the
same in both; the loop only replaces the vectorised feature building.)
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

import numpy as np
import pandas as pd

from kundenmodell.personas import PERSONA_SAMPLE, build
from kundenmodell.personas.clustering import cluster
from kundenmodell.personas.evidence import weigh
from kundenmodell.personas.features import DEFAULT_FEATURES, customer_features
from kundenmodell.personas.latent import encode
from kundenmodell.personas.profile import profile_clusters
from kundenmodell.personas.quality import assess
from kundenmodell.synth import generate
from tests.data.personas import FAMILIES
from tests.data.personas.baselines import kmeans_ari

TARGET_SECONDS = 5.0
PLANTED_TYPES = 5  # customer types of kundenmodell.synth


def recovery(n_customers: int, seeds: Sequence[int]) -> None:
    """Print the recovery table (see the module docstring)."""
    sources = {"workbench synth": (lambda n, seed: generate(n, seed=seed), PLANTED_TYPES)}
    sources.update(
        {name: (module.generate, len(module.GROUPS)) for name, module in FAMILIES.items()}
    )
    print(f"recovery of known groups, {n_customers:,} customers per data set and seed")
    print(
        f"{'data set':<16} {'seed':>4} {'true k':>6} {'auto k':>6} {'ARI personas':>12} "
        f"{'ARI k-means (true k)':>20} {'wall s':>8}  used once / duplicates"
    )
    for name, (make, true_k) in sources.items():
        for seed in seeds:
            data = make(n_customers, seed)
            result, seconds = _timed(lambda data=data: build(data, seed=0))
            ari, _ = result.compare_with_truth(data.truth)
            baseline = kmeans_ari(result.features, result.features_used, data.truth, true_k)
            duplicates = ", ".join(f"{d.dropped}→{d.kept}" for d in result.duplicates)
            print(
                f"{name:<16} {seed:>4} {true_k:>6} {result.k:>6} {ari:>12.3f} {baseline:>20.3f} "
                f"{seconds:>8.1f}  {', '.join(result.used_once) or '–'} / {duplicates or '–'}"
            )
    print()


def naive_features(customers: pd.DataFrame, transactions: pd.DataFrame, ids) -> list[dict]:
    """Per-customer loop: filter the customer's purchases and compute each feature."""
    as_of = transactions["date"].max()
    rows = []
    by_id = customers.set_index("customer_id")
    for customer_id in ids:
        bought = transactions[transactions["customer_id"] == customer_id]
        person = by_id.loc[customer_id]
        days = sorted({d.normalize() for d in bought["date"]})
        first, last = days[0], days[-1]
        tenure = max((as_of - first).days, 30)
        row = {
            "age": person["age"],
            "gender": person["gender"],
            "income": person["income"],
            "purchase_rate": len(bought) / tenure * 365.25,
            "basket": bought["amount"].mean(),
            "quantity": bought["quantity"].mean(),
            "recency_days": (as_of - last).days,
            "rhythm_days": (last - first).days / (len(days) - 1) if len(days) > 1 else None,
        }
        for column in ("category", "channel", "consumer_role"):
            for level, count in bought[column].value_counts().items():
                row[f"{column}={level}"] = count
        rows.append(row)
    return rows


def _timed(function):
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def _cpu_timed(function):
    """Wall seconds and CPU seconds of this process (the machine may be shared)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench personas")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--baseline-sample", type=int, default=2_000)
    parser.add_argument(
        "--runs", type=int, default=2, help="time the build this often, keep the best"
    )
    parser.add_argument("--recovery-customers", type=int, default=10_000)
    parser.add_argument("--recovery-seeds", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--sample-size", type=int, default=PERSONA_SAMPLE)
    args = parser.parse_args(argv)
    if args.recovery_seeds:
        recovery(args.recovery_customers, args.recovery_seeds)

    data = generate(args.customers, seed=args.seed)
    runs = [
        _cpu_timed(lambda: build(data, seed=0, sample_size=args.sample_size))
        for _ in range(args.runs)
    ]
    result, total, total_cpu = min(runs, key=lambda run: run[1])
    ari, _ = result.compare_with_truth(data.truth)

    table, t_features = _timed(lambda: customer_features(data))
    used = list(weigh(table, DEFAULT_FEATURES).used)
    design, t_encode = _timed(lambda: encode(table, used))
    fitted, t_cluster = _timed(lambda: cluster(design, None, 0))
    labels = fitted.posterior.argmax(axis=1)
    quality, t_quality = _timed(lambda: assess(table, design, used, labels, fitted.posterior, 0))
    _, t_profiles = _timed(lambda: profile_clusters(table, labels, fitted.posterior, quality))

    sample = table.ids[: args.baseline_sample]
    _, t_naive_sample = _timed(lambda: naive_features(data.customers, data.transactions, sample))
    naive_total = t_naive_sample / len(sample) * len(table) + t_cluster + t_quality + t_profiles

    print(f"customers: {data.n_customers:,}   buyers clustered: {len(result.labels):,}")
    print(f"purchases: {data.n_transactions:,}")
    if result.sample is not None:
        print(f"fitted on a sample of {result.sample.size:,} buyers, then all labelled")
    print(
        f"build personas (k chosen: {result.k}), best of {args.runs}: {total:7.2f} s wall, "
        f"{total_cpu:.2f} s CPU"
        f"   target ≤ {TARGET_SECONDS} s"
    )
    print(
        f"  features {t_features:.2f} s · encode {t_encode:.2f} s · choose k + fit "
        f"{t_cluster:.2f} s · quality {t_quality:.2f} s · profiles {t_profiles:.2f} s"
    )
    print(f"adjusted Rand index vs planted types: {ari:.3f}")
    print(
        f"quality: stability {result.quality.stability:.3f}, certainty "
        f"{result.quality.certainty:.3f}, silhouette {result.quality.silhouette:.3f}"
    )
    print(
        f"baseline (per-customer feature loop, extrapolated from {len(sample):,} buyers, "
        f"same clustering): {naive_total:7.2f} s"
    )
    print(f"ratio baseline / vectorised: {naive_total / total:6.1f}×")
    icl = dict(zip(fitted.criterion["k"], np.round(fitted.criterion["icl"]), strict=True))
    print(f"criterion (ICL per k, lower is better): {icl}")
