"""Buyer personas built from the data: features per customer, latent classes, profile sheets.

>>> import kundenmodell as km
>>> from kundenmodell import personas
>>> data = km.synth.generate(3_000, seed=1)
>>> result = personas.build(data, seed=0)
>>> 3 <= result.k <= 8 and len(result.personas) == result.k
True

Modules: :mod:`~kundenmodell.personas.features` (one row per customer),
:mod:`~kundenmodell.personas.latent` (the latent class model and why),
:mod:`~kundenmodell.personas.clustering` (choosing k), :mod:`~.sampling` (fitting on a sample
of a large base), :mod:`~.labelling` (every customer of a source in place labelled, part by
part), :mod:`~kundenmodell.personas.quality`
(silhouette, stability, certainty, ARI), :mod:`~kundenmodell.personas.profile` (the profile
sheet as data), :mod:`~kundenmodell.personas.text` (… in words), :mod:`~.cards` (HTML),
:mod:`~.image` (PNG), :mod:`~.pdf` (printable vector PDF), :mod:`~.export` (Markdown, JSON),
:mod:`~.charts` (Altair).
"""

from kundenmodell.personas.features import (
    DEFAULT_FEATURES,
    FEATURES,
    available_features,
    customer_features,
)
from kundenmodell.personas.labelling import Population, label_source
from kundenmodell.personas.persona_set import PersonaSet, build, initials, sharpening_columns
from kundenmodell.personas.profile import Persona, Statement, Trait
from kundenmodell.personas.quality import Quality, adjusted_rand_index
from kundenmodell.personas.sampling import PERSONA_SAMPLE, Sample
from kundenmodell.personas.text import Sheet, sheet

__all__ = [
    "DEFAULT_FEATURES",
    "FEATURES",
    "PERSONA_SAMPLE",
    "Persona",
    "PersonaSet",
    "Population",
    "Quality",
    "Sample",
    "Sheet",
    "Statement",
    "Trait",
    "adjusted_rand_index",
    "available_features",
    "build",
    "customer_features",
    "initials",
    "label_source",
    "sharpening_columns",
    "sheet",
]
