"""How fast an upload is read, against pyarrow's raw CSV parse of the same file in the same run.

``python -m bench ingest [--n 1000000] [--runs 5] [--seed 0]``

Writes a German Excel-style CSV (UTF-8 with BOM, ``;``, decimal comma, ``31.12.2024`` dates,
postcodes with leading zeros, umlauts) with ``--n`` purchase rows to a temporary folder, then
times, alternately and ``--runs`` times each:

* **raw**: ``pyarrow.csv.read_csv(path, parse_options=ParseOptions(delimiter=";"))`` — the bare
  multi-threaded parse with pyarrow's own type inference (it cannot read decimal commas or German
  dates, which stay text);
* **load_table**: :func:`kundenmodell.io.load_table` on the same path — sniffing encoding,
  delimiter and header, parsing, typing every column (numbers with decimal comma, dates,
  leading-zero codes kept as text) and the conversion to pandas.

The best run of each is compared (the machine is shared; the best run is the least disturbed);
the target is a ratio of at most 1.5. Figures are printed and written to
``bench/results/ingest.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.csv as pa_csv

from kundenmodell.io import load_table, to_csv_bytes

TARGET_RATIO = 1.5
RESULTS = Path(__file__).resolve().parent / "results" / "ingest.json"
FIRST = np.array(["Jürgen", "Anna", "Lena", "Björn", "Özlem", "Max", "Sören", "Marie"])
LAST = np.array(["Müller", "Schmidt", "Weiß", "Schäfer", "Köhler", "Groß", "Becker", "Krüger"])
CATEGORY = np.array(["Spielwaren", "Bücher", "Elektronik", "Kleidung", "Drogerie"])


def german_purchases(n: int, seed: int) -> pd.DataFrame:
    """``n`` purchase rows with the customer's columns, as a shop's order export has them."""
    rng = np.random.default_rng(seed)
    customer = rng.integers(1, max(n // 5, 2), n)
    return pd.DataFrame(
        {
            "Kundennummer": np.char.add("K", customer.astype(str)),
            "Vorname": FIRST[customer % len(FIRST)],
            "Nachname": LAST[(customer // 7) % len(LAST)],
            "E-Mail": np.char.add(np.char.add("kunde", customer.astype(str)), "@example.de"),
            "PLZ": np.char.zfill((customer * 37 % 99_000 + 1_000).astype(str), 5),
            "Bestelldatum": pd.Timestamp("2022-01-01")
            + pd.to_timedelta(rng.integers(0, 1_460, n), unit="D"),
            "Betrag": np.round(rng.gamma(2.0, 40.0, n), 2),
            "Menge": rng.integers(1, 6, n),
            "Warengruppe": CATEGORY[rng.integers(0, len(CATEGORY), n)],
        }
    )


def _time(function, *args, **kwargs) -> float:
    started = time.perf_counter()
    function(*args, **kwargs)
    return time.perf_counter() - started


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench ingest", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--n", type=int, default=1_000_000, help="rows (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (default 5)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(list(argv))

    with tempfile.TemporaryDirectory(prefix="bench_ingest_") as folder:
        path = Path(folder) / "bestellungen.csv"
        started = time.perf_counter()
        path.write_bytes(to_csv_bytes(german_purchases(args.n, args.seed), "de"))
        size = path.stat().st_size
        print(
            f"ingest: {args.n:,} rows, {size / 1e6:.1f} MB German Excel CSV written in "
            f"{time.perf_counter() - started:.1f} s; {os.cpu_count()} cores, "
            f"Python {platform.python_version()}"
        )
        frame = load_table(path)  # warm-up, and a check of what is read
        kinds = {name: str(dtype) for name, dtype in frame.dtypes.items()}
        print("  columns read as:", ", ".join(f"{name} {dtype}" for name, dtype in kinds.items()))
        del frame
        options = pa_csv.ParseOptions(delimiter=";")
        raw, ours = [], []
        for run in range(max(args.runs, 1)):
            raw.append(_time(pa_csv.read_csv, path, parse_options=options))
            ours.append(_time(load_table, path))
            print(f"  run {run + 1}: raw {raw[-1]:.3f} s, load_table {ours[-1]:.3f} s")

    best_raw, best_ours = min(raw), min(ours)
    ratio = best_ours / best_raw
    median_ratio = float(np.median(ours) / np.median(raw))
    print(f"pyarrow raw parse: {best_raw:.3f} s (best of {len(raw)})")
    rate = args.n / best_ours
    print(f"load_table:        {best_ours:.3f} s (best of {len(ours)}), {rate:,.0f} rows/s")
    print(f"ratio load_table / raw: {ratio:.2f} (medians: {median_ratio:.2f})")
    print(
        f"target: <= {TARGET_RATIO:g}x pyarrow's raw parse: "
        f"{'met' if ratio <= TARGET_RATIO else 'MISSED'} ({ratio:.2f}x)"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "rows": args.n,
                "bytes": size,
                "cores": os.cpu_count(),
                "raw_seconds": raw,
                "load_table_seconds": ours,
                "best_raw_seconds": best_raw,
                "best_load_table_seconds": best_ours,
                "ratio": ratio,
                "median_ratio": median_ratio,
                "columns": kinds,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return 0
