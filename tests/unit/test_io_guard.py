"""One bad file never takes the server down: the JSON depth limit before any parser, and reads
in a worker process whose crash, hang or memory blow-up becomes a translated DataError."""

import ctypes
import random
import threading
import time
from dataclasses import fields
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kundenmodell import DataError, io
from kundenmodell.i18n import LANGUAGES
from kundenmodell.io import depth, guard
from kundenmodell.io.read import read_table
from kundenmodell.io.source import RawFile

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ROOT / "tests" / "data" / "hostile"
INGEST = ROOT / "tests" / "data" / "ingest"
DEEP = 20_000


def _customers_csv(rows: int, seed: int = 1) -> bytes:
    """A German-formatted customer export: ids, amounts with a decimal comma, dates, names."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "Kundennummer": np.arange(1, rows + 1) + seed * 1_000_000,
            "Umsatz": np.round(rng.random(rows) * 1000, 2),
            "Name": [f"Kunde {i}" for i in range(rows)],
            "Erster Kauf": pd.date_range("2020-01-01", periods=rows, freq="h").strftime("%d.%m.%Y"),
        }
    )
    return frame.to_csv(sep=";", index=False, decimal=",").encode("utf-8")


def _deep_array() -> bytes:
    return b'[{"id": 1, "x": ' + b"[" * DEEP + b"]" * DEEP + b"}]"


def _deep_lines() -> bytes:
    return b'{"id": 1, "x": 2}\n{"id": 2, "x": ' + b'{"a": ' * DEEP + b"1" + b"}" * DEEP + b"}\n"


# --- JSON depth ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b'[{"a": {"b": 1}}]', 3),
        (b'{"a": 1}\n{"b": [1, [2]]}\n', 3),
        (b'{"note": "[[[{{{ not levels"}', 1),
        (b'{"note": "a quote \\" then [[["}', 1),  # the escaped quote does not end the string
        (b'{"path": "C:\\\\", "x": [[1]]}', 3),  # an escaped backslash does not escape the quote
        (b"]]]]\n[[1]]", 2),  # stray closing brackets never count below zero
        (b'{"a": "open string\n[[[1]]]', 4),  # a line end closes the open string, not the {
        (b"", 0),
    ],
)
def test_depth_counts_brackets_outside_strings(text, expected):
    assert depth.json_depth(text) == expected


def _reference_depth(text: bytes) -> int:
    """The same count, byte by byte."""
    in_string, backslashes, level, deepest = False, 0, 0, 0
    for byte in text:
        if byte == ord("\n"):
            in_string = False
        elif byte == ord('"') and backslashes % 2 == 0:
            in_string = not in_string
        elif not in_string and byte in b"[{":
            level += 1
            deepest = max(deepest, level)
        elif not in_string and byte in b"]}":
            level = max(level - 1, 0)
        backslashes = backslashes + 1 if byte == ord("\\") else 0
    return deepest


def test_depth_agrees_with_a_byte_by_byte_count_across_block_boundaries(monkeypatch):
    rng = random.Random(7)
    alphabet = b'[]{}""\\\\\\a,\n'
    texts = [bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 80))) for _ in range(600)]
    for block in (1, 2, 3, 7, 1 << 20):
        monkeypatch.setattr(depth, "_BLOCK", block)
        assert [depth.json_depth(text) for text in texts] == [_reference_depth(t) for t in texts]


@pytest.mark.parametrize("make", [_deep_array, _deep_lines])
def test_deeply_nested_json_is_refused_before_the_parser_in_process(make):
    data = make()
    assert len(data) < 200_000  # a small file: what it costs is the nesting, not the size
    with pytest.raises(DataError) as caught:
        io.read_table(data)
    assert caught.value.key == "error.io.guard.too_deep"
    assert caught.value.params == {"limit": 64}
    for lang in LANGUAGES:
        assert "64" in caught.value.message(lang)


def test_the_depth_limit_itself_is_read():
    inner = depth.MAX_JSON_DEPTH - 1  # the record is one level
    line = b'{"id": 7, "x": ' + b"[" * inner + b"1" + b"]" * inner + b"}\n"
    loaded = io.read_table(line + b'{"id": 8, "x": 2}\n')
    assert loaded.frame["id"].tolist() == [7, 8]
    assert loaded.frame["x"].iloc[0] == "[" * inner + "1" + "]" * inner
    with pytest.raises(DataError) as caught:
        io.read_table(b'{"id": 7, "x": [' + line[len(b'{"id": 7, "x": ') :])
    assert caught.value.key == "error.io.guard.too_deep"


# --- reading in a worker ------------------------------------------------------------------------


def test_a_guarded_read_equals_the_read_in_process(tmp_path):
    data = _customers_csv(1_000)
    path = tmp_path / "kunden.csv"
    path.write_bytes(data)
    here = io.read_table(path)
    for source in (path, str(path), data):
        there = io.read_table_guarded(source)
        assert there.frame.equals(here.frame)
        assert list(there.frame.dtypes) == list(here.frame.dtypes)
        for field in fields(here):
            if field.name not in ("frame", "name"):
                assert getattr(there, field.name) == getattr(here, field.name), field.name
    assert io.read_table_guarded(path).name == "kunden.csv"
    assert here.frame["Umsatz"].dtype == np.float64 and len(here.frame) == 1_000


def test_sheet_names_and_a_chosen_sheet_through_the_worker():
    workbook = INGEST / "kunden_und_kaeufe.xlsx"
    assert io.sheet_names_guarded(workbook) == io.sheet_names(workbook) == ["Kunden", "Käufe"]
    assert io.sheet_names_guarded(_customers_csv(10)) == []
    there = io.read_table_guarded(workbook.read_bytes(), sheet="Käufe")
    assert there.frame.equals(io.read_table(workbook, sheet="Käufe").frame)
    assert there.sheet == "Käufe"


def test_a_data_error_from_the_worker_keeps_its_key_and_params():
    with pytest.raises(DataError) as caught:
        io.read_table_guarded(HOSTILE / "ragged_rows.csv")
    assert caught.value.key == "error.io.ragged_rows"
    assert caught.value.params == {"line": 3, "expected": 3, "found": 4, "count": 1}


def test_the_size_limit_is_checked_before_the_worker_is_asked():
    with pytest.raises(DataError) as caught:
        io.read_table_guarded(_customers_csv(100), max_bytes=1024)
    assert caught.value.key == "error.io.too_large"


def test_options_are_passed_on_unchanged():
    with pytest.raises(TypeError, match="no_such_option"):
        io.read_table_guarded(_customers_csv(10), no_such_option=1)


def test_deep_json_through_the_worker_gives_the_depth_error():
    with pytest.raises(DataError) as caught:
        io.read_table_guarded(_deep_lines())
    assert (caught.value.key, caught.value.params) == ("error.io.guard.too_deep", {"limit": 64})


def test_a_segfault_in_the_worker_is_a_message_and_the_next_read_works():
    with pytest.raises(DataError) as caught:
        guard._call(ctypes.string_at, 0, {}, timeout=60, memory=1 << 30)  # reads address 0
    assert caught.value.key == "error.io.guard.crashed"
    for lang in LANGUAGES:
        assert caught.value.message(lang)
    data = _customers_csv(50)
    assert io.read_table_guarded(data).frame.equals(io.read_table(data).frame)


def test_a_memory_hog_ends_in_the_memory_error_in_time():
    started = time.monotonic()
    with pytest.raises(DataError) as caught:
        guard._call(list, range(10**10), {}, timeout=60, memory=256 << 20)
    assert time.monotonic() - started < 30
    assert (caught.value.key, caught.value.params) == ("error.io.guard.memory", {"limit": 256})
    data = _customers_csv(50)
    assert io.read_table_guarded(data).frame.equals(io.read_table(data).frame)


def _big_csv() -> bytes:
    line = b"12345;123,45;Kunde Mustermann;01.02.2020\n"
    return b"Kundennummer;Umsatz;Name;Erster Kauf\n" + line * 1_000_000  # 39 MB


def test_the_memory_cap_holds_for_a_real_read():
    with pytest.raises(DataError) as caught:
        guard._call(read_table, RawFile(_big_csv()), {}, timeout=120, memory=64 << 20)
    assert (caught.value.key, caught.value.params) == ("error.io.guard.memory", {"limit": 64})


def test_a_hang_ends_in_the_timeout_error_and_the_next_read_works():
    started = time.monotonic()
    with pytest.raises(DataError) as caught:
        guard._call(time.sleep, 600, {}, timeout=2, memory=1 << 30)
    assert time.monotonic() - started < 20
    assert (caught.value.key, caught.value.params) == ("error.io.guard.timeout", {"seconds": 2})
    data = _customers_csv(50)
    assert io.read_table_guarded(data).frame.equals(io.read_table(data).frame)


def test_the_default_memory_budget_is_ten_times_the_file_and_one_and_a_half_gib():
    assert guard.memory_budget(0) == 1536 << 20
    assert guard.memory_budget(50_000_000) == 500_000_000 + (1536 << 20)


def test_the_memory_message_names_the_whole_cap(monkeypatch):
    monkeypatch.setattr(guard, "_reserve", lambda: 32 << 20)  # what the threads may reserve
    with pytest.raises(DataError) as caught:
        io.read_table_guarded(_big_csv(), memory=32 << 20)
    assert (caught.value.key, caught.value.params) == ("error.io.guard.memory", {"limit": 64})
    for lang in LANGUAGES:
        assert "64" in caught.value.message(lang)


def test_a_thread_that_cannot_start_under_the_cap_is_a_memory_error():
    """Under the address-space cap, Arrow may fail to map a worker thread's stack before any
    allocation fails (seen in 1 of 3 CI runs of the test above): that is the cap too."""
    import pyarrow as pa

    arrow = pa.ArrowException(
        "Unknown error: Failed to launch worker thread: Resource temporarily unavailable"
    )
    python = RuntimeError("can't start new thread")
    assert guard.out_of_memory(arrow, capped=True)
    assert guard.out_of_memory(python, capped=True)
    assert not guard.out_of_memory(arrow, capped=False)
    assert guard.out_of_memory(MemoryError(), capped=False)
    assert not guard.out_of_memory(ValueError("Failed to parse"), capped=True)


def test_four_sessions_at_once_each_get_their_own_file():
    files = {seed: _customers_csv(200 + seed * 37, seed=seed) for seed in range(4)}
    results: dict[int, pd.DataFrame] = {}
    errors: list[BaseException] = []

    def session(seed: int) -> None:
        try:
            for _ in range(3):
                results[seed] = io.read_table_guarded(files[seed]).frame
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=session, args=(seed,)) for seed in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    for seed, frame in results.items():
        assert len(frame) == 200 + seed * 37
        assert frame["Kundennummer"].iloc[0] == seed * 1_000_000 + 1
        assert frame.equals(io.read_table(files[seed]).frame)
    assert sorted(results) == [0, 1, 2, 3]


def test_uploads_go_through_shared_memory_only_when_it_has_room(monkeypatch):
    class Free:
        f_frsize = 4096
        f_bavail = (100 << 20) // 4096  # 100 MiB free, as in a small container

    monkeypatch.setattr(guard, "_SHARED", "/dev/shm")
    monkeypatch.setattr(guard.os, "statvfs", lambda _: Free())
    assert guard._folder(1 << 20) == "/dev/shm"
    assert guard._folder(50 << 20) is None  # the temporary folder on disk


def test_the_workers_can_be_started_ahead_of_the_first_upload():
    io.start_workers()
    deadline = time.monotonic() + 60
    while len(guard._POOL._idle) < guard.WORKERS and time.monotonic() < deadline:
        time.sleep(0.1)
    assert guard._POOL.full()
    assert len(guard._POOL._idle) == guard.WORKERS
    assert all(worker.process.is_alive() for worker in guard._POOL._idle)
    io.start_workers()  # nothing more to start
    assert guard._POOL._started == guard.WORKERS


def test_without_a_measured_address_space_a_call_runs_without_a_cap():
    assert guard._address_space() > 0  # Linux: /proc/self/statm
    assert guard._run(len, b"abc", {}, None) == ("ok", 3)
    status, error = guard._run(int, "x", {}, None)
    assert status == "error" and isinstance(error, ValueError)
