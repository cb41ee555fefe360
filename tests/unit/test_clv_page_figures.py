"""The figures and cut-offs of the CLV page live in :mod:`kundenmodell.clv.analysis`."""

import math

import pandas as pd
import pytest

from kundenmodell.clv.adequacy import Adequacy
from kundenmodell.clv.analysis import (
    LIKELY_ALIVE,
    SPEND_CORRELATION_LIMIT,
    ClvFit,
    HoldoutCheck,
    likely_active_share,
    round_significant,
)
from kundenmodell.i18n.numbers import significant_decimals

ENOUGH = Adequacy(buyers=100, repeat_buyers=50, period_days=400, shortfalls=())


def _check(actual: float | None, predicted: float | None) -> HoldoutCheck:
    end = pd.Timestamp("2024-12-31")
    return HoldoutCheck(end, end, ENOUGH, None, None, None, actual, predicted)


def test_holdout_deviation_is_predicted_over_actual_minus_one():
    assert _check(200.0, 230.0).deviation == pytest.approx(0.15)
    assert _check(200.0, 150.0).deviation == pytest.approx(-0.25)
    assert _check(0.0, 10.0).deviation is None  # nobody bought in the hold-out
    assert _check(None, None).deviation is None  # the check could not run


def test_likely_active_share_counts_p_alive_strictly_above_the_cut_off():
    assert LIKELY_ALIVE == 0.5
    values = pd.DataFrame({"p_alive": [0.9, 0.5, 0.51, 0.1]})
    assert likely_active_share(values) == 0.5  # 0.9 and 0.51; exactly 0.5 is not above
    assert math.isnan(likely_active_share(values.iloc[:0]))


@pytest.mark.parametrize(
    ("correlation", "warned"),
    [(None, False), (0.0, False), (0.3, False), (0.31, True), (-0.45, True)],
)
def test_spend_correlation_warning(correlation, warned):
    assert SPEND_CORRELATION_LIMIT == 0.3
    fit = ClvFit(pd.DataFrame(), ENOUGH, None, None, correlation)
    assert fit.spend_depends_on_frequency is warned


@pytest.mark.parametrize(
    ("value", "decimals", "rounded"),
    [
        (0.012345, 5, 0.01235),
        (1.23456, 3, 1.235),
        (1234.56, 0, 1235.0),
        (123456.0, 0, 123500.0),
        (-0.5, 4, -0.5),  # -0.5000
        (0.0, 0, 0.0),
    ],
)
def test_four_significant_digits(value, decimals, rounded):
    assert significant_decimals(value) == decimals
    assert round_significant(value) == rounded
    assert significant_decimals(math.inf) == 0
