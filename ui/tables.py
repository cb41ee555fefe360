"""Tables shown in the page's language, and offered as a safe CSV download.

Streamlit's table formats numbers by the *browser's* locale (``format="localized"``), so an
English browser showed a German page's revenue as ``405,633.13``. :func:`show_table` writes the
numbers, dates and gaps in the language chosen in the sidebar instead, as display text on a
pandas ``Styler``: the cells still hold the numbers, so sorting a column stays numeric.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from kundenmodell.i18n import format_date, format_month
from kundenmodell.i18n.numbers import format_numbers
from ui.downloads import csv_download_button
from ui.session import T, lang

MAX_STYLED_CELLS = 200_000
"""Above this many cells a table is shown unstyled: a per-cell display text would cost more
than the page (the browser's own number format applies then)."""

WRAPPED_ROW_HEIGHT = 72
"""Row height in pixels for tables with a sentence per row (advice, actions): Streamlit wraps
cell text only when rows are taller than 4rem (64 px); 72 px holds three lines."""


def _decimals(values: pd.Series) -> int:
    """Whole numbers without decimals, everything else with two."""
    present = values.dropna().to_numpy(dtype="float64")
    return 0 if np.all(np.mod(present, 1) == 0) else 2


def _number_texts(values: pd.Series, language: str, decimals: int) -> dict[Any, str]:
    distinct = values.dropna().unique()
    return dict(zip(distinct, format_numbers(distinct, language, decimals=decimals), strict=True))


def _percent_texts(values: pd.Series, language: str) -> dict[Any, str]:
    """Shares (0.186) as percentages with one decimal: ``18,6 %`` (de, nb), ``18.6%`` (en)."""
    distinct = values.dropna().unique()
    sign = "%" if language == "en" else "\u00a0%"
    texts = format_numbers(distinct * 100, language, decimals=1)
    return {value: text + sign for value, text in zip(distinct, texts, strict=True)}


def _date_texts(values: pd.Series, language: str, kind: str) -> dict[Any, str]:
    distinct = values.dropna().unique()
    if kind == "month":
        return {value: format_month(pd.Timestamp(value).date(), language) for value in distinct}
    return {value: format_date(pd.Timestamp(value).date(), language) for value in distinct}


Format = int | str
"""How a column is written: a number of decimals, ``"percent"`` for shares, ``"month"`` for
dates that stand for their month."""


def _texts(values: pd.Series, kind: Format | None, language: str) -> dict[Any, str] | None:
    """The display text of each distinct value of a number or date column (None: as it is)."""
    if pd.api.types.is_bool_dtype(values):
        return None
    if pd.api.types.is_numeric_dtype(values):
        if kind == "percent":
            return _percent_texts(values, language)
        digits = kind if isinstance(kind, int) else _decimals(values)
        return _number_texts(values, language, digits)
    if pd.api.types.is_datetime64_any_dtype(values):
        return _date_texts(values, language, str(kind))
    return None


def localized(
    frame: pd.DataFrame, *, formats: dict[str, Format] | None = None, language: str | None = None
) -> tuple[Styler | pd.DataFrame, dict[str, Any]]:
    """``frame`` with display texts in the page's language, and the column settings they need.

    Numbers get the language's separators (whole numbers without decimals, others with two,
    unless ``formats`` says otherwise), dates its medium form, missing values stay blank. The
    grid draws any missing cell as "None" whatever its display text, so a number column with
    gaps is shown as its texts (right-aligned; it then sorts as text) and a text column's gaps
    as empty text. Frames over :data:`MAX_STYLED_CELLS` come back as they are.
    """
    if frame.size > MAX_STYLED_CELLS or frame.empty:
        return frame, {}
    language = language or lang()
    formats = formats or {}
    shown = frame.copy()
    formatters: dict[Any, Any] = {}
    settings: dict[str, Any] = {}
    for column in frame.columns:
        values = frame[column]
        texts = _texts(values, formats.get(column), language)
        if texts is None:
            if values.dtype == object or pd.api.types.is_string_dtype(values):
                shown[column] = values.astype(object).where(values.notna(), "")
            continue
        if values.isna().any():
            shown[column] = values.map(texts).astype(object).where(values.notna(), "")
            settings[column] = st.column_config.TextColumn(alignment="right")
        else:
            formatters[column] = texts.get
    return shown.style.format(formatters), settings


def show_table(
    frame: pd.DataFrame,
    *,
    column_config: dict | None = None,
    formats: dict[str, Format] | None = None,
    **options: Any,
) -> None:
    """``st.dataframe`` of ``frame`` written in the page's language (see :func:`localized`),
    without the index and as wide as the page unless ``options`` say otherwise."""
    options = {"hide_index": True, "width": "stretch", **options}
    styled, settings = localized(frame, formats=formats)
    st.dataframe(styled, column_config={**settings, **(column_config or {})}, **options)


def table_with_download(
    frame: pd.DataFrame,
    headers: dict[str, str],
    *,
    file_name: str,
    key: str,
    column_config: dict | None = None,
    formats: dict[str, Format] | None = None,
    **options: Any,
) -> None:
    """Show ``frame``'s ``headers`` columns (name → translated header) and a CSV download of
    exactly what is shown, in the spreadsheet dialect of the user's language; ``options`` go to
    ``st.dataframe`` (e.g. ``row_height``)."""
    shown = frame[list(headers)].rename(columns=headers)
    show_table(
        shown,
        column_config={headers[name]: config for name, config in (column_config or {}).items()},
        formats={headers[name]: kind for name, kind in (formats or {}).items()},
        **options,
    )
    csv_download_button(T("segments_page.download"), shown, file_name=file_name, key=key)
