"""Excel workbooks (.xlsx/.xlsm) through openpyxl: the sheets worth asking about, and one sheet
as columns of Python values.

Workbooks are opened read-only with cached formula results (``data_only``), which is what the
user saw in Excel. Hidden sheets, chart sheets and sheets without a single value are not offered.
"""

from __future__ import annotations

import datetime as dt
import io as _io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from kundenmodell.errors import DataError
from kundenmodell.io.sniff import check_header

_PREAMBLE_ROWS = 10
_EXCEL_ERRORS = frozenset(
    {"#N/A", "#NV", "#DIV/0!", "#VALUE!", "#WERT!", "#REF!", "#BEZUG!", "#NAME?", "#NUM!", "#ZAHL!"}
)


@dataclass(frozen=True)
class Sheet:
    """One sheet's table: header cells, data columns of Python values, and where it starts.

    ``first_row`` is the spreadsheet row number (1-based) of the first data row.
    """

    name: str
    sheets: tuple[str, ...]
    header: list[Any]
    columns: list[list[Any]]
    first_row: int


def _open(data: bytes) -> Any:
    try:
        return load_workbook(_io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise DataError("error.io.broken_excel") from error


def _rows(worksheet: Any) -> Iterator[tuple[Any, ...]]:
    for row in worksheet.iter_rows(values_only=True):
        yield tuple(_clean(value) for value in row)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return None if not value.strip() or value.strip() in _EXCEL_ERRORS else value
    return value


def _has_values(worksheet: Any) -> bool:
    for index, row in enumerate(_rows(worksheet)):
        if any(value is not None for value in row):
            return True
        if index > 1_000:
            return False
    return False


def sheet_names(data: bytes) -> list[str]:
    """The visible worksheets of a workbook that hold at least one value, in workbook order."""
    workbook = _open(data)
    try:
        return [
            worksheet.title
            for worksheet in workbook.worksheets
            if getattr(worksheet, "sheet_state", "visible") == "visible"
            and hasattr(worksheet, "iter_rows")
            and _has_values(worksheet)
        ]
    finally:
        workbook.close()


def read_sheet(data: bytes, sheet: str | None = None, header_row: int | None = None) -> Sheet:
    """The table on ``sheet``; without a name, the only sheet that holds values. ``header_row``
    (1-based) is the row the user says holds the header; without it, the header is found.

    A workbook with several filled sheets and no name raises ``error.io.several_sheets`` so that
    the caller can ask which one (the page shows a picker from :func:`sheet_names`).
    """
    names = sheet_names(data)
    if sheet is None:
        if len(names) > 1:
            raise DataError("error.io.several_sheets", sheets=", ".join(names))
        if not names:
            raise DataError("error.io.empty_file")
        sheet = names[0]
    workbook = _open(data)
    try:
        if sheet not in workbook.sheetnames:
            raise DataError("error.io.unknown_sheet", sheet=sheet, sheets=", ".join(names))
        if sheet not in names:
            raise DataError("error.io.empty_sheet", sheet=sheet)
        rows = list(_rows(workbook[sheet]))
    finally:
        workbook.close()
    return _table(sheet, tuple(names), rows, header_row)


def _table(
    name: str, sheets: tuple[str, ...], rows: list[tuple[Any, ...]], header_row: int | None = None
) -> Sheet:
    filled = [sum(value is not None for value in row) for row in rows]
    start = next(
        (index for index, count in enumerate(filled[:_PREAMBLE_ROWS]) if count > 1),
        None,
    )
    if header_row is not None:
        if not 0 < header_row < len(rows):
            raise DataError("error.io.no_rows")
        start = header_row - 1
    if start is None:
        first = next(row for row in rows if any(value is not None for value in row))
        column = next(str(value) for value in first if value is not None)
        raise DataError("error.io.single_column", column=column[:40])
    body = [row for row in rows[start + 1 :]]
    while body and not any(value is not None for value in body[-1]):
        body.pop()
    if not body:
        raise DataError("error.io.no_rows")
    width = max(
        max((index + 1 for index, value in enumerate(row) if value is not None), default=0)
        for row in [rows[start], *body]
    )
    header = [rows[start][index] if index < len(rows[start]) else None for index in range(width)]
    if header_row is None:
        check_header([_header_text(cell) for cell in header])
    columns = [[row[index] if index < len(row) else None for row in body] for index in range(width)]
    return Sheet(name, sheets, header, columns, first_row=start + 2)


def _header_text(cell: Any) -> str:
    """A header cell as the text Excel shows (numbers and dates stay recognisable as values)."""
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime | dt.date):
        return cell.strftime("%d.%m.%Y")
    return str(cell)
