"""Cached ways to get data into the session: the bundled samples and quick generation."""

from __future__ import annotations

import streamlit as st

from kundenmodell import Dataset, load_sample, synth
from kundenmodell.i18n import BABEL_LOCALES
from ui.session import lang, set_dataset

QUICK_SIZE = 10_000


@st.cache_data(show_spinner=False, max_entries=4)
def _sample(name: str) -> Dataset:
    return load_sample(name)


def load_sample_into_session(name: str) -> None:
    """Callback: make bundled sample ``name`` the active data set."""
    set_dataset(_sample(name))


def generate_quick_into_session() -> None:
    """Callback: generate 10,000 customers in the locale of the current language."""
    set_dataset(synth.generate(QUICK_SIZE, locale=BABEL_LOCALES[lang()], seed=0))
