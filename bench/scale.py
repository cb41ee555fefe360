"""Five million purchases through a workspace: save, open, overview and CLV summary, with memory.

``python -m bench scale [--customers 1400000] [--seed 0] [--home DIR]``

``python -m bench scale --engine [--sizes 1000000 18000000]`` compares the engine (DuckDB) with
the pandas path it replaced instead; see :mod:`bench._scale_engine`.

``python -m bench scale --in-place [--sizes 1000000 10000000 100000000] [--spark] [--home DIR]``
times the overview and the CLV inputs of Parquet folders that never enter pandas; see
:mod:`bench._scale_in_place`.

The synthetic generator's 1.4 million customers buy about five million times. The data set is
saved into a workspace (a temporary data directory unless ``--home`` is given), saved again
with unchanged tables (what autosave does after a page edit), and then opened in a *fresh
process*, so that the peak resident memory (``VmHWM``) measured there belongs to opening
and analysing alone, not to generating. That process then computes the overview's segment
report (:func:`kundenmodell.segments.report.segment_report`) and the CLV summary
(:func:`kundenmodell.clv.summary_from_transactions`). The baseline, timed in the same run, is
the obvious alternative: ``DataFrame.to_csv`` for saving and ``pandas.read_csv`` (with date
parsing) for loading, the latter also in a fresh process. Figures go to stdout and to
``bench/results/scale.json``.
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

RESULTS = Path(__file__).resolve().parent / "results" / "scale.json"
NAME = "Skalierung"
TABLES = ("customers", "transactions", "interactions")
_DATES = {
    "customers": ["birth_date", "acquired_at"],
    "transactions": ["date"],
    "interactions": ["date"],
}


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024  # the kernel reports kB
    raise RuntimeError(f"{field} not in /proc/self/status")


def _peak_mb() -> float:
    """Peak resident memory of this process so far: ``VmHWM``, the high-water mark of its own
    address space. (``getrusage().ru_maxrss`` is no use in a child: Linux carries the parent's
    peak across fork and exec, so every child would report at least the generator's peak.)"""
    return _status_mb("VmHWM")


def _rss_mb() -> float:
    """Current resident memory of this process."""
    return _status_mb("VmRSS")


def _folder_mb(path: Path) -> float:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file()) / 1024**2


def _timed(function):
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def _memory_mb(data) -> float:
    frames = [getattr(data, table) for table in TABLES if getattr(data, table) is not None]
    return sum(frame.memory_usage(deep=True).sum() for frame in frames) / 1024**2


def child_open(home: str) -> dict:
    """In a fresh process: open the workspace, then the segment report and the CLV summary."""
    from kundenmodell.clv import summary_from_transactions
    from kundenmodell.segments.report import segment_report
    from kundenmodell.store import WorkspaceStore

    figures = {"rss_before_open_mb": _rss_mb()}
    workspace, figures["open_s"] = _timed(lambda: WorkspaceStore(home).open(NAME))
    data = workspace.dataset
    figures.update(
        rss_after_open_mb=_rss_mb(),
        peak_after_open_mb=_peak_mb(),
        data_in_memory_mb=_memory_mb(data),
        purchases=data.n_transactions,
    )
    _, figures["segment_report_s"] = _timed(lambda: segment_report(data))
    figures["peak_after_report_mb"] = _peak_mb()
    summary, figures["clv_summary_s"] = _timed(lambda: summary_from_transactions(data.transactions))
    figures["peak_after_clv_mb"] = _peak_mb()
    figures["clv_customers"] = len(summary)
    return figures


def child_csv(folder: str) -> dict:
    """In a fresh process: the naive baseline's load, ``read_csv`` of every table."""
    figures = {"rss_before_open_mb": _rss_mb()}
    started = time.perf_counter()
    frames = {
        table: pd.read_csv(Path(folder) / f"{table}.csv", parse_dates=_DATES[table])
        for table in TABLES
    }
    figures["open_s"] = time.perf_counter() - started
    figures["rss_after_open_mb"] = _rss_mb()
    figures["peak_after_open_mb"] = _peak_mb()
    figures["data_in_memory_mb"] = (
        sum(frame.memory_usage(deep=True).sum() for frame in frames.values()) / 1024**2
    )
    return figures


def _in_child(function: str, argument: str) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "bench", "scale", "--child", function, argument],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench scale")
    parser.add_argument("--customers", type=int, default=1_400_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--home", type=Path, default=None, help="keep the workspace here")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument(
        "--engine",
        action="store_true",
        help="segment report and CLV summary: DuckDB next to the pandas path they replaced",
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 18_000_000])
    parser.add_argument("--baseline", default=None, help="git revision of the pandas path")
    parser.add_argument("--engine-child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument(
        "--in-place",
        action="store_true",
        help="overview and CLV inputs of Parquet folders that never enter pandas (DuckDB)",
    )
    parser.add_argument("--spark", action="store_true", help="with --in-place: Spark local too")
    parser.add_argument("--in-place-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.in_place_child:
        from bench._scale_in_place import child as in_place_child

        print(json.dumps(in_place_child(*args.in_place_child)))
        return
    if args.in_place:
        from bench._scale_in_place import run as run_in_place

        sizes = args.sizes if args.sizes != [1_000_000, 18_000_000] else [1_000_000, 10_000_000]
        run_in_place(sizes, args.seed, args.home, args.spark)
        return
    if args.engine_child:
        from bench._scale_engine import child

        print(json.dumps(child(*args.engine_child)))
        return
    if args.engine:
        from bench._scale_engine import BASELINE, run

        customers = 280_000 if args.customers == 1_400_000 else args.customers
        run(customers, args.seed, args.sizes, args.baseline or BASELINE)
        return
    if args.child:
        function, argument = args.child
        print(json.dumps({"open": child_open, "csv": child_csv}[function](argument)))
        return

    scratch = Path(tempfile.mkdtemp(prefix="kundenmodell-scale-"))
    home = args.home or scratch / "workspaces"
    csv_folder = scratch / "csv"
    try:
        figures = _generate_and_save(args.customers, args.seed, home, csv_folder)
        gc.collect()
        figures["open"] = _in_child("open", str(home))
        figures["csv"] = _in_child("csv", str(csv_folder))
    finally:
        shutil.rmtree(scratch if args.home is None else csv_folder, ignore_errors=True)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2))
    _report(figures)


def _generate_and_save(customers: int, seed: int, home: Path, csv_folder: Path) -> dict:
    """Generate, save to the workspace (twice) and to CSV; the data is freed on return."""
    from kundenmodell.store import Workspace, WorkspaceStore
    from kundenmodell.synth import generate

    data, generate_s = _timed(lambda: generate(customers, seed=seed))
    store = WorkspaceStore(home)
    workspace = Workspace(NAME, data, sections={"bench": {"customers": customers}})
    result, save_s = _timed(lambda: store.save(workspace))
    peak_after_save = _peak_mb()
    _, resave_s = _timed(lambda: store.save(workspace, same_tables_as=result.info.revision))
    csv_folder.mkdir(parents=True)
    started = time.perf_counter()
    for table in TABLES:
        getattr(data, table).to_csv(csv_folder / f"{table}.csv", index=False)
    csv_save_s = time.perf_counter() - started
    return {
        "customers": data.n_customers,
        "purchases": data.n_transactions,
        "interactions": len(data.interactions),
        "generate_s": generate_s,
        "data_in_memory_mb": _memory_mb(data),
        "workspace_on_disk_mb": _folder_mb(store.path(NAME)),
        "save_s": save_s,
        "resave_unchanged_tables_s": resave_s,
        "peak_rss_generate_and_save_mb": peak_after_save,
        "csv_on_disk_mb": _folder_mb(csv_folder),
        "csv_save_s": csv_save_s,
    }


def _report(f: dict) -> None:
    opened, csv = f["open"], f["csv"]
    print(
        f"customers: {f['customers']:,}   purchases: {f['purchases']:,}   "
        f"interactions: {f['interactions']:,}   (generated in {f['generate_s']:.1f} s)"
    )
    print(
        f"data in memory: {f['data_in_memory_mb']:,.0f} MB   "
        f"workspace on disk: {f['workspace_on_disk_mb']:,.0f} MB   "
        f"CSV on disk: {f['csv_on_disk_mb']:,.0f} MB"
    )
    print(f"{'':34}{'workspace':>12}{'CSV baseline':>14}{'ratio':>8}")
    rows = [
        ("save (s)", f["save_s"], f["csv_save_s"]),
        ("open / load (s)", opened["open_s"], csv["open_s"]),
        ("RSS after open (MB)", opened["rss_after_open_mb"], csv["rss_after_open_mb"]),
        ("peak RSS during open (MB)", opened["peak_after_open_mb"], csv["peak_after_open_mb"]),
        (
            "  of which interpreter + imports",
            opened["rss_before_open_mb"],
            csv["rss_before_open_mb"],
        ),
        ("  data in memory after open (MB)", opened["data_in_memory_mb"], csv["data_in_memory_mb"]),
    ]
    for label, ours, theirs in rows:
        print(f"{label:34}{ours:12,.1f}{theirs:14,.1f}{theirs / ours:7.1f}×")
    resave = f["resave_unchanged_tables_s"]
    print(f"re-save with unchanged tables (autosave after an edit): {resave:.2f} s")
    print(
        f"segment report (overview): {opened['segment_report_s']:.1f} s, "
        f"peak RSS then {opened['peak_after_report_mb']:,.0f} MB"
    )
    print(
        f"CLV summary ({opened['clv_customers']:,} buyers): {opened['clv_summary_s']:.1f} s, "
        f"peak RSS then {opened['peak_after_clv_mb']:,.0f} MB"
    )
    extra = opened["peak_after_clv_mb"] - opened["rss_before_open_mb"]
    print(
        f"peak RSS above the bare interpreter over open + overview + CLV: {extra:,.0f} MB = "
        f"{extra / opened['data_in_memory_mb']:.1f}× the data in memory"
    )
    parent = f["peak_rss_generate_and_save_mb"]
    print(f"generate + save, in the parent process: peak RSS {parent:,.0f} MB")
