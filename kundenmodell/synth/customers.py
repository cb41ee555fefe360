"""The customer table: who each synthetic customer is, drawn column by column for all at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from kundenmodell.schema import CONTACT_PREFERENCES, GENDERS, RELATIONSHIPS, STATUSES
from kundenmodell.synth import sampling, season
from kundenmodell.synth.locales import INDUSTRIES, LocaleFacts
from kundenmodell.synth.pools import Pools
from kundenmodell.synth.types import ACQUISITION_CHANNELS, CustomerType, Mix

CUSTOMER = STATUSES.index("customer")
EMAIL_SEPARATORS = sampling.pool([".", "_", ""])
SEPARATOR_WEIGHTS = np.array([[0.6, 0.2, 0.2]])
EMAIL_NUMBERS = sampling.pool(["", *(str(number) for number in range(1, 1000))])
ID_WIDTH = 7


@dataclass(frozen=True)
class Population:
    """The drawn customers: their columns plus the arrays the later stages need.

    ``type_index`` points into the generator's list of types, ``status`` into
    :data:`~kundenmodell.schema.STATUSES`; ``acquired`` counts days since 1970-01-01.
    ``columns`` holds the numeric, date and categorical customer columns; the text columns
    (names, e-mail, phone, company, town) are built from the pool indices in ``picks`` by
    :func:`text_columns`, and ``email_responses`` is counted from the interactions.
    """

    type_index: np.ndarray
    status: np.ndarray
    acquired: np.ndarray
    business: np.ndarray
    ids: pa.Array
    picks: dict[str, np.ndarray]
    columns: dict[str, pd.Series]


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01."""
    return int(np.datetime64(day, "D").astype(np.int64))


def _anniversaries(years: np.ndarray, month: int, day: int) -> np.ndarray:
    """Day numbers of ``month``/``day`` in each of ``years`` (29 Feb becomes 1 Mar)."""
    months = (years - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (month - 1)
    return months.astype("datetime64[D]").astype(np.int64) + (day - 1)


def birth_days(rng: np.random.Generator, age: np.ndarray, end: dt.date) -> np.ndarray:
    """Birth days (day numbers) such that each person is exactly ``age`` years old at ``end``."""
    years = end.year - age
    latest = _anniversaries(years, end.month, end.day)
    earliest = _anniversaries(years - 1, end.month, end.day)  # exclusive
    return latest - np.floor(rng.random(len(age)) * (latest - earliest)).astype(np.int64)


def _keys(mixes: Sequence[Mix]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(key for weights in mixes for key, _ in weights))


def _big_city_addresses(facts: LocaleFacts) -> tuple[list[str], list[str], np.ndarray]:
    """Town, postcode and probability of every big-city postcode (a city's weight is split
    evenly over its postcodes). Urban customers draw from these; the place index of the
    others continues after them into the Faker towns."""
    towns = [city.name for city in facts.big_cities for _ in city.postcodes]
    postcodes = [code for city in facts.big_cities for code in city.postcodes]
    weights = np.array(
        [city.weight / len(city.postcodes) for city in facts.big_cities for _ in city.postcodes]
    )
    return towns, postcodes, weights / weights.sum()


def _per_type(types: Sequence[CustomerType], attribute: str) -> np.ndarray:
    return np.array([getattr(kind, attribute) for kind in types], dtype=np.float64)


def draw_customers(
    rng: np.random.Generator,
    n: int,
    types: Sequence[CustomerType],
    shares: np.ndarray,
    facts: LocaleFacts,
    pools: Pools,
    start: dt.date,
    end: dt.date,
    seasonality: float,
    internal_share: float,
    *,
    first_id: int = 1,
    id_width: int = ID_WIDTH,
) -> Population:
    """Draw ``n`` customers of ``types`` (in proportions ``shares``) for one locale, with the
    ids ``first_id`` … ``first_id + n − 1`` (``C`` and ``id_width`` digits, zero-padded).

    Text columns are left to :func:`text_columns` (they can be built while purchases are
    drawn); this stage draws who the customers are and which pool entries they get.
    """
    ti = sampling.draw_grouped(rng, np.zeros(n, dtype=np.int64), shares[None, :]).astype(np.int64)
    matrix = sampling.mix_matrix

    status = sampling.draw_grouped(rng, ti, matrix([k.status for k in types], STATUSES))
    gender = sampling.draw_grouped(rng, ti, matrix([k.gender for k in types], GENDERS))

    # Names: female names for women, male names for men, either for diverse.
    n_first = len(pools.first_names)
    female = (gender == 0) | ((gender == 2) & (rng.random(n) < 0.5))
    first = np.where(
        female,
        rng.integers(0, pools.n_female, n),
        rng.integers(pools.n_female, n_first, n),
    )
    last = rng.integers(0, len(pools.last_names), n)

    # Age at the end of the period, and a birth date that agrees with it.
    ages = np.array([[k.age.mean, k.age.sd, k.age.low, k.age.high] for k in types])[ti]
    age = np.clip(np.rint(rng.normal(ages[:, 0], ages[:, 1])), ages[:, 2], ages[:, 3])
    age = age.astype(np.int64)
    birth = birth_days(rng, age, end)

    # Income in the locale currency; none for business customers.
    incomes = np.array(
        [[np.log(k.income.median), k.income.sigma] if k.income else [np.nan, 0.0] for k in types]
    )[ti]
    income = np.exp(incomes[:, 0] + incomes[:, 1] * rng.standard_normal(n)) * facts.money_factor
    income = np.round(income / facts.income_rounding) * facts.income_rounding

    # Where they live: urban customers in a big city, the others in a Faker town.
    urban = rng.random(n) < _per_type(types, "urban_share")[ti]
    _, _, big_weights = _big_city_addresses(facts)
    big_pick = sampling.draw_grouped(rng, np.zeros(n, dtype=np.int64), big_weights[None, :])
    place = np.where(
        urban,
        big_pick.astype(np.int64),
        len(big_weights) + rng.integers(0, len(pools.towns), n),
    )

    nationalities = _keys([facts.nationalities])
    nationality = sampling.draw_grouped(
        rng, np.zeros(n, dtype=np.int64), matrix([facts.nationalities], nationalities)
    )
    contact = sampling.draw_grouped(
        rng, ti, matrix([k.contact_preference for k in types], CONTACT_PREFERENCES)
    )
    channel = sampling.draw_grouped(
        rng, ti, matrix([k.acquisition_channel for k in types], ACQUISITION_CHANNELS)
    )

    # Acquired: customers on their first purchase (seasonal like all purchases), the others on
    # their first contact, more of them recently.
    start_day, end_day = day_number(start), day_number(end)
    days = np.arange(start_day, end_day + 1)
    ramp = 0.5 + (days - start_day + 1) / len(days)
    weights = np.vstack([ramp / ramp.sum(), season.multiplier(days, seasonality)])
    weights[1] /= weights[1].sum()
    is_customer = status == CUSTOMER
    acquired = start_day + sampling.draw_grouped(rng, is_customer.astype(np.int64), weights).astype(
        np.int64
    )

    # Net promoter score: ~40 % never answered.
    answered = rng.random(n) < _per_type(types, "nps_response")[ti]
    nps_scores = [tuple((str(score), w) for score, w in enumerate(k.nps)) for k in types]
    nps = sampling.draw_grouped(rng, ti, matrix(nps_scores, [str(score) for score in range(11)]))
    reminders = rng.poisson(_per_type(types, "reminders_mean")[ti])

    # Business customers: a company and its industry.
    b2b = np.array([k.customer_type == "b2b" for k in types])[ti]
    company = rng.integers(0, len(pools.companies), n)
    industry = rng.integers(0, len(INDUSTRIES), n)
    internal = rng.random(n) < internal_share

    ids = sampling.numbered("C", np.arange(first_id, first_id + n), id_width)
    columns = {
        "customer_id": sampling.to_series(ids),
        "status": sampling.categorical(status, STATUSES, ordered=True),
        "customer_type": sampling.categorical(b2b.astype(np.int8), ("b2c", "b2b")),
        "relationship": sampling.categorical(internal.astype(np.int8), RELATIONSHIPS),
        "birth_date": pd.Series(sampling.days_to_datetime(birth)),
        "age": pd.Series(age),
        "gender": sampling.categorical(gender, GENDERS),
        "income": pd.Series(income),
        "country": sampling.categorical(np.zeros(n, dtype=np.int8), (facts.country,)),
        "nationality": sampling.categorical(nationality, nationalities),
        "contact_preference": sampling.categorical(contact, CONTACT_PREFERENCES),
        "acquisition_channel": sampling.categorical(channel, ACQUISITION_CHANNELS),
        "acquired_at": pd.Series(sampling.days_to_datetime(acquired)),
        "nps_score": pd.Series(pd.arrays.IntegerArray(nps.astype(np.int64), ~answered)),
        "reminders": pd.Series(reminders.astype(np.int64)),
    }
    picks = {"first": first, "last": last, "place": place, "company": company, "industry": industry}
    return Population(ti, status, acquired, b2b, ids, picks, columns)


def text_columns(
    rng: np.random.Generator, population: Population, facts: LocaleFacts, pools: Pools
) -> dict[str, pd.Series]:
    """Names, e-mail, phone, company, industry, town and postcode of every customer.

    E-mail addresses are ``first.last42@gmx.de`` for private customers (separator, number and
    free-mail domain vary) and ``first.last@company.de`` for business customers.
    """
    picks, b2b = population.picks, population.business
    first, last, company = picks["first"], picks["last"], picks["company"]
    n = len(b2b)
    domains = _keys([facts.email_domains])
    zeros = np.zeros(n, dtype=np.int64)
    free = sampling.draw_grouped(rng, zeros, sampling.mix_matrix([facts.email_domains], domains))
    separator = sampling.draw_grouped(rng, zeros, SEPARATOR_WEIGHTS)
    number = rng.integers(1, len(EMAIL_NUMBERS), n)
    email = sampling.join(
        sampling.take(pools.first_names_ascii, first),
        sampling.take(EMAIL_SEPARATORS, np.where(b2b, 0, separator)),
        sampling.take(pools.last_names_ascii, last),
        sampling.take(EMAIL_NUMBERS, np.where(b2b, 0, number)),
        "@",
        sampling.take(
            pa.concat_arrays([sampling.pool(domains), pools.domains]),
            np.where(b2b, len(domains) + company, free),
        ),
    )
    phone_prefixes = sampling.pool(facts.phone.prefixes)
    phone = sampling.join(
        sampling.take(phone_prefixes, rng.integers(0, len(phone_prefixes), n)),
        sampling.fill_pattern(rng, n, facts.phone.pattern),
    )
    big_towns, big_postcodes, _ = _big_city_addresses(facts)
    towns = pa.concat_arrays([sampling.pool(big_towns), pools.towns])
    postcodes = pa.concat_arrays([sampling.pool(big_postcodes), pools.postcodes])
    industries = sampling.pool(facts.industries[key] for key in INDUSTRIES)
    return {
        "first_name": sampling.to_series(sampling.take(pools.first_names, first)),
        "last_name": sampling.to_series(sampling.take(pools.last_names, last)),
        "email": sampling.to_series(email),
        "phone": sampling.to_series(phone),
        "company": sampling.to_series(sampling.take(pools.companies, company, missing=~b2b)),
        "industry": sampling.to_series(sampling.take(industries, picks["industry"], missing=~b2b)),
        "city": sampling.to_series(sampling.take(towns, picks["place"])),
        "postcode": sampling.to_series(sampling.take(postcodes, picks["place"])),
    }
