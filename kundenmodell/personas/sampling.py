"""Personas at scale: fitted on a random sample of the buyers, then every buyer labelled.

With more than ``PERSONA_SAMPLE`` buyers, :func:`~kundenmodell.personas.build` fits the latent
class model on a sample of ``PERSONA_SAMPLE`` of them, drawn in the engine
(:func:`kundenmodell.engine.sample_customers`: the buyers with the smallest hash of id and
seed, so the same data and seed give the same sample, whatever the row order). The features
are encoded as learnt on the sample (:class:`~kundenmodell.personas.latent.Encoding`), and
every buyer then gets the fitted model's membership probabilities, ``ASSIGN_CHUNK`` buyers at
a time (:func:`assign`), so that persona sizes, revenue shares and profile sheets count all
buyers. Why a sample: half a million customers pin down each persona's distributions far more
precisely than personas differ, and the EM steps over a larger base add time, not
information.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kundenmodell import engine
from kundenmodell.personas.features import FeatureTable
from kundenmodell.personas.latent import Design, Encoding

PERSONA_SAMPLE = 500_000
ASSIGN_CHUNK = 200_000


@dataclass(frozen=True, eq=False)
class Sample:
    """The buyers the personas were fitted on: their ``ids``, the persona each was given in
    the fit (``labels``, in the persona set's numbering) and how many ``buyers`` there were
    in all."""

    ids: pd.Index
    labels: np.ndarray
    buyers: int

    @property
    def size(self) -> int:
        return len(self.ids)


def draw(ids: pd.Index, size: int, seed: int) -> np.ndarray:
    """The sorted positions in ``ids`` of a reproducible random sample of ``size`` of them,
    drawn in the engine (:func:`kundenmodell.engine.sample_customers`)."""
    if size < 1:
        raise ValueError("the sample needs at least one customer")
    frame = pd.DataFrame({"customer_id": ids, "position": np.arange(len(ids))})
    chosen = engine.to_pandas(engine.sample_customers(engine.frame_table(frame), size, seed))
    return np.sort(chosen["position"].to_numpy(np.int64))


def assign(
    predict: Callable[[Design], np.ndarray],
    k: int,
    encoding: Encoding,
    table: FeatureTable,
    chunk: int = ASSIGN_CHUNK,
) -> np.ndarray:
    """Every customer's membership probabilities (n × ``k``) by ``predict`` (a fitted model's,
    e.g. :meth:`~kundenmodell.personas.clustering.Clustering.assign`), encoded and computed
    ``chunk`` customers at a time so that only one chunk's design is held at once."""
    posterior = np.empty((len(table), k))
    for start in range(0, len(table), chunk):
        rows = np.arange(start, min(start + chunk, len(table)))
        posterior[rows] = predict(encoding.design(table.take(rows)))
    return posterior
