"""Remembered mappings: the mapping a user confirmed for a file, offered again for the next
file with exactly the same columns (next month's export of the same system).

The memory is a plain ``{shape: mapping JSON}`` dict, so that it can live in a saved workspace
(JSON types only). It keeps the :data:`REMEMBERED_SHAPES` most recently confirmed shapes: a
team that exports from a handful of systems never loses one, and the workspace stays small.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingType
from collections.abc import Sequence

from kundenmodell.errors import DataError
from kundenmodell.io.mapping import Mapping

REMEMBERED_SHAPES = 20
"""How many file shapes (column lists) the memory keeps; the oldest confirmed goes first."""

_SEPARATOR = "\x1f"  # ASCII unit separator: never part of a column name a user typed


def shape(columns: Sequence[str]) -> str:
    """The key of a file's shape: its column names in order (order matters, so a reordered
    export is a new shape)."""
    return _SEPARATOR.join(str(column) for column in columns)


def recall(memory: MappingType[str, str], columns: Sequence[str]) -> Mapping | None:
    """The mapping confirmed last for a file with exactly ``columns``, or None when there is
    none or the stored text no longer fits (an older, unreadable version is forgotten quietly:
    the suggestion takes its place)."""
    text = memory.get(shape(columns))
    if text is None:
        return None
    try:
        return Mapping.from_json(text).for_columns(list(columns))
    except DataError:
        return None


def remember(
    memory: MappingType[str, str], mapping: Mapping, keep: int = REMEMBERED_SHAPES
) -> dict[str, str]:
    """``memory`` with ``mapping`` as the most recent entry for its shape, cut to the ``keep``
    most recently confirmed shapes (a shape confirmed again moves to the end)."""
    key = shape(list(mapping.columns))
    entries = [(name, text) for name, text in memory.items() if name != key]
    entries.append((key, mapping.to_json()))
    return dict(entries[-keep:]) if keep > 0 else {}


def starting_mapping(
    suggested: Mapping,
    *,
    loaded: Mapping | None = None,
    remembered: Mapping | None = None,
    already_used: bool = False,
) -> tuple[Mapping, str]:
    """The mapping a file's editor starts from, and where it comes from.

    A mapping the user loaded from a file for this upload wins (``"loaded"``); then the one
    remembered for the file's shape (``"remembered"``), unless this very file was already used,
    when the user's edits of the suggestion stand; otherwise the suggestion (``"suggested"``).
    """
    if loaded is not None:
        return loaded, "loaded"
    if remembered is not None and not already_used:
        return remembered, "remembered"
    return suggested, "suggested"
