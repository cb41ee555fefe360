"""Synthetic customer data with planted customer types, for teaching and for testing analyses.

>>> from kundenmodell.synth import generate
>>> data = generate(2_000, locale="nb_NO", seed=3)
>>> data.currency, data.customers["country"].iloc[0]
('NOK', 'NO')

The five planted types (:data:`CUSTOMER_TYPES`) are data in :mod:`.types`, the locale facts
(currency, cities, phone formats, category names) data in :mod:`.locales`. Faker builds name
and town pools once per locale and seed (:mod:`.pools`); numpy draws every column for all
customers at once (:mod:`.customers`), purchases come from a BG/NBD + Gamma-Gamma process
(:mod:`.purchases`), interactions from :mod:`.interactions`; :mod:`.generator` assembles the
:class:`~kundenmodell.dataset.Dataset`.
"""

from kundenmodell.synth.generator import MAX_CUSTOMERS, generate
from kundenmodell.synth.locales import LOCALES, LocaleFacts
from kundenmodell.synth.types import (
    BGNBD,
    CATEGORIES,
    CHANNELS,
    CUSTOMER_TYPES,
    CustomerType,
    GammaGamma,
    LogNormal,
    Normal,
    mix,
)

__all__ = [
    "BGNBD",
    "CATEGORIES",
    "CHANNELS",
    "CUSTOMER_TYPES",
    "LOCALES",
    "MAX_CUSTOMERS",
    "CustomerType",
    "GammaGamma",
    "LocaleFacts",
    "LogNormal",
    "Normal",
    "generate",
    "mix",
]
