"""Coded values in words for the data-set preview: interaction kinds and outcomes included."""

import pandas as pd
import pytest

from kundenmodell.i18n import LANGUAGES, t
from kundenmodell.overview import labelled_rows
from kundenmodell.schema import INTERACTION_KINDS
from kundenmodell.synth.types import INTERACTION_OUTCOMES


def _interactions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["A", "B", "C"],
            "date": pd.to_datetime(["2026-02-03", "2026-02-04", "2026-02-05"]),
            "kind": ["email", "call", "Messe"],  # "Messe": an upload's own kind stays
            "outcome": ["no_answer", "reached", None],
        }
    )


def test_interaction_codes_read_as_words_in_norwegian():
    shown = labelled_rows(_interactions(), "interactions", "nb")
    assert shown["kind"].tolist() == ["E-post", "Telefonsamtale", "Messe"]
    assert shown["outcome"].tolist()[:2] == ["Ikke svar", "Nådd"]
    assert shown["outcome"].iloc[2] is None
    assert shown["date"].equals(_interactions()["date"])  # dates are the table's job


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_kind_and_outcome_has_a_label(lang):
    kinds = {t(f"interaction_kind.{kind}", lang) for kind in INTERACTION_KINDS}
    outcomes = {t(f"interaction_outcome.{o}", lang) for o in INTERACTION_OUTCOMES}
    assert len(kinds) == len(INTERACTION_KINDS)  # a missing key raises; no two alike
    assert len(outcomes) == len(INTERACTION_OUTCOMES)


def test_customer_codes_keep_their_own_tables():
    customers = pd.DataFrame({"customer_id": ["A"], "status": ["lead"]})
    shown = labelled_rows(customers, "customers", "de")
    assert shown["status"].tolist() == [t("status.lead", "de")]
