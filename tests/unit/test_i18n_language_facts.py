"""The one table of language facts: locale, default currency, separators, and the currency rule."""

import math

import pandas as pd
import pytest
from babel import Locale

from kundenmodell.i18n import (
    BABEL_LOCALES,
    DEFAULT_CURRENCIES,
    LANGUAGE_FACTS,
    LANGUAGES,
    Formats,
    currency_for,
    format_number,
)
from kundenmodell.i18n.numbers import format_numbers, parse_number
from kundenmodell.io.mapping import suggest_mapping
from kundenmodell.synth import LOCALES as SYNTH_LOCALES


def test_every_language_has_its_facts():
    assert set(LANGUAGE_FACTS) == set(LANGUAGES)
    assert BABEL_LOCALES == {"de": "de_DE", "en": "en_US", "nb": "nb_NO"}
    assert DEFAULT_CURRENCIES == {"de": "EUR", "en": "USD", "nb": "NOK"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_separators_agree_with_cldr(lang):
    facts = LANGUAGE_FACTS[lang]
    symbols = Locale.parse(facts.locale).number_symbols["latn"]
    assert facts.decimal_mark == symbols["decimal"]
    assert facts.group_separator == symbols["group"]
    assert facts.group_separator in facts.group_marks
    # the example reads back as 1234.5 and is what the formatter writes
    assert parse_number(facts.example, lang) == 1234.5
    assert format_number(1234.5, lang, decimals=1) == facts.example.replace(" ", "\u00a0")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_default_currency_is_the_synthetic_locales_currency(lang):
    assert SYNTH_LOCALES[BABEL_LOCALES[lang]].currency == DEFAULT_CURRENCIES[lang]


def test_currency_rule_prefers_the_data_sets_currency():
    assert currency_for("en") == "USD"
    assert currency_for("de") == "EUR"
    assert currency_for("nb", None) == "NOK"
    assert currency_for("en", "EUR") == "EUR"
    assert currency_for("nb", " chf ") == "CHF"
    assert currency_for("de", "") == "EUR"  # blank counts as unknown


def test_formats_write_money_shares_and_missing_values():
    fmt = Formats.of("de")
    assert fmt.currency == "EUR" and fmt.symbol == "€"
    assert fmt.money(1234.4) == "1.234\u00a0€"
    assert fmt.money(None) == "–" and fmt.money(math.nan) == "–"
    assert fmt.percent(0.25) == "25\u00a0%" and fmt.percent(None) == "–"
    assert Formats.of("en").money(3) == "$3"
    assert Formats.of("nb", "EUR").currency == "EUR"
    assert format_numbers([1234.5], "nb", decimals=1) == ["1\u00a0234,5"]


@pytest.mark.parametrize(("lang", "currency"), [("de", "EUR"), ("en", "USD"), ("nb", "NOK")])
def test_an_upload_without_currency_gets_the_languages_currency(lang, currency):

    headers = {"de": ["Kundennummer", "Vorname"], "en": ["Customer ID", "First name"]}
    headers["nb"] = ["Kundenummer", "Fornavn"]
    frame = pd.DataFrame({name: ["1", "x"] for name in headers[lang]})
    mapping = suggest_mapping(list(frame.columns), sample=frame)
    assert mapping.locale == BABEL_LOCALES[lang]
    assert mapping.currency == currency


def test_the_language_tables_come_from_the_one_table():
    from kundenmodell.i18n import DATE_INPUT_FORMATS, LANGUAGE_NAMES

    assert LANGUAGES == ("de", "en", "nb")
    assert LANGUAGE_NAMES == {"de": "Deutsch", "en": "English", "nb": "Norsk bokmål"}
    assert DATE_INPUT_FORMATS == {"de": "DD.MM.YYYY", "en": "MM/DD/YYYY", "nb": "DD.MM.YYYY"}


def test_a_data_set_without_currency_is_in_the_default_languages():
    from kundenmodell import Dataset
    from kundenmodell.i18n import DEFAULT_LANGUAGE

    data = Dataset(customers=pd.DataFrame({"customer_id": ["1"]}))
    assert (data.currency, data.locale) == (DEFAULT_CURRENCIES[DEFAULT_LANGUAGE], "de_DE")


def test_significant_digits_and_the_percent_pattern_per_language():
    de, en = Formats.of("de"), Formats.of("en")
    assert de.significant(0.0123456) == "0,01235"
    assert en.significant(1234.6) == "1,235" and en.significant(1.23456) == "1.235"
    assert en.significant(0.0) == "0" and en.significant(float("nan")) == "–"
    assert en.percent_printf == "%.0f%%"
    assert de.percent_printf == "%.0f\xa0%%" == Formats.of("nb").percent_printf
    assert de.percent_printf % 42 == de.percent(0.42)
