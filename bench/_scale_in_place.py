"""``python -m bench scale --in-place``: the overview, the CLV inputs and the BG/NBD fit of a
Parquet data folder that never enters pandas, at 1 M, 10 M and 100 M purchases.

Each size is a folder written by :func:`kundenmodell.synth.write_folder` (about 3.6 purchases
per customer, so 100 M purchases are about 27.7 M customers; ``--home`` keeps the folders for
the next run). Every step runs in a fresh process on DuckDB over the folder:

- ``overview``: :func:`kundenmodell.segments.in_place.segment_report_in_place`;
- ``CLV inputs``: the compressed (x, t_x, T) histogram with weights
  (:func:`kundenmodell.engine.clv_histogram`) and the BG/NBD fit on it;
- ``persona features``: the purchase features and category/channel mixes of the persona
  sample (500,000 buyers drawn in the engine), what the personas are fitted on at this size;

with the peak resident memory (``VmHWM``) of the process. ``--spark`` runs the overview of the
smallest folder on Spark local too. DuckDB's memory is capped with
``KUNDENMODELL_ENGINE_MEMORY`` (default here 5 GB), so that it spills instead of growing.
Figures go to stdout and ``bench/results/scale_in_place.json``.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._common import peak_mb

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "scale_in_place.json"
PURCHASES_PER_CUSTOMER = 3.62
ENGINE_MEMORY = "5GB"  # with Python's share the process stays under 6 GB


def child(mode: str, folder: str) -> dict:
    """In a fresh process: the overview and the CLV inputs of ``folder`` (``duckdb``) or the
    overview on Spark local (``spark``)."""
    figures: dict = {}
    started = time.perf_counter()
    from kundenmodell import engine
    from kundenmodell.segments.in_place import segment_report_in_place

    figures["import_s"] = time.perf_counter() - started
    if mode == "spark":
        import ibis
        from pyspark.sql import SparkSession

        started = time.perf_counter()
        session = (
            SparkSession.builder.master("local[*]")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.driver.memory", "4g")
            .getOrCreate()
        )
        con = ibis.pyspark.connect(session)
        tables = engine.EngineTables(
            customers=con.read_parquet(str(Path(folder) / "customers")),
            transactions=con.read_parquet(str(Path(folder) / "transactions")),
        )
        figures["spark_start_s"] = time.perf_counter() - started
    else:
        tables = engine.open_source(folder)
    started = time.perf_counter()
    report = segment_report_in_place(tables)
    figures["overview_s"] = time.perf_counter() - started
    figures["purchases"] = report.kpis.purchases
    figures["customers"] = report.customers
    figures["regular_customers"] = report.regular_customers
    figures["revenue"] = report.kpis.revenue
    figures["peak_after_overview_mb"] = peak_mb()
    if mode == "spark":
        return figures
    from kundenmodell.clv.bgnbd import BetaGeoModel

    started = time.perf_counter()
    bought = engine.purchases(tables.transactions)
    end = engine.last_day(bought)
    histogram = engine.to_pandas(engine.clv_histogram(engine.customer_summary(bought, end)))
    figures["clv_histogram_s"] = time.perf_counter() - started
    figures["clv_histogram_rows"] = len(histogram)
    figures["clv_buyers"] = int(histogram["customers"].sum())
    started = time.perf_counter()
    model = BetaGeoModel().fit(
        histogram["frequency"],
        histogram["recency"],
        histogram["T"],
        weights=histogram["customers"].to_numpy(dtype=float),
    )
    figures["bgnbd_fit_s"] = time.perf_counter() - started
    figures["bgnbd_params"] = {key: float(value) for key, value in model.params_.items()}
    started = time.perf_counter()
    features = _persona_sample_features(tables, end)
    figures["persona_features_s"] = time.perf_counter() - started
    figures["persona_sample"] = features
    figures["peak_mb"] = peak_mb()
    return figures


def _persona_sample_features(tables: object, end: object) -> int:
    """The purchase features of the persona sample (at most ``PERSONA_SAMPLE`` buyers drawn in
    the engine), as :func:`kundenmodell.personas.build` fits them at this size: the number of
    sampled buyers."""
    from kundenmodell import engine
    from kundenmodell.personas.sampling import PERSONA_SAMPLE

    purchases = engine.persona_purchases(tables.transactions, end)
    buyers = purchases.select("customer_id").distinct()
    sample = engine.sample_customers(buyers, PERSONA_SAMPLE, seed=0)
    chosen = purchases.semi_join(sample, "customer_id")
    features = engine.to_pandas(engine.persona_behaviour(chosen, end))
    for column in ("category", "channel"):
        if column in chosen.columns:
            engine.to_pandas(engine.persona_mix(chosen, column))
    return len(features)


def _run_child(mode: str, folder: Path) -> dict:
    environment = os.environ | {
        "PYTHONPATH": str(ROOT),
        "KUNDENMODELL_ENGINE_MEMORY": os.environ.get("KUNDENMODELL_ENGINE_MEMORY", ENGINE_MEMORY),
    }
    output = subprocess.run(
        [sys.executable, "-m", "bench", "scale", "--in-place-child", mode, str(folder)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _folder(home: Path, purchases: int, seed: int) -> tuple[Path, float | None]:
    """The data folder for about ``purchases`` purchases, written unless ``home`` has it."""
    from kundenmodell.synth import write_folder

    customers = math.ceil(purchases / PURCHASES_PER_CUSTOMER)
    folder = home / f"shop-{customers}-seed{seed}"
    if folder.exists():
        return folder, None
    started = time.perf_counter()
    write_folder(folder, customers, seed=seed)
    return folder, time.perf_counter() - started


def run(sizes: list[int], seed: int, home: Path | None, spark: bool) -> None:
    home = home or Path(tempfile.mkdtemp(prefix="kundenmodell-in-place-"))
    home.mkdir(parents=True, exist_ok=True)
    figures: dict = {"load_average": os.getloadavg(), "cores": os.cpu_count(), "sizes": {}}
    for size in sorted(sizes):
        folder, written_s = _folder(home, size, seed)
        step = _run_child("duckdb", folder)
        step["write_folder_s"] = written_s
        figures["sizes"][size] = step
        _print_row(size, step)
    if spark:
        smallest = min(sizes)
        folder, _ = _folder(home, smallest, seed)
        figures["spark"] = _run_child("spark", folder)
        figures["spark"]["size"] = smallest
    figures["load_average_after"] = os.getloadavg()
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2))
    _report(figures)


def _print_row(size: int, step: dict) -> None:
    print(
        f"{size:>12,} purchases: overview {step['overview_s']:.1f} s, CLV histogram "
        f"{step['clv_histogram_s']:.1f} s, BG/NBD {step['bgnbd_fit_s']:.1f} s, persona features "
        f"{step['persona_features_s']:.1f} s, "
        f"peak RSS {step['peak_mb']:,.0f} MB",
        flush=True,
    )


def _report(figures: dict) -> None:
    print(
        f"load average before {figures['load_average']}, after {figures['load_average_after']}"
        f" on {figures['cores']} cores; DuckDB memory cap "
        f"{os.environ.get('KUNDENMODELL_ENGINE_MEMORY', ENGINE_MEMORY)}"
    )
    print(
        f"{'purchases':>12} {'customers':>11} {'overview s':>11} {'CLV hist s':>11}"
        f" {'rows':>8} {'fit s':>6} {'personas s':>10} {'peak MB':>8} {'µs/purchase':>12}"
    )
    for _, step in sorted(figures["sizes"].items()):
        total = step["overview_s"] + step["clv_histogram_s"] + step["persona_features_s"]
        print(
            f"{step['purchases']:>12,} {step['customers']:>11,} {step['overview_s']:>11.1f}"
            f" {step['clv_histogram_s']:>11.1f} {step['clv_histogram_rows']:>8,}"
            f" {step['bgnbd_fit_s']:>6.1f} {step['persona_features_s']:>10.1f}"
            f" {step['peak_mb']:>8,.0f}"
            f" {1e6 * total / step['purchases']:>12.2f}"
        )
    if "spark" in figures:
        spark = figures["spark"]
        print(
            f"Spark local[*], {spark['purchases']:,} purchases: "
            f"overview {spark['overview_s']:.1f} s "
            f"(session start {spark['spark_start_s']:.1f} s), "
            f"regular customers {spark['regular_customers']:,}"
        )
