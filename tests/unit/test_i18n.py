"""The catalogues are complete in all three languages and every key the code uses exists."""

import ast
import datetime as dt
import re
import string
from pathlib import Path

import pytest

from kundenmodell import DataError
from kundenmodell.concepts import CONCEPTS
from kundenmodell.i18n import (
    LANGUAGES,
    catalogue,
    format_date,
    format_money,
    format_number,
    format_percent,
    normalise_language,
    t,
    terminal_language,
)
from kundenmodell.io import PRIVACY_CHOICES
from kundenmodell.learn import LEARN_MODES
from kundenmodell.sample import SAMPLES
from kundenmodell.schema import CUSTOMER_TYPES, STATUSES, TABLES
from kundenmodell.segments import ACTIVITY_CLASSES, NPS_GROUPS, RFM_SEGMENTS
from kundenmodell.synth import CHANNELS
from kundenmodell.synth.types import ACQUISITION_CHANNELS

ROOT = Path(__file__).resolve().parents[2]
CODE_DIRS = ("kundenmodell", "ui", "pages")
KEY_PATTERN = re.compile(r"^[a-z_]+(\.[a-z_0-9]+)+$")
NBSP = "\u00a0"


def _code_files() -> list[Path]:
    files = [ROOT / "app.py"]
    for directory in CODE_DIRS:
        files.extend((ROOT / directory).rglob("*.py"))
    return files


def _literal_keys() -> set[str]:
    """Every string constant in the code that looks like a catalogue key of a known section."""
    sections = {key.split(".")[0] for key in catalogue("en")}
    keys = set()
    for path in _code_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # Literal parts of f-strings are prefixes of dynamic keys, not keys themselves.
        in_fstrings = {
            id(part)
            for node in ast.walk(tree)
            if isinstance(node, ast.JoinedStr)
            for part in node.values
        }
        for node in ast.walk(tree):
            if id(node) in in_fstrings:
                continue
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and KEY_PATTERN.match(node.value)
                and node.value.split(".")[0] in sections
                and not node.value.endswith(".py")  # a script's file name (app.py)
            ):
                keys.add(node.value)
    return keys


def _dynamic_keys() -> set[str]:
    """Keys the code builds from data (``T(f"column.{name}")`` and friends)."""
    keys = {f"column.{name}" for schema in TABLES.values() for name in schema.names}
    keys |= {f"table.{name}" for name in TABLES}
    keys |= {f"status.{value}" for value in STATUSES}
    keys |= {f"customer_type.{value}" for value in CUSTOMER_TYPES}
    keys |= {f"source.{value}" for value in ("synthetic", "sample", "upload", "workspace")}
    keys |= {f"locale.{code}" for code in ("de_DE", "en_US", "nb_NO")}
    keys |= {f"sample.{name}" for name in SAMPLES}
    keys |= {f"concept.{name}.{part}" for name in CONCEPTS for part in ("term", "text")}
    keys |= {f"validation.severity.{level}" for level in ("error", "warning", "info")}
    for schema in TABLES.values():
        for column in schema.columns:
            if column.allowed and column.name not in ("status", "customer_type", "kind"):
                keys |= {f"{column.name}.{value}" for value in column.allowed}
    keys |= {f"activity.{name}" for name in ACTIVITY_CLASSES}
    keys |= {f"rfm.{part}.{name}" for name in RFM_SEGMENTS for part in ("segment", "action")}
    keys |= {f"nps.{part}.{name}" for name in NPS_GROUPS for part in ("group", "strategy")}
    keys |= {f"acquisition_channel.{name}" for name in ACQUISITION_CHANNELS}
    keys |= {f"channel.{name}" for name in CHANNELS}
    keys |= {f"learn.mode_{mode}" for mode in LEARN_MODES}
    keys |= {
        f"privacy.{prefix}{choice}{suffix}"
        for choice in PRIVACY_CHOICES
        for prefix, suffix in (("", ""), ("", "_help"), ("done_", ""))
    }
    return keys


def test_all_languages_have_the_same_keys():
    reference = set(catalogue("en"))
    for lang in LANGUAGES:
        assert set(catalogue(lang)) == reference, lang


def test_placeholders_agree_across_languages():
    formatter = string.Formatter()
    for key, english in catalogue("en").items():
        expected = {name for _, name, _, _ in formatter.parse(english) if name}
        for lang in LANGUAGES:
            found = {name for _, name, _, _ in formatter.parse(catalogue(lang)[key]) if name}
            assert found == expected, (lang, key)


def test_no_empty_texts():
    for lang in LANGUAGES:
        assert all(text.strip() for text in catalogue(lang).values()), lang


def test_every_key_used_in_code_exists():
    used = _literal_keys() | _dynamic_keys()
    assert len(used) > 100  # the scan really found the code's keys
    for lang in LANGUAGES:
        missing = sorted(used - set(catalogue(lang)))
        assert not missing, (lang, missing)


def test_the_key_scan_would_catch_a_missing_key(tmp_path):
    assert "nav.section.data" in _literal_keys()
    with pytest.raises(KeyError):
        t("nav.section.does_not_exist", "de")


def test_translation_fills_parameters():
    assert t("sidebar.size", "de", customers="1.000", transactions="5") == "1.000 Kunden · 5 Käufe"
    assert t("sidebar.size", "nb", customers="1 000", transactions="5") == "1 000 kunder · 5 kjøp"


@pytest.mark.parametrize(
    ("lang", "currency", "expected"),
    [
        ("de", "EUR", f"1.234,56{NBSP}€"),
        ("nb", "NOK", f"1{NBSP}234,56{NBSP}kr"),
        ("en", "USD", "$1,234.56"),
    ],
)
def test_money_follows_the_locale(lang, currency, expected):
    assert format_money(1234.56, currency, lang) == expected


def test_numbers_percent_and_dates_follow_the_locale():
    assert format_number(1234567.891, "de", decimals=1) == "1.234.567,9"
    assert format_number(1234567.891, "en") == "1,234,568"
    assert format_number(1234567, "nb") == f"1{NBSP}234{NBSP}567"
    assert format_percent(0.183, "de") == f"18{NBSP}%"
    assert format_percent(0.1834, "en", decimals=1) == "18.3%"
    assert format_money(1234.4, "EUR", "de", decimals=0) == f"1.234{NBSP}€"
    day = dt.date(2024, 12, 31)
    assert format_date(day, "de") == "31.12.2024"
    assert format_date(day, "en") == "Dec 31, 2024"
    assert format_date(day, "nb") == "31. des. 2024"


def test_language_codes_are_normalised():
    assert normalise_language("EN") == "en"
    assert normalise_language("nb-NO") == "nb"
    assert normalise_language("no") == "nb"
    assert normalise_language("fr") == "de"
    assert normalise_language(None) == "de"


def test_data_error_speaks_every_language():
    error = DataError("error.invalid_size", minimum=1, maximum=10)
    assert isinstance(error, ValueError)
    assert str(error) == "The number of customers must be between 1 and 10."
    assert error.message("de") == "Die Anzahl der Kunden muss zwischen 1 und 10 liegen."
    assert error.message("nb") == "Antall kunder må ligge mellom 1 og 10."


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),  # a container or CI machine that names no language
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "POSIX"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "de"),
        ({"LANG": "nb_NO.UTF-8"}, "nb"),
        ({"LANG": "no_NO"}, "nb"),
        ({"LANG": "nn_NO.UTF-8"}, "nb"),
        ({"LANG": "en_GB.UTF-8", "LC_ALL": "de_AT.UTF-8"}, "de"),  # LC_ALL outranks LANG
        ({"LANG": "de_DE.UTF-8", "LC_ALL": "C.UTF-8"}, "de"),  # C names no language
        ({"LANG": "de_DE.UTF-8", "LC_MESSAGES": "nb_NO.UTF-8"}, "nb"),
        ({"LANGUAGE": "fr:nb:de", "LANG": "en_US.UTF-8"}, "nb"),  # first one supported
        ({"LANG": "fr_FR.UTF-8"}, "en"),
        ({"LC_ALL": "fr_FR.UTF-8", "LANG": "de_DE.UTF-8"}, "de"),
    ],
)
def test_the_terminal_language_is_read_as_gettext_reads_it(environ, expected):
    assert terminal_language(environ) == expected
