"""The synthetic generator's entry point: check the arguments, run the stages, build the Dataset."""

from __future__ import annotations

import datetime as dt
import math
import numbers
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kundenmodell.dataset import Dataset
from kundenmodell.dates import as_day
from kundenmodell.errors import DataError
from kundenmodell.schema import CONSUMER_ROLES, CUSTOMERS, INTERACTION_KINDS, STATUSES
from kundenmodell.synth import sampling, season
from kundenmodell.synth.customers import (
    CUSTOMER,
    ID_WIDTH,
    Population,
    day_number,
    draw_customers,
    text_columns,
)
from kundenmodell.synth.interactions import first_contact, simulate_interactions
from kundenmodell.synth.locales import LOCALES, LocaleFacts
from kundenmodell.synth.pools import Pools, pools
from kundenmodell.synth.purchases import simulate_purchases
from kundenmodell.synth.types import (
    CATEGORIES,
    CHANNELS,
    CUSTOMER_TYPES,
    INTERACTION_OUTCOMES,
    CustomerType,
)

MIN_CUSTOMERS = 1
MAX_CUSTOMERS = 5_000_000
DEFAULT_END = dt.date(2026, 6, 30)
DEFAULT_YEARS = 3


def generate(
    n_customers: int,
    locale: str = "de_DE",
    seed: int = 0,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    b2b_share: float = 0.15,
    internal_share: float = 0.03,
    types: Sequence[CustomerType | str] | None = None,
    seasonality: float = 0.35,
    progress: Callable[[float], None] | None = None,
) -> Dataset:
    """A synthetic customer base with purchases and interactions, in the canonical schema.

    ``n_customers`` people (1 to 5,000,000; leads, contacts and prospects included) are drawn
    from the planted :data:`CUSTOMER_TYPES` (or the given ``types``, keys or
    :class:`CustomerType` objects). Business types share ``b2b_share`` of the population, the
    private types the rest, each group by the types' weights; when only one kind of type is
    chosen, ``b2b_share`` does not apply. ``internal_share`` of the people are internal
    customers (colleagues and departments). Purchases run from ``start`` to ``end``
    (default: the three years up to 30 June 2026, independent of today's date) and peak
    before Christmas with strength ``seasonality`` (0 = no season, 1 = the rate doubles on
    the peak day relative to the trough); its yearly mean stays the BG/NBD rate.

    The same arguments always give the same tables. ``progress`` is called with increasing
    fractions up to 1.0.

    Tables and dtypes (``str`` is pandas' default string dtype, ``category`` a Categorical):

    - customers: every column of :data:`kundenmodell.schema.CUSTOMERS` in order.
      customer_id, first_name, last_name, email, phone, company, industry, city, postcode:
      str (company and industry missing for private customers); status: ordered category
      (lead < contact < prospect < customer); customer_type, relationship, gender,
      contact_preference, acquisition_channel, country, nationality: category; birth_date,
      acquired_at: datetime64[s] at midnight; age, email_responses, reminders: int64; income:
      float64 (missing for business customers); nps_score: Int64 (missing for ~40 %).
    - transactions (one row per purchase, sorted by customer_id and date): customer_id: str;
      date: datetime64[s]; amount: float64 (2 decimals, > 0, in ``currency``); quantity:
      int64; category (localised names), channel, consumer_role: category.
    - interactions (sorted by customer_id and date): customer_id: str; date: datetime64[s];
      kind, outcome: category.

    ``truth`` holds each customer's planted type key (name ``persona_type``) and
    ``truth_params`` the true parameters: ``time_unit`` ("W": rates per week), ``currency``,
    ``seasonality``, ``season`` (peak and shape), ``period``, ``b2b_share``,
    ``internal_share`` and ``types``: per type key its ``weight`` (share of the population),
    ``customer_type``, ``bgnbd`` (r, alpha, a, b), ``spend`` (Gamma-Gamma p, q, v in the
    locale currency), ``mean_spend``, ``age``, ``income`` (median, sigma, mean; None for b2b)
    and the ``status`` and ``consumer_role`` mixes.

    Everything is held in memory (about 1.2 GB at 1,000,000 customers); for larger data sets
    :func:`kundenmodell.synth.write_folder` writes Parquet block by block.

    Raises :class:`DataError` with ``error.unknown_locale`` (``locale``),
    ``error.invalid_size`` (``minimum``, ``maximum``) for a count that is not a whole number of
    at least 1, ``generate_error.too_many_in_memory`` (``maximum``) above 5,000,000 (it names the
    folder writer), ``error.invalid_share`` (``name``:
    b2b_share, internal_share or seasonality), ``error.invalid_period`` and
    ``error.unknown_customer_type`` (``name``, ``available``).
    """
    report = progress or (lambda fraction: None)
    settings = plan(
        locale,
        start=start,
        end=end,
        b2b_share=b2b_share,
        internal_share=internal_share,
        types=types,
        seasonality=seasonality,
    )
    n = _size(n_customers)
    report(0.05)

    # One stream per stage, so a change in one stage leaves the others' draws alone; the
    # locale is part of the entropy, so two locales with the same seed are different people.
    entropy = np.random.SeedSequence([seed, zlib.crc32(locale.encode("ascii"))])
    streams = [np.random.default_rng(child) for child in entropy.spawn(4)]
    drawn = pools(locale, seed)
    report(0.15)

    tables = draw_tables(settings, streams, drawn, n, report=report)
    report(0.9)
    truth = pd.Series(
        sampling.categorical(tables.type_index, [kind.key for kind in settings.types]).array,
        index=pd.Index(tables.customers["customer_id"], name="customer_id"),
        name="persona_type",
    )
    dataset = Dataset(
        customers=tables.customers,
        transactions=tables.transactions,
        interactions=tables.interactions,
        name=f"synthetic {locale} n={n}",
        source="synthetic",
        currency=settings.facts.currency,
        locale=locale,
        truth=truth,
        truth_params=truth_params(settings),
    )
    report(1.0)
    return dataset


@dataclass(frozen=True)
class Plan:
    """The checked arguments of a generator run that do not depend on its size."""

    locale: str
    facts: LocaleFacts
    start: dt.date
    end: dt.date
    types: list[CustomerType]
    shares: np.ndarray
    b2b_share: float
    internal_share: float
    seasonality: float


def plan(
    locale: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    b2b_share: float = 0.15,
    internal_share: float = 0.03,
    types: Sequence[CustomerType | str] | None = None,
    seasonality: float = 0.35,
) -> Plan:
    """Check the arguments :func:`generate` and the folder writer share (see :func:`generate`
    for their meaning and the :class:`DataError` keys) and resolve types, shares and period."""
    if locale not in LOCALES:
        raise DataError("error.unknown_locale", locale=locale)
    for name, value in (
        ("b2b_share", b2b_share),
        ("internal_share", internal_share),
        ("seasonality", seasonality),
    ):
        if not _is_share(value):
            raise DataError("error.invalid_share", name=name)
    first, last = _period(start, end)
    chosen = _resolve_types(types)
    return Plan(
        locale=locale,
        facts=LOCALES[locale],
        start=first,
        end=last,
        types=chosen,
        shares=_shares(chosen, float(b2b_share)),
        b2b_share=float(b2b_share),
        internal_share=float(internal_share),
        seasonality=float(seasonality),
    )


@dataclass(frozen=True)
class Tables:
    """One generated block of customers with everything they did, in the canonical schema.

    ``type_index`` is each customer's planted type (an index into ``Plan.types``);
    ``purchase_counts`` and ``interaction_counts`` are the rows each customer has in
    ``transactions`` and ``interactions`` (both sorted by customer), so the tables can be cut
    into ranges of customers without looking at the ids.
    """

    customers: pd.DataFrame
    transactions: pd.DataFrame
    interactions: pd.DataFrame
    type_index: np.ndarray
    purchase_counts: np.ndarray
    interaction_counts: np.ndarray


def draw_tables(
    settings: Plan,
    streams: Sequence[np.random.Generator],
    drawn: Pools,
    n: int,
    *,
    first_id: int = 1,
    id_width: int = ID_WIDTH,
    report: Callable[[float], None] = lambda fraction: None,
) -> Tables:
    """``n`` customers numbered from ``first_id`` (ids ``C`` + ``id_width`` digits) with their
    purchases and interactions, drawn from the four ``streams`` (customers, purchases,
    interactions, texts). ``report`` gets the fractions 0.45 and 0.75."""
    population = draw_customers(
        streams[0],
        n,
        settings.types,
        settings.shares,
        settings.facts,
        drawn,
        settings.start,
        settings.end,
        settings.seasonality,
        settings.internal_share,
        first_id=first_id,
        id_width=id_width,
    )
    report(0.45)

    end_day = day_number(settings.end)
    # Text columns and interactions need only the customers: build them on a second core
    # meanwhile (numpy and arrow release the GIL; each stage has its own random stream, so
    # the result does not depend on the timing).
    with ThreadPoolExecutor(max_workers=1) as worker:
        texts = worker.submit(text_columns, streams[3], population, settings.facts, drawn)
        contacts = worker.submit(
            _interactions,
            streams[2],
            population,
            (day_number(settings.start), end_day),
            settings.types,
        )
        transactions, purchase_counts = _transactions(streams[1], population, end_day, settings)
        report(0.75)
        interactions, email_responses, interaction_counts = contacts.result()
        columns = {**population.columns, **texts.result()}

    columns["email_responses"] = pd.Series(email_responses)
    return Tables(
        customers=pd.DataFrame({name: columns[name] for name in CUSTOMERS.names}),
        transactions=transactions,
        interactions=interactions,
        type_index=population.type_index,
        purchase_counts=purchase_counts,
        interaction_counts=interaction_counts,
    )


def _transactions(
    rng: np.random.Generator,
    population: Population,
    end_day: int,
    settings: Plan,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The purchase table and the number of purchases per customer."""
    buyers = np.flatnonzero(population.status == CUSTOMER)
    facts = settings.facts
    purchases = simulate_purchases(
        rng,
        buyers,
        population.type_index[buyers],
        population.acquired[buyers],
        end_day,
        settings.types,
        facts.money_factor,
        settings.seasonality,
    )
    frame = pd.DataFrame(
        {
            "customer_id": sampling.to_series(sampling.take(population.ids, purchases.customer)),
            "date": sampling.days_to_datetime(purchases.day),
            "amount": purchases.amount,
            "quantity": purchases.quantity,
            "category": sampling.categorical(
                purchases.category, [facts.categories[key] for key in CATEGORIES]
            ),
            "channel": sampling.categorical(purchases.channel, CHANNELS),
            "consumer_role": sampling.categorical(purchases.role, CONSUMER_ROLES),
        }
    )
    return frame, np.bincount(purchases.customer, minlength=len(population.status))


def _interactions(
    rng: np.random.Generator,
    population: Population,
    period: tuple[int, int],
    chosen: Sequence[CustomerType],
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The interaction table, the replied e-mails and the interactions per customer."""
    is_customer = population.status == STATUSES.index("customer")
    contact = first_contact(rng, population.acquired, is_customer, period[0])
    contacts = simulate_interactions(
        rng, population.type_index, population.status, contact, period[1], chosen
    )
    frame = pd.DataFrame(
        {
            "customer_id": sampling.to_series(sampling.take(population.ids, contacts.customer)),
            "date": sampling.days_to_datetime(contacts.day),
            "kind": sampling.categorical(contacts.kind, INTERACTION_KINDS),
            "outcome": sampling.categorical(contacts.outcome, INTERACTION_OUTCOMES),
        }
    )
    n = len(population.status)
    return frame, contacts.email_responses(n), np.bincount(contacts.customer, minlength=n)


def _size(n_customers: Any) -> int:
    """The number of customers of an in-memory data set; more than :data:`MAX_CUSTOMERS`
    get a message that points to the folder writer, which has no cap."""
    if not is_count(n_customers, MIN_CUSTOMERS):
        raise DataError("error.invalid_size", minimum=MIN_CUSTOMERS, maximum=MAX_CUSTOMERS)
    if n_customers > MAX_CUSTOMERS:
        raise DataError("generate_error.too_many_in_memory", maximum=MAX_CUSTOMERS)
    return int(n_customers)


def is_count(value: Any, minimum: int) -> bool:
    """Whether ``value`` is a whole number (not a bool) of at least ``minimum``."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= minimum


def _is_share(value: Any) -> bool:
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 <= value <= 1
    )


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _period(start: Any, end: Any) -> tuple[dt.date, dt.date]:
    end_date = DEFAULT_END if end is None else as_day(end).date()
    start_date = _years_before(end_date, DEFAULT_YEARS) if start is None else as_day(start).date()
    if not start_date < end_date or start_date.year < 1900:
        raise DataError("error.invalid_period")
    return start_date, end_date


def _resolve_types(types: Sequence[CustomerType | str] | None) -> list[CustomerType]:
    if not types:
        return list(CUSTOMER_TYPES.values())
    chosen: dict[str, CustomerType] = {}
    for item in types:
        if isinstance(item, CustomerType):
            chosen.setdefault(item.key, item)
        elif item in CUSTOMER_TYPES:
            chosen.setdefault(item, CUSTOMER_TYPES[item])
        else:
            raise DataError(
                "error.unknown_customer_type", name=str(item), available=", ".join(CUSTOMER_TYPES)
            )
    return list(chosen.values())


def _shares(chosen: Sequence[CustomerType], b2b_share: float) -> np.ndarray:
    """Population share of each type: b2b types split ``b2b_share``, b2c types the rest."""
    weights = np.array([kind.weight for kind in chosen], dtype=np.float64)
    if np.any(weights <= 0):
        raise ValueError("customer type weights must be positive")
    business = np.array([kind.customer_type == "b2b" for kind in chosen])
    if business.all() or not business.any():
        return weights / weights.sum()
    return np.where(
        business,
        b2b_share * weights / weights[business].sum(),
        (1 - b2b_share) * weights / weights[~business].sum(),
    )


def _mix_dict(weights: Sequence[tuple[str, float]], keys: Sequence[str]) -> dict[str, float]:
    row = sampling.mix_matrix([tuple(weights)], keys)[0]
    return {key: float(value) for key, value in zip(keys, row, strict=True) if value > 0}


def truth_params(settings: Plan) -> dict[str, Any]:
    """The planted parameters of a run (see ``truth_params`` in :func:`generate`)."""
    facts = settings.facts
    factor = facts.money_factor
    types: dict[str, Any] = {}
    for kind, share in zip(settings.types, settings.shares, strict=True):
        spend = kind.spend
        income = None
        if kind.income is not None:
            median = kind.income.median * factor
            income = {
                "median": median,
                "sigma": kind.income.sigma,
                "mean": median * math.exp(kind.income.sigma**2 / 2),
            }
        types[kind.key] = {
            "weight": float(share),
            "customer_type": kind.customer_type,
            "bgnbd": {
                "r": kind.purchases.r,
                "alpha": kind.purchases.alpha,
                "a": kind.purchases.a,
                "b": kind.purchases.b,
            },
            "spend": {"p": spend.p, "q": spend.q, "v": spend.v * factor},
            "mean_spend": spend.p * spend.v * factor / (spend.q - 1) if spend.q > 1 else None,
            "age": {
                "mean": kind.age.mean,
                "sd": kind.age.sd,
                "low": kind.age.low,
                "high": kind.age.high,
            },
            "income": income,
            "status": _mix_dict(kind.status, STATUSES),
            "consumer_role": _mix_dict(kind.consumer_role, CONSUMER_ROLES),
            "december_gift": kind.december_gift,
        }
    return {
        "time_unit": "W",
        "currency": facts.currency,
        "money_factor": factor,
        "seasonality": settings.seasonality,
        "season": {
            "peak": "12-12",
            "shape": season.SHAPE,
            "mean_bump": season.MEAN_BUMP,
            "formula": "rate(t) = lambda * (1 + s*bump(t)) / (1 + s*mean_bump), "
            "bump = ((1 + cos(2*pi*(t - peak)/365.2425)) / 2) ** shape",
        },
        "period": {"start": settings.start.isoformat(), "end": settings.end.isoformat()},
        "b2b_share": settings.b2b_share,
        "internal_share": settings.internal_share,
        "types": types,
    }
