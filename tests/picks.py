"""The connect page's choices made in code: the tables of a source picked by name, each with
the mapping the page suggests from a sample, or the columns a test names for it."""

from __future__ import annotations

from pathlib import Path

from kundenmodell.engine import browse
from kundenmodell.engine.browse import sample_rows
from kundenmodell.engine.connect import Pick, suggest


def pick_tables(
    path: str | Path,
    names: dict[str, str],
    targets: dict[str, dict[str, str]] | None = None,
) -> dict[str, Pick]:
    """Per role (``customers``, ``transactions``, ``interactions``), the table ``names[role]``
    of ``path`` with the suggested mapping, or ``targets[role]`` (source column → canonical
    column) where given, as a user would confirm them."""
    source = browse.browse(path)
    chosen = {}
    for role, name in names.items():
        table = source.tables[name]
        sample = sample_rows(table)
        mapping = suggest(role, sample)
        if targets and role in targets:
            mapping = mapping.with_targets(targets[role])
        chosen[role] = Pick(table, mapping, sample)
    return chosen
