"""The connect page through Streamlit's AppTest: a DuckDB file and a Parquet folder written by
tests/connect_shop.py (German column names, integer ids, text dates or timestamps, DECIMAL
amounts) are opened, their tables picked, mapped, loaded and checked against the figures the
generator computed; bad paths, a source above the size limit and a team server's data folder
give translated messages and leave the data loaded before in place; a source above the size
limit (or by choice) is analysed where it lies, with a sample for the per-customer pages."""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from kundenmodell.engine import connect, in_place
from kundenmodell.engine.access import CONNECTIONS_VARIABLE, DATA_ROOT_VARIABLE
from kundenmodell.i18n import LANGUAGES, format_money, format_number, t
from kundenmodell.markup import escape_markdown
from kundenmodell.serving import NO_LOGIN_VARIABLE
from tests.connect_shop import make_shop, write_duckdb, write_parquet_folder
from ui.session import DERIVED_KEY, IN_PLACE_KEY

PAGE = "views/connect.py"


@pytest.fixture
def shop_file(tmp_path):
    shop = make_shop(60, seed=11)
    return write_duckdb(tmp_path / "laden.duckdb", shop), shop


def _open(app: AppTest, source: str) -> AppTest:
    app.text_input(key="connect_input").input(source)
    next(b for b in app.button if b.label == t("connect_page.open_button", _lang(app))).click()
    app.run()
    assert not app.exception, app.exception
    return app


def _lang(app: AppTest) -> str:
    return app.query_params.get("lang", "de")


def _role(app: AppTest, role: str):
    return next(box for box in app.selectbox if box.key.startswith(f"connect_role_{role}_"))


def _load(app: AppTest) -> AppTest:
    app.button(key="connect_load").click().run()
    assert not app.exception, app.exception
    return app


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_speaks_every_language_before_a_source_is_given(open_page, lang):
    app = open_page(PAGE, lang)
    assert app.title[0].value == t("connect_page.title", lang)
    assert app.text_input(key="connect_input").label == t("connect_page.source_label", lang)
    assert t("connect_page.local_note", lang) in app.caption[0].value
    assert not app.data_editor  # nothing to map before a source is opened


def test_a_duckdb_file_is_picked_mapped_and_loaded(open_page, session, shop_file):
    path, shop = shop_file
    app = _open(open_page(PAGE, "en"), str(path))
    assert _role(app, "customers").value == "Kunden"
    assert _role(app, "transactions").value == "Bestellungen"
    interactions = _role(app, "interactions")
    assert interactions.options[0] == t("connect_page.role_none", "en")
    assert app.session_state[interactions.key] == ""  # none pre-picked
    assert sorted(_role(app, "customers").options) == ["Bestellungen", "Kunden", "Lager"]
    purchases = app.data_editor[1].value
    assert dict(zip(purchases["source"], purchases["target"], strict=True)) == {
        "Kundennummer": "customer_id",
        "Bestelldatum": "date",
        "Betrag": "amount",
        "Menge": "quantity",
    }
    assert app.caption[2].value == t("connect_page.sample_note", "en", rows="60")
    _load(app)
    data = session.dataset(app)
    assert (data.n_customers, data.n_transactions) == (60, shop.n_purchases)
    assert data.revenue == pytest.approx(float(shop.revenue))
    assert data.customers["customer_id"].iloc[0] == "5001"
    assert set(data.customers["customer_type"]) == {"b2b", "b2c"}
    assert str(data.transactions["date"].dtype).startswith("datetime64")
    loaded = t(
        "connect_page.loaded",
        "en",
        name="laden",
        customers="60",
        transactions=format_number(shop.n_purchases, "en"),
    )
    assert loaded in [box.value for box in app.success]
    assert app.sidebar.markdown  # the sidebar names the new data set
    assert any("laden" in block.value for block in app.sidebar.markdown)


def test_an_interaction_table_is_pre_picked_and_loaded(open_page, session, tmp_path):
    path = write_duckdb(tmp_path / "crm.duckdb", make_shop(12, seed=4), contacts=9)
    app = _open(open_page(PAGE, "nb"), str(path))
    interactions = _role(app, "interactions")
    assert app.session_state[interactions.key] == "Aktivitaeten"
    editor = app.data_editor[2].value
    assert dict(zip(editor["source"], editor["target"], strict=True)) == {
        "Kundennummer": "customer_id",
        "Datum": "date",
        "Art": "kind",
        "Ergebnis": "outcome",
    }
    _load(app)
    data = session.dataset(app)
    assert len(data.interactions) == 9
    assert data.interactions["kind"].value_counts().to_dict() == {"email": 5, "call": 4}
    assert t("connect_page.loaded_interactions", "nb", interactions="9") in [
        caption.value for caption in app.caption
    ]


def test_an_unsure_customer_number_is_asked_and_the_answer_used(open_page, session, tmp_path):
    con = duckdb.connect(str(tmp_path / "crm.duckdb"))
    con.execute(
        "create table kunden as select 1000 + i as Schluessel, i as Code, 'Köln' as Ort "
        "from range(50) t(i)"
    )
    con.execute(
        "create table kaeufe as select 1000 + (i % 50) as Kundennummer, "
        "DATE '2024-01-01' + i::INTEGER as Datum, 9.5 as Betrag from range(80) t(i)"
    )
    con.close()
    app = _open(open_page(PAGE, "de"), str(tmp_path / "crm.duckdb"))
    question = app.radio[0]
    assert app.warning[0].value == t(
        "upload.mapping_check.id_question", "de", candidates="Code, Schluessel"
    )
    question.set_value("Schluessel").run()
    assert not app.exception, app.exception
    customers = app.data_editor[0].value
    assert dict(zip(customers["source"], customers["target"], strict=True))["Schluessel"] == (
        "customer_id"
    )
    assert not [w for w in app.warning if "Code" in w.value]  # answered: not asked again
    _load(app)
    data = session.dataset(app)
    assert data.customers["customer_id"].iloc[0] == "1000"
    assert data.n_customers == 50 and data.n_transactions == 80


def test_a_parquet_folder_with_timestamps_loads_in_german(open_page, session, tmp_path):
    shop = make_shop(30, seed=5, text_dates=False)
    folder = write_parquet_folder(tmp_path / "export", shop)
    app = _open(open_page(PAGE, "de"), str(folder))
    assert _role(app, "customers").value == "kunden"
    assert _role(app, "transactions").value == "kaeufe"
    _load(app)
    data = session.dataset(app)
    assert (data.n_customers, data.n_transactions) == (30, shop.n_purchases)
    assert data.revenue == pytest.approx(float(shop.revenue))
    assert data.transactions["date"].dt.hour.eq(10).all()  # the timestamps arrive as read


def test_an_edited_mapping_is_what_gets_loaded(open_page, session, shop_file):
    path, _ = shop_file
    app = _open(open_page(PAGE, "de"), str(path))
    editor = app.data_editor[0]
    rows = list(editor.value["source"])
    app.session_state[editor.key] = {
        "edited_rows": {rows.index("Vorname"): {"target": "first_name"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    _load(app)
    assert "first_name" not in session.dataset(app).customers  # names are dropped by default
    app.radio(key="connect_privacy").set_value("keep")
    editor = app.data_editor[0]  # the mapping confirmed is remembered: a new editor
    assert editor.value["target"][rows.index("Vorname")] == "first_name"
    app.run()
    _load(app)
    assert session.dataset(app).customers["first_name"].iloc[:2].tolist() == [
        "Person0",
        "Person1",
    ]


def test_a_mapping_without_an_amount_is_refused(open_page, session, shop_file):
    path, _ = shop_file
    app = _open(open_page(PAGE, "nb", sample=True), str(path))
    before = session.dataset(app)
    editor = app.data_editor[1]
    rows = list(editor.value["source"])
    app.session_state[editor.key] = {
        "edited_rows": {rows.index("Betrag"): {"target": "ignore"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    _load(app)
    assert app.error[0].value == t("error.io.purchase_amount_missing", "nb")
    assert session.dataset(app) is before


def test_bad_paths_give_a_message_and_keep_the_data_loaded_before(open_page, session, tmp_path):
    app = open_page(PAGE, "de", sample=True)
    before = session.dataset(app)
    _open(app, str(tmp_path / "gibt_es_nicht"))
    assert app.error[0].value == t(
        "connect_error.not_found", "de", source=escape_markdown(str(tmp_path / "gibt_es_nicht"))
    )
    broken = tmp_path / "kaputt.duckdb"
    broken.write_bytes(b"\x00garbage" * 500)
    _open(app, str(broken))
    assert app.error[0].value == t(
        "engine_error.unreadable", "de", source=escape_markdown(str(broken))
    )
    _open(app, "   ")
    assert app.error[0].value == t("connect_error.empty", "de")
    assert not app.data_editor  # no tables offered from a bad source
    assert session.dataset(app) is before


def test_a_source_above_the_limit_is_analysed_in_place_and_the_overview_covers_every_row(
    open_page, session, shop_file, monkeypatch
):
    path, shop = shop_file
    monkeypatch.setattr(connect, "MAX_PURCHASE_ROWS", 100)
    monkeypatch.setattr(in_place, "SAMPLE_CUSTOMERS", 25)
    app = _open(open_page(PAGE, "en", sample=True), str(path))
    counted = t(
        "in_place.counted",
        "en",
        customers="60",
        transactions=format_number(shop.n_purchases, "en"),
    )
    assert counted in [caption.value for caption in app.caption]
    assert t("in_place.too_large", "en", limit="100", customer_limit="5,000,000", sample="25") in [
        info.value for info in app.info
    ]
    assert [radio.key for radio in app.radio] == ["connect_privacy"]  # no mode: too large
    _load(app)
    data = session.dataset(app)
    source = app.session_state[IN_PLACE_KEY]
    assert source.rows == {"customers": 60, "transactions": shop.n_purchases}
    assert data.n_customers == 25  # the sample, with all of its customers' purchases
    sampled = set(data.customers["customer_id"])
    assert set(data.transactions["customer_id"]) <= sampled
    assert app.success[0].value.startswith("**laden** is connected in place: 60 customers")
    app.switch_page("views/overview.py").run()
    assert not app.exception, app.exception
    figures = {metric.label: metric.value for metric in app.metric}
    assert figures[t("overview.customers", "en")] == "60"
    revenue = format_money(float(shop.revenue), "EUR", "en", decimals=0)
    assert figures[t("overview.revenue", "en")] == revenue
    assert t(
        "in_place.sidebar", "en", customers="60", transactions=format_number(shop.n_purchases, "en")
    ) in [markdown.value for markdown in app.sidebar.markdown]
    app.switch_page("views/personas.py").run()
    notice = t("in_place.page_sample", "en", sample="25", customers="60")
    assert notice in [info.value for info in app.info]


def test_a_small_source_can_be_analysed_in_place_by_choice(open_page, session, shop_file):
    path, _ = shop_file
    app = _open(open_page(PAGE, "de"), str(path))
    app.radio(key="connect_mode").set_value("in_place").run()
    _load(app)
    source = app.session_state[IN_PLACE_KEY]
    assert not source.sampled  # 60 customers fit the sample: every page sees all of them
    assert session.dataset(app).n_customers == 60
    assert app.success[0].value.startswith("**laden** ist vor Ort verbunden")
    assert "alle diese Kunden" in app.success[0].value  # no sample: every page sees all


def test_a_team_server_opens_only_its_data_folder(open_page, session, tmp_path, monkeypatch):
    root = tmp_path / "teamdaten"
    root.mkdir()
    shop = make_shop(20, seed=2)
    write_duckdb(root / "laden.duckdb", shop)
    outside = write_duckdb(tmp_path / "privat.duckdb", make_shop(5, seed=1))
    monkeypatch.setenv(NO_LOGIN_VARIABLE, "1")
    monkeypatch.setenv(DATA_ROOT_VARIABLE, str(root))
    monkeypatch.delenv(CONNECTIONS_VARIABLE, raising=False)
    app = open_page(PAGE, "en")
    refused = t("connect_error.outside_root", "en", root=escape_markdown(str(root.resolve())))
    _open(app, str(outside))
    assert app.error[0].value == refused
    _open(app, "../privat.duckdb")
    assert app.error[0].value == refused
    _open(app, "duckdb:///" + str(outside))
    assert app.error[0].value == t("connect_error.connections_off", "en")
    _open(app, "laden.duckdb")  # relative to the data folder
    assert not app.error
    _load(app)
    assert session.dataset(app).n_customers == 20


@pytest.mark.parametrize("lang", ["de", "nb"])
def test_personas_of_a_sample_label_every_customer_of_the_source_on_request(
    open_page, session, shop_file, monkeypatch, lang
):
    """Personas fitted on 45 of the 60 customers; "label all customers" reads the source in
    parts and gives every buyer a persona; the sample keeps the personas of the fit."""
    from kundenmodell.personas import labelling

    path, shop = shop_file
    monkeypatch.setattr(connect, "MAX_PURCHASE_ROWS", 100)
    monkeypatch.setattr(in_place, "SAMPLE_CUSTOMERS", 45)
    monkeypatch.setattr(labelling, "PART_CUSTOMERS", 25)  # three parts
    app = _load(_open(open_page(PAGE, lang, sample=True), str(path)))
    app.switch_page("views/personas.py").run()
    app.select_slider(key="personas_k").set_value(2)
    app.button(key="personas_build").click().run()
    assert not app.exception, app.exception
    assert t("personas_everyone.tab", lang) in [tab.label for tab in app.tabs]
    assert not app.button(key="personas_label_all").value
    assert not _labelled(app)  # nothing read before the click
    app.button(key="personas_label_all").click().run()
    assert not app.exception, app.exception
    (population,) = _labelled(app)
    (fitted,) = session.derived(app, "build_personas")
    buyers = {str(number) for number in shop.purchases["Kundennummer"].to_pylist()}
    assert population.parts == 3 and population.buyers == len(buyers)
    labels = population.labels().set_index("customer_id")["persona"]
    assert set(labels.index) == buyers
    assert labels.reindex(fitted.labels.index.astype(str)).tolist() == fitted.labels.tolist()
    done = t(
        "personas_everyone.done",
        lang,
        buyers=format_number(len(buyers), lang),
        parts=format_number(3, lang),
    )
    assert done in [success.value for success in app.success]
    sizes = app.dataframe[-1].value
    assert sizes[t("personas_everyone.buyers", lang)].sum() == len(buyers)
    app.run()  # a later run shows the same labels without reading the source again
    assert _labelled(app) == [population]


def _labelled(app: AppTest) -> list:
    """What the personas page memoised of labelling every customer in place."""
    memo = app.session_state.get(DERIVED_KEY, {})
    return [value for key, value in memo.items() if "_label_everyone" in key]
