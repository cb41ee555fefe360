"""How fast BG/NBD fits a million customers, against lifetimes' BetaGeoFitter on the same data.

``python -m bench clv [--n 1000000] [--runs 2] [--seed 0] [--lifetimes-python PATH]``

The data is a direct BG/NBD simulation with the CDNOW parameters of Fader, Hardie & Lee
(r = 0.243, α = 4.414, a = 0.793, b = 2.426) and customer ages T uniform on 20–80 weeks, in
continuous time, so no two customers share a (x, t_x, T) pattern and merging identical rows
saves nothing: the hardest case for :class:`kundenmodell.clv.BetaGeoModel`. Each timed run is
the whole ``fit`` (input checks, merging, optimisation, Hessian and standard errors).

The ``lifetimes`` package (unmaintained since 2020) is not a project dependency. When a Python
with it installed is given (default ``/tmp/lifetimes-venv/bin/python``; create it with
``python3 -m venv /tmp/lifetimes-venv && /tmp/lifetimes-venv/bin/pip install lifetimes``), its
``BetaGeoFitter().fit`` is timed once on the same arrays in a subprocess and the ratio is
printed; otherwise the comparison is skipped and the reason printed. Figures go to
``bench/results/clv.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from kundenmodell.clv import BetaGeoModel
from kundenmodell.clv.simulate import simulate_histories

TARGET_SECONDS = 10.0
TRUTH = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
DEFAULT_LIFETIMES_PYTHON = "/tmp/lifetimes-venv/bin/python"
RESULTS = Path(__file__).resolve().parent / "results" / "clv.json"

_LIFETIMES_SCRIPT = """
import json, sys, time
import numpy as np
from lifetimes import BetaGeoFitter
data = np.load(sys.argv[1])
started = time.perf_counter()
fitter = BetaGeoFitter().fit(data["x"], data["t_x"], data["T"])
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "params": {k: float(v) for k, v in fitter.params_.items()}}))
"""


def run_lifetimes(python: str, arrays: dict[str, np.ndarray], timeout: float) -> dict:
    """Time lifetimes' BetaGeoFitter in ``python`` on ``arrays``; ``{"skipped": reason}``
    when that is not possible."""
    if not Path(python).exists():
        return {"skipped": f"no Python with lifetimes at {python}"}
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "data.npz"
        np.savez(path, **arrays)
        try:
            answer = subprocess.run(
                [python, "-c", _LIFETIMES_SCRIPT, str(path)],
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return {"skipped": f"lifetimes did not finish within {timeout:g} s"}
    if answer.returncode != 0:
        last = (answer.stderr.strip().splitlines() or ["no output"])[-1]
        return {"skipped": f"lifetimes failed: {last}"}
    return json.loads(answer.stdout.strip().splitlines()[-1])


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench clv", description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="customers (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=2, help="timed runs, best is kept (default 2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lifetimes-python", default=DEFAULT_LIFETIMES_PYTHON)
    parser.add_argument(
        "--lifetimes-timeout", type=float, default=1800.0, help="seconds (default 1800)"
    )
    args = parser.parse_args(list(argv))

    print(
        f"clv: BG/NBD fit on {args.n:,} simulated customers (CDNOW parameters), seed {args.seed}; "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    x, t_x, age = simulate_histories(args.n, **TRUTH, seed=args.seed)
    print(f"  data: {int((x > 0).sum()):,} repeat buyers, {int(x.sum()):,} repeat purchases")

    seconds = []
    for run in range(max(args.runs, 1)):
        started = time.perf_counter()
        model = BetaGeoModel().fit(x, t_x, age)
        seconds.append(time.perf_counter() - started)
        print(f"  run {run + 1}: {seconds[-1]:.2f} s")
    best = min(seconds)
    shown = ", ".join(
        f"{name} = {value:.4f} ± {model.standard_errors_[name]:.4f} (true {TRUTH[name]})"
        for name, value in model.params_.items()
    )
    print(f"kundenmodell BetaGeoModel: {best:.2f} s (best of {len(seconds)}); {shown}")
    print(f"  log-likelihood {model.log_likelihood_:,.1f}, converged: {model.converged_}")
    met = best <= TARGET_SECONDS
    print(f"target: <= {TARGET_SECONDS:g} s: {'met' if met else 'MISSED'} ({best:.2f} s)")

    print(f"lifetimes BetaGeoFitter via {args.lifetimes_python} …")
    other = run_lifetimes(
        args.lifetimes_python, {"x": x, "t_x": t_x, "T": age}, args.lifetimes_timeout
    )
    if "skipped" in other:
        print(f"  comparison skipped: {other['skipped']}")
        ratio = None
    else:
        ratio = other["seconds"] / best
        params = ", ".join(f"{name} = {value:.4f}" for name, value in other["params"].items())
        print(f"  lifetimes: {other['seconds']:.2f} s; {params}")
        print(f"  kundenmodell is {ratio:,.1f}x faster than lifetimes on the same data")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "n": args.n,
                "seed": args.seed,
                "cores": os.cpu_count(),
                "seconds": seconds,
                "best_seconds": best,
                "params": model.params_,
                "standard_errors": model.standard_errors_,
                "target_met": met,
                "lifetimes": other,
                "speedup_vs_lifetimes": ratio,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return 0
