"""Validation: purchases dated before the customer was born or first contacted."""

import pandas as pd

from kundenmodell import Dataset
from kundenmodell.i18n import LANGUAGES, t
from kundenmodell.schema import find_issues, validate


def _data(customers: dict, purchases: list[tuple[str, str]]) -> Dataset:
    transactions = pd.DataFrame(purchases, columns=["customer_id", "date"])
    transactions["date"] = pd.to_datetime(transactions["date"])
    transactions["amount"] = 10.0
    return Dataset(customers=pd.DataFrame(customers), transactions=transactions)


def _finding(data: Dataset, key: str):
    found = [finding for finding in find_issues(data) if finding.issue.key == key]
    assert len(found) <= 1
    return found[0] if found else None


def test_purchase_before_birth_date():
    data = _data(
        {
            "customer_id": ["A", "B", "C"],
            "birth_date": pd.to_datetime(["1990-05-01", "2010-03-15", None]),
        },
        [
            ("A", "1989-12-24"),  # before A was born
            ("A", "2024-01-02"),
            ("B", "2010-03-14"),  # the day before B's birth
            ("B", "2010-03-15"),  # on the birthday: fine
            ("C", "1950-01-01"),  # no birth date: nothing to say
            ("X", "1900-01-01"),  # unknown customer: another finding's business
        ],
    )
    finding = _finding(data, "validation_dates.before_birth")
    assert finding.issue.severity == "warning"
    assert (finding.issue.table, finding.issue.column) == ("transactions", "date")
    assert finding.mask.tolist() == [True, False, True, False, False, False]
    assert finding.issue.rows == 2 and finding.issue.row_numbers == (1, 3)
    assert finding.issue.examples == ("A", "B")
    assert _finding(data, "validation_dates.before_acquired") is None


def test_age_implies_the_earliest_birth_date():
    # The data ends on 2025-06-30. Aged 30 then, D was born between 1994-07 and 1995-06: a
    # purchase in 1994-01 is too early for any reading of the age, one in 1995-01 is not.
    data = _data(
        {"customer_id": ["D", "E", "F"], "age": [30, None, 30]},
        [
            ("D", "1994-01-10"),
            ("D", "1995-01-10"),
            ("E", "1960-01-01"),
            ("F", "2025-06-30"),
        ],
    )
    finding = _finding(data, "validation_dates.before_birth")
    assert finding.mask.tolist() == [True, False, False, False]
    # A birth date, where given, wins over the age.
    data.customers["birth_date"] = pd.to_datetime(["1993-01-01", None, None])
    assert _finding(data, "validation_dates.before_birth") is None


def test_purchase_before_first_contact():
    data = _data(
        {
            "customer_id": [1, 2],
            "acquired_at": ["2023-04-01", "not a date"],
        },
        [(1, "2023-03-31"), (1, "2023-04-01"), (2, "2001-01-01"), (1, "2020-01-01")],
    )
    finding = _finding(data, "validation_dates.before_acquired")
    assert finding.mask.tolist() == [True, False, False, True]
    assert finding.issue.examples == ("1",)
    report = validate(data)
    assert any(issue.key == "validation_dates.before_acquired" for issue in report.warnings)
    for lang in LANGUAGES:
        message = report.to_frame(lang)["message"]
        assert t("validation_dates.before_acquired", lang) in set(message)


def test_no_dates_no_finding():
    data = _data({"customer_id": ["A"]}, [("A", "2024-01-01")])
    keys = {finding.issue.key for finding in find_issues(data)}
    assert not keys & {"validation_dates.before_birth", "validation_dates.before_acquired"}
