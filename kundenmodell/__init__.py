"""Kundenmodell: customer analysis and teaching, usable from a notebook or the workbench app.

``import kundenmodell as km`` gives the objects the workbench's pages use:

>>> import kundenmodell as km
>>> data = km.synth.generate(5_000, locale="de_DE", seed=1)
>>> km.overview.kpis(data).buyers > 0
True

- data in: :func:`load` (a file, a sample name or a workspace export), :func:`load_sample`,
  ``km.synth.generate``, ``km.io`` (the upload steps one by one);
- analyses: ``km.segments``, ``km.personas``, ``km.roles``, ``km.scenarios``, ``km.clv``
  (each with Altair chart builders that render in Jupyter), ``km.overview``, ``km.charts``;
- saved workspaces: ``km.store.open(name)``, ``km.store.save(...)``.

The analysis packages are imported on first use, so ``import kundenmodell`` stays quick.
"""

import importlib
from typing import Any

from kundenmodell import charts, i18n, overview, sample, schema, store, synth
from kundenmodell.dataset import Dataset
from kundenmodell.errors import DataError
from kundenmodell.loading import load
from kundenmodell.sample import load_sample
from kundenmodell.schema import validate

_ON_FIRST_USE = ("clv", "engine", "io", "learn", "personas", "roles", "scenarios", "segments")

__all__ = [
    "DataError",
    "Dataset",
    "charts",
    "i18n",
    "load",
    "load_sample",
    "overview",
    "sample",
    "schema",
    "store",
    "synth",
    "validate",
    *_ON_FIRST_USE,
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """``km.clv``, ``km.segments``, ...: import the analysis package when first asked for."""
    if name in _ON_FIRST_USE:
        return importlib.import_module(f"kundenmodell.{name}")
    raise AttributeError(f"module 'kundenmodell' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_ON_FIRST_USE))
