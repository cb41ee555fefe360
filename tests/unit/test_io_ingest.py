"""The ingest corpus (tests/data/ingest, written by make_files.py there): real-shaped exports
parse to the values a person reading them would expect, and map without a question."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kundenmodell import io
from kundenmodell.i18n import t

CORPUS = Path(__file__).resolve().parents[1] / "data" / "ingest"


def _ingest(name: str, sheet: str | None = None) -> tuple[io.LoadedTable, io.Mapping, io.Mapped]:
    loaded = io.read_table(CORPUS / name, sheet=sheet)
    mapping = io.suggest_mapping(loaded.frame.columns, "auto", loaded)
    mapped = io.map_table(loaded.frame, mapping, name=name, first_row=loaded.first_row)
    return loaded, mapping, mapped


def _targets(mapping: io.Mapping) -> dict[str, str | None]:
    return {entry.source: entry.target for entry in mapping.entries}


GERMAN_TARGETS = {
    "Kunden-Nr.": "customer_id",
    "Anrede": "gender",
    "Vorname": "first_name",
    "Nachname": "last_name",
    "E-Mail-Adresse": "email",
    "Telefon": "phone",
    "PLZ": "postcode",
    "Ort": "city",
    "Geburtsdatum": "birth_date",
    "Kunde seit": "acquired_at",
    "Jahreseinkommen": "income",
    "Weiterempfehlung": "nps_score",
    "Kundentyp": "customer_type",
    "Bemerkung": None,
}


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter"),
    [
        ("kunden_excel_cp1252.csv", "cp1252", ";"),
        ("kunden_excel_utf8_bom.csv", "utf-8-sig", ";"),
        ("kunden_unicode_text.txt", "utf-16", "\t"),
    ],
)
def test_german_excel_export_loads_with_umlauts_and_maps_completely(name, encoding, delimiter):
    loaded, mapping, mapped = _ingest(name)
    assert (loaded.encoding, loaded.delimiter, loaded.decimal, loaded.dayfirst) == (
        encoding,
        delimiter,
        ",",
        True,
    )
    frame = loaded.frame
    assert list(frame.columns) == list(GERMAN_TARGETS)  # the empty trailing column is gone
    assert list(frame["Nachname"]) == ["Müller", "Schäfer", "Weiß", "Groß", "Öztürk"]
    assert list(frame["PLZ"]) == ["01067", "80331", "10115", "50667", "70173"]  # zeros kept
    assert frame["Telefon"].iloc[0] == "0351 4711-0"
    assert frame["Geburtsdatum"].iloc[1] == pd.Timestamp("1984-02-29")
    assert pd.isna(frame["Geburtsdatum"].iloc[3])
    assert frame["Jahreseinkommen"].tolist()[:2] == [54300.0, 61250.5]
    assert frame["Jahreseinkommen"].iloc[4] == 1234.56
    assert str(frame["Weiterempfehlung"].dtype) == "Int64"
    assert _targets(mapping) == GERMAN_TARGETS
    assert (mapping.currency, mapping.locale) == ("EUR", "de_DE")
    customers = mapped.customers
    assert list(customers["customer_id"]) == ["10001", "10002", "10003", "10004", "10005"]
    assert list(customers["gender"]) == ["male", "female", "female", "male", "diverse"]
    assert list(customers["customer_type"]) == ["b2c", "b2c", "b2b", "b2c", "b2c"]
    report = io.validate_upload(mapped)
    assert report.validation.ok and not report.validation.warnings


def test_cp1252_and_utf8_bom_exports_give_identical_frames():
    cp1252 = io.load_table(CORPUS / "kunden_excel_cp1252.csv")
    utf8 = io.load_table(CORPUS / "kunden_excel_utf8_bom.csv")
    pd.testing.assert_frame_equal(cp1252, utf8)


def test_norwegian_export_with_space_thousands_and_kroner():
    loaded, mapping, mapped = _ingest("kunder_norsk.csv")
    frame = loaded.frame
    assert loaded.currency == "NOK"
    assert list(frame["Postnummer"]) == ["0150", "5003", "9008"]
    assert frame["Årsinntekt"].tolist()[:2] == [612500.0, 1045000.5]
    assert frame["Fødselsdato"].iloc[0] == pd.Timestamp("1979-12-24")
    assert _targets(mapping) == {
        "Kundenummer": "customer_id",
        "Fornavn": "first_name",
        "Etternavn": "last_name",
        "E-post": "email",
        "Mobil": "phone",
        "Postnummer": "postcode",
        "Poststed": "city",
        "Fødselsdato": "birth_date",
        "Kunde siden": "acquired_at",
        "Kjønn": "gender",
        "Årsinntekt": "income",
    }
    assert (mapping.currency, mapping.locale) == ("NOK", "nb_NO")
    assert list(mapped.customers["gender"]) == ["female", "male", "female"]
    assert list(mapped.customers["first_name"]) == ["Åse", "Ødegård", "Kari"]


def test_hubspot_export_in_english():
    loaded, mapping, mapped = _ingest("hubspot_contacts.csv")
    assert (loaded.delimiter, loaded.decimal) == (",", ".")
    assert loaded.frame["Create Date"].iloc[0] == pd.Timestamp("2023-05-04 09:15")
    assert loaded.frame["Company Name"].iloc[2] == "Bletchley, Park & Co"
    targets = _targets(mapping)
    assert targets["Record ID"] == "customer_id"
    assert targets["Lifecycle Stage"] == "status"
    assert targets["Create Date"] == "acquired_at"
    assert targets["Postal Code"] == "postcode"
    assert (mapping.currency, mapping.locale) == ("USD", "en_US")
    customers = mapped.customers
    assert list(customers["status"]) == ["customer", "contact", "lead"]
    assert customers["acquired_at"].iloc[0] == pd.Timestamp("2023-05-04")  # a day, no time
    assert list(customers["postcode"]) == ["22201", "SW1A 1AA", "MK3 6EB"]
    findings = io.validate_upload(mapped).to_frame("en")
    bad_email = findings[findings["message"] == t("validation.io.bad_email", "en")].iloc[0]
    assert (bad_email["rows"], bad_email["examples"], bad_email["row_numbers"]) == (
        1,
        "not-an-email",
        "4",
    )


def test_shopify_orders_become_customers_by_email_and_purchases():
    loaded, mapping, mapped = _ingest("shopify_orders.csv")
    frame = loaded.frame
    assert frame["Created at"].iloc[0] == pd.Timestamp("2024-03-05 14:20:02")  # wall clock
    assert frame["Lineitem name"].iloc[0] == "Wool socks, grey"
    targets = _targets(mapping)
    assert targets["Email"] == "email"
    assert targets["Total"] == "amount"  # Total, not Subtotal
    assert targets["Created at"] == "date"
    assert targets["Name"] is None  # the order number is no name
    assert targets["Financial Status"] is None  # "paid" is no lifecycle status
    assert mapping.currency == "EUR"  # from the Currency column
    assert mapped.id_from_email
    assert list(mapped.customers["customer_id"]) == ["jane.doe@example.com", "max@example.org"]
    assert mapped.customers["last_name"].iloc[0] == "Jane Doe"
    purchases = mapped.transactions
    assert list(purchases["customer_id"]) == ["jane.doe@example.com"] * 2 + [
        "max@example.org",
        "jane.doe@example.com",
    ]
    assert purchases["amount"].iloc[[0, 2, 3]].tolist() == [64.8, 120.0, -19.95]
    report = io.validate_upload(mapped)
    keys = {(f.issue.key, f.issue.row_numbers) for f in report.findings}
    assert ("validation.required_missing", (3,)) in keys  # the second line item has no total
    assert ("validation.negative_amount", (5,)) in keys  # the refund
    missing = next(
        i for i, f in enumerate(report.findings) if f.issue.key == "validation.required_missing"
    )
    kept = mapped.without(report.masks([missing]))
    assert len(kept.transactions) == 3 and len(kept.customers) == 2


def test_salesforce_us_dates_are_month_first():
    loaded, mapping, mapped = _ingest("salesforce_contacts.csv")
    assert loaded.dayfirst is False
    assert list(loaded.frame["Birthdate"]) == list(
        pd.to_datetime(["1980-03-05", "1975-11-30", "1990-07-04"])
    )
    assert list(loaded.frame["Created Date"]) == list(
        pd.to_datetime(["2024-01-02", "2024-02-01", "2023-12-31"])
    )
    assert _targets(mapping)["Lead Source"] == "acquisition_channel"
    assert mapped.customers["customer_id"].iloc[0] == "0035g00000AbCdE"


def test_one_row_per_purchase_is_split_into_customers_and_purchases():
    _loaded, mapping, mapped = _ingest("bestellungen_kombiniert.csv")
    assert _targets(mapping)["Bestelldatum"] == "date"
    assert _targets(mapping)["Warengruppe"] == "category"
    customers = mapped.customers
    assert list(customers["customer_id"]) == ["K-1", "K-2", "K-3"]
    # the first value given per customer (K-1's third purchase has no e-mail)
    assert customers["email"].iloc[0] == "lena.krueger@web.de"
    assert list(customers["postcode"].fillna("-")) == ["24103", "04109", "-"]
    assert list(mapped.rows["customers"]) == [2, 4, 6]  # each customer's first line
    purchases = mapped.transactions
    assert len(purchases) == 5
    assert purchases["amount"].tolist() == [49.9, 1299.0, 12.5, -49.9, 89.0]
    assert list(purchases.columns) == ["customer_id", "date", "amount", "quantity", "category"]
    data = mapped.to_dataset()
    assert (data.n_customers, data.n_transactions, data.source) == (3, 5, "upload")
    assert data.revenue == pytest.approx(1400.5)


def test_purchases_only_file_derives_a_minimal_customer_table():
    loaded, _mapping, mapped = _ingest("kaeufe_ohne_kunden.csv")
    assert loaded.currency == "EUR"
    assert loaded.frame["Umsatz"].tolist() == [12.5, 1050.0, 7.99]
    assert loaded.frame["Kaufdatum"].iloc[1] == pd.Timestamp("2024-03-01 12:30")
    assert list(mapped.customers.columns) == ["customer_id"]
    assert list(mapped.customers["customer_id"]) == ["4711", "4712"]
    assert list(mapped.transactions["date"]) == list(
        pd.to_datetime(["2024-03-01", "2024-03-01", "2024-03-09"])
    )
    assert list(mapped.transactions["channel"]) == ["Filiale", "Online", "Online"]


def test_quoted_line_breaks_and_doubled_quotes():
    frame = io.load_table(CORPUS / "notizen_mit_zeilenumbruch.csv")
    assert frame["Notiz"].iloc[0] == "Ruft nur vormittags an.\r\nBitte nicht vor 9 Uhr."
    assert frame["Notiz"].iloc[1] == 'Sagt: "Immer per Post"'
    assert frame["Umsatz"].tolist() == [100.0, 200.5, 300.0]


def test_title_lines_above_the_header_are_skipped_and_rows_numbered_as_in_excel():
    loaded = io.read_table(CORPUS / "bericht_mit_titelzeile.csv")
    assert list(loaded.frame.columns) == ["Kundennummer", "Name", "Ort", "Umsatz"]
    assert loaded.frame["Umsatz"].tolist() == [1000.0, 250.0]
    assert loaded.first_row == 4
    assert list(loaded.row_numbers([0, 1])) == [4, 5]


def test_pipe_separated_text():
    loaded = io.read_table(CORPUS / "pipe_separated.txt")
    assert loaded.delimiter == "|"
    assert loaded.frame["nps"].tolist() == [9, 3]


def test_two_sheet_workbook_asks_for_a_sheet_and_reads_each():
    path = CORPUS / "kunden_und_kaeufe.xlsx"
    assert io.sheet_names(path) == ["Kunden", "Käufe"]  # not the empty nor the hidden sheet
    customers = io.read_table(path, sheet="Kunden")
    assert customers.sheets == ("Kunden", "Käufe")
    frame = customers.frame
    assert list(frame["PLZ"]) == ["01067", "80331", "50667"]
    assert frame["Geburtsdatum"].iloc[1] == pd.Timestamp("1984-02-29")
    assert frame["NPS"].tolist() == [9, 10, 4]
    purchases = io.load_table(path, sheet="Käufe")
    assert purchases["Betrag"].iloc[:2].tolist() == [49.9, 1299.0]
    assert np.isnan(purchases["Betrag"].iloc[2])  # a formula Excel never calculated
    assert purchases["Datum"].iloc[0] == pd.Timestamp("2024-01-02")


def test_json_lines_with_nested_objects():
    loaded, mapping, mapped = _ingest("customers.jsonl")
    assert list(loaded.frame.columns) == [
        "customer_id",
        "email",
        "nps",
        "acquired",
        "address.city",
        "address.zip",
    ]
    assert list(loaded.frame["address.zip"]) == ["0150", "5003"]
    targets = _targets(mapping)
    assert targets["address.city"] == "city"
    assert targets["address.zip"] == "postcode"
    assert targets["nps"] == "nps_score"
    assert mapped.customers["acquired_at"].iloc[1] == pd.Timestamp("2024-02-01")


def test_parquet_keeps_its_types():
    frame = io.load_table(CORPUS / "kaeufe.parquet")
    assert frame["Datum"].dtype == "datetime64[us]"
    assert frame["Betrag"].tolist() == [10.5, 20.0, 30.25]
    assert frame["PLZ"].iloc[0] == "01067"


def test_a_saved_mapping_is_reused_for_the_next_export_of_the_same_shape():
    _loaded, mapping, _ = _ingest("kunden_excel_cp1252.csv")
    corrected = mapping.with_targets({"Bemerkung": "industry", "Anrede": None})
    text = corrected.to_json()
    next_export = io.read_table(CORPUS / "kunden_unicode_text.txt")
    reused = io.Mapping.from_json(text).for_columns(next_export.frame.columns)
    assert _targets(reused)["Bemerkung"] == "industry"
    assert _targets(reused)["Anrede"] is None
    data = io.apply_mapping(next_export.frame, reused)
    assert "gender" not in data.customers.columns
    assert data.customers["industry"].iloc[2] == "Rechnung, per Post"


def test_the_apostrophe_that_keeps_digits_as_text_is_removed_from_a_csv():
    """Shopify and Excel-minded exports write ``'70173`` and ``'+49 …`` so that a spreadsheet
    keeps zip codes, ids and phone numbers as text: that apostrophe is no part of the value.
    Before a letter it is (``'s Gravenhage``); a doubled one loses one."""
    loaded = io.read_table(
        b"Customer ID,Zip,Phone,City,Note\n"
        b"'7012345678901,'70173,'+49 151 1234567,'s Gravenhage,''5 Sterne\n"
        b"'7012345678938,'01067,'0171 7654321,Stuttgart,'=SUM(A1)\n"
    )
    frame = loaded.frame
    assert list(frame["Customer ID"].astype("string")) == ["7012345678901", "7012345678938"]
    assert list(frame["Zip"]) == ["70173", "01067"]  # text, the leading zero kept
    assert list(frame["Phone"]) == ["+49 151 1234567", "0171 7654321"]
    assert list(frame["City"]) == ["'s Gravenhage", "Stuttgart"]
    assert list(frame["Note"]) == ["'5 Sterne", "=SUM(A1)"]
