"""Private projects behind a login, in a real browser against a mock OpenID Connect provider.

Alice, Bob and Carol log in (each in a browser context of their own, so with separate cookies)
through ``oidc-provider-mock`` running in a thread. Each sees only their own projects, also
when crafting project names or URL parameters; a project Alice shares with Bob becomes
visible to Bob and to nobody else; logging out ends Bob's access.
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, expect

from kundenmodell.store import WorkspaceStore
from kundenmodell.store.spaces import Owner, TeamSpaces
from tests.browser.conftest import ARTIFACTS, _free_port, streamlit_server
from tests.browser.waiting import settle

pytestmark = pytest.mark.browser

USERS = {
    "alice": "alice@example.org",
    "bob": "bob@example.org",
    "carol": "carol@example.org",
}
ALICE_PROJECT = "Alice Kurs"


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    """A mock OpenID Connect provider on a free loopback port, in a thread of this process."""
    from oidc_provider_mock import User, run_server_in_thread

    before = os.environ.get("AUTHLIB_INSECURE_TRANSPORT")
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain http on loopback, test only
    users = [
        User(sub=f"{name}-subject", claims={"email": email, "email_verified": True})
        for name, email in USERS.items()
    ]
    try:
        with run_server_in_thread(port=_free_port(), user_claims=users) as server:
            yield f"http://localhost:{server.server_port}"
    finally:
        if before is None:
            os.environ.pop("AUTHLIB_INSECURE_TRANSPORT", None)
        else:
            os.environ["AUTHLIB_INSECURE_TRANSPORT"] = before


@pytest.fixture(scope="module")
def team_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("team-home")


@pytest.fixture(scope="module")
def team_url(issuer, team_home, tmp_path_factory) -> Iterator[str]:
    """``streamlit run app.py`` with ``[auth]`` from a secrets.toml in a temporary folder
    (``--secrets.files``), bound to 127.0.0.1 and reached as localhost like the redirect URI."""
    port = _free_port()
    url = f"http://localhost:{port}"
    secrets = tmp_path_factory.mktemp("secrets") / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{url}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-of-some-length-0123456789"\n'
        'client_id = "kundenmodell-workbench"\n'
        'client_secret = "test-client-secret"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    with streamlit_server(
        team_home,
        "streamlit_login_server.log",
        options=("--secrets.files", str(secrets)),
        env={"AUTHLIB_INSECURE_TRANSPORT": "1"},
        host="localhost",
        port=port,
    ) as started:
        yield started


@pytest.fixture
def contexts(browser: Browser, team_url) -> Iterator[Callable[[], BrowserContext]]:
    """Browser contexts (separate cookie jars). The workbench's pages may talk to this machine
    only; the mock provider's own pages ask for a stylesheet on a CDN, which the browser cannot
    resolve (``CHROMIUM_ARGS``). No ``route()`` blocks it: any route makes Playwright's driver
    intercept every request of the context, each navigation and redirect hop included, until
    it matches the request and lets it go, and turns the browser cache off. Every page load
    was slower for it, and the navigation that hung in CI (1 run in 4 on 2 busy cores) came
    right after the provider's logout redirects had gone through that interception."""
    opened: list[BrowserContext] = []
    outside: list[str] = []

    def watch(request: Request) -> None:
        if urlsplit(request.url).hostname in {"127.0.0.1", "localhost", None}:
            return
        if request.frame.url.startswith(team_url):
            outside.append(request.url)

    def new() -> BrowserContext:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(60_000)
        context.on("request", watch)
        opened.append(context)
        return context

    yield new
    for context in opened:
        context.close()
    assert not outside, f"the page asked for something outside this machine: {outside}"


def _sidebar(page: Page):
    return page.get_by_test_id("stSidebar")


def _login(context: BrowserContext, url: str, issuer: str, user: str) -> Page:
    page = context.new_page()
    page.goto(url)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{issuer}/**")
    page.get_by_role("button", name=f"{user}-subject").click()
    page.wait_for_url(f"{url}/**")
    expect(_sidebar(page).get_by_text(f"Angemeldet als {USERS[user]}")).to_be_visible()
    # the sidebar shows the login before the first run ends; a click during that run was
    # lost once on a busy machine (the sample never loaded): act only once the page is idle
    settle(page)
    return page


def _expander(page: Page, title: str) -> None:
    _sidebar(page).get_by_text(title, exact=True).click()


def _manage(page: Page) -> None:
    """Open the "new, save as, duplicate, delete" box unless it is open."""
    settle(page)
    if not _sidebar(page).get_by_label("Name des Projekts").is_visible():
        _expander(page, "Neu, Speichern unter, Duplizieren, Löschen")


def _save_as(page: Page, name: str) -> None:
    _manage(page)
    sidebar = _sidebar(page)
    sidebar.get_by_label("Name des Projekts").fill(name)
    sidebar.get_by_role("button", name="Speichern unter diesem Namen").click()
    expect(sidebar.get_by_text(f"Projekt „{name}“ gespeichert.")).to_be_visible()


def _share(page: Page, addresses: str) -> None:
    """Share the open project with ``addresses``. The text area keeps its value until it
    loses focus, and a click that lands while that rerun redraws the sidebar is lost (1 of 4
    CI runs): the page settles first, and the click is repeated until the confirmation shows
    (saving the same sharing twice changes nothing)."""
    sidebar = _sidebar(page)
    box = sidebar.get_by_role(
        "textbox", name="Mit diesen Kolleginnen und Kollegen (E-Mail-Adressen)"
    )
    box.fill(addresses)
    box.press("Tab")
    saved = sidebar.get_by_text(f"Freigabe von „{ALICE_PROJECT}“ gespeichert.")
    for _ in range(3):
        settle(page)
        sidebar.get_by_role("button", name="Freigabe speichern").click()
        try:
            expect(saved).to_be_visible(timeout=15_000)
            return
        except AssertionError:
            continue
    expect(saved).to_be_visible()


def _options(page: Page, label: str) -> list[str]:
    """The choices of a sidebar select box, read from its opened list. The box is scrolled
    into view and the page settles first: a click that had to scroll the sidebar itself
    focused the box without opening its list (the first try of every profiled run, 10 s
    lost to the retry's timeout). The click is repeated if a rerun redrew the box and
    closed the list it opened."""
    _sidebar(page).get_by_label(label).scroll_into_view_if_needed()
    settle(page)
    options = page.get_by_role("option")
    for _ in range(3):
        _sidebar(page).get_by_label(label).click()
        try:
            expect(options.first).to_be_visible(timeout=10_000)
            break
        except AssertionError:
            settle(page)
    expect(options.first).to_be_visible()
    texts = [text.strip() for text in options.all_inner_texts()]
    page.keyboard.press("Escape")
    return texts


def _folder(home: Path, user: str) -> Path:
    """The user's folder, found by the address it records (the key hashes the provider's
    issuer, which the test does not need to know)."""
    (folder,) = [
        folder
        for folder in (home / "users").iterdir()
        if f'"{USERS[user]}"' in (folder / ".owner.json").read_text()
    ]
    return folder


def _names(home: Path, user: str) -> list[str]:
    return [info.name for info in WorkspaceStore(_folder(home, user)).workspaces()]


def test_login_private_projects_sharing_and_logout(contexts, team_url, issuer, team_home):
    # Before login nothing of the workbench is shown, on any page address.
    stranger = contexts().new_page()
    for address in (team_url, f"{team_url}/overview", f"{team_url}/?lang=en"):
        stranger.goto(address)
        expect(
            stranger.get_by_role("button", name=re.compile("^(Anmelden|Log in)$"))
        ).to_be_visible()
        expect(stranger.get_by_text("Beispieldaten laden")).to_have_count(0)
        expect(
            stranger.get_by_text(re.compile("Gespeicherte Projekte|Saved workspaces"))
        ).to_have_count(0)
    settle(stranger)
    stranger.screenshot(path=ARTIFACTS / "login_01_login_screen_en.png")

    # Alice saves the German sample as her project.
    alice = _login(contexts(), team_url, issuer, "alice")
    _sidebar(alice).get_by_role("button", name="Beispieldaten laden").click()
    expect(
        _sidebar(alice).get_by_text(re.compile(r"1\.000 Kunden · 3\.219 Käufe$"))
    ).to_be_visible()
    _manage(alice)
    _save_as(alice, ALICE_PROJECT)

    # Bob saves his own (empty) project and sees only it.
    bob = _login(contexts(), team_url, issuer, "bob")
    _manage(bob)
    _sidebar(bob).get_by_label("Name des Projekts").fill("Bob Kurs")
    _sidebar(bob).get_by_role("button", name="Neues leeres Projekt").click()
    expect(_sidebar(bob).get_by_text("Neues Projekt „Bob Kurs“ angelegt.")).to_be_visible()
    assert _options(bob, "Gespeicherte Projekte") == ["Bob Kurs"]
    assert _options(alice, "Gespeicherte Projekte") == [ALICE_PROJECT]
    expect(_sidebar(bob).get_by_text("Mit mir geteilt")).to_have_count(0)

    # Crafted names: Bob's "Alice Kurs" and a path into Alice's folder become Bob's own
    # projects (his empty data), and Alice's project keeps her 1,000 customers.
    spaces = TeamSpaces(team_home)
    alice_folder = _folder(team_home, "alice")
    alice_key = alice_folder.name
    before = sorted(path.name for path in alice_folder.iterdir())
    for crafted in (ALICE_PROJECT, f"../{alice_key}/alice-kurs"):
        _save_as(bob, crafted)
    assert sorted(path.name for path in alice_folder.iterdir()) == before
    assert _names(team_home, "alice") == [ALICE_PROJECT]
    bob_projects = sorted(
        [ALICE_PROJECT, "Bob Kurs", f"../{alice_key}/alice-kurs"], key=str.casefold
    )
    assert _names(team_home, "bob") == bob_projects
    assert WorkspaceStore(alice_folder).open(ALICE_PROJECT).dataset.n_customers == 1_000
    bob_store = WorkspaceStore(_folder(team_home, "bob"))
    assert bob_store.open(ALICE_PROJECT).dataset is None

    # URL parameters do not open anything either.
    for query in (
        f"?workspace={quote(ALICE_PROJECT)}",
        f"?owner={alice_key}&name={quote(ALICE_PROJECT)}",
        f"?ws=../{alice_key}",
    ):
        bob.goto(f"{team_url}/{query}")
        expect(_sidebar(bob).get_by_text("Noch keine Daten geladen.")).to_be_visible()
        expect(_sidebar(bob).get_by_text("Mit mir geteilt")).to_have_count(0)

    # Alice shares her project with Bob by e-mail address.
    alice.reload()
    expect(_sidebar(alice).get_by_text(f"Angemeldet als {USERS['alice']}")).to_be_visible()
    _manage(alice)
    _share(alice, "Bob@Example.org")
    _manage(alice)
    expect(_sidebar(alice).get_by_text("Geteilt mit: bob@example.org")).to_be_visible()
    settle(alice)
    alice.screenshot(path=ARTIFACTS / "login_02_alice_shares_de.png", full_page=True)

    # Bob now sees it under "shared with me" and opens Alice's data.
    bob.goto(team_url)
    label = f"{ALICE_PROJECT} (von alice@example.org)"
    assert _options(bob, "Mit mir geteilt") == [label]
    assert _options(bob, "Gespeicherte Projekte") == bob_projects
    _sidebar(bob).get_by_role("button", name="Geteiltes Projekt öffnen").click()
    expect(
        _sidebar(bob).get_by_text(f"Geteiltes Projekt „{ALICE_PROJECT}“ geöffnet.", exact=False)
    ).to_be_visible()
    expect(_sidebar(bob).get_by_text(re.compile(r"^1\.000 Kunden · 3\.219 Käufe$"))).to_be_visible()
    settle(bob)
    bob.screenshot(path=ARTIFACTS / "login_03_bob_opened_shared_de.png", full_page=True)

    # Carol, not named, sees nothing of it.
    carol = _login(contexts(), team_url, issuer, "carol")
    expect(_sidebar(carol).get_by_text("Mit mir geteilt")).to_have_count(0)
    expect(
        _sidebar(carol).get_by_text("Noch keine Projekte gespeichert.", exact=False)
    ).to_be_visible()
    assert [p.info.name for p in spaces.shared_with(Owner("c", "i", USERS["carol"]))] == []

    # "What is stored where?" names Bob's own folder and who can read it.
    _expander(bob, "Was wird wo gespeichert?")
    expect(_sidebar(bob).get_by_text(str(bob_store.home))).to_be_visible()
    expect(_sidebar(bob).get_by_text("in Ihrem eigenen Ordner", exact=False)).to_be_visible()

    # Logging out ends access in that browser: the app sends it to the provider's end-session
    # page, which returns to the login screen; nothing shared is shown on any address. Each
    # step is awaited by the page's address: while the browser is on its way to the provider,
    # the old page already draws the login screen.
    _sidebar(bob).get_by_role("button", name="Abmelden").click()
    bob.wait_for_url(f"{issuer}/oauth2/end_session**", wait_until="commit")
    bob.get_by_role("button", name="End session").click()
    bob.wait_for_url(f"{team_url}/", wait_until="commit")
    expect(bob.get_by_role("button", name="Anmelden")).to_be_visible()
    for address in (team_url, f"{team_url}/overview"):
        bob.goto(address)
        expect(bob.get_by_role("button", name="Anmelden")).to_be_visible()
        expect(bob.get_by_text("Mit mir geteilt")).to_have_count(0)
        expect(bob.get_by_text("1.000 Kunden", exact=False)).to_have_count(0)
    settle(bob)
    bob.screenshot(path=ARTIFACTS / "login_04_bob_logged_out_de.png")
