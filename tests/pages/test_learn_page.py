"""The learn page: every chapter in every language, the quiz and the presenter view."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kundenmodell.i18n import LANGUAGES, t
from kundenmodell.learn import CHAPTERS, chapter

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _learn(lang: str, with_data: bool = True) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params["lang"] = lang
    app.run()
    if with_data:
        app.sidebar.button(key="load_sample").click().run()
    app.switch_page("views/learn.py").run()
    assert not app.exception, app.exception
    return app


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_chapter_renders_with_its_live_example(lang):
    app = _learn(lang)
    for key in CHAPTERS:
        app.selectbox(key="learn_chapter").set_value(key).run()
        assert not app.exception, (key, app.exception)
        assert app.header[0].value == chapter(key, lang).title
        assert app.metric[0].label == t("learn.example_title", lang)


def test_chapters_without_data_explain_how_to_get_it():
    app = _learn("de", with_data=False)
    assert app.info[0].value == t("learn.no_data", "de")


def test_quiz_scores_answers():
    app = _learn("en")
    app.segmented_control(key="learn_mode").set_value("quiz").run()
    app.multiselect(key="quiz_chapters").set_value(["nps_groups"]).run()
    right = chapter("nps_groups", "en").question.answer
    app.radio(key="q_nps_groups.choice").set_value(right)
    promoters = int((app.session_state["dataset"].customers["nps_score"] >= 9).sum())
    app.text_input(key="q_nps_groups.number").input(f"{promoters:,}")
    submit = next(b for b in app.button if b.label == t("learn.quiz_submit", "en"))
    submit.click().run()
    assert not app.exception, app.exception
    assert app.success[0].value == t("learn.quiz_score", "en", correct=2, total=2)


def test_presenter_steps_through_slides_and_offers_the_handout():
    app = _learn("nb")
    app.segmented_control(key="learn_mode").set_value("presenter").run()
    app.multiselect(key="lesson_order").set_value(["churn", "customer"]).run()
    assert not app.exception, app.exception
    deck = app.session_state["derived"]  # the deck is built once per data set and order
    html = next(v for k, v in deck.items() if k[2] == "_deck" and k[3][0] == ("churn", "customer"))
    assert html.count("class='slide ") == 6 and "aria-roledescription='slide'" in html
    assert len(app.get("download_button")) == 2  # the deck as HTML and the Markdown handout
    app.button(key="deck_start").click().run()
    assert app.session_state["learn_presenting"] is True
    exit_button = next(b for b in app.button if b.label == t("learn.deck.exit", "nb"))
    exit_button.click().run()
    assert app.session_state["learn_presenting"] is False


def test_fresh_data_for_a_group_replaces_the_dataset():
    app = _learn("de")
    before = app.session_state["dataset"]
    app.button(key="learn_new_data").click().run()
    assert not app.exception, app.exception
    after = app.session_state["dataset"]
    assert after is not before and after.n_customers == 2_000 and after.source == "synthetic"


@pytest.mark.parametrize("lang", ["de", "nb"])
def test_quiz_reads_a_decimal_comma_and_refuses_a_point(lang):
    app = _learn(lang)
    app.segmented_control(key="learn_mode").set_value("quiz").run()
    app.multiselect(key="quiz_chapters").set_value(["nps_groups"]).run()
    right = chapter("nps_groups", lang).question.answer
    app.radio(key="q_nps_groups.choice").set_value(right)
    promoters = int((app.session_state["dataset"].customers["nps_score"] >= 9).sum())
    app.text_input(key="q_nps_groups.number").input(f"{promoters},0")
    submit = next(b for b in app.button if b.label == t("learn.quiz_submit", lang))
    submit.click().run()
    assert app.success[0].value == t("learn.quiz_score", lang, correct=2, total=2)
    app.text_input(key="q_nps_groups.number").input(f"{promoters}.5")
    submit = next(b for b in app.button if b.label == t("learn.quiz_submit", lang))
    submit.click().run()
    assert not app.exception, app.exception
    assert app.success[0].value == t("learn.quiz_score", lang, correct=1, total=2)
    assert f"{promoters}.5" in app.warning[0].value
