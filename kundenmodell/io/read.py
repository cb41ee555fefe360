"""``load_table``: any supported customer file into a typed pandas DataFrame.

The steps are the same for every format: get the bytes within the size limit
(:mod:`~kundenmodell.io.source`), decide the kind of file from its content, parse it into an
Arrow table (pyarrow's multi-threaded CSV and JSON readers, its Parquet reader, openpyxl for
Excel), then convert each text column whose every value is a number or a date
(:mod:`~kundenmodell.io.parse`) and hand the table to pandas once. Every way a file can be wrong
ends in a :class:`~kundenmodell.DataError` with an ``error.io.*`` key.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json
import pyarrow.parquet as pq

from kundenmodell.errors import DataError
from kundenmodell.io import excel, report_rows
from kundenmodell.io.depth import check_depth
from kundenmodell.io.notes import ReadNote
from kundenmodell.io.parse import (
    SAFE_INTEGER,
    ColumnFormat,
    Hints,
    convert_lossless,
    guessed_day_order,
    infer_format,
    sample,
    with_hints,
)
from kundenmodell.io.report_rows import find_report_rows, is_footer, is_totals
from kundenmodell.io.sniff import Decoded, Layout, decode, recode_cp1252, sniff_layout
from kundenmodell.io.source import DEFAULT_MAX_BYTES, RawFile, detect_format, read_source

_GUARDED = r"^'([=+\-@\t\r'\d])"
"""An apostrophe that only marks a CSV cell as text: before a formula character (written by
:func:`~kundenmodell.io.to_csv_bytes`) or before a digit or ``+`` (Shopify and Excel-minded
exports write ``'70173`` and ``'+49 …`` so that a spreadsheet keeps zip codes, ids and phone
numbers as text). An apostrophe before a letter is part of the value (``'s Gravenhage``)."""
_BLOCK_SIZE = 4 << 20
_DAY_FIRST_HEADERS = re.compile(
    r"\b(?:post ?code|surname|mobile|county|postleitzahl|plz|postnummer|postnr)\b"
)
"""Header words of British, German and Norwegian files, which write the day before the month."""
_BIRTH_HEADERS = re.compile(r"geburt|birth|\bdob\b|født|fødsel|fodsel")
"""Headers of birth dates, whose two-digit years are never in the future."""
_LISTED = 10  # row numbers kept on a note about a whole column
_CENTS = re.compile(r"[.,]\d*[1-9]")
_TAIL_BYTES = 64 << 10
_THREADED_ROWS = 10_000
_UNNAMED = re.compile(r"column \d+|")
DELIMITER_NAMES = {";": "semicolon", ",": "comma", "\t": "tab", "|": "pipe"}
"""The name of each separator the sniffer finds, for the catalogue key ``io.delimiter.<name>``."""
HEADER_ROW_FORMATS = frozenset({"csv", "xlsx"})
"""Formats whose header row may sit below a title block, so the user may choose the row."""


@dataclass(frozen=True)
class LoadedTable:
    """A file read into a DataFrame, with what was found out about it on the way.

    ``first_row`` is the spreadsheet row number of the first data row (2 when the header is
    row 1), so row ``i`` of ``frame`` is row ``first_row + i`` in the user's spreadsheet.
    ``written`` keeps the text of columns read as whole numbers with a point (``1.0``, ``2.0``):
    mapped onto a customer number they stay as written, not ``1``.
    """

    frame: pd.DataFrame
    name: str
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    first_row: int = 2
    decimal: str | None = None
    dayfirst: bool | None = None
    currency: str | None = None
    formats: dict[str, ColumnFormat] = field(default_factory=dict)
    notes: tuple[ReadNote, ...] = ()
    file_rows: np.ndarray | None = None
    written: dict[str, pa.ChunkedArray] = field(default_factory=dict)

    @property
    def delimiter_name(self) -> str | None:
        """The separator's name (``semicolon`` …, see :data:`DELIMITER_NAMES`), if any."""
        return DELIMITER_NAMES.get(self.delimiter) if self.delimiter else None

    @property
    def header_row_choosable(self) -> bool:
        """Whether the user may point at another header row (:data:`HEADER_ROW_FORMATS`)."""
        return self.format in HEADER_ROW_FORMATS

    @property
    def mapping_options(self) -> dict[str, Any]:
        """The keywords :func:`~kundenmodell.io.map_table` needs from the reading:
        ``io.map_table(loaded.frame, mapping, **loaded.mapping_options)``."""
        return {
            "first_row": self.first_row,
            "file_rows": self.file_rows,
            "notes": self.notes,
            "written": self.written,
        }

    def row_numbers(self, positions: np.ndarray | list[int]) -> np.ndarray:
        """Spreadsheet row numbers of frame positions."""
        positions = np.asarray(positions, dtype=np.int64)
        if self.file_rows is not None:
            return self.file_rows[positions]
        return positions + self.first_row


def load_table(
    source: Any,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> pd.DataFrame:
    """Read a customer or purchase file into a DataFrame with typed columns.

    ``source`` is a path, ``bytes`` or a file-like object such as Streamlit's ``UploadedFile``;
    CSV/TSV/TXT (any of ``;`` ``,`` tab ``|``; UTF-8 with or without BOM, Windows-1252, UTF-16),
    Excel ``.xlsx`` (``sheet`` names the worksheet when there are several), Parquet and JSON
    lines are read. Number and date columns are converted when every value parses; anything
    else stays text. The header is found below title lines and group rows; ``header_row`` (the
    spreadsheet row number, 1-based) says where it is instead. Rows of a report that are not
    data (totals, a repeated header, a footer) are set aside. See :func:`read_table` for what is
    learned about the file on the way.
    """
    return read_table(source, sheet=sheet, header_row=header_row, max_bytes=max_bytes).frame


def read_table(
    source: Any,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> LoadedTable:
    """Like :func:`load_table`, but also returns encoding, delimiter, sheet and formats found,
    and the rows set aside as notes (:attr:`LoadedTable.notes`) with their row numbers."""
    if header_row is not None and header_row < 1:
        raise ValueError(f"header_row is a spreadsheet row number from 1, not {header_row}")
    raw = read_source(source, max_bytes=max_bytes)
    kind = detect_format(raw)
    if kind == "xlsx":
        return _read_excel(raw, sheet, header_row)
    if kind == "parquet":
        return _finish(_read_parquet(raw.data), raw, "parquet", Hints())
    if kind == "json":
        return _finish(_read_json(raw.data), raw, "json", Hints())
    return _read_text(raw, header_row)


def sheet_names(source: Any, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[str]:
    """The worksheets with data of an Excel file; an empty list for every other format."""
    raw = read_source(source, max_bytes=max_bytes)
    return excel.sheet_names(raw.data) if detect_format(raw) == "xlsx" else []


# --- text ---------------------------------------------------------------------------------------


def _read_text(raw: RawFile, header_row: int | None = None) -> LoadedTable:
    decoded = decode(raw.data)
    layout = sniff_layout(decoded.head, header_row)
    hints = Hints(
        decimal="," if layout.delimiter == ";" else "." if layout.delimiter == "," else None,
        dayfirst=True if layout.delimiter == ";" else None,
    )
    numbers = _decimal_columns(layout, hints)
    try:
        end, footer = _footer_lines(decoded, layout)
        table = _parse_text(decoded, layout, numbers, end)
    except _NotUtf8Error:
        decoded = recode_cp1252(raw.data)
        layout = sniff_layout(decoded.head, header_row)
        numbers = _decimal_columns(layout, hints)
        end, footer = _footer_lines(decoded, layout)
        table = _parse_text(decoded, layout, numbers, end)
    if table.num_rows == 0:
        raise DataError("error.io.no_rows")
    found = find_report_rows(table, layout.header, hints)
    lines = {"title": list(layout.preamble), "footer": footer}
    first_row = layout.skip_lines + 1
    file_rows = None
    blank_lines = decoded.contains(b"\n\n", layout.data_offset) or (
        "\r" in decoded.head and decoded.contains(b"\n\r\n", layout.data_offset)
    )
    if found or blank_lines:  # the parser skips blank lines: the row numbers need counting
        file_rows = _record_lines(decoded, layout, end, table.num_rows)
    if file_rows is None and found:
        file_rows = np.arange(first_row, first_row + table.num_rows, dtype=np.int64)
    notes = report_rows.notes(table, found, lambda: file_rows, lines)
    if found:
        keep = np.ones(table.num_rows, dtype=bool)
        keep[np.concatenate(list(found.values()))] = False
        table = table.filter(pa.array(keep))
        file_rows = file_rows[keep]
        if table.num_rows == 0:
            raise DataError("error.io.no_rows")
    types = dict(zip(table.column_names, table.schema.types, strict=True))
    known = {
        name: fmt
        for name, fmt in numbers.items()
        if name in types and pa.types.is_floating(types[name])
    }
    return _finish(
        table,
        raw,
        "csv",
        hints,
        guarded=decoded.contains(b"'"),
        known=known,
        encoding=decoded.encoding,
        delimiter=layout.delimiter,
        first_row=first_row,
        notes=notes,
        file_rows=file_rows,
    )


def _footer_lines(decoded: Decoded, layout: Layout) -> tuple[int, list[tuple[int, str]]]:
    """Where the data of a text file ends, and the footer lines after it (line, text).

    A report footer ends the file with lines of far fewer fields than the header ("Total",
    "Copyright (c) … salesforce.com", "Generated By: …"), or of fewer fields that say what
    they are ("Generated by Jane, Doe" unquoted): read as data they would fail as ragged rows.
    Only the file's last lines are looked at (``_TAIL_BYTES``).
    """
    body = decoded.body
    size = len(body)
    start = max(layout.data_offset, size - _TAIL_BYTES)
    tail = bytes(body[start:])
    if start > layout.data_offset:  # begin at a line start
        skip = tail.find(b"\n") + 1
        start, tail = start + skip, tail[skip:]
    lines = tail.split(b"\n")
    width = len(layout.header)
    limit = min(width - 1, max(2, width // 2))
    first = None
    for index in range(len(lines) - 1, -1, -1):
        text = lines[index].decode("utf-8", "replace").rstrip("\r")
        if not text.strip():
            continue
        if text.count('"') % 2:
            break
        fields = _fields(text, layout.delimiter)
        if fields is None:
            break  # not a line a report footer writes: the parser judges it
        worded = is_footer(text) or is_totals(next((cell for cell in fields if cell.strip()), ""))
        if len(fields) > limit and not (len(fields) < width and worded):
            break  # a data row (or a ragged one, which the parser reports)
        first = index
    if first is None or (first == 0 and start == layout.data_offset):
        return size, []
    end = start + sum(len(line) + 1 for line in lines[:first])
    line = 1 + int(np.count_nonzero(np.frombuffer(body, dtype=np.uint8, count=end) == ord("\n")))
    footer = []
    for offset, raw_line in enumerate(lines[first:]):
        text = raw_line.decode("utf-8", "replace").rstrip("\r")
        cells = _fields(text, layout.delimiter) or [text]
        text = " ".join(cell.strip() for cell in cells if cell.strip())
        if text:
            footer.append((line + offset, text))
    return (end, footer) if footer else (size, [])  # short empty lines alone: ragged rows


def _fields(line: str, delimiter: str) -> list[str] | None:
    """The fields of one line as the csv module splits them, or None for a line it refuses (a
    stray carriage return inside a field)."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return None


def _record_lines(decoded: Decoded, layout: Layout, end: int, rows: int) -> np.ndarray | None:
    """The physical line number of each data row (blank lines, which the parser skips, and
    line breaks inside quotes counted), or None when that does not come out at ``rows`` rows.

    Vectorised over the bytes: a line break is inside a quoted value when an odd number of
    quotes comes before it.
    """
    data = np.frombuffer(decoded.body, dtype=np.uint8, count=end)[layout.data_offset :]
    breaks = np.flatnonzero(data == ord("\n"))
    ends = breaks
    if decoded.contains(b'"'):
        quotes = np.flatnonzero(data == ord('"'))
        ends = breaks[np.searchsorted(quotes, breaks) % 2 == 0]
    starts = np.concatenate(([0], ends + 1))
    stops = np.concatenate((ends, [len(data)]))
    length = stops - starts
    blank = (length == 0) | ((length == 1) & (data[np.minimum(starts, len(data) - 1)] == 13))
    lines = layout.skip_lines + 1 + np.searchsorted(breaks, starts[~blank])
    return lines.astype(np.int64) if len(lines) == rows else None


def _decimal_columns(layout: Layout, hints: Hints) -> dict[str, ColumnFormat]:
    """Columns whose sniffed values are plain decimals (``12,5``: no thousands mark, no
    currency), which pyarrow can parse directly with the file's decimal mark.

    Only amounts: some value has cents, none has a leading zero. A column of ``1,0`` and ``2,0``
    or with ``0`` and ``-0`` may hold ids, which the text path keeps as written."""
    found: dict[str, ColumnFormat] = {}
    counts = Counter(layout.header)
    for name, values in zip(layout.header, layout.columns(), strict=True):
        fmt = infer_format(values, hints)
        if counts[name] > 1 or fmt.kind != "number" or not fmt.certain or fmt.currency:
            continue
        others = "." if fmt.decimal == "," else ","
        if any(others in value or " " in value or "e" in value.lower() for value in values):
            continue
        if any("(" in value or value.endswith("-") for value in values):  # accounting negatives
            continue
        if fmt.codes or not any(_CENTS.search(value) for value in values):
            continue
        found[name] = fmt
    decimals = Counter(fmt.decimal for fmt in found.values())
    if not decimals:
        return {}
    decimal = decimals.most_common(1)[0][0]
    return {name: fmt for name, fmt in found.items() if fmt.decimal == decimal}


def _parse_text(
    decoded: Decoded, layout: Layout, numbers: dict[str, ColumnFormat], end: int
) -> pa.Table:
    """One pass with the decimal columns parsed by pyarrow; if a later value does not fit
    (a thousands mark, a note in a number column), everything is read as text instead."""
    if numbers:
        try:
            return _parse_csv(decoded, layout, numbers, end)
        except _NotANumberError:
            pass
    return _parse_csv(decoded, layout, {}, end)


class _NotUtf8Error(Exception):
    """The head was UTF-8 but a later part of the file is not."""


class _NotANumberError(Exception):
    """A column typed from the head as a number holds something else further down."""


def _unique_names(header: list[str]) -> list[str]:
    """Header cells as column names: trimmed, blanks named by position, repeats numbered."""
    names: list[str] = []
    seen: Counter[str] = Counter()
    for index, cell in enumerate(header):
        name = str(cell).strip() if cell is not None else ""
        name = name or f"column {index + 1}"
        seen[name] += 1
        names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return names


def _parse_csv(
    decoded: Decoded, layout: Layout, numbers: dict[str, ColumnFormat], end: int
) -> pa.Table:
    """pyarrow's CSV reader with every column as text (nothing is lost before typing), but for
    the ``numbers`` columns, which are parsed as decimals with their decimal mark.

    The reader gets the bytes from the line after the header up to ``end`` (a footer is cut
    off) and the header's names; its blocks hold at least four header lines, so that a line of
    any length fits into one.
    """
    bad_rows: list[Any] = []

    def on_bad_row(row: Any) -> str:
        bad_rows.append(row)
        return "skip"

    quoted = decoded.contains(b'"')
    try:
        data = pa.py_buffer(decoded.body).slice(layout.data_offset, end - layout.data_offset)
        table = pa_csv.read_csv(
            pa.BufferReader(data),
            read_options=pa_csv.ReadOptions(
                column_names=list(layout.header),
                block_size=max(_BLOCK_SIZE, 4 * (layout.data_offset - layout.offset)),
            ),
            parse_options=pa_csv.ParseOptions(
                delimiter=layout.delimiter,
                newlines_in_values=quoted,
                invalid_row_handler=on_bad_row,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={
                    name: pa.float64() if name in numbers else pa.large_string()
                    for name in layout.header
                },
                null_values=[""],
                strings_can_be_null=True,
                decimal_point=next(iter(numbers.values())).decimal if numbers else ".",
            ),
        )
    except pa.ArrowInvalid as error:
        if "Empty CSV file" in str(error):  # nothing but the header (and blank lines)
            raise DataError("error.io.no_rows") from error
        if "invalid UTF8" in str(error) and decoded.encoding == "utf-8":
            raise _NotUtf8Error from error
        if numbers and "conversion error" in str(error):
            raise _NotANumberError from error
        raise DataError("error.io.unreadable", detail=_short(str(error))) from error
    if bad_rows:
        raise _ragged(bad_rows, decoded, layout, table.num_columns)
    if quoted and _swallowed_by_quote(table, decoded):
        raise DataError("error.io.unclosed_quote")
    return table


def _swallowed_by_quote(table: pa.Table, decoded: Decoded) -> bool:
    """An odd number of quotes and a last row whose text runs over line ends: a quote that
    opened a field and never closed it took the rest of the file as one value."""
    quotes = np.count_nonzero(np.frombuffer(decoded.body, dtype=np.uint8) == ord('"'))
    if quotes % 2 == 0 or table.num_rows == 0:
        return False
    last = table.slice(table.num_rows - 1).to_pylist()[0]
    return any(isinstance(value, str) and "\n" in value for value in last.values())


def _ragged(bad_rows: list[Any], decoded: Decoded, layout: Layout, expected: int) -> DataError:
    first = bad_rows[0]
    text = first.text or ""
    if '"' in text and "\n" in text:
        return DataError("error.io.unclosed_quote")
    body = bytes(decoded.body)
    # the first whole line that is the row's text (a short row such as ";" is part of others)
    whole = re.compile(rb"(?m)^" + re.escape(text.encode("utf-8")) + rb"\r?$")
    found = whole.search(body, layout.data_offset) if text else None
    position = found.start() if found else -1
    line = body.count(b"\n", 0, position) + 1 if position >= 0 else layout.skip_lines + 1
    return DataError(
        "error.io.ragged_rows",
        line=line,
        expected=expected,
        found=first.actual_columns,
        count=len(bad_rows),
    )


def _short(text: str, length: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


# --- parquet, json ------------------------------------------------------------------------------


def _read_parquet(data: bytes) -> pa.Table:
    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError, ValueError) as error:
        raise DataError("error.io.broken_parquet") from error
    return _flatten(table)


def _read_json(data: bytes) -> pa.Table:
    """JSON lines (one object per line) or a JSON array of objects."""
    text = decode(data)
    body = bytes(text.body)
    check_depth(body)  # before any parser: deep nesting crashes them
    if body.lstrip().startswith(b"["):
        try:
            records = json.loads(body)
        except json.JSONDecodeError as error:
            raise DataError("error.io.bad_json", line=error.lineno) from error
        except UnicodeDecodeError as error:  # a broken character the head did not show
            raise DataError("error.io.undecodable") from error
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise DataError("error.io.bad_json", line=1)
        return _records_table(records)
    try:
        table = pa_json.read_json(pa.BufferReader(body))
        if _has_timestamps(table.schema):
            # pyarrow's reader moves times with a zone offset to UTC (a date can change): the
            # times are read again as text and typed like a CSV's, at their wall-clock time.
            schema = pa.schema([field.with_type(_text_times(field.type)) for field in table.schema])
            options = pa_json.ParseOptions(explicit_schema=schema)
            table = pa_json.read_json(pa.BufferReader(body), parse_options=options)
    except pa.ArrowInvalid:
        return _records_table(_json_lines(body))
    table = _flatten(table)
    if _lost_integers(table):
        return _records_table(_json_lines(body))
    return table


def _has_timestamps(schema: pa.Schema) -> bool:
    return any(_text_times(field.type) != field.type for field in schema)


def _text_times(type_: pa.DataType) -> pa.DataType:
    """``type_`` with every timestamp in it (nested too) as text."""
    if pa.types.is_timestamp(type_) or pa.types.is_date(type_):
        return pa.string()
    if pa.types.is_struct(type_):
        return pa.struct([field.with_type(_text_times(field.type)) for field in type_])
    if pa.types.is_list(type_):
        return pa.list_(_text_times(type_.value_type))
    return type_


def _lost_integers(table: pa.Table) -> bool:
    """True when a float column holds a whole number beyond int64: pyarrow's reader made an
    integer too large for int64 a float and dropped its last digits (Python's json keeps them)."""
    for column in table.columns:
        if pa.types.is_floating(column.type):
            largest = pc.max(pc.abs(column)).as_py()
            if largest is not None and largest >= 2**63:
                return True
    return False


def _json_lines(body: bytes) -> list[dict]:
    records = []
    for number, line in enumerate(body.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise DataError("error.io.bad_json", line=number) from error
        except UnicodeDecodeError as error:
            raise DataError("error.io.undecodable") from error
        if not isinstance(record, dict):
            raise DataError("error.io.bad_json", line=number)
        records.append(record)
    return records


def _records_table(records: list[dict]) -> pa.Table:
    """Records whose fields mix types: every value as text, for the column inference."""
    if not records:
        raise DataError("error.io.no_rows")
    frame = pd.json_normalize(records)
    columns = {
        str(name): pa.array(
            [None if _missing(value) else _as_text(value) for value in frame[name]], pa.string()
        )
        for name in frame.columns
    }
    return pa.table(columns)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < SAFE_INTEGER:
        return str(int(value))
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _flatten(table: pa.Table) -> pa.Table:
    """Nested records become ``parent.child`` columns; lists become JSON text."""
    while any(pa.types.is_struct(column.type) for column in table.columns):
        table = table.flatten()
    for index, column in enumerate(table.columns):
        if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
            if pa.types.is_null(column.type.value_type):  # [null, null]: pyarrow cannot list it
                column = column.cast(pa.list_(pa.string()))
            text = pa.array(
                [None if value is None else json.dumps(value) for value in column.to_pylist()],
                pa.string(),
            )
            table = table.set_column(index, table.field(index).name, text)
    return table


# --- excel --------------------------------------------------------------------------------------


def _read_excel(raw: RawFile, sheet: str | None, header_row: int | None = None) -> LoadedTable:
    found = excel.read_sheet(raw.data, sheet, header_row=header_row)
    names = _unique_names(found.header)
    arrays = [_excel_column(values) for values in found.columns]
    table = pa.Table.from_arrays(arrays, names=names)
    header = [_excel_header(cell) for cell in found.header]
    aside = find_report_rows(table, header)
    rows = np.arange(found.first_row, found.first_row + table.num_rows, dtype=np.int64)
    notes = report_rows.notes(table, aside, lambda: rows)
    file_rows = None
    if aside:
        keep = np.ones(table.num_rows, dtype=bool)
        keep[np.concatenate(list(aside.values()))] = False
        table, file_rows = table.filter(pa.array(keep)), rows[keep]
    return _finish(
        table,
        raw,
        "xlsx",
        Hints(),
        sheet=found.name,
        sheets=found.sheets,
        first_row=found.first_row,
        notes=notes,
        file_rows=file_rows,
    )


def _excel_header(cell: Any) -> str:
    """A header cell as text, as a repeated header row holds it (numbers without ``.0``)."""
    return "" if cell is None else _cell_text(cell)


def _excel_column(values: list[Any]) -> pa.Array:
    present = [value for value in values if value is not None]
    if present and all(isinstance(v, dt.datetime | dt.date) for v in present):
        return pa.array([_timestamp(v) for v in values], pa.timestamp("us"))
    if present and all(isinstance(v, bool) for v in present):
        return pa.array(values, pa.bool_())
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        # Whole numbers become integers only where float64 (pandas) keeps every digit; larger
        # number cells stay floats, larger integers (from other tools than Excel) exact text.
        exact = all(isinstance(v, int) or v.is_integer() for v in present)
        if exact and all(abs(v) < SAFE_INTEGER for v in present):
            return pa.array([None if v is None else int(v) for v in values], pa.int64())
        if all(isinstance(v, float) or abs(v) < SAFE_INTEGER for v in present):
            return pa.array(values, pa.float64())
    return pa.array([None if v is None else _cell_text(v) for v in values], pa.string())


def _timestamp(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return dt.datetime(value.year, value.month, value.day)


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < SAFE_INTEGER:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- typing the columns -------------------------------------------------------------------------


def _finish(
    table: pa.Table,
    raw: RawFile,
    format_: str,
    hints: Hints,
    *,
    guarded: bool = False,
    known: dict[str, ColumnFormat] | None = None,
    **found: Any,
) -> LoadedTable:
    """Drop empty unnamed columns, type the text columns, convert to pandas once.

    ``guarded`` says the file may hold cells guarded against formulas (a CSV with an apostrophe
    somewhere); only then are text columns searched for the guard. ``known`` are the formats of
    columns the parser typed already.
    """
    table = _drop_empty_unnamed(table)
    if table.num_columns == 1:
        raise DataError("error.io.single_column", column=table.column_names[0][:40])
    if table.num_rows == 0:
        raise DataError("error.io.no_rows")
    table = _large_strings(table.rename_columns(_unique_names(table.column_names)))
    samples = {
        name: sample(table.column(name))
        for name in table.column_names
        if pa.types.is_large_string(table.column(name).type)
    }
    first = {name: infer_format(values, hints) for name, values in samples.items()}
    hints = _file_hints([*first.values(), *(known or {}).values()], hints, table.column_names)
    formats = {
        name: _with_pivot(name, with_hints(first[name], samples[name], hints)) for name in samples
    }

    def typed(name: str) -> tuple[str, pa.ChunkedArray | None, list[_Pending]]:
        values = table.column(name)
        converted = convert_lossless(values, formats[name])
        if converted is None or formats[name].kind != "date":
            return name, converted, []
        return name, converted, _date_notes(name, values, converted, formats[name])

    # Arrow's kernels release the GIL: the columns of a long table are typed side by side on
    # all cores; for a short one the hand-over costs more than the typing (10,000 columns).
    if table.num_rows < _THREADED_ROWS:
        results = [typed(name) for name in formats]
    else:
        with ThreadPoolExecutor(max_workers=min(pa.cpu_count(), max(len(formats), 1))) as pool:
            results = list(pool.map(typed, formats))
    pending = [note for _, _, notes in results for note in notes]
    written = {}
    columns = dict(zip(table.column_names, table.columns, strict=True))
    for name, converted, _ in results:
        values = columns[name]
        if converted is None:
            formats[name] = ColumnFormat("text")
            converted = _unprotect(values) if guarded else values
        elif pa.types.is_floating(converted.type) and _whole(converted):
            written[name] = values
        columns[name] = converted
    # One new table from all columns: replacing them one by one costs columns² (each
    # replacement copies the list of columns), 90 s for a sheet 10,000 columns wide.
    arrays = [_naive_time(values) for values in columns.values()]
    table = pa.Table.from_arrays(arrays, names=list(columns))
    table, infinite = _without_infinity(table)
    pending += infinite
    frame = table.to_pandas(types_mapper=_pandas_type, self_destruct=True)
    formats = {**(known or {}), **formats}
    kinds = [fmt for fmt in formats.values() if fmt.kind != "text"]
    currencies = Counter(fmt.currency for fmt in kinds if fmt.currency)
    loaded = LoadedTable(
        frame=frame,
        name=raw.name,
        format=format_,
        decimal=hints.decimal if any(fmt.decimal for fmt in kinds) else None,
        dayfirst=hints.dayfirst,
        currency=currencies.most_common(1)[0][0] if currencies else None,
        formats=formats,
        written=written,
        **found,
    )
    if not pending:
        return loaded
    notes = tuple(
        ReadNote(
            note.key,
            "warning",
            note.source,
            note.params,
            tuple(int(row) for row in loaded.row_numbers(note.positions)),
            note.count,
            note.examples,
        )
        for note in pending
    )
    return replace(loaded, notes=(*loaded.notes, *notes))


@dataclass(frozen=True)
class _Pending:
    """A read note before the rows are numbered: the first ``positions`` of ``count`` rows."""

    key: str
    source: str
    positions: np.ndarray
    count: int
    params: dict[str, Any]
    examples: tuple[str, ...] = ()


def _file_hints(formats: Any, hints: Hints, names: list[str]) -> Hints:
    """The decimal mark and day order that the unambiguous columns agree on, else ``hints``.

    Where no date column is certain of its day order the file's other signals decide: a
    decimal comma, pound or euro amounts, or British, German and Norwegian header words
    (Postcode, Surname, PLZ, Postnummer) mean day first; dollar amounts alone mean month first.
    """
    formats = list(formats)
    decimals = Counter(f.decimal for f in formats if f.certain and f.decimal)
    orders = Counter(f.dayfirst for f in formats if f.certain and f.dayfirst is not None)
    dotted = any(f.family == "dotted" for f in formats)
    decimal = decimals.most_common(1)[0][0] if decimals else hints.decimal
    dayfirst = orders.most_common(1)[0][0] if orders else (True if dotted else hints.dayfirst)
    if dayfirst is None:
        currencies = {f.currency for f in formats if f.currency}
        headers = any(_DAY_FIRST_HEADERS.search(name.casefold()) for name in names)
        if decimal == "," or currencies & {"GBP", "EUR"} or headers:
            dayfirst = True
        elif currencies == {"USD"}:
            dayfirst = False
    return Hints(decimal=decimal, dayfirst=dayfirst)


def _with_pivot(name: str, fmt: ColumnFormat) -> ColumnFormat:
    """A birth-date column's two-digit years pivot at this year: nobody is born in 2060."""
    if fmt.kind != "date" or not _BIRTH_HEADERS.search(name.casefold()):
        return fmt
    pivot = dt.date.today().year % 100
    alternatives = tuple(replace(alt, pivot=pivot) for alt in fmt.alternatives)
    return replace(fmt, pivot=pivot, alternatives=alternatives)


def _date_notes(
    name: str, values: pa.ChunkedArray, dates: pa.ChunkedArray, fmt: ColumnFormat
) -> list[_Pending]:
    """What a converted date column decided without certainty: the day order of ``03/04/2024``
    where no value in the whole column says it, and the century of two-digit years."""
    notes = []
    forms = [fmt, *fmt.alternatives]
    guess = None
    if any(form.family in ("slash", "dash") and not form.certain for form in forms):
        guess = guessed_day_order(values, dates)
    if guess is not None:
        positions, params = guess
        notes.append(
            _Pending(
                "read_note.values.day_order",
                name,
                positions[:_LISTED],
                len(positions),
                dict(params),
                (str(params["example"]),),
            )
        )
    pivots = {form.pivot for form in forms if "%y" in (form.date_format or "")}
    if pivots:
        pivot = pivots.pop()
        short = pc.match_substring_regex(values, r"^\s*\d{1,2}[./-]\d{1,2}[./-]\d{2}(?:\D|$)")
        positions = pc.indices_nonzero(pc.fill_null(short, False)).to_numpy()
        if len(positions):
            when = dates[int(positions[0])].as_py()
            example = values[int(positions[0])].as_py().strip()
            params = {
                "pivot": f"{pivot:02d}",
                "after": f"{(pivot + 1) % 100:02d}",
                "example": example,
                "year": when.year,
            }
            notes.append(
                _Pending(
                    "read_note.values.two_digit_year",
                    name,
                    positions[:_LISTED],
                    len(positions),
                    params,
                    (example,),
                )
            )
    return notes


def _whole(numbers: pa.ChunkedArray) -> bool:
    """Every number whole (``1.0``): the column may be ids that a tool wrote as floats."""
    return pc.all(pc.equal(pc.floor(numbers), numbers)).as_py() is not False


def _without_infinity(table: pa.Table) -> tuple[pa.Table, list[_Pending]]:
    """Number columns without infinity (a JSON or Parquet file's ``inf``, a CSV's ``1e309``
    that overflowed): such values become missing, with a note naming their rows, so that no
    total becomes infinite."""
    notes = []
    for index, column in enumerate(table.columns):
        if not pa.types.is_floating(column.type):
            continue
        infinite = pc.fill_null(pc.is_inf(column), False)
        if not pc.any(infinite).as_py():
            continue
        positions = pc.indices_nonzero(infinite).to_numpy()
        cleaned = pc.if_else(infinite, pa.scalar(None, column.type), column)
        table = table.set_column(index, table.field(index).name, cleaned)
        shown = tuple(dict.fromkeys(str(v) for v in column.take(positions[:_LISTED]).to_pylist()))
        notes.append(
            _Pending(
                "read_note.values.not_finite",
                table.column_names[index],
                positions[:_LISTED],
                len(positions),
                {},
                shown,
            )
        )
    return table, notes


def _drop_empty_unnamed(table: pa.Table) -> pa.Table:
    """Excel writes a trailing ``;`` on every line for an empty last column: drop such columns."""
    rows = table.num_rows
    keep = [
        index
        for index, (name, column) in enumerate(zip(table.column_names, table.columns, strict=True))
        if not (_UNNAMED.fullmatch(name) and column.null_count == rows)
    ]
    return table.select(keep) if len(keep) < table.num_columns else table


def _large_strings(table: pa.Table) -> pa.Table:
    """Text columns as ``large_string``, the type pandas keeps its ``str`` columns in (so the
    hand-over to pandas needs no cast); the CSV reader produces it directly."""
    if not any(pa.types.is_string(kind) for kind in table.schema.types):
        return table
    arrays = [
        column.cast(pa.large_string()) if pa.types.is_string(column.type) else column
        for column in table.columns
    ]
    return pa.Table.from_arrays(arrays, names=table.column_names)


def _unprotect(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Remove the apostrophe that marks a CSV cell as text (see :data:`_GUARDED`): the one
    :func:`~kundenmodell.io.to_csv_bytes` puts before formulas and the one exports put before
    digits and ``+`` (``'70173`` → ``70173``). A doubled apostrophe loses one.

    Only for CSV: Excel never writes such an apostrophe into a cell of a workbook (it keeps it
    as a format, not as text).
    """
    if not pa.types.is_large_string(values.type):
        return values
    if not pc.any(pc.starts_with(values, "'")).as_py():
        return values
    return pc.replace_substring_regex(values, _GUARDED, r"\1")


def _pandas_type(arrow_type: pa.DataType) -> Any:
    if pa.types.is_integer(arrow_type):
        return pd.Int64Dtype()
    return None


def _naive_time(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """A timestamp column as naive microseconds, pandas' ``datetime64[us]`` (time zones keep
    their wall-clock time); done in Arrow, column by column in pandas costs columns²."""
    kind = values.type
    if not pa.types.is_timestamp(kind) or (kind.unit == "us" and kind.tz is None):
        return values
    if kind.tz is not None:
        values = pc.local_timestamp(values)
    return values.cast(pa.timestamp("us"), safe=False)
