"""What only a browser shows: the sidebar flow, the language switch, charts, a download."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.waiting import screenshot, settle

pytestmark = pytest.mark.browser


def _choose_language(page: Page, name: str) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name=name).click()


def test_sample_data_language_switch_chart_and_download(page: Page, app_url, artifacts):
    page.goto(app_url)
    sidebar = page.get_by_test_id("stSidebar")
    expect(
        page.get_by_role("heading", name="Willkommen in der Kundenmodell Workbench")
    ).to_be_visible()
    expect(sidebar.get_by_text("Noch keine Daten geladen.")).to_be_visible()
    expect(page.get_by_test_id("stPageLink").first).to_be_visible()
    screenshot(page, artifacts / "01_start_de.png")

    sidebar.get_by_role("button", name="Beispieldaten laden").click()
    expect(sidebar.get_by_text("kunden_de")).to_be_visible()
    expect(sidebar.get_by_text(re.compile(r"1\.000 Kunden"))).to_be_visible()

    _choose_language(page, "English")
    expect(
        page.get_by_role("heading", name="Welcome to the Kundenmodell Workbench")
    ).to_be_visible()
    expect(sidebar.get_by_text(re.compile(r"1,000 customers"))).to_be_visible()
    assert "lang=en" in page.url
    screenshot(page, artifacts / "02_start_en.png")

    sidebar.get_by_role("link", name="Overview").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    charts = page.get_by_test_id("stVegaLiteChart")
    expect(charts.first.locator("canvas, svg").first).to_be_visible()
    screenshot(page, artifacts / "03_overview_en.png")
    for index, tab in enumerate(
        ["Actual & regular customers", "RFM segments", "Recommendation (NPS)", "Churn & cohorts"]
    ):
        page.get_by_role("tab", name=tab).click()
        panel = page.get_by_role("tabpanel", name=tab)
        expect(
            panel.get_by_test_id("stVegaLiteChart").first.locator("canvas, svg").first
        ).to_be_visible()
        panel.scroll_into_view_if_needed()
        settle(page)
        page.screenshot(path=artifacts / f"03_overview_en_tab{index + 1}.png")

    _choose_language(page, "Deutsch")
    expect(page.get_by_role("heading", name="Überblick")).to_be_visible()
    expect(sidebar.get_by_text("kunden_de")).to_be_visible()
    screenshot(page, artifacts / "04_overview_de.png")

    sidebar.get_by_role("link", name="Datensatz").click()
    expect(page.get_by_role("heading", name="Datensatz")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame").first.locator("canvas").first).to_be_visible()
    expect(page.get_by_test_id("stDownloadButton").first).to_be_visible()
    screenshot(page, artifacts / "05_dataset_de.png")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Kunden herunterladen (CSV)").click()
    content = download_info.value.path().read_bytes()
    assert content.startswith(b"\xef\xbb\xbfKundennummer;Vorname;Nachname;E-Mail")
    assert len(content.decode("utf-8-sig").splitlines()) == 1_001


def test_a_bookmarked_page_url_opens_inside_the_app_shell(page: Page, app_url, artifacts):
    """Regression: with the scripts in a folder named pages/, /overview ran without app.py."""
    page.goto(f"{app_url}/overview?lang=en")
    sidebar = page.get_by_test_id("stSidebar")
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(sidebar.get_by_role("link", name="Customer value")).to_be_visible()
    expect(sidebar.get_by_role("button", name="Load sample data")).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)
    page.reload()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(sidebar.get_by_text("Sprache · Language · Språk")).to_be_visible()
