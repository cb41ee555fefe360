"""The sidebar every page shares: language switch and the active data set."""

from __future__ import annotations

import streamlit as st

from kundenmodell.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    LANGUAGES,
    format_date,
    format_number,
    normalise_language,
)
from kundenmodell.sample import SAMPLES
from ui.loaders import generate_quick_into_session, load_sample_into_session
from ui.login import serving_mode
from ui.session import LANG_KEY, T, dataset, dataset_title, in_place_source, lang

_WIDGET_KEY = "language_choice"


def language_switch() -> str:
    """The language selector, mirrored in ``?lang=`` of the URL; returns the chosen language.

    The URL seeds the choice when a session starts (``?lang=en`` opens the workbench in
    English) and follows every change, so a copied link keeps its language. The choice is kept
    under its own session key, not only as widget state, so no page switch can drop it.
    """
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = normalise_language(st.query_params.get("lang"))
    st.session_state[_WIDGET_KEY] = lang()
    st.sidebar.selectbox(
        T("sidebar.language"),
        LANGUAGES,
        format_func=LANGUAGE_NAMES.__getitem__,
        key=_WIDGET_KEY,
        on_change=_adopt_language,
    )
    chosen = lang()
    if chosen == DEFAULT_LANGUAGE:
        st.query_params.pop("lang", None)
    else:
        st.query_params["lang"] = chosen
    return chosen


def _adopt_language() -> None:
    st.session_state[LANG_KEY] = st.session_state[_WIDGET_KEY]


def dataset_panel() -> None:
    """Name and size of the active data set, or the ways to get one."""
    panel = st.sidebar.container(border=True)
    data = dataset()
    if data is None:
        panel.markdown(f"**{T('sidebar.no_data')}**")
        panel.caption(T("sidebar.no_data_hint"))
        panel.page_link(
            "views/upload.py", label=T("page.upload"), icon=":material/upload_file:"
        )
        own_first = sorted(SAMPLES, key=lambda name: name != lang())  # the page's language first
        labels = {name: T(f"sample.{name}") for name in own_first}
        choice = panel.selectbox(
            T("sidebar.sample_choice"),
            list(labels),
            format_func=labels.__getitem__,
            key="sample_choice",
        )
        panel.button(
            T("sidebar.load_sample"),
            on_click=load_sample_into_session,
            args=(choice,),
            icon=":material/folder_open:",
            width="stretch",
            key="load_sample",
        )
        panel.button(
            T("sidebar.generate_quick"),
            on_click=generate_quick_into_session,
            icon=":material/auto_awesome:",
            width="stretch",
            key="generate_quick",
        )
    else:
        panel.caption(T("sidebar.active_dataset"))
        panel.markdown(f"**{dataset_title(data)}** · {T(f'source.{data.source}')}")
        source = in_place_source()
        if source is None:
            panel.markdown(
                T(
                    "sidebar.size",
                    customers=format_number(data.n_customers, lang()),
                    transactions=format_number(data.n_transactions, lang()),
                )
            )
        else:
            panel.markdown(
                T(
                    "in_place.sidebar",
                    customers=format_number(source.rows["customers"], lang()),
                    transactions=format_number(source.rows["transactions"], lang()),
                )
            )
            if source.sampled:
                panel.caption(
                    T("in_place.sidebar_sample", sample=format_number(data.n_customers, lang()))
                )
        period = data.period
        if period is not None:
            panel.caption(
                T(
                    "sidebar.period",
                    start=format_date(period[0], lang()),
                    end=format_date(period[1], lang()),
                )
            )
    # On a team server the data is on the server, not "on this computer".
    local = serving_mode() == "laptop"
    st.sidebar.caption(f":material/lock: {T('sidebar.privacy' if local else 'auth_where.privacy')}")
