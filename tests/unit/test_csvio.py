"""Spreadsheet CSV: dialects per language, formula neutralisation, exact round trips."""

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from kundenmodell.csvio import neutralise_formulas, read_canonical_csv, to_csv_bytes, unprotect


def _purchases() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["C1", "C2"],
            "date": pd.to_datetime(["2024-12-31", "2025-01-02"]),
            "amount": [1234.5, 0.25],
            "quantity": pd.array([1, 3], dtype="Int64"),
            "category": ['=HYPERLINK("x")', "Spielwaren"],
        }
    )


def test_german_excel_dialect():
    data = to_csv_bytes(_purchases(), "de")
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, as Excel writes it
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Kundennummer;Datum;Betrag;Menge;Kategorie"
    assert lines[1] == 'C1;31.12.2024;1234,5;1;"\'=HYPERLINK(""x"")"'
    assert lines[2] == "C2;02.01.2025;0,25;3;Spielwaren"


def test_english_dialect():
    lines = to_csv_bytes(_purchases(), "en").decode("utf-8").splitlines()
    assert lines[0] == "Customer number,Date,Amount,Quantity,Category"
    assert lines[2] == "C2,2025-01-02,0.25,3,Spielwaren"


def test_round_trip_restores_values_and_dtypes():
    original = _purchases()
    for lang in ("de", "en", "nb"):
        back = read_canonical_csv(to_csv_bytes(original, lang), lang, "transactions")
        assert list(back.columns) == list(original.columns)
        pd.testing.assert_frame_equal(back, original, check_dtype=False)
        assert back["date"].dtype.kind == "M"
        assert str(back["quantity"].dtype) == "Int64"


@given(st.lists(st.text(max_size=12), min_size=1, max_size=20))
def test_neutralised_text_never_starts_a_formula_and_unprotects_exactly(values):
    series = pd.Series(values, dtype="string")
    safe = neutralise_formulas(series)
    plain_number = safe.str.fullmatch(r"[+\-][\d\s()./,+\-]*")
    assert not (safe.str.startswith(("=", "+", "-", "@", "\t", "\r")) & ~plain_number).any()
    pd.testing.assert_series_equal(unprotect(safe), series)


def test_phone_numbers_and_signed_numbers_stay_readable_but_formulas_are_guarded():
    values = pd.Series(
        [
            "+49 151 1234567",
            "-12,5",
            "+1 (555) 010-9999",
            "-2+3",
            "+A1",
            "@SUM(A1)",
            "=1+1",
            "-cmd|' /C calc'!A0",
            "'quoted",
            "plain",
        ]
    )
    assert list(neutralise_formulas(values)) == [
        "+49 151 1234567",
        "-12,5",
        "+1 (555) 010-9999",
        "-2+3",
        "'+A1",
        "'@SUM(A1)",
        "'=1+1",
        "'-cmd|' /C calc'!A0",
        "''quoted",
        "plain",
    ]
