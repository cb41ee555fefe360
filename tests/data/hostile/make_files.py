"""Write the hostile corpus: every way an upload can be wrong, one file each.

Run from the repository root: ``.venv/bin/python tests/data/hostile/make_files.py``. The expected
error key of each file (and the arguments it is loaded with) is in ``expected.toml`` beside it;
``tests/unit/test_io_hostile.py`` loads every file through the whole upload pipeline and asserts
exactly that key.

The old Excel format and password-protected workbooks are OLE compound files; :func:`_cfb`
writes a minimal valid one with the stream names Excel uses (``Workbook`` for .xls,
``EncryptionInfo`` + ``EncryptedPackage`` for an encrypted .xlsx), so no Office library is needed.
"""

from __future__ import annotations

import gzip
import io
import random
import struct
import zipfile
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
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


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
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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


def main() -> None:
    for name, data in FILES.items():
        (HERE / name).write_bytes(data)
    print(f"wrote {len(FILES)} files")


if __name__ == "__main__":
    main()
