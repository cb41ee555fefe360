"""Tables as Excel workbooks, the other format marketing teams open without asking.

Headers are the translated labels (as in :func:`~kundenmodell.io.to_csv_bytes`), dates get the
language's date format. Every text cell is written as a string cell, never as a formula, so a
value such as ``=HYPERLINK(...)`` from a CRM is shown, not run.
"""

from __future__ import annotations

import io as _io
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from kundenmodell.csvio import header_label

EXCEL_DATE_FORMATS = {"de": "DD.MM.YYYY", "nb": "DD.MM.YYYY", "en": "YYYY-MM-DD"}


def to_xlsx_bytes(frame: pd.DataFrame, lang: str, *, sheet: str = "Daten") -> bytes:
    """``frame`` as an .xlsx workbook with one sheet; headers translated for ``lang``."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    worksheet.append([header_label(str(name), lang) for name in frame.columns])
    dates = {
        index
        for index, name in enumerate(frame.columns)
        if pd.api.types.is_datetime64_any_dtype(frame[name])
    }
    columns = [frame[name].astype(object).where(frame[name].notna(), None) for name in frame]
    for values in zip(*columns, strict=True):
        worksheet.append(
            [_cell(worksheet, value, lang, index in dates) for index, value in enumerate(values)]
        )
    buffer = _io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(worksheet: Any, value: Any, lang: str, is_date: bool) -> Any:
    if value is None:
        return None
    if is_date:
        cell = WriteOnlyCell(worksheet, value=pd.Timestamp(value).to_pydatetime())
        cell.number_format = EXCEL_DATE_FORMATS[lang]
        return cell
    if isinstance(value, str):
        cell = WriteOnlyCell(worksheet, value=value)
        cell.data_type = "s"  # a leading "=" must not make it a formula
        return cell
    return value.item() if hasattr(value, "item") else value
