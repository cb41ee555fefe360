"""How fast the synthetic generator is, against a naive per-row generator timed in the same run.

``python -m bench synth [--n 1000000] [--runs 2] [--locale de_DE] [--baseline-sample 2000]``

The vectorised :func:`kundenmodell.synth.generate` builds all tables (customers, purchases,
interactions); each run starts with empty Faker pools so pool building is included. The naive
baseline is what one would write first: a loop over customers with Faker calls per row (name,
e-mail domain, phone, town, postcode, company) and a loop over each buyer's purchases drawing
inter-purchase times and dropout one at a time, plus the interactions. It is timed on a
sample and extrapolated per customer. Figures are printed and written to
``bench/results/synth.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import random
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from faker import Faker

from kundenmodell.synth import CUSTOMER_TYPES, LOCALES, generate
from kundenmodell.synth import pools as pools_module
from kundenmodell.synth.pools import ascii_name
from kundenmodell.synth.types import CustomerType

TARGET_SECONDS_PER_MILLION = 10.0
TARGET_SPEEDUP = 30.0
RESULTS = Path(__file__).resolve().parent / "results" / "synth.json"


def _pick(rng: random.Random, weights: Sequence[tuple[str, float]]) -> str:
    keys = [key for key, _ in weights]
    return rng.choices(keys, weights=[weight for _, weight in weights])[0]


def naive_generate(n: int, locale: str, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The straightforward per-row generator the vectorised one replaces (same distributions)."""
    facts = LOCALES[locale]
    fake = Faker(facts.faker_locale)
    fake.seed_instance(seed)
    rng = random.Random(seed)
    end = dt.date(2026, 6, 30)
    start = end.replace(year=end.year - 3)
    span = (end - start).days
    kinds: list[CustomerType] = list(CUSTOMER_TYPES.values())
    weights = [kind.weight * (0.85 if kind.customer_type == "b2c" else 0.15) for kind in kinds]
    customers: list[dict] = []
    purchases: list[dict] = []
    interactions: list[dict] = []
    for index in range(n):
        kind = rng.choices(kinds, weights=weights)[0]
        gender = _pick(rng, kind.gender)
        female = gender == "female" or (gender == "diverse" and rng.random() < 0.5)
        first = fake.first_name_female() if female else fake.first_name_male()
        last = fake.last_name()
        b2b = kind.customer_type == "b2b"
        company = fake.company() if b2b else None
        domain = fake.domain_name() if b2b else fake.free_email_domain()
        email = f"{ascii_name(first)}.{ascii_name(last)}{rng.randint(1, 999)}@{domain}"
        age = int(
            min(max(round(rng.gauss(kind.age.mean, kind.age.sd)), kind.age.low), kind.age.high)
        )
        income = (
            round(rng.lognormvariate(math.log(kind.income.median), kind.income.sigma), -2)
            if kind.income
            else None
        )
        status = _pick(rng, kind.status)
        acquired = start + dt.timedelta(days=rng.randrange(span + 1))
        customer_id = f"C{index + 1:07d}"
        customers.append(
            {
                "customer_id": customer_id,
                "first_name": first,
                "last_name": last,
                "email": email,
                "phone": fake.phone_number(),
                "status": status,
                "customer_type": kind.customer_type,
                "company": company,
                "relationship": "internal" if rng.random() < 0.03 else "external",
                "birth_date": end - dt.timedelta(days=365 * age + rng.randrange(365)),
                "age": age,
                "gender": gender,
                "income": income,
                "city": fake.city(),
                "postcode": fake.postcode(),
                "country": facts.country,
                "contact_preference": _pick(rng, kind.contact_preference),
                "acquired_at": acquired,
                "nps_score": rng.choices(range(11), weights=kind.nps)[0],
            }
        )
        for _ in range(1 + int(rng.expovariate(1 / kind.interactions_mean))):
            interactions.append(
                {
                    "customer_id": customer_id,
                    "date": acquired + dt.timedelta(days=rng.randrange((end - acquired).days + 1)),
                    "kind": _pick(rng, kind.interaction_kind),
                }
            )
        if status != "customer":
            continue
        bgnbd, spend = kind.purchases, kind.spend
        rate = rng.gammavariate(bgnbd.r, 1 / bgnbd.alpha) / 7
        dropout = rng.betavariate(bgnbd.a, bgnbd.b)
        nu = rng.gammavariate(spend.q, 1 / spend.v)
        day, horizon = 0.0, (end - acquired).days
        while True:
            purchases.append(
                {
                    "customer_id": customer_id,
                    "date": acquired + dt.timedelta(days=math.ceil(day)),
                    "amount": round(rng.gammavariate(spend.p, 1 / nu), 2),
                    "quantity": 1 + int(rng.expovariate(1 / max(kind.quantity_mean - 1, 1e-9))),
                    "category": _pick(rng, kind.category),
                    "channel": _pick(rng, kind.channel),
                    "consumer_role": _pick(rng, kind.consumer_role),
                }
            )
            if day > 0 and rng.random() < dropout:
                break
            day += rng.expovariate(rate) if rate > 0 else math.inf
            if day > horizon:
                break
    return pd.DataFrame(customers), pd.DataFrame(purchases)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench synth", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--n", type=int, default=1_000_000, help="customers (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=2, help="timed runs, best is kept (default 2)")
    parser.add_argument("--locale", default="de_DE", choices=sorted(LOCALES))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--baseline-sample", type=int, default=2_000, help="customers for the naive loop"
    )
    args = parser.parse_args(list(argv))

    print(
        f"synth: {args.n:,} customers, {args.locale}, seed {args.seed}; "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    seconds = []
    for run in range(max(args.runs, 1)):
        pools_module.pools.cache_clear()  # every run builds its Faker pools
        started = time.perf_counter()
        data = generate(args.n, args.locale, args.seed)
        seconds.append(time.perf_counter() - started)
        purchases, contacts = data.n_transactions, len(data.interactions)
        del data  # the next run should not pay for holding two data sets
        print(f"  run {run + 1}: {seconds[-1]:.2f} s")
    best = min(seconds)
    print(
        f"vectorised: {best:.2f} s (best of {len(seconds)}), {args.n / best:,.0f} customers/s, "
        f"{purchases:,} purchases, {contacts:,} interactions"
    )

    naive_runs = []
    for _ in range(max(args.runs, 1)):
        started = time.perf_counter()
        naive_customers, naive_purchases = naive_generate(
            args.baseline_sample, args.locale, args.seed
        )
        naive_runs.append(time.perf_counter() - started)
    naive_seconds = min(naive_runs)
    per_customer = naive_seconds / args.baseline_sample
    naive_total = per_customer * args.n
    print(
        f"naive per-row loop: {args.baseline_sample:,} customers in {naive_seconds:.2f} s "
        f"(best of {len(naive_runs)}) "
        f"= {per_customer * 1e3:.3f} ms/customer, {len(naive_purchases):,} purchases "
        f"-> {naive_total:,.0f} s extrapolated to {args.n:,}"
    )
    speedup = naive_total / best
    target_seconds = TARGET_SECONDS_PER_MILLION * args.n / 1_000_000
    fast_enough = best <= target_seconds
    print(f"speed-up against the naive loop: {speedup:,.0f}x")
    print(
        f"target: <= {target_seconds:g} s for {args.n:,} customers "
        f"({TARGET_SECONDS_PER_MILLION:g} s per million): "
        f"{'met' if fast_enough else 'MISSED'} ({best:.2f} s)"
    )
    print(
        f"target: >= {TARGET_SPEEDUP:g}x faster than the naive loop: "
        f"{'met' if speedup >= TARGET_SPEEDUP else 'MISSED'} ({speedup:,.0f}x)"
    )

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "n": args.n,
                "locale": args.locale,
                "seed": args.seed,
                "cores": os.cpu_count(),
                "seconds": seconds,
                "best_seconds": best,
                "customers_per_second": args.n / best,
                "purchases": purchases,
                "interactions": contacts,
                "naive_sample": args.baseline_sample,
                "naive_seconds": naive_seconds,
                "naive_runs": naive_runs,
                "naive_extrapolated_seconds": naive_total,
                "speedup": speedup,
                "naive_customers": len(naive_customers),
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return 0
