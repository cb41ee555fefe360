"""Tables for comparison and export: several named plans side by side, one plan per month."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from kundenmodell.scenarios.model import Scenario
from kundenmodell.scenarios.monte_carlo import Uncertainty, monte_carlo
from kundenmodell.scenarios.simulate import simulate, summarise

COMPARISON_COLUMNS = (
    "customers_median",
    "profit_planned",
    "profit_median",
    "profit_q05",
    "profit_q95",
    "break_even_month",
    "cost_per_retained",
    "cost_per_acquired",
    "prob_beats_first",
)

RowKind = Literal["budgets", "count", "money", "money_range", "month", "share"]
COMPARISON_ROWS: tuple[tuple[str, RowKind], ...] = (
    ("budgets", "budgets"),
    ("customers_median", "count"),
    ("profit_planned", "money"),
    ("profit_median", "money"),
    ("profit_range", "money_range"),
    ("break_even_month", "month"),
    ("cost_per_retained", "money"),
    ("cost_per_acquired", "money"),
    ("prob_beats_first", "share"),
)
"""The figures of the side-by-side comparison in the order people read them, with how each is
written: a pair of budgets, a count, money, a 5 %–95 % money range, a month, a share."""


@dataclass(frozen=True)
class ComparisonRow:
    """One figure of :func:`comparison_rows` for every plan: ``key`` names it
    (:data:`COMPARISON_ROWS`), ``kind`` says how to write it, ``values`` has one entry per plan
    (a number, a ``(low, high)`` or ``(acquisition, retention)`` pair, or None when there is
    none: no break-even, nobody retained, the first plan against itself)."""

    key: str
    kind: RowKind
    values: tuple


def _known(value: float | None) -> float | None:
    """None for a missing value that a table column turned into NaN."""
    return None if value is None or value != value else float(value)


def comparison_rows(plans: Mapping[str, Scenario], table: pd.DataFrame) -> list[ComparisonRow]:
    """The comparison of :func:`compare` as rows for people: one :class:`ComparisonRow` per
    entry of :data:`COMPARISON_ROWS`, values in the order of ``plans``."""
    ordered = table.set_index("scenario").reindex(list(plans))

    def values(key: str) -> tuple:
        if key == "budgets":
            return tuple((p.acquisition_budget, p.retention_budget) for p in plans.values())
        if key == "profit_range":
            pairs = zip(ordered["profit_q05"], ordered["profit_q95"], strict=True)
            return tuple((_known(low), _known(high)) for low, high in pairs)
        return tuple(_known(value) for value in ordered[key])

    return [ComparisonRow(key, kind, values(key)) for key, kind in COMPARISON_ROWS]


def compare(
    plans: Mapping[str, Scenario],
    uncertainty: Uncertainty,
    *,
    n_paths: int = 5_000,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Bands of every plan (with a ``scenario`` column) and a summary table.

    The summary has one row per name in ``plans`` and the columns of
    :data:`COMPARISON_COLUMNS`: median customers at the horizon, the discounted profit of the plan
    values without uncertainty (the figure :func:`optimise_split` maximises, so a saved best
    split shows the same number), its median over the uncertain paths with their 5 % and 95 %
    quantiles, break-even month against no spend, cost per retained and per acquired customer,
    and the probability of beating the first plan (same draws for all; ``NaN`` for the first
    plan itself and for plans with another horizon).
    """
    names = list(plans)
    first = plans[names[0]] if names else None
    bands, rows = [], []
    for name, plan in plans.items():
        versus = first if name != names[0] and first.months == plan.months else None
        result = monte_carlo(plan, uncertainty, n_paths, seed, versus=versus)
        summary = summarise(plan)
        bands.append(result.bands.assign(scenario=name))
        profit = np.quantile(result.final_profit, [0.05, 0.5, 0.95])
        rows.append(
            {
                "scenario": name,
                "customers_median": float(np.median(result.final_customers)),
                "profit_planned": summary.discounted_profit,
                "profit_median": float(profit[1]),
                "profit_q05": float(profit[0]),
                "profit_q95": float(profit[2]),
                "break_even_month": summary.break_even_month,
                "cost_per_retained": summary.cost_per_retained,
                "cost_per_acquired": summary.cost_per_acquired,
                "prob_beats_first": np.nan if result.prob_beats is None else result.prob_beats,
            }
        )
    table = pd.DataFrame(rows, columns=["scenario", *COMPARISON_COLUMNS])
    return (pd.concat(bands, ignore_index=True) if bands else pd.DataFrame()), table


def monthly_table(scenario: Scenario, bands: pd.DataFrame) -> pd.DataFrame:
    """:func:`simulate` per month joined with the Monte Carlo bands of customers and
    discounted cumulative profit (columns ``customers_q05`` … ``profit_q95``)."""
    frame = simulate(scenario)
    for metric, prefix in (("customers", "customers"), ("discounted_cumulative_profit", "profit")):
        wide = bands[bands["metric"] == metric].set_index("month")
        for column in ("q05", "q25", "q50", "q75", "q95"):
            frame[f"{prefix}_{column}"] = frame["month"].map(wide[column]).to_numpy()
    return _rounded(frame)


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Money to the cent, customer counts and rates to four places: a table for people and
    spreadsheets, not fifteen digits of simulation noise."""
    money = ("revenue", "cost", "profit")
    digits = {
        name: 2 if any(word in name for word in money) else 4
        for name in frame.columns
        if pd.api.types.is_float_dtype(frame[name])
    }
    return frame.round(digits)


def comparison_table(plans: Mapping[str, Scenario], table: pd.DataFrame) -> pd.DataFrame:
    """The saved scenarios side by side for a download: one row per scenario with its inputs
    (budgets, horizon) and the figures of :func:`compare`, rounded like :func:`monthly_table`."""
    inputs = pd.DataFrame(
        {
            "scenario": list(plans),
            "acquisition_budget": [plan.acquisition_budget for plan in plans.values()],
            "retention_budget": [plan.retention_budget for plan in plans.values()],
            "months": [plan.months for plan in plans.values()],
        }
    )
    return _rounded(inputs.merge(table, on="scenario", how="left"))
