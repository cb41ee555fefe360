"""The one object that flows through the workbench: tables plus what is known about them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from kundenmodell.errors import DataError
from kundenmodell.i18n.numbers import DEFAULT_FACTS
from kundenmodell.schema import ValidationReport, empty_table, validate

if TYPE_CHECKING:
    from kundenmodell.combine import JoinReport

Source = Literal["synthetic", "sample", "upload", "workspace"]


@dataclass
class Dataset:
    """A customer data set in the canonical schema.

    ``customers`` is required and must have a ``customer_id`` column; ``transactions`` (one row
    per purchase) and ``interactions`` are optional. For synthetic data, ``truth`` holds each
    customer's planted type (a Series indexed by customer_id) and ``truth_params`` the true
    parameters of the generating process; both stay out of the customer table so that analyses
    cannot see them by accident. A data set combined from several files
    (:func:`kundenmodell.combine.combine`, ``km.load([...])``) keeps in ``join_report`` what
    joining them on the customer number found.
    """

    customers: pd.DataFrame
    transactions: pd.DataFrame = field(default_factory=lambda: empty_table("transactions"))
    interactions: pd.DataFrame | None = None
    name: str = "dataset"
    source: Source = "upload"
    currency: str = DEFAULT_FACTS.currency
    locale: str = DEFAULT_FACTS.locale
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    truth: pd.Series | None = None
    truth_params: dict[str, Any] | None = None
    join_report: JoinReport | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if "customer_id" not in self.customers.columns:
            raise DataError("error.missing_column", table="customers", column="customer_id")
        if self.transactions is None:
            self.transactions = empty_table("transactions")
        self._ids_of_one_kind()

    def _ids_of_one_kind(self) -> None:
        """When one table writes its customer numbers as numbers and another as text (a data
        folder whose customer file stores ``int64`` ids and whose purchase file stores text),
        the numbers are read as text, as an upload reads every id (``1234``, not ``1234.0``):
        compared as they were, no purchase matched a customer, and every customer counted as
        never having bought next to the buyers."""
        tables = {"customers": self.customers, "transactions": self.transactions}
        if self.interactions is not None:
            tables["interactions"] = self.interactions
        kinds = {
            name: _id_kind(frame["customer_id"])
            for name, frame in tables.items()
            if "customer_id" in frame.columns and len(frame)
        }
        if not {"number", "text"} <= set(kinds.values()):
            return
        from kundenmodell.io.prepare import coerce  # io builds on this module
        from kundenmodell.schema import TABLES

        for name, kind in kinds.items():
            if kind == "number":
                ids = coerce(tables[name]["customer_id"], TABLES[name].column("customer_id"))[0]
                setattr(self, name, tables[name].assign(customer_id=ids))

    @property
    def n_customers(self) -> int:
        return len(self.customers)

    @property
    def n_transactions(self) -> int:
        return len(self.transactions)

    @property
    def revenue(self) -> float:
        """Sum of all purchase amounts (0 when there are no purchases)."""
        if "amount" not in self.transactions.columns or self.transactions.empty:
            return 0.0
        return float(pd.to_numeric(self.transactions["amount"], errors="coerce").sum())

    @property
    def period(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """First and last purchase date, or None without dated purchases."""
        if "date" not in self.transactions.columns or self.transactions.empty:
            return None
        dates = pd.to_datetime(self.transactions["date"], errors="coerce").dropna()
        return (dates.min(), dates.max()) if not dates.empty else None

    def validate(self) -> ValidationReport:
        """Shortcut for :func:`kundenmodell.schema.validate`."""
        return validate(self)


def _id_kind(ids: pd.Series) -> str:
    """``number``, ``text`` or ``other`` (objects that may mix them, dates, …)."""
    if pd.api.types.is_bool_dtype(ids.dtype):
        return "other"
    if pd.api.types.is_numeric_dtype(ids.dtype):
        return "number"
    if ids.dtype != object and pd.api.types.is_string_dtype(ids.dtype):
        return "text"
    return "other"
