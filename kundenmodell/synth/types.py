"""The planted customer types of the synthetic generator, as data.

Each :class:`CustomerType` declares the distributions its customers are drawn from; the
generator code that reads them is written once (in the spirit of Faker's locale providers:
a locale is data, the behaviour lives in the base). Money amounts (income, spend scale ``v``)
are in euro and scaled to the locale's currency by the generator. Purchase rates are per
week.

A *mix* is a tuple of ``(key, weight)`` pairs; weights need not sum to one (the generator
normalises them). The keys are stable English keys (``"online"``, ``"child"``, ``"search"``);
the UI translates them.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

Mix = tuple[tuple[str, float], ...]


def mix(**weights: float) -> Mix:
    """Spell a mix as keyword arguments: ``mix(online=0.7, store=0.3)``."""
    return tuple(weights.items())


@dataclass(frozen=True)
class Normal:
    """A normal distribution clipped to ``[low, high]`` (values are rounded to whole numbers)."""

    mean: float
    sd: float
    low: float
    high: float


@dataclass(frozen=True)
class LogNormal:
    """A lognormal distribution given by its median and the sd of its logarithm."""

    median: float
    sigma: float


@dataclass(frozen=True)
class BGNBD:
    """BG/NBD purchase process (Fader, Hardie & Lee 2005), rates per week.

    While alive a customer buys at rate ``λ ~ Gamma(shape=r, rate=alpha)``; after every repeat
    purchase they drop out with probability ``p ~ Beta(a, b)``.
    """

    r: float
    alpha: float
    a: float
    b: float


@dataclass(frozen=True)
class GammaGamma:
    """Gamma-Gamma spend per purchase (Fader, Hardie & Lee 2005b), ``v`` in euro.

    Each customer has ``ν ~ Gamma(shape=q, rate=v)``; each purchase spends
    ``z ~ Gamma(shape=p, rate=ν)``, so the mean spend is ``p·v/(q−1)``.
    """

    p: float
    q: float
    v: float


@dataclass(frozen=True)
class CustomerType:
    """One latent customer type: who they are, how they buy, how they answer.

    ``weight`` is the type's share among the types of its kind (b2c types share
    ``1 − b2b_share`` of the population by these weights, b2b types share ``b2b_share``).
    ``income`` is ``None`` for business customers (a company has no personal income).
    ``nps`` holds eleven weights for the scores 0–10, ``nps_response`` the share who answered.
    ``status`` is the lifecycle funnel; only ``customer`` rows buy.
    ``december_gift`` is the extra chance that a December purchase is a gift.
    """

    key: str
    description: str
    customer_type: str
    weight: float
    age: Normal
    gender: Mix
    income: LogNormal | None
    urban_share: float
    status: Mix
    purchases: BGNBD
    spend: GammaGamma
    quantity_mean: float
    channel: Mix
    category: Mix
    consumer_role: Mix
    december_gift: float
    contact_preference: Mix
    acquisition_channel: Mix
    nps: tuple[float, ...]
    nps_response: float
    reminders_mean: float
    interactions_mean: float
    interaction_kind: Mix


URBAN_ONLINE = CustomerType(
    key="urban_online",
    description="Young urban online buyers: electronics and fashion, on the phone, often passive.",
    customer_type="b2c",
    weight=0.30,
    age=Normal(mean=29, sd=5, low=18, high=50),
    gender=mix(female=0.49, male=0.48, diverse=0.03),
    income=LogNormal(median=40_000, sigma=0.30),
    urban_share=0.85,
    status=mix(lead=0.12, contact=0.14, prospect=0.19, customer=0.55),
    purchases=BGNBD(r=0.9, alpha=9.0, a=1.3, b=5.0),
    spend=GammaGamma(p=4.0, q=5.0, v=60.0),
    quantity_mean=1.3,
    channel=mix(online=0.70, marketplace=0.22, store=0.06, phone=0.02),
    category=mix(electronics=0.32, fashion=0.33, beauty=0.15, sports=0.10, books=0.10),
    consumer_role=mix(self=0.82, partner=0.08, gift=0.10),
    december_gift=0.30,
    contact_preference=mix(email=0.74, phone=0.04, post=0.02, none=0.20),
    acquisition_channel=mix(social=0.45, search=0.33, referral=0.12, newsletter=0.05, partner=0.05),
    nps=(0.02, 0.02, 0.02, 0.03, 0.03, 0.05, 0.08, 0.20, 0.20, 0.20, 0.15),
    nps_response=0.55,
    reminders_mean=0.4,
    interactions_mean=2.0,
    interaction_kind=mix(email=0.60, support=0.25, call=0.05, other=0.10),
)

FAMILY = CustomerType(
    key="family",
    description="Families buying for their children: toys and kids' clothing, mostly parents.",
    customer_type="b2c",
    weight=0.28,
    age=Normal(mean=38, sd=5, low=22, high=60),
    gender=mix(female=0.60, male=0.39, diverse=0.01),
    income=LogNormal(median=52_000, sigma=0.28),
    urban_share=0.35,
    status=mix(lead=0.08, contact=0.12, prospect=0.20, customer=0.60),
    purchases=BGNBD(r=1.5, alpha=10.0, a=1.2, b=8.0),
    spend=GammaGamma(p=5.0, q=4.0, v=30.0),
    quantity_mean=1.8,
    channel=mix(online=0.45, store=0.45, marketplace=0.10),
    category=mix(toys=0.45, kids_clothing=0.30, books=0.10, home=0.10, sports=0.05),
    consumer_role=mix(child=0.60, self=0.20, partner=0.08, gift=0.12),
    december_gift=0.35,
    contact_preference=mix(email=0.55, phone=0.15, post=0.15, none=0.15),
    acquisition_channel=mix(search=0.30, referral=0.25, social=0.20, newsletter=0.10, store=0.15),
    nps=(0.01, 0.01, 0.02, 0.02, 0.03, 0.05, 0.06, 0.15, 0.20, 0.25, 0.20),
    nps_response=0.60,
    reminders_mean=0.6,
    interactions_mean=2.0,
    interaction_kind=mix(email=0.50, support=0.20, call=0.10, visit=0.15, other=0.05),
)

AFFLUENT_REGULAR = CustomerType(
    key="affluent_regular",
    description="Affluent regulars: older, high income, buy often and much, and recommend you.",
    customer_type="b2c",
    weight=0.17,
    age=Normal(mean=52, sd=7, low=30, high=88),
    gender=mix(female=0.48, male=0.50, diverse=0.02),
    income=LogNormal(median=95_000, sigma=0.30),
    urban_share=0.60,
    status=mix(lead=0.04, contact=0.08, prospect=0.18, customer=0.70),
    purchases=BGNBD(r=3.0, alpha=12.0, a=1.5, b=20.0),
    spend=GammaGamma(p=6.0, q=5.0, v=120.0),
    quantity_mean=1.5,
    channel=mix(store=0.50, online=0.30, phone=0.20),
    category=mix(home=0.30, fashion=0.20, electronics=0.15, books=0.15, beauty=0.10, sports=0.10),
    consumer_role=mix(self=0.60, partner=0.25, gift=0.15),
    december_gift=0.35,
    contact_preference=mix(email=0.35, phone=0.30, post=0.30, none=0.05),
    acquisition_channel=mix(referral=0.35, store=0.30, search=0.20, newsletter=0.15),
    nps=(0.0, 0.0, 0.01, 0.01, 0.01, 0.02, 0.03, 0.10, 0.17, 0.30, 0.35),
    nps_response=0.70,
    reminders_mean=0.2,
    interactions_mean=3.0,
    interaction_kind=mix(email=0.30, call=0.25, visit=0.30, support=0.10, other=0.05),
)

BARGAIN_HUNTER = CustomerType(
    key="bargain_hunter",
    description="Bargain hunters: small baskets, buy on marketplaces, churn fast, detractors.",
    customer_type="b2c",
    weight=0.25,
    age=Normal(mean=34, sd=9, low=18, high=80),
    gender=mix(female=0.50, male=0.48, diverse=0.02),
    income=LogNormal(median=31_000, sigma=0.40),
    urban_share=0.50,
    status=mix(lead=0.15, contact=0.17, prospect=0.23, customer=0.45),
    purchases=BGNBD(r=0.6, alpha=7.0, a=2.0, b=3.0),
    spend=GammaGamma(p=3.0, q=6.0, v=40.0),
    quantity_mean=1.4,
    channel=mix(marketplace=0.45, online=0.45, store=0.10),
    category=mix(
        fashion=0.25, electronics=0.20, home=0.20, groceries=0.15, beauty=0.10, sports=0.10
    ),
    consumer_role=mix(self=0.85, gift=0.10, other=0.05),
    december_gift=0.20,
    contact_preference=mix(email=0.60, phone=0.05, post=0.05, none=0.30),
    acquisition_channel=mix(search=0.45, social=0.30, newsletter=0.15, partner=0.10),
    nps=(0.08, 0.07, 0.08, 0.09, 0.10, 0.12, 0.11, 0.13, 0.12, 0.06, 0.04),
    nps_response=0.50,
    reminders_mean=1.5,
    interactions_mean=1.5,
    interaction_kind=mix(email=0.55, support=0.35, call=0.05, other=0.05),
)

B2B_PROCUREMENT = CustomerType(
    key="b2b_procurement",
    description="Purchasing departments of companies: large baskets for their employees.",
    customer_type="b2b",
    weight=1.0,
    age=Normal(mean=45, sd=9, low=23, high=67),
    gender=mix(female=0.46, male=0.53, diverse=0.01),
    income=None,
    urban_share=0.55,
    status=mix(lead=0.10, contact=0.15, prospect=0.25, customer=0.50),
    purchases=BGNBD(r=2.0, alpha=10.0, a=1.2, b=14.0),
    spend=GammaGamma(p=3.0, q=3.0, v=400.0),
    quantity_mean=8.0,
    channel=mix(field_sales=0.40, online=0.35, phone=0.25),
    category=mix(
        office_supplies=0.40, it_hardware=0.30, furniture=0.15, electronics=0.10, books=0.05
    ),
    consumer_role=mix(employee=0.80, other=0.15, gift=0.05),
    december_gift=0.10,
    contact_preference=mix(email=0.50, phone=0.40, post=0.10),
    acquisition_channel=mix(
        trade_fair=0.35, partner=0.25, search=0.20, referral=0.15, newsletter=0.05
    ),
    nps=(0.01, 0.01, 0.02, 0.02, 0.04, 0.05, 0.08, 0.22, 0.25, 0.17, 0.13),
    nps_response=0.65,
    reminders_mean=0.8,
    interactions_mean=4.0,
    interaction_kind=mix(meeting=0.25, call=0.30, email=0.30, visit=0.10, support=0.05),
)

CUSTOMER_TYPES: MappingProxyType[str, CustomerType] = MappingProxyType(
    {
        kind.key: kind
        for kind in (URBAN_ONLINE, FAMILY, AFFLUENT_REGULAR, BARGAIN_HUNTER, B2B_PROCUREMENT)
    }
)
"""The five planted types by key, in a fixed order."""

# Stable English keys of the categorical values the types draw from.
CHANNELS = ("online", "store", "phone", "field_sales", "marketplace")
CATEGORIES = (
    "toys",
    "kids_clothing",
    "fashion",
    "electronics",
    "home",
    "books",
    "sports",
    "beauty",
    "groceries",
    "office_supplies",
    "it_hardware",
    "furniture",
)
ACQUISITION_CHANNELS = (
    "search",
    "social",
    "referral",
    "newsletter",
    "trade_fair",
    "partner",
    "store",
)
INTERACTION_OUTCOMES = (
    "replied",
    "no_answer",
    "unsubscribed",
    "reached",
    "callback",
    "meeting_booked",
    "order_placed",
    "resolved",
    "escalated",
)

# Outcome mix per interaction kind; ``order_placed`` only happens for buying customers.
OUTCOMES_BY_KIND: MappingProxyType[str, Mix] = MappingProxyType(
    {
        "email": mix(
            replied=0.25, no_answer=0.62, unsubscribed=0.05, meeting_booked=0.03, order_placed=0.05
        ),
        "call": mix(
            reached=0.45, no_answer=0.30, callback=0.12, meeting_booked=0.08, order_placed=0.05
        ),
        "visit": mix(reached=0.30, meeting_booked=0.30, order_placed=0.40),
        "support": mix(resolved=0.75, escalated=0.15, no_answer=0.10),
        "meeting": mix(reached=0.25, callback=0.25, meeting_booked=0.15, order_placed=0.35),
        "other": mix(reached=0.50, no_answer=0.50),
    }
)

# How much a lifecycle stage scales the number of interactions.
INTERACTIONS_BY_STATUS: MappingProxyType[str, float] = MappingProxyType(
    {"lead": 0.3, "contact": 0.7, "prospect": 1.2, "customer": 1.0}
)
