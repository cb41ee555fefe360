"""The buyer personas page through Streamlit's AppTest, in every language."""

import json
from html import escape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from kundenmodell import Dataset
from kundenmodell.i18n import LANGUAGES, format_number, t
from kundenmodell.personas.text import quality_notes
from tests.data.personas import webshop
from ui.session import dataset_entries

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "views/personas.py"


def _personas_page(lang: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=300)
    app.query_params["lang"] = lang
    app.run()
    app.sidebar.button(key="load_sample").click().run()
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    return app


def _cards(app: AppTest) -> list[str]:
    return [
        element.proto.body for element in app.get("html") if "km-persona-card" in element.proto.body
    ]


def session_results(app: AppTest) -> list:
    """The persona sets the page built (memoised by ``derive``)."""
    memo = app.session_state["derived"]
    return [value for key, value in memo.items() if key[2] == "build_personas"]


def _key(app: AppTest, prefix: str, index: int) -> str:
    return next(
        w.key
        for w in [*app.text_input, *app.button]
        if w.key.startswith(prefix) and w.key.endswith(f"_{index}")
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_build_personas_and_read_them(lang):
    app = _personas_page(lang)
    assert app.title[0].value == t("personas.title", lang)
    assert app.info[0].value == t("personas.buyers_note", lang)
    assert app.info[1].value == t("personas.press_build", lang)
    assert not _cards(app)

    app.button(key="personas_build").click().run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    result = app.session_state["personas_active"] and next(
        value for key, value in app.session_state["derived"].items() if key[2] == "build_personas"
    )
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics[t("personas.metric.count", lang)] == str(result.k)
    assert metrics[t("personas.metric.clustered", lang)] == format_number(len(result.labels), lang)
    readings = [element.value for element in [*app.success, *app.info, *app.warning]]
    assert t(result.quality.reading, lang) in readings
    cards = _cards(app)
    # one card per persona side by side, then the profile sheet of the first persona and the
    # card of the first customer's persona
    assert len(cards) == result.k + 2
    for persona, card in zip(result.personas, cards, strict=False):
        assert escape(persona.name) in card
    assert escape(result.personas[0].name) in cards[result.k]
    first_customer = result.persona_of(str(result.labels.index[0]))
    assert escape(first_customer.name) in cards[result.k + 1]
    assert len(app.get("vega_lite_chart")) >= 2  # comparison heatmap and shares
    tabs = [tab.label for tab in app.tabs]
    assert tabs[:5] == [
        t(f"personas.tab.{key}", lang)
        for key in ("profile", "members", "customer", "features", "export")
    ]
    downloads = {button.key for button in app.get("download_button")}
    assert {"persona_png_0", "personas_md", "personas_json", "personas_pdf"} <= downloads


def test_changing_k_splits_and_edits_are_kept_escaped():
    app = _personas_page("de")
    app.button(key="personas_build").click().run()
    app.select_slider(key="personas_k").set_value(3).run()
    assert not app.exception, app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics[t("personas.metric.count", "de")] == "3"
    (result,) = [r for r in session_results(app) if r.k == 3]
    names = [escape(persona.name) for persona in result.personas]
    assert [name in card for name, card in zip(names, _cards(app)[:3], strict=True)] == [True] * 3

    app.text_input(key=_key(app, "persona_name_", 0)).set_value("<b>Familie</b> & Co")
    app.text_input(key=_key(app, "persona_quote_", 0)).set_value("Hauptsache bunt!")
    app.button(key=_key(app, "persona_save_", 0)).click().run()
    assert not app.exception, app.exception
    first = _cards(app)[0]
    assert "&lt;b&gt;Familie&lt;/b&gt; &amp; Co" in first and "<b>Familie" not in first
    assert "„Hauptsache bunt!“" in first

    app.select_slider(key="personas_k").set_value(4).run()  # another persona set: no edits
    assert "Familie" not in _cards(app)[0]
    app.select_slider(key="personas_k").set_value(3).run()  # back: the edit is still there
    assert "&lt;b&gt;Familie&lt;/b&gt;" in _cards(app)[0]
    # The edit is kept as JSON in the workspace's personas section, so a saved workspace has it.
    stored = app.session_state["workspace_state"]["personas"]
    assert json.loads(json.dumps(stored)) == stored
    names = [edits.get("0", {}).get("name") for edits in stored.values()]
    assert "<b>Familie</b> & Co" in names


def test_single_customer_and_unknown_number():
    app = _personas_page("en")
    app.button(key="personas_build").click().run()
    data = app.session_state["dataset"]
    buyer = str(data.transactions["customer_id"].iloc[0])
    app.text_input(key="persona_customer").set_value(buyer).run()
    assert not app.exception, app.exception
    assert any(buyer in element.value for element in app.success)
    app.text_input(key="persona_customer").set_value("NOBODY-42").run()
    assert not app.exception, app.exception
    assert t("error.personas.unknown_customer", "en", customer_id="NOBODY-42") in [
        element.value for element in app.warning
    ]
    # The tabs after the single customer still render.
    assert any(t("personas.features.used", "en") in element.value for element in app.markdown)


def test_page_without_data_explains_what_to_do():
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params["lang"] = "nb"
    app.run()
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    assert app.info[0].value == t("personas.none", "nb")


PLAIN_WORDS = {
    "de": ("Eine Spalte entscheidet: „Warenkorb“", "Einmal pro Kunde gezählt: Kanal."),
    "en": ("One column decides: “Basket”", "Counted once per customer: Channel."),
    "nb": ("Én kolonne avgjør: «Handlekurv»", "Telt én gang per kunde: Kanal."),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_quality_panel_says_what_to_distrust(lang):
    """A shop export whose shop column repeats on every purchase row, built on three features
    of which one decides: the panel warns in plain words (one column decides, unstable
    personas) and names the column it counted once."""
    app = AppTest.from_file(APP, default_timeout=300)
    app.query_params["lang"] = lang
    app.run()
    for key, value in dataset_entries(webshop.generate(1_500, seed=0)).items():
        app.session_state[key] = value
    app.switch_page(PAGE).run()
    app.multiselect(key="personas_features").set_value(["basket", "gender", "channel"]).run()
    app.button(key="personas_build").click().run()
    assert not app.exception, app.exception
    result = next(
        value for key, value in app.session_state["derived"].items() if key[2] == "build_personas"
    )
    assert result.quality.dominant == "basket" and result.used_once == ("channel",)
    notes = quality_notes(result, lang)
    assert {n.text for n in notes if n.level == "warning"} <= {w.value for w in app.warning}
    assert {n.text for n in notes if n.level == "info"} <= {i.value for i in app.info}
    dominant, once = PLAIN_WORDS[lang]
    assert sum(w.value.startswith(dominant) for w in app.warning) == 1
    assert sum(i.value.startswith(once) for i in app.info) == 1
    unstable = t("persona_quality_v2.unstable", lang, personas="|", threshold="|").split("|")[0]
    assert any(w.value.startswith(unstable) for w in app.warning)


def test_edits_of_personas_built_before_the_row_order_change_are_named_not_shown(open_page):
    """A shop (numpy, rows not in id order) whose workspace holds an edit saved by an older
    workbench, under the signature without the row-order marker: the cards do not show it,
    and the page says that it is kept."""
    generator = np.random.default_rng(12)
    ids = [f"V{number:04d}" for number in generator.permutation(300)]
    rows = 2_000
    data = Dataset(
        customers=pd.DataFrame({"customer_id": ids, "age": generator.integers(18, 80, 300)}),
        transactions=pd.DataFrame(
            {
                "customer_id": generator.choice(ids, rows),
                "date": pd.Timestamp("2025-01-01")
                + pd.to_timedelta(generator.integers(0, 365, rows), unit="D"),
                "amount": generator.gamma(2.0, 30.0, rows).round(2),
            }
        ),
        name="Velo",
    )
    app = open_page(PAGE, "nb", data=data)
    app.button(key="personas_build").click().run()
    app.text_input(key=_key(app, "persona_name_", 0)).set_value("Sykkelentusiasten")
    app.button(key=_key(app, "persona_save_", 0)).click().run()
    assert "Sykkelentusiasten" in _cards(app)[0]
    notice = t("personas_earlier.notice", "nb", count=1)
    assert notice not in [info.value for info in app.info]
    stored = app.session_state["workspace_state"]["personas"]
    (key,) = stored
    parts = json.loads(key)
    assert parts[-1] == "customers in id order"
    app.session_state["workspace_state"] = {"personas": {json.dumps(parts[:-1]): stored[key]}}
    app.run()
    assert not app.exception, app.exception
    assert notice in [info.value for info in app.info]
    assert "Sykkelentusiasten" not in _cards(app)[0]
