"""Excel workbooks that are bombs or lie: every one ends in its exact ``error.io.*`` key or in the
right data, in bounded time and memory, from the very first call (listing the sheets).

Time bounds are CPU seconds of the process (``time.process_time``): the machine running the
tests is shared, so wall time says more about the neighbours than about the code.

The files are built here byte by byte: a zip bomb is one deflate block, flushed so that it can be
repeated, written many times under a central directory that declares the unpacked size.
"""

from __future__ import annotations

import datetime as dt
import functools
import io as std_io
import json
import struct
import subprocess
import sys
import textwrap
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from openpyxl import Workbook

from kundenmodell import DataError, io
from kundenmodell.i18n import LANGUAGES
from kundenmodell.io import excel

ROOT = Path(__file__).resolve().parents[2]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"


# --- building workbooks -------------------------------------------------------------------------


def _deflate(data: bytes) -> tuple[bytes, int, int]:
    """(raw deflate stream, CRC-32, unpacked size) of ``data``."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(), zlib.crc32(data), len(data)


def _bomb(head: bytes, chunk: bytes, count: int, tail: bytes, crc: bool = True) -> tuple:
    """``head + chunk * count + tail`` deflated without ever holding it: ``chunk`` is packed
    once, fully flushed (so it references nothing before it) and its blocks repeated.

    Without ``crc`` the checksum is left 0: for files refused before a byte is inflated.
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    middle = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    last = packer.compress(tail) + packer.flush(zlib.Z_FINISH)
    checksum = 0
    if crc:
        checksum = zlib.crc32(head)
        for _ in range(count):
            checksum = zlib.crc32(chunk, checksum)
        checksum = zlib.crc32(tail, checksum)
    size = len(head) + len(chunk) * count + len(tail)
    return first + middle * count + last, checksum, size


def _zip(members: dict[str, bytes | tuple]) -> bytes:
    """A zip archive; a member is its bytes or a prepared (deflated, crc, size) from _bomb."""
    out = bytearray()
    directory = bytearray()
    for name, member in members.items():
        packed, crc, size = member if isinstance(member, tuple) else _deflate(member)
        encoded = name.encode()
        offset = len(out)
        out += struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(packed), size, len(encoded), 0
        )
        out += encoded + packed
        directory += struct.pack(
            "<4s6H3L5H2L",
            *(b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, len(packed), size, len(encoded)),
            *(0, 0, 0, 0, 0, offset),
        )
        directory += encoded
    count = len(members)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), len(out), 0)
    return bytes(out + directory + end)


def _members(data: bytes) -> dict[str, bytes | tuple]:
    with zipfile.ZipFile(std_io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _workbook(rows: list[list[object]]) -> bytes:
    """A real workbook (openpyxl, shared strings and styles as Excel writes them)."""
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = "Kunden"
    for row in rows:
        worksheet.append(row)
    buffer = std_io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with(base: bytes, **parts: bytes | tuple) -> bytes:
    """``base`` with some parts replaced (keyword ``sheet``/``strings``)."""
    members = _members(base)
    names = {"sheet": SHEET, "strings": STRINGS}
    members.update({names[key]: value for key, value in parts.items()})
    return _zip(members)


def _sheet_xml(rows: str, dimension: str | None = None, prefix: str = "") -> bytes:
    """A worksheet part with ``rows`` (``<row>`` elements) and an optional dimension tag."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f"xmlns:{prefix}" if prefix else "xmlns"
    dim = f'<{p}dimension ref="{dimension}"/>' if dimension else ""
    text = f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {xmlns}="{MAIN}">{dim}'
    return f"{text}<{p}sheetData>{rows}</{p}sheetData></{p}worksheet>".encode()


def _cells(values: list[list[object]]) -> str:
    """``<row>`` elements with numbers and inline strings, as many CRM exports write them."""

    def cell(value: object) -> str:
        if isinstance(value, str):
            return f'<c t="inlineStr"><is><t>{value}</t></is></c>'
        return f"<c><v>{value}</v></c>"

    return "".join(
        f'<row r="{number}">{"".join(cell(value) for value in row)}</row>'
        for number, row in enumerate(values, start=1)
    )


CUSTOMERS = [
    ["Kundennummer", "Name", "Umsatz"],
    [1, "Anna", 10.5],
    [2, "Bernd", 20],
    [3, "Clara", 7],
]


def _base() -> bytes:
    """openpyxl's workbook with its texts moved to a shared-strings part, as Excel stores them
    (so that a payload in that part is really read)."""
    members = _members(_workbook([[1, 2], [3, 4]]))
    kind = "officedocument.spreadsheetml.sharedStrings"
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>",
        f'<Override PartName="/{STRINGS}" ContentType="application/vnd.openxmlformats-{kind}+xml"/>'
        "</Types>".encode(),
    )
    relation = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rIdS" Type="{relation}" Target="sharedStrings.xml"/>'
        "</Relationships>".encode(),
    )
    members[STRINGS] = (
        f'<?xml version="1.0"?><sst xmlns="{MAIN}" count="2" uniqueCount="2">'
        "<si><t>Kundennummer</t></si><si><t>Name</t></si></sst>"
    ).encode()
    members[SHEET] = _sheet_xml(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2</v></c></row>'
    )
    return _zip(members)


BASE = _base()
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>"
    + f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'.encode()
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    + f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>&xxe;</t></si></sst>'.encode()
)


@functools.cache
def hostile_files() -> dict[str, tuple[bytes, str]]:
    """name -> (bytes, error key) of the bombs and declarations; also used by the benchmark."""
    strings_chunk = b"<si><t>" + b"A" * 65_536 + b"</t></si>"
    row_chunk = b"<row>" + b"<c><v>1</v></c>" * 2000 + b"</row>"
    sst = f'<?xml version="1.0"?><sst xmlns="{MAIN}">'.encode()
    sheet_head = f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
    return {
        "strings_bomb.xlsx": (
            _with(BASE, strings=_bomb(sst, strings_chunk, 4_600, b"</sst>")),
            "error.io.xlsx.packed_too_tightly",
        ),
        "sheet_bomb.xlsx": (
            _with(BASE, sheet=_bomb(sheet_head, row_chunk, 10_000, b"</sheetData></worksheet>")),
            "error.io.xlsx.packed_too_tightly",
        ),
        "gigabyte_bomb.xlsx": (
            _with(
                BASE,
                strings=_bomb(sst, strings_chunk, 18_000, b"</sst>", crc=False),
            ),
            "error.io.xlsx.unpacks_too_large",
        ),
        "billion_laughs.xlsx": (
            _with(BASE, strings=BILLION_LAUGHS),
            "error.io.xlsx.xml_declarations",
        ),
        "xxe.xlsx": (_with(BASE, strings=XXE), "error.io.xlsx.xml_declarations"),
        "sparse_corners.xlsx": (
            _with(
                BASE,
                sheet=_sheet_xml(
                    '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>'
                    '<row r="1048576"><c r="XFD1048576"><v>3</v></c></row>',
                    "A1",
                ),
            ),
            "error.io.xlsx.too_many_cells",
        ),
    }


# --- refused before any work --------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(hostile_files()))
def test_hostile_workbook_ends_in_its_key_from_the_first_call(name, tmp_path):
    data, key = hostile_files()[name]
    path = tmp_path / name
    path.write_bytes(data)
    calls = [lambda: io.sheet_names(path), lambda: io.read_table(path)]
    if key == "error.io.xlsx.too_many_cells":  # only reading the table finds its size
        assert io.sheet_names(path) == ["Kunden"]
        calls = calls[1:]
    for call in calls:
        started = time.process_time()
        with pytest.raises(DataError) as caught:
            call()
        assert time.process_time() - started < 3
        assert caught.value.key == key
        for lang in LANGUAGES:
            message = caught.value.message(lang)
            assert message and "{" not in message


def test_the_limits_name_their_figures():
    files = hostile_files()
    with pytest.raises(DataError) as caught:
        excel.sheet_names(files["gigabyte_bomb.xlsx"][0])
    assert caught.value.params == {"size": 1126, "limit": 1024}
    with pytest.raises(DataError) as caught:
        excel.sheet_names(files["strings_bomb.xlsx"][0])
    assert caught.value.params == {"part": STRINGS, "ratio": 662, "limit": 100}
    with pytest.raises(DataError) as caught:
        excel.sheet_names(files["xxe.xlsx"][0])
    assert caught.value.params == {"part": STRINGS}
    assert "DOCTYPE" in caught.value.message("de")


def test_a_zip_of_more_parts_than_any_workbook_is_refused_before_it_is_listed():
    parts = {f"xl/media/{index}.xml": b"" for index in range(10_001)}
    data = _zip(_members(BASE) | parts)
    with pytest.raises(DataError) as caught:
        io.sheet_names(data)
    assert caught.value.key == "error.io.xlsx.too_many_parts"
    assert caught.value.params == {"count": len(_members(BASE)) + 10_001, "limit": 10_000}
    lying = bytearray(data)
    lying[-14:-10] = struct.pack("<2H", 9, 9)  # the record claims 9 files
    with pytest.raises(DataError) as caught:
        io.sheet_names(bytes(lying))
    assert caught.value.key == "error.io.xlsx.too_many_parts"
    assert caught.value.params["count"] > 10_011  # the directory's size tells the truth


def test_a_doctype_in_any_part_is_refused_even_without_entities():
    sheet = _sheet_xml(_cells(CUSTOMERS)).replace(
        b"?>", b'?><!DOCTYPE worksheet SYSTEM "x.dtd">', 1
    )
    with pytest.raises(DataError) as caught:
        excel.sheet_names(_with(BASE, sheet=sheet))
    assert caught.value.params == {"part": SHEET}
    hidden = b" " * 100_000 + b"<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>"  # past the first chunk
    members = _members(BASE) | {"xl/media/image1.png": b"\x89PNG\r\n", "xl/odd.bin": hidden}
    with pytest.raises(DataError) as caught:
        excel.sheet_names(_zip(members))
    assert caught.value.params == {"part": "xl/odd.bin"}
    del members["xl/odd.bin"]
    assert excel.sheet_names(_zip(members)) == ["Kunden"]  # the image is no XML, and harmless


def test_real_exports_pack_well_below_the_ratio_limit():
    rows = [
        [10_000 + i, f"kunde{i}@example.de", i * 1.5, dt.datetime(2024, 1, 1)] for i in range(5_000)
    ]
    data = _workbook([["Kundennummer", "E-Mail", "Umsatz", "Seit"], *rows])
    with zipfile.ZipFile(std_io.BytesIO(data)) as archive:
        ratio = max(info.file_size / info.compress_size for info in archive.infolist())
    assert 3 < ratio < excel.MAX_RATIO / 3
    assert excel.read_sheet(data).columns[0][-1] == 14_999


def test_bombs_stay_within_time_and_memory_in_a_fresh_process(tmp_path):
    """Peak RSS of a process that lists and reads every hostile file: at most 10 times the
    smallest file plus 300 MB (the interpreter with pandas and pyarrow is most of it).

    The peak is the kernel's VmHWM of the new process image: ``getrusage``'s ``ru_maxrss``
    would start at the RSS of the forking pytest process."""
    files = hostile_files()
    for name, (data, _key) in files.items():
        (tmp_path / name).write_bytes(data)
    script = textwrap.dedent(
        """
        import json, pathlib, sys, time
        from kundenmodell import DataError, io

        def peak_kb():
            status = pathlib.Path("/proc/self/status").read_text().splitlines()
            return int(next(line for line in status if line.startswith("VmHWM")).split()[1])

        before = peak_kb()
        keys, seconds = {}, {}
        for path in sys.argv[1:]:
            started = time.process_time()
            for call in (io.sheet_names, io.read_table):
                try:
                    call(path)
                except DataError as error:
                    keys[path] = error.key
            seconds[path] = time.process_time() - started
        peak = peak_kb()
        print(json.dumps({"keys": keys, "seconds": seconds, "before": before, "peak": peak}))
        """
    )
    paths = [str(tmp_path / name) for name in sorted(files)]
    done = subprocess.run(
        [sys.executable, "-c", script, *paths],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,  # a guard against a hang; the bounds below are CPU seconds
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["keys"] == {str(tmp_path / name): key for name, (_d, key) in files.items()}
    assert max(result["seconds"].values()) < 5, result
    smallest = min(len(data) for data, _key in files.values())
    assert result["peak"] * 1024 <= 10 * smallest + 300 * 1024 * 1024, result
    assert result["peak"] - result["before"] < 50 * 1024, result  # the files cost < 50 MB


# --- the dimension tag lies ---------------------------------------------------------------------


@pytest.mark.parametrize("dimension", ["A1:XFD1048576", "A1:B2", "A1", None])
def test_the_dimension_tag_is_ignored(dimension):
    data = _with(BASE, sheet=_sheet_xml(_cells(CUSTOMERS), dimension))
    started = time.process_time()
    assert excel.sheet_names(data) == ["Kunden"]
    found = excel.read_sheet(data)
    assert time.process_time() - started < 2
    assert found.header == ["Kundennummer", "Name", "Umsatz"]
    assert found.columns == [[1, 2, 3], ["Anna", "Bernd", "Clara"], [10.5, 20, 7]]
    assert found.first_row == 2


def test_a_few_kilobytes_claiming_every_column_for_many_rows_read_quickly():
    """The tester's file: 50,000 short rows under ``A1:XFD1048576`` used to be padded to 16,384
    cells each (800 million values) by openpyxl."""
    head = (
        f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><dimension ref="A1:XFD1048576"/>'
        '<sheetData><row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>'
    )
    rows = "<row><c><v>1</v></c><c><v>2</v></c></row>" * 50_000
    data = _with(BASE, sheet=f"{head}{rows}</sheetData></worksheet>".encode())
    assert len(data) < 16_000  # the sheet itself packs to 3 KB
    started = time.process_time()
    found = excel.read_sheet(data)
    assert time.process_time() - started < 5
    assert found.header == ["Kundennummer", "Name"]
    assert found.columns == [[1] * 50_000, [2] * 50_000]


def test_a_dimension_smaller_than_the_data_loses_no_row():
    rows = [["Kundennummer", "Name", "Umsatz", "Ort"]] + [
        [i, f"K{i}", i * 2, "Oslo"] for i in range(1, 501)
    ]
    data = _with(BASE, sheet=_sheet_xml(_cells(rows), "A1:B2"))
    frame = io.load_table(data)
    assert list(frame.columns) == ["Kundennummer", "Name", "Umsatz", "Ort"]
    assert len(frame) == 500
    assert frame["Kundennummer"].tolist() == list(range(1, 501))
    assert frame["Umsatz"].iloc[-1] == 1000


def test_formatted_empty_rows_down_to_the_last_row_end_the_table_quickly():
    empty = "".join(f'<row r="{n}" s="1" customFormat="1"/>' for n in range(5, 50_001))
    sheet = _sheet_xml(_cells(CUSTOMERS) + empty, "A1:C1048576")
    data = _with(BASE, sheet=sheet)
    started = time.process_time()
    found = excel.read_sheet(data)
    assert time.process_time() - started < 5
    assert found.columns[0] == [1, 2, 3]


def test_empty_rows_between_data_rows_keep_the_spreadsheet_row_numbers():
    rows = _cells([["id", "n"]])
    rows += '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>5</v></c></row>'
    rows += '<row r="5"><c r="A5"><v>2</v></c><c r="C5"><v>6</v></c></row>'
    loaded = io.read_table(_with(BASE, sheet=_sheet_xml(rows)))
    assert loaded.frame["id"].tolist()[0] == 1
    assert loaded.frame["id"].tolist()[3] == 2
    assert list(loaded.row_numbers([0, 3])) == [2, 5]


def test_a_sheet_with_more_real_cells_than_the_limit_stops_while_streaming(monkeypatch):
    monkeypatch.setattr(excel, "MAX_CELLS", 1_000)
    rows = [[i, i, i, i] for i in range(400)]
    data = _with(BASE, sheet=_sheet_xml(_cells([["a", "b", "c", "d"], *rows])))
    with pytest.raises(DataError) as caught:
        excel.read_sheet(data)
    assert caught.value.key == "error.io.xlsx.too_many_cells"
    small = _with(BASE, sheet=_sheet_xml(_cells([["a", "b", "c", "d"], *rows[:200]])))
    assert len(excel.read_sheet(small).columns[0]) == 200


def test_a_row_of_more_cells_than_excel_has_columns_is_a_broken_workbook():
    data = _with(BASE, sheet=_sheet_xml("<row>" + "<c><v>1</v></c>" * 16_385 + "</row>"))
    with pytest.raises(DataError) as caught:
        excel.sheet_names(data)
    assert caught.value.key == "error.io.broken_excel"
    fits = _with(
        BASE,
        sheet=_sheet_xml(_cells([["a", "b"]]) + "<row>" + "<c><v>1</v></c>" * 16_384 + "</row>"),
    )
    assert len(excel.read_sheet(fits).columns) == 16_384


def test_rows_out_of_order_are_a_broken_workbook():
    rows = '<row r="3"><c><v>1</v></c><c><v>2</v></c></row><row r="2"><c><v>3</v></c></row>'
    with pytest.raises(DataError) as caught:
        excel.sheet_names(_with(BASE, sheet=_sheet_xml(rows)))
    assert caught.value.key == "error.io.broken_excel"


# --- values as Excel shows them -----------------------------------------------------------------


def test_types_survive_shared_strings_dates_booleans_and_errors():
    data = _workbook(
        [
            ["Kundennummer", "Seit", "Umsatz", "Aktiv", "Notiz", "Formel"],
            [1, dt.datetime(2024, 2, 29, 13, 30), 10.25, True, "Grüße", "=1/0"],
            [2, dt.date(1999, 12, 31), -3, False, "#NV", None],
        ]
    )
    found = excel.read_sheet(data)
    assert found.columns[0] == [1, 2]
    assert found.columns[1] == [dt.datetime(2024, 2, 29, 13, 30), dt.datetime(1999, 12, 31)]
    assert found.columns[2] == [10.25, -3]
    assert found.columns[3] == [True, False]
    assert found.columns[4] == ["Grüße", None]  # the text "#NV" is Excel's missing value
    assert found.columns[5] == [None, None]  # a formula never calculated has no cached value


def test_error_cells_rich_text_and_a_prefixed_namespace():
    rows = (
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>id</x:t></x:is></x:c>'
        '<x:c r="B1" t="inlineStr"><x:is><x:r><x:t>Na</x:t></x:r><x:r><x:t>me</x:t></x:r>'
        "<x:rPh><x:t>ナ</x:t></x:rPh></x:is></x:c></x:row>"
        '<x:row r="2"><x:c r="A2"><x:v>7</x:v></x:c><x:c r="B2" t="e"><x:v>#N/A</x:v></x:c></x:row>'
        '<x:row r="3"><x:c r="A3"><x:f>A2+1</x:f><x:v>8</x:v></x:c>'
        '<x:c r="B3" t="str"><x:f>"Ole"</x:f><x:v>Ole</x:v></x:c></x:row>'
    )
    found = excel.read_sheet(_with(BASE, sheet=_sheet_xml(rows, prefix="x")))
    assert found.header == ["id", "Name"]
    assert found.columns == [[7, 8], [None, "Ole"]]


def test_shared_strings_join_rich_text_drop_phonetic_guides_and_unescape():
    strings = (
        f'<?xml version="1.0"?><x:sst xmlns:x="{MAIN}">'
        "<x:si><x:t>Kundennummer</x:t></x:si>"
        "<x:si><x:r><x:t>Na</x:t></x:r><x:r><x:rPr><x:b/></x:rPr><x:t>me</x:t></x:r>"
        "<x:rPh><x:t>ナメ</x:t></x:rPh></x:si>"
        "<x:si><x:t>Zeile 1_x000D_\nZeile 2, _x005F_x000D_ bleibt</x:t></x:si>"
        "<x:si><x:t>  </x:t></x:si></x:sst>"
    ).encode()
    rows = (
        '<row r="1"><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>'
        '<row r="2"><c><v>1</v></c><c t="s"><v>2</v></c></row>'
        '<row r="3"><c><v>2</v></c><c t="s"><v>3</v></c></row>'
    )
    found = excel.read_sheet(_with(BASE, strings=strings, sheet=_sheet_xml(rows)))
    assert found.header == ["Kundennummer", "Name"]
    assert found.columns[1] == ["Zeile 1\r\nZeile 2, _x000D_ bleibt", None]


def test_more_shared_strings_than_cells_allowed_stop_while_reading(monkeypatch):
    monkeypatch.setattr(excel, "MAX_CELLS", 100)
    texts = "".join(f"<si><t>{index}</t></si>" for index in range(101))
    strings = f'<?xml version="1.0"?><sst xmlns="{MAIN}">{texts}</sst>'.encode()
    with pytest.raises(DataError) as caught:
        excel.sheet_names(_with(BASE, strings=strings))
    assert caught.value.key == "error.io.xlsx.too_many_cells"


# --- header_row ---------------------------------------------------------------------------------


REPORT = [["Kundenbericht 2024"], [], ["Erstellt von", "Vertrieb"], *CUSTOMERS]


def test_header_row_names_the_row_with_the_column_names():
    data = _workbook(REPORT)
    automatic = excel.read_sheet(data)
    assert automatic.header == ["Erstellt von", "Vertrieb", None]  # the first row with two values
    chosen = excel.read_sheet(data, "Kunden", header_row=4)
    assert chosen.header == ["Kundennummer", "Name", "Umsatz"]
    assert chosen.columns[0] == [1, 2, 3]
    assert chosen.first_row == 5


@pytest.mark.parametrize(
    ("row", "key", "params"),
    [
        (2, "error.io.xlsx.header_row_empty", {"row": 2, "sheet": "Kunden"}),
        (99, "error.io.xlsx.header_row_below_data", {"row": 99, "last": 7}),
        (7, "error.io.no_rows", {}),
    ],
)
def test_a_header_row_without_a_table_below_says_why(row, key, params):
    with pytest.raises(DataError) as caught:
        excel.read_sheet(_workbook(REPORT), header_row=row)
    assert (caught.value.key, caught.value.params) == (key, params)
