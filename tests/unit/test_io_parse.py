"""Reading numbers and dates out of spreadsheet text, column by column."""

import io as std_io

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from kundenmodell import DataError, io
from kundenmodell.io import parse
from kundenmodell.io.parse import Hints, convert_lossless, infer_format, to_dates, to_numbers


def _csv(text: str, encoding: str = "utf-8") -> pd.DataFrame:
    return io.load_table(text.encode(encoding))


@pytest.mark.parametrize(
    ("values", "decimal", "expected"),
    [
        (["1.234,56", "12,5", "-3"], ",", [1234.56, 12.5, -3.0]),
        (["1,234.56", "12.5", "-3"], ".", [1234.56, 12.5, -3.0]),
        (["1 234,56", "1\u00a0000,5"], ",", [1234.56, 1000.5]),
        (["1'234.50", "2'000"], ".", [1234.5, 2000.0]),
        (["12,50 €", "€ 1.050,00", "-7,99 EUR"], ",", [12.5, 1050.0, -7.99]),
        (["$1,250,000.00", "$75.5"], ".", [1250000.0, 75.5]),
        (["1,5e3", "2,0"], ",", [1500.0, 2.0]),
    ],
)
def test_numbers_with_any_marks(values, decimal, expected):
    fmt = infer_format(values)
    assert fmt.kind == "number" and fmt.decimal == decimal
    converted = convert_lossless(pa.chunked_array([values]), fmt)
    assert converted.to_pylist() == pytest.approx(expected)


def test_ambiguous_thousands_follow_the_files_hint():
    values = ["1.234", "5.678"]
    assert not infer_format(values).certain
    german = convert_lossless(pa.chunked_array([values]), infer_format(values, Hints(",")))
    english = convert_lossless(pa.chunked_array([values]), infer_format(values, Hints(".")))
    assert german.to_pylist() == [1234, 5678]
    assert english.to_pylist() == pytest.approx([1.234, 5.678])


def test_an_unambiguous_column_decides_for_the_ambiguous_ones():
    # tab-separated: no delimiter hint; the "Preis" column can only be a decimal comma
    frame = _csv("Nr\tMenge\tPreis\n1\t1.500\t12,50\n2\t2.000\t7,25\n")
    assert frame["Menge"].tolist() == [1500, 2000]
    assert frame["Preis"].tolist() == [12.5, 7.25]


def test_codes_with_leading_zeros_and_long_digit_strings_stay_text():
    frame = _csv("id;plz;tel\n1;01067;0351123\n2;10115;030999\n")
    assert frame["plz"].tolist() == ["01067", "10115"]
    assert frame["tel"].tolist() == ["0351123", "030999"]
    assert frame["id"].tolist() == [1, 2]


def test_a_leading_zero_far_down_the_column_is_found():
    rows = "\n".join(f"{i};{10000 + i}" for i in range(5_000))
    frame = _csv(f"id;plz\n{rows}\n9999;01067\n")
    assert frame["plz"].dtype == "str"
    assert frame["plz"].iloc[-1] == "01067"


def test_missing_markers_do_not_turn_a_number_column_into_text():
    frame = _csv("id;umsatz;datum\n1;12,50;01.02.2024\n2;#N/A;NULL\n3;;-\n")
    assert frame["umsatz"].iloc[0] == 12.5 and frame["umsatz"].isna().tolist()[1:] == [True] * 2
    assert frame["datum"].iloc[0] == pd.Timestamp("2024-02-01")
    assert frame["datum"].isna().sum() == 2


def test_a_text_value_in_a_number_column_keeps_the_column_as_text():
    frame = _csv("id;umsatz\n1;12,50\n2;k. A.\n")
    assert frame["umsatz"].tolist() == ["12,50", "k. A."]


@pytest.mark.parametrize(
    ("values", "expected", "dayfirst"),
    [
        (["31.12.2024", "1.2.2024"], ["2024-12-31", "2024-02-01"], None),
        (["2024-12-31", "2024-02-01 13:45:00"], ["2024-12-31", "2024-02-01 13:45"], None),
        (
            ["2024-12-31T14:23:11+01:00", "2024-12-31 08:00:00Z"],
            ["2024-12-31 14:23:11", "2024-12-31 08:00"],
            None,
        ),
        (["12/31/2024", "2/1/2024"], ["2024-12-31", "2024-02-01"], False),
        (["31/12/2024", "2/1/2024"], ["2024-12-31", "2024-01-02"], True),
        (
            ["3/5/2024 2:15 PM", "12/31/2024 9:00 AM"],
            ["2024-03-05 14:15", "2024-12-31 09:00"],
            False,
        ),
        (["01.03.2024", "01.03.2024 12:30"], ["2024-03-01", "2024-03-01 12:30"], None),
    ],
)
def test_dates_in_the_usual_forms(values, expected, dayfirst):
    fmt = infer_format(values)
    assert fmt.kind == "date"
    if dayfirst is not None:
        assert fmt.dayfirst is dayfirst and fmt.certain
    converted = convert_lossless(pa.chunked_array([values]), fmt)
    assert converted.to_pylist() == [pd.Timestamp(value) for value in expected]


def test_day_order_without_evidence_follows_the_hint_and_flips_when_a_later_value_says_so():
    ambiguous = ["03/05/2024", "04/06/2024"]
    assert infer_format(ambiguous, Hints(dayfirst=True)).date_format == "%d/%m/%Y"
    assert infer_format(ambiguous, Hints(dayfirst=False)).date_format == "%m/%d/%Y"  # US
    assert infer_format(ambiguous).date_format == "%d/%m/%Y"  # no signal: day first
    values = pa.chunked_array([[*ambiguous, "25/12/2024"]])
    converted = convert_lossless(values, infer_format(ambiguous, Hints(dayfirst=False)))
    assert converted.to_pylist()[2] == pd.Timestamp("2024-12-25")
    assert converted.to_pylist()[0] == pd.Timestamp("2024-05-03")


def test_coercion_reads_excel_serials_and_yyyymmdd_as_dates():
    serials, bad = to_dates(pd.Series([45657, 45658.75, None, -3]))
    assert serials.tolist()[:2] == [pd.Timestamp("2024-12-31"), pd.Timestamp("2025-01-01")]
    assert pd.isna(serials.iloc[2])
    assert bad.tolist() == [False, False, False, True]
    compact, bad = to_dates(pd.Series([20241231, 20240229]))
    assert compact.tolist() == list(pd.to_datetime(["2024-12-31", "2024-02-29"]))
    assert not bad.any()


def test_a_30th_of_february_is_not_the_1st_of_march():
    values = pa.chunked_array([["28.02.2024", "30.02.2024", "31.04.2024", "29.02.2024"]])
    assert convert_lossless(values, infer_format(values.to_pylist())) is None  # stays text
    frame = _csv("id;datum\n1;31.04.2024\n2;01.05.2024\n")
    assert frame["datum"].tolist() == ["31.04.2024", "01.05.2024"]


def test_coercion_marks_the_values_it_cannot_read():
    dates, bad = to_dates(pd.Series(["31.12.2024", "gestern", None, "30.02.2024", "#N/A"]))
    assert dates.iloc[0] == pd.Timestamp("2024-12-31")
    assert bad.tolist() == [False, True, False, True, False]
    numbers, bad = to_numbers(pd.Series(["12,50", "k. A.", "1.000,00", ""]), Hints(","))
    assert numbers.iloc[0] == 12.5 and numbers.iloc[2] == 1000.0
    assert bad.tolist() == [False, True, False, False]


def test_sources_path_bytes_and_file_objects_give_the_same_frame(tmp_path):
    data = "Kundennummer;Umsatz\n1;12,50\n2;3,00\n".encode("cp1252")
    path = tmp_path / "k.csv"
    path.write_bytes(data)
    frames = [io.load_table(source) for source in (path, str(path), data, std_io.BytesIO(data))]
    for frame in frames[1:]:
        pd.testing.assert_frame_equal(frame, frames[0])


def test_unsupported_extension_is_named():
    with pytest.raises(DataError) as caught:
        io.read_table(_named(b"a;b\n1;2\n", "kunden.pdf"))
    assert (caught.value.key, caught.value.params) == (
        "error.io.unsupported_type",
        {"extension": "pdf"},
    )


def _named(data: bytes, name: str) -> std_io.BytesIO:
    buffer = std_io.BytesIO(data)
    buffer.name = name
    return buffer


def test_a_1_000_row_file_reads_every_row_once():
    rows = "\n".join(f"K{i};{i},5;{(i % 28) + 1:02d}.01.2024" for i in range(1_000))
    frame = _csv("id;wert;datum\n" + rows + "\n")
    assert len(frame) == 1_000
    assert frame["wert"].sum() == pytest.approx(sum(range(1_000)) + 500)
    assert np.all(frame["datum"].dt.year == 2024)


def test_decimals_parsed_by_pyarrow_fall_back_when_a_later_value_does_not_fit():
    head = "\n".join(f"{i};{i},5" for i in range(300))  # more rows than the sniffer looks at
    late_thousands = _csv(f"id;wert\n{head}\n300;1.234,50\n")
    assert late_thousands["wert"].iloc[-1] == 1234.5
    assert late_thousands["wert"].iloc[0] == 0.5
    late_note = _csv(f"id;wert\n{head}\n300;k. A.\n")
    assert late_note["wert"].dtype == "str"
    assert late_note["wert"].iloc[-1] == "k. A."


@pytest.mark.parametrize("slice_rows", [200_000, 400])  # one slice, or several in threads
@pytest.mark.parametrize(("pattern", "text_format"), [("dotted", "%d.%m.%Y"), ("us", "%m/%d/%Y")])
def test_fixed_width_dates_read_from_the_bytes_agree_with_the_calendar(
    pattern, text_format, slice_rows, monkeypatch
):
    monkeypatch.setattr(parse, "_PARALLEL_ROWS", slice_rows)
    rng = np.random.default_rng(7)
    days = pd.Timestamp("1600-01-01") + pd.to_timedelta(rng.integers(0, 182_000, 3_000), "D")
    text = [day.strftime(text_format) for day in days] + [None, None]
    values = pa.chunked_array(
        [pa.array(text[:1_500], pa.large_string()), pa.array(text[1_500:], pa.large_string())]
    )
    fmt = infer_format([value for value in text[:500] if value], Hints(dayfirst=True))
    converted = convert_lossless(values, fmt)
    expected = [pd.Timestamp(value).to_pydatetime() for value in days] + [None, None]
    assert converted.to_pylist() == expected


@pytest.mark.parametrize(
    ("text", "readable"),
    [
        ("29.02.2024", True),  # a leap year
        ("29.02.2000", True),  # divisible by 400
        ("29.02.1900", False),  # divisible by 100 only
        ("29.02.2023", False),
        ("31.04.2024", False),
        ("31.12.2024", True),
        ("00.12.2024", False),
        ("15.13.2024", False),
    ],
)
def test_fixed_width_dates_reject_days_the_calendar_does_not_have(text, readable):
    fmt = parse.ColumnFormat("date", date_format="%d.%m.%Y", family="dotted")
    values = pa.chunked_array([pa.array(["01.01.2024", text], pa.large_string())])
    dates = parse._fixed_width_dates(values, fmt)
    assert (dates is not None) == readable
    if readable:
        assert dates.to_pylist()[1] == pd.Timestamp(pd.to_datetime(text, dayfirst=True))
