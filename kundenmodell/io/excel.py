"""Spreadsheet workbooks (.xlsx/.xlsm/.xlsb, .xls, .ods): the sheets worth asking about, and
one sheet as columns of Python values, read so that a hostile workbook cannot take the machine
down.

The cells are read by calamine (Rust, through ``python-calamine``, the engine pandas offers as
``engine="calamine"``): about ten times faster than streaming the XML with expat from Python
(a 100,000-row × 10-column sheet: see the README's "why" notes), and it reads the old binary
``.xls``, Excel's binary ``.xlsb`` and LibreOffice's ``.ods`` as well. What the user saw is
read: cached formula results, Excel error values (``#NV``) as missing, dates as dates. Hidden
sheets, chart sheets and sheets without a single value are not offered.

calamine holds a sheet as one rectangle from its first to its last cell, so a sheet with one
cell in A1 and one in XFD1048576 would ask for 17 billion cells. The limits are therefore
checked before calamine sees a byte, in this order:

0. (when the format is detected, :mod:`kundenmodell.io.source`) at most
   :data:`~kundenmodell.io.source.MAX_ZIP_MEMBERS` files in a zip container (xlsx, xlsb, ods);
1. the zip's central directory: at most :data:`MAX_UNPACKED_BYTES` unpacked in total and no
   member above :data:`RATIO_CHECK_BYTES` that unpacks to more than :data:`MAX_RATIO` times its
   packed size (a zip bomb; real exports pack their XML 5–30:1). Python's ``zipfile`` never
   inflates a member past the size declared there, so these figures bound the work;
2. every XML part's prolog: a ``<!DOCTYPE`` (needed for XXE and billion-laughs entities) is
   refused; Office Open XML and OpenDocument forbid DTDs, so no real workbook has one;
3. (xlsx/xlsm) at most :data:`MAX_CELLS` shared strings, and for the sheet to be read at most
   :data:`MAX_CELLS` cells in its XML and a rectangle (last row × last column, taken from the
   cell and row references and the cells in the longest row) of at most :data:`MAX_CELLS`
   cells: a scan with byte patterns in C, about a tenth of the read itself;
4. after reading, at most :data:`MAX_CELLS` cells in the table handed back.

The binary formats (.xls, .xlsb) cannot be scanned that way; they get checks 0–2 where they
apply and otherwise the guarded worker's memory cap (:mod:`kundenmodell.io.guard`).
"""

from __future__ import annotations

import datetime as dt
import io as _io
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

import numpy as np
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.xml.constants import SHARED_STRINGS
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

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
_CHUNK = 4 * 1024 * 1024
_PROLOG_CHUNK = 64 * 1024
_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")
_EXCEL_ERRORS = frozenset(
    {"#N/A", "#NV", "#DIV/0!", "#VALUE!", "#WERT!", "#REF!", "#BEZUG!", "#NAME?", "#NUM!", "#ZAHL!"}
)
_LAST_ROW = 1_048_576
_LAST_COLUMN = 16_384
# Cell references are found by ``r="`` alone (a literal start makes the search fast); another
# attribute ending in r with a value like A1 could only make the rectangle look larger.
_CELL_COLUMN = re.compile(rb'r="([A-Z]+)[0-9]')
_CELL_ROW = re.compile(rb'r="[A-Z]+([0-9]+)"')
_ROOT_PREFIX = re.compile(rb"<([A-Za-z_][\w.-]*:)?[A-Za-z_][\w.-]*[\s>]")
_LONG_INTEGER = re.compile(rb">-?[0-9]{16,}</")
_LONG_INTEGER_CELL = re.compile(
    rb'r="([A-Z]+)([0-9]+)"[^>]*>(?:<(?:\w+:)?f[^>]*>[^<]*</(?:\w+:)?f>|<(?:\w+:)?f[^>]*/>)?'
    rb"<(?:\w+:)?v>(-?[0-9]{16,})</"
)
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_ZIP_MAGIC = b"PK\x03\x04"
_BROKEN = (
    zipfile.BadZipFile,
    zlib.error,
    expat.ExpatError,
    SyntaxError,  # xml.etree's ParseError, raised by openpyxl
    InvalidFileException,
    CalamineError,
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

    A sheet too large to read (limit 3 of the module docstring) is listed: reading it says why.
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
        if sheet not in workbook.visible and sheet not in workbook.hidden:
            raise DataError("error.io.unknown_sheet", sheet=sheet, sheets=", ".join(names))
        if sheet not in names:
            raise DataError("error.io.empty_sheet", sheet=sheet)
        numbers, rows = workbook.filled_rows(sheet)
    return _table(sheet, tuple(names), numbers, rows, header_row)


# --- the workbook -------------------------------------------------------------------------------


class _Workbook:
    """An open workbook whose limits are checked, with its worksheets by visibility.

    ``parts`` maps the worksheets of an xlsx/xlsm workbook (``xlsx``) to their XML parts (for
    limit 3); other formats have none.
    """

    def __init__(self, data: bytes | memoryview) -> None:
        self.parts: dict[str, str] = {}
        self.xlsx = False
        self.archive: zipfile.ZipFile | None = None
        self._sizes: dict[str, tuple[int, int]] = {}
        if bytes(data[:4]) == _ZIP_MAGIC:
            self._check_zip(data)
        try:
            with _calamine_errors():
                self.book = CalamineWorkbook.from_filelike(_io.BytesIO(data))
                sheets = [
                    (meta.name, meta.visible)
                    for meta in self.book.sheets_metadata
                    if meta.typ == SheetTypeEnum.WorkSheet
                ]
        except DataError:
            self.close()
            raise
        self.visible = [name for name, state in sheets if state == SheetVisibleEnum.Visible]
        self.hidden = [name for name, state in sheets if state != SheetVisibleEnum.Visible]
        self._rows: dict[str, list[list[Any]]] = {}

    def _check_zip(self, data: bytes | memoryview) -> None:
        """Limits 1–3 for the zip containers; the worksheet parts of an xlsx workbook."""
        try:  # reads only the central directory
            self.archive = zipfile.ZipFile(_io.BytesIO(data))
        except _BROKEN as error:
            raise DataError("error.io.broken_excel") from error
        try:
            _check_members(self.archive)
            if "xl/workbook.xml" in self.archive.namelist():
                self.xlsx, self.parts = True, _xlsx_sheet_parts(data)
        except DataError:
            self.close()
            raise
        except _BROKEN as error:
            self.close()
            raise DataError("error.io.broken_excel") from error

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()
        book = getattr(self, "book", None)
        if book is not None:
            book.close()
            self.book = None

    def __enter__(self) -> _Workbook:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def filled_names(self) -> list[str]:
        """The visible worksheets with a value (or too many cells to say without reading)."""
        return [name for name in self.visible if self._filled(name)]

    def _filled(self, name: str) -> bool:
        if self.xlsx and not self._fits(name):
            return True
        return any(row for row in self._sheet_rows(name))

    def _fits(self, name: str) -> bool:
        """Whether the xlsx sheet ``name`` is within limit 3; remembered per sheet."""
        if name not in self._sizes:
            assert self.archive is not None
            # a sheet whose part openpyxl did not find is bounded by the largest of all parts
            parts = [self.parts[name]] if name in self.parts else self.archive.namelist()
            sizes = [_sheet_size(self.archive, part) for part in parts]
            self._sizes[name] = (max(size[0] for size in sizes), max(size[1] for size in sizes))
        cells, rectangle = self._sizes[name]
        return cells <= MAX_CELLS and rectangle <= MAX_CELLS

    def filled_rows(self, name: str) -> tuple[list[int], list[list[Any]]]:
        """The rows of ``name`` that hold a value, with their spreadsheet row numbers."""
        if self.xlsx and not self._fits(name):
            raise DataError("error.io.xlsx.too_many_cells", limit=MAX_CELLS // 1_000_000)
        numbers: list[int] = []
        rows: list[list[Any]] = []
        for number, row in enumerate(self._sheet_rows(name), start=1):
            if row:
                numbers.append(number)
                rows.append(row)
        return numbers, rows

    def _sheet_rows(self, name: str) -> list[list[Any]]:
        """Every row of sheet ``name`` from A1 on, as values up to the last filled cell."""
        if name not in self._rows:
            with _calamine_errors():
                grid = self.book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            if name in self.parts:
                assert self.archive is not None
                for (row, column), value in _exact_integers(self.archive, self.parts[name]):
                    grid[row][column] = value
            self._rows[name] = [_values(row) for row in grid]
        return self._rows[name]


@contextmanager
def _calamine_errors() -> Iterator[None]:
    """calamine's errors, and its panics on malformed files (a ``BaseException`` from pyo3),
    as ``error.io.broken_excel``."""
    try:
        yield
    except _BROKEN as error:
        raise DataError("error.io.broken_excel") from error
    except BaseException as error:
        if type(error).__name__ != "PanicException":
            raise
        raise DataError("error.io.broken_excel") from None


def _exact_integers(archive: zipfile.ZipFile, path: str) -> list[tuple[tuple[int, int], int]]:
    """((row, column) from 0, value) of the number cells of an xlsx sheet written as integers
    of 16 digits or more (by other tools than Excel: ids), which calamine reads as floats that
    lose digits. Almost every sheet has none, found by one quick search."""
    found = []
    for piece in _xml_pieces(archive, path):
        if _LONG_INTEGER.search(piece) is None:
            continue
        for letters, row, digits in _LONG_INTEGER_CELL.findall(piece):
            found.append(((int(row) - 1, _column_number(letters) - 1), int(digits)))
    return found


def _values(row: list[Any]) -> list[Any]:
    """calamine's cells as Excel shows them, up to the last filled one: blanks and error
    values are ``None``, dates are datetimes (calamine gives a ``date`` for whole days)."""
    values = [_value(cell) if cell.__class__ in _CONVERTED else cell for cell in row]
    while values and values[-1] is None:
        values.pop()
    return values


def _value(cell: Any) -> Any:
    if cell.__class__ is str:
        return _clean(cell)
    return dt.datetime(cell.year, cell.month, cell.day)


_CONVERTED = frozenset({str, dt.date})


def _clean(text: str) -> str | None:
    """``None`` for a blank text or an error value typed as text (``#NV``), else ``text``."""
    stripped = text.strip()
    return None if not stripped or stripped in _EXCEL_ERRORS else text


def _xlsx_sheet_parts(data: bytes | memoryview) -> dict[str, str]:
    """Worksheet name -> XML part of an xlsx workbook; checks the shared-strings count first.

    openpyxl reads the small parts that say where the sheets are (manifest, workbook,
    relationships); calamine then follows the same relationships.
    """
    reader = ExcelReader(_io.BytesIO(data), read_only=True, data_only=True)
    try:
        reader.read_manifest()
        strings = reader.package.find(SHARED_STRINGS)
        if strings:
            _check_strings(reader.archive, strings.PartName[1:])
        reader.read_workbook()
        return {
            sheet.name: rel.target
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        }
    finally:
        reader.archive.close()


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


def _megabytes(size: int) -> int:
    return -(-size // (1024 * 1024))


def _check_strings(archive: zipfile.ZipFile, path: str) -> None:
    """Refuse a shared-strings table of more than :data:`MAX_CELLS` texts (counted, not read)."""
    count = sum(len(_SHARED_STRING.findall(part)) for part in _xml_pieces(archive, path))
    if count > MAX_CELLS:
        raise DataError("error.io.xlsx.too_many_cells", limit=MAX_CELLS // 1_000_000)


def _sheet_size(archive: zipfile.ZipFile, path: str) -> tuple[int, int]:
    """(cells in the XML, cells of the rectangle calamine would allocate) of a worksheet part.

    The rectangle's last row is at most the largest row or cell reference plus the rows
    without one (a row's ``r`` is looked for as its first attribute, where Excel writes it);
    its last column the largest column reference, plus the cells of the longest row when some
    cells have no reference (they follow the cell before). Rows are found by their start tag,
    cells by theirs, with the prefix the root element uses (``<x:c>``). A reference beyond
    Excel's last row or column, a longer row or rows out of order are a
    broken workbook.
    """
    prefix = b""
    cells = rows = longest = current = cell_refs = row_refs = 0
    last_row = last_column = previous = 0
    for index, piece in enumerate(_xml_pieces(archive, path)):
        if index == 0:
            found = _ROOT_PREFIX.search(piece, piece.find(b"<", piece.find(b"?>") + 1))
            prefix = (found[1] or b"") if found else b""
            row_number = re.compile(re.escape(b"<" + prefix + b'row r="') + rb'([0-9]+)"')
        cell_tags = (b"<" + prefix + b"c ", b"<" + prefix + b"c>", b"<" + prefix + b"c/>")
        for position, segment in enumerate(piece.split(b"<" + prefix + b"row")):
            count = sum(segment.count(tag) for tag in cell_tags)
            if position:
                rows += 1
                current = 0
            current += count
            cells += count
            longest = max(longest, current)
        columns = set(_CELL_COLUMN.findall(piece))
        if columns:
            last_column = max(last_column, *(_column_number(name) for name in columns))
        cell_rows, row_numbers = _CELL_ROW.findall(piece), row_number.findall(piece)
        cell_refs, row_refs = cell_refs + len(cell_rows), row_refs + len(row_numbers)
        if row_numbers:
            ordered = np.array([previous, *map(int, row_numbers)], dtype=np.int64)
            if (np.diff(ordered) <= 0).any():
                raise DataError("error.io.broken_excel")  # rows out of order
            previous = int(ordered[-1])
        if cell_rows:
            last_row = max(last_row, *map(int, set(cell_rows)))
    last_row = max(last_row, previous)
    if last_row > _LAST_ROW or last_column > _LAST_COLUMN or longest > _LAST_COLUMN:
        raise DataError("error.io.broken_excel")
    height = min(last_row + max(rows - row_refs, 0), _LAST_ROW)
    width = min(last_column + (longest if cells > cell_refs else 0), _LAST_COLUMN)
    return cells, height * width


def _column_number(letters: bytes) -> int:
    """``b"A"`` → 1, ``b"XFD"`` → 16,384."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _xml_pieces(archive: zipfile.ZipFile, path: str) -> Iterator[bytes]:
    """The part's bytes in pieces of about :data:`_CHUNK` that each end before a ``<``: as a
    ``<`` cannot stand inside a tag, no start tag is cut between two pieces."""
    rest = b""
    with archive.open(path) as stream:
        while chunk := stream.read(_CHUNK):
            chunk = rest + chunk
            cut = chunk.rfind(b"<")
            if cut <= 0:
                rest = chunk
                continue
            rest = chunk[cut:]
            yield chunk[:cut]
    if rest:
        yield rest


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
