"""First-glance figures of a data set: key numbers, revenue per month, lifecycle and type mix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kundenmodell.dataset import Dataset
from kundenmodell.schema import CUSTOMER_TYPES, STATUSES, TABLES, TableSchema

if TYPE_CHECKING:
    import ibis


@dataclass(frozen=True)
class Kpis:
    """Headline numbers; the averages are None when there are no purchases."""

    customers: int
    buyers: int
    revenue: float
    purchases: int
    average_purchase: float | None
    purchases_per_buyer: float | None


def kpis(dataset: Dataset) -> Kpis:
    """Customers (rows of the customer table), buyers (distinct ids with a purchase), revenue,
    purchases, average purchase = revenue / purchases, purchases per buyer = purchases / buyers.
    The purchases are counted in the engine (:func:`kpis_of_table`).
    """
    from kundenmodell import engine  # imports ibis: on first use, not with the package

    transactions = dataset.transactions
    if transactions.empty or "customer_id" not in transactions.columns:
        return kpis_from_totals(dataset.n_customers, len(transactions), 0, dataset.revenue)
    table = engine.frame_table(transactions, engine.PURCHASE_COLUMNS)
    return kpis_of_table(dataset.n_customers, table)


def kpis_of_table(customers: int, transactions: ibis.Table) -> Kpis:
    """:func:`kpis` of an engine table of purchases and a number of customers."""
    from kundenmodell import engine  # imports ibis: on first use, not with the package

    return kpis_from_totals(customers, *engine.purchase_totals(transactions))


def kpis_from_totals(customers: int, purchases: int, buyers: int, revenue: float) -> Kpis:
    """The :class:`Kpis` of counted totals (averages None without purchases or buyers)."""
    return Kpis(
        customers=customers,
        buyers=buyers,
        revenue=revenue,
        purchases=purchases,
        average_purchase=revenue / purchases if purchases else None,
        purchases_per_buyer=purchases / buyers if buyers else None,
    )


MONTHLY_COLUMNS = ["month", "revenue", "purchases", "buyers"]


def monthly_revenue(dataset: Dataset) -> pd.DataFrame:
    """Revenue, purchases and distinct buyers per calendar month (``month`` = first day).

    Months without purchases inside the covered period appear with zeros, so a chart shows
    gaps as gaps rather than joining over them. Reduced in the engine
    (:func:`kundenmodell.engine.monthly_totals`).
    """
    from kundenmodell import engine  # imports ibis: on first use, not with the package

    transactions = dataset.transactions
    if transactions.empty or not {"customer_id", "date", "amount"} <= set(transactions.columns):
        return pd.DataFrame(columns=MONTHLY_COLUMNS)
    return monthly_of_table(engine.frame_table(transactions, engine.PURCHASE_COLUMNS))


def monthly_of_table(transactions: ibis.Table) -> pd.DataFrame:
    """:func:`monthly_revenue` of an engine table of purchases."""
    from kundenmodell import engine  # imports ibis: on first use, not with the package

    rows = engine.purchase_rows(transactions)
    return monthly_frame(engine.to_pandas(engine.monthly_totals(rows)))


def monthly_frame(totals: pd.DataFrame) -> pd.DataFrame:
    """The month rows of :func:`monthly_revenue` from the engine's month ordinals
    (:func:`kundenmodell.engine.monthly_totals`), with the months between them filled."""
    if totals.empty:
        return pd.DataFrame(columns=MONTHLY_COLUMNS)
    ordinals = np.arange(int(totals["ordinal"].min()), int(totals["ordinal"].max()) + 1)
    filled = totals.set_index("ordinal").reindex(ordinals, fill_value=0)
    return pd.DataFrame(
        {
            "month": pd.PeriodIndex.from_ordinals(ordinals, freq="M").to_timestamp(),
            "revenue": filled["revenue"].to_numpy(dtype=np.float64),
            "purchases": filled["purchases"].to_numpy(dtype=np.int64),
            "buyers": filled["buyers"].to_numpy(dtype=np.int64),
        }
    )


def _category_counts(values: pd.Series, order: tuple[str, ...], name: str) -> pd.DataFrame:
    counts = values.astype("string").value_counts().reindex(list(order), fill_value=0)
    total = int(counts.sum())
    frame = counts.rename("count").rename_axis(name).reset_index()
    frame["share"] = frame["count"] / total if total else 0.0
    return frame


def status_counts(customers: pd.DataFrame) -> pd.DataFrame:
    """People per lifecycle status in funnel order (lead, contact, prospect, customer), with share
    of all people that have a known status. Empty when there is no ``status`` column."""
    if "status" not in customers.columns:
        return pd.DataFrame(columns=["status", "count", "share"])
    return _category_counts(customers["status"], STATUSES, "status")


def customer_type_counts(customers: pd.DataFrame) -> pd.DataFrame:
    """People per customer type (b2b, b2c) with share; empty without ``customer_type``."""
    if "customer_type" not in customers.columns:
        return pd.DataFrame(columns=["customer_type", "count", "share"])
    return _category_counts(customers["customer_type"], CUSTOMER_TYPES, "customer_type")


def column_completeness(frame: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """Per column of ``schema``: share of rows with a value and number missing.

    Canonical columns absent from the frame count as entirely missing, so the table shows
    what an analysis could use and what is not there at all.
    """
    rows = len(frame)
    filled = frame.notna().sum()
    records = []
    for name in schema.names:
        present = int(filled.get(name, 0))
        records.append(
            {
                "column": name,
                "filled": present / rows if rows else 0.0,
                "missing": rows - present,
                "present": name in frame.columns,
            }
        )
    return pd.DataFrame(records)


def table_completeness(dataset: Dataset, table: str) -> pd.DataFrame:
    """:func:`column_completeness` of one of the data set's canonical tables, by name."""
    return column_completeness(getattr(dataset, table), TABLES[table])


LABEL_PREFIXES = {
    ("interactions", "kind"): "interaction_kind",
    ("interactions", "outcome"): "interaction_outcome",
}
"""Catalogue tables of coded values whose table name is not the column name (``kind`` alone
would be ambiguous); every other column's values are looked up as ``<column>.<value>``."""


def labelled_rows(frame: pd.DataFrame, table: str, lang: str) -> pd.DataFrame:
    """``frame`` (rows of canonical table ``table``) with coded values in words: ``reached`` →
    ``erreicht``, ``email`` → ``E-Mail``, as the catalogue of ``lang`` names them; columns whose
    values have no labels (names, an upload's own categories) stay as they are."""
    from kundenmodell.i18n import has_key, value_label

    schema = TABLES[table]
    labelled = frame.copy()
    for name in frame.columns:
        values = frame[name]
        if name not in schema.names or schema.column(name).kind not in ("category", "text"):
            continue
        prefix = LABEL_PREFIXES.get((table, name), name)
        distinct = values.dropna().unique()
        if not any(has_key(f"{prefix}.{value}", lang) for value in distinct[:50]):
            continue
        labels = {value: value_label(prefix, value, lang) for value in distinct}
        labelled[name] = values.map(labels).astype(object).where(values.notna(), None)
    return labelled
