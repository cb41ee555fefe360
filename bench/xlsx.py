"""Hostile and normal Excel workbooks: time and peak memory of listing the sheets and reading.

``python -m bench xlsx [--rows 100000] [--timeout 60] [--before PATH] [--only TEXT]``

Builds, in a temporary folder, the workbooks a tester sent (sizes as theirs): a shared-strings
bomb and a sheet bomb of about 6 MB that unpack to 3.9 and 1.8 GB, workbooks whose
``<dimension>`` claims ``A1:XFD1048576`` for 3 rows and for 50,000 short rows (2 KB; each row
used to be padded to 16,384 cells), XXE and billion-laughs payloads, and a normal workbook of
``--rows`` rows × 10 columns (numbers, texts, dates, booleans), once with inline strings (as
openpyxl and many CRMs write) and once with shared strings (as Excel does).
Each file is read in a fresh process (``io.sheet_names`` then ``io.read_table``, as the upload
page does) that may use at most 6 GB of address space and ``--timeout`` seconds; its wall time,
CPU time, peak RSS (VmHWM of the process image: ``ru_maxrss`` would include this parent's RSS at
the fork) and outcome are printed. ``--before`` names another checkout's root (e.g. an
exported older commit) to run the same files against for comparison. Figures go to
``bench/results/xlsx.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook

from tests.unit.test_io_xlsx_hostile import (
    BASE,
    BILLION_LAUGHS,
    MAIN,
    SHEET,
    STRINGS,
    XXE,
    _bomb,
    _cells,
    _members,
    _sheet_xml,
    _with,
    _zip,
)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "xlsx.json"
ADDRESS_SPACE = 6 * 1024**3
INLINE = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"( s="[0-9]+")? t="inlineStr"><is><t[^>]*>([^<]*)</t></is></c>'
)
SCRIPT = textwrap.dedent(
    """
    import json, resource, sys, time
    from kundenmodell import DataError, io
    figures = {}
    for step, call in (("names", io.sheet_names), ("read", io.read_table)):
        started = time.perf_counter()
        try:
            result = call(sys.argv[1])
            outcome = result if step == "names" else list(result.frame.shape)
        except DataError as error:
            outcome = error.key
        except Exception as error:  # the point of "before": what escaped as a traceback
            outcome = type(error).__name__ + ": " + str(error)[:80]
        figures[step] = {"seconds": round(time.perf_counter() - started, 2), "outcome": outcome}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 2)
    status = open("/proc/self/status").read().splitlines()  # ru_maxrss counts the parent's
    peak = next(line for line in status if line.startswith("VmHWM"))
    figures["peak_mb"] = round(int(peak.split()[1]) / 1024)
    print(json.dumps(figures))
    """
)


def hostile() -> dict[str, bytes]:
    """The tester's files, at their sizes."""
    sst = f'<?xml version="1.0"?><sst xmlns="{MAIN}">'.encode()
    sheet = f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
    strings = b"<si><t>" + b"A" * 65_536 + b"</t></si>"
    row = b"<row>" + b"<c><v>1</v></c>" * 2000 + b"</row>"
    return {
        "strings_bomb.xlsx": _with(BASE, strings=_bomb(sst, strings, 60_000, b"</sst>")),
        "sheet_bomb.xlsx": _with(
            BASE, sheet=_bomb(sheet, row, 60_000, b"</sheetData></worksheet>")
        ),
        "dimension_xfd.xlsx": _with(
            BASE,
            sheet=_sheet_xml(
                _cells([["Kundennummer", "Name"], [1, "Anna"], [2, "Bernd"]]), "A1:XFD1048576"
            ),
        ),
        "dimension_xfd_50k_rows.xlsx": _with(
            BASE,
            sheet=(
                f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><dimension ref="A1:XFD1048576"/>'
                '<sheetData><row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>'
                + "<row><c><v>1</v></c><c><v>2</v></c></row>" * 50_000
                + "</sheetData></worksheet>"
            ).encode(),
        ),
        "xxe.xlsx": _with(BASE, strings=XXE),
        "billion_laughs.xlsx": _with(BASE, strings=BILLION_LAUGHS),
    }


def normal(rows: int) -> bytes:
    """``rows`` customer rows × 10 columns, written by openpyxl as a CRM export would be."""
    rng = random.Random(1)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Kunden")
    header = "Kundennummer Vorname Nachname E-Mail Ort PLZ Geburtsdatum Umsatz Käufe Aktiv"
    sheet.append(header.split())
    cities = ["Berlin", "München", "Köln", "Hamburg", "Oslo", "Bergen", "Dresden"]
    names = ["Anna", "Bernd", "Clara", "Dieter", "Eva", "Frank", "Greta", "Hans"]
    for i in range(rows):
        sheet.append(
            [
                10_000 + i,
                rng.choice(names),
                f"Name{i % 5000}",
                f"kunde{i}@example.de",
                rng.choice(cities),
                f"{rng.randint(1000, 99999):05d}",
                dt.datetime(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 20_000)),
                round(rng.random() * 1000, 2),
                rng.randint(0, 50),
                rng.random() < 0.5,
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_excel_saves_it(data: bytes) -> bytes:
    """``data`` with its inline strings moved to a shared-strings part, as Excel writes texts."""
    members = _members(data)
    index: dict[str, int] = {}

    def shared(match: re.Match[bytes]) -> bytes:
        number = index.setdefault(match[3].decode(), len(index))
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (match[1], match[2] or b"", number)

    members[SHEET] = INLINE.sub(shared, members[SHEET])
    texts = "".join(f"<si><t>{escape(text)}</t></si>" for text in index)
    members[STRINGS] = f'<?xml version="1.0"?><sst xmlns="{MAIN}">{texts}</sst>'.encode()
    members["[Content_Types].xml"] = _members(BASE)["[Content_Types].xml"]
    members["xl/_rels/workbook.xml.rels"] = _members(BASE)["xl/_rels/workbook.xml.rels"]
    return _zip(members)


def measure(root: Path, path: Path, timeout: float) -> dict:
    """Figures of one file read in a fresh process with ``root`` as the repository; a process
    still running after ``timeout`` seconds is killed after its peak RSS so far is noted."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=root,
        preexec_fn=limit,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        status = Path(f"/proc/{process.pid}/status").read_text()
        peak = next(line for line in status.splitlines() if line.startswith("VmHWM"))
        ticks = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()[11:13]
        process.kill()
        process.communicate()
        return {
            "outcome": f"still running after {timeout:.0f} s (killed)",
            "cpu_seconds": round(sum(map(int, ticks)) / os.sysconf("SC_CLK_TCK"), 2),
            "peak_mb": round(int(peak.split()[1]) / 1024),
        }
    if process.returncode:
        return {"outcome": f"process died: {err.strip().splitlines()[-1][:100]}"}
    return json.loads(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench xlsx")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--before", type=Path, help="root of another checkout to compare")
    parser.add_argument("--only", default="", help="measure only files whose name contains this")
    args = parser.parse_args(argv)
    roots = {"after": ROOT} | ({"before": args.before} if args.before else {})
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as folder:
        files = hostile()
        if not args.only or "normal" in args.only:
            table = normal(args.rows)
            files[f"normal_{args.rows}x10_inline_strings.xlsx"] = table
            files[f"normal_{args.rows}x10_shared_strings.xlsx"] = as_excel_saves_it(table)
        for name, data in files.items():
            if args.only not in name:
                continue
            path = Path(folder) / name
            path.write_bytes(data)
            results[name] = {"bytes": len(data)}
            for label, root in roots.items():
                figures = measure(root, path, args.timeout)
                results[name][label] = figures
                print(f"{name} ({len(data):,} bytes) {label}: {json.dumps(figures)}", flush=True)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0
