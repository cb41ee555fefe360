"""One row of persona features per customer, from the customer table and the purchases.

Three kinds of feature, each kept in the form that describes it best:

- *numeric* (age, income, purchases per year, basket, ...): a float per customer, NaN when
  unknown (no income for a company, no rhythm for a one-time buyer);
- *categorical* (gender, region, customer type, NPS group, ...): one level per customer, the
  level ``unknown`` when the value is missing (not answering the NPS survey is a trait too);
- *mix* (categories, channels, who uses the purchase): how many of the customer's purchases
  fell on each level — a count vector per customer, because a customer with forty purchases
  tells more about their taste than one with a single purchase (how much more, and whether a
  "mix" is really one customer-level fact repeated on every purchase row, is decided in
  :mod:`kundenmodell.personas.evidence`).

Everything is computed for all customers at once: the purchase features as one grouped scan in
the engine (:mod:`kundenmodell.engine.persona_features`), the customer table's with numpy;
nothing loops over customers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np
import pandas as pd

from kundenmodell import engine
from kundenmodell.dataset import Dataset
from kundenmodell.errors import DataError
from kundenmodell.segments import nps_group

Group = Literal["demographics", "behaviour", "relationship"]
Kind = Literal["numeric", "categorical", "mix"]

UNKNOWN = "unknown"
OTHER = "other"
DAYS_PER_YEAR = 365.25
REGION_MIN_SHARE = 0.01
MAX_REGIONS = 15
MAX_LEVELS = 12


@dataclass(frozen=True)
class FeatureSpec:
    """A persona feature: its group, kind and the canonical columns it is computed from.

    ``columns`` are ``(table, column)`` pairs the feature needs (any one of ``alternatives``
    will do for age: the age or the date of birth). ``cluster`` marks the features the
    personas are built on by default; the others describe the personas but are left out of
    the clustering because they restate a default feature (monetary value = purchases ×
    basket, rhythm ≈ 1 / rate) or describe a customer's current state rather than their type
    (recency). ``family`` groups features that say the same thing, so a persona's traits name
    each family once.
    """

    name: str
    group: Group
    kind: Kind
    columns: tuple[tuple[str, str], ...]
    cluster: bool = True
    family: str = ""
    alternatives: tuple[tuple[str, str], ...] = ()

    @property
    def trait_family(self) -> str:
        return self.family or self.name


def _spec(
    name: str,
    group: Group,
    kind: Kind,
    *columns: tuple[str, str],
    cluster: bool = True,
    family: str = "",
    alternatives: tuple[tuple[str, str], ...] = (),
) -> FeatureSpec:
    return FeatureSpec(name, group, kind, columns, cluster, family, alternatives)


_C, _T = "customers", "transactions"
_DATE, _AMOUNT = (_T, "date"), (_T, "amount")

FEATURES: MappingProxyType[str, FeatureSpec] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            _spec(
                "age", "demographics", "numeric", (_C, "age"), alternatives=((_C, "birth_date"),)
            ),
            _spec("gender", "demographics", "categorical", (_C, "gender")),
            _spec("income", "demographics", "numeric", (_C, "income")),
            _spec("region", "demographics", "categorical", (_C, "city")),
            _spec("purchase_rate", "behaviour", "numeric", _DATE, family="how_often"),
            _spec("basket", "behaviour", "numeric", _AMOUNT, family="how_much"),
            _spec("quantity", "behaviour", "numeric", (_T, "quantity")),
            _spec("category", "behaviour", "mix", (_T, "category")),
            _spec("channel", "behaviour", "mix", (_T, "channel")),
            _spec("recency_days", "behaviour", "numeric", _DATE, cluster=False),
            _spec("frequency", "behaviour", "numeric", _DATE, cluster=False, family="how_often"),
            _spec("monetary", "behaviour", "numeric", _AMOUNT, cluster=False, family="how_much"),
            _spec("rhythm_days", "behaviour", "numeric", _DATE, cluster=False, family="how_often"),
            _spec("customer_type", "relationship", "categorical", (_C, "customer_type")),
            _spec("relationship", "relationship", "categorical", (_C, "relationship")),
            _spec("nps_group", "relationship", "categorical", (_C, "nps_score")),
            _spec("contact_preference", "relationship", "categorical", (_C, "contact_preference")),
            _spec(
                "acquisition_channel", "relationship", "categorical", (_C, "acquisition_channel")
            ),
            _spec("reminders", "relationship", "numeric", (_C, "reminders")),
            _spec("consumer_role", "relationship", "mix", (_T, "consumer_role")),
        )
    }
)
"""Every persona feature by name, grouped demographics → behaviour → relationship."""

DEFAULT_FEATURES: tuple[str, ...] = tuple(name for name, spec in FEATURES.items() if spec.cluster)


@dataclass(frozen=True, eq=False)
class Mix:
    """Purchases per customer (rows) and level (columns), with the level names."""

    counts: np.ndarray
    levels: tuple[str, ...]

    def shares(self) -> np.ndarray:
        """Each customer's purchases as shares of their total (zeros for no purchases)."""
        totals = self.counts.sum(axis=1, keepdims=True)
        return np.divide(self.counts, totals, out=np.zeros_like(self.counts), where=totals > 0)


@dataclass(frozen=True, eq=False)
class FeatureTable:
    """The persona features of the clustered customers (rows in ``ids`` order).

    ``numeric`` holds floats (NaN = unknown), ``categorical`` pandas Categoricals whose level
    ``unknown`` marks a missing value, ``mixes`` the purchase counts. ``revenue`` is each
    customer's purchase total (zero without amounts), the weight of revenue shares.
    ``available`` lists the features that could be computed, ``missing`` those whose columns
    are absent or empty, ``constant`` those with one value for everybody (nothing to tell
    apart).
    """

    ids: pd.Index
    numeric: pd.DataFrame
    categorical: pd.DataFrame
    mixes: dict[str, Mix]
    revenue: np.ndarray
    as_of: pd.Timestamp | None
    available: tuple[str, ...]
    missing: tuple[str, ...]
    constant: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, rows: np.ndarray) -> FeatureTable:
        """The table restricted to ``rows`` (positions)."""
        return FeatureTable(
            ids=self.ids[rows],
            numeric=self.numeric.iloc[rows].reset_index(drop=True),
            categorical=self.categorical.iloc[rows].reset_index(drop=True),
            mixes={name: Mix(mix.counts[rows], mix.levels) for name, mix in self.mixes.items()},
            revenue=self.revenue[rows],
            as_of=self.as_of,
            available=self.available,
            missing=self.missing,
            constant=self.constant,
        )

    def in_id_order(self) -> FeatureTable:
        """The table with its rows sorted by customer id as text: the clustering's start and
        the sample then depend neither on the order in which the data's rows came nor on
        whether the ids were read as numbers or as text (a data folder read into memory keeps
        its integer ids, the same folder's sample drawn in place has them as text; sorted
        as numbers, the two clustered the same customers in different orders and chose 3
        and 4 personas)."""
        ids = self.ids
        if ids.dtype == object or not pd.api.types.is_string_dtype(ids.dtype):
            ids = ids.astype(str)  # numbers, and objects that may mix them with text
        # the Index's own sort: Arrow's for text ids, 4× quicker than numpy's on objects
        return self.take(ids.argsort(kind="stable"))


@engine.releasing()
def customer_features(
    dataset: Dataset,
    *,
    as_of: object | None = None,
    buyers_only: bool = True,
    levels: Mapping[str, Sequence[str]] | None = None,
) -> FeatureTable:
    """The persona features of every customer who bought (or of every customer).

    Purchases are cut at ``as_of`` (default: the last purchase date). With ``buyers_only``
    (the default) only customers with at least one purchase up to ``as_of`` are kept: personas
    describe real current customers, not leads. Definitions (per customer):

    - ``age``: the age column, else whole years since the date of birth at ``as_of``;
    - ``region``: the city when at least 1 % of the customers live there (at most the 15 most
      frequent such cities), else ``other`` (a smaller place);
    - ``purchase_rate``: purchases per year since the first purchase,
      n / max(days from first purchase to ``as_of``, 30) × 365.25;
    - ``basket``: mean amount per purchase; ``quantity``: mean quantity per purchase (both over
      the purchases where the value is known, NaN when none is);
    - ``recency_days``, ``frequency``, ``monetary``: RFM (days since the last purchase,
      purchases, total amount); ``rhythm_days``: mean days between purchase days (repeat
      buyers only);
    - ``nps_group``: promoter / passive / detractor from the 0–10 score (``unknown`` if not
      answered);
    - mixes ``category``, ``channel``, ``consumer_role``: purchases per level.

    The purchase features are reduced in the engine
    (:mod:`kundenmodell.engine.persona_features`), with the customers' positions as keys.

    ``levels`` (feature → levels, those of a fitted
    :class:`~kundenmodell.personas.latent.Encoding`) reads the categories with those levels
    instead of this data's most frequent ones, and leaves no feature out for having one value:
    the features of a part of the customers, to be labelled with personas fitted on others.

    Raises ``DataError("error.personas.no_purchases")`` when no dated purchase exists and
    ``error.personas.no_customers`` when nobody is left to cluster.
    """
    customers = dataset.customers.drop_duplicates("customer_id")
    all_ids = pd.Index(customers["customer_id"].to_numpy())
    keyed, as_of_day = _dated_purchases(dataset.transactions, all_ids, as_of)
    as_of_stamp = pd.Timestamp(as_of_day, unit="D")
    bought = engine.persona_purchases(keyed.table, as_of_stamp)
    per_customer = engine.to_pandas(engine.persona_behaviour(bought, as_of_stamp))
    keys = per_customer["customer_id"].to_numpy(np.int64)
    counts = np.zeros(len(all_ids), dtype=np.int64)
    counts[keys] = per_customer["purchases"].to_numpy(np.int64)
    keep = np.flatnonzero(counts > 0) if buyers_only else np.arange(len(all_ids))
    if keep.size == 0:
        raise DataError("error.personas.no_customers")
    row_of = np.full(len(all_ids), -1)
    row_of[keep] = np.arange(len(keep))
    rows = customers.iloc[keep].reset_index(drop=True)

    numeric: dict[str, np.ndarray] = {}
    categorical: dict[str, pd.Categorical] = {}
    mixes: dict[str, Mix] = {}
    fixed = dict(levels or {})
    _demographics(rows, as_of_day, numeric, categorical, fixed)
    revenue = _behaviour(per_customer.assign(row=row_of[keys]), len(keep), numeric)
    for column, names in keyed.levels.items():
        counted = engine.to_pandas(engine.persona_mix(bought, column))
        if not counted.empty:
            mixes[column] = _mix(counted, row_of, names, len(keep))
    _relationship(rows, numeric, categorical, fixed)

    produced = {**numeric, **categorical, **mixes}
    constant = tuple(
        name
        for name in FEATURES
        if levels is None and name in produced and _is_constant(produced[name])
    )
    available = tuple(name for name in FEATURES if name in produced and name not in constant)
    missing = tuple(name for name in FEATURES if name not in produced)
    index = pd.RangeIndex(len(keep))
    return FeatureTable(
        ids=pd.Index(all_ids[keep], name="customer_id"),
        numeric=pd.DataFrame({n: v for n, v in numeric.items() if n in available}, index=index),
        categorical=pd.DataFrame(
            {n: v for n, v in categorical.items() if n in available}, index=index
        ),
        mixes={n: v for n, v in mixes.items() if n in available},
        revenue=revenue,
        as_of=as_of_stamp,
        available=available,
        missing=missing,
        constant=constant,
    )


def _dated_purchases(
    transactions: pd.DataFrame, ids: pd.Index, as_of: object | None
) -> tuple[engine.KeyedPersonaPurchases, int]:
    """The purchases as an engine table keyed by the positions of ``ids``, and the as-of day
    (days since 1970): ``as_of``, else the last purchase date (of any row with a date)."""
    if transactions is None or transactions.empty or "customer_id" not in transactions.columns:
        raise DataError("error.personas.no_purchases")
    if "date" not in transactions.columns:
        raise DataError("error.missing_column", table="transactions", column="date")
    keyed = engine.keyed_persona_purchases(transactions, ids)
    last = engine.last_day(engine.purchase_rows(keyed.table))
    if last is None:
        raise DataError("error.personas.no_purchases")
    stamp = last if as_of is None else pd.Timestamp(as_of).normalize()
    return keyed, int(np.datetime64(stamp.date(), "D").astype(np.int64))


def _present(frame: pd.DataFrame, column: str) -> bool:
    return column in frame.columns and bool(frame[column].notna().any())


def _demographics(
    rows: pd.DataFrame,
    as_of_day: int | None,
    numeric: dict[str, np.ndarray],
    categorical: dict[str, pd.Categorical],
    levels: Mapping[str, Sequence[str]],
) -> None:
    if _present(rows, "age"):
        numeric["age"] = pd.to_numeric(rows["age"], errors="coerce").to_numpy(float)
    elif _present(rows, "birth_date") and as_of_day is not None:
        born = pd.to_datetime(rows["birth_date"], errors="coerce").to_numpy()
        years = (as_of_day - born.astype("datetime64[D]").astype(np.int64)) / DAYS_PER_YEAR
        numeric["age"] = np.where(np.isnat(born), np.nan, np.floor(years))
    if _present(rows, "gender"):
        categorical["gender"] = _levels(rows["gender"], levels.get("gender"))
    if _present(rows, "income"):
        income = pd.to_numeric(rows["income"], errors="coerce").to_numpy(float)
        numeric["income"] = np.where(income >= 0, income, np.nan)
    if _present(rows, "city"):
        region = levels.get("region")
        categorical["region"] = (
            _regions(rows["city"]) if region is None else _levels(rows["city"], region)
        )


def _behaviour(per_customer: pd.DataFrame, n: int, numeric: dict[str, np.ndarray]) -> np.ndarray:
    """Behaviour features into ``numeric`` from the engine's per-customer figures
    (:func:`~kundenmodell.engine.persona_behaviour`, with ``row``: the customer's row, −1 for
    customers not kept); NaN for customers without purchases. Returns the revenue per customer
    (0 without amounts)."""
    kept = per_customer[per_customer["row"] >= 0]
    row = kept["row"].to_numpy()

    def spread(column: str, empty: float = np.nan) -> np.ndarray:
        values = np.full(n, empty)
        values[row] = kept[column].to_numpy(dtype=float, na_value=np.nan)
        return values

    numeric["purchase_rate"] = spread("purchase_rate")
    numeric["frequency"] = spread("purchases")
    numeric["recency_days"] = spread("recency_days")
    numeric["rhythm_days"] = spread("rhythm_days")
    revenue = np.zeros(n)
    if kept["amount_known"].sum() > 0:
        revenue = spread("amount_total", 0.0)
        numeric["basket"] = spread("basket")
        numeric["monetary"] = spread("amount_total")
    if kept["quantity_known"].sum() > 0:
        numeric["quantity"] = spread("quantity")
    return revenue


def _relationship(
    rows: pd.DataFrame,
    numeric: dict[str, np.ndarray],
    categorical: dict[str, pd.Categorical],
    levels: Mapping[str, Sequence[str]],
) -> None:
    for column in ("customer_type", "relationship", "contact_preference", "acquisition_channel"):
        if _present(rows, column):
            categorical[column] = _levels(rows[column], levels.get(column))
    if _present(rows, "nps_score"):
        groups = nps_group(rows["nps_score"])
        if groups.notna().any():
            categorical["nps_group"] = _levels(groups, levels.get("nps_group"))
    if _present(rows, "reminders"):
        values = pd.to_numeric(rows["reminders"], errors="coerce").to_numpy(float)
        numeric["reminders"] = np.where(values >= 0, values, np.nan)


def _levels(values: pd.Series, keep: Iterable[str] | None = None) -> pd.Categorical:
    """Values as a Categorical of text levels: the ``keep`` levels, else the most frequent
    ones (at most ``MAX_LEVELS``); rarer values become ``other``, missing or blank ones
    ``unknown``. Works on the distinct values only (a categorical column stays cheap)."""
    codes, distinct = pd.factorize(values)
    labels = pd.Series([str(value).strip() for value in distinct], dtype=object)
    labels[labels == ""] = None
    counts = pd.Series(np.bincount(codes[codes >= 0], minlength=len(distinct)))
    frequency = counts.groupby(labels.to_numpy()).sum().sort_values(ascending=False, kind="stable")
    chosen = list(keep) if keep is not None else [str(v) for v in frequency.index[:MAX_LEVELS]]
    chosen = [level for level in chosen if level not in (UNKNOWN, OTHER)]
    mapped = labels.where(labels.isin(chosen) | labels.isna(), OTHER).fillna(UNKNOWN)
    present = set(mapped[np.flatnonzero(counts.to_numpy())]) | (
        {UNKNOWN} if (codes < 0).any() else set()
    )
    categories = [*chosen, *(extra for extra in (OTHER, UNKNOWN) if extra in present)]
    position = {level: index for index, level in enumerate(categories)}
    per_distinct = np.array([position[level] for level in mapped], dtype=np.int64)
    unknown = position.get(UNKNOWN, -1)
    final = np.where(codes >= 0, np.append(per_distinct, unknown)[codes], unknown)
    return pd.Categorical.from_codes(final, categories=categories)


def _regions(city: pd.Series) -> pd.Categorical:
    """Cities with at least ``REGION_MIN_SHARE`` of the customers (at most ``MAX_REGIONS``)."""
    codes, distinct = pd.factorize(city)
    counts = np.bincount(codes[codes >= 0], minlength=len(distinct))
    share = pd.Series(counts / max(len(city), 1), index=[str(v).strip() for v in distinct])
    share = share.groupby(level=0).sum().sort_values(ascending=False, kind="stable")
    return _levels(city, keep=list(share.index[share >= REGION_MIN_SHARE][:MAX_REGIONS]))


def _mix(counted: pd.DataFrame, row_of: np.ndarray, names: tuple[str, ...], n: int) -> Mix:
    """Purchases per customer and level from the engine's (customer, level, purchases) rows,
    levels ordered by frequency (most frequent first, ties in order of first appearance)."""
    row = row_of[counted["customer_id"].to_numpy(np.int64)]
    kept = row >= 0
    level = counted["level"].to_numpy(np.int64)[kept]
    purchases = counted["purchases"].to_numpy(np.int64)[kept]
    row = row[kept]
    frequency = np.bincount(level, purchases, minlength=len(names))
    order = np.flatnonzero(frequency)[np.argsort(-frequency[frequency > 0], kind="stable")]
    rank = np.full(len(names), -1)
    rank[order] = np.arange(len(order))
    counts = np.zeros((n, len(order)))
    counts[row, rank[level]] = purchases
    return Mix(counts, tuple(names[i] for i in order))


def _is_constant(values: np.ndarray | pd.Categorical | Mix) -> bool:
    if isinstance(values, Mix):
        return len(values.levels) < 2
    if isinstance(values, pd.Categorical):
        return len(pd.unique(values.codes)) < 2
    finite = values[~np.isnan(values)]
    return finite.size == 0 or (finite.size == len(values) and bool(np.all(finite == finite[0])))


def available_features(dataset: Dataset) -> tuple[str, ...]:
    """The features whose columns the data set has (with at least one value), in
    :data:`FEATURES` order — a quick look at the columns, nothing is computed."""
    tables = {"customers": dataset.customers, "transactions": dataset.transactions}

    def present(pair: tuple[str, str]) -> bool:
        frame = tables[pair[0]]
        return frame is not None and _present(frame, pair[1])

    return tuple(
        name
        for name, spec in FEATURES.items()
        if all(present(pair) for pair in spec.columns)
        or (spec.alternatives and all(present(pair) for pair in spec.alternatives))
    )


def resolve_features(requested: Sequence[str] | None) -> tuple[str, ...]:
    """The clustering features: ``requested`` (validated) or :data:`DEFAULT_FEATURES`."""
    if requested is None:
        return DEFAULT_FEATURES
    unknown = [name for name in requested if name not in FEATURES]
    if unknown:
        raise DataError(
            "error.personas.unknown_feature", name=unknown[0], available=", ".join(FEATURES)
        )
    return tuple(dict.fromkeys(requested))
