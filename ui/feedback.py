"""Showing problems to the user in their language instead of a traceback."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
import streamlit as st

from kundenmodell import DataError, Dataset
from kundenmodell.i18n import format_date
from ui.session import T, dataset, lang

log = logging.getLogger("kundenmodell.app")


@contextmanager
def guard() -> Iterator[None]:
    """Run a block of page code; turn any error into a translated message.

    A :class:`~kundenmodell.DataError` shows its own message; anything else is logged with
    its traceback for the developer and shown to the user as an unexpected error. The active
    data set is untouched either way.
    """
    try:
        yield
    except DataError as error:
        st.error(error.message(lang()), icon=":material/error:")
    except Exception as error:  # the last line of defence of a page
        log.exception("unexpected error on a page")
        st.error(T("error.unexpected", detail=type(error).__name__), icon=":material/error:")


def dataset_with_purchases(page: str) -> Dataset | None:
    """The active data set if it has purchases; else None, after the page's note
    (``<page>.none`` without data, ``<page>.no_transactions`` without purchases)."""
    data = dataset()
    if data is None:
        st.info(T(f"{page}.none"), icon=":material/info:")
        return None
    if data.transactions.empty:
        st.info(T(f"{page}.no_transactions"), icon=":material/info:")
        return None
    return data


def future_reference_warning(reference: pd.Timestamp | None) -> None:
    """A warning when the reference date (the last purchase in the data, from which recency,
    activity, churn and customer value count) lies after today: a mistyped year (2099) makes
    every customer look long gone, and the figures alone do not say why."""
    if reference is None:
        return
    today = pd.Timestamp(dt.date.today())
    if pd.Timestamp(reference).normalize() <= today:
        return
    language = lang()
    st.warning(
        T(
            "feedback.future_reference",
            date=format_date(reference, language),
            today=format_date(today, language),
        ),
        icon=":material/event_busy:",
    )
