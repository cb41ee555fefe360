"""The equality the in-place segment report owes the in-memory one, used by the tests that
compare them: every aggregate view equal (floats to 1e-12), the per-customer views absent."""

from __future__ import annotations

import pandas as pd
import pytest

SCALARS = (
    "customers",
    "as_of",
    "kpis",
    "actual_customers",
    "regular_customers",
    "missing",
)
FLOATS = ("regular_revenue_share", "regular_buyer_share", "monthly_churn")
FRAMES = (
    "monthly",
    "funnel",
    "activity_summary",
    "rfm_summary",
    "rfm_grid",
    "nps_by_activity",
    "churn",
    "cohorts",
)


def assert_same_report(expected, actual) -> None:
    """``actual`` (in place) holds ``expected``'s (in memory) aggregate views."""
    for name in SCALARS:
        assert getattr(actual, name) == getattr(expected, name), name
    for name in FLOATS:
        assert getattr(actual, name) == pytest.approx(getattr(expected, name), rel=1e-12), name
    for name in FRAMES:
        if getattr(expected, name) is None:  # a view the data lacks a column for
            assert getattr(actual, name) is None, name
            continue
        pd.testing.assert_frame_equal(
            getattr(actual, name).reset_index(drop=True),
            getattr(expected, name).reset_index(drop=True),
            check_dtype=False,
            rtol=1e-12,
        )
    assert actual.nps == expected.nps
    assert actual.rfm is None and actual.activity is None
