"""Tables that stay in the engine never come back whole: every result that reaches Python
from a Parquet data folder is an aggregate, far smaller than the purchases.

The source is made by DuckDB itself (``range`` and hashes, no pandas, no kundenmodell.synth):
200,000 purchases of 5,000 customers. Every execution of the engine is recorded (the rows each
query hands to Python), and no step of the in-place segment report or the CLV histogram may
return more rows than a small fraction of the purchases; pandas' Parquet reader must not be
called at all.
"""

from __future__ import annotations

import duckdb
import ibis
import pytest

from kundenmodell import engine
from kundenmodell.segments.in_place import segment_report_in_place

PURCHASES = 200_000
CUSTOMERS = 5_000


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shop")
    (folder / "customers").mkdir()
    (folder / "transactions").mkdir()
    with duckdb.connect() as con:
        con.execute(
            f"""COPY (SELECT 'C' || lpad(i::VARCHAR, 6, '0') AS customer_id,
                        ['lead', 'contact', 'prospect', 'customer']
                            [(1 + hash(i) % 4)::BIGINT] AS status,
                        (hash(i * 7) % 11)::DOUBLE AS nps_score
                 FROM range({CUSTOMERS}) t(i))
                TO '{folder}/customers/part-0.parquet' (FORMAT parquet)"""
        )
        con.execute(
            f"""COPY (SELECT 'C' || lpad((hash(i) % {CUSTOMERS + 50})::VARCHAR, 6, '0')
                           AS customer_id,
                        DATE '2021-01-01' + (hash(i * 31) % 1200)::INTEGER AS date,
                        round((hash(i * 17) % 40000) / 100.0, 2) AS amount
                 FROM range({PURCHASES}) t(i))
                TO '{folder}/transactions/part-0.parquet' (FORMAT parquet)"""
        )
    return folder


def test_in_place_report_brings_back_aggregates_only(shop, returned_rows):
    report = segment_report_in_place(engine.open_source(shop))
    assert report.kpis.purchases == PURCHASES
    assert report.customers == CUSTOMERS
    # about 40 purchases per id: every customer bought, and 50 buyers are no customers
    summary = report.activity_summary.set_index("activity")
    assert report.kpis.buyers == CUSTOMERS + 50
    assert summary.loc["never_bought", "customers"] == 0
    assert summary["customers"].sum() == CUSTOMERS + 50
    assert len(returned_rows) >= 8
    assert max(returned_rows) < PURCHASES / 100, returned_rows


def test_clv_histogram_in_place_is_small(shop, returned_rows):
    tables = engine.open_source(shop)
    bought = engine.purchases(tables.transactions)
    end = engine.last_day(bought)
    histogram = engine.to_pandas(engine.clv_histogram(engine.customer_summary(bought, end)))
    assert histogram["customers"].sum() == CUSTOMERS + 50
    assert max(returned_rows) == len(histogram) < CUSTOMERS


def test_the_engine_spills_into_a_private_folder_not_the_working_directory():
    import os
    import stat

    from kundenmodell.engine.connection import spill_directory

    where = engine.connection().raw_sql("SELECT current_setting('temp_directory')").fetchone()[0]
    assert where == spill_directory()
    assert not where.startswith(os.getcwd())
    assert stat.S_IMODE(os.stat(where).st_mode) == 0o700
    assert os.path.basename(where).startswith(f"kundenmodell-engine-{os.getpid()}-")


def test_spill_folders_of_killed_processes_are_removed_and_live_ones_kept(tmp_path):
    import os
    import subprocess
    import sys

    from kundenmodell.engine.connection import remove_orphaned_spills

    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()  # its id now belongs to no process
    folders = {
        "killed": tmp_path / f"kundenmodell-engine-{ended.pid}-abc",
        "alive": tmp_path / f"kundenmodell-engine-{os.getpid()}-def",
        "old_empty": tmp_path / "kundenmodell-engine-x1y2z3",
        "old_used": tmp_path / "kundenmodell-engine-q7r8s9",
    }
    for name, folder in folders.items():
        folder.mkdir()
        if name != "old_empty":
            (folder / "duckdb_temp_block-1.block").write_bytes(b"\0" * 1024)
    other = tmp_path / "someone-elses-folder"
    other.mkdir()
    removed = remove_orphaned_spills(str(tmp_path))
    assert sorted(removed) == sorted(str(folders[name]) for name in ("killed", "old_empty"))
    assert folders["alive"].exists() and folders["old_used"].exists() and other.exists()


def test_every_duckdb_is_capped_at_a_quarter_of_the_memory_unless_told(monkeypatch):
    from kundenmodell.engine.connection import MEMORY_VARIABLE, duckdb_settings, physical_memory

    monkeypatch.delenv(MEMORY_VARIABLE, raising=False)
    assert duckdb_settings()["memory_limit"] == f"{physical_memory() // 4 // 2**20}MB"
    monkeypatch.setenv(MEMORY_VARIABLE, "3GB")
    assert duckdb_settings()["memory_limit"] == "3GB"
    con = ibis.duckdb.connect(**duckdb_settings())
    limit = con.raw_sql("SELECT current_setting('memory_limit')").fetchone()[0]
    assert limit.replace(" ", "") in ("2.7GiB", "2.8GiB", "3.0GB")  # DuckDB shows it in GiB
