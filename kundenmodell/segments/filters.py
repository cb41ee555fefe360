"""Filters that narrow a data set to a customer group; every segment view applies them alike."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from kundenmodell.dataset import Dataset

FILTER_COLUMNS: tuple[str, ...] = ("customer_type", "relationship", "city", "acquisition_channel")


@dataclass(frozen=True)
class SegmentFilter:
    """Allowed values per customer column; an empty tuple means "no restriction"."""

    customer_type: tuple[str, ...] = ()
    relationship: tuple[str, ...] = ()
    city: tuple[str, ...] = ()
    acquisition_channel: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return any(getattr(self, column) for column in FILTER_COLUMNS)


def filter_dataset(dataset: Dataset, selection: SegmentFilter) -> Dataset:
    """The customers matching every restriction of ``selection``, with their purchases and
    interactions. Restrictions on columns the data does not have are ignored."""
    if not selection.active:
        return dataset
    kept = filter_customers(dataset.customers, selection)
    ids = kept["customer_id"]

    def restrict(frame: pd.DataFrame | None) -> pd.DataFrame | None:
        if frame is None or "customer_id" not in frame.columns:
            return frame
        return frame[frame["customer_id"].isin(ids)]

    return replace(
        dataset,
        customers=kept,
        transactions=restrict(dataset.transactions),
        interactions=restrict(dataset.interactions),
    )


def filter_customers(customers: pd.DataFrame, selection: SegmentFilter) -> pd.DataFrame:
    """The rows of ``customers`` matching every restriction of ``selection``."""
    if not selection.active:
        return customers
    return customers[customer_mask(customers, selection)]


def customer_mask(customers: pd.DataFrame, selection: SegmentFilter) -> np.ndarray:
    """Which rows of ``customers`` match every restriction of ``selection``."""
    keep = np.ones(len(customers), dtype=bool)
    for column in FILTER_COLUMNS:
        allowed = getattr(selection, column)
        if allowed and column in customers.columns:
            matches = customers[column].astype("string").isin(allowed).fillna(False)
            keep &= matches.to_numpy(dtype=bool)
    return keep


def filter_options(customers: pd.DataFrame, column: str, *, limit: int = 50) -> list[str]:
    """The most frequent values of ``column`` (at most ``limit``), for a filter widget."""
    if column not in customers.columns:
        return []
    counts = customers[column].astype("string").value_counts()
    return [str(value) for value in counts.index[:limit]]
