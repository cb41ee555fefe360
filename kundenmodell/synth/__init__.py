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
:class:`~kundenmodell.dataset.Dataset`. Data sets too large for memory (more than 5,000,000
customers, or 100 million purchases for a benchmark) are written block by block as a Parquet
data folder by :func:`write_folder` (:mod:`.folder`; from the shell
``python -m kundenmodell generate``, :mod:`.command`).
"""

from kundenmodell.synth.folder import FolderProgress, FolderSummary, write_folder
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
    "FolderProgress",
    "FolderSummary",
    "GammaGamma",
    "LocaleFacts",
    "LogNormal",
    "Normal",
    "generate",
    "mix",
    "write_folder",
]
