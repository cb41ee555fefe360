"""A shop whose customers buy and drop out as BG/NBD assumes, written without kundenmodell, for
the in-place CLV tests: Norwegian column names, ids as text ``K-000123``, a DuckDB file or a
Parquet folder, and the picks that map it as the connect page would.

Customer i first buys on a day uniform in the two years before :data:`END`; then purchases
follow at exponential gaps with rate λᵢ ~ Gamma(shape 0.8, scale 1/25) per day until the
customer drops out after a purchase with probability pᵢ ~ Beta(1.5, 4). Amounts are log-normal
around a customer mean, rounded to øre. Some purchase lines fall on the same day as another
(a second basket line) and a few amounts are refunds (negative), so the per-day sums and the
clipped mean repeat spend matter.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from kundenmodell.engine.connect import Pick
from tests.picks import pick_tables

END = np.datetime64("2025-06-30")
MAX_PURCHASES = 40


def make_shop(customers: int, seed: int = 11) -> tuple[pa.Table, pa.Table]:
    """``kunder`` (kundenr, fornavn, etternavn, firma) and ``kjop`` (kundenr, dato, belop)."""
    rng = np.random.default_rng(seed)
    first = rng.integers(0, 730, customers)  # days after the start
    rate = rng.gamma(0.8, 1 / 25, customers)
    dropout = rng.beta(1.5, 4.0, customers)
    gaps = rng.exponential(1.0, (customers, MAX_PURCHASES)) / rate[:, None]
    times = first[:, None] + np.cumsum(gaps, axis=1)
    times[:, 0] = first
    alive_purchases = rng.geometric(dropout)  # purchases before dropping out, at least 1
    index = np.arange(MAX_PURCHASES)[None, :]
    keep = (index < alive_purchases[:, None]) & (times < 730)
    who, which = np.nonzero(keep)
    day = np.floor(times[who, which]).astype(np.int64)
    # a second basket line on one of ten purchase days
    extra = rng.random(len(who)) < 0.1
    who = np.concatenate([who, who[extra]])
    day = np.concatenate([day, day[extra]])
    mean = rng.lognormal(3.5, 0.6, customers)
    amount = np.round(mean[who] * rng.lognormal(0.0, 0.3, len(who)), 2)
    refund = rng.random(len(who)) < 0.01
    amount[refund] = -amount[refund]
    start = END - np.timedelta64(729, "D")
    ids = np.array([f"K-{i:06d}" for i in range(customers)])
    kunder = pa.table(
        {
            "kundenr": ids,
            "fornavn": [f"Kari{i}" for i in range(customers)],
            "etternavn": [f"Nordmann{i}" for i in range(customers)],
            "firma": [f"AS {i}" if i % 7 == 0 else None for i in range(customers)],
        }
    )
    kjop = pa.table(
        {
            "kundenr": ids[who],
            "dato": (start + day.astype("timedelta64[D]")).astype("datetime64[s]"),
            "belop": amount,
        }
    )
    return kunder, kjop


def write_duckdb(path: Path, kunder: pa.Table, kjop: pa.Table) -> Path:
    """The tables as ``kunder`` and ``kjop`` of a DuckDB file."""
    con = duckdb.connect(str(path))
    for name, table in (("kunder", kunder), ("kjop", kjop)):
        con.register("frame", table)
        con.execute(f"create table {name} as select * from frame")
        con.unregister("frame")
    con.close()
    return path


def write_parquet(folder: Path, kunder: pa.Table, kjop: pa.Table) -> Path:
    """The tables as a data folder: ``kunder.parquet`` and ``kjop/`` in two part files."""
    (folder / "kjop").mkdir(parents=True)
    pq.write_table(kunder, folder / "kunder.parquet")
    half = kjop.num_rows // 2
    pq.write_table(kjop.slice(0, half), folder / "kjop" / "part-0.parquet")
    pq.write_table(kjop.slice(half), folder / "kjop" / "part-1.parquet")
    return folder


TARGETS = {
    "customers": {
        "kundenr": "customer_id",
        "fornavn": "first_name",
        "etternavn": "last_name",
        "firma": "company",
    },
    "transactions": {"kundenr": "customer_id", "dato": "date", "belop": "amount"},
}


def picks(path: Path) -> dict[str, Pick]:
    """The picks of the DuckDB file or Parquet folder ``path``: each table mapped as
    :data:`TARGETS` says (the user's choices on the connect page)."""
    chosen = pick_tables(path, {"customers": "kunder", "transactions": "kjop"}, TARGETS)
    for role, pick in chosen.items():
        assert pick.mapping.targets == {target: column for column, target in TARGETS[role].items()}
    return chosen
