"""The hostile corpus (tests/data/hostile): every broken file ends in its exact ``error.io.*``
key, with a message in all three languages, and never in a traceback."""

import io as std_io
import tomllib
from pathlib import Path

import pytest

from kundenmodell import DataError, io
from kundenmodell.i18n import LANGUAGES

CORPUS = Path(__file__).resolve().parents[1] / "data" / "hostile"
LISTED: dict[str, dict] = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))
# the files with an exact error key; the issue-17 entries (with a `class`, some generated at test
# time) are run in child processes by tests/unit/test_io_corpus.py
EXPECTED = {name: spec for name, spec in LISTED.items() if "class" not in spec}
SCAFFOLDING = {"make_files.py", "expected.toml"}


def _upload(path: Path, sheet: str | None = None, max_bytes: int = io.DEFAULT_MAX_BYTES) -> None:
    """The whole pipeline the page runs: read, suggest a mapping, apply it."""
    loaded = io.read_table(path, sheet=sheet, max_bytes=max_bytes)
    mapping = io.suggest_mapping(loaded.frame.columns, "auto", loaded)
    io.map_table(loaded.frame, mapping, first_row=loaded.first_row)


def test_the_corpus_is_big_enough_and_every_file_has_an_expectation():
    files = {path.name for path in CORPUS.iterdir()} - SCAFFOLDING
    assert files == {name for name, spec in LISTED.items() if not spec.get("generated")}
    assert len(files) >= 25
    assert len({spec["key"] for spec in EXPECTED.values()}) >= 20  # many different failures


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file_gives_its_error_key(name):
    spec = EXPECTED[name]
    options = {key: value for key, value in spec.items() if key != "key"}
    with pytest.raises(DataError) as caught:
        _upload(CORPUS / name, **options)
    assert caught.value.key == spec["key"]
    for lang in LANGUAGES:  # the message exists and its placeholders are filled
        message = caught.value.message(lang)
        assert message and "{" not in message


def test_the_same_bytes_fail_the_same_way_from_memory_and_from_a_file_object():
    data = (CORPUS / "ragged_rows.csv").read_bytes()
    for source in (data, std_io.BytesIO(data)):
        with pytest.raises(DataError) as caught:
            io.load_table(source)
        assert caught.value.key == "error.io.ragged_rows"
        assert caught.value.params == {"line": 3, "expected": 3, "found": 4, "count": 1}


def test_size_limit_is_checked_before_reading_a_file_object():
    class Upload:  # what Streamlit hands over: a size and a read() that must not be needed
        size = 300 * 1024 * 1024
        name = "riesig.csv"

        def read(self, *_):
            raise AssertionError("read although too large")

    with pytest.raises(DataError) as caught:
        io.load_table(Upload())
    assert caught.value.key == "error.io.too_large"
    assert caught.value.params == {"size": 300, "limit": 200}
    assert caught.value.message("de") == (
        "Die Datei ist 300 MB groß; erlaubt sind höchstens 200 MB. Exportieren Sie einen kürzeren"
        " Zeitraum oder nur die benötigten Spalten."
    )
