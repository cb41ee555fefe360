"""The user's own words on persona cards (name, description, quote), kept per persona set.

Edits are stored in a plain ``{signature: {index: {field: text}}}`` dict so that a saved
workspace keeps them (JSON types only). The signature says which persona set an edit belongs
to: the same data set, number of personas, features and seed build the same set again, so the
edits come back; any other choice builds another set, which starts without edits.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

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


def signature(data: Dataset, k: int | None, features: Sequence[str] | None, seed: int) -> str:
    """Which persona set an edit belongs to, as a JSON text (a key a saved workspace keeps)."""
    return json.dumps([data.name, data.n_customers, k, list(features or ()), seed])


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
