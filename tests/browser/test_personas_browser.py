"""Buyer personas in a real browser: generate data, build personas, look at the cards, edit one,
download its card as PNG and all cards as a PDF whose text carries the edit."""

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.waiting import settle

pytestmark = pytest.mark.browser


def test_generate_build_edit_and_download_a_card(page: Page, app_url, artifacts):
    page.set_default_timeout(120_000)
    page.goto(app_url)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("button", name="10.000 Kunden erzeugen").click()
    expect(sidebar.get_by_text(re.compile(r"10\.000 Kunden ·"))).to_be_visible()

    sidebar.get_by_role("link", name="Buyer Personas").click()
    expect(page.get_by_role("heading", name="Buyer Personas")).to_be_visible()
    page.get_by_role("button", name="Personas bilden").click()
    cards = page.locator(".km-persona-card")
    expect(cards.first).to_be_visible()
    expect(page.get_by_text(re.compile("klar voneinander abgegrenzt"))).to_be_visible()
    comparison = page.locator(".st-key-persona_comparison").get_by_test_id("stVegaLiteChart")
    expect(comparison.first.locator("canvas, svg").first).to_be_visible()
    assert cards.count() >= 5  # five planted types, plus the profile sheet and one customer
    settle(page)
    page.screenshot(path=artifacts / "personas_01_top_de.png")
    page.get_by_role("heading", name="Persona-Steckbriefe").evaluate(
        "element => element.scrollIntoView({block: 'start'})"
    )
    settle(page)
    page.screenshot(path=artifacts / "personas_01_cards_de.png")

    # The comparison heatmap, up close.
    heatmap = comparison.first
    heatmap.scroll_into_view_if_needed()
    settle(page)
    heatmap.screenshot(path=artifacts / "personas_02_comparison_de.png")

    # Edit the first persona: the card shows the new name as text, not as markup.
    page.get_by_role("button", name="Bearbeiten").first.click()
    dialog = page.get_by_test_id("stPopoverBody")
    name_field = dialog.get_by_label("Name")
    name_field.fill("<i>Familie</i> Fröhlich")
    dialog.get_by_role("button", name="Speichern").click()
    first_name = page.locator(".km-persona-card .km-persona-name").first
    expect(first_name).to_have_text("<i>Familie</i> Fröhlich")
    assert page.locator(".km-persona-card i").count() == 0
    settle(page)  # the edit's rerun redraws every card and export

    _download_card_png(page, artifacts)
    _download_cards_pdf(page, artifacts)

    page.get_by_role("tab", name="Steckbrief").click()
    profile = page.get_by_role("tabpanel", name="Steckbrief").locator(".km-persona-card")
    profile.scroll_into_view_if_needed()
    settle(page)
    profile.screenshot(path=artifacts / "personas_05_profile_de.png")

    page.get_by_role("tab", name="Angelegte Typen").click()
    panel = page.get_by_role("tabpanel", name="Angelegte Typen")
    expect(
        panel.get_by_test_id("stVegaLiteChart").first.locator("canvas, svg").first
    ).to_be_visible()
    panel.scroll_into_view_if_needed()
    settle(page)
    panel.screenshot(path=artifacts / "personas_04_truth_de.png")


def _download_card_png(page: Page, artifacts) -> None:
    """The first card's PNG button downloads a PNG image."""
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Steckbrief als Bild (PNG)").first.click()
    download = download_info.value
    assert download.suggested_filename == "persona_1.png"
    content = download.path().read_bytes()
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    (artifacts / "personas_03_card_download.png").write_bytes(content)


def _download_cards_pdf(page: Page, artifacts) -> None:
    """The PDF holds one page per card, with the edited name as extractable text."""
    page.get_by_role("tab", name="Download").click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="PDF zum Ausdrucken (eine Seite je Persona)").click()
    download = download_info.value
    assert download.suggested_filename == "buyer_personas.pdf"
    content = download.path().read_bytes()
    (artifacts / "personas_06_cards.pdf").write_bytes(content)
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == page.get_by_role("button", name="Bearbeiten").count()  # 1/card
    first_page = reader.pages[0].extract_text()
    assert "<i>Familie</i> Fröhlich" in first_page  # the edit, as text in the vector PDF
    assert "Seite 1 von" in first_page
