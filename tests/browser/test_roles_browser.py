"""What only a browser shows on "Kunde vs. Verbraucher": the sankey, the tabs, a download, and
the explanation with the synthetic example before any data is loaded."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.waiting import settle

pytestmark = pytest.mark.browser


def _chart_drawn(scope) -> None:
    expect(
        scope.get_by_test_id("stVegaLiteChart").first.locator("canvas, svg").first
    ).to_be_visible()


def test_roles_page_explains_without_data_and_analyses_the_sample(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1400, "height": 3000})  # Streamlit scrolls inside the page
    page.goto(app_url)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("link", name="Kunde vs. Verbraucher").click()
    expect(page.get_by_role("heading", name="Kunde vs. Verbraucher")).to_be_visible()
    expect(page.get_by_role("heading", name="Beispiel: ein synthetischer Shop")).to_be_visible()
    _chart_drawn(page)
    settle(page)
    page.screenshot(path=artifacts / "roles_01_example_de.png", full_page=True)

    sidebar.get_by_role("button", name="Beispieldaten laden").click()
    expect(page.get_by_text("Aufteilen nach")).to_be_visible()
    expect(page.get_by_role("heading", name="Beispiel: ein synthetischer Shop")).to_have_count(0)
    _chart_drawn(page)
    settle(page)
    page.screenshot(path=artifacts / "roles_02_sample_de.png", full_page=True)

    page.get_by_text("Kategorie", exact=True).click()
    panel = page.get_by_role("tabpanel", name="Was folgt fürs Marketing")
    expect(panel.get_by_text("Spielwaren").first).to_be_visible()
    settle(page)
    page.screenshot(path=artifacts / "roles_03_marketing_de.png", full_page=True)

    for index, tab in enumerate(
        ["Nutzer je Gruppe", "Alter: Käufer und Nutzer", "Kennzahlen", "Interne und externe Kunden"]
    ):
        page.get_by_role("tab", name=tab).click()
        panel = page.get_by_role("tabpanel", name=tab)
        if tab != "Interne und externe Kunden":
            _chart_drawn(panel)
        panel.scroll_into_view_if_needed()
        settle(page)
        page.screenshot(path=artifacts / f"roles_04_tab{index + 1}_de.png", full_page=True)

    page.get_by_role("tab", name="Nutzer je Gruppe").click()
    panel = page.get_by_role("tabpanel", name="Nutzer je Gruppe")
    with page.expect_download() as download_info:
        panel.get_by_test_id("stDownloadButton").first.get_by_role("button").click()
    content = download_info.value.path().read_bytes()
    assert content.startswith("\ufeffKategorie;Käufe;Umsatz;".encode())

    sidebar.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="Norsk bokmål").click()
    expect(page.get_by_role("heading", name="Kunde vs. forbruker")).to_be_visible()
    expect(page.get_by_text("Hvem kjøper – hvem bruker")).to_be_visible()
    _chart_drawn(page)
    settle(page)
    page.screenshot(path=artifacts / "roles_05_sample_nb.png", full_page=True)
    expect(page.get_by_role("radio", name="Kategori")).to_be_checked()
