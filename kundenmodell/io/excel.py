"""Excel workbooks (.xlsx/.xlsm): the sheets worth asking about, and one sheet as columns of
Python values, read so that a hostile workbook cannot take the machine down.

What the user saw in Excel is read: cached formula results, Excel error values (``#NV``) as
missing, dates as dates. Hidden sheets, chart sheets and sheets without a single value are not
offered.

Why not openpyxl's read-only worksheets: they trust the ``<dimension ref>`` tag (under a claimed
``A1:XFD1048576`` every row is padded to 16,384 cells, so a 2 KB file of 50,000 short rows takes
gigabytes; a tag smaller than the data drops rows) and parse cells slowly. Here openpyxl reads
only the workbook's small parts (manifest, sheet list, styles); shared strings and each sheet are
streamed with expat, a sheet's size taken from the cells really present (3.5–5 times less CPU
than openpyxl's read-only mode). Limits are checked before any work, in this order:

0. (when the format is detected, :mod:`kundenmodell.io.source`) at most
   :data:`~kundenmodell.io.source.MAX_ZIP_MEMBERS` files in the zip;
1. the zip's central directory: at most :data:`MAX_UNPACKED_BYTES` unpacked in total and no
   member above :data:`RATIO_CHECK_BYTES` that unpacks to more than :data:`MAX_RATIO` times its
   packed size (a zip bomb; real exports pack their XML 5–30:1). Python's ``zipfile`` never
   inflates a member past the size declared there, so these figures bound the work;
2. every XML part's prolog: a ``<!DOCTYPE`` (needed for XXE and billion-laughs entities) is
   refused; Office Open XML forbids DTDs, so no real workbook has one;
3. while streaming: at most :data:`MAX_CELLS` shared strings, at most :data:`MAX_CELLS` cells
   in a sheet, counted from the cells in the XML, and at most :data:`MAX_CELLS` cells in the
   table handed back (rows × columns, gaps included).
"""

from __future__ import annotations

import datetime as dt
import io as _io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.xml.constants import SHARED_STRINGS

from kundenmodell.errors import DataError
from kundenmodell.io.sniff import check_header, header_index

MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
"""At most 1 GiB of unpacked XML: a full sheet of 1,048,576 rows × 10 columns with its texts
needs about half of it, so every workbook within :data:`MAX_CELLS` fits."""
MAX_RATIO = 100
"""A member may unpack to at most 100 times its packed size (real sheet XML: 5–30 times)."""
RATIO_CHECK_BYTES = 10 * 1024 * 1024
"""Members unpacking to less than 10 MiB are not ratio-checked: they cannot hurt, and tiny
parts (an empty sheet, styles) legitimately pack very tightly."""
MAX_CELLS = 10_000_000
"""At most 10 million cells per sheet (a full Excel sheet of 1,048,576 rows has 10 columns);
about 1 GB of memory as Python values. Bigger tables belong in a CSV file."""

_PREAMBLE_ROWS = 10
_NAME_SCAN_ROWS = 1_000
_CHUNK = 1024 * 1024
_PROLOG_CHUNK = 64 * 1024
_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")
_EXCEL_ERRORS = frozenset(
    {"#N/A", "#NV", "#DIV/0!", "#VALUE!", "#WERT!", "#REF!", "#BEZUG!", "#NAME?", "#NUM!", "#ZAHL!"}
)
_TAGS = ("row", "c", "v", "is", "t", "rPh")
_DIGITS = "0123456789"
_LAST_COLUMN = 16_384
_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")
_BROKEN = (
    zipfile.BadZipFile,
    zlib.error,
    expat.ExpatError,
    SyntaxError,  # xml.etree's ParseError, raised by openpyxl
    InvalidFileException,
    KeyError,
    IndexError,
    OSError,
    ValueError,
    TypeError,
    EOFError,
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


def sheet_names(data: bytes | memoryview) -> list[str]:
    """The visible worksheets of a workbook that hold at least one value, in workbook order.

    Cheap on any file: each sheet is read only up to its first value (at most its first 1,000
    rows), after the limits in the module docstring are checked.
    """
    with _Workbook(data) as workbook:
        return workbook.filled_names()


def read_sheet(
    data: bytes | memoryview, sheet: str | None = None, header_row: int | None = None
) -> Sheet:
    """The table on ``sheet``; without a name, the only sheet that holds values.

    A workbook with several filled sheets and no name raises ``error.io.several_sheets`` so that
    the caller can ask which one (the page shows a picker from :func:`sheet_names`).
    ``header_row`` is the spreadsheet row number (1-based) holding the column names; ``None``
    takes the first of the first ten filled rows with more than one value.
    """
    with _Workbook(data) as workbook:
        names = workbook.filled_names()
        if sheet is None:
            if len(names) > 1:
                raise DataError("error.io.several_sheets", sheets=", ".join(names))
            if not names:
                raise DataError("error.io.empty_file")
            sheet = names[0]
        if sheet not in workbook.paths:
            raise DataError("error.io.unknown_sheet", sheet=sheet, sheets=", ".join(names))
        if sheet not in names:
            raise DataError("error.io.empty_sheet", sheet=sheet)
        numbers, rows = workbook.filled_rows(sheet)
    return _table(sheet, tuple(names), numbers, rows, header_row)


# --- the workbook -------------------------------------------------------------------------------


class _Workbook:
    """An open workbook whose limits are checked: sheet paths, shared strings, date styles.

    Style ids are kept as the text of the ``s`` attribute, as the sheet reader meets them.
    """

    def __init__(self, data: bytes | memoryview) -> None:
        try:  # reads only the central directory
            reader = ExcelReader(_io.BytesIO(data), read_only=True, data_only=True)
        except _BROKEN as error:
            raise DataError("error.io.broken_excel") from error
        self.archive: zipfile.ZipFile = reader.archive
        try:
            _check_members(self.archive)
            reader.read_manifest()
            strings = reader.package.find(SHARED_STRINGS)
            self.strings: list[str | None] = (
                _read_strings(self.archive, strings.PartName[1:]) if strings else []
            )
            reader.read_workbook()
            apply_stylesheet(self.archive, reader.wb)
            sheets = [
                (sheet.name, sheet.state, rel.target)
                for sheet, rel in reader.parser.find_sheets()
                if rel.target in reader.valid_files and "chartsheet" not in rel.Type
            ]
        except DataError:
            self.archive.close()
            raise
        except _BROKEN as error:
            self.archive.close()
            raise DataError("error.io.broken_excel") from error
        self.paths = {name: target for name, _state, target in sheets}
        self.visible = [name for name, state, _target in sheets if state in (None, "visible")]
        self.dates = {str(style) for style in reader.wb._date_formats}
        self.durations = {str(style) for style in reader.wb._timedelta_formats}
        self.epoch: dt.datetime = reader.wb.epoch

    def __enter__(self) -> _Workbook:
        return self

    def __exit__(self, *_: object) -> None:
        self.archive.close()

    def filled_names(self) -> list[str]:
        """The visible worksheets with a value in their first 1,000 rows."""
        return [name for name in self.visible if self._has_values(name)]

    def _has_values(self, name: str) -> bool:
        for index, (_number, row) in enumerate(self._rows(name)):
            if row:
                return True
            if index >= _NAME_SCAN_ROWS:
                return False
        return False

    def filled_rows(self, name: str) -> tuple[list[int], list[list[Any]]]:
        """The rows of ``name`` that hold a value, with their spreadsheet row numbers."""
        numbers: list[int] = []
        rows: list[list[Any]] = []
        for number, row in self._rows(name):
            if row:
                numbers.append(number)
                rows.append(row)
        return numbers, rows

    def _rows(self, name: str) -> Iterator[tuple[int, list[Any]]]:
        """(row number, values up to the last filled cell) of every ``<row>`` in the XML."""
        reader = _SheetReader(self)
        try:
            with self.archive.open(self.paths[name]) as stream:
                while chunk := stream.read(_CHUNK):
                    reader.parser.Parse(chunk, False)
                    yield from reader.done
                    reader.done.clear()
                reader.parser.Parse(b"", True)
                yield from reader.done
        except DataError:
            raise
        except _BROKEN as error:
            raise DataError("error.io.broken_excel") from error


def _check_members(archive: zipfile.ZipFile) -> None:
    """Refuse zip bombs from the central directory and DTDs from the XML prologs."""
    members = archive.infolist()
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise DataError(
            "error.io.xlsx.unpacks_too_large",
            size=_megabytes(unpacked),
            limit=_megabytes(MAX_UNPACKED_BYTES),
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECK_BYTES and ratio > MAX_RATIO:
            raise DataError(
                "error.io.xlsx.packed_too_tightly",
                part=member.filename,
                ratio=round(ratio),
                limit=MAX_RATIO,
            )
    for member in members:
        if not member.is_dir():
            _refuse_declarations(archive, member)


class _DeclarationError(Exception):
    """A document type declaration in an XML prolog."""


class _RootReachedError(Exception):
    """The root element began: the prolog held no declaration."""


def _refuse_declarations(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Raise ``error.io.xlsx.xml_declarations`` when the part declares a document type.

    Entities (external ones for XXE, nested ones for billion laughs) can only be declared in a
    DTD, and a DTD can only stand before the root element, so reading up to the root suffices:
    usually the first few hundred bytes. Every part is looked at, whatever its name (the
    workbook's content types may route any name to the XML parsers); a part whose first
    character is not ``<`` is not XML and is skipped.
    """

    def declared(*_: object) -> None:
        raise _DeclarationError

    def started(*_: object) -> None:
        raise _RootReachedError

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = declared
    parser.EntityDeclHandler = declared
    parser.StartElementHandler = started
    with archive.open(member) as stream:
        chunk = stream.read(_PROLOG_CHUNK)
        text = chunk.lstrip(b"\xef\xbb\xbf \t\r\n")
        if text and not text.startswith(b"<") and not chunk.startswith(_UTF16_MARKS):
            return  # not XML: an image, a printer setting, a macro project
        try:
            while chunk:
                parser.Parse(chunk, False)
                chunk = stream.read(_PROLOG_CHUNK)
            parser.Parse(b"", True)
        except _RootReachedError:
            return
        except _DeclarationError:
            raise DataError("error.io.xlsx.xml_declarations", part=member.filename) from None
        except expat.ExpatError:
            raise DataError("error.io.broken_excel") from None


def _read_strings(archive: zipfile.ZipFile, path: str) -> list[str | None]:
    """The shared-strings table, cleaned as :func:`_clean` does; at most :data:`MAX_CELLS` texts.

    Streamed with expat and nothing kept but the texts (openpyxl's reader keeps every parsed
    element until the end, about 100 bytes for each text). Rich-text runs are joined; phonetic
    guides (``<rPh>``, Japanese reading aids) are not part of the text.
    """
    strings: list[str | None] = []
    parts: list[str] = []
    state = {"collect": False, "phonetic": False}
    tags: dict[str, str] = {}

    def root(name: str, _attributes: dict[str, str]) -> None:
        prefix = name[: name.find(":") + 1]
        tags.update({prefix + tag: tag for tag in ("si", "t", "rPh")})
        parser.StartElementHandler = start

    def start(name: str, _attributes: dict[str, str]) -> None:
        tag = tags.get(name)
        if tag == "t":
            state["collect"] = not state["phonetic"]
        elif tag == "si":
            parts.clear()
        elif tag == "rPh":
            state["phonetic"] = True

    def end(name: str) -> None:
        tag = tags.get(name)
        if tag == "t":
            state["collect"] = False
        elif tag == "si":
            strings.append(_clean(_unescape("".join(parts))))
            if len(strings) > MAX_CELLS:
                raise DataError("error.io.xlsx.too_many_cells", limit=MAX_CELLS // 1_000_000)
        elif tag == "rPh":
            state["phonetic"] = False

    def characters(data: str) -> None:
        if state["collect"]:
            parts.append(data)

    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = root
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    with archive.open(path) as stream:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    return strings


def _unescape(text: str) -> str:
    """Excel's ``_xHHHH_`` escapes (``_x000D_`` for a carriage return) as the characters."""
    return _ESCAPE.sub(lambda match: chr(int(match[1], 16)), text) if "_x" in text else text


def _megabytes(size: int) -> int:
    return -(-size // (1024 * 1024))


# --- one sheet, streamed ------------------------------------------------------------------------


class _SheetReader:
    """expat handlers that turn ``<row>`` elements into lists of Python values.

    Finished rows collect in :attr:`done` as (row number, values up to the last filled cell);
    a row without values is an empty list. Every ``<c>`` counts towards :data:`MAX_CELLS`,
    checked at the end of each row (a row has at most 16,384 cells, or 18,278 when references
    run past Excel's last column, so the check overshoots by no more than one row).
    expat runs without namespace processing (twice as fast): the sheet's prefix, if any
    (``<x:worksheet>``), is taken from the root element.
    """

    def __init__(self, workbook: _Workbook) -> None:
        self.workbook = workbook
        self.dates = workbook.dates
        self.durations = workbook.durations
        self.done: list[tuple[int, list[Any]]] = []
        self.tags: dict[str, str] = {}
        self.cells = 0
        self.number = 0
        self.row: list[Any] = []
        self.column = 0
        self.kind = "n"
        self.style: str | None = None
        self.text = ""
        self.collect = False
        self.inline = False
        self.phonetic = False
        self.columns: dict[str, int] = {}
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.buffer_size = 64 * 1024
        parser.StartElementHandler = self.root
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.characters
        self.parser = parser

    def root(self, name: str, _attributes: dict[str, str]) -> None:
        prefix = name[: name.find(":") + 1]
        self.tags = {prefix + tag: tag for tag in _TAGS}
        self.parser.StartElementHandler = self.start

    def start(self, name: str, attributes: dict[str, str]) -> None:
        tag = self.tags.get(name)
        if tag == "c":
            reference = attributes.get("r")
            if reference:
                self.column = self._column(reference)
            elif self.column < _LAST_COLUMN:
                self.column += 1
            else:  # beyond XFD: with references, column_index_from_string refuses it
                raise ValueError("a row longer than Excel's 16,384 columns")
            self.kind = attributes.get("t", "n")
            self.style = attributes.get("s")
            self.text = ""
        elif tag == "v":
            self.collect = True
        elif tag == "row":
            number = attributes.get("r")
            number = int(number) if number else self.number + 1
            if number <= self.number:
                raise ValueError("rows out of order")
            self.number = number
            self.row = []
            self.column = 0
        elif tag == "is":
            self.inline = True
        elif tag == "t":
            self.collect = self.inline and not self.phonetic
        elif tag == "rPh":
            self.phonetic = True

    def end(self, name: str) -> None:
        tag = self.tags.get(name)
        if tag == "c":
            self.cells += 1
            value = self._value() if self.text else None
            if value is not None:
                row, index = self.row, self.column - 1
                if index == len(row):
                    row.append(value)
                elif index > len(row):
                    row.extend([None] * (index - len(row)))
                    row.append(value)
                else:
                    row[index] = value
        elif tag == "v" or tag == "t":
            self.collect = False
        elif tag == "row":
            if self.cells > MAX_CELLS:
                raise DataError("error.io.xlsx.too_many_cells", limit=MAX_CELLS // 1_000_000)
            self.done.append((self.number, self.row))
        elif tag == "is":
            self.inline = False
        elif tag == "rPh":
            self.phonetic = False

    def characters(self, data: str) -> None:
        if self.collect:
            self.text += data

    def _column(self, reference: str) -> int:
        letters = reference.rstrip(_DIGITS)
        column = self.columns.get(letters)
        if column is None:
            column = self.columns[letters] = column_index_from_string(letters)
        return column

    def _value(self) -> Any:
        """The cell's value as Excel showed it; blanks and error values are ``None``."""
        text, kind = self.text, self.kind
        if kind == "n":
            number = float(text) if "." in text or "E" in text or "e" in text else int(text)
            if self.style in self.dates:
                duration = self.style in self.durations
                try:
                    return from_excel(number, self.workbook.epoch, timedelta=duration)
                except (OverflowError, ValueError):
                    return None  # a date Excel itself shows as ########
            return number
        if kind == "s":
            return self.workbook.strings[int(text)]
        if kind == "str" or kind == "inlineStr":
            return _clean(text)
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "d":
            return from_ISO8601(text)
        return None  # "e": #NV, #DIV/0! and friends


def _clean(text: str) -> str | None:
    """``None`` for a blank text or an error value typed as text (``#NV``), else ``text``."""
    stripped = text.strip()
    return None if not stripped or stripped in _EXCEL_ERRORS else text


# --- the table ----------------------------------------------------------------------------------


def _table(
    name: str,
    sheets: tuple[str, ...],
    numbers: list[int],
    rows: list[list[Any]],
    header_row: int | None,
) -> Sheet:
    """Header and columns from the filled rows; empty rows between them come back as gaps."""
    if header_row is None:
        start = next((i for i, row in enumerate(rows[:_PREAMBLE_ROWS]) if _filled(row) > 1), None)
        if start is None:
            column = next(str(value) for value in rows[0] if value is not None)
            raise DataError("error.io.single_column", column=column[:40])
        start = _below_group_rows(rows, start)
    else:
        if header_row > numbers[-1]:
            raise DataError("error.io.xlsx.header_row_below_data", row=header_row, last=numbers[-1])
        if header_row not in numbers:
            raise DataError("error.io.xlsx.header_row_empty", row=header_row, sheet=name)
        start = numbers.index(header_row)
    header, body = rows[start], rows[start + 1 :]
    if not body:
        raise DataError("error.io.no_rows")
    top = numbers[start] + 1
    height = numbers[-1] - top + 1
    width = max(len(row) for row in (header, *body))
    if height * width > MAX_CELLS:
        raise DataError("error.io.xlsx.too_many_cells", limit=MAX_CELLS // 1_000_000)
    if width < 2:
        column = next(str(value) for value in header if value is not None)
        raise DataError("error.io.single_column", column=column[:40])
    header = header + [None] * (width - len(header))
    check_header([_header_text(cell) for cell in header])
    grid = [[None] * width] * height  # the empty rows between filled ones share one list
    for number, row in zip(numbers[start + 1 :], body, strict=True):
        grid[number - top] = row + [None] * (width - len(row))
    columns = [list(column) for column in zip(*grid, strict=True)]
    return Sheet(name, sheets, header, columns, first_row=top)


def _below_group_rows(rows: list[list[Any]], start: int) -> int:
    """The header row when a title or a row of group labels (``Kunde`` over two columns,
    ``Umsatz`` over three) sits above it: the same rule as for text files
    (:func:`~kundenmodell.io.sniff.header_index`), on the cells as Excel shows them."""
    head = [[_header_text(value) for value in row] for row in rows[: _PREAMBLE_ROWS + 50]]
    width = max(len(row) for row in head)
    head = [row + [""] * (width - len(row)) for row in head]
    return max(start, header_index(head, width))


def _filled(row: list[Any]) -> int:
    return sum(value is not None for value in row)


def _header_text(cell: Any) -> str:
    """A header cell as the text Excel shows (numbers and dates stay recognisable as values)."""
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime | dt.date):
        return cell.strftime("%d.%m.%Y")
    return str(cell)
