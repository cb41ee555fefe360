"""What people see of a persona set: profile sheets in three languages, HTML cards (escaped),
Markdown, JSON, PNG, charts, edits, and the catalogue keys the text builds at run time (the
PDF: test_personas_pdf.py)."""

import dataclasses
import io
import json
import math

import pandas as pd
import pytest
from PIL import Image

from kundenmodell.i18n import LANGUAGES, catalogue, format_percent, t
from kundenmodell.personas import FEATURES, build, initials, sheet
from kundenmodell.personas.cards import card_html
from kundenmodell.personas.charts import (
    comparison_chart,
    comparison_frame,
    criterion_chart,
    size_chart,
    truth_chart,
)
from kundenmodell.personas.export import to_dict, to_json, to_markdown
from kundenmodell.personas.image import card_png
from kundenmodell.personas.profile import GOAL_RULES, PAIN_RULES
from kundenmodell.personas.text import MONEY, trait_text
from kundenmodell.synth import generate

HOSTILE = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def data():
    return generate(4_000, seed=5)


@pytest.fixture(scope="module")
def personas(data):
    return build(data, k=5, seed=0)


# --- the catalogue keys the text builds from data ---------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_dynamic_key_exists(lang):
    keys = set(catalogue(lang))
    for name, spec in FEATURES.items():
        assert f"persona_traits.feature.{name}" in keys
        if spec.kind == "numeric" and name not in MONEY:
            assert f"persona_traits.unit.{name}" in keys
    for _, _, suffix in GOAL_RULES:
        assert f"persona_traits.goal.{suffix}" in keys
        assert f"persona_traits.quote.{suffix}" in keys
    for _, _, suffix in PAIN_RULES:
        assert f"persona_traits.pain.{suffix}" in keys
    for kind in ("higher", "lower"):
        assert f"persona_traits.trait.{kind}" in keys
    for of in ("customers", "purchases"):
        for direction in ("more", "less"):
            assert f"persona_traits.share_line.{of}_{direction}" in keys
    for key in ("category", "basket", "purchase_rate", "rhythm_days", "channel", "contact"):
        assert f"persona_traits.fact.{key}" in keys
    for group in ("demographics", "behaviour", "relationship"):
        assert f"personas.group.{group}" in keys
    for tab in ("profile", "members", "customer", "features", "export", "truth"):
        assert f"personas.tab.{tab}" in keys


# --- profile sheets --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sheets_speak_every_language(personas, lang):
    for persona in personas.personas:
        card = sheet(persona, lang, personas.currency)
        assert card.name == persona.name and card.initials == persona.initials
        assert format_percent(persona.share, lang) in card.headline
        assert card.description and card.quote and card.traits and card.goals and card.pains
        assert [label for label, _ in card.approach] == [
            t("persona_traits.approach.retention", lang),
            t("persona_traits.approach.acquisition", lang),
            t("persona_traits.approach.focus", lang),
        ]
        assert card.how_sure[0][1].replace("\u00a0", "").replace(".", "").replace(",", "") == str(
            persona.size
        )


def test_trait_text_reads_value_base_and_lift(personas):
    trait = next(t for p in personas.personas for t in p.traits if t.level is not None)
    text = trait_text(trait, "de", personas.currency)
    assert format_percent(trait.value, "de") in text
    assert format_percent(trait.base, "de") in text


def test_user_edits_win_and_initials_follow_the_name(personas):
    edited = personas.with_edits(
        {0: {"name": "Familie Fröhlich", "quote": "Hauptsache bunt!", "description": "  "}}
    )
    first = edited.personas[0]
    assert (first.name, first.initials, first.quote) == (
        "Familie Fröhlich",
        "FF",
        "Hauptsache bunt!",
    )
    assert first.description is None  # blank keeps the generated text
    card = sheet(first, "de")
    assert card.quote == "Hauptsache bunt!" and card.description
    assert personas.personas[0].name != "Familie Fröhlich"  # the original is untouched
    assert initials("anna") == "A" and initials("") == "?"


# --- cards are safe --------------------------------------------------------------------------


def test_cards_escape_user_and_data_text(personas):
    edited = personas.with_edits(
        {0: {"name": HOSTILE, "description": "<b>fett</b> & mehr", "quote": '"><img src=x>'}}
    )
    html = card_html(sheet(edited.personas[0], "de"), "de")
    assert "<script>" not in html and "<img" not in html and "<b>fett" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;b&gt;fett&lt;/b&gt; &amp; mehr" in html
    compact = card_html(sheet(edited.personas[0], "en"), "en", compact=True)
    assert "<script>" not in compact and "&lt;script&gt;" in compact


def test_cards_escape_category_names_from_the_data(data):
    transactions = data.transactions.assign(
        category=data.transactions["category"].astype(str).replace({"Spielwaren": "<i>Toys</i>"})
    )
    result = build(type(data)(customers=data.customers, transactions=transactions), k=5)
    html = "".join(card_html(sheet(p, "de"), "de") for p in result.personas)
    assert "&lt;i&gt;Toys&lt;/i&gt;" in html and "<i>Toys" not in html


# --- files -----------------------------------------------------------------------------------


def test_markdown_has_a_section_per_persona(personas):
    text = to_markdown(personas, "de")
    assert text.startswith("# Buyer Personas\n")
    for persona in personas.personas:
        assert f"\n## {persona.name}\n" in text
    assert text.count(f"### {t('personas.card.goals', 'de')}") == personas.k
    assert t(personas.quality.reading, "de") in text


def test_json_round_trips_and_has_no_nan(personas):
    data = json.loads(to_json(personas, "nb"))
    assert data["k"] == personas.k == len(data["personas"])
    assert data["language"] == "nb"
    assert data["features_used"] == list(personas.features_used)
    first = data["personas"][0]
    assert first["size"] == personas.personas[0].size
    assert first["traits"][0]["feature"] == personas.personas[0].traits[0].feature
    assert math.isclose(sum(p["share"] for p in data["personas"]), 1.0)
    assert "NaN" not in to_json(personas, "nb")
    assert to_dict(personas, "en")["quality"]["reading"] == t(personas.quality.reading, "en")


def test_png_card_is_an_image(personas):
    png = card_png(sheet(personas.personas[0], "nb"), "nb")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(png))
    assert image.width == 900 and image.height > 800


# --- charts ----------------------------------------------------------------------------------


def test_comparison_frame_covers_every_trait_for_every_persona(personas):
    frame = comparison_frame(personas, "de")
    distinct = {(t.feature, t.level) for p in personas.personas for t in p.traits}
    assert len(frame) == len(distinct) * personas.k
    assert set(frame["persona"]) == {p.name for p in personas.personas}
    assert frame["log2_lift"].between(-3, 3).all()
    spec = comparison_chart(frame, "de").to_dict()
    assert spec["config"]["locale"]["number"]["decimal"] == ","


def test_other_charts_render(personas, data):
    assert criterion_chart(build(data, seed=0).criterion, "en").to_dict()["layer"]
    assert size_chart(personas, "nb").to_dict()
    _, table = personas.compare_with_truth(data.truth)
    names = {p.index: p.name for p in personas.personas}
    spec = truth_chart(table, names, "de").to_dict()
    labels = {row["type_label"] for row in spec["datasets"][next(iter(spec["datasets"]))]}
    assert "Familien" in labels  # the planted types' German names


def test_comparison_frame_is_empty_without_traits(personas):
    plain = dataclasses.replace(
        personas, personas=tuple(dataclasses.replace(p, traits=()) for p in personas.personas)
    )
    frame = comparison_frame(plain, "en")
    assert isinstance(frame, pd.DataFrame) and frame.empty
