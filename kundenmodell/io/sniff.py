"""Sniffing a text table: its encoding, its delimiter and where its header is.

Only the head of the file is looked at (``HEAD_BYTES``, more when a line is longer than that;
old Mac files' bare ``\\r`` line ends become ``\\n``); the full read is pyarrow's. The rules
follow what spreadsheets really write: German Excel saves ``;``-separated cp1252 or UTF-8 with a
byte order mark, "Unicode text" is tab-separated UTF-16 with a BOM, English tools write ``,``.
"""

from __future__ import annotations

import codecs
import csv
import io as _io
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from kundenmodell.errors import DataError
from kundenmodell.io.source import HEAD_BYTES

DELIMITERS = (";", ",", "\t", "|")
SNIFF_RECORDS = 200
_PREAMBLE_LINES = 10
_HEAD_LINES = 4

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_VALUE_LIKE = re.compile(
    r"^\s*(?:[+-]?[\d.,' ]*\d[\d.,' ]*(?:[eE][+-]?\d+)?"  # a number
    r"|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}.*"  # a date
    r"|[^@\s]+@[^@\s]+\.[^@\s]+)\s*$"  # an e-mail address
)


@dataclass(frozen=True)
class Decoded:
    """A text file as UTF-8 bytes for pyarrow, its head as text, and the encoding found."""

    encoding: str
    body: bytes | memoryview
    head: str
    found: dict[tuple[bytes, int], bool] = field(default_factory=dict, compare=False, repr=False)

    def contains(self, byte: bytes, start: int = 0) -> bool:
        """Whether the body contains ``byte`` from ``start`` on (vectorised over the file; each
        question is answered once, several steps of the reading ask it)."""
        key = (byte, start)
        if key not in self.found:
            body = self.body if isinstance(self.body, bytes) else self.body.obj  # bytes or mmap
            self.found[key] = body.find(byte, start) >= 0
        return self.found[key]


def decode(data: bytes | memoryview) -> Decoded:
    """Find the encoding of ``data`` and return its UTF-8 bytes (without BOM) and its head.

    Order: byte order marks (UTF-8/16/32), UTF-16 without BOM (every other byte zero), strict
    UTF-8 on the head (the rest is checked by pyarrow while parsing; see :func:`recode_cp1252`),
    then Windows-1252, which covers Latin-1 and is what German Excel writes as "CSV".
    """
    head = _head(data)
    truncated = len(data) > len(head)
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            if encoding != "utf-8-sig":
                return _recode(data, encoding)
            text = _utf8_head(head[len(bom) :])
            if text is None:
                raise DataError("error.io.undecodable")
            body = memoryview(data)[len(bom) :]
            return _line_feeds(Decoded(encoding, body, _cut(text, truncated)))
    sniff = head[:4096]
    if len(sniff) >= 4 and sniff.count(0) >= len(sniff) // 3:
        odd_zero = sniff[1::2].count(0) > sniff[0::2].count(0)
        return _recode(data, "utf-16-le" if odd_zero else "utf-16-be")
    if b"\x00" in head:
        raise DataError("error.io.binary_file")
    text = _utf8_head(head)
    if text is None:
        return recode_cp1252(data)
    return _line_feeds(Decoded("utf-8", data, _cut(text, truncated)))


def _head(data: Any) -> Any:
    """The first ``HEAD_BYTES`` of ``data``, or more when they hold fewer than
    ``_HEAD_LINES`` line ends: a header line can be longer than the head (10,000 columns)."""
    size = HEAD_BYTES
    head = _prefix(data, size)
    while size < len(data) and _line_ends(head) < _HEAD_LINES:
        size *= 4
        head = _prefix(data, size)
    return head


def _prefix(data: Any, size: int) -> Any:
    """The first ``size`` bytes (as ``bytes``) or characters of ``data``."""
    return data[:size] if isinstance(data, str) else bytes(data[:size])


def _line_ends(head: str | bytes) -> int:
    r"""How many ``\n`` and ``\r`` ``head`` holds (a ``\r\n`` counts twice: a bound only)."""
    if isinstance(head, str):
        return head.count("\n") + head.count("\r")
    return head.count(b"\n") + head.count(b"\r")


def _line_feeds(decoded: Decoded) -> Decoded:
    """Old Mac files end their lines with a bare ``\\r``: those become ``\\n``, the line end that
    the line counting and the parser rely on (``\\r\\n`` files stay as they are)."""
    if "\r" not in decoded.head or "\n" in decoded.head:
        return decoded
    body = bytes(decoded.body).replace(b"\r", b"\n")
    return Decoded(decoded.encoding, body, decoded.head.replace("\r", "\n"))


def recode_cp1252(data: bytes | memoryview) -> Decoded:
    """``data`` read as Windows-1252 (German Excel's "CSV (Trennzeichen-getrennt)")."""
    return _recode(data, "cp1252")


def _recode(data: bytes | memoryview, encoding: str) -> Decoded:
    try:
        text = codecs.decode(data, encoding)
    except UnicodeDecodeError:
        raise DataError("error.io.undecodable") from None
    text = text.removeprefix("\ufeff")
    head = _head(text)
    _check_text(head)
    return _line_feeds(Decoded(encoding, text.encode("utf-8"), _cut(head, len(text) > len(head))))


def _utf8_head(head: bytes) -> str | None:
    """The head as UTF-8 text (a character cut at the end is fine), or None if it is not."""
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return None
    _check_text(text)
    return text


def _cut(text: str, truncated: bool) -> str:
    """The head up to its last complete line (when the file goes on after it)."""
    if not truncated:
        return text
    end = max(text.rfind("\n"), text.rfind("\r"))
    return text[: end + 1] if end > 0 else text


def _check_text(text: str) -> None:
    """Text with many control characters is a binary file renamed to ``.csv``."""
    if len(_CONTROL.findall(text[:8192])) > max(2, len(text[:8192]) // 100):
        raise DataError("error.io.binary_file")


@dataclass(frozen=True)
class Layout:
    """Where the table sits in a text file.

    ``header`` are the column names as written. ``header_line`` is the physical line (1-based)
    the header starts on and ``skip_lines`` the one it ends on, so the data starts on line
    ``skip_lines + 1``; ``offset`` and ``data_offset`` are the byte positions of those two lines
    in the UTF-8 body. ``preamble`` are the non-blank lines above the header (line number and
    text): a title such as "Kundenliste Stand 31.12.2024" or the group labels of a two-row
    header, which are not data. ``rows`` are the sniffed records below the header.
    """

    delimiter: str
    header: tuple[str, ...]
    skip_lines: int
    rows: tuple[tuple[str, ...], ...] = ()
    header_line: int = 1
    offset: int = 0
    data_offset: int = 0
    preamble: tuple[tuple[int, str], ...] = ()

    def columns(self) -> list[list[str]]:
        """The non-blank values (stripped) of each header column in the sniffed rows, in one
        pass over the rows (column by column would cost columns × rows for each column)."""
        width = len(self.header)
        found: list[list[str]] = [[] for _ in range(width)]
        for row in self.rows:
            for values, cell in zip(found, row[:width], strict=False):
                cell = cell.strip()
                if cell:
                    values.append(cell)
        return found


@dataclass(frozen=True)
class _Scan:
    """The non-blank records of a head split with one delimiter, with the physical line each
    starts and ends on (1-based)."""

    records: list[list[str]]
    starts: list[int]
    ends: list[int]


def sniff_layout(head: str, header_row: int | None = None) -> Layout:
    """Delimiter and header of a text table, from its head.

    For each candidate delimiter the first records are split with :mod:`csv` (quotes respected);
    the winner gives more than one field with the same count in at least 90 % of the records,
    the most fields among those. Leading records with at most one filled cell are a title; a
    sparse row over a full row of distinct names is a group row over the real header (see
    :func:`_group_row`). ``header_row`` (the physical line number, 1-based) overrides that
    choice: the user said where the header is.
    """
    lines = list(_io.StringIO(head, newline=""))
    offsets = [0, *accumulate(len(line.encode("utf-8")) for line in lines)]
    best: tuple[tuple[bool, bool, int, float], str, _Scan] | None = None
    for delimiter in DELIMITERS:
        scan = _records(lines, delimiter)
        if not scan.records:
            continue
        score = _score([len(record) for record in scan.records])
        if best is None or score > best[0]:
            best = (score, delimiter, scan)
    if best is None:
        raise DataError("error.io.empty_file")
    (has_columns, _, mode, _), delimiter, scan = best
    records = scan.records
    if not has_columns:
        raise DataError("error.io.single_column", column=_short(records[0][0]))
    if header_row is None:
        start = header_index(records, mode)
        check_header(records[start])
    else:
        start = next((i for i, line in enumerate(scan.starts) if line >= header_row), None)
        if start is None:
            raise DataError("error.io.no_rows")
    preamble = tuple(
        (scan.starts[index], " ".join(cell.strip() for cell in record if cell.strip()))
        for index, record in enumerate(records[:start])
    )
    return Layout(
        delimiter,
        tuple(records[start]),
        scan.ends[start],
        tuple(map(tuple, records[start + 1 :])),
        header_line=scan.starts[start],
        offset=offsets[scan.starts[start] - 1],
        data_offset=offsets[scan.ends[start]],
        preamble=preamble,
    )


def _score(counts: list[int]) -> tuple[bool, bool, int, float]:
    """How well a delimiter splits records with ``counts`` fields: whether it gives columns,
    whether 90 % of the table's records have the same count, that count and its share.

    The table runs up to the last record with the most common count above one; records below
    it with fewer fields are a footer, so a report whose footer lines outnumber its few data
    lines still has columns.
    """
    several = Counter(count for count in counts if count > 1)
    if not several:
        return (False, False, 1, 1.0)
    mode, frequency = max(several.items(), key=lambda item: (item[1], item[0]))
    first = counts.index(mode)
    last = len(counts) - 1 - counts[::-1].index(mode)
    share = frequency / (last + 1)
    footer = all(count < mode for count in counts[last + 1 :])
    framed = first <= _PREAMBLE_LINES and footer and frequency >= 2
    columns = frequency * 2 >= len(counts) or framed
    return (columns, share >= 0.9, mode, share)


def _records(lines: list[str], delimiter: str) -> _Scan:
    """Non-empty records of the head's lines and the physical lines each spans."""
    csv.field_size_limit(max(csv.field_size_limit(), sum(map(len, lines)) + 1))
    reader = csv.reader(iter(lines), delimiter=delimiter, strict=False)
    scan = _Scan([], [], [])
    previous = 0
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                scan.records.append(record)
                scan.starts.append(previous + 1)
                scan.ends.append(reader.line_num)
            previous = reader.line_num
            if len(scan.records) >= SNIFF_RECORDS:
                break
    except csv.Error:
        pass
    return scan


def _filled(record: list[str]) -> int:
    return sum(bool(cell.strip()) for cell in record)


def header_index(records: list[list[str]], mode: int) -> int:
    """The record that holds the column names: the first with more than one filled cell,
    moved down over title and group rows (:func:`_group_row`) to the next such record."""
    several = [index for index, record in enumerate(records) if _filled(record) > 1]
    if not several or several[0] >= _PREAMBLE_LINES:
        return 0
    start = several[0]
    for lower in several[1:]:
        if lower > _PREAMBLE_LINES or lower + 1 >= len(records):
            break
        if not _group_row(records[start], records[lower], records[lower + 1 :], mode):
            break
        start = lower
    return start


def _group_row(upper: list[str], lower: list[str], below: list[list[str]], mode: int) -> bool:
    """Whether ``upper`` is a title or a row of group labels over the header ``lower``.

    ``upper`` is sparse (at most half its cells filled, or fewer fields than the table has),
    ``lower`` is fuller, its names are distinct and none looks like a value, and in at least
    one column ``lower`` holds a name over values (numbers, dates, e-mail addresses) — what a
    header does and a data row of text does not.
    """
    names = [cell.strip() for cell in lower if cell.strip()]
    if len(lower) < mode or len(names) <= _filled(upper) or len(names) * 2 <= len(lower):
        return False
    if _filled(upper) * 2 > len(upper) and len(upper) >= mode:
        return False
    if len(set(names)) < len(names) or any(_VALUE_LIKE.match(name) for name in names):
        return False
    for index, name in enumerate(lower):
        values = [row[index].strip() for row in below[:50] if index < len(row)]
        values = [value for value in values if value]
        value_like = sum(bool(_VALUE_LIKE.match(value)) for value in values)
        if name.strip() and values and value_like * 5 >= len(values) * 4:
            return True
    return False


def check_header(header: tuple[str, ...] | list[str]) -> None:
    """Raise ``error.io.no_header`` when the first row holds values rather than names."""
    cells = [str(cell).strip() for cell in header]
    filled = [cell for cell in cells if cell]
    if not filled:
        raise DataError("error.io.no_header")
    value_like = sum(bool(_VALUE_LIKE.match(cell)) for cell in filled)
    emails = sum("@" in cell and bool(_VALUE_LIKE.match(cell)) for cell in filled)
    if emails or value_like * 2 >= len(filled) + (len(filled) == 1):
        raise DataError("error.io.no_header")


def _short(text: str, length: int = 40) -> str:
    text = text.strip()
    return text if len(text) <= length else text[: length - 1] + "…"
