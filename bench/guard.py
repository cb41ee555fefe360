"""What reading in a worker process costs: guarded against in-process reads of the same file.

``python -m bench guard [--runs 5] [--megabytes 50]``

Builds two German-formatted customer CSVs (``;``, decimal comma, ``31.12.2024`` dates, names)
with numpy and pandas: 1,000 rows and about ``--megabytes`` MB. For each it times, alternately
and ``--runs`` times, :func:`kundenmodell.io.read_table` in this process and
:func:`kundenmodell.io.read_table_guarded` on the same bytes (what the upload page sends), and
prints the best run of each and their difference, the overhead of isolation. For the large file
it also times the hand-over of the result on its own: pickling and unpickling the
:class:`~kundenmodell.io.LoadedTable` (what the worker does) against writing and reading its
frame as an Arrow IPC stream (the alternative).
"""

from __future__ import annotations

import argparse
import io as std_io
import pickle
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from bench._common import best_of
from kundenmodell import io


def _csv(rows: int, seed: int = 0) -> bytes:
    rng = np.random.default_rng(seed)
    days = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1800, rows), unit="D")
    frame = pd.DataFrame(
        {
            "Kundennummer": np.arange(1, rows + 1),
            "Vorname": rng.choice(["Anna", "Jürgen", "Sofie", "Mehmet", "Ole"], rows),
            "Stadt": rng.choice(["München", "Köln", "Bergen", "Leipzig"], rows),
            "Umsatz": np.round(rng.gamma(2.0, 60.0, rows), 2),
            "Kaufdatum": days.strftime("%d.%m.%Y"),
            "E-Mail": [f"kunde{i}@example.de" for i in range(rows)],
        }
    )
    return frame.to_csv(sep=";", index=False, decimal=",").encode("utf-8")


def _rows_for(megabytes: float) -> int:
    per_row = len(_csv(10_000)) / 10_000
    return int(megabytes * 1e6 / per_row)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def _compare(label: str, data: bytes, runs: int) -> None:
    io.read_table_guarded(data)  # the workers exist before the timing starts
    here = best_of(runs, lambda: io.read_table(data))
    there = best_of(runs, lambda: io.read_table_guarded(data))
    print(f"{label}: {len(data) / 1e6:.1f} MB")
    print(f"  in process  {_ms(here)}")
    print(f"  guarded     {_ms(there)}")
    print(f"  overhead    {_ms(there - here)}  ({there / here:.2f}x)")


def _transfer(data: bytes, runs: int) -> None:
    loaded = io.read_table(data)
    pickled = pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL)
    dump = best_of(runs, lambda: pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL))
    load = best_of(runs, lambda: pickle.loads(pickled))

    def ipc_bytes() -> bytes:
        sink = std_io.BytesIO()
        table = pa.Table.from_pandas(loaded.frame, preserve_index=False)
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        return sink.getvalue()

    stream = ipc_bytes()
    write = best_of(runs, ipc_bytes)
    read = best_of(runs, lambda: pa.ipc.open_stream(stream).read_all().to_pandas())
    print("  hand-over of the result:")
    print(f"    pickle     {len(pickled) / 1e6:6.1f} MB  dump {_ms(dump)}  load {_ms(load)}")
    print(f"    Arrow IPC  {len(stream) / 1e6:6.1f} MB  write {_ms(write)}  read {_ms(read)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench guard")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--megabytes", type=float, default=50.0)
    args = parser.parse_args(argv)
    _compare("1,000 rows", _csv(1_000), args.runs)
    big = _csv(_rows_for(args.megabytes))
    _compare(f"{args.megabytes:g} MB", big, max(2, args.runs // 2))
    _transfer(big, max(2, args.runs // 2))
    return 0
