"""The presenter view on a real browser: step through slides and look at them."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.waiting import settle

pytestmark = pytest.mark.browser


def test_presenter_view_steps_through_a_lesson(page: Page, app_url, artifacts):
    page.goto(app_url)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("button", name="Beispieldaten laden").click()
    expect(sidebar.get_by_text("kunden_de")).to_be_visible()
    sidebar.get_by_role("link", name="Lektionen & Quiz").click()
    expect(page.get_by_role("heading", name="Lektionen & Quiz")).to_be_visible()
    expect(page.get_by_role("heading", name="Häufige Fehler")).to_be_visible()
    settle(page)
    page.screenshot(path=artifacts / "learn_01_chapter_de.png", full_page=True)

    page.get_by_test_id("stMain").get_by_text("Präsentation", exact=True).click()
    expect(page.get_by_text("Folie 1 von 39")).to_be_visible()
    settle(page)
    page.screenshot(path=artifacts / "learn_02_slide1.png")
    page.get_by_role("button", name="Weiter").click()
    expect(page.get_by_text("Folie 2 von 39")).to_be_visible()
    settle(page)
    page.screenshot(path=artifacts / "learn_03_slide2.png")
    page.get_by_role("button", name="Weiter").click()
    expect(page.get_by_text("Folie 3 von 39")).to_be_visible()
    page.get_by_role("button", name="Zurück").click()
    expect(page.get_by_text("Folie 2 von 39")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Lektion als Markdown-Handout herunterladen").click()
    handout = download_info.value.path().read_text(encoding="utf-8")
    assert handout.startswith("# Lektion: Wer ist der Kunde?")
    assert handout.count("\n## ") == 13
