"""Every customer of a source analysed in place labelled with personas fitted on its sample.

Personas of a source too large for memory are fitted on a reproducible sample of its customers
(:func:`kundenmodell.personas.build`). :func:`label_source` then reads the source part by part
(:meth:`~kundenmodell.engine.in_place.InPlaceSource.read_part`: each customer in exactly one
part, ``PART_CUSTOMERS`` customers a part), computes each part's features as the fit read its
own (the fit's as-of day, category levels and purchase-mix levels:
:meth:`Labeller.features`), gives every buyer the persona of highest membership probability
under the fitted model, and keeps the labels in a private Parquet file: persona sizes and
revenue shares then count every buyer, not the sample, and the labels can be exported. A
customer of the sample gets the persona the fit gave them.

The source's tables are first split once by part into private files
(:meth:`~kundenmodell.engine.in_place.InPlaceSource.read_parts`), so that each part reads only
its own rows: on two cores, 10 M purchases (6 parts) took 43 s in all and 100 M (56 parts)
7.2 min, where a scan of every purchase per part would take about 1 h 45 min.
"""

from __future__ import annotations

import io
import math
import weakref
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kundenmodell import engine
from kundenmodell.csvio import DIALECTS, write_csv
from kundenmodell.dataset import Dataset
from kundenmodell.errors import DataError
from kundenmodell.i18n import t
from kundenmodell.personas.features import FeatureTable, customer_features
from kundenmodell.personas.latent import Design, Encoding, LatentClassModel
from kundenmodell.personas.sampling import assign

if TYPE_CHECKING:
    from kundenmodell.engine.in_place import InPlaceSource
    from kundenmodell.personas.persona_set import PersonaSet

PART_CUSTOMERS = 500_000
"""Customers per part read into memory at once."""
EMPTY_PART = ("error.personas.no_purchases", "error.personas.no_customers")
"""What :func:`customer_features` says of a part without buyers (there is nothing to label)."""
CSV_CHUNK = 250_000
"""Rows of the labels file turned into CSV text at once (:func:`labels_zip`)."""
CSV_DECIMALS = 4
"""Decimals of a probability in the labels download."""
LABEL_COLUMNS = ("customer_id", "persona", "probability")
"""The columns of the labels file and of its download."""


@dataclass(frozen=True, eq=False)
class Labeller:
    """What labels customers the personas were not fitted on: the fitted ``model`` with its
    classes in the persona set's order (``order``), the ``encoding`` of the fit, and the
    ``as_of`` day and ``buyers_only`` rule its features were read with."""

    model: LatentClassModel
    order: np.ndarray
    encoding: Encoding
    as_of: pd.Timestamp | None
    buyers_only: bool

    def features(self, dataset: Dataset) -> FeatureTable:
        """``dataset``'s customer features read as the fit read its own (the fit's as-of day
        and category levels), with every encoded feature and the fitted mix levels."""
        table = customer_features(
            dataset,
            as_of=self.as_of,
            buyers_only=self.buyers_only,
            levels=self.encoding.categorical_levels(),
        )
        return self.encoding.conform(table.in_id_order())

    def probabilities(self, table: FeatureTable) -> np.ndarray:
        """Each customer's membership probabilities (n × k, personas in the set's order)."""
        return assign(self._predict, len(self.order), self.encoding, table)

    def _predict(self, design: Design) -> np.ndarray:
        return self.model.predict_proba(design)[:, self.order]


@dataclass(frozen=True, eq=False)
class Population:
    """Every buyer of a source labelled (:func:`label_source`): per persona, in the persona
    set's order, the ``customers`` and their ``revenue``; ``path``: a private Parquet file with
    one row per buyer (``customer_id``, ``persona`` as the index into the persona set,
    ``probability`` of that persona), deleted with this object; ``parts``: how many reads of
    the source it took."""

    customers: np.ndarray
    revenue: np.ndarray
    path: Path
    parts: int

    @property
    def buyers(self) -> int:
        return int(self.customers.sum())

    def shares(self) -> np.ndarray:
        """Each persona's share of the buyers."""
        return self.customers / max(self.buyers, 1)

    def revenue_shares(self) -> np.ndarray:
        """Each persona's share of the revenue (zeros without any)."""
        total = float(self.revenue.sum())
        return self.revenue / total if total else np.zeros_like(self.revenue)

    def labels(self) -> pd.DataFrame:
        """The labels file read into memory (for a source whose buyers fit there)."""
        return pq.read_table(self.path).to_pandas()


def population_table(population: Population, persona_set: PersonaSet) -> pd.DataFrame:
    """Per persona (``persona``: its index): ``buyers`` of the whole source, their ``share``,
    the ``sample_share`` the fit saw and the ``revenue_share`` of the whole source."""
    fitted = np.bincount(persona_set.labels.to_numpy(), minlength=persona_set.k)
    return pd.DataFrame(
        {
            "persona": np.arange(persona_set.k),
            "buyers": population.customers,
            "share": population.shares(),
            "sample_share": fitted / max(int(fitted.sum()), 1),
            "revenue_share": population.revenue_shares(),
        }
    )


def labels_frame(population: Population, names: Mapping[int, str]) -> pd.DataFrame:
    """The labels file with each persona's name (``customer_id``, ``persona``,
    ``probability``), in memory (for a source whose buyers fit there)."""
    return _named(population.labels(), names)


def labels_zip(
    population: Population, names: Mapping[int, str], lang: str, file_name: str
) -> bytes:
    """Every buyer's persona (:func:`labels_frame`, headers in ``lang``) as a CSV file of
    ``lang``'s spreadsheet culture, formulas neutralised, called ``file_name`` inside a ZIP
    file. Written chunk by chunk from the labels file: the ZIP and one chunk are in
    memory, never the whole table as text (15 M buyers make about 600 MB of CSV, the ZIP
    about a fifth)."""
    headers = {name: t(f"personas_everyone.{name}", lang) for name in LABEL_COLUMNS}
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open(file_name, "w", force_zip64=True) as entry,
    ):
        chunks = (
            _named(chunk, names)
            .assign(probability=_probability_text(chunk["probability"], DIALECTS[lang].decimal))
            .rename(columns=headers)
            for chunk in _chunks(population)
        )
        write_csv(chunks, lang, entry)
    return buffer.getvalue()


def _probability_text(probability: pd.Series, decimal: str) -> pd.Series:
    """Probabilities to :data:`CSV_DECIMALS` decimals as text with the ``decimal`` mark,
    formatted in Arrow: pandas formats a decimal comma one value at a time (at 15 M buyers
    three quarters of the file's time)."""
    rounded = pc.round(pa.array(probability.to_numpy(float)), CSV_DECIMALS)
    text = pc.replace_substring(pc.cast(rounded, pa.string()), ".", decimal)
    return pd.Series(text.to_numpy(zero_copy_only=False), index=probability.index, dtype=object)


def _chunks(population: Population) -> Iterator[pd.DataFrame]:
    """The labels file in chunks of :data:`CSV_CHUNK` rows (one empty chunk for no rows)."""
    labels = pq.ParquetFile(population.path)
    if labels.metadata.num_rows == 0:
        yield labels.schema_arrow.empty_table().to_pandas()
        return
    for batch in labels.iter_batches(batch_size=CSV_CHUNK):
        yield batch.to_pandas()


def _named(labels: pd.DataFrame, names: Mapping[int, str]) -> pd.DataFrame:
    # by position, not as categories: two personas may carry the same (edited) name
    persona = np.array([names[i] for i in range(len(names))], dtype=object)
    return labels.assign(persona=persona[labels["persona"].to_numpy()])


def label_source(
    persona_set: PersonaSet,
    source: InPlaceSource,
    *,
    part_customers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Population:
    """Every buyer of ``source`` labelled with ``persona_set`` (built on its sample), part by
    part (see the module docstring) of ``part_customers`` (default :data:`PART_CUSTOMERS`)
    customers; ``progress(done, parts)`` after each part."""
    if persona_set.labeller is None:
        raise ValueError("the persona set keeps no fitted model to label with")
    return label_with(
        persona_set.labeller, source, part_customers=part_customers, progress=progress
    )


def label_with(
    labeller: Labeller,
    source: InPlaceSource,
    *,
    part_customers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Population:
    """:func:`label_source` with the persona set's :class:`Labeller` (what the labels depend
    on, so that a page can keep them while the cards' texts are edited)."""
    k = len(labeller.order)
    part_customers = PART_CUSTOMERS if part_customers is None else part_customers
    if part_customers < 1:
        raise ValueError("a part needs at least one customer")
    parts = max(1, math.ceil(source.rows["customers"] / part_customers))
    customers = np.zeros(k, dtype=np.int64)
    revenue = np.zeros(k)
    path = engine.kept_path()
    writer: pq.ParquetWriter | None = None
    try:
        # a part's features do not depend on the order of its rows (tested)
        read = source.read_parts(parts, interactions=False, ordered=False)
        for part, connected in enumerate(read):
            labelled = _label_part(labeller, connected.to_dataset())
            if labelled is not None:
                batch, part_revenue = labelled
                persona = batch.column("persona").to_numpy()
                customers += np.bincount(persona, minlength=k)
                revenue += np.bincount(persona, part_revenue, minlength=k)
                writer = writer or pq.ParquetWriter(path, batch.schema)
                writer.write_table(batch)
            if progress is not None:
                progress(part + 1, parts)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    finally:
        if writer is not None:
            writer.close()
    if writer is None:  # no buyer anywhere: an empty file keeps the format
        pq.write_table(_batch(pd.Index([], dtype=str), np.zeros((0, k))), path)
    population = Population(customers, revenue, path, parts)
    weakref.finalize(population, path.unlink, missing_ok=True)
    return population


def _label_part(labeller: Labeller, part: Dataset) -> tuple[pa.Table, np.ndarray] | None:
    """The labels of one part's buyers and their revenue; None for a part without any."""
    try:
        table = labeller.features(part)
    except DataError as error:
        if error.key in EMPTY_PART:
            return None
        raise
    return _batch(table.ids, labeller.probabilities(table)), table.revenue


def _batch(ids: pd.Index, posterior: np.ndarray) -> pa.Table:
    """One part's rows of the labels file: id, persona of highest probability, probability."""
    return pa.table(
        {
            "customer_id": pa.array(ids.astype(str), pa.string()),
            "persona": pa.array(posterior.argmax(axis=1).astype(np.int16), pa.int16()),
            "probability": pa.array(posterior.max(axis=1), pa.float64()),
        }
    )
