"""Numbers as people type them, per language: read exactly, or refused with a message."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kundenmodell import DataError
from kundenmodell.i18n import LANGUAGES, format_number
from kundenmodell.i18n.numbers import check_range, parse_number


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("6,5", "de", 6.5),
        ("36,4", "de", 36.4),
        ("1.234,5", "de", 1234.5),
        ("1.234", "de", 1234.0),
        ("-0,25", "de", -0.25),
        ("\u22123", "de", -3.0),
        ("12,50 €", "de", 12.5),
        ("6,5 %", "de", 6.5),
        ("6,5", "nb", 6.5),
        ("1 234,5", "nb", 1234.5),
        ("1\u00a0234,5", "nb", 1234.5),
        ("kr 1 000", "nb", 1000.0),
        ("6.5", "en", 6.5),
        ("1,234.5", "en", 1234.5),
        ("$1,000", "en", 1000.0),
    ],
)
def test_numbers_read_as_written_in_the_language(text, lang, value):
    assert parse_number(text, lang) == value


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("6.5", "de"),  # an English decimal on a German page: refused, not 65
        ("6.5", "nb"),
        ("6,5", "en"),
        ("1.23,4", "de"),
        ("12,345.6", "de"),
        ("1e309", "en"),
        ("abc", "de"),
        ("1,2,3", "en"),
    ],
)
def test_what_cannot_be_read_is_refused_with_an_example(text, lang):
    with pytest.raises(DataError) as caught:
        parse_number(text, lang)
    assert caught.value.key == "error.number.unreadable"
    for language in LANGUAGES:
        message = caught.value.message(language)
        assert text in message and "{" not in message


def test_blank_is_its_own_message():
    with pytest.raises(DataError) as caught:
        parse_number("  ", "de")
    assert caught.value.key == "error.number.empty"


def test_range_names_both_bounds_in_the_language():
    assert check_range(5.0, "de", minimum=0, maximum=100) == 5.0
    with pytest.raises(DataError) as caught:
        check_range(100.5, "de", minimum=0, maximum=99.5)
    assert caught.value.message("de") == "Bitte eine Zahl zwischen 0 und 99,5 eingeben."


@given(
    value=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
    decimals=st.integers(0, 4),
    lang=st.sampled_from(LANGUAGES),
)
def test_what_the_page_shows_reads_back_as_the_same_number(value, decimals, lang):
    shown = format_number(value, lang, decimals=decimals)
    assert math.isclose(parse_number(shown, lang), round(value, decimals), abs_tol=10**-decimals)


@pytest.mark.parametrize(
    ("lang", "currency", "small", "large"),
    [
        ("de", "EUR", "9.999.999 €", "1,96 Mrd. €"),
        ("en", "USD", "$9,999,999", "$1.96B"),
        ("nb", "NOK", "9 999 999 kr", "kr 1,96 mrd."),
    ],
)
def test_headline_money_is_whole_units_below_ten_million_and_abbreviated_above(
    lang, currency, small, large
):
    from kundenmodell.i18n import format_money_short

    assert format_money_short(9_999_999.4, currency, lang).replace("\xa0", " ") == small
    assert format_money_short(1_962_822_971.57, currency, lang).replace("\xa0", " ") == large
    assert "−" in format_money_short(-12_500_000, currency, lang) or "-" in format_money_short(
        -12_500_000, currency, lang
    )


@pytest.mark.parametrize(
    ("lang", "below", "millions", "billions"),
    [
        ("de", "999.999", "1,77 Mio.", "1,23 Mrd."),
        ("en", "999,999", "1.77M", "1.23B"),
        ("nb", "999 999", "1,77 mill.", "1,23 mrd."),
    ],
)
def test_headline_counts_are_whole_below_a_million_and_abbreviated_above(
    lang, below, millions, billions
):
    """Expected purchases at 18 M purchases (``5.985.056 Käufe``) were cut off in their tile."""
    from kundenmodell.i18n import Formats, format_number_short

    def short(value: float) -> str:
        return format_number_short(value, lang).replace("\xa0", " ")

    assert short(999_999.4) == below
    assert short(1_774_628) == millions
    assert short(1_234_567_890) == billions
    assert Formats(lang, "EUR").number_short(1_774_628).replace("\xa0", " ") == millions
