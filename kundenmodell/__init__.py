"""Kundenmodell: customer analysis and teaching, usable from a notebook or the workbench app.

>>> import kundenmodell as km
>>> data = km.synth.generate(5_000, locale="de_DE", seed=1)
>>> km.overview.kpis(data).buyers > 0
True
"""

from kundenmodell import charts, i18n, overview, sample, schema, store, synth
from kundenmodell.dataset import Dataset
from kundenmodell.errors import DataError
from kundenmodell.sample import load_sample
from kundenmodell.schema import validate

__all__ = [
    "DataError",
    "Dataset",
    "charts",
    "i18n",
    "load_sample",
    "overview",
    "sample",
    "schema",
    "store",
    "synth",
    "validate",
]
__version__ = "0.1.0"
