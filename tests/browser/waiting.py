"""Waiting for Streamlit in a browser test: until the script run is over and drawn.

Streamlit replaces elements while a run streams in; a screenshot or click on an element that
a still-running script is about to redraw fails with "element is not attached to the DOM".
The app root carries the script state (``data-test-script-state``) and the connection state
(``data-test-connection-state``), stale elements of the previous run carry
``data-stale="true"``, and loading skeletons ``stSkeleton``.

Idle means the script state ``notRunning`` on a connected page: a page that was just loaded
says ``initial`` until its first run has started, and a requested rerun says
``rerunRequested`` before it runs: neither is idle (both used to count as idle, so a wait
right after ``page.goto`` could return before the first run had drawn anything).
"""

from pathlib import Path

from playwright.sync_api import Page

_IDLE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app !== null
        && app.getAttribute('data-test-connection-state') === 'CONNECTED'
        && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid="stSkeleton"]')
        && !document.querySelector('[data-stale="true"]');
}"""


def settle(page: Page, *, timeout: float = 90_000, pause: float = 500) -> None:
    """Wait until no script run is going on and every element is drawn, then ``pause`` ms
    more for charts to finish their own rendering. Checked twice across the pause, because a
    click's rerun may start only just after the first check."""
    page.wait_for_timeout(200)
    page.wait_for_function(_IDLE, timeout=timeout)
    page.wait_for_timeout(pause)
    page.wait_for_function(_IDLE, timeout=timeout)


def screenshot(page: Page, path: Path) -> None:
    """A full-page screenshot once the page has settled."""
    settle(page)
    page.screenshot(path=path, full_page=True)
