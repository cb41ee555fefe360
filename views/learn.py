"""Learn mode: chapters with live examples, a quiz on the live data and a presenter view."""

import secrets

import streamlit as st

from kundenmodell import synth
from kundenmodell.errors import DataError
from kundenmodell.i18n import BABEL_LOCALES, currency_for, format_number
from kundenmodell.i18n.numbers import example, parse_number
from kundenmodell.learn import (
    CHAPTERS,
    LEARN_MODES,
    chapter,
    lesson_markdown,
    live_example,
    quiz_questions,
)
from kundenmodell.learn.deck import DeckLabels, lesson_slides, slide_deck_html
from kundenmodell.learn.examples import example_values
from ui.downloads import download_button
from ui.feedback import guard
from ui.sample_notice import sample_notice
from ui.session import T, dataset, derive, lang, set_dataset

st.title(T("learn.title"))
sample_notice()
st.markdown(T("learn.intro"))


def _new_group_data() -> None:
    seed = secrets.randbelow(1_000_000)
    set_dataset(synth.generate(2_000, locale=BABEL_LOCALES[lang()], seed=seed))
    st.session_state["learn_new_seed"] = seed


def _examples():
    return derive(example_values) if dataset() is not None else None


def _show_example(key: str) -> None:
    data = _examples()
    example = live_example(key, data, lang(), dataset().currency) if data is not None else None
    if data is None:
        st.info(T("learn.no_data"), icon=":material/info:")
    elif example is None:
        st.info(chapter(key, lang()).no_example, icon=":material/info:")
    else:
        st.metric(T("learn.example_title"), example.headline)
        st.markdown(example.text)
        if example.chart is not None:
            st.altair_chart(example.chart, width="stretch")
            st.caption(example.summary)


def _chapters_view() -> None:
    titles = {key: chapter(key, lang()).title for key in CHAPTERS}
    key = st.selectbox(
        T("learn.chapter"), CHAPTERS, format_func=titles.__getitem__, key="learn_chapter"
    )
    text = chapter(key, lang())
    st.header(text.title)
    st.markdown(f"**{text.definition}**")
    st.markdown(text.explanation)
    st.subheader(T("learn.example_title"))
    _show_example(key)
    st.page_link(text.explore_page, label=T("learn.explore"), icon=":material/arrow_forward:")
    st.subheader(T("learn.mistakes_title"))
    st.markdown("\n".join(f"- {mistake}" for mistake in text.mistakes))


def _decimals(answer: float) -> int:
    """Counts are shown as whole numbers, shares and averages with one decimal."""
    return 0 if float(answer).is_integer() else 1


def _read_numbers(questions: list, answers: dict) -> dict:
    """The typed numeric answers read in the page's language; what cannot be read counts as
    no answer and is named under the form (never guessed: ``36.4`` is no German number)."""
    read = dict(answers)
    for question in questions:
        if question.kind == "choice":
            continue
        text = answers[question.key] or ""
        if not text.strip():
            read[question.key] = None
            continue
        try:
            read[question.key] = parse_number(text, lang())
        except DataError as error:
            read[question.key] = None
            st.warning(error.message(lang()), icon=":material/error:")
    return read


def _quiz_view() -> None:
    titles = {key: chapter(key, lang()).title for key in CHAPTERS}
    chosen = st.multiselect(
        T("learn.quiz_chapters"),
        CHAPTERS,
        default=list(CHAPTERS),
        format_func=titles.__getitem__,
        key="quiz_chapters",
    )
    data = _examples()
    if data is None:
        st.caption(T("learn.quiz_no_data"))
    questions = quiz_questions(data, lang(), tuple(chosen))
    answers: dict[str, float | int | None] = {}
    with st.form("quiz"):
        for number, question in enumerate(questions, start=1):
            st.markdown(f"**{number}. {question.text}**")
            if question.kind == "choice":
                answers[question.key] = st.radio(
                    T("learn.quiz_answer"),
                    range(len(question.options)),
                    index=None,
                    format_func=question.options.__getitem__,
                    key=f"q_{question.key}",
                    label_visibility="collapsed",
                )
            else:
                answers[question.key] = st.text_input(
                    T("learn.quiz_answer"),
                    key=f"q_{question.key}",
                    label_visibility="collapsed",
                    placeholder=T("learn.quiz_number.placeholder", example=example(lang())),
                )
        submitted = st.form_submit_button(T("learn.quiz_submit"), type="primary")
    if submitted:
        answers = _read_numbers(questions, answers)
        correct = sum(question.is_correct(answers[question.key]) for question in questions)
        st.success(T("learn.quiz_score", correct=correct, total=len(questions)))
        for number, question in enumerate(questions, start=1):
            right = question.is_correct(answers[question.key])
            answer = (
                question.options[int(question.answer)]
                if question.kind == "choice"
                else format_number(question.answer, lang(), decimals=_decimals(question.answer))
            )
            verdict = T("learn.quiz_right") if right else T("learn.quiz_wrong", answer=answer)
            icon = "✅" if right else "❌"
            st.markdown(f"{icon} **{number}.** {verdict} {question.explanation}")


_PRESENTING = "learn_presenting"
_FULL_PAGE = """<style>
[data-testid="stSidebar"],[data-testid="stHeader"],[data-testid="stToolbar"]{display:none}
.st-key-slide_deck iframe{position:fixed;inset:0;width:100vw!important;height:100vh!important;
 z-index:999990;background:#fff;border:0}
.st-key-deck_exit{position:fixed;top:.6rem;right:.8rem;z-index:999999;width:auto}
</style>"""


def _deck_labels() -> DeckLabels:
    return DeckLabels(
        mistakes=T("learn.mistakes_title"),
        no_example=T("learn.no_data"),
        previous=T("learn.previous"),
        next=T("learn.next"),
        full_screen=T("learn.deck.full_screen"),
        slide=T("learn.slide", current="{current}", total="{total}"),
    )


def _deck(data, order: tuple[str, ...], language: str) -> str:
    """The lesson's slides as one HTML page (memoised per data set, order and language)."""
    examples = example_values(data) if data is not None else None
    currency = currency_for(language, data.currency if data is not None else None)
    slides = lesson_slides(list(order), examples, language, _deck_labels(), currency=currency)
    return slide_deck_html(slides, _deck_labels(), lang=language, title=T("learn.handout_title"))


def _presenter_view() -> None:
    titles = {key: chapter(key, lang()).title for key in CHAPTERS}
    order = st.multiselect(
        T("learn.lesson_order"),
        CHAPTERS,
        default=list(CHAPTERS),
        format_func=titles.__getitem__,
        key="lesson_order",
    )
    if not order:
        st.info(T("learn.empty_lesson"))
        return
    deck = derive(_deck, tuple(order), lang())
    presenting = st.session_state.get(_PRESENTING, False)
    if presenting:
        st.html(_FULL_PAGE)
        with st.container(key="deck_exit"):
            st.button(
                T("learn.deck.exit"),
                icon=":material/close_fullscreen:",
                on_click=st.session_state.update,
                kwargs={_PRESENTING: False},
            )
    else:
        st.button(
            T("learn.deck.start"),
            type="primary",
            icon=":material/slideshow:",
            on_click=st.session_state.update,
            kwargs={_PRESENTING: True},
            key="deck_start",
        )
        st.caption(T("learn.deck.keys"))
    with st.container(key="slide_deck"):
        st.iframe(deck, height=540)  # our own page: every text in it is escaped
    if presenting:
        return
    data = _examples()
    handout = lesson_markdown(
        order,
        data,
        lang(),
        title=T("learn.handout_title"),
        example_heading=T("learn.example_title"),
        mistakes_heading=T("learn.mistakes_title"),
        currency=currency_for(lang(), dataset().currency if dataset() is not None else None),
    )
    left, right = st.columns(2)
    download_button(
        T("learn.deck.download"),
        deck.encode("utf-8"),
        file_name="lesson.html",
        mime="text/html",
        key="download_deck",
        target=left,
        icon=":material/slideshow:",
    )
    download_button(
        T("learn.download_handout"),
        handout,
        file_name="lesson.md",
        mime="text/markdown",
        key="download_handout",
        target=right,
    )


with guard():
    labels = {mode: T(f"learn.mode_{mode}") for mode in LEARN_MODES}
    top, action = st.columns([3, 2])
    mode = top.segmented_control(
        T("learn.mode"),
        LEARN_MODES,
        format_func=labels.__getitem__,
        default="chapters",
        key="learn_mode",
        required=True,
    )
    action.button(
        T("learn.new_data"),
        on_click=_new_group_data,
        icon=":material/casino:",
        key="learn_new_data",
    )
    if "learn_new_seed" in st.session_state:
        st.success(T("learn.new_data_done", seed=st.session_state.pop("learn_new_seed")))
    {"chapters": _chapters_view, "quiz": _quiz_view, "presenter": _presenter_view}[mode]()
