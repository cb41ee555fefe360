"""Pools of locale-correct names, towns and companies, drawn from Faker once per locale and seed.

Faker is slow per call (tens of microseconds), so it never runs per customer: :func:`pools`
asks it for a fixed number of values (independent of the number of customers) and caches the
result; the generator then samples from the pools with numpy. Repeated values in a pool are
kept on purpose: Faker draws frequent names more often, and sampling the pool uniformly keeps
those frequencies. Every pool comes with an e-mail friendly ASCII spelling
(``Jürgen`` → ``juergen``, ``Ødegård`` → ``odegard``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pyarrow as pa
from faker import Faker

from kundenmodell.synth.locales import LOCALES
from kundenmodell.synth.sampling import pool

FIRST_NAMES_PER_GENDER = 1500
LAST_NAMES = 2000
TOWNS = 1200
COMPANIES = 1000

_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "o", "å": "a", "ı": "i"}
)
_LEGAL_FORMS = re.compile(
    r"(?<![\w-])(gmbh|co|kgaa|kg|ag|ohg|gbr|e\.g|ug|se|inc|llc|ltd|plc|group|and sons|asa|as|ans|da"
    r"|sa|gruppen)(?![\w-])\.?"
)


def ascii_name(text: str) -> str:
    """A name spelt for an e-mail address: lower case ASCII letters, digits and hyphens."""
    text = unicodedata.normalize("NFKD", text.lower().translate(_TRANSLITERATION))
    text = text.encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9-]+", "", text.replace(" ", "-"))
    return re.sub(r"-{2,}", "-", text).strip("-") or "kunde"


def company_domain(company: str, tld: str) -> str:
    """A plausible web domain for a company name (``Pölitz Heß AG`` → ``poelitz-hess.de``)."""
    name = _LEGAL_FORMS.sub(" ", company.lower().replace("&", " "))
    return f"{ascii_name(name)}.{tld}"


@dataclass(frozen=True)
class Pools:
    """Drawn values for one locale and seed.

    ``first_names`` holds the female names first (``n_female`` of them), then the male names;
    the ``*_ascii`` arrays are aligned with their pools. ``towns`` and ``postcodes`` are pairs
    (Faker towns outside the locale's big cities); ``domains`` are the companies' web domains.
    """

    first_names: pa.LargeStringArray
    first_names_ascii: pa.LargeStringArray
    n_female: int
    last_names: pa.LargeStringArray
    last_names_ascii: pa.LargeStringArray
    towns: pa.LargeStringArray
    postcodes: pa.LargeStringArray
    companies: pa.LargeStringArray
    domains: pa.LargeStringArray


@lru_cache(maxsize=8)
def pools(locale: str, seed: int) -> Pools:
    """The pools of ``locale`` (a workbench locale such as ``nb_NO``) for ``seed``, cached."""
    facts = LOCALES[locale]
    fake = Faker(facts.faker_locale)
    fake.seed_instance(seed)
    female = [fake.first_name_female() for _ in range(FIRST_NAMES_PER_GENDER)]
    male = [fake.first_name_male() for _ in range(FIRST_NAMES_PER_GENDER)]
    last = [fake.last_name() for _ in range(LAST_NAMES)]
    big = {city.name for city in facts.big_cities}
    towns = [(fake.city(), fake.postcode()) for _ in range(TOWNS)]
    towns = [(town, postcode) for town, postcode in towns if town not in big]
    companies = [fake.company() for _ in range(COMPANIES)]
    first = female + male
    return Pools(
        first_names=pool(first),
        first_names_ascii=pool(ascii_name(name) for name in first),
        n_female=len(female),
        last_names=pool(last),
        last_names_ascii=pool(ascii_name(name) for name in last),
        towns=pool(town for town, _ in towns),
        postcodes=pool(postcode for _, postcode in towns),
        companies=pool(companies),
        domains=pool(company_domain(name, facts.company_tld) for name in companies),
    )
