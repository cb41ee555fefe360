"""Learn mode: chapters with live examples, a quiz on the live data and a presenter view."""

import html
import secrets

import streamlit as st

from kundenmodell import synth
from kundenmodell.errors import DataError
from kundenmodell.i18n import BABEL_LOCALES, format_number
from kundenmodell.i18n.numbers import example, parse_number
from kundenmodell.learn import (
    CHAPTERS,
    LEARN_MODES,
    chapter,
    lesson_markdown,
    live_example,
    quiz_questions,
)
from kundenmodell.learn.examples import example_values
from ui.downloads import download_button
from ui.feedback import guard
from ui.session import T, dataset, derive, lang, set_dataset

SLIDE_PARTS = ("definition", "example", "mistakes")

st.title(T("learn.title"))
st.markdown(T("learn.intro"))


def _new_group_data() -> None:
    seed = secrets.randbelow(1_000_000)
    set_dataset(synth.generate(2_000, locale=BABEL_LOCALES[lang()], seed=seed))
    st.session_state["learn_new_seed"] = seed


def _examples():
    return derive(example_values) if dataset() is not None else None


def _show_example(key: str, big: bool = False) -> None:
    data = _examples()
    example = live_example(key, data, lang(), dataset().currency) if data is not None else None
    if data is None:
        st.info(T("learn.no_data"), icon=":material/info:")
    elif example is None:
        st.info(chapter(key, lang()).no_example, icon=":material/info:")
    else:
        if big:
            st.html(
                f"<div style='font-size:4.5rem;font-weight:700;color:#1f6f8b'>"
                f"{html.escape(example.headline)}</div>"
                f"<div style='font-size:1.9rem;line-height:1.35'>{html.escape(example.text)}</div>"
            )
        else:
            st.metric(T("learn.example_title"), example.headline)
            st.markdown(example.text)
        if example.chart is not None:
            st.altair_chart(example.chart, width="stretch")


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
    slides = [(key, part) for key in order for part in SLIDE_PARTS]
    position = min(st.session_state.get("slide", 0), len(slides) - 1)
    back, counter, forward = st.columns([1, 3, 1])
    if back.button(
        T("learn.previous"),
        icon=":material/arrow_back:",
        disabled=position == 0,
        key="slide_back",
        width="stretch",
    ):
        position -= 1
    if forward.button(
        T("learn.next"),
        icon=":material/arrow_forward:",
        disabled=position == len(slides) - 1,
        key="slide_next",
        width="stretch",
    ):
        position += 1
    st.session_state["slide"] = position
    counter.caption(T("learn.slide", current=position + 1, total=len(slides)))
    key, part = slides[position]
    text = chapter(key, lang())
    st.html(
        f"<div style='font-size:3rem;font-weight:700;margin:1rem 0'>{html.escape(text.title)}</div>"
    )
    if part == "definition":
        st.html(
            f"<div style='font-size:2.4rem;line-height:1.3'>{html.escape(text.definition)}</div>"
        )
    elif part == "example":
        _show_example(key, big=True)
    else:
        heading = html.escape(T("learn.mistakes_title"))
        items = "".join(
            f"<div style='font-size:2rem;line-height:1.35;margin:.6rem 0'>✗ {html.escape(m)}</div>"
            for m in text.mistakes
        )
        st.html(f"<div style='font-size:1.6rem;font-weight:600'>{heading}</div>{items}")
    st.caption(T("learn.presenter_hint"))
    data = _examples()
    handout = lesson_markdown(
        order,
        data,
        lang(),
        title=T("learn.handout_title"),
        example_heading=T("learn.example_title"),
        mistakes_heading=T("learn.mistakes_title"),
        currency=dataset().currency if dataset() is not None else "EUR",
    )
    download_button(
        T("learn.download_handout"),
        handout,
        file_name="lesson.md",
        mime="text/markdown",
        key="download_handout",
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
