"""Every customer of a data folder labelled with personas fitted on its sample.

``python -m bench labelling [--purchases 10000000] [--folder DIR] [--home DIR] [--seed 0]
[--baseline-parts 2]``

The folder (``--folder``, else a synthetic one of about ``--purchases`` purchases written by
:func:`kundenmodell.synth.write_folder` into ``--home`` or a temporary directory) is loaded in
place; personas are fitted on its 500,000-customer sample, then every customer is labelled
(:func:`kundenmodell.personas.label_source`), each in a fresh process that reports wall time,
CPU time and peak resident memory (``VmHWM``).

The baseline, run side by side, is the path before the source was split by part: every part
read as a semi-join over the whole source (``split_picks`` switched off). It is timed on the
first ``--baseline-parts`` parts and extrapolated to all of them (at 100 M purchases the whole
baseline takes well over an hour). Figures go to stdout and ``bench/results/labelling.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench._common import peak_mb

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "labelling.json"
PURCHASES_PER_CUSTOMER = 3.6
"""About as many purchases per customer as the synthetic generator makes."""


def child(mode: str, folder: str, baseline_parts: int) -> dict:
    """In a fresh process: fit the personas on the sample, then label (``split``: every part;
    ``baseline``: the first ``baseline_parts`` parts, each read from the whole source)."""
    import kundenmodell as km
    from kundenmodell import personas
    from kundenmodell.personas import labelling

    source = km.load(folder, in_place=True)
    started, cpu = time.perf_counter(), time.process_time()
    persona_set = personas.build(source)
    figures = {
        "customers": source.rows["customers"],
        "purchases": source.rows["transactions"],
        "build_s": time.perf_counter() - started,
        "peak_after_build_mb": peak_mb(),
    }
    parts = math.ceil(source.rows["customers"] / labelling.PART_CUSTOMERS)
    started, cpu = time.perf_counter(), time.process_time()
    if mode == "split":
        population = personas.label_source(persona_set, source)
        figures.update(buyers=population.buyers, parts=population.parts)
    else:
        from kundenmodell.engine import in_place

        in_place.split_picks = lambda *args: None  # the semi-join per part, as before
        read = source.read_parts(parts, interactions=False, ordered=False)
        for _ in range(min(baseline_parts, parts)):
            labelling._label_part(persona_set.labeller, next(read).to_dataset())
        read.close()
        figures.update(parts=parts, timed_parts=min(baseline_parts, parts))
    figures.update(
        label_s=time.perf_counter() - started,
        label_cpu_s=time.process_time() - cpu,
        peak_mb=peak_mb(),
    )
    return figures


def _run_child(mode: str, folder: Path, baseline_parts: int) -> dict:
    command = [sys.executable, "-m", "bench", "labelling", "--child", mode, str(folder)]
    output = subprocess.run(
        [*command, "--baseline-parts", str(baseline_parts)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _folder(args: argparse.Namespace) -> Path:
    if args.folder is not None:
        return args.folder
    from kundenmodell.synth import write_folder

    customers = math.ceil(args.purchases / PURCHASES_PER_CUSTOMER)
    home = args.home or Path(tempfile.mkdtemp(prefix="kundenmodell-labelling-"))
    folder = home / f"shop-{customers}-seed{args.seed}"
    if not folder.exists():
        write_folder(folder, customers, seed=args.seed)
    return folder


def run(args: argparse.Namespace) -> None:
    folder = _folder(args)
    figures = {"folder": str(folder), "load_average": os.getloadavg(), "cores": os.cpu_count()}
    figures["split"] = _run_child("split", folder, args.baseline_parts)
    figures["baseline"] = _run_child("baseline", folder, args.baseline_parts)
    figures["load_average_after"] = os.getloadavg()
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2))
    _report(figures)


def _report(figures: dict) -> None:
    new, old = figures["split"], figures["baseline"]
    per_part = old["label_s"] / old["timed_parts"]
    estimate = per_part * old["parts"]
    print(
        f"{new['purchases']:,} purchases, {new['customers']:,} customers, {new['parts']} parts "
        f"on {figures['cores']} cores (load {figures['load_average'][0]:.1f} before, "
        f"{figures['load_average_after'][0]:.1f} after)"
    )
    print(f"personas on the sample: {new['build_s']:.1f} s")
    print(f"{'labelling every customer':<40}{'before (est.)':>14}{'now':>10}{'ratio':>8}")
    print(
        f"{'  wall time (s)':<40}{estimate:>14.1f}{new['label_s']:>10.1f}"
        f"{estimate / new['label_s']:>7.1f}×"
    )
    print(f"{'  peak RSS (MB)':<40}{old['peak_mb']:>14.0f}{new['peak_mb']:>10.0f}")
    print(
        f"before: {old['timed_parts']} of {old['parts']} parts timed, {per_part:.1f} s a part "
        f"(each a scan of every purchase); now: {new['buyers']:,} buyers labelled, "
        f"{new['label_cpu_s']:.0f} s CPU"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench labelling", description=__doc__)
    parser.add_argument("--purchases", type=int, default=10_000_000)
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--baseline-parts", type=int, default=2)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FOLDER"), default=None)
    args = parser.parse_args(argv)
    if args.child is not None:
        mode, folder = args.child
        print(json.dumps(child(mode, folder, args.baseline_parts)))
        return 0
    run(args)
    return 0
