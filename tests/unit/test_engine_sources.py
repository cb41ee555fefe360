"""Sources the engine opens in place: a Parquet data folder (hive-partitioned purchases), a
DuckDB file, and ``km.load`` on both; the reductions give what the in-memory data set gives."""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import kundenmodell as km
from kundenmodell import engine
from kundenmodell.clv import summary_from_transactions
from kundenmodell.clv.summary import summary_of_table
from kundenmodell.engine.in_place import InPlaceSource
from kundenmodell.segments.report import segment_report

CUSTOMERS = pd.DataFrame(
    {
        "customer_id": ["A-1", "B-2", "C-3", "D-4"],
        "customer_type": ["b2c", "b2b", "b2c", "b2c"],
        "status": ["customer", "customer", "customer", "lead"],
    }
)
PURCHASES = pd.DataFrame(
    {
        "customer_id": ["A-1", "A-1", "A-1", "B-2", "B-2", "C-3", "A-1"],
        "date": pd.to_datetime(
            [
                "2023-02-01 09:00",
                "2023-02-01 18:00",
                "2024-05-03 10:00",
                "2023-11-20 12:00",
                "2024-06-30 08:00",
                "2024-01-15 11:00",
                "2024-06-01 13:00",
            ]
        ),
        "amount": [20.0, 5.0, 40.0, 300.0, None, 12.5, 60.0],
    }
)


@pytest.fixture
def folder(tmp_path):
    """customers.parquet and transactions/ partitioned by year (hive style)."""
    pq.write_table(
        pa.Table.from_pandas(CUSTOMERS, preserve_index=False), tmp_path / "customers.parquet"
    )
    purchases = PURCHASES.assign(year=PURCHASES["date"].dt.year)
    pq.write_to_dataset(
        pa.Table.from_pandas(purchases, preserve_index=False),
        tmp_path / "transactions",
        partition_cols=["year"],
    )
    return tmp_path


@pytest.fixture
def duckdb_file(tmp_path):
    path = tmp_path / "shop.duckdb"
    with duckdb.connect(str(path)) as con:
        con.register("c", CUSTOMERS)
        con.register("t", PURCHASES)
        con.execute("CREATE TABLE customers AS SELECT * FROM c")
        con.execute("CREATE TABLE transactions AS SELECT * FROM t")
    return path


def test_clv_summary_from_a_partitioned_parquet_folder_equals_the_in_memory_one(folder):
    tables = engine.open_source(folder)
    in_place = summary_of_table(tables.transactions)
    in_memory = summary_from_transactions(PURCHASES)
    pd.testing.assert_frame_equal(in_place, in_memory, check_index_type=False)
    assert in_place.loc["A-1", "frequency"] == 2  # 2023-02-01 (two baskets), 2024-05-03, 2024-06-01
    assert in_place.loc["A-1", "monetary_value"] == pytest.approx(50.0)  # (40 + 60) / 2


@pytest.mark.parametrize("kind", ["folder", "duckdb"])
def test_km_load_opens_a_folder_or_duckdb_file_and_the_overview_matches(kind, folder, duckdb_file):
    data = km.load(folder if kind == "folder" else duckdb_file)
    assert sorted(data.customers["customer_id"]) == ["A-1", "B-2", "C-3", "D-4"]
    assert len(data.transactions) == len(PURCHASES)
    loaded = segment_report(data)
    expected = segment_report(km.Dataset(customers=CUSTOMERS, transactions=PURCHASES))
    assert loaded.kpis == expected.kpis
    assert loaded.kpis.revenue == pytest.approx(437.5)
    assert loaded.kpis.buyers == 3
    assert loaded.activity.to_dict() == expected.activity.to_dict()
    assert loaded.activity["D-4"] == "never_bought"
    pd.testing.assert_frame_equal(loaded.rfm, expected.rfm, check_index_type=False)


def test_a_folder_without_purchases_names_the_missing_table(tmp_path):
    pq.write_table(
        pa.Table.from_pandas(CUSTOMERS, preserve_index=False), tmp_path / "customers.parquet"
    )
    with pytest.raises(km.DataError) as raised:
        km.load(tmp_path)
    assert raised.value.key == "engine_error.missing_table"
    assert raised.value.params["table"] == "transactions"


def test_a_missing_duckdb_file_is_a_clear_error(tmp_path):
    with pytest.raises(km.DataError) as raised:
        km.load(tmp_path / "nothing.duckdb")
    assert raised.value.key == "engine_error.unreadable"


def test_km_load_takes_the_currency_of_a_described_folder_and_keeps_what_is_too_big_in_place(
    folder, monkeypatch
):
    (folder / "synthetic.json").write_text('{"currency": "NOK", "locale": "nb_NO"}')
    assert km.load(folder).currency == "NOK"
    (folder / "synthetic.json").write_text("not json")
    assert km.load(folder).currency == km.Dataset(customers=CUSTOMERS).currency

    from kundenmodell.engine import connect

    monkeypatch.setattr(connect, "MAX_PURCHASE_ROWS", len(PURCHASES) - 1)
    (folder / "synthetic.json").write_text('{"currency": "NOK", "locale": "nb_NO"}')
    kept = km.load(folder)
    assert isinstance(kept, InPlaceSource)
    assert kept.currency == "NOK"
    assert kept.rows["transactions"] == len(PURCHASES)
    with pytest.raises(km.DataError) as refused:
        km.load(folder, in_place=False)
    assert refused.value.key == "connect_error.too_large"


def _drifted_folder(path):
    """An export whose later files changed shape: the second customers file lost the
    ``customer_type`` column, and the later purchases file has no ``channel`` and stores the
    amounts as decimals where the first had floats."""
    (path / "customers").mkdir(parents=True)
    (path / "transactions").mkdir()
    first, second = CUSTOMERS.iloc[:2], CUSTOMERS.iloc[2:].drop(columns="customer_type")
    pq.write_table(
        pa.Table.from_pandas(first, preserve_index=False), path / "customers" / "a.parquet"
    )
    pq.write_table(
        pa.Table.from_pandas(second, preserve_index=False), path / "customers" / "b.parquet"
    )
    early = pa.Table.from_pandas(PURCHASES.iloc[:4].assign(channel="web"), preserve_index=False)
    late = pa.Table.from_pandas(PURCHASES.iloc[4:], preserve_index=False)
    late = late.set_column(2, "amount", late.column("amount").cast(pa.decimal128(18, 2)))
    pq.write_table(early, path / "transactions" / "2023.parquet")
    pq.write_table(late, path / "transactions" / "2024.parquet")
    return path


@pytest.mark.parametrize("in_place", [False, True])
def test_files_of_one_folder_with_different_columns_read_as_one_table(tmp_path, in_place):
    """Columns are joined by name: a file without a column gives it empty, whichever file
    the query reaches first (before, the second file failed the query with DuckDB's own
    message)."""
    data = km.load(_drifted_folder(tmp_path), in_place=in_place)
    report = segment_report(data)
    expected = segment_report(km.Dataset(customers=CUSTOMERS, transactions=PURCHASES))
    assert report.kpis == expected.kpis
    assert report.kpis.revenue == pytest.approx(437.5)
    if not in_place:
        types = data.customers.set_index("customer_id")["customer_type"]
        assert types["A-1"] == "b2c" and pd.isna(types["D-4"])
        assert data.transactions["channel"].notna().sum() == 4


def test_a_broken_file_in_a_folder_is_a_clear_error(tmp_path):
    folder = _drifted_folder(tmp_path)
    (folder / "transactions" / "2025.parquet").write_bytes(b"PAR1 not really parquet")
    for in_place in (False, True):
        with pytest.raises(km.DataError) as raised:
            segment_report(km.load(folder, in_place=in_place))
        assert raised.value.key == "engine_error.unreadable"


def test_a_folder_that_stores_numbers_dates_and_status_as_german_text_reads_them(tmp_path):
    """Amounts written ``1.234,56``, dates ``31.12.2024``, status words ``Kunde`` and NPS
    answers as text: read into memory as in place and as an upload reads them (before, the
    amounts became missing and the folder's revenue read as 0)."""
    words = {"customer": "Kunde", "lead": "Interessent"}
    customers = CUSTOMERS.assign(
        status=CUSTOMERS["status"].map(words), nps_score=["10", "3", "", "8"]
    )
    purchases = PURCHASES.assign(
        date=PURCHASES["date"].dt.strftime("%d.%m.%Y"),
        amount=["20,00", "5,00", "40,00", "1.300,00", None, "12,50", "60,00"],
    )
    for name, frame in (("customers", customers), ("transactions", purchases)):
        (tmp_path / name).mkdir()
        pq.write_table(
            pa.Table.from_pandas(frame, preserve_index=False), tmp_path / name / "part.parquet"
        )
    data = km.load(tmp_path, in_place=False)
    assert data.transactions["amount"].sum() == pytest.approx(1437.5)
    assert data.transactions["date"].min() == pd.Timestamp("2023-02-01")
    assert list(data.customers["status"]) == ["customer", "customer", "customer", "prospect"]
    report = segment_report(data)
    in_place = segment_report(km.load(tmp_path, in_place=True))
    assert report.kpis == in_place.kpis
    assert report.kpis.revenue == pytest.approx(1437.5)
    assert report.nps.n == in_place.nps.n == 3
    pd.testing.assert_frame_equal(report.funnel, in_place.funnel)


def test_a_duckdb_enum_of_status_words_is_read_by_its_synonyms(tmp_path):
    """A DuckDB ``ENUM`` of German status words reads as the canonical statuses."""
    path = tmp_path / "crm.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TYPE stand AS ENUM ('Kunde', 'Interessent', 'Lead')")
        con.register("c", CUSTOMERS.drop(columns="status"))
        con.register("t", PURCHASES)
        con.execute(
            "CREATE TABLE customers AS SELECT *, "
            "(['Kunde', 'Kunde', 'Interessent', 'Lead'])[row_number() OVER ()]::stand AS status "
            "FROM c"
        )
        con.execute("CREATE TABLE transactions AS SELECT * FROM t")
    data = km.load(path, in_place=False)
    status = data.customers.set_index("customer_id")["status"]
    assert status.astype(str).to_dict() == {
        "A-1": "customer",
        "B-2": "customer",
        "C-3": "prospect",
        "D-4": "lead",
    }
    report = segment_report(data)
    assert report.funnel.set_index("stage")["current"].to_dict() == {
        "lead": 1,
        "contact": 0,
        "prospect": 1,
        "customer": 2,
    }
    in_place = segment_report(km.load(path, in_place=True))
    pd.testing.assert_frame_equal(report.funnel, in_place.funnel)


@pytest.mark.parametrize("tz", [None, "UTC", "Europe/Berlin"])
def test_decimal_amounts_and_zoned_times_of_a_warehouse_export_read_as_numbers_and_days(
    tmp_path, tz
):
    """Amounts stored as DECIMAL(12,2) and purchase times with a zone (as Spark and
    warehouses write them): read into memory, the amounts are float64 numbers (they were
    Python Decimal objects) and the overview equals the one computed in place."""
    # 23:30 UTC: the next day in Berlin (and on 2024-06-30 the next month)
    times = PURCHASES["date"].dt.normalize() + pd.Timedelta(hours=23, minutes=30)
    purchases = pa.table(
        {
            "customer_id": pa.array(PURCHASES["customer_id"]),
            "date": pa.array(times, type=pa.timestamp("us", tz=tz)),
            "amount": pa.array(PURCHASES["amount"], from_pandas=True).cast(pa.decimal128(12, 2)),
        }
    )
    for name, table in (
        ("customers", pa.Table.from_pandas(CUSTOMERS, preserve_index=False)),
        ("transactions", purchases),
    ):
        (tmp_path / name).mkdir()
        pq.write_table(table, tmp_path / name / "part.parquet")
    data = km.load(tmp_path, in_place=False)
    assert data.transactions["amount"].dtype == "float64"
    assert data.transactions["amount"].sum() == pytest.approx(PURCHASES["amount"].sum())
    report = segment_report(data)
    in_place = segment_report(km.load(tmp_path, in_place=True))
    assert report.kpis == in_place.kpis
    assert report.as_of == in_place.as_of
    pd.testing.assert_frame_equal(report.monthly, in_place.monthly, check_dtype=False)


@pytest.mark.parametrize("in_place", [False, True])
def test_times_with_a_declared_zone_fall_on_their_local_day_as_an_upload_reads_them(
    tmp_path, in_place
):
    """pandas and pyarrow record a timestamp column's zone in the file; DuckDB reads the UTC
    instant only. A Berlin purchase at 01:30 on 1 July (23:30 UTC on 30 June) fell in June
    when the folder was loaded and in July when the same file was uploaded."""
    from kundenmodell.io.read import load_table

    instants = pd.to_datetime(["2024-06-30 23:30", "2024-05-01 10:00", "2024-02-10 12:00"])
    purchases = pa.table(
        {
            "customer_id": ["A-1", "B-2", "A-1"],
            "date": pa.array(instants, type=pa.timestamp("us", tz="Europe/Berlin")),
            "amount": [10.0, 20.0, 5.0],
        }
    )
    for name, table in (
        ("customers", pa.Table.from_pandas(CUSTOMERS, preserve_index=False)),
        ("transactions", purchases),
    ):
        (tmp_path / name).mkdir()
        pq.write_table(table, tmp_path / name / "part.parquet")
    uploaded = load_table((tmp_path / "transactions" / "part.parquet").read_bytes())
    local = ["2024-07-01 01:30", "2024-05-01 12:00", "2024-02-10 13:00"]
    assert list(uploaded["date"]) == list(pd.to_datetime(local))
    if not in_place:
        data = km.load(tmp_path, in_place=False)
        assert list(data.transactions["date"]) == list(uploaded["date"])
    report = segment_report(km.load(tmp_path, in_place=in_place))
    assert report.as_of == pd.Timestamp("2024-07-01")
    months = report.monthly.set_index("month")["revenue"]
    assert months[pd.Timestamp("2024-07-01")] == 10.0
    assert months[pd.Timestamp("2024-06-01")] == 0.0
