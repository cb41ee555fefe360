"""The canonical schema and its validation report."""

import pandas as pd
import pytest

from kundenmodell import DataError, Dataset, validate
from kundenmodell.schema import CUSTOMERS, TABLES, empty_table


def _dataset(customers: dict, transactions: dict | None = None) -> Dataset:
    frame = pd.DataFrame(customers)
    return Dataset(
        frame, pd.DataFrame(transactions) if transactions else empty_table("transactions")
    )


def _keys(report) -> dict[tuple[str, str | None, str], int]:
    return {(issue.table, issue.column, issue.key): issue.rows for issue in report.issues}


def test_design_columns_are_all_there():
    assert CUSTOMERS.names[0] == "customer_id"
    for name in ("status", "customer_type", "relationship", "nps_score", "contact_preference"):
        assert name in CUSTOMERS.names
    assert TABLES["transactions"].names == (
        "customer_id",
        "date",
        "amount",
        "quantity",
        "category",
        "channel",
        "consumer_role",
    )
    assert {c.name for c in CUSTOMERS.columns if c.identifier} == {
        "first_name",
        "last_name",
        "email",
        "phone",
    }


def test_customer_id_is_required():
    with pytest.raises(DataError) as caught:
        Dataset(pd.DataFrame({"name": ["a"]}))
    assert caught.value.key == "error.missing_column"
    assert caught.value.params == {"table": "customers", "column": "customer_id"}


def test_clean_minimal_data_has_only_the_no_purchases_note():
    report = validate(_dataset({"customer_id": ["a", "b"]}))
    assert report.ok
    assert [issue.key for issue in report.issues] == ["validation.no_transactions"]


def test_soft_problems_are_reported_with_row_counts():
    report = validate(
        _dataset(
            {
                "customer_id": ["a", "b", "b", None],
                "status": ["lead", "customer", "kunde", "lead"],
                "nps_score": [10, 11, -1, 7.5],
                "acquired_at": ["2024-01-01", "not a date", None, "2099-01-01"],
                "favourite_colour": ["red", "blue", "green", "red"],
            },
            {
                "customer_id": ["a", "zz"],
                "date": ["2024-02-01", "2024-03-01"],
                "amount": [10.0, -5.0],
            },
        )
    )
    found = _keys(report)
    assert found[("customers", "customer_id", "validation.required_missing")] == 1
    assert found[("customers", "customer_id", "validation.duplicate_ids")] == 1
    assert found[("customers", "status", "validation.unknown_value")] == 1
    assert found[("customers", "nps_score", "validation.out_of_range")] == 2
    assert found[("customers", "nps_score", "validation.not_whole")] == 1
    assert found[("customers", "acquired_at", "validation.not_a_date")] == 1
    assert found[("customers", "acquired_at", "validation.future_date")] == 1
    assert ("customers", None, "validation.extra_columns") in found
    assert found[("transactions", "customer_id", "validation.unknown_customer")] == 1
    assert found[("transactions", "amount", "validation.negative_amount")] == 1
    assert not report.ok
    assert len(report.errors) == 3  # missing id, duplicate id, unparsable date


def test_missing_required_transaction_column_is_an_error():
    report = validate(_dataset({"customer_id": ["a"]}, {"customer_id": ["a"], "amount": [3.0]}))
    assert ("transactions", "date", "validation.missing_column") in _keys(report)
    assert not report.ok


def test_report_translates_into_a_table():
    report = validate(_dataset({"customer_id": ["a", "a"]}))
    frame = report.to_frame("de")
    assert list(frame.columns) == ["severity", "table", "column", "message", "rows"]
    first = frame.iloc[0]
    assert first["severity"] == "Fehler"
    assert first["column"] == "Kundennummer"
    assert first["message"] == "Kundennummer kommt mehrfach vor."
    assert report.to_frame("nb").iloc[0]["severity"] == "Feil"
