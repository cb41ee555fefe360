"""``python -m bench scale --engine``: the segment report and CLV summary through the engine
(DuckDB) next to the pandas/numpy path they replaced, at 1 M and 18 M purchases.

Synthetic customers (``--customers``, default 280,000, about one million purchases) are
generated once and replicated with suffixed customer ids (``K…-3``) up to each size, written
as Parquet (one file per replica: the data is never held whole in the parent). Each step runs
in a fresh process that reads the Parquet with pandas, as opening a workspace does, then
times the segment report, the report again (unchanged, then with other activity rules) and
the CLV summary, and reads its peak resident memory (VmHWM). The engine reduces a data set's
purchases to customer days once and keeps them with the frame
(:func:`kundenmodell.engine.purchase_days`): its first report carries that cost, the later
steps read what it kept.

- ``pandas``: the code before the engine, the package as of ``--baseline`` (a git revision,
  default the last commit before it), extracted with ``git archive`` into a scratch folder;
- ``duckdb``: this tree, the same data set in memory, reduced by DuckDB over Arrow;
- ``in place``: this tree's CLV summary straight from the Parquet folder, nothing in pandas.

Figures go to stdout and ``bench/results/scale_engine.json``.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "scale_engine.json"
BASELINE = "e101a07"  # the last commit whose segment report and CLV summary ran in numpy


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("VmHWM not in /proc/self/status")


def child(mode: str, folder: str) -> dict:
    """In a fresh process: load (pandas modes) and time the two reductions."""
    import pandas as pd

    figures: dict = {"peak_before_mb": _peak_mb()}
    if mode != "pandas":  # the engine's one-time import (ibis, DuckDB), kept out of the steps
        started = time.perf_counter()
        import kundenmodell.engine  # noqa: F401

        figures["import_engine_s"] = time.perf_counter() - started
    if mode == "in_place":
        from kundenmodell import engine
        from kundenmodell.clv.summary import summary_of_table

        started = time.perf_counter()
        table = engine.open_source(folder).transactions
        summary = summary_of_table(table)
        figures["clv_summary_s"] = time.perf_counter() - started
        figures["peak_after_clv_mb"] = _peak_mb()
        figures["clv_customers"] = len(summary)
        return figures
    from kundenmodell.clv import summary_from_transactions
    from kundenmodell.dataset import Dataset
    from kundenmodell.segments.report import segment_report

    started = time.perf_counter()
    data = Dataset(
        customers=pd.read_parquet(Path(folder) / "customers"),
        transactions=pd.read_parquet(Path(folder) / "transactions"),
    )
    figures["load_s"] = time.perf_counter() - started
    figures["peak_after_load_mb"] = _peak_mb()
    from kundenmodell.segments.activity import ActivityRules

    started = time.perf_counter()
    report = segment_report(data)
    figures["segment_report_s"] = time.perf_counter() - started
    figures["peak_after_report_mb"] = _peak_mb()
    del report
    # What a user does next on the overview: the same view again (a notebook; the app
    # memoises it) and other rules (a regular window of 180 days).
    started = time.perf_counter()
    segment_report(data)
    figures["report_again_s"] = time.perf_counter() - started
    started = time.perf_counter()
    segment_report(data, rules=ActivityRules(active_window_days=180, regular_window_days=180))
    figures["report_other_rules_s"] = time.perf_counter() - started
    started = time.perf_counter()
    summary = summary_from_transactions(data.transactions)
    figures["clv_summary_s"] = time.perf_counter() - started
    figures["peak_after_clv_mb"] = _peak_mb()
    figures["clv_customers"] = len(summary)
    try:
        from kundenmodell.segments.report import prepare
    except ImportError:  # the baseline reads nothing ahead
        return figures
    # The app reads a loaded data set's overview ahead while the data page shows; timed on a
    # copy (new frames, nothing kept), after the peaks above were read.
    data = Dataset(customers=data.customers.copy(), transactions=data.transactions.copy())
    started = time.perf_counter()
    prepare(data)
    figures["prepare_s"] = time.perf_counter() - started
    started = time.perf_counter()
    segment_report(data)
    figures["report_after_prepare_s"] = time.perf_counter() - started
    return figures


def _run_child(mode: str, folder: Path, pythonpath: Path) -> dict:
    environment = os.environ | {"PYTHONPATH": str(pythonpath)}
    output = subprocess.run(
        [sys.executable, "-m", "bench", "scale", "--engine-child", mode, str(folder)],
        check=True,
        capture_output=True,
        text=True,
        cwd=pythonpath,
        env=environment,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _write_sizes(customers: int, seed: int, sizes: list[int], scratch: Path) -> dict[int, Path]:
    """One Parquet folder per size, made of replicas of one generated data set."""
    from kundenmodell.synth import generate

    data = generate(customers, seed=seed)
    base_customers = pa.Table.from_pandas(data.customers, preserve_index=False)
    base_purchases = pa.Table.from_pandas(data.transactions, preserve_index=False)
    del data
    folders = {}
    for size in sizes:
        folder = scratch / f"{size}"
        (folder / "customers").mkdir(parents=True)
        (folder / "transactions").mkdir()
        written = 0
        for replica in range(math.ceil(size / base_purchases.num_rows)):
            rows = min(base_purchases.num_rows, size - written)
            suffix = f"-{replica}"
            purchases = base_purchases.slice(0, rows)
            purchases = purchases.set_column(
                purchases.schema.get_field_index("customer_id"),
                "customer_id",
                pc.binary_join_element_wise(purchases["customer_id"].cast(pa.string()), suffix, ""),
            )
            people = base_customers.set_column(
                base_customers.schema.get_field_index("customer_id"),
                "customer_id",
                pc.binary_join_element_wise(
                    base_customers["customer_id"].cast(pa.string()), suffix, ""
                ),
            )
            pq.write_table(purchases, folder / "transactions" / f"part-{replica}.parquet")
            pq.write_table(people, folder / "customers" / f"part-{replica}.parquet")
            written += rows
        folders[size] = folder
    return folders


def _baseline_tree(revision: str, scratch: Path) -> Path:
    tree = scratch / "baseline"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "archive", revision, "kundenmodell", "bench"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    # The baseline's bench has no engine child: this file is the one that runs there.
    shutil.copy(Path(__file__), tree / "bench" / "_scale_engine.py")
    shutil.copy(ROOT / "bench" / "scale.py", tree / "bench" / "scale.py")
    return tree


def run(customers: int, seed: int, sizes: list[int], baseline: str) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="kundenmodell-engine-scale-"))
    try:
        started = time.perf_counter()
        folders = _write_sizes(customers, seed, sizes, scratch)
        prepared_s = time.perf_counter() - started
        tree = _baseline_tree(baseline, scratch)
        figures: dict = {"prepare_s": prepared_s, "load_average": os.getloadavg(), "sizes": {}}
        for size, folder in folders.items():
            figures["sizes"][size] = {
                "pandas": _run_child("pandas", folder, tree),
                "duckdb": _run_child("duckdb", folder, ROOT),
                "in_place": _run_child("in_place", folder, ROOT),
            }
        figures["load_average_after"] = os.getloadavg()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2))
    _report(figures)


def _report(figures: dict) -> None:
    print(
        f"load average (1/5/15 min) before: {figures['load_average']}, "
        f"after: {figures['load_average_after']} on {os.cpu_count()} cores"
    )
    header = f"{'purchases':>12} {'step':<22}{'pandas (before)':>16}{'DuckDB':>10}{'ratio':>8}"
    print(header)
    for size, steps in figures["sizes"].items():
        old, new, in_place = steps["pandas"], steps["duckdb"], steps["in_place"]
        rows = [
            ("segment report (s)", old["segment_report_s"], new["segment_report_s"]),
            ("  the same again (s)", old["report_again_s"], new["report_again_s"]),
            ("  other rules (s)", old["report_other_rules_s"], new["report_other_rules_s"]),
            ("CLV summary next (s)", old["clv_summary_s"], new["clv_summary_s"]),
            ("peak RSS after load (MB)", old["peak_after_load_mb"], new["peak_after_load_mb"]),
            ("peak RSS overall (MB)", old["peak_after_clv_mb"], new["peak_after_clv_mb"]),
        ]
        for label, before, after in rows:
            print(f"{int(size):>12,} {label:<22}{before:16.1f}{after:10.1f}{before / after:7.1f}×")
        print(
            f"{'':>12} one-time import of the engine (ibis, DuckDB): {new['import_engine_s']:.1f} s"
        )
        print(
            f"{'':>12} read ahead as the app does on loading (segments.report.prepare): "
            f"{new['prepare_s']:.1f} s, then the segment report "
            f"{new['report_after_prepare_s']:.1f} s"
        )
        print(
            f"{'':>12} CLV summary in place from Parquet (DuckDB, nothing in pandas): "
            f"{in_place['clv_summary_s']:.1f} s, peak RSS {in_place['peak_after_clv_mb']:,.0f} MB"
        )
