"""A key-figure tile for an amount of money that fits its column at any size."""

from __future__ import annotations

from typing import Any

from kundenmodell.i18n import format_money, format_money_short
from ui.session import T, lang


def money_tile(column: Any, label: str, amount: float, currency: str) -> None:
    """``amount`` in ``column`` (a Streamlit container) as a headline: whole units below ten
    million, millions and billions above (:func:`~kundenmodell.i18n.format_money_short`), the
    exact amount in the tile's help. A long amount would be cut off with an ellipsis."""
    language = lang()
    column.metric(
        label,
        format_money_short(amount, currency, language),
        help=T(
            "headline_figures.exact", amount=format_money(amount, currency, language, decimals=2)
        ),
    )
