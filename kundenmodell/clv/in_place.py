r"""The CLV analysis of a source analysed where it lies: nothing per customer in pandas.

:mod:`kundenmodell.clv.analysis` needs one row per customer in memory. A connected source of
tens of millions of customers stays in the engine (:mod:`kundenmodell.engine.in_place`), and
the same figures come from reductions of it:

- **BG/NBD** is fitted on the distinct (x, t_x, T) cells of the per-customer summary, each
  weighted by its ``customers``: the likelihood is a sum over customers, so the fit equals
  :func:`~kundenmodell.clv.analysis.fit_dataset` on the same data (the fitter merges identical
  rows the same way; only the order of the float sums differs). Adequacy and trust are judged
  as there, with customers counted through the weights.
- **Gamma-Gamma** needs each repeat buyer's (x, m̄), which no cell table keeps. It is fitted on
  all repeat buyers with a positive mean repeat spend when there are at most
  :data:`GG_SAMPLE_LIMIT`, else on that many drawn reproducibly in the engine
  (:func:`~kundenmodell.engine.sample_customers`); the fit says how many it used. The spend
  correlation is computed in the engine over all of them.
- **Population values** are exact sums over the cells. Gamma-Gamma's expected spend is linear
  in the mean repeat spend m̄ for a given x (:mod:`~kundenmodell.clv.gamma_gamma`, eq. 5):

      E[Z | x, m̄] = p (v + x m̄) / (px + q − 1) = a(x) + b(x)·m̄,
      a(x) = p v / (px + q − 1),  b(x) = p x / (px + q − 1)   (m̄ = 0 for x = 0),

  and BG/NBD's expected purchases depend on the cell only, so a cell of n customers whose
  mean repeat spends sum to Σm̄ holds CLV = D(x, t_x, T) · (a(x)·n + b(x)·Σm̄), D being the
  discounted expected purchases (:mod:`~kundenmodell.clv.value`). E[Y(t) | x, t_x, T] is
  P(alive | x, t_x, T) times a bracket that depends on (x, T) only
  (:meth:`~kundenmodell.clv.bgnbd.BetaGeoModel.expected_purchases_while_alive`), so ₂F₁ is
  evaluated once per distinct (x, T), not per cell.
- **The distribution and the top customers** join each cell's CLV coefficients
  (D·a(x), D·b(x)), a small in-memory table, onto the per-customer summary in the engine:
  CLV = D·a(x) + D·b(x)·m̄ per customer, its exact histogram (the 99th percentile and the bin
  counts are engine aggregates), the share of the top fifth and the highest values, ordered
  and cut there.

Time is in weeks, as in :mod:`kundenmodell.clv.analysis`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import ibis
import ibis.expr.datatypes as dtypes
import numpy as np
import pandas as pd
import pyarrow as pa

from kundenmodell import engine
from kundenmodell.clv.adequacy import Adequacy, adequacy_of_counts
from kundenmodell.clv.analysis import (
    CHECKED_MONTHS,
    HORIZONS,
    LIKELY_ALIVE,
    TIME_UNIT,
    ClvFit,
    FitVerdict,
    customer_values,
    fit_spend_model,
    p_alive_grid_of,
    top_customers,
)
from kundenmodell.clv.bgnbd import BetaGeoModel
from kundenmodell.clv.gamma_gamma import GammaGammaModel
from kundenmodell.clv.summary import DAYS_PER_UNIT, summary_from_transactions
from kundenmodell.clv.trust import Doubt, Reason, Trust, model_doubts
from kundenmodell.clv.value import discounted_purchases
from kundenmodell.dataset import Dataset
from kundenmodell.engine.in_place import InPlaceSource
from kundenmodell.engine.purchases import day_literal
from kundenmodell.errors import DataError
from kundenmodell.io.privacy import Privacy, minimise

GG_SAMPLE_LIMIT = 500_000
"""Most repeat buyers Gamma-Gamma is fitted on; above, a reproducible sample of this many."""
GG_SAMPLE_SEED = 0
TOP_LIMIT = 500
"""Highest customer values fetched at once (the page shows the first 5…500)."""
DISTRIBUTION_BINS = 30
CONCENTRATION_SHARE = 0.2
CELL_KEYS = ("frequency", "recency", "T")
SUMMARY_COLUMNS = ("customer_id", *CELL_KEYS, "monetary_value")
NAME_COLUMNS = ("customer_id", "first_name", "last_name", "company")
"""The customer columns the top list reads (:func:`~.analysis.display_names`)."""
WEEK_DAYS = DAYS_PER_UNIT[TIME_UNIT]


@dataclass(frozen=True, eq=False)
class InPlaceClvFit(FitVerdict):
    """:class:`~kundenmodell.clv.analysis.ClvFit` of a source in the engine: ``adequacy``,
    ``bg``, ``gg``, ``spend_correlation`` and ``trust`` mean the same; instead of one row per
    customer it keeps ``histogram``, the distinct (``frequency``, ``recency``, ``T``) with
    ``customers`` and ``monetary_sum`` (Σ max(m̄, 0) of those customers, the spend
    Gamma-Gamma's prediction uses), and ``observation_end``. ``spenders``: repeat buyers with
    a positive mean repeat spend; ``gg_customers``: how many of them Gamma-Gamma was fitted on.

    Compared by identity (``eq=False``), so it can key a memo (``ui.session.derive``)."""

    histogram: pd.DataFrame
    observation_end: pd.Timestamp
    adequacy: Adequacy
    bg: BetaGeoModel | None
    gg: GammaGammaModel | None
    spend_correlation: float | None
    trust: Trust
    spenders: int
    gg_customers: int
    summary: engine.KeptTable | None = field(default=None, repr=False)
    """The per-customer summary (``customer_id``, x, t_x, T, m̄) kept in a file
    (:func:`~kundenmodell.engine.keep`), so that a new horizon or discount rate does not scan
    the purchases again; None where the backend cannot keep it."""
    _cells: dict[tuple[int, float], pd.DataFrame] = field(
        default_factory=dict, init=False, repr=False
    )
    """The per-cell values already computed, by (months, annual rate): a page asks for them on
    every rerun, and with a million cells they take seconds."""

    @property
    def buyers(self) -> int:
        """Customers with at least one dated purchase up to the observation end."""
        return int(self.histogram["customers"].sum())

    @property
    def gg_sampled(self) -> bool:
        """Gamma-Gamma was fitted on a sample of the repeat buyers, not on all of them."""
        return self.gg is not None and self.gg_customers < self.spenders


def fit_in_place(tables: engine.EngineTables, *, days: ibis.Table | None = None) -> InPlaceClvFit:
    """Fit BG/NBD on the weighted (x, t_x, T) cells and Gamma-Gamma on the repeat buyers (a
    sample of :data:`GG_SAMPLE_LIMIT` beyond that many) of ``tables``, and judge both as
    :func:`~kundenmodell.clv.analysis.fit_dataset` does (module docstring). ``days``: the
    :func:`~kundenmodell.engine.day_totals` of every purchase row when kept
    (:meth:`~kundenmodell.engine.in_place.InPlaceSource.purchase_days`), read instead of the
    purchases."""
    summary, end = _summary(tables, days=days)
    # The summary is read three times here (cells, spend figures, Gamma-Gamma's rows) and
    # again for every horizon the value ranking is asked for: computed once and kept, the
    # purchases are scanned once.
    selected = summary.select(*SUMMARY_COLUMNS)
    kept = engine.keep(selected)
    if kept is not None:
        return replace(_fit(kept.table(), end), summary=kept)
    with engine.materialised(selected) as table:
        return _fit(table, end)


def _fit(summary: ibis.Table, end: pd.Timestamp) -> InPlaceClvFit:
    """:func:`fit_in_place` of a per-customer summary (``customer_id``, x, t_x, T, m̄)."""
    histogram = _histogram(summary)
    weights = histogram["customers"].to_numpy(dtype=np.float64)
    adequacy = adequacy_of_counts(
        int(weights.sum()),
        int(weights[histogram["frequency"].to_numpy() > 0].sum()),
        round(float(histogram["T"].max()) * WEEK_DAYS),
    )
    if not adequacy.ok:
        return InPlaceClvFit(histogram, end, adequacy, None, None, None, Trust(), 0, 0)
    bg = BetaGeoModel().fit(
        histogram["frequency"], histogram["recency"], histogram["T"], weights=weights
    )
    doubts = model_doubts("bgnbd", bg)
    spenders, correlation = _spend_figures(summary)
    rows = _spender_rows(summary, spenders)
    gg, spend_doubts = fit_spend_model(rows["frequency"], rows["monetary_value"], spenders)
    used = 0 if gg is None else len(rows)
    doubts += spend_doubts
    if gg is not None and not doubts:
        doubts = _cell_doubts(bg, gg, histogram)
    return InPlaceClvFit(
        histogram, end, adequacy, bg, gg, correlation, Trust(tuple(doubts)), spenders, used
    )


def _summary(
    tables: engine.EngineTables, end: object = None, days: ibis.Table | None = None
) -> tuple[ibis.Table, pd.Timestamp]:
    """The per-customer summary in weeks (an engine table) and its observation end (the last
    purchase day unless given), from the purchases or from their kept day totals ``days``."""
    if days is not None:
        known = days.filter(days["customer_id"].notnull(), days["day"].notnull())
        return _summary_of_days(known, end)
    bought = engine.purchases(tables.transactions)
    if end is None:
        end = engine.last_day(bought)
        if end is None:
            raise DataError("error.clv.no_purchases")
    else:
        bought = engine.purchases(tables.transactions, end)
    return engine.customer_summary(bought, end, unit_days=WEEK_DAYS), pd.Timestamp(end)


def _summary_of_days(days: ibis.Table, end: object) -> tuple[ibis.Table, pd.Timestamp]:
    """:func:`_summary` of the day totals of dated purchases by known customers."""
    if end is None:
        end = engine.last_day(days)
        if end is None:
            raise DataError("error.clv.no_purchases")
    else:
        days = days.filter(days["day"] <= day_literal(end))
    return engine.summary_of_days(days, end, unit_days=WEEK_DAYS), pd.Timestamp(end)


def _histogram(summary: ibis.Table) -> pd.DataFrame:
    """The distinct (x, t_x, T) with ``customers`` and ``monetary_sum`` = Σ max(m̄, 0), summed
    as the exact repeat spend Σ max(m̄, 0)·x (:data:`~kundenmodell.engine.MONEY`) over x
    (which is one of the keys), so the sum does not depend on the engine's thread order."""
    frequency = summary["frequency"].cast(dtypes.float64)
    spend = engine.money(ibis.greatest(summary["monetary_value"], 0.0) * frequency)
    groups = summary.group_by(list(CELL_KEYS)).aggregate(
        customers=ibis._.count(), repeat_sum=engine.as_float(spend.sum())
    )
    per_repeat = groups["repeat_sum"] / groups["frequency"].cast(dtypes.float64)
    cells = groups.mutate(monetary_sum=ibis.ifelse(groups["frequency"] > 0, per_repeat, 0.0))
    frame = engine.to_pandas(cells.drop("repeat_sum").order_by(list(CELL_KEYS)))
    if frame.empty:
        raise DataError("error.clv.no_purchases")
    return frame.astype(
        {
            "frequency": np.int64,
            "recency": np.float64,
            "T": np.float64,
            "customers": np.int64,
            "monetary_sum": np.float64,
        }
    )


def _spenders(summary: ibis.Table) -> ibis.Table:
    """Repeat buyers with a positive mean repeat spend: the rows Gamma-Gamma learns from."""
    return summary.filter(summary["frequency"] > 0, summary["monetary_value"] > 0).select(
        "customer_id", "frequency", "monetary_value"
    )


def _spend_figures(summary: ibis.Table) -> tuple[int, float | None]:
    """How many repeat buyers spent a positive mean amount, and the correlation of their
    frequency and mean repeat spend (None when it is undefined: fewer than two, or a constant
    column)."""
    spenders = _spenders(summary)
    figures = engine.scalars(
        spenders.aggregate(
            spenders=spenders.count(),
            correlation=spenders["frequency"]
            .cast(dtypes.float64)
            .corr(spenders["monetary_value"], how="pop"),
        )
    )
    count = int(figures["spenders"] or 0)
    correlation = figures["correlation"]
    if count < 2 or correlation is None or not np.isfinite(correlation):
        return count, None
    return count, float(correlation)


def _spender_rows(summary: ibis.Table, spenders: int) -> pd.DataFrame:
    """``frequency`` and ``monetary_value`` of every spender, or of a reproducible sample of
    :data:`GG_SAMPLE_LIMIT` when there are more, ordered by customer id."""
    rows = _spenders(summary)
    if spenders > GG_SAMPLE_LIMIT:
        rows = engine.sample_customers(rows, GG_SAMPLE_LIMIT, GG_SAMPLE_SEED)
    return engine.to_pandas(rows.order_by("customer_id"))


def _cell_doubts(bg: BetaGeoModel, gg: GammaGammaModel, histogram: pd.DataFrame) -> list[Doubt]:
    """:func:`~kundenmodell.clv.analysis.fit_dataset`'s ``not_finite`` doubts for the cells:
    ``customers`` counts the customers of cells whose P(alive), expected purchases at
    :data:`~kundenmodell.clv.analysis.CHECKED_MONTHS` or spend coefficients are not finite."""
    weeks = np.asarray(CHECKED_MONTHS) * DAYS_PER_UNIT["M"] / WEEK_DAYS
    alive, while_alive, pair = _purchases(bg, histogram, weeks)
    fine = np.isfinite(while_alive).all(axis=1)[pair] & np.isfinite(alive)
    intercept, slope = _spend_coefficients(gg, histogram["frequency"].to_numpy(np.float64))
    customers = histogram["customers"].to_numpy()
    doubts = []
    if not fine.all():
        broken = int(customers[~fine].sum())
        doubts.append(Doubt("bgnbd", Reason.NOT_FINITE, {"customers": broken}))
    spend_fine = np.isfinite(intercept) & np.isfinite(slope)
    if not spend_fine.all():
        broken = int(customers[~spend_fine].sum())
        doubts.append(Doubt("gamma_gamma", Reason.NOT_FINITE, {"customers": broken}))
    return doubts


def _purchases(
    bg: BetaGeoModel, cells: pd.DataFrame, weeks: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The factors of the expected purchases in the next ``weeks``,
    E[Y(t) | x, t_x, T] = P(alive | x, t_x, T) × E[Y(t) | alive, x, T]: P(alive) per cell,
    the bracket per distinct (x, T) (pairs × horizons) and each cell's pair. Never formed as
    cells × horizons: a few million cells over 37 months would take gigabytes."""
    x, t_x, age = (cells[name].to_numpy(dtype=np.float64) for name in CELL_KEYS)
    # (x, T in whole days) as one integer, factorised by hashing: sorting a million pairs
    # took seconds; each pair keeps the T of its first cell (all of its cells share it).
    days = np.rint(age * WEEK_DAYS).astype(np.int64)
    pair, _ = pd.factorize(x.astype(np.int64) * (int(days.max()) + 1) + days)
    first = np.full(int(pair.max()) + 1, len(pair), dtype=np.int64)
    np.minimum.at(first, pair, np.arange(len(pair)))
    while_alive = bg.expected_purchases_while_alive(
        weeks[None, :], x[first, None], age[first, None]
    )
    return bg.p_alive(x, t_x, age), while_alive, pair


def _spend_coefficients(gg: GammaGammaModel, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """a(x) and b(x) of E[Z | x, m̄] = a(x) + b(x)·m̄ (module docstring); b(0) = 0."""
    intercept = gg.conditional_expected_average_profit(x, np.zeros_like(x))
    p, q, _ = (gg.params_[name] for name in gg.parameter_names)
    return intercept, p * x / (p * x + q - 1)


@dataclass(frozen=True)
class PopulationValues:
    """The CLV figures of every buyer, summed over the cells (exact, module docstring).

    ``cells``: the fit's histogram with ``p_alive``, ``purchases_3m`` … ``purchases_12m``
    (per customer of the cell), ``clv_intercept`` and ``clv_slope`` (a customer's CLV is
    clv_intercept + clv_slope·max(m̄, 0)) and ``clv_sum`` (the cell's total CLV).
    ``outlook`` is :func:`~kundenmodell.clv.analysis.outlook` of all buyers."""

    months: int
    annual_discount_rate: float
    buyers: int
    likely_active_share: float
    total: float
    mean: float
    outlook: pd.DataFrame
    cells: pd.DataFrame


def population_values(
    fit: InPlaceClvFit, *, months: int = 12, annual_discount_rate: float = 0.1
) -> PopulationValues:
    """Buyers, the share likely active (P(alive) > 0.5), the expected purchases in the next 3,
    6 and 12 months and the total and mean CLV over ``months`` of all buyers, equal to the sums
    of :func:`~kundenmodell.clv.analysis.customer_values`; the same errors as there."""
    cells = _cell_values(fit, months, annual_discount_rate)
    n = cells["customers"].to_numpy(dtype=np.float64)
    buyers = float(n.sum())
    spend_sum = cells["spend_intercept"] * n + cells["spend_slope"] * cells["monetary_sum"]
    rows = []
    for horizon in HORIZONS:
        purchases = cells[f"purchases_{horizon}m"]
        rows.append(
            {
                "months": horizon,
                "purchases": float((purchases * n).sum()),
                "per_customer": float((purchases * n).sum() / buyers),
                "revenue": float((purchases * spend_sum).sum()),
            }
        )
    total = float(cells["clv_sum"].sum())
    return PopulationValues(
        months=months,
        annual_discount_rate=annual_discount_rate,
        buyers=int(buyers),
        likely_active_share=float(n[cells["p_alive"].to_numpy() > LIKELY_ALIVE].sum() / buyers),
        total=total,
        mean=total / buyers,
        outlook=pd.DataFrame(rows),
        cells=cells.drop(columns=["spend_intercept", "spend_slope"]),
    )


def _cell_values(fit: InPlaceClvFit, months: int, annual_discount_rate: float) -> pd.DataFrame:
    """The histogram with P(alive), expected purchases, spend and CLV coefficients per cell
    (computed once per fit, horizon and rate)."""
    if not fit.ok:
        raise DataError("error.clv.too_thin")
    if not fit.trusted:
        raise DataError("clv_trust.not_trusted")
    if not isinstance(months, int | np.integer) or not 1 <= months <= 120:
        raise DataError("error.clv.invalid_horizon", minimum=1, maximum=120)
    if not 0 <= annual_discount_rate <= 1:
        raise DataError("error.clv.invalid_discount_rate")
    key = (int(months), float(annual_discount_rate))
    if key not in fit._cells:
        fit._cells[key] = _compute_cell_values(fit, months, annual_discount_rate)
    return fit._cells[key]


def _compute_cell_values(
    fit: InPlaceClvFit, months: int, annual_discount_rate: float
) -> pd.DataFrame:
    """:func:`_cell_values` of a trusted fit and valid settings (module docstring formulas);
    ``clv_trust.not_computable`` when a value is not finite."""
    cells = fit.histogram.copy()
    weeks = np.arange(max(months, *HORIZONS) + 1) * DAYS_PER_UNIT["M"] / WEEK_DAYS
    alive, while_alive, pair = _purchases(fit.bg, cells, weeks)
    intercept, slope = _spend_coefficients(fit.gg, cells["frequency"].to_numpy(np.float64))
    # Σ_k ΔE[Y(t_k)]/(1+d)^k is linear in E[Y], so P(alive) factors out of the discounting
    per_pair = discounted_purchases(while_alive[:, : int(months) + 1], annual_discount_rate)
    discounted = alive * per_pair[pair]
    cells["p_alive"] = alive
    for horizon in HORIZONS:
        cells[f"purchases_{horizon}m"] = alive * while_alive[pair, horizon]
    cells["spend_intercept"] = intercept
    cells["spend_slope"] = slope
    cells["clv_intercept"] = discounted * intercept
    cells["clv_slope"] = discounted * slope
    cells["clv_sum"] = (
        cells["clv_intercept"] * cells["customers"] + cells["clv_slope"] * cells["monetary_sum"]
    )
    computed = cells.columns.difference([*CELL_KEYS, "customers"])
    if not all(np.isfinite(cells[name].to_numpy(np.float64)).all() for name in computed):
        raise DataError("clv_trust.not_computable")
    return cells


@dataclass(frozen=True)
class ValueRanking:
    """Per-customer CLV figures computed in the engine: ``distribution`` (as
    :func:`~kundenmodell.clv.analysis.clv_distribution`: ``start``, ``end``, ``customers``),
    ``concentration`` (as :func:`~kundenmodell.clv.analysis.value_concentration`) and
    ``top`` (as :func:`~kundenmodell.clv.analysis.top_customers`, the highest
    :data:`TOP_LIMIT` or fewer)."""

    distribution: pd.DataFrame
    concentration: float
    top: pd.DataFrame


def value_ranking(
    tables: engine.EngineTables | InPlaceSource,
    fit: InPlaceClvFit,
    months: int = 12,
    annual_discount_rate: float = 0.1,
    top: int = TOP_LIMIT,
    privacy: Privacy = "keep",
    key: bytes | None = None,
) -> ValueRanking:
    """Every buyer's CLV over ``months`` in the engine (the cells' coefficients joined onto
    the per-customer summary the fit kept, or computed again where the backend cannot keep it;
    the values computed once into a temporary table where the backend allows),
    its histogram up to the 99th percentile, the share of the top fifth and the ``top``
    customers with their names, minimised as the user chose for the source (``privacy`` and
    ``key`` of :func:`kundenmodell.io.minimise`: the source's own table still holds them)."""
    if isinstance(tables, InPlaceSource):
        tables = tables.analysis_tables(NAME_COLUMNS)
    cells = _cell_values(fit, months, annual_discount_rate)
    coefficients = ibis.memtable(
        pa.Table.from_pandas(
            cells[[*CELL_KEYS, "clv_intercept", "clv_slope"]], preserve_index=False
        )
    )
    summary = (
        _summary(tables, fit.observation_end)[0] if fit.summary is None else fit.summary.table()
    )
    joined = summary.inner_join(coefficients, list(CELL_KEYS))
    clv = joined["clv_intercept"] + joined["clv_slope"] * ibis.greatest(
        joined["monetary_value"], 0.0
    )
    per_customer = joined.select("customer_id", *CELL_KEYS, "monetary_value", clv=clv)
    with engine.materialised(per_customer) as values:
        distribution = _distribution(values)
        concentration = _concentration(values, fit.buyers)
        best = engine.to_pandas(values.order_by([ibis.desc("clv"), "customer_id"]).limit(int(top)))
    top_rows = _top_rows(tables, fit, best, months, annual_discount_rate, privacy, key)
    return ValueRanking(distribution, concentration, top_rows)


def _distribution(values: ibis.Table) -> pd.DataFrame:
    """np.histogram of CLV clipped to [0, 99th percentile] over :data:`DISTRIBUTION_BINS`
    bins (the last one closed), from one aggregate: the percentile (linear interpolation, as
    numpy's default) and the customers below each inner edge."""
    upper = engine.scalars(values.aggregate(upper=values["clv"].quantile(0.99)))["upper"]
    upper = float(upper) if upper is not None else 0.0
    edges = np.linspace(0.0, upper if upper > 0 else 1.0, DISTRIBUTION_BINS + 1)
    below = engine.scalars(
        values.aggregate(
            total=values.count(),
            **{
                f"below_{i}": (values["clv"] < float(edges[i])).cast(dtypes.int64).sum()
                for i in range(1, DISTRIBUTION_BINS)
            },
        )
    )
    cumulative = [0, *(int(below[f"below_{i}"] or 0) for i in range(1, DISTRIBUTION_BINS))]
    counts = np.diff([*cumulative, int(below["total"])])
    return pd.DataFrame({"start": edges[:-1], "end": edges[1:], "customers": counts})


def _concentration(values: ibis.Table, buyers: int) -> float:
    """Share of the total CLV held by the most valuable :data:`CONCENTRATION_SHARE` of the
    buyers (at least one)."""
    top = max(1, round(CONCENTRATION_SHARE * buyers))
    total = engine.scalars(values.aggregate(total=values["clv"].sum()))["total"] or 0.0
    best = values.order_by(ibis.desc("clv")).limit(top)
    held = engine.scalars(best.aggregate(held=best["clv"].sum()))["held"] or 0.0
    return float(held / total) if total > 0 else 0.0


def _top_rows(
    tables: engine.EngineTables,
    fit: InPlaceClvFit,
    best: pd.DataFrame,
    months: int,
    annual_discount_rate: float,
    privacy: Privacy,
    key: bytes | None,
) -> pd.DataFrame:
    """:func:`~kundenmodell.clv.analysis.top_customers` of the engine's highest values: their
    figures computed as :func:`~kundenmodell.clv.analysis.customer_values` does (so they equal
    the in-memory ones), their names from the customer table, minimised with ``privacy``."""
    summary = best.set_index("customer_id")[["frequency", "recency", "T", "monetary_value"]]
    summary.attrs.update({"time_unit": TIME_UNIT, "observation_end": fit.observation_end})
    values = customer_values(
        _with_summary(fit, summary), months=months, annual_discount_rate=annual_discount_rate
    )
    customers = tables.customers
    named = [name for name in NAME_COLUMNS if name in customers.columns]
    # A semi-join with the ids as a table: an IN list of 500 texts is tested on every row
    # (2.76 M customers: 7.9 s, against 1.5 s for the join)
    ids = ibis.memtable(pa.table({"customer_id": [str(value) for value in best["customer_id"]]}))
    people = engine.to_pandas(customers.semi_join(ids, "customer_id").select(*named))
    people = minimise(Dataset(customers=people), privacy, key).customers
    return top_customers(values, people, n=len(best))


def _with_summary(fit: InPlaceClvFit, summary: pd.DataFrame) -> ClvFit:
    """A :class:`~kundenmodell.clv.analysis.ClvFit` of ``summary`` carrying the in-place
    fit's models and verdict, so the per-customer functions of the analysis apply."""
    return ClvFit(summary, fit.adequacy, fit.bg, fit.gg, fit.spend_correlation, fit.trust)


def sample_fit(sample: Dataset, fit: InPlaceClvFit) -> ClvFit:
    """The per-customer summary of ``sample`` (customers drawn from the source with all their
    purchases) at the source's observation end, with the models fitted on the whole source:
    :func:`~kundenmodell.clv.analysis.customer_values` of it gives each sampled customer the
    value the whole source gives them, for the views that need rows in pandas (call list,
    segment breakdown)."""
    summary = summary_from_transactions(
        sample.transactions, observation_end=fit.observation_end, time_unit=TIME_UNIT
    )
    return _with_summary(fit, summary)


def p_alive_grid_in_place(fit: InPlaceClvFit, *, steps: int = 40) -> pd.DataFrame:
    """:func:`~kundenmodell.clv.analysis.p_alive_grid` from the cells: the 90th percentile of
    T and the 99th of the frequency over the customers (weighted, linear interpolation as
    numpy's default)."""
    if not fit.ok:
        raise DataError("error.clv.too_thin")
    if not fit.trusted:
        raise DataError("clv_trust.not_trusted")
    histogram = fit.histogram
    weights = histogram["customers"].to_numpy()
    age = float(np.ceil(weighted_quantile(histogram["T"].to_numpy(), weights, 0.9)))
    frequency = weighted_quantile(histogram["frequency"].to_numpy(np.float64), weights, 0.99)
    return p_alive_grid_of(fit.bg, age, int(np.clip(frequency, 5, 40)), steps)


def weighted_quantile(values: np.ndarray, counts: np.ndarray, q: float) -> float:
    """``np.quantile`` (linear) of ``values`` each repeated ``counts`` times, without
    repeating them: with N = Σ counts and h = (N − 1)·q, the values of rank ⌊h⌋ and ⌊h⌋ + 1
    in sorted order, interpolated."""
    order = np.argsort(values, kind="stable")
    ordered = np.asarray(values, dtype=np.float64)[order]
    ends = np.cumsum(np.asarray(counts)[order])
    h = (ends[-1] - 1) * q
    low = int(np.floor(h))
    below, above = ordered[np.searchsorted(ends, [low, min(low + 1, ends[-1] - 1)], "right")]
    return float(below + (h - low) * (above - below))
