"""The yardstick the personas must beat: standardised k-means told the true number of groups.

This is what most persona tools do today: every feature becomes numbers (numeric features as
they are, a categorical feature as 0/1 columns per level, ``unknown`` included, a purchase mix
as the customer's shares per level), each column is standardised to mean 0 and standard
deviation 1 (a missing number becomes 0, the mean), and Lloyd's k-means
(:func:`scipy.cluster.vq.kmeans2`, k-means++ seeding) runs from ``N_STARTS`` fixed seeds; the
run with the smallest within-cluster sum of squares is kept.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.cluster.vq import kmeans2

from kundenmodell.personas import adjusted_rand_index
from kundenmodell.personas.features import FeatureTable

N_STARTS = 5


def standardised_matrix(table: FeatureTable, features: Sequence[str]) -> np.ndarray:
    """Customers × columns, every column standardised (see the module docstring)."""
    columns = []
    for name in features:
        if name in table.numeric.columns:
            columns.append(table.numeric[name].to_numpy(float)[:, None])
        elif name in table.categorical.columns:
            codes = table.categorical[name].cat.codes.to_numpy()
            columns.append(np.eye(codes.max() + 1)[codes])
        elif name in table.mixes:
            columns.append(table.mixes[name].shares())
    matrix = np.hstack(columns)
    mean = np.nanmean(matrix, axis=0)
    spread = np.nanstd(matrix, axis=0)
    scaled = (matrix - mean) / np.where(spread > 0, spread, 1.0)
    return np.nan_to_num(scaled)


def kmeans_labels(matrix: np.ndarray, k: int) -> np.ndarray:
    """The labels of the best of ``N_STARTS`` k-means runs (smallest within sum of squares)."""
    best, best_inertia = None, np.inf
    for seed in range(N_STARTS):
        centres, labels = kmeans2(matrix, k, seed=seed, minit="++", iter=50)
        inertia = float(np.sum((matrix - centres[labels]) ** 2))
        if inertia < best_inertia:
            best, best_inertia = labels, inertia
    return best


def kmeans_ari(table: FeatureTable, features: Sequence[str], truth: pd.Series, k: int) -> float:
    """ARI of standardised k-means with ``k`` clusters against the known groups."""
    labels = kmeans_labels(standardised_matrix(table, features), k)
    return adjusted_rand_index(labels, truth.reindex(table.ids).to_numpy())
