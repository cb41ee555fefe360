"""Identifiers, dates and numbers are never changed without a word (issue 17, classes 4 and 5).

Every file here is written by hand; the expected values are what a person reads in it.
"""

import datetime as dt
import io as _io
import json
import zipfile

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from kundenmodell import io
from kundenmodell.io.mapping import Mapping, Suggestion
from kundenmodell.io.parse import Hints, to_dates, to_numbers
from kundenmodell.io.prepare import coerce
from kundenmodell.schema import CUSTOMERS


def _mapped(loaded: io.LoadedTable, targets: dict[str, str]) -> io.Mapped:
    """``loaded`` mapped with ``targets`` (source column → canonical column)."""
    entries = tuple(Suggestion(source, target, 1.0, "user") for source, target in targets.items())
    mapping = Mapping(entries, decimal=loaded.decimal, dayfirst=loaded.dayfirst)
    return io.map_table(loaded.frame, mapping, **loaded.mapping_options)


def _notes(loaded: io.LoadedTable, key: str) -> list:
    return [note for note in loaded.notes if note.key == key]


# --- identifiers --------------------------------------------------------------------------------


def test_long_ids_with_a_placeholder_stay_text_and_distinct_customers():
    data = b"Kundennummer;Umsatz\n12345678901234567;1\n12345678901234568;2\n-;3\nn/a;4\n"
    loaded = io.read_table(data)
    assert loaded.frame["Kundennummer"].tolist() == [
        "12345678901234567",
        "12345678901234568",
        "-",
        "n/a",
    ]
    ids = _mapped(loaded, {"Kundennummer": "customer_id"}).customers["customer_id"]
    assert ids.tolist()[:2] == ["12345678901234567", "12345678901234568"]
    assert ids.iloc[2:].isna().all()  # the placeholders are no customer numbers


@pytest.mark.parametrize(
    "values",
    [
        ["0", "00", "-0", "0.0"],
        ["0", "-0", "0.0"],  # no leading zero: still three spellings of one number
        ["1", "1.0", "2"],
        ["7", "+7"],
        ["-0", "5"],
        [str(2**53), "5"],  # float64 would not keep it
        ["123456789012345678901234567890", "n/a", "5"],  # beyond int64, with a placeholder
        ["1.23457E+16", "1.23458E+16"],  # long ids Excel shortened: the digits are gone
        ["1,23457E+15", "2,5E+15"],
    ],
)
def test_ids_that_would_not_read_back_stay_text_exactly(values):
    data = ("Kundennummer;Name\n" + "".join(f"{v};x\n" for v in values)).encode()
    loaded = io.read_table(data)
    assert loaded.formats["Kundennummer"].kind == "text"
    assert loaded.frame["Kundennummer"].tolist() == values
    ids = _mapped(loaded, {"Kundennummer": "customer_id"}).customers["customer_id"]
    written = [value for value in values if value != "n/a"]
    assert ids.dropna().tolist() == written
    assert ids.dropna().nunique() == len(written)


def test_small_plain_integers_are_integers_negative_ones_too():
    data = f"Nummer;Menge\n1;-5\n{2**53 - 1};0\n3;12\n".encode()
    loaded = io.read_table(data)
    assert loaded.frame["Nummer"].dtype == "Int64"
    assert loaded.frame["Nummer"].tolist() == [1, 2**53 - 1, 3]
    assert loaded.frame["Menge"].tolist() == [-5, 0, 12]
    ids = _mapped(loaded, {"Nummer": "customer_id"}).customers["customer_id"]
    assert ids.tolist() == ["1", str(2**53 - 1), "3"]


def test_amounts_stay_numbers_when_each_value_is_written_one_way():
    loaded = io.read_table(b"Nr;Betrag;Rabatt\n1;12,50;5,00\n2;0,99;10,00\n3;-0,5;0,00\n")
    assert loaded.frame["Betrag"].tolist() == [12.5, 0.99, -0.5]
    assert loaded.frame["Rabatt"].tolist() == [5.0, 10.0, 0.0]
    spelt_twice = io.read_table(b"Nr;Rabatt\n1;5,00\n2;5\n3;-\n")
    assert spelt_twice.frame["Rabatt"].tolist() == ["5,00", "5", "-"]  # could be ids: as written
    discount, bad = coerce(spelt_twice.frame["Rabatt"], CUSTOMERS.column("income"), Hints(","))
    assert discount.tolist()[:2] == [5.0, 5.0] and not bad.any()


def test_float_zeros_of_both_signs_stay_numbers_and_ids_as_written():
    loaded = io.read_table(
        io.to_csv_bytes(pd.DataFrame({"Nr": ["a", "b"], "Wert": [0.0, -0.0]}), "de")
    )
    assert loaded.frame["Wert"].tolist() == [0.0, 0.0]
    ids = _mapped(loaded, {"Wert": "customer_id"}).customers["customer_id"]
    assert ids.tolist() == ["0,0", "-0,0"]  # as written, two customers


def test_ids_written_as_floats_stay_as_written_when_mapped():
    loaded = io.read_table(b"Kundennummer;Umsatz\n1.0;2,50\n2.0;3,50\n")
    assert loaded.frame["Kundennummer"].tolist() == [1.0, 2.0]  # a number column to look at
    ids = _mapped(loaded, {"Kundennummer": "customer_id"}).customers["customer_id"]
    assert ids.tolist() == ["1.0", "2.0"]
    assert list(loaded.written) == ["Kundennummer"]  # amounts with cents keep no text


def test_ids_round_trip_through_our_own_csv_export():
    ids = ["00123", "0", "-0", "0.0", "12345678901234567", "123456789012345678901234567890"]
    frame = pd.DataFrame({"customer_id": ids, "first_name": ["A", "B", "C", "D", "E", "F"]})
    for lang in ("de", "en", "nb"):
        loaded = io.read_table(io.to_csv_bytes(frame, lang))
        source = loaded.frame.columns[0]
        assert loaded.frame[source].tolist() == ids
        customers = _mapped(loaded, {source: "customer_id"}).customers
        assert customers["customer_id"].tolist() == ids
        assert customers["customer_id"].nunique() == len(ids)


def test_json_ids_beyond_int64_keep_every_digit():
    lines = b'{"id": 123456789012345678901234567890, "v": 1.5}\n{"id": 5, "v": 2}\n'
    loaded = io.read_table(lines)
    assert loaded.frame["id"].tolist() == ["123456789012345678901234567890", "5"]
    ids = _mapped(loaded, {"id": "customer_id"}).customers["customer_id"]
    assert ids.tolist() == ["123456789012345678901234567890", "5"]


def _xlsx(rows: list[list], exact: dict[str, str]) -> bytes:
    """A workbook of ``rows``; each number cell written as a key of ``exact`` then holds that
    text (openpyxl writes large integers as floats, other tools write every digit)."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = _io.BytesIO()
    book.save(out)
    copy = _io.BytesIO()
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(copy, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                for written, wanted in exact.items():
                    content = content.replace(
                        f"<v>{written}</v>".encode(), f"<v>{wanted}</v>".encode()
                    )
            target.writestr(item, content)
    return copy.getvalue()


def test_excel_ids_keep_their_digits_and_whole_number_cells_lose_only_the_point_zero():
    data = _xlsx(
        [
            ["Kundennummer", "Gross", "Gerundet", "Code"],
            [1.0, 424242, 2.0**60, "00123"],
            [2, 5, 5.0, "123"],
            [3.0, None, None, "0"],
        ],
        {"424242": "12345678901234567"},
    )
    loaded = io.read_table(data)
    frame = loaded.frame
    assert frame["Kundennummer"].dtype == "Int64" and frame["Kundennummer"].tolist() == [1, 2, 3]
    assert frame["Gross"].tolist()[:2] == ["12345678901234567", "5"]  # an exact integer cell
    assert frame["Gerundet"].dtype == "float64"  # a number Excel itself holds as a double
    assert frame["Code"].tolist() == ["00123", "123", "0"]
    for source, expected in [
        ("Kundennummer", ["1", "2", "3"]),
        ("Gross", ["12345678901234567", "5"]),
        ("Gerundet", ["1.152921504606847e+18", "5"]),  # no invented digits
        ("Code", ["00123", "123", "0"]),
    ]:
        ids = _mapped(loaded, {source: "customer_id"}).customers["customer_id"]
        assert ids.dropna().tolist() == expected


def test_id_text_from_a_float_column_only_drops_the_point_zero_of_whole_cells():
    text, bad = coerce(pd.Series([1.0, 2.5, None, 2.0**60]), CUSTOMERS.column("customer_id"))
    assert text.tolist()[:2] == ["1", "2.5"] and pd.isna(text.iloc[2])
    assert text.iloc[3] == "1.152921504606847e+18"
    assert not bad.any()


# --- time zones ---------------------------------------------------------------------------------


def test_json_lines_keep_the_wall_clock_time_like_csv():
    lines = (
        b'{"id": 1, "t": "2024-03-01T23:30:00+02:00", "n": {"t": "2024-03-31T23:30:00-05:00"}}\n'
        b'{"id": 2, "t": "2024-03-02T00:30:00+02:00", "n": {"t": null}}\n'
    )
    loaded = io.read_table(lines)
    assert loaded.frame["t"].tolist() == [
        pd.Timestamp("2024-03-01 23:30"),
        pd.Timestamp("2024-03-02 00:30"),
    ]
    assert loaded.frame["n.t"].iloc[0] == pd.Timestamp("2024-03-31 23:30")
    csv = io.read_table(b"id;t\n1;2024-03-01T23:30:00+02:00\n2;2024-03-02T00:30:00+02:00\n")
    assert csv.frame["t"].tolist() == loaded.frame["t"].tolist()


def test_json_arrays_keep_the_wall_clock_time_nested_too():
    records = [
        {"id": 1, "t": "2024-03-01T23:30:00+02:00", "x": {"t": "2024-12-31T23:00:00-08:00"}},
        {"id": 2, "t": "2024-03-02T00:30:00+02:00", "x": {"t": "2024-01-01T00:15:00+01:00"}},
    ]
    loaded = io.read_table(json.dumps(records).encode())
    assert loaded.frame["t"].dt.day.tolist() == [1, 2]
    assert loaded.frame["x.t"].tolist() == [
        pd.Timestamp("2024-12-31 23:00"),
        pd.Timestamp("2024-01-01 00:15"),
    ]
    mapped = _mapped(loaded, {"id": "customer_id", "x.t": "acquired_at"})
    assert mapped.customers["acquired_at"].tolist() == [
        pd.Timestamp("2024-12-31"),
        pd.Timestamp("2024-01-01"),
    ]


def test_parquet_times_with_a_zone_keep_their_wall_clock_time():
    utc = pa.array([dt.datetime(2024, 3, 1, 22, 30)], pa.timestamp("us", tz="UTC"))
    table = pa.table({"id": [1], "t": utc.cast(pa.timestamp("us", tz="Europe/Berlin"))})
    out = _io.BytesIO()
    pq.write_table(table, out)
    assert io.read_table(out.getvalue()).frame["t"].iloc[0] == pd.Timestamp("2024-03-01 23:30")


# --- day order ----------------------------------------------------------------------------------


def _day_order_file(header: str, spend: tuple[str, str], delimiter: str = ",") -> bytes:
    rows = [header, f"1{delimiter}03/04/2024{delimiter}{spend[0]}"]
    rows.append(f"2{delimiter}05/06/2024{delimiter}{spend[1]}")
    return ("\n".join(rows) + "\n").encode()


@pytest.mark.parametrize(
    ("data", "day", "month"),
    [
        (_day_order_file("Postcode,Joined,Spend", ("12.50", "3")), 3, 4),  # en-GB header word
        (_day_order_file("Nr,Joined,Spend", ("£12.50", "£3")), 3, 4),
        (_day_order_file("Nr,Joined,Spend", ("12.50 €", "3 €")), 3, 4),
        (_day_order_file("Nr;Joined;Spend", ("12,50", "3"), ";"), 3, 4),
        (_day_order_file("Nr,Joined,Spend", ("$12.50", "$3")), 4, 3),  # dollars alone: US
        (_day_order_file("Nr,Joined,Spend", ("12.50", "3")), 3, 4),  # nothing says: day first
    ],
)
def test_an_ambiguous_day_order_follows_the_file_and_says_so(data, day, month):
    loaded = io.read_table(data)
    assert loaded.frame["Joined"].iloc[0] == pd.Timestamp(2024, month, day)
    (note,) = _notes(loaded, "read_note.values.day_order")
    assert note.severity == "warning" and note.source == "Joined"
    assert note.rows == (2, 3) and note.count == 2 and note.examples == ("03/04/2024",)
    assert dict(note.params) == {"example": "03/04/2024", "day": day, "month": month, "year": 2024}
    first = loaded.frame.columns[0]
    report = io.validate_upload(_mapped(loaded, {first: "customer_id", "Joined": "acquired_at"}))
    shown = report.to_frame("en")
    message = shown[shown["column"] == "Acquired on"]["message"].iloc[0]
    assert f"day {day}, month {month}, 2024" in message


def test_a_certain_date_column_decides_the_day_order_of_an_ambiguous_one():
    data = b"Nr,Joined,Ordered\n1,03/04/2024,12/25/2024\n2,05/06/2024,01/02/2024\n"
    loaded = io.read_table(data)
    assert loaded.frame["Joined"].tolist() == [
        pd.Timestamp("2024-03-04"),
        pd.Timestamp("2024-05-06"),
    ]
    assert [note.source for note in _notes(loaded, "read_note.values.day_order")] == ["Joined"]


def test_no_day_order_note_where_the_values_decide():
    loaded = io.read_table(b"Nr,Joined\n1,03/04/2024\n2,25/06/2024\n3,03/03/2024\n")
    assert loaded.frame["Joined"].iloc[0] == pd.Timestamp("2024-04-03")
    assert _notes(loaded, "read_note.values.day_order") == []


# --- two-digit years ----------------------------------------------------------------------------


def test_two_digit_years_pivot_like_excel_and_say_so():
    loaded = io.read_table(b"Nr;Kaufdatum\n1;01.02.45\n2;03.04.29\n3;05.06.30\n")
    assert loaded.frame["Kaufdatum"].tolist() == [
        pd.Timestamp("1945-02-01"),
        pd.Timestamp("2029-04-03"),
        pd.Timestamp("1930-06-05"),
    ]
    (note,) = _notes(loaded, "read_note.values.two_digit_year")
    assert note.source == "Kaufdatum" and note.rows == (2, 3, 4) and note.count == 3
    assert dict(note.params) == {"pivot": "29", "after": "30", "example": "01.02.45", "year": 1945}


def test_two_and_four_digit_years_in_one_column():
    loaded = io.read_table(b"Nr,Joined\n1,25/02/2024\n2,03/04/45\n")
    assert loaded.frame["Joined"].tolist() == [
        pd.Timestamp("2024-02-25"),
        pd.Timestamp("1945-04-03"),
    ]
    (note,) = _notes(loaded, "read_note.values.two_digit_year")
    assert note.rows == (3,) and note.examples == ("03/04/45",)
    mixed = io.read_table(b"Nr;Datum\n1;2024-03-01\n2;03.04.45\n3;2024-03-02\n")
    assert mixed.frame["Datum"].iloc[1] == pd.Timestamp("1945-04-03")
    (note,) = _notes(mixed, "read_note.values.two_digit_year")
    assert note.rows == (3,)  # the ISO dates have four-digit years
    dotted, bad = to_dates(pd.Series(["01.02.2024", "03.04.45", "x"]))
    assert dotted.tolist()[:2] == [pd.Timestamp("2024-02-01"), pd.Timestamp("1945-04-03")]
    assert bad.tolist() == [False, False, True]


def test_two_digit_birth_years_are_never_in_the_future():
    this_year = dt.date.today().year % 100
    next_year = (this_year + 1) % 100
    data = f"Nr;Geburtsdatum\n1;01.02.{next_year:02d}\n2;03.04.{this_year:02d}\n".encode()
    loaded = io.read_table(data)
    assert loaded.frame["Geburtsdatum"].dt.year.tolist() == [1900 + next_year, 2000 + this_year]
    (note,) = _notes(loaded, "read_note.values.two_digit_year")
    assert note.params["pivot"] == f"{this_year:02d}"
    text = pd.Series([f"01.02.{next_year:02d}", "x"])
    births, bad = coerce(text, CUSTOMERS.column("birth_date"))
    assert births.iloc[0] == pd.Timestamp(1900 + next_year, 2, 1) and bad.tolist() == [False, True]
    assert to_dates(pd.Series(["01/02/28"]))[0].iloc[0] == pd.Timestamp("2028-02-01")


# --- numbers that are no numbers ----------------------------------------------------------------


def test_overflow_and_infinity_never_reach_the_amounts():
    data = b"Nr,Datum,Betrag\n1,2024-01-02,12.5\n2,2024-01-03,1e309\n3,2024-01-04,inf\n"
    loaded = io.read_table(data)
    assert loaded.frame["Betrag"].tolist() == ["12.5", "1e309", "inf"]  # kept as written
    mapped = _mapped(loaded, {"Nr": "customer_id", "Datum": "date", "Betrag": "amount"})
    amounts = mapped.transactions["amount"]
    assert amounts.iloc[0] == 12.5 and amounts.iloc[1:].isna().all()
    (finding,) = [f.issue for f in mapped.findings if f.issue.column == "amount"]
    assert finding.key == "validation.not_a_number" and finding.rows == 2
    assert finding.examples == ("1e309", "inf")
    shown = io.validate_upload(mapped).to_frame("en")
    assert shown[shown["column"] == "Amount"]["row_numbers"].iloc[0] == "3, 4"


def test_infinity_in_a_typed_file_is_set_aside_with_its_rows():
    table = pa.table({"id": [1, 2, 3], "amount": [1.5, float("inf"), float("-inf")]})
    out = _io.BytesIO()
    pq.write_table(table, out)
    loaded = io.read_table(out.getvalue())
    assert loaded.frame["amount"].iloc[0] == 1.5 and loaded.frame["amount"].iloc[1:].isna().all()
    (note,) = _notes(loaded, "read_note.values.not_finite")
    assert note.source == "amount" and note.rows == (3, 4) and note.examples == ("inf", "-inf")
    numbers, bad = to_numbers(pd.Series([2.0, np.inf]))
    assert numbers.iloc[0] == 2.0 and pd.isna(numbers.iloc[1]) and bad.tolist() == [False, True]


def test_accounting_negatives_are_negative():
    german = io.read_table(b"Nr;Saldo\n1;(12,50)\n2;1.234,56-\n3;3,00\n4;-7,25\n")
    assert german.frame["Saldo"].tolist() == [-12.5, -1234.56, 3.0, -7.25]
    english = io.read_table(b'Nr,Balance\n1,"(1,234.56)"\n2,12.50-\n3,"1,000.00"\n')
    assert english.frame["Balance"].tolist() == [-1234.56, -12.5, 1000.0]
    numbers, bad = to_numbers(pd.Series(["(12,50)", "12,50-", "(12,50 €)", "x"]), Hints(","))
    assert numbers.tolist()[:3] == [-12.5, -12.5, -12.5] and bad.tolist() == [0, 0, 0, 1]


# --- dates in mixed forms -----------------------------------------------------------------------


def test_a_column_mixing_iso_and_dotted_dates_reads_each_by_its_form():
    loaded = io.read_table(b"Nr;Datum\n1;2024-03-01\n2;01.02.2024\n3;2024-12-31 10:00\n")
    assert loaded.frame["Datum"].tolist() == [
        pd.Timestamp("2024-03-01"),
        pd.Timestamp("2024-02-01"),
        pd.Timestamp("2024-12-31 10:00"),
    ]


def test_a_value_that_is_no_date_is_a_finding_not_the_whole_column():
    loaded = io.read_table(b"Nr;Datum;Betrag\n1;2024-03-01;1\n2;01.02.2024;2\n3;bald;3\n")
    assert loaded.formats["Datum"].kind == "text"
    mapped = _mapped(loaded, {"Nr": "customer_id", "Datum": "date", "Betrag": "amount"})
    assert mapped.transactions["date"].tolist()[:2] == [
        pd.Timestamp("2024-03-01"),
        pd.Timestamp("2024-02-01"),
    ]
    (finding,) = [f.issue for f in mapped.findings if f.issue.column == "date"]
    assert finding.key == "validation.not_a_date" and finding.examples == ("bald",)
    assert finding.rows == 1


def test_mapping_reads_a_dotted_date_the_sample_did_not_see():
    values = ["2024-01-02"] * 2000
    values[530] = "31.12.2023"  # between the sampled runs
    values[1999] = "2023-13-45"
    dates, bad = to_dates(pd.Series(values, dtype="str"))
    assert dates.iloc[530] == pd.Timestamp("2023-12-31") and dates.iloc[0] == pd.Timestamp(
        "2024-01-02"
    )
    assert np.flatnonzero(bad).tolist() == [1999]
    contradicting = pd.Series(["25/12/2024", "26/12/2024", "12/27/2024"])
    dates, bad = to_dates(contradicting)
    assert dates.iloc[0] == pd.Timestamp("2024-12-25") and bad.tolist() == [False, False, True]


def test_json_overflow_and_infinity_stay_text_and_become_findings():
    lines = b'{"Nr": 1, "Betrag": 1e309}\n{"Nr": 2, "Betrag": Infinity}\n{"Nr": 3, "Betrag": 2.5}\n'
    loaded = io.read_table(lines)
    assert loaded.frame["Betrag"].tolist() == ["inf", "inf", "2.5"]
    amounts, bad = coerce(loaded.frame["Betrag"], CUSTOMERS.column("income"))
    assert amounts.iloc[2] == 2.5 and amounts.iloc[:2].isna().all()
    assert bad.tolist() == [True, True, False]


def test_accounting_negatives_in_excel_text_cells():
    loaded = io.read_table(_xlsx([["Nr", "Saldo"], [1, "(12,50)"], [2, "3,00-"], [3, "4,75"]], {}))
    assert loaded.frame["Saldo"].tolist() == [-12.5, -3.0, 4.75]


def test_a_day_order_guessed_at_mapping_is_a_finding_too():
    loaded = io.read_table(b"Nr,Joined\n1,03/04/2024\n2,soon\n3,05/05/2024\n4,06/07/2024\n")
    assert loaded.formats["Joined"].kind == "text" and loaded.notes == ()
    mapped = _mapped(loaded, {"Nr": "customer_id", "Joined": "acquired_at"})
    assert mapped.customers["acquired_at"].tolist()[::3] == [
        pd.Timestamp("2024-04-03"),
        pd.Timestamp("2024-07-06"),
    ]
    found = {f.issue.key: f.issue for f in mapped.findings}
    guess = found["read_note.values.day_order"]
    assert guess.column == "acquired_at" and guess.rows == 2  # 05/05 reads the same either way
    assert guess.row_numbers == (1, 4) and guess.examples == ("03/04/2024", "06/07/2024")
    assert dict(guess.params) == {"example": "03/04/2024", "day": 3, "month": 4, "year": 2024}
    assert found["validation.not_a_date"].examples == ("soon",)
    rows = io.validate_upload(mapped).to_frame("en")
    shown = rows[rows["message"].str.contains("day 3, month 4, 2024")]
    assert shown["row_numbers"].tolist() == ["2, 5"]  # the file's rows
