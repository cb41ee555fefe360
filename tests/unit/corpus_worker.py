"""Run one file through the whole upload pipeline in a child process and report what happened.

Used by ``tests/unit/test_io_corpus.py``. Every file runs in its own process, forked from a
fork server that has already imported kundenmodell (so a file costs milliseconds, not the three
seconds of an import): a segfault, a ``RecursionError`` or a memory blow-up ends that child, not
the test run. The parent watches the child's resident memory and kills it past a hard cap, so a
decompression bomb cannot take the shared machine down either.

The child sends back a plain dict: the outcome (``ok``, ``data_error`` or ``exception``), the
error key and whether its message exists in de/en/nb with every placeholder filled, the suggested
mapping, the counts, revenue and spot values of the canonical tables, whether report rows turned
into customers, the CLV result, and the child's peak memory and time.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import resource
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psutil

LANGS = ("de", "en", "nb")
HARD_CAP_BYTES = 3 * 1024**3  # the watchdog kills a child above this resident size


def _preload() -> None:
    import kundenmodell.clv.analysis
    import kundenmodell.io
    import kundenmodell.segments.report  # noqa: F401


def _value(value: Any) -> Any:
    """A canonical cell as plain JSON-able Python: days as ``YYYY-MM-DD``, numbers as floats."""
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat()
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return value
    return value if isinstance(value, (int, float, str, bool)) else str(value)


def run_pipeline(
    path: str,
    options: dict,
    spots: list[dict],
    forbidden: list[str],
    forbidden_text: list[str] = (),
) -> dict:
    """The page's upload flow on ``path``; never raises."""
    from kundenmodell import DataError, io

    started = time.perf_counter()
    result: dict[str, Any] = {"outcome": "ok", "stage": "read"}
    try:
        loaded = io.read_table(path, **options)
        result["columns"] = len(loaded.frame.columns)
        result["leaked"] = _leaked(loaded.frame, forbidden_text)
        result["stage"] = "mapping"
        mapping = io.suggest_mapping(loaded.frame.columns, "auto", loaded)
        result["targets"] = dict(mapping.targets)
        result["currency"] = mapping.currency
        result["stage"] = "map"
        mapped = io.map_table(loaded.frame, mapping, first_row=loaded.first_row)
        result["id_from_email"] = bool(mapped.id_from_email)
        result["stage"] = "validate"
        io.validate_upload(mapped)
        data = mapped.to_dataset()
        customers, purchases = data.customers, data.transactions
        result["customers"] = len(customers)
        result["purchases"] = len(purchases)
        amounts = purchases["amount"] if "amount" in purchases.columns else None
        result["revenue"] = float(amounts.astype("float64").sum()) if amounts is not None else 0.0
        ids = customers["customer_id"].astype("string")
        result["distinct_ids"] = int(ids.dropna().nunique())
        result["forbidden_ids"] = sorted(set(forbidden) & set(ids.dropna()))
        result["spots"] = [_spot(customers, purchases, spot) for spot in spots]
        result["id_sample"] = [str(v) for v in ids.head(3)]
        result["stage"] = "segments"
        _analyse(data, purchases, result)
        result["stage"] = "done"
    except DataError as error:
        result["outcome"] = "data_error"
        result["key"] = error.key
        messages = {}
        values = sorted((str(value) for value in error.params.values()), key=len, reverse=True)
        for lang in LANGS:
            try:
                messages[lang] = error.message(lang)
            except Exception as problem:  # a missing translation is a finding, not a crash
                messages[lang] = f"{{{type(problem).__name__}}}"
        bare = dict(messages)
        for lang in LANGS:  # a "{" quoted from the file is no placeholder left open
            for value in values:
                bare[lang] = bare[lang].replace(value, "")
        result["messages_ok"] = all(messages[lang] and "{" not in bare[lang] for lang in LANGS)
        result["message_en"] = messages["en"][:300]
    except BaseException as error:
        result["outcome"] = "exception"
        result["exception"] = f"{type(error).__name__}: {str(error)[:300]}"
        result["traceback"] = "".join(traceback.format_exc().splitlines(True)[-6:])[:2000]
    result["seconds"] = round(time.perf_counter() - started, 3)
    result["maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def _leaked(frame, texts) -> list[str]:
    """Which of ``texts`` occur in any header or text cell of ``frame``."""
    if not texts:
        return []
    cells = [str(name) for name in frame.columns]
    for name in frame.columns:
        values = frame[name]
        if values.dtype == object or str(values.dtype).startswith("string"):
            cells.extend(str(value) for value in values.dropna())
    return [text for text in texts if any(text in cell for cell in cells)]


def _analyse(data, purchases, result: dict) -> None:
    """The overview and the CLV page on the loaded data. A DataError here is a message on
    that page (too few purchases, ...), not a failed upload: it is recorded as
    ``analysis_error``."""
    from kundenmodell import DataError
    from kundenmodell.clv import analysis
    from kundenmodell.segments.report import segment_report

    try:
        segment_report(data)
    except DataError as error:
        result["analysis_error"] = error.key
    if purchases.empty or "date" not in purchases.columns:
        return
    result["stage"] = "clv"
    try:
        fit = analysis.fit_dataset(data)
        if fit.ok and not fit.trusted:  # the page says why instead of showing numbers
            result["clv"] = {"untrusted": [doubt.key for doubt in fit.trust.doubts]}
        elif fit.ok:
            values = analysis.customer_values(fit)
            finite = values["clv"].astype("float64").map(math.isfinite)
            result["clv"] = {"customers": len(values), "finite": int(finite.sum())}
        else:
            result["clv"] = {"customers": 0, "finite": 0, "too_thin": True}
    except DataError as error:
        result["analysis_error"] = error.key


def _spot(customers, purchases, spot: dict) -> Any:
    column = spot["column"]
    if "purchase" in spot:
        rows = purchases[purchases["customer_id"].astype("string") == spot["customer"]]
        if len(rows) <= spot["purchase"] or column not in rows.columns:
            return "<missing>"
        return _value(rows[column].iloc[spot["purchase"]])
    rows = customers[customers["customer_id"].astype("string") == spot["customer"]]
    if rows.empty or column not in rows.columns:
        return "<missing>"
    return _value(rows[column].iloc[0])


def _child(
    connection,
    path: str,
    options: dict,
    spots: list[dict],
    forbidden: list[str],
    forbidden_text: list[str],
) -> None:
    connection.send(run_pipeline(path, options, spots, forbidden, forbidden_text))
    connection.close()


_CONTEXT: multiprocessing.context.BaseContext | None = None


def context() -> multiprocessing.context.BaseContext:
    global _CONTEXT
    if _CONTEXT is None:
        _CONTEXT = multiprocessing.get_context("forkserver")
        _CONTEXT.set_forkserver_preload(
            [
                "tests.unit.corpus_worker",
                "kundenmodell.io",
                "kundenmodell.segments.report",
                "kundenmodell.clv.analysis",
            ]
        )
    return _CONTEXT


def run_isolated(
    path: str | Path,
    *,
    options: dict | None = None,
    spots: list | None = None,
    forbidden: list | None = None,
    forbidden_text: list | None = None,
    timeout: float = 30.0,
) -> dict:
    """``run_pipeline`` in a fresh child; a crash, a hang or a memory blow-up becomes a result."""
    ctx = context()
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(
        target=_child,
        args=(send, str(path), options or {}, spots or [], forbidden or [], forbidden_text or []),
        daemon=True,
    )
    started = time.perf_counter()
    process.start()
    send.close()
    watched = psutil.Process(process.pid)
    peak = 0
    result: dict | None = None
    killed = None
    while True:
        if receive.poll(0.02):
            try:
                result = receive.recv()
            except EOFError:
                result = None
            break
        if not process.is_alive():
            break
        with contextlib.suppress(psutil.Error):
            peak = max(peak, watched.memory_info().rss)
        if peak > HARD_CAP_BYTES:
            killed = f"memory above {HARD_CAP_BYTES >> 20} MB"
        elif time.perf_counter() - started > timeout:
            killed = f"no answer within {timeout:.0f} s"
        if killed:
            process.kill()
            break
    process.join(5)
    if process.is_alive():
        process.kill()
        process.join()
    elapsed = round(time.perf_counter() - started, 3)
    if result is None:
        code = process.exitcode
        reason = killed or f"child died with exit code {code}"
        return {
            "outcome": "crash",
            "exception": reason,
            "seconds": elapsed,
            "maxrss_mb": round(peak / 2**20, 1),
            "exitcode": code,
        }
    result["wall_seconds"] = elapsed
    return result


def run_many(jobs: list[dict], workers: int = 2) -> dict[str, dict]:
    """``run_isolated`` for every job (``name`` + its keyword arguments), ``workers`` at a time."""
    context()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {
            job["name"]: pool.submit(run_isolated, **{k: v for k, v in job.items() if k != "name"})
            for job in jobs
        }
        return {name: future.result() for name, future in futures.items()}


if __name__ == "__main__":  # python -m tests.unit.corpus_worker FILE...: a quick look at files
    import json
    import sys

    for name in sys.argv[1:]:
        print(name, json.dumps(run_isolated(name), ensure_ascii=False, indent=1))
    os._exit(0)
