"""The lesson as a slide deck: slides in the trainer's order, escaped text, offline file."""

from kundenmodell.learn.chapters import chapter
from kundenmodell.learn.deck import DeckLabels, Slide, lesson_slides, slide_deck_html

LABELS = DeckLabels(
    mistakes="Typische Fehler",
    no_example="Keine Daten geladen",
    previous="Zurück",
    next="Weiter",
    full_screen="Vollbild",
    slide="Folie {current} von {total}",
)


def test_three_slides_per_chapter_in_the_given_order():
    slides = lesson_slides(["churn", "customer"], None, "de", LABELS)
    assert [slide.kind for slide in slides] == ["definition", "example", "mistakes"] * 2
    assert slides[0].title == chapter("churn", "de").title
    assert slides[0].lead == chapter("churn", "de").definition
    assert slides[1].lines == ("Keine Daten geladen",)  # no data: says so instead of a number
    assert slides[5].lines == tuple(chapter("customer", "de").mistakes)


def test_user_text_is_escaped_and_the_file_needs_nothing_from_outside():
    hostile = Slide("<script>alert(1)</script>", "Kunde & Co", ("<img src=x onerror=alert(1)>",))
    page = slide_deck_html([hostile], LABELS, lang="de", title="Lektion")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page and "Kunde &amp; Co" in page
    assert "http://" not in page and "https://" not in page  # offline: no outside resources
    assert "data-pattern='Folie {current} von {total}'" in page
    assert "ArrowRight" in page and "requestFullscreen" in page  # keyboard and full screen
