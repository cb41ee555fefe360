"""Learn content: complete in every language, examples run on sample and tiny data, links and
quiz answers are right."""

import ast
import string
from pathlib import Path

import pandas as pd
import pytest

from kundenmodell import Dataset, load_sample
from kundenmodell.i18n import LANGUAGES
from kundenmodell.learn import CHAPTERS, chapter, lesson_markdown, live_example, quiz_questions
from kundenmodell.learn.chapters import EXPLORE_PAGE, content
from kundenmodell.learn.examples import _BUILDERS, example_values
from kundenmodell.learn.quiz import NUMERIC, score_answers

ROOT = Path(__file__).resolve().parents[2]


def _structure(value):
    if isinstance(value, dict):
        return {key: _structure(item) for key, item in value.items()}
    if isinstance(value, list):
        return len(value) if all(isinstance(item, str) for item in value) else value
    return type(value).__name__


def test_every_chapter_exists_in_every_language_with_the_same_shape():
    reference = content("en")
    assert set(reference["chapter"]) == set(CHAPTERS) == set(_BUILDERS)
    for lang in LANGUAGES:
        data = content(lang)
        assert set(data["chapter"]) == set(CHAPTERS), lang
        assert set(data["numeric"]) == set(NUMERIC), lang
        for key in CHAPTERS:
            got, expected = data["chapter"][key], reference["chapter"][key]
            assert set(got) == set(expected), (lang, key)
            assert len(got["question"]["options"]) == len(expected["question"]["options"])
            assert got["question"]["answer"] == expected["question"]["answer"], (lang, key)
            assert all(str(value).strip() for value in got.values())


def test_example_placeholders_agree_across_languages():
    names = string.Formatter()
    for key in CHAPTERS:
        expected = {n for _, n, _, _ in names.parse(chapter(key, "en").example) if n}
        for lang in LANGUAGES:
            found = {n for _, n, _, _ in names.parse(chapter(key, lang).example) if n}
            assert found == expected, (lang, key)


def test_every_cross_link_points_to_a_registered_page():
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    table = next(
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PAGES"
    )
    registered = {script for pages in ast.literal_eval(table).values() for script, *_ in pages}
    assert registered == {f"views/{path.name}" for path in (ROOT / "views").glob("*.py")}
    for key, page in EXPLORE_PAGE.items():
        assert page in registered, (key, page)
        assert (ROOT / page).is_file()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_examples_run_on_the_sample_data(lang):
    data = load_sample("de")
    values = example_values(data)
    for key in CHAPTERS:
        example = live_example(key, values, lang, data.currency)
        assert example is not None, key
        assert "{" not in example.text and example.headline


def test_example_numbers_are_right_on_a_tiny_data_set():
    customers = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "status": ["customer", "customer", "lead", "prospect"],
            "customer_type": ["b2b", "b2c", "b2c", "b2c"],
            "nps_score": pd.array([10, 9, 3, None], dtype="Int64"),
        }
    )
    transactions = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b"],
            "date": pd.to_datetime(["2025-01-01", "2025-03-01", "2025-06-01", "2023-01-01"]),
            "amount": [100.0, 100.0, 100.0, 100.0],
        }
    )
    values = example_values(Dataset(customers, transactions))
    assert values.values["customer"] == {"customers": 2, "people": 4}
    assert values.values["b2b_b2c"]["revenue_share"] == pytest.approx(0.75)
    assert values.values["nps_groups"]["promoters"] == 2
    assert values.values["regular_customer"]["regular"] == 1
    assert values.values["consumer"] is None  # no consumer_role column
    assert live_example("consumer", values, "de") is None
    text = live_example("regular_customer", values, "de").text
    assert text == "1 Käufer (50\u00a0%) sind Stammkunden und bringen 75\u00a0% des Umsatzes."


def test_quiz_scores_right_answers_and_numeric_tolerance():
    data = example_values(load_sample("en"))
    questions = quiz_questions(data, "en")
    assert len(questions) == len(CHAPTERS) + len(NUMERIC)
    right = {q.key: q.answer for q in questions}
    assert score_answers(questions, right) == len(questions)
    assert score_answers(questions, {}) == 0
    promoters = next(q for q in questions if q.key == "nps_groups.number")
    assert promoters.answer == data.values["nps_groups"]["promoters"]
    share = next(q for q in questions if q.key == "regular_customer.number")
    assert share.is_correct(share.answer + 1.9) and not share.is_correct(share.answer + 2.5)
    assert len(quiz_questions(None, "en")) == len(CHAPTERS)


def test_handout_has_every_chapter_in_the_chosen_order():
    data = example_values(load_sample("de"))
    text = lesson_markdown(
        ["churn", "customer"],
        data,
        "de",
        title="Lektion",
        example_heading="Live",
        mistakes_heading="Fehler",
    )
    assert text.index("## Abwanderungsrate") < text.index("## Kunde")
    assert text.count("### Fehler") == 2
    assert "{" not in text
