"""How fast the overview's segment report is at 100,000 customers and 1,000,000 purchases.

``python -m bench segments [--customers 100000] [--purchases 1000000] [--baseline-sample 2000]``

The data: the synthetic generator's customers, with their purchases resampled (with
replacement, dates jittered inside the period) up to the requested number of purchases. Timed:
:func:`kundenmodell.segments.report.segment_report` (everything the overview page shows) once
cold and once with a filter (B2C only), as a page rerun after a filter change would. The
baseline is the straightforward loop one would write first: per customer, classify activity and
compute recency/frequency/monetary over that customer's purchases, timed on a sample of
customers and extrapolated. The page itself memoises the report per data set and settings, so
a rerun without a change costs a dictionary look-up.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import pandas as pd

from bench._common import best_of, with_purchases
from kundenmodell.segments import SegmentFilter
from kundenmodell.segments.report import segment_report

TARGET_SECONDS = 1.0


def naive_rfm_and_activity(transactions: pd.DataFrame, as_of: pd.Timestamp) -> dict:
    """Per-customer Python loop: activity class and R/F/M, the way a first draft would."""
    result = {}
    for customer_id, rows in transactions.groupby("customer_id", sort=False):
        days = sorted({date.normalize() for date in rows["date"]})
        ages = [(as_of - day).days for day in days]
        recent = sum(1 for age in ages if age < 365)
        if recent >= 3:
            activity = "regular"
        elif min(ages) < 365:
            activity = "actual"
        elif len(days) == 1:
            activity = "one_time"
        else:
            activity = "lapsed"
        result[customer_id] = (activity, min(ages), len(rows), float(rows["amount"].sum()))
    return result


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench segments")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--purchases", type=int, default=1_000_000)
    parser.add_argument("--baseline-sample", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args(argv)

    data = with_purchases(args.customers, args.purchases, seed=1)
    as_of = data.period[1]
    cold = best_of(args.runs, lambda: segment_report(data))
    b2c = SegmentFilter(customer_type=("b2c",))
    filtered = best_of(args.runs, lambda: segment_report(data, b2c))

    sample_ids = data.customers["customer_id"].iloc[: args.baseline_sample]
    sample = data.transactions[data.transactions["customer_id"].isin(sample_ids)]
    buyers = data.transactions["customer_id"].nunique()
    sample_buyers = sample["customer_id"].nunique()
    naive_sample = best_of(1, lambda: naive_rfm_and_activity(sample, as_of))
    naive_full = naive_sample / max(sample_buyers, 1) * buyers

    print(f"customers: {data.n_customers:,}   purchases: {data.n_transactions:,}")
    print(f"segment report, all customers:       {cold:7.2f} s")
    print(f"segment report after a filter (B2C): {filtered:7.2f} s   target ≤ {TARGET_SECONDS} s")
    print(
        f"naive per-customer loop (activity + RFM only), extrapolated from {sample_buyers:,} "
        f"buyers: {naive_full:7.2f} s"
    )
    print(f"ratio naive / vectorised (full report): {naive_full / cold:6.1f}×")
