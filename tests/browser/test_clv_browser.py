"""The customer-value page in a real browser: charts render, tabs switch, the CSVs download
(the call list for the CRM among them)."""

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from kundenmodell.sample import SAMPLE_DIR
from tests.browser.waiting import screenshot

pytestmark = pytest.mark.browser


def test_customer_value_page_in_german(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1400, "height": 2200})  # the whole tab in one picture
    page.goto(app_url)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("button", name="Beispieldaten laden").click()
    expect(sidebar.get_by_text("kunden_de")).to_be_visible()

    sidebar.get_by_role("link", name="Kundenwert").click()
    expect(page.get_by_role("heading", name="Kundenwert (Customer Lifetime Value)")).to_be_visible()
    expect(page.get_by_text("Kunden mit Käufen")).to_be_visible()
    charts = page.get_by_test_id("stVegaLiteChart")
    expect(charts.first.locator("canvas, svg").first).to_be_visible()
    expect(page.get_by_text(re.compile(r"Kundenwert gesamt \(12 Monate\)"))).to_be_visible()
    screenshot(page, artifacts / "clv_01_value_de.png")

    tabs = page.get_by_role("tab")
    tabs.filter(has_text="Top-Kunden").click()
    expect(page.get_by_role("heading", name="Die wertvollsten Kunden")).to_be_visible()
    screenshot(page, artifacts / "clv_02_top_de.png")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Kundenwerte aller Kunden herunterladen (CSV)").click()
    text = download_info.value.path().read_bytes().decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("Kundennummer;Wiederholungskäufe;")
    assert "Aktiv-Wahrscheinlichkeit" in lines[0]
    assert len(lines) > 100

    tabs.filter(has_text="Aktiv-Wahrscheinlichkeit").click()
    expect(
        page.get_by_role("heading", name="Wie wahrscheinlich kauft ein Kunde noch?")
    ).to_be_visible()
    screenshot(page, artifacts / "clv_03_alive_de.png")

    tabs.filter(has_text="Modellgüte").click()
    expect(page.get_by_text("Tatsächliche Wiederholungskäufe")).to_be_visible()
    screenshot(page, artifacts / "clv_04_fit_de.png")

    tabs.filter(has_text="Kundenbindung").click()
    expect(page.get_by_role("heading", name=re.compile("Kundenbindung"))).to_be_visible()
    screenshot(page, artifacts / "clv_05_retention_de.png")


def test_customer_value_page_in_english(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1400, "height": 2200})
    page.goto(f"{app_url}/customer-value?lang=en")
    sidebar = page.get_by_test_id("stSidebar")
    expect(page.get_by_text("No data loaded yet.", exact=False).first).to_be_visible()
    sidebar.get_by_test_id("stSelectbox").nth(1).click()
    page.get_by_role("option", name="US shop (CSV, $)").click()
    sidebar.get_by_role("button", name="Load sample data").click()
    expect(
        page.get_by_role("heading", name="Customer value (customer lifetime value)")
    ).to_be_visible()
    expect(page.get_by_text("Customers with purchases")).to_be_visible()
    expect(
        page.get_by_test_id("stVegaLiteChart").first.locator("canvas, svg").first
    ).to_be_visible()
    screenshot(page, artifacts / "clv_06_value_en.png")
    page.get_by_role("tab").filter(has_text="Retention").click()
    expect(
        page.get_by_role("heading", name=re.compile("Retention: who is still buying"))
    ).to_be_visible()
    screenshot(page, artifacts / "clv_07_retention_en.png")


SAMPLE = SAMPLE_DIR


def _purchases_with_formula_ids(path: Path) -> Path:
    """The German sample's purchases in one file, every customer number turned into a
    spreadsheet formula (``=2+5*C0000001``): what a hostile export could hold."""
    read = {"sep": ";", "dtype": str, "encoding": "utf-8-sig"}
    purchases = pd.read_csv(SAMPLE / "kaeufe_de.csv", **read)[["Kundennummer", "Datum", "Betrag"]]
    purchases["Kundennummer"] = "=2+5*" + purchases["Kundennummer"]
    purchases.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    return path


def test_the_call_list_downloads_for_the_crm_with_formulas_defused(
    page: Page, app_url, artifacts, tmp_path
):
    page.goto(app_url)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Daten hochladen").click(
        timeout=120_000
    )
    main = page.get_by_test_id("stMainBlockContainer")
    upload = _purchases_with_formula_ids(tmp_path / "kaeufe_formeln.csv")
    main.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(upload)
    page.get_by_role("button", name="Diese Daten verwenden").click(timeout=60_000)
    expect(sidebar.get_by_text("kaeufe_formeln")).to_be_visible()

    sidebar.get_by_role("link", name="Kundenwert").click()
    expect(page.get_by_role("heading", name="Wen Sie diese Woche anrufen sollten")).to_be_visible(
        timeout=60_000
    )
    screenshot(page, artifacts / "clv_08_call_list_de.png")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Anrufliste für das CRM (CSV)").click()
    assert download_info.value.suggested_filename == "kaeufe_formeln_call_list.csv"
    text = download_info.value.path().read_bytes().decode("utf-8-sig")  # opens in Excel (BOM)
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:2] == ["Kundennummer", "Name"]
    assert "Kauft noch (Wahrscheinlichkeit)" in header and "Auf dem Spiel" in header
    assert not [name for name in header if re.fullmatch(r"[a-z_0-9]+", name)]  # no codes
    assert 1 <= len(body) <= 200 and all(len(row) == len(header) for row in body)
    ids = [row[0] for row in body]
    assert all(re.fullmatch(r"'=2\+5\*C\d{7}", value) for value in ids), ids[:3]  # as text
    at_stake = [row[header.index("Auf dem Spiel")] for row in body]
    assert all(re.fullmatch(r"\d{1,3}(\.?\d{3})*(,\d+)?", value) for value in at_stake), at_stake
