"""A number field that reads and shows numbers the way the page's language writes them.

Streamlit's ``st.number_input`` follows the browser: typed ``6,5`` on a German page became 65,
silently, and it shows ``6.17`` where a German reader expects ``6,17``. This field is a text
input whose text is parsed with :func:`kundenmodell.i18n.numbers.parse_number` in the session's
language: what cannot be read is refused with a message and the last valid value stays in force.

The number itself lives in ``st.session_state[key]`` exactly as with ``st.number_input``, so
code that sets a default or a calibrated value keeps writing that key; the text shown is
rewritten whenever the number or the language changed from outside. A typed number is put in
force by the field's change callback, before the page reruns, so a page that reads the key above
the field (the upload page's header row) sees it at once; inside a form, where Streamlit allows
no callbacks, it counts when the form is submitted.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.errors import StreamlitInvalidFormCallbackError

from kundenmodell.errors import DataError
from kundenmodell.i18n import format_number
from kundenmodell.i18n.numbers import check_range, parse_number
from ui.session import T, lang


def _text_key(key: str) -> str:
    return f"_number_text_{key}"


def _shown_key(key: str) -> str:
    return f"_number_shown_{key}"


def shown_text(value: float | None, language: str, decimals: int) -> str:
    """``value`` written in ``language`` with at most ``decimals`` digits after the mark and no
    trailing zeros (``6,5`` rather than ``6,50``); blank for no value."""
    if value is None:
        return ""
    text = format_number(round(float(value), decimals), language, decimals=decimals)
    mark = "," if language in ("de", "nb") else "."
    if decimals and mark in text:
        text = text.rstrip("0").rstrip(mark)
    return text


def _read(
    text: str, language: str, min_value: float | None, max_value: float | None, integer: bool
) -> float | int:
    """The number ``text`` means in ``language``, checked; raises :class:`DataError`."""
    number = check_range(
        parse_number(text, language), language, minimum=min_value, maximum=max_value
    )
    if integer and not float(number).is_integer():
        raise DataError("error.number.whole", text=text.strip())
    return int(number) if integer else number


def _commit(key: str, min_value: float | None, max_value: float | None, integer: bool) -> None:
    """On a typed change, put the number in force before the page reruns, so code that reads
    ``st.session_state[key]`` above the field already sees it (as with ``st.number_input``)."""
    language = lang()
    try:
        number = _read(st.session_state[_text_key(key)], language, min_value, max_value, integer)
    except DataError:
        return  # the field shows the message when it is drawn
    st.session_state[key] = number
    st.session_state[_shown_key(key)] = (number, language)


def number_field(
    label: str,
    key: str,
    *,
    min_value: float | None = None,
    max_value: float | None = None,
    decimals: int = 2,
    integer: bool = False,
    help: str | None = None,
    container: Any = None,
) -> float | None:
    """A text field for a number in the session's language; returns the number in force.

    ``integer`` fields refuse fractions. A value that cannot be read or lies outside
    ``[min_value, max_value]`` shows a translated message under the field and leaves
    ``st.session_state[key]`` unchanged.
    """
    where = container if container is not None else st
    language = lang()
    value = st.session_state.get(key)
    shown = (value, language)
    stale = st.session_state.get(_shown_key(key)) != shown
    if stale or _text_key(key) not in st.session_state:  # widget state ends with its page
        st.session_state[_text_key(key)] = shown_text(value, language, 0 if integer else decimals)
        st.session_state[_shown_key(key)] = shown
    try:
        text = where.text_input(
            label,
            key=_text_key(key),
            help=help,
            on_change=_commit,
            args=(key, min_value, max_value, integer),
        )
    except StreamlitInvalidFormCallbackError:  # in a form the number counts only on submit
        text = where.text_input(label, key=_text_key(key), help=help)
    try:
        number = _read(text, language, min_value, max_value, integer)
    except DataError as error:
        kept = shown_text(value, language, 0 if integer else decimals)
        message = error.message(language)
        if value is not None:
            message += " " + T("error.number.kept", value=kept)
        where.error(message, icon=":material/error:")
        return value
    st.session_state[key] = number
    st.session_state[_shown_key(key)] = (number, language)
    return number
