"""A table shown with translated headers and offered as a safe CSV download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.downloads import csv_download_button
from ui.session import T


def table_with_download(
    frame: pd.DataFrame,
    headers: dict[str, str],
    *,
    file_name: str,
    key: str,
    column_config: dict | None = None,
) -> None:
    """Show ``frame``'s ``headers`` columns (name → translated header) and a CSV download of
    exactly what is shown, in the spreadsheet dialect of the user's language."""
    shown = frame[list(headers)].rename(columns=headers)
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={headers[name]: config for name, config in (column_config or {}).items()},
    )
    csv_download_button(T("segments_page.download"), shown, file_name=file_name, key=key)
