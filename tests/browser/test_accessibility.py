"""axe-core on every page with data loaded: no serious or critical violation of the app's own,
and no skipped heading level (axe's ``heading-order``, "moderate" by its own rating: a screen
reader user who jumps from heading to heading must not land on an h3 or h5 under an h1).

Streamlit's own markup is left out of the check and listed here, so it is known and seen:
its page navigation puts ``<div>`` separators straight into the ``<ul>`` of the sidebar's
page list (rules ``list`` and ``listitem``). The rest of the page is the app's to answer for.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.waiting import settle

pytestmark = pytest.mark.browser

STREAMLIT_OWN = ['[data-testid="stSidebarNav"]']
ALWAYS = {"heading-order"}  # rules that fail the test whatever impact axe gives them
PAGES = (
    "upload",
    "generate",
    "dataset",
    "overview",
    "customer-value",
    "personas",
    "retention-vs-acquisition",
    "customer-vs-consumer",
    "concepts",
    "learn",
)


def test_no_serious_accessibility_violations_on_any_page(page: Page, app_url):
    axe = Axe()
    page.goto(f"{app_url}/?lang=de")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("button", name="Beispieldaten laden").click()
    expect(sidebar.get_by_text("kunden_de")).to_be_visible()
    found = {}
    for path in ("", *PAGES):  # "" is the start page
        if not path:
            _check(axe, page, found, "start")
            continue
        settle(page)
        sidebar.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]').click()
        expect(page).to_have_url(f"{app_url}/{path}")
        _check(axe, page, found, path)
    assert not found, found


def _check(axe: Axe, page: Page, found: dict, name: str) -> None:
    """axe on the settled page; serious and critical violations go into ``found``."""
    expect(page.get_by_test_id("stMain").get_by_role("heading").first).to_be_visible()
    settle(page, pause=1_500)
    result = axe.run(page, context={"exclude": [STREAMLIT_OWN]})
    serious = [
        (rule["id"], [node["html"][:120] for node in rule["nodes"][:3]])
        for rule in result.response["violations"]
        if rule["impact"] in ("serious", "critical") or rule["id"] in ALWAYS
    ]
    if serious:
        found[name] = serious
