"""Several files at once in a real browser: the German sample's customer file and purchase file
chosen together become one data set (1,000 customers, 3,219 purchases), and the overview then
shows what only the customer file has (funnel, NPS) next to what only the purchases have."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from kundenmodell.sample import SAMPLE_DIR
from tests.browser.waiting import screenshot, settle

pytestmark = pytest.mark.browser

SAMPLE = SAMPLE_DIR


def _scroll_to_top_of(element: Locator) -> None:
    """Scroll Streamlit's main container so that ``element`` is at the top of the window."""
    element.evaluate("node => node.scrollIntoView({block: 'start'})")


def test_the_german_customer_and_purchase_files_become_one_data_set(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(app_url)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Daten hochladen").click(
        timeout=120_000
    )
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(
        [SAMPLE / "kunden_de.csv", SAMPLE / "kaeufe_de.csv"]
    )
    expect(page.get_by_role("tab", name="kunden_de.csv")).to_be_visible(timeout=90_000)
    expect(page.get_by_role("tab", name="kaeufe_de.csv")).to_be_visible()
    expect(page.get_by_text("Diese Datei liefert: Kunden.")).to_be_visible()
    expect(page.get_by_text("Wie die Dateien zusammenpassen")).to_be_visible(timeout=90_000)
    expect(
        page.get_by_text("Jeder Kauf gehört zu einem Kunden aus der Kundendatei.")
    ).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"489 Kunden aus der Kundendatei haben .* keinen Kauf"))
    ).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"Übernommen werden 1\.000 Kunden und 3\.219 Käufe"))
    ).to_be_visible()
    screenshot(page, artifacts / "multifile_1_upload_de.png")
    page.get_by_text("Wie die Dateien zusammenpassen").scroll_into_view_if_needed()
    screenshot(page, artifacts / "multifile_1b_join_report_de.png")

    page.get_by_role("tab", name="kaeufe_de.csv").click()
    expect(page.get_by_text("Diese Datei liefert: Käufe.")).to_be_visible()
    page.get_by_text("Diese Datei liefert: Käufe.").scroll_into_view_if_needed()
    screenshot(page, artifacts / "multifile_2_purchase_tab_de.png")

    page.get_by_role("button", name="Diese Daten verwenden").click()
    expect(page.get_by_text(re.compile(r"kunden_de \+ kaeufe_de.*ist geladen"))).to_be_visible()
    # exact: the workspace panel lists the saved project as "… Käufe · gespeichert am …"
    expect(sidebar.get_by_text("1.000 Kunden · 3.219 Käufe", exact=True)).to_be_visible()
    screenshot(page, artifacts / "multifile_3_used_de.png")

    sidebar.get_by_role("link", name="Überblick").click()
    expect(page.get_by_role("heading", name="Überblick")).to_be_visible(timeout=90_000)
    metrics = page.get_by_test_id("stMetric")
    expect(metrics.filter(has_text="Kunden").first).to_contain_text("1.000")
    expect(metrics.filter(has_text="NPS")).to_contain_text("9")  # 8.8 from 601 answers
    expect(metrics.filter(has_text="Stammkunden").first).to_contain_text("186")
    expect(metrics.filter(has_text="Umsatz").first).to_contain_text("578.608 €")
    expect(page.get_by_text("Vom Lead zum Kunden")).to_be_visible()  # the funnel needs status
    settle(page)
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    _scroll_to_top_of(page.get_by_text("Vom Lead zum Kunden"))
    screenshot(page, artifacts / "multifile_4_overview_funnel_de.png")

    page.get_by_role("tab", name="Weiterempfehlung (NPS)").click()
    expect(page.get_by_text("Förderer, Neutrale und Kritiker")).to_be_visible()
    _scroll_to_top_of(page.get_by_text("Förderer, Neutrale und Kritiker"))
    screenshot(page, artifacts / "multifile_5_overview_nps_de.png")
