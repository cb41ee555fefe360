"""``python -m bench engine_ab [--baseline REV] [--customers 1400000] [--replicas 1]
[--repeats 3]``: the segment report and the CLV summary of a baseline revision against this
tree, A/B in *one* process on the same data.

The baseline's package is extracted with ``git archive`` into a scratch folder and renamed
(``kundenmodell`` → ``kundenmodell_baseline`` in its imports), so both versions run side by
side on one in-memory data set: synthetic customers (about 3.6 purchases each), copied
``--replicas`` times with suffixed ids (``K…-2``) for larger sizes. The runs alternate
(baseline first in odd rounds, this tree first in even ones) and each is timed by CPU
(``time.process_time``, which counts DuckDB's threads too) and by wall clock: on a shared
machine other processes' load moves wall times much more than CPU times. Both versions must
give identical results, checked before the figures are printed. Figures go to stdout and to
``bench/results/engine_ab.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "engine_ab.json"
BASELINE = "12d4cd9"  # the engine before the speed work of issue 16's bars
FRAMES = ("monthly", "funnel", "activity_summary", "rfm", "rfm_summary", "churn", "cohorts")
SCALARS = (
    "as_of",
    "actual_customers",
    "regular_customers",
    "regular_revenue_share",
    "regular_buyer_share",
    "monthly_churn",
)


def baseline_package(revision: str, scratch: Path) -> str:
    """Extract ``kundenmodell`` at ``revision`` as the package ``kundenmodell_baseline`` under
    ``scratch`` (added to ``sys.path``) and return its name."""
    archive = subprocess.run(
        ["git", "archive", revision, "kundenmodell"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(scratch)], input=archive, check=True)
    name = "kundenmodell_baseline"
    package = scratch / name
    (scratch / "kundenmodell").rename(package)
    word = re.compile(r"\bkundenmodell\b")
    for source in package.rglob("*.py"):
        source.write_text(word.sub(name, source.read_text(encoding="utf-8")), encoding="utf-8")
    sys.path.insert(0, str(scratch))
    return name


def data_set(customers: int, replicas: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic customers and purchases, ``replicas`` copies with suffixed ids."""
    from kundenmodell.synth import generate

    data = generate(customers, seed=seed)
    if replicas == 1:
        return data.customers, data.transactions

    def copies(frame: pd.DataFrame) -> pd.DataFrame:
        parts = [
            frame.assign(customer_id=frame["customer_id"].astype("str") + f"-{replica}")
            for replica in range(replicas)
        ]
        return pd.concat(parts, ignore_index=True)

    return copies(data.customers), copies(data.transactions)


def _steps(package: str, customers: pd.DataFrame, purchases: pd.DataFrame) -> dict:
    import importlib

    dataset = importlib.import_module(f"{package}.dataset")
    report = importlib.import_module(f"{package}.segments.report")
    clv = importlib.import_module(f"{package}.clv")
    data = dataset.Dataset(customers=customers, transactions=purchases)
    return {
        "segment_report": lambda: report.segment_report(data),
        "clv_summary": lambda: clv.summary_from_transactions(purchases),
    }


def assert_same(baseline: dict, ours: dict) -> None:
    """The two versions' results are equal (frames exactly, as the engine's sums are)."""
    old, new = baseline["segment_report"], ours["segment_report"]
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(old, name), getattr(new, name))
    pd.testing.assert_series_equal(old.activity, new.activity)
    assert dataclasses.asdict(old.kpis) == dataclasses.asdict(new.kpis)
    for name in SCALARS:
        assert getattr(old, name) == getattr(new, name), name
    pd.testing.assert_frame_equal(baseline["clv_summary"], ours["clv_summary"])


def _timed(step: Callable[[], object]) -> tuple[object, float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    result = step()
    return result, time.process_time() - cpu, time.perf_counter() - wall


def run(baseline: str, customers: int, replicas: int, repeats: int, seed: int) -> dict:
    scratch = Path(tempfile.mkdtemp(prefix="kundenmodell-engine-ab-"))
    try:
        versions = {"baseline": baseline_package(baseline, scratch), "this tree": "kundenmodell"}
        people, purchases = data_set(customers, replicas, seed)
        steps = {label: _steps(package, people, purchases) for label, package in versions.items()}
        for label in versions:  # imports and the thread's DuckDB, outside the timings
            steps[label]["segment_report"]()
        figures: dict = {
            "baseline": baseline,
            "customers": len(people),
            "purchases": len(purchases),
            "steps": {},
        }
        results: dict = {label: {} for label in versions}
        for step in ("segment_report", "clv_summary"):
            timings: dict = {label: {"cpu_s": [], "wall_s": []} for label in versions}
            for round_ in range(repeats):
                order = list(versions) if round_ % 2 == 0 else list(reversed(versions))
                for label in order:
                    result, cpu, wall = _timed(steps[label][step])
                    results[label][step] = result
                    timings[label]["cpu_s"].append(round(cpu, 2))
                    timings[label]["wall_s"].append(round(wall, 2))
            figures["steps"][step] = timings
        assert_same(results["baseline"], results["this tree"])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return figures


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench engine_ab")
    parser.add_argument("--baseline", default=BASELINE, help="git revision to compare with")
    parser.add_argument("--customers", type=int, default=1_400_000)
    parser.add_argument("--replicas", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    figures = run(args.baseline, args.customers, args.replicas, args.repeats, args.seed)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2))
    print(f"{figures['purchases']:,} purchases, {figures['customers']:,} customers; identical")
    for step, timings in figures["steps"].items():
        for label, runs in timings.items():
            cpu = " / ".join(f"{value:.2f}" for value in runs["cpu_s"])
            wall = " / ".join(f"{value:.2f}" for value in runs["wall_s"])
            print(f"{step:<15} {label:<10} CPU s {cpu:<24} wall s {wall}")
