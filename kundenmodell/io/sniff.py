"""Sniffing a text table: its encoding, its delimiter and where its header is.

Only the head of the file is looked at (``HEAD_BYTES``); the full read is pyarrow's. The rules
follow what spreadsheets really write: German Excel saves ``;``-separated cp1252 or UTF-8 with a
byte order mark, "Unicode text" is tab-separated UTF-16 with a BOM, English tools write ``,``.
"""

from __future__ import annotations

import codecs
import csv
import io as _io
import re
from collections import Counter
from dataclasses import dataclass

from kundenmodell.errors import DataError
from kundenmodell.io.source import HEAD_BYTES

DELIMITERS = (";", ",", "\t", "|")
SNIFF_RECORDS = 200
_PREAMBLE_LINES = 10

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

    def contains(self, byte: bytes) -> bool:
        """Whether the body contains ``byte`` anywhere (vectorised over the whole file)."""
        if isinstance(self.body, bytes):
            return byte in self.body
        return self.body.obj.find(byte) >= 0  # the bytes or mmap under the view: memchr speed


def decode(data: bytes | memoryview) -> Decoded:
    """Find the encoding of ``data`` and return its UTF-8 bytes (without BOM) and its head.

    Order: byte order marks (UTF-8/16/32), UTF-16 without BOM (every other byte zero), strict
    UTF-8 on the head (the rest is checked by pyarrow while parsing; see :func:`recode_cp1252`),
    then Windows-1252, which covers Latin-1 and is what German Excel writes as "CSV".
    """
    head = bytes(data[:HEAD_BYTES])
    truncated = len(data) > HEAD_BYTES
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            if encoding != "utf-8-sig":
                return _recode(data, encoding)
            text = _utf8_head(head[len(bom) :])
            if text is None:
                raise DataError("error.io.undecodable")
            return Decoded(encoding, memoryview(data)[len(bom) :], _cut(text, truncated))
    sniff = head[:4096]
    if len(sniff) >= 4 and sniff.count(0) >= len(sniff) // 3:
        odd_zero = sniff[1::2].count(0) > sniff[0::2].count(0)
        return _recode(data, "utf-16-le" if odd_zero else "utf-16-be")
    if b"\x00" in head:
        raise DataError("error.io.binary_file")
    text = _utf8_head(head)
    if text is None:
        return recode_cp1252(data)
    return Decoded("utf-8", data, _cut(text, truncated))


def recode_cp1252(data: bytes | memoryview) -> Decoded:
    """``data`` read as Windows-1252 (German Excel's "CSV (Trennzeichen-getrennt)")."""
    return _recode(data, "cp1252")


def _recode(data: bytes | memoryview, encoding: str) -> Decoded:
    try:
        text = codecs.decode(data, encoding)
    except UnicodeDecodeError:
        raise DataError("error.io.undecodable") from None
    text = text.removeprefix("\ufeff")
    _check_text(text[:HEAD_BYTES])
    return Decoded(encoding, text.encode("utf-8"), _cut(text[:HEAD_BYTES], len(text) > HEAD_BYTES))


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
    end = text.rfind("\n")
    return text[: end + 1] if end > 0 else text


def _check_text(text: str) -> None:
    """Text with many control characters is a binary file renamed to ``.csv``."""
    if len(_CONTROL.findall(text[:8192])) > max(2, len(text[:8192]) // 100):
        raise DataError("error.io.binary_file")


@dataclass(frozen=True)
class Layout:
    """Where the table sits in a text file.

    ``header`` are the column names as written, ``skip_lines`` the physical lines up to and
    including the header: a preamble such as a title line "Kundenliste Stand 31.12.2024" (one
    filled cell per line) is skipped.
    """

    delimiter: str
    header: tuple[str, ...]
    skip_lines: int
    rows: tuple[tuple[str, ...], ...] = ()

    def column(self, index: int) -> list[str]:
        """The non-blank values of column ``index`` in the sniffed rows (stripped)."""
        cells = (row[index].strip() for row in self.rows if index < len(row))
        return [cell for cell in cells if cell]


def sniff_layout(head: str) -> Layout:
    """Delimiter and header of a text table, from its head.

    For each candidate delimiter the first records are split with :mod:`csv` (quotes respected);
    the winner gives more than one field with the same count in at least 90 % of the records,
    the most fields among those. Leading records with at most one filled cell are a preamble.
    """
    best: tuple[tuple[bool, bool, int, float], str, list[list[str]], list[int]] | None = None
    for delimiter in DELIMITERS:
        records, lines = _records(head, delimiter)
        if not records:
            raise DataError("error.io.empty_file")
        counts = [len(record) for record in records]
        mode, frequency = Counter(counts).most_common(1)[0]
        share = frequency / len(counts)
        score = (mode > 1, share >= 0.9, mode, share)
        if best is None or score > best[0]:
            best = (score, delimiter, records, lines)
    assert best is not None
    (has_columns, _, mode, _), delimiter, records, lines = best
    if not has_columns:
        raise DataError("error.io.single_column", column=_short(records[0][0]))
    start = next(
        (
            index
            for index, record in enumerate(records[:_PREAMBLE_LINES])
            if sum(bool(cell.strip()) for cell in record) > 1
        ),
        0,
    )
    header = tuple(records[start])
    check_header(header)
    return Layout(delimiter, header, lines[start], tuple(map(tuple, records[start + 1 :])))


def _records(head: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """Non-empty records of the head and the physical line on which each ends."""
    reader = csv.reader(_io.StringIO(head), delimiter=delimiter, strict=False)
    records: list[list[str]] = []
    lines: list[int] = []
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                records.append(record)
                lines.append(reader.line_num)
            if len(records) >= SNIFF_RECORDS:
                break
    except csv.Error:
        pass
    return records, lines


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
