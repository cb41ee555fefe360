"""``load_table``: any supported customer file into a typed pandas DataFrame.

The steps are the same for every format: get the bytes within the size limit
(:mod:`~kundenmodell.io.source`), decide the kind of file from its content, parse it into an
Arrow table (pyarrow's multi-threaded CSV and JSON readers, its Parquet reader, openpyxl for
Excel), then convert each text column whose every value is a number or a date
(:mod:`~kundenmodell.io.parse`) and hand the table to pandas once. Every way a file can be wrong
ends in a :class:`~kundenmodell.DataError` with an ``error.io.*`` key.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json
import pyarrow.parquet as pq

from kundenmodell.errors import DataError
from kundenmodell.io import excel
from kundenmodell.io.parse import (
    ColumnFormat,
    Hints,
    convert_lossless,
    infer_format,
    sample,
    with_hints,
)
from kundenmodell.io.sniff import Decoded, Layout, decode, recode_cp1252, sniff_layout
from kundenmodell.io.source import DEFAULT_MAX_BYTES, RawFile, detect_format, read_source

_GUARDED = r"^'([=+\-@\t\r'])"
_BLOCK_SIZE = 4 << 20


@dataclass(frozen=True)
class LoadedTable:
    """A file read into a DataFrame, with what was found out about it on the way.

    ``first_row`` is the spreadsheet row number of the first data row (2 when the header is
    row 1), so row ``i`` of ``frame`` is row ``first_row + i`` in the user's spreadsheet.
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

    def row_numbers(self, positions: np.ndarray | list[int]) -> np.ndarray:
        """Spreadsheet row numbers of frame positions."""
        return np.asarray(positions, dtype=np.int64) + self.first_row


def load_table(
    source: Any, *, sheet: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> pd.DataFrame:
    """Read a customer or purchase file into a DataFrame with typed columns.

    ``source`` is a path, ``bytes`` or a file-like object such as Streamlit's ``UploadedFile``;
    CSV/TSV/TXT (any of ``;`` ``,`` tab ``|``; UTF-8 with or without BOM, Windows-1252, UTF-16),
    Excel ``.xlsx`` (``sheet`` names the worksheet when there are several), Parquet and JSON
    lines are read. Number and date columns are converted when every value parses; anything
    else stays text. See :func:`read_table` for what is learned about the file on the way.
    """
    return read_table(source, sheet=sheet, max_bytes=max_bytes).frame


def read_table(
    source: Any, *, sheet: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> LoadedTable:
    """Like :func:`load_table`, but also returns encoding, delimiter, sheet and formats found."""
    raw = read_source(source, max_bytes=max_bytes)
    kind = detect_format(raw)
    if kind == "xlsx":
        return _read_excel(raw, sheet)
    if kind == "parquet":
        return _finish(_read_parquet(raw.data), raw, "parquet", Hints())
    if kind == "json":
        return _finish(_read_json(raw.data), raw, "json", Hints())
    return _read_text(raw)


def sheet_names(source: Any, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[str]:
    """The worksheets with data of an Excel file; an empty list for every other format."""
    raw = read_source(source, max_bytes=max_bytes)
    return excel.sheet_names(raw.data) if detect_format(raw) == "xlsx" else []


# --- text ---------------------------------------------------------------------------------------


def _read_text(raw: RawFile) -> LoadedTable:
    decoded = decode(raw.data)
    layout = sniff_layout(decoded.head)
    hints = Hints(
        decimal="," if layout.delimiter == ";" else "." if layout.delimiter == "," else None,
        dayfirst=True if layout.delimiter == ";" else None,
    )
    numbers = _decimal_columns(layout, hints)
    try:
        table = _parse_text(decoded, layout, numbers)
    except _NotUtf8Error:
        decoded = recode_cp1252(raw.data)
        table = _parse_text(decoded, layout, numbers)
    if table.num_rows == 0:
        raise DataError("error.io.no_rows")
    known = {name: fmt for name, fmt in numbers.items() if name in table.column_names}
    known = {name: fmt for name, fmt in known.items() if pa.types.is_floating(table[name].type)}
    return _finish(
        table,
        raw,
        "csv",
        hints,
        guarded=decoded.contains(b"'"),
        known=known,
        encoding=decoded.encoding,
        delimiter=layout.delimiter,
        first_row=layout.skip_lines + 1,
    )


def _decimal_columns(layout: Layout, hints: Hints) -> dict[str, ColumnFormat]:
    """Columns whose sniffed values are plain decimals (``12,5``: no thousands mark, no
    currency), which pyarrow can parse directly with the file's decimal mark."""
    found: dict[str, ColumnFormat] = {}
    counts = Counter(layout.header)
    for index, name in enumerate(layout.header):
        values = layout.column(index)
        fmt = infer_format(values, hints)
        if counts[name] > 1 or fmt.kind != "number" or not fmt.certain or fmt.currency:
            continue
        others = "." if fmt.decimal == "," else ","
        if any(others in value or " " in value or "e" in value.lower() for value in values):
            continue
        found[name] = fmt
    decimals = Counter(fmt.decimal for fmt in found.values())
    if not decimals:
        return {}
    decimal = decimals.most_common(1)[0][0]
    return {name: fmt for name, fmt in found.items() if fmt.decimal == decimal}


def _parse_text(decoded: Decoded, layout: Layout, numbers: dict[str, ColumnFormat]) -> pa.Table:
    """One pass with the decimal columns parsed by pyarrow; if a later value does not fit
    (a thousands mark, a note in a number column), everything is read as text instead."""
    if numbers:
        try:
            return _parse_csv(decoded, layout, numbers)
        except _NotANumberError:
            pass
    return _parse_csv(decoded, layout, {})


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


def _parse_csv(decoded: Decoded, layout: Layout, numbers: dict[str, ColumnFormat]) -> pa.Table:
    """pyarrow's CSV reader with every column as text (nothing is lost before typing), but for
    the ``numbers`` columns, which are parsed as decimals with their decimal mark."""
    bad_rows: list[Any] = []

    def on_bad_row(row: Any) -> str:
        bad_rows.append(row)
        return "skip"

    quoted = decoded.contains(b'"')
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(pa.py_buffer(decoded.body)),
            read_options=pa_csv.ReadOptions(
                skip_rows=layout.skip_lines - 1, block_size=_BLOCK_SIZE
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
    position = body.find(text.encode("utf-8")) if text else -1
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
    if body.lstrip().startswith(b"["):
        try:
            records = json.loads(body)
        except json.JSONDecodeError as error:
            raise DataError("error.io.bad_json", line=error.lineno) from error
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise DataError("error.io.bad_json", line=1)
        return _records_table(records)
    try:
        table = pa_json.read_json(pa.BufferReader(body))
    except pa.ArrowInvalid:
        return _records_table(_json_lines(body))
    return _flatten(table)


def _json_lines(body: bytes) -> list[dict]:
    records = []
    for number, line in enumerate(body.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise DataError("error.io.bad_json", line=number) from error
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
    if isinstance(value, float) and value.is_integer():
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
            text = pa.array(
                [None if value is None else json.dumps(value) for value in column.to_pylist()],
                pa.string(),
            )
            table = table.set_column(index, table.field(index).name, text)
    return table


# --- excel --------------------------------------------------------------------------------------


def _read_excel(raw: RawFile, sheet: str | None, header_row: int | None = None) -> LoadedTable:
    found = excel.read_sheet(raw.data, sheet, header_row)
    names = _unique_names(found.header)
    arrays = [_excel_column(values) for values in found.columns]
    table = pa.table(dict(zip(names, arrays, strict=True)))
    return _finish(
        table,
        raw,
        "xlsx",
        Hints(),
        sheet=found.name,
        sheets=found.sheets,
        first_row=found.first_row,
    )


def _excel_column(values: list[Any]) -> pa.Array:
    present = [value for value in values if value is not None]
    if present and all(isinstance(v, dt.datetime | dt.date) for v in present):
        return pa.array([_timestamp(v) for v in values], pa.timestamp("us"))
    if present and all(isinstance(v, bool) for v in present):
        return pa.array(values, pa.bool_())
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        if all(float(v).is_integer() for v in present):
            return pa.array([None if v is None else int(v) for v in values], pa.int64())
        return pa.array(values, pa.float64())
    return pa.array([None if v is None else _cell_text(v) for v in values], pa.string())


def _timestamp(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return dt.datetime(value.year, value.month, value.day)


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
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
    hints = _file_hints([*first.values(), *(known or {}).values()], hints)
    formats = {name: with_hints(first[name], samples[name], hints) for name in samples}

    def typed(name: str) -> tuple[str, pa.ChunkedArray | None]:
        values = table.column(name)
        converted = convert_lossless(values, formats[name])
        return name, converted if converted is not None else None

    # Arrow's kernels release the GIL: the columns are typed side by side on all cores.
    with ThreadPoolExecutor(max_workers=min(pa.cpu_count(), max(len(formats), 1))) as pool:
        results = list(pool.map(typed, formats))
    for name, converted in results:
        if converted is None:
            formats[name] = ColumnFormat("text")
            values = table.column(name)
            converted = _unprotect(values) if guarded else values
        table = table.set_column(table.column_names.index(name), name, converted)
    frame = table.to_pandas(types_mapper=_pandas_type, self_destruct=True)
    frame = _normalise_times(frame)
    formats = {**(known or {}), **formats}
    kinds = [fmt for fmt in formats.values() if fmt.kind != "text"]
    currencies = Counter(fmt.currency for fmt in kinds if fmt.currency)
    return LoadedTable(
        frame=frame,
        name=raw.name,
        format=format_,
        decimal=hints.decimal if any(fmt.decimal for fmt in kinds) else None,
        dayfirst=hints.dayfirst,
        currency=currencies.most_common(1)[0][0] if currencies else None,
        formats=formats,
        **found,
    )


def _file_hints(formats: Any, hints: Hints) -> Hints:
    """The decimal mark and day order that the unambiguous columns agree on, else ``hints``."""
    formats = list(formats)
    decimals = Counter(f.decimal for f in formats if f.certain and f.decimal)
    orders = Counter(f.dayfirst for f in formats if f.certain and f.dayfirst is not None)
    dotted = any(f.family == "dotted" for f in formats)
    decimal = decimals.most_common(1)[0][0] if decimals else hints.decimal
    dayfirst = orders.most_common(1)[0][0] if orders else (True if dotted else hints.dayfirst)
    if dayfirst is None and decimal == ",":
        dayfirst = True
    return Hints(decimal=decimal, dayfirst=dayfirst)


def _drop_empty_unnamed(table: pa.Table) -> pa.Table:
    """Excel writes a trailing ``;`` on every line for an empty last column: drop such columns."""
    keep = [
        index
        for index, name in enumerate(table.column_names)
        if not (re.fullmatch(r"column \d+|", name) and table.column(index).null_count == len(table))
    ]
    return table.select(keep) if len(keep) < table.num_columns else table


def _large_strings(table: pa.Table) -> pa.Table:
    """Text columns as ``large_string``, the type pandas keeps its ``str`` columns in (so the
    hand-over to pandas needs no cast); the CSV reader produces it directly."""
    for index, column in enumerate(table.columns):
        if pa.types.is_string(column.type):
            table = table.set_column(index, table.field(index).name, column.cast(pa.large_string()))
    return table


def _unprotect(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Remove the apostrophe that :func:`~kundenmodell.io.to_csv_bytes` puts before formulas.

    Only for CSV, the format whose export guards cells; Excel never writes such an apostrophe
    into a CSV cell (it keeps it as a format, not as text).
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


def _normalise_times(frame: pd.DataFrame) -> pd.DataFrame:
    """Every date column as naive ``datetime64[us]`` (time zones keep their wall-clock time)."""
    for name in frame.columns:
        values = frame[name]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            frame[name] = values.dt.tz_localize(None)
        if pd.api.types.is_datetime64_any_dtype(frame[name]):
            frame[name] = frame[name].astype("datetime64[us]")
    return frame
