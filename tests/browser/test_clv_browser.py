"""The customer-value page in a real browser: charts render, tabs switch, the CSV downloads."""

import re

import pytest
from playwright.sync_api import Page, expect

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
