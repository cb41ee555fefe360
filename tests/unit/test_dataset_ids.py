"""Customer numbers written as numbers in one table and as text in another are one kind."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import kundenmodell as km
from kundenmodell.dataset import Dataset
from kundenmodell.segments.report import segment_report

IDS = np.array([7, 42, 1234, 99_000_001, 5])


def _purchases(ids: pd.Series) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ids,
            "date": pd.to_datetime(["2024-01-03", "2024-02-10", "2024-05-01", "2024-06-30"]),
            "amount": [10.0, 20.0, 30.0, 40.0],
        }
    )


BUYERS = pd.Series(["42", "1234", "42", "99000001"], dtype="str")


@pytest.mark.parametrize("number_type", ["int64", "float64", "Int64"])
def test_numbers_in_one_table_and_text_in_the_other_are_read_as_text(number_type):
    data = Dataset(
        customers=pd.DataFrame({"customer_id": pd.Series(IDS).astype(number_type)}),
        transactions=_purchases(BUYERS),
    )
    assert list(data.customers["customer_id"]) == ["7", "42", "1234", "99000001", "5"]
    report = segment_report(data)
    by_class = report.activity_summary.set_index("activity")["customers"]
    assert by_class["never_bought"] == 2  # 7 and 5; before: all five, beside the buyers
    assert by_class.sum() == len(IDS)
    assert report.kpis.buyers == 3


def test_a_folder_with_integer_customers_and_text_purchases_reads_like_in_place(tmp_path):
    (tmp_path / "customers").mkdir()
    (tmp_path / "transactions").mkdir()
    pq.write_table(pa.table({"customer_id": IDS}), tmp_path / "customers" / "part.parquet")
    pq.write_table(
        pa.Table.from_pandas(_purchases(BUYERS), preserve_index=False),
        tmp_path / "transactions" / "part.parquet",
    )
    in_memory = segment_report(km.load(tmp_path, in_place=False))
    in_place = segment_report(km.load(tmp_path, in_place=True))
    pd.testing.assert_frame_equal(
        in_memory.activity_summary, in_place.activity_summary, check_dtype=False
    )


def test_ids_of_one_kind_are_left_as_they_are():
    data = Dataset(
        customers=pd.DataFrame({"customer_id": IDS}),
        transactions=_purchases(pd.Series([42, 1234, 42, 99_000_001])),
    )
    assert data.customers["customer_id"].dtype == np.int64
    assert data.transactions["customer_id"].dtype == np.int64


def test_a_folders_padded_ids_and_missing_markers_read_as_an_upload_and_in_place(tmp_path):
    """A purchase file writing `` 42`` and ``n/a``: in memory the padded ids matched no
    customer (every customer counted as never bought) while in place they did."""
    (tmp_path / "customers").mkdir()
    (tmp_path / "transactions").mkdir()
    customers = pd.DataFrame({"customer_id": ["7", "42", "1234", "99000001", "5"], "city": " Oslo"})
    pq.write_table(pa.Table.from_pandas(customers), tmp_path / "customers" / "part.parquet")
    padded = pd.Series([" 42", "1234 ", "n/a", "\t99000001"], dtype="str")
    pq.write_table(
        pa.Table.from_pandas(_purchases(padded), preserve_index=False),
        tmp_path / "transactions" / "part.parquet",
    )
    data = km.load(tmp_path, in_place=False)
    assert data.transactions["customer_id"].tolist()[:2] == ["42", "1234"]
    assert data.transactions["customer_id"].isna().sum() == 1
    assert set(data.customers["city"]) == {"Oslo"}
    in_memory = segment_report(data)
    in_place = segment_report(km.load(tmp_path, in_place=True))
    assert in_memory.kpis == in_place.kpis
    assert in_memory.kpis.buyers == 3
    pd.testing.assert_frame_equal(
        in_memory.activity_summary, in_place.activity_summary, check_dtype=False
    )
