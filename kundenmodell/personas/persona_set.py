"""Build buyer personas from a data set: features → latent classes → profile sheets + quality."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kundenmodell.dataset import Dataset
from kundenmodell.engine.in_place import InPlaceSource
from kundenmodell.errors import DataError
from kundenmodell.personas.clustering import cluster
from kundenmodell.personas.evidence import Duplicate, weigh
from kundenmodell.personas.features import (
    FEATURES,
    FeatureTable,
    customer_features,
    resolve_features,
)
from kundenmodell.personas.labelling import Labeller
from kundenmodell.personas.latent import fit_encoding
from kundenmodell.personas.profile import Persona, profile_clusters
from kundenmodell.personas.quality import Quality, adjusted_rand_index, assess
from kundenmodell.personas.sampling import PERSONA_SAMPLE, Sample, assign, draw

EDITABLE = ("name", "description", "quote")
"""The card fields a user may rewrite (:meth:`PersonaSet.with_edits`)."""


@dataclass(frozen=True, eq=False)
class PersonaSet:
    """The personas of one data set and how far to trust them.

    ``labels``: persona index (0 … k−1, largest persona first) by customer_id of every
    clustered customer; ``membership``: the probability of each persona for each of them;
    ``personas``: the profile sheets; ``quality``: silhouette, stability, certainty and a
    plain-language reading; ``features_used``: the features the personas were built on,
    ``features_missing``: features the data lacks that would sharpen them; ``criterion``: how
    k was chosen (one row per candidate k, see :func:`kundenmodell.personas.clustering.cluster`);
    ``traits``: every candidate trait (persona × feature × level) with value, base, lift and
    effect; ``features``: the per-customer feature table (for drill-down); ``used_once``: the
    purchase columns that turned out to be customer-level facts repeated on every purchase row
    and were counted once per customer; ``duplicates``: features left out because they repeat
    another one (see :mod:`kundenmodell.personas.evidence`); ``sample``: the buyers the
    personas were fitted on when there were too many to fit on all (None: fitted on all;
    :mod:`kundenmodell.personas.sampling`) — ``criterion`` and ``quality`` then describe the
    fit on the sample, while ``labels``, ``membership`` and the profile sheets cover every
    buyer.
    """

    labels: pd.Series
    membership: pd.DataFrame
    personas: tuple[Persona, ...]
    quality: Quality
    features_used: tuple[str, ...]
    features_missing: tuple[str, ...]
    criterion: pd.DataFrame
    traits: pd.DataFrame
    features: FeatureTable
    k: int
    automatic: bool
    seed: int
    buyers_only: bool
    n_customers: int
    currency: str = "EUR"
    used_once: tuple[str, ...] = ()
    duplicates: tuple[Duplicate, ...] = ()
    sample: Sample | None = None
    labeller: Labeller | None = dataclasses.field(default=None, repr=False)
    """The fitted model, to label customers it was not fitted on
    (:func:`~kundenmodell.personas.labelling.label_source`)."""

    def persona_of(self, customer_id: object) -> Persona:
        """The persona of one customer; ``DataError("error.personas.unknown_customer")`` when the
        customer was not clustered (unknown id, or no purchase with ``buyers_only``)."""
        try:
            index = self.labels.at[customer_id]
        except KeyError:
            raise DataError(
                "error.personas.unknown_customer", customer_id=str(customer_id)
            ) from None
        return self.personas[int(index)]

    def members(self, index: int) -> pd.DataFrame:
        """The customers of persona ``index``, surest first: customer_id, ``certainty`` (their
        membership probability) and their numeric features."""
        rows = np.flatnonzero(self.labels.to_numpy() == index)
        frame = self.features.numeric.iloc[rows].reset_index(drop=True)
        frame.insert(0, "certainty", self.membership.iloc[rows, index].to_numpy())
        frame.insert(0, "customer_id", self.labels.index[rows])
        return frame.sort_values("certainty", ascending=False, kind="stable", ignore_index=True)

    def with_edits(self, edits: Mapping[int, Mapping[str, str]]) -> PersonaSet:
        """A copy with user edits of ``name``, ``description`` and ``quote`` per persona index
        (empty or missing values keep what was generated)."""
        personas = []
        for persona in self.personas:
            changes = {
                field: str(value).strip()
                for field, value in edits.get(persona.index, {}).items()
                if field in EDITABLE and value is not None and str(value).strip()
            }
            if "name" in changes:
                changes["initials"] = initials(changes["name"])
            personas.append(dataclasses.replace(persona, **changes) if changes else persona)
        return dataclasses.replace(self, personas=tuple(personas))

    def compare_with_truth(self, truth: pd.Series) -> tuple[float, pd.DataFrame]:
        """Adjusted Rand index against known types (e.g. ``dataset.truth`` of synthetic data)
        and the persona × type table of customer counts."""
        known = truth.reindex(self.labels.index)
        keep = known.notna().to_numpy()
        labels = self.labels.to_numpy()[keep]
        types = known.to_numpy()[keep]
        table = pd.crosstab(
            pd.Series(labels, name="persona"), pd.Series(types, name="type")
        ).reindex(range(self.k), fill_value=0)
        return adjusted_rand_index(labels, types), table


def build(
    dataset: Dataset | InPlaceSource,
    *,
    k: int | None = None,
    features: Sequence[str] | None = None,
    seed: int = 0,
    buyers_only: bool = True,
    as_of: object | None = None,
    sample_size: int = PERSONA_SAMPLE,
) -> PersonaSet:
    """Buyer personas built from ``dataset``.

    Only customers who bought (up to ``as_of``) are clustered unless ``buyers_only=False``:
    a persona describes real current customers. ``features`` names the features to build on
    (default :data:`~kundenmodell.personas.features.DEFAULT_FEATURES`; any of
    :data:`~kundenmodell.personas.features.FEATURES`); the ones the data lacks are skipped and
    reported in ``features_missing``. Purchase columns that are really customer-level facts
    count once per customer, and of two features with the same information one is used
    (``used_once``, ``duplicates``; :mod:`kundenmodell.personas.evidence`). ``k=None``
    chooses 3–8 personas by ICL (:mod:`kundenmodell.personas.clustering`), an integer fixes it
    (2–10). With more than ``sample_size`` buyers the model is fitted on a reproducible random
    sample of them and every buyer is then labelled (``sample``;
    :mod:`kundenmodell.personas.sampling`). The same data, arguments and ``seed`` always give
    the same personas, in whatever order the data's rows come (the customers are put in id
    order first; ``labels`` and ``membership`` are in that order).

    Method (details in :mod:`kundenmodell.personas.latent`): a latent class model — a mixture
    of independent categorical distributions fitted by EM — on numbers cut into quintile bins,
    categories as they are and purchase mixes as multinomial counts weighed by each customer's
    effective number of purchases. Why: the data are mixed
    (skewed amounts, categories, purchase histories of very different length), and a mixture
    model needs no distance or scaling to be chosen for them, treats a missing value as
    information ("no income: a company"), weighs forty purchases more than one (but not forty
    times more, and a fact repeated on every purchase row only once), gives each
    customer a membership probability and gives a likelihood to choose k with. Quality:
    :mod:`kundenmodell.personas.quality`; profile sheets: :mod:`kundenmodell.personas.profile`.

    A source analysed in place (``km.load`` of a large data folder) is described by a
    reproducible sample of ``sample_size`` of its customers with all their purchases, drawn in
    the engine (:meth:`~kundenmodell.engine.in_place.InPlaceSource.read_sample`, the sample
    the workbench's pages use); the persona set's customers are that sample's, and
    :func:`~kundenmodell.personas.labelling.label_source` labels every customer of the source
    with it.

    Raises :class:`DataError` (``error.personas.*``) for data without purchases, too few
    customers, no usable feature, an unknown feature name or an invalid k.
    """
    if isinstance(dataset, InPlaceSource):
        dataset = dataset.read_sample(sample_size, seed).to_dataset()
    requested = resolve_features(features)
    table = customer_features(dataset, as_of=as_of, buyers_only=buyers_only).in_id_order()
    rows = draw(table.ids, sample_size, seed) if len(table) > sample_size else None
    fitted = table if rows is None else table.take(rows)
    evidence = weigh(fitted, requested)
    used = evidence.used
    if not used:
        raise DataError("error.personas.no_features")
    missing = tuple(name for name in requested if name in table.missing)
    encoding = fit_encoding(fitted, used)
    design = encoding.design(fitted)
    result = cluster(design, k, seed)
    posterior, fitted_posterior = result.posterior, result.posterior
    order = result.order
    if rows is not None:
        posterior = assign(result.assign, result.k, encoding, table)
        largest_first = np.argsort(-posterior.sum(axis=0), kind="stable")
        posterior = posterior[:, largest_first]
        fitted_posterior = fitted_posterior[:, largest_first]
        order = order[largest_first]
    labels = posterior.argmax(axis=1)
    fitted_labels = fitted_posterior.argmax(axis=1)
    quality = assess(fitted, design, used, fitted_labels, fitted_posterior, seed)
    personas, traits = profile_clusters(table, labels, posterior, quality)
    return PersonaSet(
        labels=pd.Series(labels, index=table.ids, name="persona"),
        membership=pd.DataFrame(posterior, index=table.ids, columns=[p.key for p in personas]),
        personas=personas,
        quality=quality,
        features_used=used,
        features_missing=missing,
        criterion=result.criterion,
        traits=traits,
        features=table,
        k=result.k,
        automatic=result.automatic,
        seed=seed,
        buyers_only=buyers_only,
        n_customers=int(dataset.customers["customer_id"].nunique()),
        currency=dataset.currency,
        used_once=tuple(name for name in evidence.repeated if name in used),
        duplicates=evidence.duplicates,
        sample=None if rows is None else Sample(fitted.ids, fitted_labels, len(table)),
        labeller=Labeller(result.model, order, encoding, table.as_of, buyers_only),
    )


def initials(name: str) -> str:
    """Up to two initials of a name: ``"Anna K."`` → ``AK``, ``"Familie"`` → ``F``."""
    letters = [word[0] for word in name.split() if word and word[0].isalnum()]
    return "".join(letters[:2]).upper() or "?"


def sharpening_columns(missing: Sequence[str]) -> list[tuple[str, str]]:
    """The ``(table, column)`` pairs that would add the ``missing`` features."""
    pairs: list[tuple[str, str]] = []
    for name in missing:
        for pair in FEATURES[name].columns:
            if pair not in pairs:
                pairs.append(pair)
    return pairs
