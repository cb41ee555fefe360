"""What the chosen language changes that only a browser shows, in a browser whose own locale is
English: table cells written the page language's way (Streamlit's grid would otherwise follow
the browser: ``405,633.13`` on a German page), and the file uploader's own texts."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from kundenmodell.i18n import t
from kundenmodell.sample import load_sample
from kundenmodell.segments.report import segment_report
from tests.browser.waiting import screenshot, settle

pytestmark = pytest.mark.browser


@pytest.fixture
def english_browser_page(browser):
    """A page in a browser set to US English (``navigator.language`` is ``en-US``)."""
    context = browser.new_context(
        locale="en-US", viewport={"width": 1400, "height": 1600}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def _matches(page: Page, table: Locator, text: str) -> int:
    """How many cells of ``table`` show ``text``, by Streamlit's table search, which compares
    the cells' display text (the accessible copy of the grid holds the raw numbers)."""
    table.hover()
    toolbar = page.get_by_test_id("stElementToolbar").filter(visible=True)
    # dispatched, not clicked: the grid's scroller, redrawn under the pointer, took the click
    # once (1 of 3 runs of this file)
    toolbar.get_by_role("button", name="Search").dispatch_event("click")
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)
    page.wait_for_timeout(600)  # the search runs in steps
    counter = table.get_by_text(re.compile(r"^\d+ results?$"))
    expect(counter).to_be_visible()
    count = int(counter.inner_text().split()[0])
    page.keyboard.press("Escape")
    return count


@pytest.fixture(scope="module")
def regular():
    """The regular customers' row of the German sample's activity summary (computed when the
    test runs, not when every xdist worker collects the file)."""
    return segment_report(load_sample("de")).activity_summary.set_index("activity").loc["regular"]


EXPECTED = {  # the regular customers' revenue and share of customers, as each language writes
    "de": ("405.633,13", "18,6\u00a0%"),
    "nb": ("405\u00a0633,13", "18,6\u00a0%"),
}


@pytest.mark.parametrize("lang", ["de", "nb"])
def test_table_cells_follow_the_chosen_language_not_the_browser(
    english_browser_page: Page, app_url, artifacts, regular, lang
):
    page = english_browser_page
    assert page.evaluate("navigator.language") == "en-US"
    assert (regular["revenue"], regular["customer_share"]) == (405633.13, 0.186)
    page.goto(f"{app_url}/?lang={lang}")
    sidebar = page.get_by_test_id("stSidebar")
    settle(page)  # a click during the first run was lost once (1 of 2 full runs, nb)
    sidebar.get_by_role("button", name=t("sidebar.load_sample", lang)).click()
    expect(sidebar.get_by_text("kunden_de")).to_be_visible(timeout=60_000)
    sidebar.locator('a[href$="/overview"]').click()
    tab = {"de": "Echte Kunden & Stammkunden", "nb": "Faktiske kunder og stamkunder"}[lang]
    page.get_by_role("tab", name=tab).click()
    settle(page)
    table = page.get_by_test_id("stDataFrame").filter(visible=True).first
    screenshot(page, artifacts / f"language_table_{lang}.png")
    revenue, share = EXPECTED[lang]
    assert _matches(page, table, revenue) == 1
    assert _matches(page, table, share) == 1
    assert _matches(page, table, "405,633.13") == 0  # the browser's English form
    assert _matches(page, table, "18.6%") == 0


@pytest.mark.parametrize(
    ("lang", "button", "note"),
    [
        ("de", "Hochladen", "oder Datei hierher ziehen · höchstens 500 MB je Datei"),
        ("nb", "Last opp", "eller dra en fil hit · opptil 500 MB per fil"),
    ],
)
def test_the_uploader_speaks_the_page_language(
    english_browser_page: Page, app_url, artifacts, lang, button, note
):
    page = english_browser_page
    page.goto(f"{app_url}/upload?lang={lang}")
    uploader = page.get_by_test_id("stMain").get_by_test_id("stFileUploader").first
    # the visible word is in the button's name (with Streamlit's hidden "Upload" for checkers)
    expect(uploader.get_by_role("button", name=re.compile(button))).to_be_visible()
    expect(uploader.get_by_text("Upload", exact=True)).not_to_be_in_viewport()
    expect(uploader.get_by_text(re.compile("MB per file"))).to_be_hidden()
    shown = uploader.get_by_test_id("stFileUploaderDropzoneInstructions").locator("> div")
    after = shown.evaluate("element => getComputedStyle(element, '::after').content")
    assert after == f'"{note}"'
    screenshot(page, artifacts / f"language_uploader_{lang}.png")

    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the note wraps
    settle(page)
    box = uploader.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    uploader.screenshot(path=artifacts / f"language_uploader_{lang}_phone.png")
