"""The workbench on a phone (390 × 844, touch): the sidebar gets out of the way after a page
link, the persona heatmap shows every persona's name without overlap, and a wide table
scrolls sideways inside the screen instead of being cut off.

The browser keeps Chromium's desktop user agent on purpose: Streamlit closes the sidebar by
itself only when the user agent says "phone", and a narrow window that does not (a tablet, a
desktop window, "request desktop site") is where the sidebar stayed open over the page.
"""

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.waiting import settle

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 390, 844


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def _sidebar(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar")


def _open_sidebar(page: Page) -> None:
    if _sidebar(page).get_attribute("data-collapsed") == "true":
        page.get_by_test_id("stExpandSidebarButton").click()
    expect(_sidebar(page)).to_have_attribute("data-collapsed", "false")


def _go(page: Page, path: str) -> None:
    """Open the sidebar and tap the page link, as a phone user does."""
    settle(page)
    _open_sidebar(page)
    _sidebar(page).locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]').tap()
    settle(page, pause=1_500)


def _assert_page_uncovered(page: Page, heading: str) -> None:
    """The sidebar is closed and the page's title is the topmost element where it is drawn."""
    expect(_sidebar(page)).to_have_attribute("data-collapsed", "true")
    title = page.get_by_test_id("stMain").get_by_role("heading", level=1, name=heading)
    expect(title).to_be_visible()
    box = title.bounding_box()
    assert box is not None
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('[data-testid=stMain]') !== null",
        [box["x"] + min(box["width"], WIDTH) / 2, box["y"] + box["height"] / 2],
    )
    assert on_top, "something (the sidebar?) covers the page title"


def _full_screenshot(page: Page, path: Path) -> None:
    """The whole page at phone width: the main area scrolls inside a 844 px high window, so
    the window is made as high as the page for the picture and set back afterwards."""
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": WIDTH, "height": min(height, 16_000)})
    settle(page, pause=800)
    page.screenshot(path=path)
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})


def _load_sample(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/?lang=en")
    settle(page)
    # On a narrow screen the sidebar starts closed ("auto")
    expect(_sidebar(page)).to_have_attribute("data-collapsed", "true")
    _open_sidebar(page)
    _sidebar(page).get_by_role("button", name="Load sample data").tap()
    expect(_sidebar(page).get_by_text("No data loaded yet.")).to_have_count(0)


def test_overview_on_a_phone(phone: Page, app_url, artifacts):
    _load_sample(phone, app_url)
    _go(phone, "overview")
    _assert_page_uncovered(phone, "Overview")

    # the funnel table has more columns than a phone is wide: it scrolls inside the screen
    table = phone.get_by_test_id("stMain").get_by_test_id("stDataFrame").first
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    scroller = table.locator(".dvn-scroller")
    sizes = scroller.evaluate("(el) => [el.scrollWidth, el.clientWidth]")
    assert sizes[0] > sizes[1], f"the table fits; pick a wider one ({sizes})"
    moved = scroller.evaluate("(el) => { el.scrollLeft = el.scrollWidth; return el.scrollLeft; }")
    assert moved > 0, "the table does not scroll sideways"

    # every chart on the page has its summary: the revenue chart's names its months
    expect(phone.get_by_text("Revenue per month from ", exact=False)).to_be_visible()
    _full_screenshot(phone, artifacts / "phone_overview.png")


def test_personas_on_a_phone(phone: Page, app_url, artifacts):
    _load_sample(phone, app_url)
    _go(phone, "personas")
    _assert_page_uncovered(phone, "Buyer personas")
    phone.get_by_role("button", name="Build personas").tap()
    settle(phone, pause=2_500)
    metric = phone.get_by_test_id("stMetric").filter(has_text="Personas")
    count = int(metric.get_by_test_id("stMetricValue").inner_text())

    chart = phone.locator(".st-key-persona_comparison").get_by_test_id("stVegaLiteChart").first
    chart.scroll_into_view_if_needed()
    settle(phone, pause=1_000)
    drawn = chart.evaluate(
        """(el) => {
            const box = (node) => { const r = node.getBoundingClientRect();
                return [r.left, r.right, r.top, r.bottom]; };
            const axis = [...el.querySelectorAll('g.role-axis')].find(
                (g) => (g.getAttribute('aria-label') || '').startsWith('X-axis'));
            const legend = el.querySelector('g.role-legend');
            return {
                names: [...axis.querySelectorAll('g.role-axis-label text')].map(
                    (t) => [t.textContent, ...box(t)]),
                legend: legend ? box(legend) : null,
                chart: box(el),
            };
        }"""
    )
    names = drawn["names"]
    assert len(names) == count, f"{len(names)} of {count} persona names drawn: {names}"
    assert all(not text.endswith("…") for text, *_ in names), names
    for (_, _, right, *_), (_, next_left, *_) in itertools.pairwise(names):
        assert right <= next_left + 0.5, f"persona names overlap: {names}"
    assert all(left >= 0 and right <= WIDTH for _, left, right, *_ in names), names
    assert drawn["legend"] is not None and drawn["legend"][1] <= WIDTH, drawn["legend"]

    # the summary under the heatmap names every persona too
    summary = phone.locator(".st-key-persona_comparison").get_by_text(
        "What sets each persona apart most:", exact=False
    )
    expect(summary).to_be_visible()
    for name, *_ in names:
        assert name in summary.inner_text()
    _full_screenshot(phone, artifacts / "phone_personas.png")
