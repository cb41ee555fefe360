"""Several files → one data set: joining hand-made customer and purchase tables on the customer
number, and the join report's counts, examples and words."""

from dataclasses import replace

import pandas as pd
import pytest

import kundenmodell as km
from kundenmodell.combine import Part, combine, id_key, tables_of
from kundenmodell.i18n import LANGUAGES, t


def _customers(ids, **columns) -> km.Dataset:
    return km.Dataset(customers=pd.DataFrame({"customer_id": ids, **columns}), name="crm")


def _purchases(ids, amounts, dates=None, name="shop") -> km.Dataset:
    dates = dates or [f"2024-01-{day + 1:02d}" for day in range(len(ids))]
    transactions = pd.DataFrame(
        {"customer_id": ids, "date": pd.to_datetime(dates), "amount": amounts}
    )
    customers = pd.DataFrame({"customer_id": list(dict.fromkeys(ids))})
    return km.Dataset(customers=customers, transactions=transactions, name=name)


def test_which_table_a_part_fills_is_judged_from_its_contents():
    assert tables_of(_customers(["1"], city=["Kiel"])) == {"customers"}
    assert tables_of(_customers(["1"])) == {"customers"}  # an id list is a customer list
    assert tables_of(_purchases(["1"], [5.0])) == {"transactions"}


def test_a_customer_file_and_a_purchase_file_with_mismatched_ids():
    crm = _customers(["A1", "A2", "A3"], status=["customer", "lead", "customer"])
    shop = _purchases(["A1", "A1", "B7", "B8", "B8"], [10.0, 20.0, 5.5, 1.0, 2.0])
    data = combine([crm, shop])
    report = data.join_report
    assert (data.n_customers, data.n_transactions) == (5, 5)  # B7 and B8 added without details
    assert data.customers["customer_id"].tolist() == ["A1", "A2", "A3", "B7", "B8"]
    assert data.customers["status"].isna().tolist() == [False, False, False, True, True]
    assert (report.unknown_purchases, report.unknown_customers) == (3, 2)
    assert report.unknown_revenue == pytest.approx(8.5)
    assert report.unknown_examples == ("B7", "B8")
    assert (report.without_purchases, report.without_examples) == (2, ("A2", "A3"))
    assert [part.tables for part in report.parts] == [("customers",), ("transactions",)]
    assert not data.validate().errors  # no purchase without its customer


def test_leading_zeros_are_reported_and_unified_only_when_asked():
    crm = _customers(["00123", "00124", "K-7"], city=["Kiel", "Bonn", "Ulm"])
    shop = _purchases(["123", "124", "k7", "999"], [1.0, 2.0, 3.0, 4.0])
    plain = combine([crm, shop])
    assert plain.join_report.variants == 3
    assert plain.join_report.variant_examples[0] == ("00123", "123")
    assert plain.join_report.unknown_purchases == 4  # nothing matched by exact number
    assert plain.n_customers == 7

    unified = combine([crm, shop], unify_ids=True)
    report = unified.join_report
    assert report.unified == 3 and report.unknown_purchases == 1
    assert unified.transactions["customer_id"].tolist() == ["00123", "00124", "K-7", "999"]
    assert unified.customers["customer_id"].tolist() == ["00123", "00124", "K-7", "999"]
    assert unified.customers["city"].tolist()[:3] == ["Kiel", "Bonn", "Ulm"]


def test_float_ids_from_a_spreadsheet_match_after_unifying():
    crm = _customers(["123.0", "124.0"], age=[30, 40])
    shop = _purchases(["123", "124", "124"], [1.0, 2.0, 3.0])
    assert combine([crm, shop]).join_report.variants == 2
    data = combine([crm, shop], unify_ids=True)
    assert data.join_report.unknown_purchases == 0
    assert data.transactions["customer_id"].tolist() == ["123.0", "124.0", "124.0"]


def test_id_key_folds_the_formats_but_keeps_different_numbers_apart():
    ids = pd.Series(["00123", " 123 ", "K-123", "k123", "123.0", "1230", "K 0123", "Ø-09", "000"])
    assert id_key(ids).tolist() == ["123", "123", "k123", "k123", "123", "1230", "k123", "ø9", "0"]


def test_purchases_in_two_exports_are_counted_once_but_repeats_inside_one_file_stay():
    january = _purchases(["1", "1", "2"], [10.0, 10.0, 7.0], ["2024-01-05"] * 3, name="jan")
    overlap = _purchases(["2", "3"], [7.0, 4.0], ["2024-01-05", "2024-02-01"], name="feb")
    data = combine([january, overlap])
    assert data.n_transactions == 4  # the two equal purchases of customer 1 both count
    assert data.join_report.duplicates["transactions"] == 1
    assert data.join_report.derived_customers
    assert data.customers["customer_id"].tolist() == ["1", "2", "3"]
    assert data.revenue == pytest.approx(31.0)


def test_purchases_only_gives_the_customers_of_the_purchases():
    data = combine([_purchases(["5", "6", "5"], [1.0, 2.0, 3.0])])
    assert data.customers["customer_id"].tolist() == ["5", "6"]
    assert data.join_report.derived_customers and data.join_report.unknown_purchases == 0


def test_customers_only_keeps_the_customer_table():
    crm = _customers(["1", "2"], nps_score=[9, 3])
    data = combine([crm])
    assert data.customers.equals(crm.customers)
    assert data.n_transactions == 0 and data.join_report.without_purchases == 0


def test_two_customer_files_merge_and_report_conflicting_attributes():
    crm = _customers(["1", "2", "3"], city=["Kiel", "Bonn", None], nps_score=[9, 7, 8])
    newsletter = _customers(["2", "3", "4"], city=["Köln", "Ulm", "Jena"], nps_score=[7, 8, 1])
    data = combine([Part.of(crm, name="crm"), Part.of(newsletter, name="newsletter")])
    report = data.join_report
    assert data.customers["customer_id"].tolist() == ["1", "2", "3", "4"]
    assert data.customers["city"].tolist() == ["Kiel", "Bonn", "Ulm", "Jena"]  # first wins
    assert report.merged == 2
    assert [(c.column, c.customers) for c in report.conflicts] == [("city", 1)]
    assert report.conflicts[0].examples == ("2: Bonn / Köln",)


def test_three_files_customers_and_two_purchase_exports():
    crm = _customers(["1", "2", "3"], status=["customer"] * 3)
    shop = _purchases(["1", "2"], [10.0, 20.0], name="shop")
    store = _purchases(["2", "3", "4"], [5.0, 6.0, 7.0], name="store")
    data = combine([shop, crm, store])
    report = data.join_report
    assert data.name == "shop + crm + store"
    assert (data.n_customers, data.n_transactions) == (4, 5)
    assert data.customers["customer_id"].tolist() == ["1", "2", "3", "4"]
    assert (report.unknown_purchases, report.unknown_examples) == (1, ("4",))
    assert report.unknown_revenue == pytest.approx(7.0)
    assert report.without_purchases == 0
    assert [part.name for part in report.parts] == ["shop", "crm", "store"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_report_speaks_every_language_and_escapes_the_files_values(lang):
    crm = _customers(["*1*", "2"], city=["Kiel", "Bonn"])
    shop = _purchases(["<b>", "2"], [3.0, 4.0])
    lines = combine([crm, shop]).join_report.lines(lang)
    levels = [level for level, _ in lines]
    assert levels == ["success", "warning", "info"]
    assert "\\<b\\>" in lines[1][1] and "\\*1\\*" in lines[2][1]
    assert all("{" not in text for _, text in lines)


def test_km_load_joins_a_list_of_files(tmp_path):
    customers = tmp_path / "kunden.csv"
    customers.write_text("Kundennummer;Ort\n0042;Kiel\n0043;Bonn\n", encoding="utf-8")
    purchases = tmp_path / "kaeufe.csv"
    purchases.write_text(
        "Kundennummer;Datum;Betrag\n42;01.02.2024;12,50\n0043;03.02.2024;7,00\n",
        encoding="utf-8",
    )
    data = km.load([customers, purchases])
    assert (data.n_customers, data.n_transactions) == (3, 2)
    assert data.join_report.variant_examples == (("0042", "42"),)
    joined = km.load([customers, purchases], unify_ids=True)
    assert (joined.n_customers, joined.revenue) == (2, 19.5)
    assert joined.join_report.unknown_purchases == 0
    with pytest.raises(km.DataError):
        km.load([])


def test_many_numbers_written_differently_are_counted_and_three_shown():
    crm = _customers([f"{i:06d}" for i in range(1, 501)])
    shop = _purchases([str(i) for i in range(1, 501)], [1.0] * 500, ["2024-03-01"] * 500)
    report = combine([crm, shop]).join_report
    assert report.variants == 500 and report.unknown_purchases == 500
    assert report.variant_examples == (("000001", "1"), ("000002", "2"), ("000003", "3"))
    unified = combine([crm, shop], unify_ids=True)
    assert unified.join_report.unified == 500 and unified.join_report.unknown_purchases == 0
    assert unified.n_customers == 500


def test_interactions_of_two_sources_are_stacked_once():
    contacts = pd.DataFrame(
        {
            "customer_id": ["1", "2"],
            "date": pd.to_datetime(["2024-01-02"] * 2),
            "kind": ["call"] * 2,
        }
    )
    first = km.Dataset(
        customers=pd.DataFrame({"customer_id": ["1", "2"], "city": ["A", "B"]}),
        interactions=contacts,
        name="crm",
    )
    later = km.Dataset(
        customers=pd.DataFrame({"customer_id": ["3"]}),
        interactions=pd.concat(
            [contacts.iloc[1:], contacts.iloc[1:].assign(customer_id="3")], ignore_index=True
        ),
        name="service",
    )
    data = combine([first, later])
    assert data.interactions["customer_id"].tolist() == ["1", "2", "3"]
    assert data.join_report.duplicates["interactions"] == 1
    assert data.join_report.interactions == 3
    assert data.customers["customer_id"].tolist() == ["1", "2", "3"]


def test_purchase_files_in_two_currencies_are_reported():
    euro = _purchases(["1"], [10.0], name="de")
    crowns = replace(_purchases(["2"], [100.0], name="no"), currency="NOK")
    report = combine([euro, crowns]).join_report
    assert report.currencies == ("EUR", "NOK")
    assert report.lines("en")[-1] == (
        "warning",
        t("join_report.currencies", "en", currencies="EUR, NOK", currency="EUR"),
    )
