"""Without a fork server (Windows) the guarded reads run in the calling process and give the
same tables and errors, so that the app's upload works there too."""

import pytest

from kundenmodell import DataError
from kundenmodell.io import guard

CSV = b"Kundennummer;Umsatz\n1;10,5\n2;3\n"


def test_guarded_reads_fall_back_to_the_calling_process(monkeypatch):
    monkeypatch.setattr(guard, "ISOLATED", False)
    monkeypatch.setattr(guard, "_call", lambda *a, **k: pytest.fail("a worker was asked for"))
    frame = guard.read_table_guarded(CSV).frame
    assert frame["Umsatz"].tolist() == [10.5, 3.0]
    assert guard.sheet_names_guarded(CSV) == []
    with pytest.raises(DataError) as caught:
        guard.read_table_guarded(b"", max_bytes=10)
    assert caught.value.key == "error.io.empty_file"
    monkeypatch.setattr(guard._POOL, "full", lambda: False)
    monkeypatch.setattr(guard.threading, "Thread", lambda **k: pytest.fail("workers started"))
    guard.start_workers()
