"""Property: whatever the workbench writes, it reads back unchanged, in every format.

Frames of text, decimal numbers, whole numbers (with gaps) and dates go out through the safe
CSV export in the German, English and Norwegian spreadsheet dialects, the Excel export, Parquet
and JSON lines, and come back through :func:`kundenmodell.io.load_table` with the same values and
the same kinds of column. Texts contain at least one letter (a column of digits is a number
column in any CSV) and include separators, quotes, line breaks, umlauts and formula starters.
"""

import io

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kundenmodell.io import load_table, to_csv_bytes, to_xlsx_bytes

EXCEL_ERRORS = {"#N/A", "#NV", "#DIV/0!", "#VALUE!", "#WERT!", "#REF!", "#BEZUG!", "#NAME?"}
TRICKY = list("\n\t;,\"'=+-@|äöüßÄÖÜæøåÆØÅ€ ")

characters = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from(TRICKY)
texts = (
    st.text(characters, min_size=1, max_size=15)
    .filter(lambda text: any(char.isalpha() for char in text))
    .filter(lambda text: text.strip() not in EXCEL_ERRORS)
)
numbers = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
whole = st.integers(min_value=-(10**12), max_value=10**12)
days = st.dates(
    min_value=pd.Timestamp("1900-01-01").date(), max_value=pd.Timestamp("2100-12-31").date()
)


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(min_value=1, max_value=25))

    def column(values: st.SearchStrategy, gaps: bool) -> list:
        cells = draw(st.lists(st.none() | values if gaps else values, min_size=n, max_size=n))
        if all(cell is None for cell in cells):
            cells[0] = draw(values)
        return cells

    notes = column(texts, gaps=True)
    numbers_, counts, dates = (column(v, gaps=True) for v in (numbers, whole, days))
    for row in range(n):  # a row without any value is no row in a spreadsheet
        if all(cells[row] is None for cells in (notes, numbers_, counts, dates)):
            notes[row] = draw(texts)
    return pd.DataFrame(
        {
            "Notiz": pd.Series(notes, dtype="str"),
            "Wert": pd.Series(numbers_, dtype="float64"),
            "Anzahl": pd.Series(counts, dtype="Int64"),
            "Tag": pd.to_datetime(pd.Series(dates)).astype("datetime64[us]"),
        }
    )


def _parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    return buffer.getvalue()


def _jsonl(frame: pd.DataFrame) -> bytes:
    return frame.to_json(orient="records", lines=True, date_format="iso").encode()


WRITERS = {
    "csv-de": lambda frame: to_csv_bytes(frame, "de"),
    "csv-en": lambda frame: to_csv_bytes(frame, "en"),
    "csv-nb": lambda frame: to_csv_bytes(frame, "nb"),
    "xlsx": lambda frame: to_xlsx_bytes(frame, "de"),
    "parquet": _parquet,
    "jsonl": _jsonl,
}
KINDS = {"Notiz": "O", "Wert": "f", "Anzahl": "i", "Tag": "M"}


def _kind(values: pd.Series) -> str:
    if pd.api.types.is_datetime64_any_dtype(values):
        return "M"
    if pd.api.types.is_integer_dtype(values):
        return "i"
    if pd.api.types.is_float_dtype(values):
        return "f"
    return "O"


@pytest.mark.parametrize("writer", WRITERS)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(frame=frames())
def test_written_frames_read_back_unchanged(writer, frame):
    back = load_table(WRITERS[writer](frame))
    assert list(back.columns) == list(frame.columns)
    for name, kind in KINDS.items():
        if kind == "f" and frame[name].dropna().apply(float.is_integer).all():
            kind = _kind(back[name])  # 3.0 written as 3 (JSON, Excel) is a whole number again
            assert kind in ("f", "i"), (writer, name)
        assert _kind(back[name]) == kind, (writer, name, back[name].dtype)
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)


def test_the_german_dialect_really_is_excel_german():
    frame = pd.DataFrame(
        {
            "Notiz": pd.Series(["=SUMME(A1)", 'Grüße; "Zitat"'], dtype="str"),
            "Wert": [1234.5, -0.25],
            "Tag": pd.to_datetime(["2024-12-31", "2025-01-02"]),
        }
    )
    data = to_csv_bytes(frame, "de")
    assert data.startswith(b"\xef\xbb\xbfNotiz;Wert;Tag\n'=SUMME(A1);1234,5;31.12.2024\n")
    pd.testing.assert_frame_equal(load_table(data), frame, check_dtype=False)
