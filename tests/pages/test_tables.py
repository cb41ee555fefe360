"""Tables are written in the page's language, whatever the browser's locale."""

import pandas as pd
import pytest

from ui.tables import localized


def _cells(frame: pd.DataFrame, lang: str, **formats) -> list[list[str]]:
    styled, _ = localized(frame, formats=formats, language=lang)
    lines = styled.hide(axis="index").to_string(delimiter=";").splitlines()
    return [line.split(";") for line in lines[1:]]


FRAME = pd.DataFrame(
    {
        "revenue": [405_633.13, 12.5],
        "share": [0.186, 0.5],
        "customers": [1000, 3],
        "month": pd.to_datetime(["2024-12-01", "2025-01-01"]),
    }
)


@pytest.mark.parametrize(
    ("lang", "first_row"),
    [
        ("de", ["405.633,13", "18,6\u00a0%", "1.000", "Dez. 2024"]),
        ("en", ["405,633.13", "18.6%", "1,000", "Dec 2024"]),
        ("nb", ["405\u00a0633,13", "18,6\u00a0%", "1\u00a0000", "des. 2024"]),
    ],
)
def test_numbers_shares_counts_and_months_in_the_language(lang, first_row):
    assert _cells(FRAME, lang, share="percent", month="month")[0] == first_row


def test_gaps_are_blank_not_none_and_counts_have_no_decimals():
    frame = pd.DataFrame({"stage": ["lead", None], "conversion": [None, 0.25], "n": [511.0, 3.0]})
    styled, settings = localized(frame, formats={"conversion": "percent"}, language="de")
    assert styled.data["stage"].tolist() == ["lead", ""]
    assert styled.data["conversion"].tolist() == ["", "25,0\u00a0%"]  # shown as text, right-aligned
    assert set(settings) == {"conversion"}
    assert _cells(frame, "de", conversion="percent")[0][2] == "511"
