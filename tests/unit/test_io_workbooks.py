"""Workbooks other than .xlsx: the old binary .xls, Excel's binary .xlsb and LibreOffice's .ods
are read through calamine like .xlsx, with sheet choice, header-row detection and types.

The files are written at test time by other tools than the reader: xlwt (.xls), pyxlsbwriter
(.xlsb) and pandas' OpenDocument writer (odfpy, .ods).
"""

from __future__ import annotations

import datetime as dt
import io as std_io
import zipfile

import pandas as pd
import pytest
import xlwt
from pyxlsbwriter import XlsbWriter

from kundenmodell import DataError, io
from kundenmodell.io import excel

HEADER = ["Kundennummer", "Name", "Umsatz", "Erster Kauf"]
CUSTOMERS = [
    [1001, "Anna Müller", 10.5, dt.datetime(2024, 1, 2)],
    [1002, "Bernd", 20.0, dt.datetime(2023, 5, 6)],
    [1003, "Ærlig Ødegård", 7.25, dt.datetime(2022, 12, 31)],
]
REPORT = [["Kundenbericht 2024", None, None, None], [None] * 4, HEADER, *CUSTOMERS]
PURCHASES = [["Kundennummer", "Betrag"], [1001, 5.0], [1002, 7.5]]


def _xls(sheets: dict[str, list[list[object]]]) -> bytes:
    workbook = xlwt.Workbook()
    date_style = xlwt.easyxf(num_format_str="DD.MM.YYYY")
    for name, rows in sheets.items():
        sheet = workbook.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.datetime):
                    sheet.write(r, c, value, date_style)
                else:
                    sheet.write(r, c, value)
    buffer = std_io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsb(sheets: dict[str, list[list[object]]], tmp_path) -> bytes:
    path = tmp_path / "kunden.xlsb"
    with XlsbWriter(str(path)) as writer:
        for name, rows in sheets.items():
            writer.add_sheet(name)
            writer.write_sheet(rows)
    return path.read_bytes()


def _ods(sheets: dict[str, list[list[object]]]) -> bytes:
    buffer = std_io.BytesIO()
    with pd.ExcelWriter(buffer, engine="odf") as writer:
        for name, rows in sheets.items():
            pd.DataFrame(rows).to_excel(writer, sheet_name=name, header=False, index=False)
    return buffer.getvalue()


@pytest.fixture(params=["xls", "xlsb", "ods"])
def make(request, tmp_path):
    """A writer for one format: sheets -> (file bytes, file name)."""
    kind = request.param

    def write(sheets: dict[str, list[list[object]]]) -> tuple[bytes, str]:
        if kind == "xls":
            return _xls(sheets), "kunden.xls"
        if kind == "xlsb":
            return _xlsb(sheets, tmp_path), "kunden.xlsb"
        return _ods(sheets), "kunden.ods"

    return write


def test_values_types_and_header_below_a_title(make):
    data, name = make({"Kunden": REPORT})
    loaded = io.read_table(_named(data, name))
    frame = loaded.frame
    assert list(frame.columns) == HEADER
    assert frame["Kundennummer"].tolist() == [1001, 1002, 1003]
    assert str(frame["Kundennummer"].dtype) == "Int64"
    assert frame["Umsatz"].tolist() == [10.5, 20.0, 7.25]
    assert frame["Name"].tolist() == ["Anna Müller", "Bernd", "Ærlig Ødegård"]
    assert frame["Erster Kauf"].tolist() == [pd.Timestamp(row[3]) for row in CUSTOMERS]
    assert loaded.first_row == 4  # the title and the blank row above the header are skipped
    assert list(loaded.row_numbers([0, 2])) == [4, 6]


def test_several_sheets_are_listed_and_one_is_chosen(make):
    data, name = make({"Kunden": [HEADER, *CUSTOMERS], "Käufe": PURCHASES})
    assert io.sheet_names(_named(data, name)) == ["Kunden", "Käufe"]
    with pytest.raises(DataError) as caught:
        io.read_table(_named(data, name))
    assert caught.value.key == "error.io.several_sheets"
    purchases = io.read_table(_named(data, name), sheet="Käufe").frame
    assert purchases["Betrag"].tolist() == [5.0, 7.5]
    assert io.read_table(_named(data, name), sheet="Kunden", header_row=1).frame.shape == (3, 4)


def test_an_ods_with_a_declaration_or_a_bomb_is_refused_before_reading():
    data = _ods({"Kunden": [HEADER, *CUSTOMERS]})
    with zipfile.ZipFile(std_io.BytesIO(data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    content = members["content.xml"]
    declared = content.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "b">]>', 1)
    with pytest.raises(DataError) as caught:
        excel.sheet_names(_rezip(members | {"content.xml": declared}))
    assert caught.value.key == "error.io.xlsx.xml_declarations"
    padded = content.replace(
        b"</office:document-content>", b" " * 20_000_000 + b"</office:document-content>"
    )
    with pytest.raises(DataError) as caught:
        excel.sheet_names(_rezip(members | {"content.xml": padded}))
    assert caught.value.key == "error.io.xlsx.packed_too_tightly"


def test_an_opendocument_text_is_not_a_table():
    members = {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}
    with pytest.raises(DataError) as caught:
        io.read_table(_named(_rezip(members), "brief.ods"))
    assert caught.value.key == "error.io.unsupported_type"


def _rezip(members: dict[str, bytes]) -> bytes:
    buffer = std_io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


class _named(std_io.BytesIO):  # noqa: N801 - reads like the file it stands for
    """Bytes with a file name, as Streamlit's UploadedFile has one."""

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name
