"""How the folder writer scales: time, peak memory, rows and size, against generate in memory.

``python -m bench synth_folder [--n 5000000] [--chunk 250000] [--locale de_DE] [--seed 1]
[--baseline 1000000] [--target-purchases 100000000] [--out DIR]``

Each measurement runs in a fresh interpreter, so its peak resident memory (``ru_maxrss`` from
``wait4``) is its own: ``python -m kundenmodell generate`` writes ``--n`` customers into a
temporary folder (removed afterwards unless ``--out`` names one), and
:func:`kundenmodell.synth.generate` holds ``--baseline`` customers in memory for comparison
(``--baseline 0`` skips it). Wall times include the interpreter's start and Faker's pools
(about 2 s). Printed: wall and CPU seconds, customers/s, peak memory, rows
written, Parquet size per table, purchases per customer, and how many customers and about how
long a folder of ``--target-purchases`` purchases takes at the measured rate. Figures are
written to ``bench/results/synth_folder.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "synth_folder.json"
TABLES = ("customers", "transactions", "interactions")


@dataclass(frozen=True)
class Run:
    """One child process: wall and CPU seconds and its peak resident memory in MB."""

    wall: float
    cpu: float
    peak_mb: float


def measure(command: list[str]) -> Run:
    """Run ``command`` from the repository root (its output goes to this terminal) and
    measure it; a failing command raises ``CalledProcessError``."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, command)
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def folder_sizes(folder: Path) -> dict[str, int]:
    """Bytes of Parquet per table of a data folder."""
    return {
        name: sum(file.stat().st_size for file in (folder / name).glob("*.parquet"))
        for name in TABLES
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench synth_folder", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--n", type=int, default=5_000_000, help="customers (default 5 M)")
    parser.add_argument("--chunk", type=int, default=250_000, help="customers per part file")
    parser.add_argument("--locale", default="de_DE")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--baseline", type=int, default=1_000_000, help="customers for generate (0: skip)"
    )
    parser.add_argument("--target-purchases", type=int, default=100_000_000)
    parser.add_argument("--out", type=Path, help="keep the folder here (default: removed)")
    args = parser.parse_args(argv)

    print(
        f"synth_folder: {args.n:,} customers, chunk {args.chunk:,}, {args.locale}, "
        f"seed {args.seed}; {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    scratch = None if args.out else Path(tempfile.mkdtemp(prefix="bench-synth-folder-"))
    folder = args.out or scratch / "shop"
    try:
        written = measure(
            [
                sys.executable,
                "-m",
                "kundenmodell",
                "generate",
                "--customers",
                str(args.n),
                "--chunk",
                str(args.chunk),
                "--locale",
                args.locale,
                "--seed",
                str(args.seed),
                "--out",
                str(folder),
                "--overwrite",
            ]
        )
        rows = json.loads((folder / "synthetic.json").read_text(encoding="utf-8"))["rows"]
        sizes = folder_sizes(folder)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)

    per_customer = rows["transactions"] / args.n
    rate = args.n / written.wall
    target_customers = args.target_purchases / per_customer
    print(
        f"folder: {written.wall:.1f} s wall, {written.cpu:.1f} s CPU, {rate:,.0f} customers/s "
        f"({args.n / written.cpu:,.0f} per CPU second), peak {written.peak_mb:,.0f} MB"
    )
    print(
        f"rows: {rows['customers']:,} customers, {rows['transactions']:,} purchases, "
        f"{rows['interactions']:,} interactions; {per_customer:.3f} purchases per customer"
    )
    print(
        "Parquet: "
        + ", ".join(f"{name} {size / 1e6:,.0f} MB" for name, size in sizes.items())
        + f", total {sum(sizes.values()) / 1e6:,.0f} MB"
    )
    print(
        f"{args.target_purchases:,} purchases need about {target_customers:,.0f} customers: "
        f"about {target_customers / rate / 60:.1f} min and "
        f"{sum(sizes.values()) / args.n * target_customers / 1e9:.1f} GB at this rate"
    )

    results: dict[str, Any] = {
        "n": args.n,
        "chunk": args.chunk,
        "locale": args.locale,
        "seed": args.seed,
        "cores": os.cpu_count(),
        "folder": asdict(written),
        "customers_per_second": rate,
        "rows": rows,
        "bytes": sizes,
        "purchases_per_customer": per_customer,
        "customers_for_target": target_customers,
    }
    if args.baseline > 0:
        code = (
            "from kundenmodell.synth import generate; "
            f"generate({args.baseline}, {args.locale!r}, {args.seed})"
        )
        memory = measure([sys.executable, "-c", code])
        print(
            f"generate({args.baseline:,}) in memory: {memory.wall:.1f} s wall, "
            f"{args.baseline / memory.wall:,.0f} customers/s, peak {memory.peak_mb:,.0f} MB"
        )
        results["baseline"] = {"n": args.baseline, **asdict(memory)}

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0
