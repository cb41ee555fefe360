"""A little shop database for the connect tests, written without kundenmodell: German column
names, integer customer numbers, purchase dates as text ``dd.mm.yyyy`` (DuckDB) or as
timestamps (Parquet), amounts as DECIMAL(10,2), customer types in German words.

``expected`` holds what the workbench must show after loading: counts and the revenue summed
here with exact decimals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

CITIES = ("Hamburg", "München", "Köln", "Leipzig", "Freiburg")


@dataclass(frozen=True)
class Shop:
    customers: pa.Table
    purchases: pa.Table
    revenue: Decimal

    @property
    def n_customers(self) -> int:
        return self.customers.num_rows

    @property
    def n_purchases(self) -> int:
        return self.purchases.num_rows


def make_shop(customers: int = 40, seed: int = 7, text_dates: bool = True) -> Shop:
    """``customers`` customers (numbers from 5001) and 1–6 purchases each in 2023–2024."""
    rng = np.random.default_rng(seed)
    ids = np.arange(5001, 5001 + customers)
    kunden = pa.table(
        {
            "Kundennummer": pa.array(ids, pa.int32()),
            "Vorname": [f"Person{i}" for i in range(customers)],
            "Kundentyp": rng.choice(["Firmenkunde", "Privatkunde"], customers).tolist(),
            "Ort": rng.choice(CITIES, customers).tolist(),
            "Weiterempfehlung": rng.integers(0, 11, customers).tolist(),
        }
    )
    counts = rng.integers(1, 7, customers)
    buyer = np.repeat(ids, counts)
    days = rng.integers(0, 730, len(buyer))
    dates = [dt.datetime(2023, 1, 1) + dt.timedelta(days=int(d), hours=10) for d in days]
    cents = rng.integers(500, 50_000, len(buyer))
    amounts = [Decimal(int(c)).scaleb(-2) for c in cents]
    when = [d.strftime("%d.%m.%Y") for d in dates] if text_dates else dates
    kaeufe = pa.table(
        {
            "Kundennummer": pa.array(buyer, pa.int64()),
            "Bestelldatum": when,
            "Betrag": pa.array(amounts, pa.decimal128(10, 2)),
            "Menge": rng.integers(1, 4, len(buyer)).tolist(),
        }
    )
    return Shop(kunden, kaeufe, sum(amounts, Decimal(0)))


def write_duckdb(path: Path, shop: Shop, *, contacts: int = 0) -> Path:
    """The shop as tables ``Kunden`` and ``Bestellungen`` of a DuckDB file, plus an unrelated
    table ``Lager`` that must not be picked and, with ``contacts``, that many rows of
    ``Aktivitaeten`` (Kundennummer, Datum as ISO text, Art "E-Mail"/"Anruf", Ergebnis)."""
    con = duckdb.connect(str(path))
    if contacts:
        con.execute(
            f"""create table Aktivitaeten as select 5001 + (i % 10) as Kundennummer,
            strftime(DATE '2024-01-01' + i::INTEGER, '%Y-%m-%d') as Datum,
            case when i % 2 = 0 then 'E-Mail' else 'Anruf' end as Art,
            'erreicht' as Ergebnis from range({contacts}) t(i)"""
        )
    for name, table in (("Kunden", shop.customers), ("Bestellungen", shop.purchases)):
        con.register("frame", table)
        con.execute(f'create table "{name}" as select * from frame')
        con.unregister("frame")
    con.execute("create table Lager as select 1 as artikel, 5 as bestand")
    con.close()
    return path


def write_parquet_folder(folder: Path, shop: Shop) -> Path:
    """The shop as a data folder: ``kunden.parquet`` and ``kaeufe/`` split in two part files."""
    (folder / "kaeufe").mkdir(parents=True)
    pq.write_table(shop.customers, folder / "kunden.parquet")
    half = shop.n_purchases // 2
    pq.write_table(shop.purchases.slice(0, half), folder / "kaeufe" / "part-0.parquet")
    pq.write_table(shop.purchases.slice(half), folder / "kaeufe" / "part-1.parquet")
    return folder
