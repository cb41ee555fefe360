"""The upload validation report: problems with examples and the file's row numbers, a profile
per column, and dropping the affected rows on request."""

import numpy as np
import pandas as pd

from kundenmodell import Dataset, io, validate
from kundenmodell.io.report import UploadReport
from kundenmodell.schema import Finding, Issue, find_issues

CSV = (
    "Kundennummer;E-Mail;Weiterempfehlung;Geburtsdatum;Kaufdatum;Betrag\n"
    "1;a@web.de;9;01.01.1980;02.01.2024;10,00\n"
    "2;kaputt;11;01.01.1850;03.01.2024;-5,00\n"  # bad e-mail, NPS 11, born 1850, a return
    "2;kaputt;11;01.01.1850;01.01.2099;7,50\n"  # the same customer again, a future date
    "3;c@gmx.de;7;gestern;04.01.2024;20,00\n"  # a date nobody can read
)


def _mapped() -> io.Mapped:
    loaded = io.read_table(CSV.encode("cp1252"))
    mapping = io.suggest_mapping(loaded.frame.columns, "auto", loaded)
    return io.map_table(loaded.frame, mapping, name="t", first_row=loaded.first_row)


def _by_key(report: io.UploadReport) -> dict[str, tuple]:
    return {
        f.issue.key: (f.issue.table, f.issue.rows, f.issue.examples, f.issue.row_numbers)
        for f in report.findings
    }


def test_findings_name_examples_and_the_rows_of_the_file():
    report = io.validate_upload(_mapped())
    found = _by_key(report)
    assert found["validation.io.bad_email"] == ("customers", 1, ("kaputt",), (3,))
    assert found["validation.out_of_range"] == ("customers", 1, ("11",), (3,))
    assert found["validation.io.date_too_old"] == ("customers", 1, ("1850-01-01",), (3,))
    assert found["validation.not_a_date"] == ("customers", 1, ("gestern",), (5,))
    assert found["validation.negative_amount"] == ("transactions", 1, ("-5",), (3,))
    assert found["validation.future_date"] == ("transactions", 1, ("2099-01-01",), (4,))
    frame = report.to_frame("de")
    row = frame[frame["message"] == "Keine gültige E-Mail-Adresse."].iloc[0]
    assert (row["column"], row["examples"], row["row_numbers"]) == ("E-Mail", "kaputt", "3")


def test_the_profile_gives_type_missing_share_and_flagged_values_per_column():
    profile = io.validate_upload(_mapped()).profile_frame("de").set_index(["column", "source"])
    assert profile.loc[("Geburtsdatum", "Geburtsdatum"), "kind"] == "Datum"
    assert profile.loc[("Geburtsdatum", "Geburtsdatum"), "missing"] == "33\u00a0%"  # 1 of 3
    assert profile.loc[("Geburtsdatum", "Geburtsdatum"), "invalid"] == 2  # unreadable, 1850
    assert profile.loc[("Betrag", "Betrag"), "kind"] == "Zahl"


def test_dropping_rows_removes_them_and_their_findings():
    mapped = _mapped()
    report = io.validate_upload(mapped)
    chosen = [i for i, f in enumerate(report.findings) if f.issue.key == "validation.io.bad_email"]
    kept = mapped.without(report.masks(chosen))
    assert list(kept.customers["customer_id"]) == ["1", "3"]
    assert set(kept.transactions["customer_id"]) == {"1", "3"}  # customer 2's purchases go too
    again = _by_key(io.validate_upload(kept))
    assert "validation.io.bad_email" not in again
    assert "validation.negative_amount" not in again
    assert again["validation.not_a_date"][3] == (5,)  # row numbers stay the file's


def test_dropping_identifiers_skips_their_checks():
    report = io.validate_upload(_mapped(), privacy="drop")
    assert "validation.io.bad_email" not in _by_key(report)
    assert "email" not in set(report.profile["column"])


def test_duplicate_customer_numbers_in_a_customer_file():
    loaded = io.read_table(b"Kundennummer;Name\n7;A\n7;B\n8;C\n")
    mapping = io.suggest_mapping(loaded.frame.columns, "auto", loaded)
    mapped = io.map_table(loaded.frame, mapping)
    report = io.validate_upload(mapped)
    assert _by_key(report)["validation.duplicate_ids"] == ("customers", 1, ("7",), (3,))
    index = report.droppable[0]
    kept = mapped.without(report.masks([index]))
    assert list(kept.customers["last_name"]) == ["A", "C"]  # the first of the two stays


def test_schema_findings_carry_masks_and_the_report_stays_compatible():
    data = Dataset(
        pd.DataFrame({"customer_id": ["a", "b"], "email": ["a@x.de", "no"]}),
        pd.DataFrame(
            {"customer_id": ["a", "z"], "date": ["2024-01-01", "1899-12-31"], "amount": [1.0, 2.0]}
        ),
    )
    findings = {f.issue.key: f for f in find_issues(data)}
    assert findings["validation.io.bad_email"].mask.tolist() == [False, True]
    assert findings["validation.unknown_customer"].mask.tolist() == [False, True]
    assert findings["validation.io.date_too_old"].issue.row_numbers == (2,)
    assert list(validate(data).to_frame("en").columns) == [
        "severity",
        "table",
        "column",
        "message",
        "rows",
    ]


def test_only_warnings_and_errors_are_offered_for_dropping():
    rows = np.array([True, False])
    findings = tuple(
        Finding(Issue(severity, "customers", "email", f"validation.{severity}", rows=1), mask)
        for severity, mask in [
            ("info", rows),
            ("warning", rows),
            ("error", rows),
            ("warning", None),  # about a whole column: nothing to drop
            ("error", np.array([False, False])),
        ]
    )
    report = UploadReport(findings, pd.DataFrame())
    assert report.droppable == (0, 1, 2)
    assert report.offered_for_dropping == (1, 2)
