"""Persona card edits kept per persona set, and the member table formats."""

import dataclasses
import json

from kundenmodell import synth
from kundenmodell.personas import build
from kundenmodell.personas.edits import (
    K_CHOICES,
    earlier_edits,
    edits_of,
    number_format,
    signature,
    with_edit,
)


def test_an_edit_is_stored_per_persona_set_and_reset_removes_it():
    data = synth.generate(300, seed=3)
    key = signature(data, 3, ("monetary", "age"), 0)
    assert json.loads(key) == [data.name, 300, 3, ["monetary", "age"], 0]
    assert signature(data, None, None, 0) != key
    stored = with_edit({}, key, 1, {"name": "Anna", "quote": "Hi", "colour": "red"})
    assert edits_of(stored, key) == {1: {"name": "Anna", "quote": "Hi"}}
    assert edits_of(stored, signature(data, 4, ("monetary", "age"), 0)) == {}
    assert json.loads(json.dumps(stored)) == stored  # a workspace can keep it
    assert with_edit(stored, key, 1, None) == {}
    assert edits_of(with_edit(stored, key, 0, {"name": "Ben"}), key) == {
        0: {"name": "Ben"},
        1: {"name": "Anna", "quote": "Hi"},
    }
    assert stored == {key: {"1": {"name": "Anna", "quote": "Hi"}}}  # input untouched


def test_edits_reach_the_cards():
    data = synth.generate(600, seed=2)
    result = build(data, k=2, seed=0)
    key = signature(data, 2, None, 0)
    edited = result.with_edits(edits_of(with_edit({}, key, 0, {"name": "Greta Gift"}), key))
    assert edited.personas[0].name == "Greta Gift" and edited.personas[0].initials == "GG"
    assert edited.personas[1].name == result.personas[1].name


def test_choices_and_formats():
    assert K_CHOICES[0] == "auto" and K_CHOICES[1:] == tuple(range(2, 11))
    assert number_format("monetary") == "%.2f"
    assert number_format("purchase_rate") == "%.1f"
    assert number_format("age") == "%.0f"


def test_edits_saved_before_personas_ignored_row_order_stay_on_data_in_id_order_only():
    """Synthetic data comes in id order: its personas did not change, and the key saved by an
    older workbench (without the marker) still finds its edits. A data set in another row
    order may have other personas now: its key differs, so an old edit is not put on another
    persona's card."""
    data = synth.generate(300, seed=3)
    old_key = json.dumps([data.name, 300, 3, [], 0])
    assert signature(data, 3, None, 0) == old_key
    shuffled = dataclasses.replace(
        data, customers=data.customers.sample(frac=1.0, random_state=4).reset_index(drop=True)
    )
    assert signature(shuffled, 3, None, 0) == json.dumps(
        [data.name, 300, 3, [], 0, "customers in id order"]
    )
    saved = with_edit({}, old_key, 0, {"name": "Anna"})
    assert edits_of(saved, signature(shuffled, 3, None, 0)) == {}
    assert saved[old_key] == {"0": {"name": "Anna"}}  # kept in the workspace as it was
    assert earlier_edits(saved, signature(shuffled, 3, None, 0)) == 1  # the page says so
    assert earlier_edits(saved, old_key) == 0  # the edits show: nothing to say
    assert earlier_edits({}, signature(shuffled, 3, None, 0)) == 0
