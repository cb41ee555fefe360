"""Column mapping: header synonyms, value evidence, one-to-one assignment, saving and reuse,
and applying a mapping (conversion, categories, splitting purchase files)."""

import json

import pandas as pd
import pytest

from kundenmodell import DataError, io
from kundenmodell.io.mapping import normalise, synonyms


def _targets(mapping: io.Mapping) -> dict[str, str | None]:
    return {entry.source: entry.target for entry in mapping.entries}


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ("Kundennummer", "customer_id"),
        ("Kunden-Nr.", "customer_id"),
        ("KUNDEN NR", "customer_id"),
        ("customer id", "customer_id"),
        ("kundenummer", "customer_id"),
        ("Vorname", "first_name"),
        ("first name", "first_name"),
        ("fornavn", "first_name"),
        ("Umsatz", "amount"),
        ("Betrag", "amount"),
        ("amount", "amount"),
        ("beløp", "amount"),
        ("PLZ", "postcode"),
        ("zip", "postcode"),
        ("postnummer", "postcode"),
        ("Geburtsdatum", "birth_date"),
        ("date of birth", "birth_date"),
        ("fødselsdato", "birth_date"),
        ("E-Mail-Adresse", "email"),
        ("e-post", "email"),
        ("Vertriebsweg", "channel"),
        ("distribution channel", "channel"),
        ("bestillingskanal", "channel"),
    ],
)
def test_header_synonyms_in_three_languages(header, target):
    # an amount alone is no purchase; beside a purchase date it is (a channel beside both)
    columns = {"amount": [header, "Kaufdatum"], "channel": [header, "Kaufdatum", "Betrag"]}
    columns = columns.get(target, [header])
    mapping = io.suggest_mapping(columns, table="auto")
    assert mapping.entries[0].target == target
    assert mapping.entries[0].confidence >= 0.95


def test_normalising_folds_case_umlauts_and_punctuation():
    assert normalise("Kunden-Nr.") == "kundennr"
    assert normalise("Straße") == normalise("STRASSE") == "strasse"
    assert normalise("Fødselsdato") == "fodselsdato"
    assert normalise("Empfehlungswert (0–10)") == "empfehlungswert010"


def test_synonyms_are_data_and_name_only_real_columns():
    table = synonyms()
    assert table.headers["kundennummer"][0] == "customer_id"
    assert table.values["customer_type"]["firmenkunde"] == "b2b"
    assert len(table.headers) > 300


def test_near_misses_and_containing_headers_score_lower():
    mapping = io.suggest_mapping(["Kundenummmer", "Telefon (mobil)", "Gurkenglas"], "customers")
    entries = {entry.source: entry for entry in mapping.entries}
    assert entries["Kundenummmer"].target == "customer_id"
    assert entries["Kundenummmer"].confidence == pytest.approx(0.6)
    assert (entries["Telefon (mobil)"].target, entries["Telefon (mobil)"].confidence) == (
        "phone",
        0.8,
    )
    assert entries["Gurkenglas"].target is None


def test_the_table_limits_the_targets():
    assert _targets(io.suggest_mapping(["Kundennummer", "Betrag"], "customers"))["Betrag"] is None
    purchases = io.suggest_mapping(["Kundennummer", "Datum", "Betrag"], "transactions")
    assert _targets(purchases) == {
        "Kundennummer": "customer_id",
        "Datum": "date",
        "Betrag": "amount",
    }


def test_values_find_emails_phones_scores_and_an_id_without_telling_headers():
    sample = pd.DataFrame(
        {
            "A": ["K1", "K2", "K3", "K4"],
            "B": ["a@x.de", "b@y.com", "c@z.org", "d@w.net"],
            "C": ["+49 151 1234567", "0171 7654321", "+49 30 1234567", "089 12345678"],
            "D": pd.array([9, 10, 3, 7], dtype="Int64"),
        }
    )
    mapping = io.suggest_mapping(sample.columns, "customers", sample)
    entries = {entry.source: entry for entry in mapping.entries}
    assert {source: entry.target for source, entry in entries.items()} == {
        "A": "customer_id",
        "B": "email",
        "C": "phone",
        "D": "nps_score",
    }
    assert {entry.reason for entry in entries.values()} == {"values"}
    assert entries["A"].confidence == pytest.approx(0.35)  # a unique column, no id-like name


def test_values_that_contradict_the_header_lower_its_confidence():
    sample = pd.DataFrame({"Kundennummer": ["1", "2"], "E-Mail": ["ja", "nein"]})
    entry = io.suggest_mapping(sample.columns, "customers", sample).entries[1]
    assert (entry.target, entry.confidence) == ("email", 0.5)


def test_each_canonical_column_goes_to_the_best_source_once():
    mapping = io.suggest_mapping(["Subtotal", "Total", "Email", "Created at"], "auto")
    assert _targets(mapping) == {
        "Subtotal": None,
        "Total": "amount",
        "Email": "email",
        "Created at": "date",
    }


def test_a_customer_file_never_gets_half_a_purchase():
    # "Umsatz 2024" looks like an amount, but without a purchase date there are no purchases
    mapping = io.suggest_mapping(["Kundennummer", "Umsatz 2024", "Kunde seit"], "auto")
    assert _targets(mapping) == {
        "Kundennummer": "customer_id",
        "Umsatz 2024": None,
        "Kunde seit": "acquired_at",
    }
    # a lone date beside customer columns is when the customer came
    mapping = io.suggest_mapping(["Kundennummer", "Vorname", "Datum"], "auto")
    assert _targets(mapping)["Datum"] == "acquired_at"


def test_mapping_json_round_trip_and_reuse():
    mapping = io.suggest_mapping(["Kundennummer", "Vorname", "Notiz"], "auto").with_targets(
        {"Notiz": "industry"}
    )
    text = mapping.to_json()
    data = json.loads(text)
    assert data["version"] == 1 and data["columns"] == ["Kundennummer", "Vorname", "Notiz"]
    again = io.Mapping.from_json(text)
    assert again == mapping
    wider = again.for_columns(["Notiz", "Neu", "Vorname", "Kundennummer"])
    assert _targets(wider) == {
        "Notiz": "industry",
        "Neu": None,
        "Vorname": "first_name",
        "Kundennummer": "customer_id",
    }
    with pytest.raises(DataError) as caught:
        again.for_columns(["Kundennummer"])
    assert caught.value.key == "error.io.mapping_mismatch"
    assert caught.value.params == {"columns": "Vorname, Notiz"}


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"version": 2, "entries": []}',
        '{"version": 1, "entries": [{"source": "A", "target": "shoe_size"}]}',
    ],
)
def test_anything_else_is_not_a_mapping(text):
    with pytest.raises(DataError) as caught:
        io.Mapping.from_json(text)
    assert caught.value.key == "error.io.bad_mapping"


def _apply(frame: pd.DataFrame, targets: dict[str, str | None]) -> io.Mapped:
    mapping = io.suggest_mapping(frame.columns, "auto").with_targets(targets)
    return io.map_table(frame, mapping)


def test_applying_converts_to_canonical_kinds_and_values():
    frame = pd.DataFrame(
        {
            "Nr": pd.array([1, 2, 3], dtype="Int64"),
            "Typ": ["Firmenkunde", "privat", "Verein"],
            "Status": ["Interessent", "Kunde", None],
            "PLZ": pd.array([1067, 10115, None], dtype="Int64"),
            "Seit": ["31.12.2023", "gestern", "01.02.2024"],
            "NPS": ["9", "10", "7,0"],
        }
    )
    mapped = _apply(
        frame,
        {
            "Nr": "customer_id",
            "Typ": "customer_type",
            "Status": "status",
            "PLZ": "postcode",
            "Seit": "acquired_at",
            "NPS": "nps_score",
        },
    )
    customers = mapped.customers
    assert list(customers["customer_id"]) == ["1", "2", "3"]
    assert list(customers["customer_type"]) == ["b2b", "b2c", "Verein"]  # unknown stays
    assert list(customers["status"].fillna("-")) == ["prospect", "customer", "-"]
    assert list(customers["postcode"].fillna("-")) == ["1067", "10115", "-"]
    assert customers["acquired_at"].iloc[0] == pd.Timestamp("2023-12-31")
    assert list(customers["nps_score"]) == [9, 10, 7]
    assert str(customers["nps_score"].dtype) == "Int64"
    (finding,) = mapped.findings
    assert (finding.issue.key, finding.issue.column, finding.issue.rows) == (
        "validation.not_a_date",
        "acquired_at",
        1,
    )
    assert finding.issue.examples == ("gestern",)
    assert finding.mask.tolist() == [False, True, False]


@pytest.mark.parametrize(
    ("targets", "key"),
    [
        ({"A": "first_name", "B": None}, "error.io.no_id_column"),
        ({"A": "customer_id", "B": "customer_id"}, "error.io.duplicate_target"),
        ({"A": "customer_id", "B": "amount"}, "error.io.purchase_date_missing"),
        ({"A": "customer_id", "B": "date"}, "error.io.purchase_amount_missing"),
    ],
)
def test_mappings_that_cannot_work_are_explained(targets, key):
    frame = pd.DataFrame({"A": ["1", "2"], "B": ["3", "4"]})
    with pytest.raises(DataError) as caught:
        _apply(frame, targets)
    assert caught.value.key == key


def test_apply_mapping_gives_a_dataset_of_the_upload():
    frame = pd.DataFrame({"Kunde": ["a", "b", "a"], "Datum": ["01.01.2024"] * 3, "Wert": [1, 2, 3]})
    mapping = io.suggest_mapping(frame.columns, "auto").with_targets(
        {"Kunde": "customer_id", "Datum": "date", "Wert": "amount"}
    )
    mapping = io.Mapping(**{**mapping.__dict__, "currency": "NOK", "locale": "nb_NO"})
    data = io.apply_mapping(frame, mapping, name="bestellungen")
    assert (data.name, data.source, data.currency, data.locale) == (
        "bestellungen",
        "upload",
        "NOK",
        "nb_NO",
    )
    assert (data.n_customers, data.n_transactions, data.revenue) == (2, 3, 6.0)
