"""Connecting a DuckDB file in a real browser: the path is typed, the tables are pre-picked,
the suggested mapping is shown, loading reads every row, and the overview then shows the
customer count and the revenue that tests/connect_shop.py computed on its own (exact decimals).
The filled page passes the accessibility rules of tests/browser/test_accessibility.py."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from kundenmodell.i18n import format_money, format_number
from tests.browser.test_accessibility import _check as axe_check
from tests.browser.waiting import screenshot, settle
from tests.connect_shop import make_shop, write_duckdb, write_parquet_folder

pytestmark = pytest.mark.browser


def test_a_duckdb_file_is_connected_mapped_loaded_and_analysed(
    page: Page, app_url, artifacts, tmp_path
):
    shop = make_shop(300, seed=21)
    path = write_duckdb(tmp_path / "crm_export.duckdb", shop)
    customers = format_number(shop.n_customers, "de")
    purchases = format_number(shop.n_purchases, "de")
    revenue = format_money(float(shop.revenue), "EUR", "de", decimals=0)

    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(app_url)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("link", name="Datenbank verbinden").click(timeout=120_000)
    main = page.get_by_test_id("stMainBlockContainer")
    expect(main.get_by_role("heading", name="Datenbank oder Datenordner verbinden")).to_be_visible()
    screenshot(page, artifacts / "connect_1_start_de.png")

    main.get_by_role("textbox", name="Pfad oder Verbindungsangabe").fill(str(path))
    main.get_by_role("button", name="Öffnen").click()
    expect(main.get_by_text("DuckDB-Datei mit 3 Tabellen.", exact=False)).to_be_visible(
        timeout=90_000
    )
    expect(main.get_by_text("Kunden: Tabelle Kunden")).to_be_visible()
    expect(main.get_by_text("Käufe: Tabelle Bestellungen")).to_be_visible()
    expect(main.get_by_text(f"Stichprobe von {customers} Zeilen")).to_be_visible()
    settle(page)
    page.screenshot(path=artifacts / "connect_2_tables_de.png")  # the window: picks + mapping
    main.get_by_text("Käufe: Tabelle Bestellungen").scroll_into_view_if_needed()
    settle(page)
    page.screenshot(path=artifacts / "connect_3_purchase_mapping_de.png")

    load = main.get_by_role("button", name="Daten laden")
    load.scroll_into_view_if_needed()
    load.click()
    loaded = main.get_by_text(
        re.compile(rf"crm_export.*ist geladen: {customers} Kunden und {purchases} Käufe")
    )
    expect(loaded).to_be_visible(timeout=120_000)
    expect(sidebar.get_by_text(f"{customers} Kunden · {purchases} Käufe")).to_be_visible()
    loaded.scroll_into_view_if_needed()
    settle(page)
    page.screenshot(path=artifacts / "connect_4_loaded_de.png")
    violations: dict = {}
    axe_check(Axe(), page, violations, "connect")  # the whole flow on one page, with tables
    assert not violations, violations

    sidebar.get_by_role("link", name="Überblick").click()
    expect(page.get_by_role("heading", name="Überblick")).to_be_visible(timeout=90_000)
    metrics = page.get_by_test_id("stMetric")
    expect(metrics.filter(has_text="Kunden").first).to_contain_text(customers, timeout=90_000)
    expect(metrics.filter(has_text="Umsatz").first).to_contain_text(revenue)
    settle(page)
    page.screenshot(path=artifacts / "connect_5_overview_de.png")


def test_a_parquet_folder_is_analysed_where_it_lies(page: Page, app_url, artifacts, tmp_path):
    """English, a Parquet folder, "analyse it where it lies": the overview's figures come from
    the engine on every row and equal the shop's own sums; the sidebar says where they come
    from."""
    shop = make_shop(400, seed=5, text_dates=False)
    folder = write_parquet_folder(tmp_path / "lake", shop)
    customers = format_number(shop.n_customers, "en")
    purchases = format_number(shop.n_purchases, "en")
    revenue = format_money(float(shop.revenue), "EUR", "en", decimals=0)

    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(f"{app_url}/?lang=en")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("link", name="Connect a database").click(timeout=120_000)
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_role("textbox", name="Path or connection string").fill(str(folder))
    main.get_by_role("button", name="Open").click()
    expect(main.get_by_text(f"{customers} customers and {purchases} purchases")).to_be_visible(
        timeout=90_000
    )
    choice = main.get_by_text("Analyse it where it lies", exact=False)
    choice.scroll_into_view_if_needed()
    choice.click()
    settle(page)
    page.screenshot(path=artifacts / "in_place_1_choice_en.png")
    main.get_by_role("button", name="Load data").click()
    connected = main.get_by_text(re.compile(rf"lake.*is connected in place: {customers} custom"))
    expect(connected).to_be_visible(timeout=120_000)
    expect(sidebar.get_by_text(f"Analysed in place: {customers} customers")).to_be_visible()
    connected.scroll_into_view_if_needed()
    settle(page)
    page.screenshot(path=artifacts / "in_place_2_connected_en.png")

    sidebar.get_by_role("link", name="Overview").click()
    expect(main.get_by_text("where the data lies", exact=False)).to_be_visible(timeout=90_000)
    metrics = page.get_by_test_id("stMetric")
    expect(metrics.filter(has_text="Customers").first).to_contain_text(customers)
    expect(metrics.filter(has_text="Revenue").first).to_contain_text(revenue)
    main.get_by_role("tab", name="RFM segments").click()
    expect(main.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=60_000)
    settle(page)
    page.screenshot(path=artifacts / "in_place_3_overview_en.png", full_page=True)
