"""A table shown with translated headers and offered as a safe CSV download."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from kundenmodell.csvio import to_csv_bytes
from ui.session import T, lang


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
    st.download_button(
        T("segments_page.download"),
        data=partial(to_csv_bytes, shown, lang()),
        file_name=file_name,
        mime="text/csv",
        icon=":material/download:",
        key=key,
    )
