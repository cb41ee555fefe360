"""The customer-value analysis of a whole data set, in the pieces the workbench page shows.

Each function takes a :class:`~kundenmodell.dataset.Dataset` (plus plain, hashable options), so
the app can memoise it per loaded data set; notebooks call the same functions. Time is
measured in weeks throughout (the BG/NBD parameters are per week).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kundenmodell import engine
from kundenmodell.arrays import positions_in
from kundenmodell.clv.adequacy import Adequacy, check_adequacy, check_holdout
from kundenmodell.clv.bgnbd import BetaGeoModel
from kundenmodell.clv.churn import churn_summary, cohorts, customer_lifetimes, retention_curves
from kundenmodell.clv.gamma_gamma import GammaGammaModel
from kundenmodell.clv.holdout import calibration_and_holdout, holdout_comparison, tracking
from kundenmodell.clv.summary import DAYS_PER_UNIT, summary_from_transactions
from kundenmodell.clv.trust import Doubt, Reason, Trust, model_doubts
from kundenmodell.clv.value import discounted_purchases, expected_purchases_by_month
from kundenmodell.dataset import Dataset
from kundenmodell.dates import as_days
from kundenmodell.engine.in_place import InPlaceSource
from kundenmodell.errors import DataError
from kundenmodell.i18n import has_key, t
from kundenmodell.segments import classify_activity, rfm

if TYPE_CHECKING:
    from kundenmodell.clv.in_place import InPlaceClvFit

TIME_UNIT = "W"
HORIZONS = (3, 6, 12)
"""Months for which the expected purchases are shown."""
CHECKED_MONTHS = (1, 12, 120)
"""Horizons (months) at which :func:`fit_dataset` checks that every prediction is finite; 120
is the longest horizon :func:`customer_values` accepts, which checks its own numbers again."""

SEGMENT_COLUMNS = (
    "customer_type",
    "acquisition_channel",
    "contact_preference",
    "gender",
    "relationship",
    "industry",
    "country",
    "status",
)
"""Customer columns offered as groupings when they have 2 to :data:`MAX_GROUPS` values."""
MAX_GROUPS = 20
LIKELY_ALIVE = 0.5
"""A customer counts as likely still active when P(alive) is above this."""
SPEND_CORRELATION_LIMIT = 0.3
"""Gamma-Gamma assumes spend per purchase does not depend on how often a customer buys; above
this absolute correlation of frequency and mean repeat spend the page warns (a correlation of
0.3 explains about a tenth of the variance: noticeable, not yet fatal)."""
SPECIAL_GROUPINGS = (
    "rfm_segment",
    "activity",
    "planted_type",
    "cohort_year",
    "cohort_quarter",
    "all",
)
"""Groupings that are not customer columns; their names are ``clv.grouping.<option>`` keys."""

# Grouping option → catalogue prefix of its values (values without a key are shown as they are).
_LABEL_PREFIX = {
    "rfm_segment": "rfm.segment.",
    "activity": "activity.",
    "planted_type": "clv.planted.",
}


class FitVerdict:
    """What a CLV fit says about itself, from its ``bg``, ``gg``, ``trust`` and
    ``spend_correlation`` (shared by :class:`ClvFit` and the in-place fit of
    :mod:`kundenmodell.clv.in_place`)."""

    bg: BetaGeoModel | None
    gg: GammaGammaModel | None
    spend_correlation: float | None
    trust: Trust

    @property
    def ok(self) -> bool:
        """Both models are fitted (they may still not be trusted)."""
        return self.bg is not None and self.gg is not None

    @property
    def trusted(self) -> bool:
        """Both models are fitted and there is no doubt about them."""
        return self.ok and self.trust.ok

    @property
    def spend_depends_on_frequency(self) -> bool:
        """``|spend_correlation|`` above :data:`SPEND_CORRELATION_LIMIT`: Gamma-Gamma's
        independence assumption is doubtful, the customer values lean on it."""
        correlation = self.spend_correlation
        return correlation is not None and abs(correlation) > SPEND_CORRELATION_LIMIT


@dataclass(frozen=True)
class ClvFit(FitVerdict):
    """Summary, data check, fitted models and trust verdict of a data set.

    Models are None when the data is too thin (``adequacy``), Gamma-Gamma also when fewer than
    two repeat buyers spent a positive amount. ``trust`` says why fitted models cannot back
    customer values (parameters at the edge of the search box, no curvature, no optimum,
    predictions that are not finite); only a ``trusted`` fit gives customer values.
    ``spend_correlation`` is the correlation of frequency and mean repeat spend among repeat
    buyers; Gamma-Gamma assumes it is near 0.
    """

    summary: pd.DataFrame
    adequacy: Adequacy
    bg: BetaGeoModel | None
    gg: GammaGammaModel | None
    spend_correlation: float | None
    trust: Trust = field(default_factory=Trust)


def fit_dataset(dataset: Dataset | InPlaceSource) -> ClvFit | InPlaceClvFit:
    """Summarise the purchases (weeks), fit BG/NBD and Gamma-Gamma when the data suffices and
    judge whether the fits can be trusted (see :class:`ClvFit`).

    A source analysed in place (``km.load`` of a large data folder) is fitted on every buyer
    in the engine: :func:`~kundenmodell.clv.in_place.fit_in_place`, whose result keeps the
    distinct (x, t_x, T) cells instead of one row per customer."""
    if isinstance(dataset, InPlaceSource):
        # clv.in_place builds on this module's fitting steps, so it is imported where needed
        from kundenmodell.clv.in_place import fit_in_place

        return fit_in_place(dataset.tables(), days=dataset.purchase_days())
    if dataset.transactions.empty:
        raise DataError("error.clv.no_purchases")
    summary = summary_from_transactions(dataset.transactions, time_unit=TIME_UNIT)
    adequacy = check_adequacy(summary)
    if not adequacy.ok:
        return ClvFit(summary, adequacy, None, None, None)
    bg = BetaGeoModel().fit(summary["frequency"], summary["recency"], summary["T"])
    doubts = model_doubts("bgnbd", bg)
    repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    gg, spend_doubts = fit_spend_model(summary["frequency"], summary["monetary_value"], len(repeat))
    doubts += spend_doubts
    if gg is not None and not doubts:
        doubts = _prediction_doubts(bg, gg, summary)
    with np.errstate(all="ignore"):  # constant columns have no correlation
        correlation = (
            float(np.corrcoef(repeat["frequency"], repeat["monetary_value"])[0, 1])
            if len(repeat) > 1
            else np.nan
        )
    return ClvFit(
        summary,
        adequacy,
        bg,
        gg,
        correlation if np.isfinite(correlation) else None,
        Trust(tuple(doubts)),
    )


def fit_spend_model(
    frequency: pd.Series, monetary_value: pd.Series, spenders: int
) -> tuple[GammaGammaModel | None, list[Doubt]]:
    """Gamma-Gamma fitted on the customers' (x, m̄) (it uses the repeat buyers among them)
    and the doubts about it: none fitted when fewer than two of them (``spenders``) spent a
    positive amount; q ≤ 1 means the expected spend has no finite mean."""
    if spenders < 2:
        return None, [
            Doubt("gamma_gamma", Reason.TOO_FEW_SPENDERS, {"buyers": spenders, "needed": 2})
        ]
    gg = GammaGammaModel().fit(frequency, monetary_value)
    doubts = model_doubts("gamma_gamma", gg)
    if gg.params_["q"] <= 1:
        doubts.append(Doubt("gamma_gamma", Reason.SPEND_UNBOUNDED))
    return gg, doubts


def _prediction_doubts(bg: BetaGeoModel, gg: GammaGammaModel, summary: pd.DataFrame) -> list[Doubt]:
    """``not_finite`` doubts (``customers``: how many) when P(alive), the expected purchases
    at :data:`CHECKED_MONTHS` or the expected spend of some customer is not a finite number."""
    x, t_x, age = (
        summary[name].to_numpy(dtype=np.float64) for name in ("frequency", "recency", "T")
    )
    weeks = np.asarray(CHECKED_MONTHS) * DAYS_PER_UNIT["M"] / DAYS_PER_UNIT[TIME_UNIT]
    purchases = bg.conditional_expected_purchases(
        weeks[None, :], x[:, None], t_x[:, None], age[:, None]
    )
    fine = np.isfinite(purchases).all(axis=1) & np.isfinite(bg.p_alive(x, t_x, age))
    spend = gg.conditional_expected_average_profit(x, summary["monetary_value"].to_numpy())
    doubts = []
    broken = ~fine
    if broken.any():
        doubts.append(Doubt("bgnbd", Reason.NOT_FINITE, {"customers": int(broken.sum())}))
    broken = ~np.isfinite(spend)
    if broken.any():
        doubts.append(Doubt("gamma_gamma", Reason.NOT_FINITE, {"customers": int(broken.sum())}))
    return doubts


def customer_values(
    fit: ClvFit, *, months: int = 12, annual_discount_rate: float = 0.1
) -> pd.DataFrame:
    """Per customer: the summary, ``last_purchase``, ``p_alive``, expected purchases in the
    next 3, 6 and 12 months (``purchases_3m`` …), ``expected_spend`` per purchase and ``clv``
    over ``months`` (see :mod:`kundenmodell.clv.value`), sorted by CLV, highest first.

    Every number is finite: an untrusted fit raises :class:`DataError`
    ``clv_trust.not_trusted`` (its reasons are in ``fit.trust``), and a value that is not
    finite all the same raises ``clv_trust.not_computable`` rather than reaching a page."""
    if not fit.ok:
        raise DataError("error.clv.too_thin")
    if not fit.trusted:
        raise DataError("clv_trust.not_trusted")
    if not 1 <= months <= 120:
        raise DataError("error.clv.invalid_horizon", minimum=1, maximum=120)
    if not 0 <= annual_discount_rate <= 1:
        raise DataError("error.clv.invalid_discount_rate")
    summary = fit.summary
    cumulative = expected_purchases_by_month(fit.bg, summary, max(months, *HORIZONS), TIME_UNIT)
    spend = fit.gg.conditional_expected_average_profit(
        summary["frequency"].to_numpy(), summary["monetary_value"].to_numpy()
    )
    values = summary.copy()
    end = summary.attrs["observation_end"]
    since_last = (summary["T"] - summary["recency"]) * DAYS_PER_UNIT[TIME_UNIT]
    values["last_purchase"] = end - pd.to_timedelta(since_last.round(), unit="D")
    values["p_alive"] = fit.bg.p_alive(summary["frequency"], summary["recency"], summary["T"])
    for horizon in HORIZONS:
        values[f"purchases_{horizon}m"] = cumulative[:, horizon]
    values["expected_spend"] = spend
    values["clv"] = spend * discounted_purchases(cumulative[:, : months + 1], annual_discount_rate)
    values.attrs = {}  # a plain table from here on (Arrow cannot store a Timestamp in attrs)
    numbers = values[["p_alive", *(f"purchases_{h}m" for h in HORIZONS), "expected_spend", "clv"]]
    if not np.isfinite(numbers.to_numpy(dtype=np.float64)).all():
        raise DataError("clv_trust.not_computable")
    return values.sort_values("clv", ascending=False)


def outlook(values: pd.DataFrame) -> pd.DataFrame:
    """Expected repeat purchases of all customers in the next 3, 6 and 12 months: ``months``,
    ``purchases`` (total), ``per_customer`` and ``revenue`` (purchases × expected spend, not
    discounted)."""
    rows = []
    for horizon in HORIZONS:
        purchases = values[f"purchases_{horizon}m"]
        rows.append(
            {
                "months": horizon,
                "purchases": float(purchases.sum()),
                "per_customer": float(purchases.mean()),
                "revenue": float((purchases * values["expected_spend"]).sum()),
            }
        )
    return pd.DataFrame(rows)


def top_customers(values: pd.DataFrame, customers: pd.DataFrame, n: int = 25) -> pd.DataFrame:
    """The ``n`` customers with the highest CLV: ``customer_id``, ``name`` (first and last
    name, and the company in brackets, as far as the customer table has them), ``purchases``
    (purchase days so far), ``last_purchase``, ``p_alive``, expected purchases,
    ``expected_spend`` and ``clv``."""
    top = values.nlargest(n, "clv").reset_index()
    top["purchases"] = top["frequency"] + 1
    people = customer_rows(customers, top["customer_id"]).set_index("customer_id")
    name = display_names(people)
    top.insert(1, "name", name.reindex(top["customer_id"]).fillna("").to_numpy())
    columns = ["customer_id", "name", "purchases", "last_purchase", "p_alive"]
    columns += [f"purchases_{horizon}m" for horizon in HORIZONS] + ["expected_spend", "clv"]
    return top[columns]


EXPORT_COLUMNS = {
    "frequency": ("clv.col.frequency", 0),
    "recency": ("clv.col.recency", 2),
    "T": ("clv.col.customer_age", 2),
    "monetary_value": ("clv.col.monetary_value", 2),
    "last_purchase": ("clv.col.last_purchase", None),
    "p_alive": ("clv.col.p_alive", 4),
    "purchases_3m": ("clv.col.purchases_3m", 3),
    "purchases_6m": ("clv.col.purchases_6m", 3),
    "purchases_12m": ("clv.col.purchases_12m", 3),
    "expected_spend": ("clv.col.expected_spend", 2),
    "clv": ("clv.col.clv", 2),
}
"""Columns of the per-customer download: header key and decimals."""


def export_table(values: pd.DataFrame, lang: str, months: int) -> pd.DataFrame:
    """:func:`customer_values` for a spreadsheet: translated headers (``customer_id`` stays
    canonical, the CSV writer translates it), rounded numbers."""
    table = values.reset_index()[["customer_id", *EXPORT_COLUMNS]]
    for column, (_, decimals) in EXPORT_COLUMNS.items():
        if decimals is not None:
            table[column] = table[column].round(decimals)
    headers = {column: t(key, lang, months=months) for column, (key, _) in EXPORT_COLUMNS.items()}
    return table.rename(columns=headers)


def clv_distribution(values: pd.DataFrame, *, bins: int = 30) -> pd.DataFrame:
    """Histogram of CLV up to its 99th percentile (the top 1 % in the last bin): ``start``,
    ``end``, ``customers``."""
    clv = values["clv"].to_numpy()
    upper = float(np.quantile(clv, 0.99)) if len(clv) else 0.0
    edges = np.linspace(0.0, upper if upper > 0 else 1.0, bins + 1)
    counts, _ = np.histogram(np.clip(clv, edges[0], edges[-1]), bins=edges)
    return pd.DataFrame({"start": edges[:-1], "end": edges[1:], "customers": counts})


def value_concentration(values: pd.DataFrame, top_share: float = 0.2) -> float:
    """Share of the total CLV held by the most valuable ``top_share`` of customers."""
    clv = np.sort(values["clv"].to_numpy())[::-1]
    total = clv.sum()
    top = max(1, round(top_share * len(clv)))
    return float(clv[:top].sum() / total) if total > 0 else 0.0


def segment_options(dataset: Dataset) -> list[str]:
    """Groupings that make sense for this data set: RFM segment and activity class (from the
    purchases), customer columns with 2…20 values among buyers, and the planted customer type
    of synthetic data."""
    options = ["rfm_segment", "activity"]
    known = customer_rows(dataset.customers, _buyer_ids(dataset.transactions))
    for column in SEGMENT_COLUMNS:
        if column in known.columns and 2 <= known[column].nunique() <= MAX_GROUPS:
            options.append(column)
    if dataset.truth is not None:
        options.append("planted_type")
    return options


def _buyer_ids(transactions: pd.DataFrame) -> pd.Series | pd.Index:
    """The ids of the customers who bought: the distinct ids kept with the purchases' days
    when the overview or the CLV fit has read them (:func:`kundenmodell.engine.purchase_days`),
    else the purchases' own id column."""
    if {"customer_id", "date"} <= set(transactions.columns):
        ids = engine.purchase_days(transactions).ids
        if ids is not None:
            return ids
    return transactions["customer_id"]


def display_names(people: pd.DataFrame) -> pd.Series:
    """How a person is called in a list: first and last name, the company in brackets, as far
    as the customer table (``people``, indexed by customer id) has them."""
    name = pd.Series("", index=people.index, dtype="string")
    for column in ("first_name", "last_name"):
        if column in people.columns:
            name = (name + " " + people[column].astype("string").fillna("")).str.strip()
    if "company" in people.columns:
        company = people["company"].astype("string")
        name = name.where(company.isna(), (name + " (" + company + ")").str.strip())
    return name


def customer_rows(customers: pd.DataFrame, ids: pd.Series | pd.Index) -> pd.DataFrame:
    """The customer-table rows (the first one per id) of the given ids that have one, in the
    order in which the ids first appear.

    The customers' ids are looked up among the distinct wanted ones with Arrow's hash table
    (:func:`kundenmodell.arrays.positions_in`), and only the matching rows are de-duplicated:
    18 M purchase ids against 4.9 M customers took 14 s as Python objects, and pandas' own
    ``isin`` on Arrow text 20 s.
    """
    wanted = pd.Index(pd.unique(ids.dropna()))
    position = positions_in(customers["customer_id"], wanted)
    rows = np.flatnonzero(position >= 0)
    first = rows[~pd.Index(position[rows]).duplicated()]
    return customers.iloc[first[np.argsort(position[first], kind="stable")]]


def segment_groups(dataset: Dataset, option: str) -> pd.Series:
    """Group value per customer id for a grouping option (see :func:`segment_options`), plus
    ``cohort_year`` / ``cohort_quarter`` (year or quarter of the first purchase)."""
    transactions = dataset.transactions
    if option == "rfm_segment":
        return rfm(transactions)["segment"].astype("string")
    if option == "activity":
        return classify_activity(transactions).astype("string")
    if option == "planted_type" and dataset.truth is not None:
        return dataset.truth.astype("string")
    if option in ("cohort_year", "cohort_quarter"):
        first = as_days(transactions["date"]).groupby(transactions["customer_id"]).min()
        return cohorts(first, "Y" if option == "cohort_year" else "Q")
    if option in SEGMENT_COLUMNS and option in dataset.customers.columns:
        customers = dataset.customers.drop_duplicates("customer_id")
        return customers.set_index("customer_id")[option].astype("string")
    raise DataError("error.clv.unknown_grouping", name=option)


def group_label(option: str, value: str, lang: str) -> str:
    """A group value as the user reads it (``b2c`` → "Privatkunde (B2C)"); unknown values and
    cohorts stay as they are."""
    key = _LABEL_PREFIX.get(option, f"{option}.") + str(value)
    return t(key, lang) if has_key(key, lang) else str(value)


def clv_by_segment(values: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Per group: ``customers``, ``clv_total``, ``clv_mean``, ``p_alive_mean``,
    ``purchases_12m_mean`` and ``share`` of the total CLV; sorted by mean CLV. Customers
    without a group value are left out.

    The mean P(alive) of a group can mislead: BG/NBD counts customers without a repeat
    purchase as alive, so "lost" one-time buyers average near 100 %; their expected purchases
    show what that is worth."""
    labels = groups.reindex(values.index)
    table = values.groupby(labels, observed=True).agg(
        customers=("clv", "size"),
        clv_total=("clv", "sum"),
        clv_mean=("clv", "mean"),
        p_alive_mean=("p_alive", "mean"),
        purchases_12m_mean=("purchases_12m", "mean"),
    )
    total = table["clv_total"].sum()
    table["share"] = table["clv_total"] / total if total > 0 else 0.0
    table = table.rename_axis("group").reset_index()
    table["group"] = table["group"].astype(str)
    return table.sort_values("clv_mean", ascending=False, ignore_index=True)


def p_alive_grid(fit: ClvFit, *, max_frequency: int | None = None, steps: int = 40) -> pd.DataFrame:
    """P(alive) for customers as old as the 90th percentile of T, by repeat purchases
    (``frequency`` 0…max) and ``weeks_since_last`` purchase (T − t_x, in about ``steps`` steps);
    ``T`` holds the age used. Frequency defaults to the 99th percentile (5 to 40)."""
    if not fit.ok:
        raise DataError("error.clv.too_thin")
    if not fit.trusted:
        raise DataError("clv_trust.not_trusted")
    age = float(np.ceil(np.quantile(fit.summary["T"], 0.9)))
    if max_frequency is None:
        max_frequency = int(np.clip(np.quantile(fit.summary["frequency"], 0.99), 5, 40))
    return p_alive_grid_of(fit.bg, age, max_frequency, steps)


def p_alive_grid_of(bg: BetaGeoModel, age: float, max_frequency: int, steps: int) -> pd.DataFrame:
    """:func:`p_alive_grid` for a given age ``T`` (weeks) and largest frequency."""
    step = max(1.0, np.ceil(age / steps))
    since_last = np.arange(0.0, age + step / 2, step)
    since_last = since_last[since_last <= age]
    frequency = np.arange(max_frequency + 1, dtype=np.float64)
    x, gap = np.meshgrid(frequency, since_last, indexing="ij")
    recency = np.where(x > 0, age - gap, 0.0)
    alive = bg.p_alive(x, recency, np.full_like(x, age))
    keep = (x > 0) | (gap == age)  # without repeat purchases only "last = first purchase" exists
    return pd.DataFrame(
        {
            "frequency": x[keep].astype(np.int64),
            "weeks_since_last": gap[keep],
            "p_alive": alive[keep],
            "T": age,
        }
    )


@dataclass(frozen=True)
class HoldoutCheck:
    """Model check on a hold-out period: the calibration fit, the comparison per calibration
    frequency, the weekly tracking and the totals (None when the calibration data is too
    thin, or when ``trust`` has doubts about the calibration fit or its predictions)."""

    calibration_end: pd.Timestamp
    observation_end: pd.Timestamp
    adequacy: Adequacy
    bg: BetaGeoModel | None
    comparison: pd.DataFrame | None
    tracking: pd.DataFrame | None
    actual_total: float | None
    predicted_total: float | None
    trust: Trust = field(default_factory=Trust)

    @property
    def deviation(self) -> float | None:
        """How far the predicted hold-out purchases miss the actual ones, as a share:
        ``predicted / actual − 1`` (+0.1 = predicted 10 % too many); None without totals or
        when nobody bought in the hold-out period."""
        if self.predicted_total is None or not self.actual_total:
            return None
        return self.predicted_total / self.actual_total - 1


def holdout_months_range(dataset: Dataset) -> tuple[int, int]:
    """Smallest and largest sensible hold-out length in months: at least one, and leaving at
    least the minimum period plus one month for calibration (0, 0 when impossible)."""
    period = dataset.period
    if period is None:
        return 0, 0
    days = (period[1] - period[0]).days
    largest = int((days - 120) // DAYS_PER_UNIT["M"])
    return (1, min(largest, 24)) if largest >= 1 else (0, 0)


def holdout_check(dataset: Dataset, holdout_months: int) -> HoldoutCheck:
    """Fit BG/NBD on all purchases before the last ``holdout_months`` months and compare its
    predictions with what happened in them."""
    period = dataset.period
    if period is None:
        raise DataError("error.clv.no_purchases")
    end = period[1].normalize()
    cut = end - pd.Timedelta(days=round(holdout_months * DAYS_PER_UNIT["M"]))
    calibration = calibration_and_holdout(
        dataset.transactions, cut, observation_end=end, time_unit=TIME_UNIT
    )
    adequacy = check_holdout(calibration, (end - cut).days)
    if not adequacy.ok:
        return HoldoutCheck(cut, end, adequacy, None, None, None, None, None)
    bg = BetaGeoModel().fit(calibration["frequency"], calibration["recency"], calibration["T"])
    doubts = model_doubts("bgnbd", bg)
    if doubts:
        return HoldoutCheck(cut, end, adequacy, bg, None, None, None, None, Trust(tuple(doubts)))
    comparison = holdout_comparison(bg, calibration)
    weekly = tracking(bg, dataset.transactions, cut, observation_end=end, time_unit=TIME_UNIT)
    predicted = bg.conditional_expected_purchases(
        calibration["duration_holdout"],
        calibration["frequency"],
        calibration["recency"],
        calibration["T"],
    )
    broken = ~np.isfinite(predicted)
    if broken.any() or not np.isfinite(weekly["predicted"]).all():
        doubt = Doubt("bgnbd", Reason.NOT_FINITE, {"customers": max(int(broken.sum()), 1)})
        return HoldoutCheck(cut, end, adequacy, bg, None, None, None, None, Trust((doubt,)))
    return HoldoutCheck(
        cut,
        end,
        adequacy,
        bg,
        comparison,
        weekly,
        float(calibration["frequency_holdout"].sum()),
        float(predicted.sum()),
    )


@dataclass(frozen=True)
class Retention:
    """Kaplan–Meier retention curves per group and their key figures (see :mod:`.churn`)."""

    curves: pd.DataFrame
    summary: pd.DataFrame


def retention(
    dataset: Dataset, option: str = "cohort_year", inactive_days: int = 180, months: int = 24
) -> Retention:
    """Retention curves and monthly churn per group (``"all"`` for one curve)."""
    if dataset.transactions.empty:
        raise DataError("error.clv.no_purchases")
    lifetimes = customer_lifetimes(dataset.transactions, inactive_days=inactive_days)
    groups = None if option == "all" else segment_groups(dataset, option)
    curves = retention_curves(lifetimes, groups, months=months)
    if curves.empty:
        raise DataError("error.clv.retention_too_thin", inactive_days=inactive_days)
    return Retention(curves, churn_summary(curves))


def parameter_table(fit: ClvFit, lang: str) -> pd.DataFrame:
    """Both models' parameters with standard errors, 95 % intervals and their meaning
    (``clv.param.<name>``) under translated headers, numbers rounded to 4 significant
    digits."""
    if not fit.ok:
        raise DataError("error.clv.too_thin")
    rows = []
    for model_key, model in (("clv.model.bgnbd", fit.bg), ("clv.model.gamma_gamma", fit.gg)):
        for name, row in model.summary_.iterrows():
            rows.append(
                {
                    t("clv.param.model", lang): t(model_key, lang),
                    t("clv.param.parameter", lang): name,
                    t("clv.param.estimate", lang): round_significant(row["estimate"]),
                    t("clv.param.standard_error", lang): round_significant(row["standard_error"]),
                    t("clv.param.lower_95", lang): round_significant(row["lower_95"]),
                    t("clv.param.upper_95", lang): round_significant(row["upper_95"]),
                    t("clv.param.meaning", lang): t(f"clv.param.{name}", lang),
                }
            )
    return pd.DataFrame(rows)


def retention_export(curves: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Retention curves (with their ``label`` column) for a spreadsheet, translated headers."""
    return pd.DataFrame(
        {
            t("clv.chart.group", lang): curves["label"],
            t("clv.chart.months_since_first", lang): curves["month"],
            t("clv.chart.retention", lang): curves["retention"].round(4),
            t("clv.chart.monthly_churn", lang): curves["monthly_churn"].round(4),
            t("clv.chart.followed", lang): curves["at_risk"],
        }
    )


def likely_active_share(values: pd.DataFrame) -> float:
    """Share of the customers in ``values`` (:func:`customer_values`) whose P(alive) is above
    :data:`LIKELY_ALIVE`; NaN for no customers."""
    if values.empty:
        return float("nan")
    return float((values["p_alive"] > LIKELY_ALIVE).mean())


def round_significant(value: float, digits: int = 4) -> float:
    """``value`` rounded to ``digits`` significant digits (``123456`` → ``123500``)."""
    if not np.isfinite(value) or value == 0:
        return float(value)
    return float(round(value, digits - 1 - int(np.floor(np.log10(abs(value))))))
