"""The login gate, the account box, the network banner and per-user projects through AppTest."""

from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from kundenmodell.i18n import LANGUAGES, t
from kundenmodell.serving import NO_LOGIN_VARIABLE
from kundenmodell.store import Workspace, WorkspaceStore
from kundenmodell.store.spaces import Owner, TeamSpaces
from tests.unit.test_store_spaces import small_dataset

APP = str(Path(__file__).resolve().parents[2] / "app.py")
ISSUER = "https://login.example.org"
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-test-cookie-secret-0123456789",
    "client_id": "workbench",
    "client_secret": "secret",
    "server_metadata_url": f"{ISSUER}/.well-known/openid-configuration",
}
ALICE = Owner("alice-sub", ISSUER, "alice@example.org")
BOB = Owner("bob-sub", ISSUER, "bob@example.org")


def _user(owner: Owner) -> dict:
    return {"is_logged_in": True, "sub": owner.subject, "iss": owner.issuer, "email": owner.email}


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KUNDENMODELL_HOME", str(tmp_path))
    monkeypatch.delenv(NO_LOGIN_VARIABLE, raising=False)
    return tmp_path


def _app(lang: str = "en", *, auth: bool = True, user: dict | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params["lang"] = lang
    if auth:
        app.secrets["auth"] = dict(AUTH)
    if user is not None:
        app.user = user
    return _run(app)


def _run(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, app.exception
    return app


def _texts(elements) -> list[str]:
    return [element.value for element in elements]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_nothing_but_the_login_screen_before_login(home, lang):
    app = _app(lang)
    assert app.title[0].value == t("auth_login.title", lang)
    assert [button.label for button in app.button] == [t("auth_login.button", lang)]
    # no page, no data set panel, no projects
    assert t("workspace.title", lang) not in " ".join(_texts(app.sidebar.markdown))
    assert not [b for b in app.sidebar.button if b.key in ("load_sample", "ws_save")]


def test_a_logged_in_user_works_in_their_own_folder(home):
    WorkspaceStore(home).save(Workspace("Laptop-Projekt", small_dataset(3)))
    TeamSpaces(home).store_for(BOB).save(Workspace("Bobs Projekt", small_dataset(4)))
    app = _app(user=_user(ALICE))
    assert t("auth_account.signed_in", "en", who="alice@example\\.org") in _texts(
        app.sidebar.caption
    )
    assert t("workspace.none_saved", "en") in _texts(app.sidebar.caption)
    own = str(home / "users" / ALICE.key)
    assert _texts(app.sidebar.code) == [own]
    assert t("auth_where.server_login", "en") in _texts(app.sidebar.markdown)

    app.sidebar.button(key="load_sample").click()
    _run(app)
    app.sidebar.text_input(key="ws_name").input("Kurs")
    app.sidebar.button(key="ws_save_as").click()
    _run(app)
    assert [info.name for info in TeamSpaces(home).store_for(ALICE).workspaces()] == ["Kurs"]
    assert [info.name for info in WorkspaceStore(home).workspaces()] == ["Laptop-Projekt"]


def _emails(app: AppTest):
    (area,) = [a for a in app.sidebar.text_area if a.key.startswith("auth_share_emails")]
    return area


def test_sharing_in_the_panel_reaches_the_named_colleague_only(home):
    app = _app(user=_user(ALICE))
    app.sidebar.button(key="load_sample").click()
    _run(app)
    app.sidebar.text_input(key="ws_name").input("Kurs")
    app.sidebar.button(key="ws_save_as").click()
    _run(app)
    _emails(app).input("no address")
    app.sidebar.button(key="auth_share").click()
    _run(app)
    assert t("auth_error.bad_email", "en", address="no") in _texts(app.sidebar.error)
    assert TeamSpaces(home).shares(ALICE) == {}
    _emails(app).input("BOB@example.org")
    app.sidebar.button(key="auth_share").click()
    _run(app)
    assert t("auth_share.msg_shared", "en", name="Kurs") in _texts(app.sidebar.success)
    assert TeamSpaces(home).share_of(ALICE, "Kurs").emails == ("bob@example.org",)

    bob = _app(user=_user(BOB))
    shared = bob.sidebar.selectbox(key="auth_shared_choice")
    assert shared.options == [t("auth_share.label", "en", name="Kurs", owner="alice@example.org")]
    bob.sidebar.button(key="auth_open_shared").click()
    _run(bob)
    alices = TeamSpaces(home).store_for(ALICE).open("Kurs").dataset
    assert bob.session_state["dataset"].n_customers == alices.n_customers == 600  # en sample
    assert bob.session_state["ws_active"] is None  # still Alice's: saved only as Bob's copy

    carol = _app(user=_user(Owner("carol-sub", ISSUER, "carol@example.org")))
    assert not [box for box in carol.sidebar.selectbox if box.key == "auth_shared_choice"]


def test_another_user_in_the_same_session_starts_empty(home):
    app = _app(user=_user(ALICE))
    app.sidebar.button(key="load_sample").click()
    _run(app)
    assert app.session_state["dataset"] is not None
    app.user = _user(BOB)
    _run(app)
    assert "dataset" not in app.session_state or app.session_state["dataset"] is None


def test_a_login_without_subject_or_issuer_is_explained_not_a_traceback(home):
    app = _app("nb", user={"is_logged_in": True, "email": "x@example.org"})
    assert _texts(app.error) == [t("auth_error.no_identity", "nb")]
    assert [button.label for button in app.button] == [t("auth_account.logout", "nb")]
    assert not (home / "users").exists()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_login_on_purpose_shows_the_banner_on_every_page(home, monkeypatch, lang):
    monkeypatch.setenv(NO_LOGIN_VARIABLE, "1")
    app = _app(lang, auth=False)
    assert _texts(app.warning)[0] == t("auth_gate.banner", lang)
    assert t("auth_where.server_open", lang) in _texts(app.sidebar.markdown)
    assert t("auth_where.privacy", lang) in " ".join(_texts(app.sidebar.caption))


def test_the_laptop_is_as_before(home):
    app = _app("de", auth=False)
    assert not app.warning and not app.error
    assert t("auth_where.laptop", "de") in _texts(app.sidebar.markdown)
    assert _texts(app.sidebar.code) == [str(home)]


@pytest.fixture
def exposed():
    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    yield
    config.set_option("server.address", before)


def test_a_network_address_without_login_shows_nothing(home, exposed):
    app = _app("en", auth=False)
    assert _texts(app.error) == [t("auth_gate.refuse", "en")]
    assert not [b for b in app.sidebar.button if b.key == "load_sample"]
