"""The engine's thread count: the environment's positive whole number, else the cores (≤ 4)."""

from __future__ import annotations

import os

import pytest

from kundenmodell.engine.connection import engine_threads


@pytest.mark.parametrize(("given", "expected"), [("1", 1), (" 3 ", 3), ("16", 16)])
def test_a_positive_number_in_the_environment_sets_the_threads(monkeypatch, given, expected):
    monkeypatch.setenv("KUNDENMODELL_ENGINE_THREADS", given)
    assert engine_threads() == expected


@pytest.mark.parametrize("given", ["", "0", "-2", "two", "1.5"])
def test_anything_else_keeps_the_cores_at_most_four(monkeypatch, given):
    monkeypatch.setenv("KUNDENMODELL_ENGINE_THREADS", given)
    assert engine_threads() == min(os.cpu_count() or 1, 4)
