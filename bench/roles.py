"""How fast the customer-vs-consumer analysis is at 100,000 customers and 1,000,000 purchases.

``python -m bench roles [--customers 100000] [--purchases 1000000] [--baseline-rows 20000]``

The data: the synthetic generator's customers, with their purchases resampled (with
replacement, dates jittered inside the period) up to the requested number of purchases. Timed:
:func:`kundenmodell.roles.compare` by consumer role (what the page shows first), by category and
by activity class (which includes :func:`kundenmodell.segments.classify_activity`). The
baseline is the loop one would write first for only a part of it: per purchase, normalise the
role, look up the buyer's customer type and age, and add up purchases and revenue per role,
per category × role and per age band; timed on the first ``--baseline-rows`` purchases and
extrapolated linearly. The page memoises the report per data set and breakdown, so switching
back to a breakdown costs a dictionary look-up.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Sequence

import pandas as pd

from bench._common import best_of, with_purchases
from kundenmodell.roles import compare, role_report
from kundenmodell.roles.ages import AGE_BANDS


def naive_role_mix(transactions: pd.DataFrame, customers: pd.DataFrame) -> dict:
    """Per-purchase Python loop: role shares, category × role and buyer age bands."""
    kinds = dict(zip(customers["customer_id"], customers["customer_type"], strict=True))
    ages = dict(zip(customers["customer_id"], customers["age"], strict=True))
    per_role: dict = defaultdict(lambda: [0, 0.0])
    per_cell: dict = defaultdict(lambda: [0, 0.0])
    per_band: dict = defaultdict(int)
    per_type: dict = defaultdict(float)
    for row in transactions.itertuples(index=False):
        role = str(row.consumer_role).strip().lower()
        per_role[role][0] += 1
        per_role[role][1] += row.amount
        per_cell[(row.category, role)][0] += 1
        per_cell[(row.category, role)][1] += row.amount
        per_type[(kinds.get(row.customer_id), role)] += row.amount
        age = ages.get(row.customer_id)
        band = next((label for label, low, high in AGE_BANDS if low <= age <= high), "unknown")
        per_band[band] += 1
    return {"roles": dict(per_role), "cells": dict(per_cell), "bands": dict(per_band)}


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench roles")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--purchases", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args(argv)

    data = with_purchases(args.customers, args.purchases, seed=1)
    by_role = best_of(args.runs, lambda: compare(data))
    by_category = best_of(args.runs, lambda: compare(data, by="category"))
    by_activity = best_of(args.runs, lambda: role_report(data, "activity"))

    sample = data.transactions.iloc[: args.baseline_rows]
    naive_sample = best_of(1, lambda: naive_role_mix(sample, data.customers))
    naive_full = naive_sample / len(sample) * data.n_transactions

    print(f"customers: {data.n_customers:,}   purchases: {data.n_transactions:,}")
    print(f"compare, by consumer role:            {by_role:7.2f} s")
    print(f"compare, by category:                 {by_category:7.2f} s")
    print(f"compare, by activity class:           {by_activity:7.2f} s")
    print(
        f"naive per-purchase loop (role mix, category × role, age bands only), extrapolated "
        f"from {len(sample):,} purchases: {naive_full:7.2f} s"
    )
    print(f"ratio naive / vectorised (by category, full report): {naive_full / by_category:6.1f}×")
