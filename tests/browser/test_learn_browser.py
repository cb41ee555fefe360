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
    page.set_viewport_size({"width": 1280, "height": 720})  # a projector
    page.get_by_role("button", name="Präsentation im Vollbild starten").click()
    deck = page.frame_locator(".st-key-slide_deck iframe")
    expect(deck.get_by_text("Folie 1 von 39")).to_be_visible()
    settle(page)
    frame = page.locator(".st-key-slide_deck iframe")
    assert frame.bounding_box() == {"x": 0, "y": 0, "width": 1280, "height": 720}
    title = deck.get_by_role("heading", name="Kunde", exact=True)
    box = title.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] < 200  # at the top
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    page.screenshot(path=artifacts / "learn_02_slide1.png")
    page.keyboard.press("ArrowRight")
    expect(deck.get_by_text("Folie 2 von 39")).to_be_visible()
    expect(deck.get_by_text("511", exact=True)).to_be_visible()  # the live figure, big
    page.screenshot(path=artifacts / "learn_03_slide2.png")
    page.keyboard.press("ArrowRight")
    expect(deck.get_by_text("Folie 3 von 39")).to_be_visible()
    page.keyboard.press("ArrowLeft")
    expect(deck.get_by_text("Folie 2 von 39")).to_be_visible()
    page.get_by_role("button", name="Präsentation beenden").click()
    expect(page.get_by_test_id("stSidebar")).to_be_visible()
    settle(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Präsentation herunterladen (HTML)").click()
    deck_file = download_info.value.path().read_text(encoding="utf-8")
    assert deck_file.count("aria-roledescription='slide'") == 39
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Lektion als Markdown-Handout herunterladen").click()
    handout = download_info.value.path().read_text(encoding="utf-8")
    assert handout.startswith("# Lektion: Wer ist der Kunde?")
    assert handout.count("\n## ") == 13
