"""Remembered mappings and the mapping table the upload page shows."""

import json

import pandas as pd

from kundenmodell.io import suggest_mapping
from kundenmodell.io.mapping_table import IGNORE, chosen_targets, examples, mapping_table
from kundenmodell.io.memory import REMEMBERED_SHAPES, recall, remember, shape, starting_mapping

COLUMNS = ["Kunden-Nr.", "Name", "Bemerkung"]


def _mapping(columns=COLUMNS):
    return suggest_mapping(columns, "auto")


def test_a_confirmed_mapping_comes_back_for_the_same_columns_only():
    confirmed = _mapping().with_targets({"Bemerkung": "industry"})
    memory = remember({}, confirmed)
    back = recall(memory, COLUMNS)
    assert back is not None and back.to_json() == confirmed.to_json()
    assert recall(memory, list(reversed(COLUMNS))) is None  # order is part of the shape
    assert recall(memory, [*COLUMNS, "Extra"]) is None


def test_the_memory_keeps_the_most_recently_confirmed_shapes():
    memory: dict[str, str] = {}
    for number in range(REMEMBERED_SHAPES + 5):
        memory = remember(memory, _mapping([f"Spalte {number}", "Kunden-Nr."]))
    assert len(memory) == REMEMBERED_SHAPES
    assert recall(memory, ["Spalte 4", "Kunden-Nr."]) is None  # the five oldest went
    assert recall(memory, ["Spalte 5", "Kunden-Nr."]) is not None
    memory = remember(memory, _mapping(["Spalte 5", "Kunden-Nr."]))  # confirmed again: newest
    memory = remember(memory, _mapping(["Neu", "Kunden-Nr."]))
    assert recall(memory, ["Spalte 5", "Kunden-Nr."]) is not None
    assert recall(memory, ["Spalte 6", "Kunden-Nr."]) is None
    assert list(memory)[-1] == shape(["Neu", "Kunden-Nr."])


def test_memory_is_json_and_does_not_change_the_input():
    before = {shape(["a"]): "not json"}
    after = remember(before, _mapping())
    assert before == {shape(["a"]): "not json"}
    assert json.loads(json.dumps(after)) == after
    assert recall(after, ["a"]) is None  # an unreadable entry is forgotten quietly


def test_the_mapping_table_shows_examples_and_confidence_in_percent():
    frame = pd.DataFrame(
        {
            "Kunden-Nr.": [7, 7, 8, 9, 10],
            "Name": ["  Ada ", "Bo", None, "Cy", "Di"],
            "Bemerkung": [1.5, 2.0, None, None, None],
        }
    )
    mapping = _mapping().with_targets({"Bemerkung": None})
    table = mapping_table(mapping, frame, "de")
    assert list(table.columns) == ["source", "examples", "target", "confidence"]
    rows = table.set_index("source")
    assert rows.at["Kunden-Nr.", "examples"] == "7, 8, 9"
    assert rows.at["Name", "examples"] == "Ada, Bo, Cy"
    assert rows.at["Bemerkung", "examples"] == "1,50, 2"
    assert rows.at["Bemerkung", "target"] == IGNORE
    by_source = {entry.source: entry.confidence for entry in mapping.entries}
    assert rows["confidence"].to_dict() == {s: c * 100 for s, c in by_source.items()}
    assert rows.at["Kunden-Nr.", "confidence"] > 50
    assert chosen_targets(table) == {
        "Kunden-Nr.": "customer_id",
        "Name": rows.at["Name", "target"],
        "Bemerkung": None,
    }


def test_example_dates_are_written_in_the_language():
    dates = pd.Series(pd.to_datetime(["2024-03-04", "2024-03-04", "2025-12-31"]))
    assert examples(dates, "de") == "04.03.2024, 31.12.2025"
    assert examples(pd.Series([], dtype="float64"), "en") == ""


def test_the_editor_starts_from_the_loaded_then_the_remembered_then_the_suggested_mapping():
    suggested = _mapping()
    remembered = suggested.with_targets({"Bemerkung": "industry"})
    loaded = suggested.with_targets({"Name": "ignore"})
    assert starting_mapping(suggested) == (suggested, "suggested")
    assert starting_mapping(suggested, remembered=remembered) == (remembered, "remembered")
    both = starting_mapping(suggested, loaded=loaded, remembered=remembered)
    assert both == (loaded, "loaded")
    # A file already used keeps the user's own edits of the suggestion, not the memory.
    again = starting_mapping(suggested, remembered=remembered, already_used=True)
    assert again == (suggested, "suggested")
