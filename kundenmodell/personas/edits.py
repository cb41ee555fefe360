"""The user's own words on persona cards (name, description, quote), kept per persona set.

Edits are stored in a plain ``{signature: {index: {field: text}}}`` dict so that a saved
workspace keeps them (JSON types only). The signature says which persona set an edit belongs
to: the same data set, number of personas, features and seed build the same set again, so the
edits come back; any other choice builds another set, which starts without edits.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import pandas as pd

from kundenmodell.dataset import Dataset
from kundenmodell.personas.persona_set import EDITABLE

K_CHOICES: tuple[str | int, ...] = ("auto", 2, 3, 4, 5, 6, 7, 8, 9, 10)
"""The numbers of personas a user may ask for; ``"auto"`` lets the criterion choose."""
NUMBER_FORMATS = {"purchase_rate": "%.1f", "quantity": "%.1f", "basket": "%.2f", "monetary": "%.2f"}
"""printf formats of the features shown per member: rates and quantities to one decimal, money
to cents; every other feature is a whole number (:func:`number_format`)."""

Stored = Mapping[str, Mapping[str, Mapping[str, str]]]
"""Signature → persona index (as text, a JSON key) → edited field → text."""


def number_format(feature: str) -> str:
    """The printf format a member table shows ``feature`` in."""
    return NUMBER_FORMATS.get(feature, "%.0f")


IN_ID_ORDER = "customers in id order"
"""Marks the signature of a data set whose customer rows are not in id order."""


def signature(data: Dataset, k: int | None, features: Sequence[str] | None, seed: int) -> str:
    """Which persona set an edit belongs to, as a JSON text (a key a saved workspace keeps).

    Personas are built on the customers in id order
    (:meth:`~kundenmodell.personas.features.FeatureTable.in_id_order`); before that, they
    depended on the order of the rows. For a data set whose rows are in id
    order nothing changed, and its saved edits still apply. For any other the personas may
    have changed, so its signature carries :data:`IN_ID_ORDER`: edits saved before belong to
    an older set and stay in the workspace without being put on another persona's card."""
    parts: list[object] = [data.name, data.n_customers, k, list(features or ()), seed]
    if not _rows_in_id_order(data.customers["customer_id"]):
        parts.append(IN_ID_ORDER)
    return json.dumps(parts)


def _rows_in_id_order(ids: pd.Series) -> bool:
    """Whether the ids ascend row by row (ids of numbers mixed with text never do)."""
    return bool(pd.Index(ids.array).is_monotonic_increasing)


def earlier_edits(stored: Stored, key: str) -> int:
    """How many personas carry edits saved under the signature the set ``key`` had before
    :data:`IN_ID_ORDER` was added to it (0 for a set without the marker): edits the user
    made on personas that may have changed since, kept but not shown, so the page says so."""
    parts = json.loads(key)
    if not parts or parts[-1] != IN_ID_ORDER:
        return 0
    return len(stored.get(json.dumps(parts[:-1]), {}))


def edits_of(stored: Stored, key: str) -> dict[int, dict[str, str]]:
    """The edits of the persona set ``key``: persona index → edited fields."""
    return {int(index): dict(values) for index, values in stored.get(key, {}).items()}


def with_edit(
    stored: Stored,
    key: str,
    index: int,
    values: Mapping[str, str] | None,
) -> dict[str, dict[str, dict[str, str]]]:
    """``stored`` with persona ``index`` of set ``key`` edited to ``values`` (only the
    :data:`EDITABLE` fields are kept), or back to the built card when ``values`` is None."""
    result = {name: {i: dict(v) for i, v in edits.items()} for name, edits in stored.items()}
    edits = result.setdefault(key, {})
    if values is None:
        edits.pop(str(index), None)
    else:
        edits[str(index)] = {field: str(values[field]) for field in EDITABLE if field in values}
    if not edits:
        del result[key]
    return result
