"""The bytes of an upload, whatever it came as, and what kind of file they are.

A source is a path, ``bytes`` or a file-like object (a Streamlit ``UploadedFile`` is one). The
size limit is checked before anything is read into memory where the size is known. The file kind
is decided from the content first (magic numbers) and the extension second, because real exports
lie: a CRM's "Excel export" is often a tab-separated text or an HTML table with an ``.xls`` name.
"""

from __future__ import annotations

import io as _io
import math
import mmap
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from kundenmodell.errors import DataError

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
"""Default upload limit (200 MB, as Streamlit's ``server.maxUploadSize``)."""
HEAD_BYTES = 256 * 1024

Format = Literal["text", "json", "xlsx", "parquet"]
"""``"xlsx"`` stands for every spreadsheet workbook: .xlsx/.xlsm/.xlsb, .xls and .ods."""

TEXT_EXTENSIONS = frozenset({"csv", "tsv", "txt", "tab", "dat", "prn"})
JSON_EXTENSIONS = frozenset({"jsonl", "ndjson", "json"})
EXCEL_EXTENSIONS = frozenset({"xlsx", "xlsm", "xlsb", "xls", "ods"})
PARQUET_EXTENSIONS = frozenset({"parquet", "pq"})
SUPPORTED_EXTENSIONS = TEXT_EXTENSIONS | JSON_EXTENSIONS | EXCEL_EXTENSIONS | PARQUET_EXTENSIONS
"""Extensions :func:`read_source` accepts (an ``.xls`` may also be the text or web page a CRM
saved under that name: the content decides)."""

_BINARY_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"%PDF",
    b"\x7fELF",
    b"II*\x00",
    b"MM\x00*",
    b"RIFF",
    b"OggS",
    b"ID3",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ",
    b"{\\rtf",
)
_ARCHIVE_MAGIC = (b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07")
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PARQUET_MAGIC = b"PAR1"
_ZIP_MAGIC = b"PK\x03\x04"
_BLANK = b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"


@dataclass(frozen=True)
class RawFile:
    """An upload's bytes and its file name (empty when the source had none).

    ``data`` is ``bytes`` or, for a file on disk, a memory-mapped ``memoryview`` that pyarrow
    parses without a copy; :attr:`head` is the start of it as ``bytes`` for sniffing.
    """

    data: bytes | memoryview
    name: str = ""

    @property
    def head(self) -> bytes:
        """The first 256 KiB."""
        return bytes(self.data[:HEAD_BYTES])

    @property
    def extension(self) -> str:
        """The lower-case extension without the dot (``""`` without one)."""
        return Path(self.name).suffix.lower().lstrip(".")


def _megabytes(size: int) -> int:
    return max(1, math.ceil(size / 1024 / 1024))


def _check_size(size: int | None, max_bytes: int) -> None:
    if size is not None and size > max_bytes:
        raise DataError("error.io.too_large", size=_megabytes(size), limit=_megabytes(max_bytes))


def read_source(source: Any, *, max_bytes: int = DEFAULT_MAX_BYTES) -> RawFile:
    """The bytes and name of ``source`` (path, bytes or file-like), within ``max_bytes``."""
    if isinstance(source, RawFile):
        _check_size(len(source.data), max_bytes)
        return source
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        size = path.stat().st_size
        _check_size(size, max_bytes)
        if size == 0:
            return RawFile(b"", path.name)
        with path.open("rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        return RawFile(memoryview(mapped), path.name)
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        _check_size(len(data), max_bytes)
        return RawFile(data)
    if hasattr(source, "read"):
        _check_size(getattr(source, "size", None), max_bytes)
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(max_bytes + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
        _check_size(len(data), max_bytes)
        return RawFile(bytes(data), Path(str(getattr(source, "name", "") or "")).name)
    raise TypeError(f"cannot read a table from {type(source).__name__}")


def detect_format(raw: RawFile) -> Format:
    """What kind of table ``raw`` holds, or the :class:`DataError` that explains why none.

    Content wins over the extension for the formats with a signature (workbooks, parquet,
    encrypted workbooks, images and archives); text is read as CSV/TSV or JSON.
    """
    data, extension = raw.head, raw.extension
    if extension and extension not in SUPPORTED_EXTENSIONS:
        raise DataError("error.io.unsupported_type", extension=extension)
    if len(raw.data) <= HEAD_BYTES and not data.strip(_BLANK):
        raise DataError("error.io.empty_file")
    if data.startswith(_ZIP_MAGIC):
        return _zip_format(raw.data, extension)
    if data.startswith(_PARQUET_MAGIC):
        return "parquet"
    if data.startswith(_CFB_MAGIC):
        everything = bytes(raw.data)
        if "EncryptedPackage".encode("utf-16-le") in everything:
            raise DataError("error.io.encrypted_excel")
        if any(name.encode("utf-16-le") in everything for name in ("Workbook", "Book")):
            return "xlsx"  # Excel 97–2003 (.xls)
        raise DataError("error.io.unsupported_type", extension=extension or "ole")
    if data.startswith(_ARCHIVE_MAGIC):
        raise DataError("error.io.archive")
    if data.startswith(_BINARY_MAGIC) or data[4:8] == b"ftyp":
        raise DataError("error.io.binary_file")
    if extension in EXCEL_EXTENSIONS - {"xls"}:
        raise DataError("error.io.broken_excel")
    if extension in PARQUET_EXTENSIONS:
        raise DataError("error.io.broken_parquet")
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
        raise DataError("error.io.markup_file")
    if extension in JSON_EXTENSIONS or head.startswith((b"{", b"[")):
        return "json"
    return "text"


MAX_ZIP_MEMBERS = 10_000
"""At most 10,000 files in a zip: a workbook with hundreds of sheets, charts and comments has a
few thousand; ``zipfile`` spends about a kilobyte of memory on each entry it lists."""
_END_OF_DIRECTORY = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"


def _zip_members(data: bytes | memoryview) -> int | None:
    """How many files the zip's end-of-central-directory record declares, read before
    ``zipfile`` lists them (``None`` without a readable record: zipfile then reports it).

    ``zipfile`` lists entries until the directory's declared size is used up, whatever the
    count says. A directory of more than 256 bytes per declared entry (real entries: 46 bytes
    and the file name) has a lying count and is taken to hold size / 46 entries, its most.
    """
    tail = bytes(data[-(22 + 65_535 + 20) :])  # the record, its longest comment, zip64 locator
    end = tail.rfind(_END_OF_DIRECTORY)
    if end < 0 or end + 22 > len(tail):
        return None
    count = int.from_bytes(tail[end + 10 : end + 12], "little")
    size = int.from_bytes(tail[end + 12 : end + 16], "little")
    locator = end - 20
    if count == 0xFFFF and locator >= 0 and tail[locator : locator + 4] == _ZIP64_LOCATOR:
        offset = int.from_bytes(tail[locator + 8 : locator + 16], "little")
        record = bytes(data[offset : offset + 56])
        if record[:4] == b"PK\x06\x06":
            count = int.from_bytes(record[32:40], "little")
            size = int.from_bytes(record[40:48], "little")
    return count if size <= 256 * count else size // 46


def _zip_format(data: bytes | memoryview, extension: str) -> Format:
    members = _zip_members(data)
    if members is not None and members > MAX_ZIP_MEMBERS:
        raise DataError("error.io.xlsx.too_many_parts", count=members, limit=MAX_ZIP_MEMBERS)
    try:
        names = set(zipfile.ZipFile(_io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        if extension in EXCEL_EXTENSIONS:
            raise DataError("error.io.broken_excel") from None
        raise DataError("error.io.archive") from None
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:  # .xlsx/.xlsm, .xlsb
        return "xlsx"
    if "mimetype" in names:  # OpenDocument: LibreOffice Calc's .ods, or a text document
        if _opendocument_type(data).endswith(".spreadsheet"):
            return "xlsx"
        raise DataError("error.io.unsupported_type", extension="odt")
    if "[Content_Types].xml" in names:  # another Office document (.docx, .pptx)
        kind = "docx" if "word/document.xml" in names else "pptx"
        raise DataError("error.io.unsupported_type", extension=kind)
    raise DataError("error.io.archive")


def _opendocument_type(data: bytes | memoryview) -> str:
    """The media type an OpenDocument file names in its ``mimetype`` member (at most 200 bytes
    read), e.g. ``application/vnd.oasis.opendocument.spreadsheet``."""
    with zipfile.ZipFile(_io.BytesIO(data)) as archive, archive.open("mimetype") as member:
        return member.read(200).decode("ascii", "replace").strip()
