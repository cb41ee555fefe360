"""The sidebar's workspace picker through AppTest: save, open, delete, new, duplicate, autosave."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kundenmodell.i18n import t
from kundenmodell.store import WorkspaceStore
from ui.session import WORKSPACE_KEY

APP = str(Path(__file__).resolve().parents[2] / "app.py")
EDITS = {"personas": {"family": {"name": "Familie Schmidt"}}}


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KUNDENMODELL_HOME", str(tmp_path / "workspaces"))
    return tmp_path / "workspaces"


def _app(lang: str = "de") -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params["lang"] = lang
    return _run(app)


def _run(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, app.exception
    return app


def _click(app: AppTest, key: str) -> AppTest:
    app.sidebar.button(key=key).click()
    return _run(app)


def _saved_as(app: AppTest, name: str) -> AppTest:
    _click(app, "load_sample")
    app.session_state[WORKSPACE_KEY] = {key: dict(value) for key, value in EDITS.items()}
    app.sidebar.text_input(key="ws_name").input(name)
    return _click(app, "ws_save_as")


def _texts(elements) -> list[str]:
    return [element.value for element in elements]


def test_save_as_writes_the_workspace_to_the_data_directory(home):
    app = _saved_as(_app(), "Kurs März")
    assert t("workspace.msg_saved", "de", name="Kurs März") in _texts(app.sidebar.success)
    assert t("workspace.active", "de", name="Kurs März") in _texts(app.sidebar.markdown)
    assert f":material/check: {t('workspace.clean', 'de')}" in _texts(app.sidebar.caption)
    assert app.sidebar.selectbox(key="ws_choice").options == ["Kurs März"]
    saved = WorkspaceStore(home).open("Kurs März")
    assert saved.dataset.n_customers == 1_000 and saved.sections == EDITS
    assert str(home) in _texts(app.sidebar.code)


def test_a_new_session_opens_the_saved_workspace(home):
    _saved_as(_app(), "Kurs März")
    app = _app()  # a browser reload: a fresh session with nothing loaded
    assert app.session_state["dataset"] is None if "dataset" in app.session_state else True
    assert t("workspace.unsaved", "de") in _texts(app.sidebar.caption)
    _click(app, "ws_open")
    assert t("workspace.msg_opened", "de", name="Kurs März") in _texts(app.sidebar.success)
    data = app.session_state["dataset"]
    assert (data.n_customers, data.n_transactions) == (1_000, 3_219)
    assert app.session_state["workspace_state"] == EDITS
    assert app.session_state["ws_active"] == "Kurs März"


def test_delete_needs_a_confirmation_and_removes_the_folder(home):
    app = _saved_as(_app(), "Weg damit")
    folder = WorkspaceStore(home).path("Weg damit")
    assert folder.is_dir()
    assert app.sidebar.button(key="ws_delete").disabled
    app.sidebar.checkbox(key="ws_delete_confirm").check()
    _run(app)
    assert not app.sidebar.button(key="ws_delete").disabled
    _click(app, "ws_delete")
    assert t("workspace.msg_deleted", "de", name="Weg damit") in _texts(app.sidebar.success)
    assert not folder.exists() and WorkspaceStore(home).workspaces() == []
    assert t("workspace.none_saved", "de") in _texts(app.sidebar.caption)
    assert app.session_state["ws_active"] is None
    assert app.session_state["dataset"].n_customers == 1_000  # the session keeps its data


def test_new_duplicate_and_a_taken_name(home):
    app = _saved_as(_app("en"), "Course A")
    app.sidebar.text_input(key="ws_name").input("Course B")
    _click(app, "ws_duplicate")
    assert t("workspace.msg_duplicated", "en", name="Course B") in _texts(app.sidebar.success)

    app.sidebar.text_input(key="ws_name").input("course b")
    _click(app, "ws_save_as")
    assert _texts(app.sidebar.error) == [t("error.store.exists", "en", name="course b")]
    assert app.session_state["ws_active"] == "Course A"

    app.sidebar.text_input(key="ws_name").input("Empty")
    _click(app, "ws_new")
    assert app.session_state["dataset"] is None
    assert app.session_state["workspace_state"] == {}
    assert app.session_state["ws_active"] == "Empty"
    names = [info.name for info in WorkspaceStore(home).workspaces()]
    assert names == ["Course A", "Course B", "Empty"]
    assert WorkspaceStore(home).open("Empty").dataset is None


def test_unsaved_data_must_be_discarded_before_opening_another(home):
    _saved_as(_app("nb"), "Kurs")
    app = _app("nb")
    _click(app, "generate_quick")
    assert app.sidebar.button(key="ws_open").disabled
    assert app.sidebar.checkbox(key="ws_discard").label == t("workspace.discard", "nb")
    app.sidebar.checkbox(key="ws_discard").check()
    _run(app)
    _click(app, "ws_open")
    assert app.session_state["dataset"].n_customers == 1_000


def test_autosave_saves_page_edits_without_rewriting_the_tables(home):
    app = _saved_as(_app(), "Auto")
    app.sidebar.toggle(key="ws_autosave").set_value(True)
    _run(app)
    store = WorkspaceStore(home)
    table = store.path("Auto") / f"r{store.info('Auto').revision:06d}" / "tables"
    inode = (table / "transactions.parquet").stat().st_ino
    app.session_state["workspace_state"] = {"personas": {"family": {"name": "Familie Weber"}}}
    _run(app)
    info = store.info("Auto")
    saved = store.open("Auto")
    assert saved.sections == {"personas": {"family": {"name": "Familie Weber"}}}
    assert saved.parts == {"settings": {"autosave": True}}
    assert info.revision == 2
    current = store.path("Auto") / f"r{info.revision:06d}" / "tables" / "transactions.parquet"
    assert current.stat().st_ino == inode


def test_a_source_analysed_in_place_is_not_saved_as_its_sample(home, tmp_path):
    """The session's data set is then only a sample of the source: saving says why not and
    writes nothing."""
    from kundenmodell.engine.in_place import connect_in_place
    from tests.connect_shop import make_shop, write_duckdb
    from tests.picks import pick_tables
    from ui.session import dataset_entries

    path = write_duckdb(tmp_path / "laden.duckdb", make_shop(30, seed=3))
    picks = pick_tables(path, {"customers": "Kunden", "transactions": "Bestellungen"})
    in_place, connected = connect_in_place(
        picks["customers"], picks["transactions"], name="laden", currency="EUR", sample=10
    )
    app = _app("en")
    for key, value in dataset_entries(connected.to_dataset(), in_place).items():
        app.session_state[key] = value
    app.sidebar.text_input(key="ws_name").input("Lake")
    _click(app, "ws_save_as")
    assert t("in_place.workspace_note", "en") in _texts(app.sidebar.error)
    assert not WorkspaceStore(home).workspaces()
