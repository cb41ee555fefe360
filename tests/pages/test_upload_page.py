"""The upload page through Streamlit's AppTest: files go in through the real ``file_uploader``
widget, the mapping editor, the privacy choice and the drop list are driven as a user would."""

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from kundenmodell import io
from kundenmodell.i18n import LANGUAGES, t
from kundenmodell.sample import SAMPLE_DIR

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
INGEST = ROOT / "tests" / "data" / "ingest"
HOSTILE = ROOT / "tests" / "data" / "hostile"
GERMAN = "kunden_excel_cp1252.csv"


def _app(lang: str = "de", sample: bool = False) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params["lang"] = lang
    app.run()
    if sample:
        app.sidebar.button(key="load_sample").click().run()
    app.switch_page("views/upload.py").run()
    assert not app.exception, app.exception
    return app


def _file_chooser(app: AppTest):
    """The page's file chooser: a fresh one (``upload_file_<n>``) after data were used."""
    return next(widget for widget in app.file_uploader if widget.key.startswith("upload_file"))


def _upload(app: AppTest, path: Path, mime: str = "text/csv") -> AppTest:
    _file_chooser(app).set_value((path.name, path.read_bytes(), mime)).run()
    assert not app.exception, app.exception
    return app


def _editor_targets(app: AppTest) -> dict[str, str]:
    frame = app.data_editor[0].value
    return dict(zip(frame["source"], frame["target"], strict=True))


def _use(app: AppTest) -> AppTest:
    app.button(key="upload_use").click().run()
    assert not app.exception, app.exception
    return app


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_speaks_every_language_before_a_file_is_chosen(lang):
    app = _app(lang)
    assert app.title[0].value == t("upload.title", lang)
    chooser = app.file_uploader(key="upload_file")
    assert chooser.label == t("upload_files.file_label", lang)
    assert ".csv" in chooser.allowed_type and chooser.accept_multiple_files
    assert not app.data_editor  # nothing else until there is a file


def test_a_german_excel_export_needs_nothing_but_a_click():
    app = _upload(_app("de"), INGEST / GERMAN)
    assert "Windows-1252" in app.caption[1].value and "Semikolon" in app.caption[1].value
    targets = _editor_targets(app)
    assert targets["Kunden-Nr."] == "customer_id" and targets["Bemerkung"] == "ignore"
    assert [header.value for header in app.header] == [
        t("upload.mapping_title", "de"),
        t("privacy.title", "de"),
        t("upload.validation_title", "de"),
        t("upload.use_title", "de"),
    ]
    assert app.success[0].value == t("upload.validation_ok", "de")
    _use(app)
    data = app.session_state["dataset"]
    assert (data.name, data.source, data.n_customers, data.currency) == (
        "kunden_excel_cp1252",
        "upload",
        5,
        "EUR",
    )
    # the recommended default keeps only what the analysis needs
    assert not {"first_name", "last_name", "email", "phone"} & set(data.customers.columns)
    assert app.success[0].value == t(
        "upload.used", "de", name="kunden_excel_cp1252", customers="5", transactions="0"
    )


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("png_renamed.csv", "error.io.binary_file"),
        ("ragged_rows.csv", "error.io.ragged_rows"),
        ("passwortgeschuetzt.xlsx", "error.io.encrypted_excel"),
        ("no_id_column.csv", "error.io.no_id_column"),
    ],
)
def test_a_broken_file_is_explained_and_the_loaded_data_stays(name, key):
    app = _app("en", sample=True)
    loaded = app.session_state["dataset"]
    _upload(app, HOSTILE / name)
    assert app.error, "the problem must be shown"
    message = app.error[0].value
    assert message.startswith(t(key, "en").split("{")[0][:30])
    assert app.session_state["dataset"] is loaded
    assert not any(button.key == "upload_use" for button in app.button)


def test_a_workbook_with_two_sheets_asks_which_one():
    app = _upload(_app("de"), INGEST / "kunden_und_kaeufe.xlsx", "application/vnd.ms-excel")
    picker = app.selectbox[0]
    assert picker.label == t("upload.sheet_label", "de")
    assert picker.options == ["Kunden", "Käufe"]
    assert app.info[0].value == t("upload.sheet_needed", "de", count=2)
    picker.set_value("Käufe").run()
    assert not app.exception, app.exception
    assert _editor_targets(app) == {
        "Kundennummer": "customer_id",
        "Datum": "date",
        "Betrag": "amount",
        "Kategorie": "category",
    }
    _use(app)
    data = app.session_state["dataset"]
    assert (data.name, data.n_customers, data.n_transactions) == ("kunden_und_kaeufe · Käufe", 2, 3)


def test_correcting_the_mapping_in_the_editor():
    app = _upload(_app("de"), INGEST / GERMAN)
    editor = app.data_editor[0]
    rows = list(editor.value["source"])
    app.session_state[editor.key] = {
        "edited_rows": {rows.index("Bemerkung"): {"target": "industry"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    assert not app.exception, app.exception
    _use(app)
    customers = app.session_state["dataset"].customers
    assert customers["industry"].tolist()[1:3] == ["Stammkundin", "Rechnung; per Post"]


def test_two_columns_with_one_meaning_are_refused():
    app = _app("nb", sample=True)
    loaded = app.session_state["dataset"]
    _upload(app, INGEST / GERMAN)
    editor = app.data_editor[0]
    rows = list(editor.value["source"])
    app.session_state[editor.key] = {
        "edited_rows": {rows.index("Bemerkung"): {"target": "customer_id"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    assert app.error[0].value == t(
        "error.io.duplicate_target", "nb", sources="Kunden-Nr., Bemerkung"
    )
    assert app.session_state["dataset"] is loaded


def test_pseudonymise_and_drop_rows_with_problems():
    app = _upload(_app("en"), INGEST / "hubspot_contacts.csv")
    app.radio(key="upload_privacy").set_value("pseudonymise").run()
    drop = app.multiselect[0]
    bad_email = next(
        option for option in drop.options if t("validation.io.bad_email", "en") in option
    )
    drop.select(bad_email).run()
    assert not app.exception, app.exception
    assert app.info[-1].value == t("upload.dropped", "en", customers="1", transactions="0")
    _use(app)
    customers = app.session_state["dataset"].customers
    assert list(customers["customer_id"]) == ["501", "502"]
    assert customers["email"].str.fullmatch(r"p[0-9a-f]{16}").all()
    assert list(customers["city"]) == ["Arlington", "London"]


def test_a_saved_mapping_is_loaded_for_the_next_export():
    loaded = io.read_table(INGEST / GERMAN)
    saved = json.loads(io.suggest_mapping(loaded.frame.columns, "auto", loaded).to_json())
    for entry in saved["entries"]:
        if entry["source"] == "Anrede":
            entry["target"] = None
    app = _upload(_app("de"), INGEST / "kunden_unicode_text.txt")
    assert _editor_targets(app)["Anrede"] == "gender"
    (mapping_file,) = [w for w in app.file_uploader if w.key.startswith("upload_mapping_file")]
    mapping_file.set_value(("kunden.json", json.dumps(saved).encode(), "application/json"))
    app.run()
    assert not app.exception, app.exception
    assert _editor_targets(app)["Anrede"] == "ignore"
    _use(app)
    assert "gender" not in app.session_state["dataset"].customers.columns


def test_the_confirmed_mapping_is_remembered_for_the_next_export_of_the_same_shape():
    app = _upload(_app("de"), INGEST / GERMAN)
    editor = app.data_editor[0]
    rows = list(editor.value["source"])
    app.session_state[editor.key] = {
        "edited_rows": {rows.index("Bemerkung"): {"target": "industry"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    _use(app)
    assert not app.info  # nothing remembered for the first file
    _upload(app, INGEST / "kunden_unicode_text.txt", "text/plain")
    assert app.info[0].value == t("upload.memory.remembered", "de")
    assert _editor_targets(app)["Bemerkung"] == "industry"
    _upload(app, INGEST / "kunder_norsk.csv")  # another shape: a fresh suggestion
    assert not any(box.value == t("upload.memory.remembered", "de") for box in app.info)


def test_a_guessed_day_order_is_shown_in_the_report(tmp_path):
    path = tmp_path / "uk_customers.csv"
    rows = [
        "Customer ID,Surname,Postcode,Joined",
        "1,Smith,AB1,03/04/2024",
        "2,Jones,EF3,05/06/2024",
    ]
    path.write_text("\n".join(rows) + "\n")
    app = _upload(_app("en"), path)
    message = t("read_note.values.day_order", "en", example="03/04/2024", day=3, month=4, year=2024)
    shown = [frame.value for frame in app.dataframe if "message" in frame.value.columns]
    assert message in shown[0]["message"].tolist()
    _use(app)
    joined = app.session_state["dataset"].customers["acquired_at"]
    assert joined.tolist() == [pd.Timestamp("2024-04-03"), pd.Timestamp("2024-06-05")]


MAILCHIMP = (
    "Email Address,First Name,OPTIN_IP,LEID,EUID\n"
    "anna@example.com,Anna,192.168.10.21,101,a1b2c3d4e5\n"
    "ben@example.org,Ben,10.0.0.7,102,b2c3d4e5f6\n"
    "cara@example.net,Cara,2001:db8::1,103,c3d4e5f6g7\n"
)


@pytest.mark.parametrize("answer", ["EUID", ""])
def test_an_unsure_customer_number_is_asked_about(tmp_path, answer):
    path = tmp_path / "members_export.csv"
    path.write_text(MAILCHIMP, encoding="utf-8")
    app = _upload(_app("en"), path)
    assert app.warning[0].value == t(
        "upload.mapping_check.id_question", "en", candidates="LEID, EUID"
    )
    question = app.radio(key=next(r.key for r in app.radio if r.key.startswith("upload_id")))
    email = t("upload.mapping_check.use_email", "en", column="Email Address")
    assert question.options == ["LEID", "EUID", email]
    assert _editor_targets(app)["LEID"] == "ignore"  # asked, none assumed
    question.set_value(answer).run()
    assert not app.exception, app.exception
    assert not any(r.key.startswith("upload_id") for r in app.radio)  # answered
    targets = _editor_targets(app)
    assert targets["OPTIN_IP"] == "ignore"
    assert targets["LEID"] == "ignore"
    assert targets["EUID"] == ("customer_id" if answer else "ignore")
    _use(app)
    ids = app.session_state["dataset"].customers["customer_id"]
    if answer:
        assert list(ids) == ["a1b2c3d4e5", "b2c3d4e5f6", "c3d4e5f6g7"]
    else:  # the e-mail address identifies the customer, pseudonymised by the default "drop"
        assert ids.str.fullmatch(r"p[0-9a-f]{16}").all() and ids.is_unique


def test_the_header_row_can_be_chosen_next_to_the_file_details(tmp_path):
    path = tmp_path / "umsatz_gruppen.csv"
    path.write_bytes(
        b";Kunde;;Umsatz;\n"
        b"Kundennummer;Name;Ort;Betrag;Datum\n"
        b"1;Meier;Hamburg;12,50;01.01.2024\n"
        b"2;Schulz;Kiel;13,50;02.01.2024\n"
        b"3;Weber;Bonn;14,00;03.01.2024\n"
    )
    app = _upload(_app("de"), path)
    label = t("upload.header_row.label", "de")
    choice = next(field for field in app.text_input if field.label == label)
    assert choice.value == "2"  # a number field: typed the language's way
    assert list(app.data_editor[0].value["source"]) == [
        "Kundennummer",
        "Name",
        "Ort",
        "Betrag",
        "Datum",
    ]
    choice.input("1").run()
    assert not app.exception, app.exception
    assert list(app.data_editor[0].value["source"])[:4] == [
        "column 1",
        "Kunde",
        "column 3",
        "Umsatz",
    ]
    choice = next(field for field in app.text_input if field.label == label)
    choice.input("40").run()  # no rows below: explained, the choice stays at hand
    assert app.error[0].value == t("error.io.no_rows", "de")
    choice = next(field for field in app.text_input if field.label == label)
    choice.input("1,5").run()  # not a whole row number: refused, row 40 stays in force
    whole = t("error.number.whole", "de", text="1,5")
    assert any(whole in error.value for error in app.error)
    choice = next(field for field in app.text_input if field.label == label)
    choice.input("2").run()
    assert not app.error, app.error[0].value
    assert next(field for field in app.text_input if field.label == label).value == "2"
    assert list(app.data_editor[0].value["source"]) == [
        "Kundennummer",
        "Name",
        "Ort",
        "Betrag",
        "Datum",
    ]


SAMPLE = SAMPLE_DIR


def _upload_several(app: AppTest, *files: tuple[str, bytes]) -> AppTest:
    chooser = _file_chooser(app)
    chooser.set_value([(name, content, "text/csv") for name, content in files]).run()
    assert not app.exception, app.exception
    return app


def _sample_file(name: str) -> tuple[str, bytes]:
    return name, (SAMPLE / name).read_bytes()


def test_a_customer_file_and_a_purchase_file_become_one_data_set():
    app = _upload_several(_app("de"), _sample_file("kunden_de.csv"), _sample_file("kaeufe_de.csv"))
    assert [tab.label for tab in app.tabs] == ["kunden\\_de\\.csv", "kaeufe\\_de\\.csv"]
    fills = [c.value for c in app.caption if c.value.startswith("Diese Datei liefert")]
    assert fills == [
        t("upload_files.fills", "de", tables="Kunden"),
        t("upload_files.fills", "de", tables="Käufe"),
    ]
    shown = [box.value for box in app.info]
    assert (
        t(
            "join_report.without_purchases",
            "de",
            customers="489",
            examples="C0000006, C0000008, C0000010",
        )
        in shown
    )
    assert t("join_report.all_known", "de") in [box.value for box in app.success]
    report = next(frame.value for frame in app.dataframe if "fills" in frame.value.columns)
    assert report[["file", "customers", "transactions"]].values.tolist() == [
        ["kunden_de", 1000, 0],
        ["kaeufe_de", 0, 3219],
    ]
    _use(app)
    data = app.session_state["dataset"]
    assert (data.n_customers, data.n_transactions) == (1000, 3219)
    assert data.name == "kunden_de + kaeufe_de"
    assert data.customers["status"].notna().sum() == 1000  # status, funnel and NPS are there
    assert "email" not in data.customers.columns  # one privacy choice for both files
    assert app.success[0].value == t(
        "upload.used", "de", name="kunden_de + kaeufe_de", customers="1.000", transactions="3.219"
    )
    assert not _file_chooser(app).value  # a fresh chooser for the next files


def test_a_bad_file_among_several_is_left_out_and_the_loaded_data_stays():
    app = _app("en", sample=True)
    loaded = app.session_state["dataset"]
    _upload_several(
        app,
        ("png_renamed.csv", (HOSTILE / "png_renamed.csv").read_bytes()),
        _sample_file("kaeufe_de.csv"),
    )
    assert app.error[0].value.startswith(t("error.io.binary_file", "en").split("{")[0][:30])
    assert app.warning[0].value == t("upload_files.left_out", "en", files="png\\_renamed\\.csv")
    assert app.session_state["dataset"] is loaded
    _use(app)
    data = app.session_state["dataset"]
    assert (data.name, data.n_customers, data.n_transactions) == ("kaeufe_de", 511, 3219)


def test_files_can_be_added_to_the_current_data_set():
    app = _upload(_app("nb"), SAMPLE / "kaeufe_de.csv")
    _use(app)
    assert app.session_state["dataset"].n_customers == 511
    _upload(app, SAMPLE / "kunden_de.csv")
    assert app.toggle(key="upload_add").label == t(
        "upload_files.add_label", "nb", name="kaeufe\\_de"
    )
    app.toggle(key="upload_add").set_value(True).run()
    assert not app.exception, app.exception
    assert t("upload_files.added_note", "nb") in [caption.value for caption in app.caption]
    _use(app)
    data = app.session_state["dataset"]
    assert (data.n_customers, data.n_transactions) == (1000, 3219)
    assert data.customers["nps_score"].notna().sum() > 0


def test_numbers_written_differently_are_reported_and_unified_on_request():
    customers = b"Kundennummer;Ort\n00123;Kiel\n00124;Bonn\n00125;Ulm\n"
    purchases = b"Kundennummer;Datum;Betrag\n123;01.02.2024;10,00\n124;02.02.2024;5,50\n"
    app = _upload_several(_app("de"), ("kunden.csv", customers), ("kaeufe.csv", purchases))
    warnings = [box.value for box in app.warning]
    assert t("join_report.variants", "de", groups="2", examples="00123 = 123, 00124 = 124") in (
        warnings
    )
    assert any(text.startswith("2 Käufe (15,50") for text in warnings)
    app.checkbox(key="upload_unify").check().run()
    assert not app.exception, app.exception
    assert t("join_report.all_known", "de") in [box.value for box in app.success]
    _use(app)
    data = app.session_state["dataset"]
    assert (data.n_customers, data.n_transactions) == (3, 2)
    assert data.transactions["customer_id"].tolist() == ["00123", "00124"]


def test_a_file_is_read_once_and_cached_on_its_content(tmp_path, monkeypatch):
    reads = []
    read = io.read_table_guarded

    def counted(*args, **kwargs):
        reads.append(kwargs.get("header_row"))
        return read(*args, **kwargs)

    monkeypatch.setattr(io, "read_table_guarded", counted)
    path = tmp_path / "einmal.csv"
    path.write_text(f"Kundennummer;Ort\n{tmp_path.name};Bergen\n2;Oslo\n")  # unique content
    app = _upload(_app("de"), path)
    assert reads == [None]
    app.radio(key="upload_privacy").set_value("pseudonymise").run()  # a rerun reads nothing
    assert not app.exception, app.exception
    _upload(app, path)  # the same bytes again, as a new upload: still the cached table
    assert reads == [None]
    path.write_text(f"Kundennummer;Ort\n{tmp_path.name};Bergen\n3;Oslo\n")
    _upload(app, path)  # other content under the same name: read again
    assert reads == [None, None]
    assert _editor_targets(app)["Kundennummer"] == "customer_id"


@pytest.mark.parametrize(
    ("variable", "key"),
    [(None, "upload.local_note"), ("1", "upload_where.server_open")],
)
def test_the_page_says_where_the_files_stay(monkeypatch, variable, key):
    if variable is None:
        monkeypatch.delenv("KUNDENMODELL_NO_LOGIN", raising=False)
    else:
        monkeypatch.setenv("KUNDENMODELL_NO_LOGIN", variable)
    app = _app("en")
    notes = [caption.value for caption in app.main.caption if ":material/lock:" in caption.value]
    assert notes == [f":material/lock: {t(key, 'en')}"]


def test_the_page_text_is_the_catalogue_text_only():
    app = _app("en")  # a stray string in the page script would be drawn by Streamlit's magic
    assert [markdown.value for markdown in app.main.markdown] == [t("upload.intro", "en")]
