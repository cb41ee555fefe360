"""Write the hostile corpus: every way an upload can be wrong, one file each.

Run from the repository root: ``.venv/bin/python tests/data/hostile/make_files.py``. The expected
error key of each file (and the arguments it is loaded with) is in ``expected.toml`` beside it;
``tests/unit/test_io_hostile.py`` loads every file through the whole upload pipeline and asserts
exactly that key.

Since issue 17 the corpus also holds files that are valid but tricky (lying workbooks, ids a
float would merge, report rows around the data, ...): their entries in ``expected.toml`` carry a
``class`` (the tester's failure class 1-6) and either ``outcome = "data_error"`` (any error key,
the fix chooses it), ``outcome = "handled"`` (an error or a load, but no other exception and no
leaked content) or ``outcome = "data"`` with the data a careful person reads from the file.
``tests/unit/test_io_corpus.py`` runs those in child processes with time and memory limits.
Files too big to commit (decompression bombs, 10,000 columns, a 200 KiB header line) are in
``GENERATED``: the test writes them into a temporary folder with these functions.

The old Excel format and password-protected workbooks are OLE compound files; :func:`_cfb`
writes a minimal valid one with the stream names Excel uses (``Workbook`` for .xls,
``EncryptionInfo`` + ``EncryptedPackage`` for an encrypted .xlsx), so no Office library is needed.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import random
import re
import struct
import sys
import zipfile
import zlib
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
SECTOR = 512
FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _cfb(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file with the given streams (each padded to 4 KiB, so no mini
    stream is needed): sector 0 is the FAT, sector 1 the directory, then the streams."""
    padded = {
        name: data.ljust(max(4096, -(-len(data) // SECTOR) * SECTOR), b"\0")
        for name, data in streams.items()
    }
    fat = [FAT_SECTOR, END]
    starts = []
    for data in padded.values():
        count = len(data) // SECTOR
        start = len(fat)
        starts.append(start)
        fat.extend(range(start + 1, start + count))
        fat.append(END)
    fat.extend([FREE] * (SECTOR // 4 - len(fat)))
    header = bytearray(SECTOR)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, END, 0, END, 0)
    struct.pack_into("<I", header, 76, 0)
    for index in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * index, FREE)

    def entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int):
        raw = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\0\0"
        raw[0 : len(encoded)] = encoded
        struct.pack_into("<HBBIII", raw, 64, len(encoded), kind, 1, left, right, child)
        struct.pack_into("<II", raw, 116, start, size)
        return bytes(raw)

    names = list(padded)
    directory = entry("Root Entry", 5, NO_STREAM, NO_STREAM, 1, END, 0)
    for index, name in enumerate(names):
        right = index + 2 if index + 1 < len(names) else NO_STREAM
        directory += entry(name, 2, NO_STREAM, right, NO_STREAM, starts[index], len(streams[name]))
    directory = directory.ljust(SECTOR, b"\0")
    return (
        bytes(header)
        + struct.pack(f"<{SECTOR // 4}I", *fat)
        + directory
        + b"".join(padded.values())
    )


def _zip(members: dict[str, bytes]) -> bytes:
    """A zip of ``members`` with a fixed date, so the generator writes the same bytes each run."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(
                zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED
            )
    return buffer.getvalue()


def _rezip(data: bytes) -> bytes:
    """An archive written by openpyxl again with fixed dates (see :func:`_zip`)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["docProps/core.xml"] = re.sub(  # openpyxl stamps the time of saving
        rb"(<dcterms:modified[^>]*>)[^<]*",
        rb"\g<1>2024-01-01T00:00:00Z",
        members["docProps/core.xml"],
    )
    return _zip(members)


def _docx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "word/document.xml": b'<?xml version="1.0"?><w:document/>',
        }
    )


def _workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.properties.created = workbook.properties.modified = dt.datetime(2024, 1, 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _rezip(buffer.getvalue())


CUSTOMERS = "Kundennummer;Name;E-Mail\r\n1001;Müller;m@web.de\r\n1002;Schäfer;s@gmx.de\r\n"
TWO_SHEETS = {
    "Kunden": [["Kundennummer", "Name"], [1, "Meier"], [2, "Schulz"]],
    "Käufe": [["Kundennummer", "Datum", "Betrag"], [1, "02.01.2024", 9.5]],
}
RANDOM = random.Random(20241231)

FILES: dict[str, bytes] = {
    "empty.csv": b"",
    "only_bom.csv": b"\xef\xbb\xbf\r\n",
    "blank_lines.csv": b"\n \r\n\t\n",
    "png_renamed.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64)),
    "jpeg_renamed.csv": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(64)),
    "pdf_renamed.csv": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    "gzip_renamed.csv": gzip.compress(CUSTOMERS.encode(), mtime=0),
    "executable_renamed.csv": b"\x7fELF\x02\x01\x01\x00" + bytes(120),
    "random_bytes.csv": bytes(RANDOM.randrange(256) for _ in range(4096)),
    "control_characters.csv": ("Kunde\x01\x02;Name\x03\n" + "\x04\x05\x06\x07\x08" * 200).encode(),
    "single_column.csv": b"Kundennummer\r\n1001\r\n1002\r\n1003\r\n",
    "hash_separated.csv": b"Kundennummer#Name#Ort\n1#Meier#Kiel\n2#Schulz#Bonn\n",
    "header_only.csv": b"Kundennummer;Name;E-Mail\r\n",
    "no_header.csv": b"1001;Anna;anna@web.de;12,50\r\n1002;Ben;ben@web.de;7,00\r\n",
    "numbers_without_header.csv": b"1001;12,50;31.12.2024\r\n1002;7,00;02.01.2025\r\n",
    "ragged_rows.csv": (
        b"Kundennummer;Name;Umsatz\r\n1;Meier;100,00\r\n2;Schulz;GmbH;250,00\r\n3;Becker;30,00\r\n"
    ),
    "unclosed_quote.csv": b'Kundennummer;Name;Notiz\r\n1;Meier;"offen\r\n2;Schulz;ok\r\n',
    "undecodable.csv": b"Kundennummer;Name\r\n1;M\x81ller\r\n2;Sch\x8dfer\r\n",
    "broken_utf16.txt": b"\xff\xfe"
    + "Kundennummer\tName\r\n1\tMeier\r\n".encode("utf-16-le")
    + b"\x00\xd8A\x00",
    "kunden.docx": _docx(),
    "kunden.numbers": _zip({"Index/Document.iwa": b"\x00\x01"}),
    "word_renamed.xlsx": _docx(),
    "opendocument_renamed.xlsx": _zip(
        {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}
    ),
    "kunden_alt.xls": _cfb({"Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00" + bytes(200)}),
    "passwortgeschuetzt.xlsx": _cfb(
        {
            "EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00" + bytes(200),
            "EncryptedPackage": bytes(RANDOM.randrange(256) for _ in range(600)),
        }
    ),
    "abgeschnitten.xlsx": _workbook(TWO_SHEETS)[:700],
    "text_renamed.xlsx": CUSTOMERS.encode(),
    "archive_renamed.csv": _zip({"kunden.csv": CUSTOMERS.encode()}),
    "seven_zip_renamed.csv": b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(64),
    "two_sheets.xlsx": _workbook(TWO_SHEETS),
    "unknown_sheet.xlsx": _workbook(TWO_SHEETS),
    "empty_workbook.xlsx": _workbook({"Tabelle1": []}),
    "single_column.xlsx": _workbook({"Kunden": [["Kundennummer"], [1], [2]]}),
    "webpage.xls": b"<html><body><table><tr><td>Kundennummer</td></tr></table></body></html>",
    "excel2003_xml.xls": b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com">',
    "broken.jsonl": b'{"customer_id": "A", "nps": 9}\n{"customer_id": "B", nps: }\n',
    "numbers_array.json": b"[1, 2, 3]\n",
    "truncated.parquet": b"PAR1\x15\x04\x15\x10\x15\x14L\x15\x02\x15\x00",
    "no_id_column.csv": ("Bewertung;Kommentar\r\n5;gut\r\n5;gut\r\n3;geht so\r\n").encode("cp1252"),
    "empty_id_column.csv": b"Kundennummer;Name\r\n;Meier\r\n;Schulz\r\n",
    "too_large.csv": (CUSTOMERS * 40).encode(),
}


# --- issue 17: workbooks written by hand, so every byte of their XML is ours ---------------------

XLSX_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.worksheet+xml"/>'
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sharedStrings+xml"/>'
    b"</Types>"
)
XLSX_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
XLSX_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Kunden" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
XLSX_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
EMPTY_SHARED = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" '
    b'uniqueCount="0"></sst>'
)
COLUMNS = "ABCDEFGHIJ"


def _cell(ref: str, value: object) -> str:
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def _sheet_xml(rows: list[list[object]], dimension: str | None, doctype: str = "") -> str:
    body = "".join(
        f'<row r="{r}">'
        + "".join(_cell(f"{COLUMNS[c]}{r}", v) for c, v in enumerate(row))
        + "</row>"
        for r, row in enumerate(rows, start=1)
    )
    head = SHEET_HEAD if not doctype else SHEET_HEAD.replace("\n", "\n" + doctype + "\n", 1)
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f"{head}{dim}<sheetData>{body}</sheetData></worksheet>"


def _xlsx(sheet: str | bytes, shared: bytes = EMPTY_SHARED) -> bytes:
    return _zip(
        {
            "[Content_Types].xml": XLSX_TYPES,
            "_rels/.rels": XLSX_RELS,
            "xl/workbook.xml": XLSX_WORKBOOK,
            "xl/_rels/workbook.xml.rels": XLSX_WORKBOOK_RELS,
            "xl/worksheets/sheet1.xml": sheet.encode() if isinstance(sheet, str) else sheet,
            "xl/sharedStrings.xml": shared,
        }
    )


KUNDEN_ROWS: list[list[object]] = [
    ["Kundennummer", "Name", "Ort", "Umsatz"],
    [1001, "Meier", "Kiel", 120.5],
    [1002, "Schulz", "Bonn", 80],
    [1003, "Becker", "Jena", 42.25],
    [1004, "Krause", "Gera", 10],
    [1005, "Lange", "Hof", 99.9],
]

XXE = (
    '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
    '<!ENTITY host SYSTEM "file:///etc/hostname">]>'
)
LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sst [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">'
        if i > 1
        else '<!ENTITY lol1 "' + "&lol;" * 10 + '">'
        for i in range(1, 10)
    )
    + ']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
)


def _laughs_xlsx() -> bytes:
    rows = [["Kundennummer", "Name"], [1, "Meier"], [2, "Schulz"]]
    body = "".join(
        f'<row r="{r}">'
        + "".join(_cell(f"{COLUMNS[c]}{r}", v) for c, v in enumerate(row))
        + "</row>"
        for r, row in enumerate(rows, start=1)
    )
    body += '<row r="4"><c r="A4"><v>3</v></c><c r="B4" t="s"><v>0</v></c></row>'
    sheet = f"{SHEET_HEAD}<sheetData>{body}</sheetData></worksheet>"
    return _xlsx(sheet, LAUGHS.encode())


def _xxe_xlsx() -> bytes:
    rows = [["Kundennummer", "Name"], [1, "Meier"], ["&xxe;", "&host;"], [3, "Becker"]]
    body = "".join(
        f'<row r="{r}">'
        + "".join(_cell(f"{COLUMNS[c]}{r}", v) for c, v in enumerate(row))
        + "</row>"
        for r, row in enumerate(rows, start=1)
    )
    return _xlsx(
        SHEET_HEAD.replace("\n", "\n" + XXE + "\n", 1)
        + f"<sheetData>{body}</sheetData></worksheet>"
    )


def _two_row_header_xlsx() -> bytes:
    return _workbook(
        {
            "Umsatz": [
                ["Kunde", None, None, "Umsatz 2024", None],
                ["Kundennummer", "Name", "Ort", "Datum", "Betrag"],
                ["K-1", "Meier", "Kiel", "02.01.2024", 120.5],
                ["K-2", "Schulz", "Bonn", "15.02.2024", 80.0],
                ["K-1", "Meier", "Kiel", "20.03.2024", 42.25],
                ["K-3", "Becker", "Jena", "01.04.2024", 10.0],
            ]
        }
    )


def _lines(*lines: str, end: str = "\r\n", encoding: str = "utf-8") -> bytes:
    return "".join(line + end for line in lines).encode(encoding)


def _repeated_header() -> bytes:
    header = "Kundennummer;Name;Kaufdatum;Betrag"
    lines = [header]
    for index in range(24):
        if index and index % 10 == 0:  # every printed page starts with the header again
            lines += ["", header]
        lines.append(
            f"{2001 + index % 8};Kunde {index % 8};{(index % 28) + 1:02d}.05.2024;{10 + index},50"
        )
    return _lines(*lines, encoding="cp1252")


# --- big files made at test time (see GENERATED) -------------------------------------------------


def _raw_deflate(data: bytes, final: bool) -> bytes:
    """``data`` as raw deflate blocks that reference nothing before them, so copies of the
    result can be concatenated into one stream."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


def _bomb_member(head: bytes, chunk: bytes, copies: int, tail: bytes) -> tuple[bytes, int, int]:
    """A deflated member that expands to ``head + chunk * copies + tail``: its compressed
    bytes, CRC-32 and size, without ever holding the expanded text."""
    packed_chunk = _raw_deflate(chunk, final=False)
    packed = _raw_deflate(head, False) + packed_chunk * copies + _raw_deflate(tail, True)
    crc = zlib.crc32(head)
    for _ in range(copies):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    return packed, crc, len(head) + len(chunk) * copies + len(tail)


def _zip_with(members: dict[str, bytes], bomb_name: str, bomb: tuple[bytes, int, int]) -> bytes:
    """A zip archive of ``members`` plus one pre-deflated member (written by hand: zipfile
    cannot store data it did not compress itself)."""
    out = bytearray(_zip(members))
    end = out.rindex(b"PK\x05\x06")
    count, directory_size, directory_at = struct.unpack_from("<HII", out, end + 10)
    directory = bytes(out[directory_at : directory_at + directory_size])
    del out[directory_at:]
    packed, crc, size = bomb
    name = bomb_name.encode()
    offset = len(out)
    out += (
        struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(packed), size, len(name), 0
        )
        + name
        + packed
    )
    entry = (
        struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            8,
            0,
            0x21,
            crc,
            len(packed),
            size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        + name
    )
    start = len(out)
    out += directory + entry
    out += struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, count + 1, count + 1, len(directory) + len(entry), start, 0
    )
    return bytes(out)


def _bomb_parts() -> dict[str, bytes]:
    return {
        "[Content_Types].xml": XLSX_TYPES,
        "_rels/.rels": XLSX_RELS,
        "xl/workbook.xml": XLSX_WORKBOOK,
        "xl/_rels/workbook.xml.rels": XLSX_WORKBOOK_RELS,
    }


def sheet_bomb(path: str) -> None:
    """A sheet of 1 GiB of XML (rows of one inline string) in about 1 MB."""
    head = (SHEET_HEAD + "<sheetData>").encode() + (
        b'<row><c t="inlineStr"><is><t>Kundennummer</t></is></c>'
        b'<c t="inlineStr"><is><t>Name</t></is></c></row>'
    )
    row = b'<row><c><v>1</v></c><c t="inlineStr"><is><t>Meier</t></is></c></row>'
    chunk = row * (1024 * 1024 // len(row))
    bomb = _bomb_member(head, chunk, 1024, b"</sheetData></worksheet>")
    parts = _bomb_parts() | {"xl/sharedStrings.xml": EMPTY_SHARED}
    Path(path).write_bytes(_zip_with(parts, "xl/worksheets/sheet1.xml", bomb))


def shared_strings_bomb(path: str) -> None:
    """Three rows of data whose sharedStrings part expands to 1 GiB (one giant string)."""
    sheet = _sheet_xml([["Kundennummer", "Name"], [1, "Meier"]], "A1:B3").replace(
        "</sheetData>",
        '<row r="3"><c r="A3"><v>2</v></c><c r="B3" t="s"><v>0</v></c></row></sheetData>',
    )
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://'
        b'schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
    )
    bomb = _bomb_member(head, b"A" * (1024 * 1024), 1024, b"</t></si></sst>")
    parts = _bomb_parts() | {"xl/worksheets/sheet1.xml": sheet.encode()}
    Path(path).write_bytes(_zip_with(parts, "xl/sharedStrings.xml", bomb))


def ten_thousand_columns(path: str) -> None:
    """A CSV 10,000 columns wide (a pivot gone wrong), 50 rows."""
    header = ";".join(["Kundennummer"] + [f"Tag {i}" for i in range(1, 10_000)])
    rows = [
        ";".join([str(1000 + r)] + [str((r * i) % 97) for i in range(1, 10_000)]) for r in range(50)
    ]
    Path(path).write_bytes(_lines(header, *rows))


def long_header_line(path: str) -> None:
    """A header line of 200 KiB (a column name that is a pasted text) over three rows."""
    name = "Bemerkung " + "x" * (200 * 1024)
    Path(path).write_bytes(
        _lines(f"Kundennummer;Name;{name}", "1;Meier;a", "2;Schulz;b", "3;Becker;c")
    )


GENERATED = {
    "bomb_sheet.xlsx": sheet_bomb,
    "bomb_shared_strings.xlsx": shared_strings_bomb,
    "ten_thousand_columns.csv": ten_thousand_columns,
    "header_200kib.csv": long_header_line,
}

DEEP = 20_000
ISSUE_17: dict[str, bytes] = {
    # class 1: process-level failures
    "deep_nested.json": b"[" * DEEP + b"]" * DEEP,
    "deep_object_records.json": b'[{"customer_id": "A", "x": '
    + b'{"x": ' * DEEP
    + b"1"
    + b"}" * DEEP
    + b"}]",
    "deep_lists.jsonl": b'{"customer_id": "A", "nps": 9}\n{"customer_id": "B", "tags": '
    + b"[" * DEEP
    + b"]" * DEEP
    + b"}\n",
    # class 2: lying workbooks
    "dimension_whole_sheet.xlsx": _xlsx(_sheet_xml(KUNDEN_ROWS, "A1:XFD1048576")),
    "dimension_too_small.xlsx": _xlsx(_sheet_xml(KUNDEN_ROWS, "A1:D2")),
    "dimension_a1.xlsx": _xlsx(_sheet_xml(KUNDEN_ROWS, "A1")),
    "xxe.xlsx": _xxe_xlsx(),
    "billion_laughs.xlsx": _laughs_xlsx(),
    # class 3: cost
    "cr_only.csv": _lines(
        "Kundennummer;Name;Ort;Umsatz",
        "1001;Meier;Kiel;120,50",
        "1002;Schulz;Bonn;80,00",
        "1003;Becker;Jena;42,25",
        "1004;Krause;Gera;10,00",
        end="\r",
        encoding="mac_roman",
    ),
    # class 4: identifiers a number type would change
    "ids_17_digits_blank.csv": _lines(
        "customer_id,name,amount,date",
        "40012345678901234,Meier,10.50,2024-01-02",
        "40012345678901235,Schulz,20.00,2024-01-03",
        "40012345678901236,Becker,30.25,2024-01-04",
        ",Unbekannt,5.00,2024-01-05",
        "40012345678901234,Meier,12.00,2024-02-02",
    ),
    "ids_zero_forms.csv": _lines(
        "Kundennummer;Name;Umsatz",
        "0;Anna;1,00",
        "00;Ben;2,00",
        "-0;Cem;3,00",
        "0.0;Dora;4,00",
        "000;Emil;5,00",
    ),
    "ids_beyond_int64.csv": _lines(
        "customer_id,name,amount,date",
        "9223372036854775807,Max Int,1.00,2024-03-01",
        "9223372036854775808,Max Int plus one,2.00,2024-03-02",
        "18446744073709551616,Two to the 64,3.00,2024-03-03",
        "123456789012345678901234567890,Thirty digits,4.00,2024-03-04",
    ),
    # class 5: values changed silently
    "overflow_1e309.csv": _lines(
        "customer_id,date,amount",
        "A1,2024-01-02,10.00",
        "A2,2024-01-03,1e309",
        "A3,2024-01-04,5.50",
    ),
    "accounting_negatives.csv": _lines(
        "Kundennummer;Datum;Betrag",
        "1;02.01.2024;100,00",
        "1;05.01.2024;(12,50)",
        "2;07.01.2024;1.250,00",
        "2;09.01.2024;(1.000,00)",
        encoding="cp1252",
    ),
    "mixed_date_forms.csv": _lines(
        "customer_id,date,amount",
        "A1,2024-03-01,10.00",
        "A2,2024-03-02,20.00",
        "A3,05.03.2024,30.00",
        "A1,2024-03-09,40.00",
        "A2,2024-03-11,50.00",
    ),
    "two_digit_years.csv": _lines(
        "Kundennummer;Name;Geburtsdatum;Kaufdatum;Betrag",
        "1;Meier;03.02.68;15.03.24;10,00",
        "2;Schulz;24.12.91;02.04.24;20,00",
        "3;Becker;01.07.05;30.04.24;30,00",
        encoding="cp1252",
    ),
    # class 6: report rows taken for data
    "totals_rows.csv": _lines(
        "Customer ID,Order Date,Amount",
        "C-1,2024-01-02,10.00",
        "C-2,2024-01-03,20.00",
        "Subtotal,,30.00",
        "C-3,2024-02-01,5.00",
        "C-1,2024-02-03,15.00",
        "Subtotal,,20.00",
        "Total,,50.00",
        end="\n",
    ),
    "repeated_header.csv": _repeated_header(),
    "generated_by_footer.csv": _lines(
        "Kundennummer;Name;Ort",
        "1;Meier;Kiel",
        "2;Schulz;Bonn",
        "3;Becker;Jena",
        "",
        "Generated by SAP Business One on 31.12.2024 10:00",
        "Seite 1 von 1",
    ),
    "title_lines.csv": _lines(
        "Customer report",
        "Period: 01/01/2024 - 31/12/2024",
        "",
        "Customer ID,Name,Town",
        "C-1,Smith,London",
        "C-2,Jones,Leeds",
        end="\n",
    ),
    "anzahl_footer.csv": _lines(
        "Kundennummer;Name;Umsatz",
        "1;Meier;10,00",
        "2;Schulz;20,00",
        "Anzahl: 2;;",
        "Summe;;30,00",
        encoding="cp1252",
    ),
    "two_row_header.xlsx": _two_row_header_xlsx(),
    "two_row_header.csv": _lines(
        "Kunde;;;Umsatz 2024;",
        "Kundennummer;Name;Ort;Datum;Betrag",
        "K-1;Meier;Kiel;02.01.2024;120,50",
        "K-2;Schulz;Bonn;15.02.2024;80,00",
        "K-1;Meier;Kiel;20.03.2024;42,25",
        encoding="cp1252",
    ),
}
FILES.update(ISSUE_17)


def main() -> None:
    for name, data in FILES.items():
        (HERE / name).write_bytes(data)
    print(f"wrote {len(FILES)} files")
    if "--generated" in sys.argv:  # python make_files.py --generated DIR: the big ones too
        folder = Path(sys.argv[sys.argv.index("--generated") + 1])
        for name, make in GENERATED.items():
            make(str(folder / name))


if __name__ == "__main__":
    main()
