"""The headline figures of the roles page come from :class:`RoleReport`, checked against the
hand-made data set of ``test_roles`` (figures worked out in its docstring) and small variants."""

import pandas as pd
import pytest

from kundenmodell import Dataset
from kundenmodell.roles import compare
from kundenmodell.roles.report import GiftPeak, RoleReport
from tests.unit.test_roles import hand_made


def test_main_other_role_is_the_largest_revenue_not_bought_for_oneself():
    # employee: 400 + 100 of 1,000 known revenue; self (300) does not count
    assert compare(hand_made()).main_other_role == ("employee", pytest.approx(0.5))


def test_coverage_counts_purchases_with_a_known_role():
    report = compare(hand_made())
    assert report.coverage == 1.0

    def unknown_last(purchases: pd.DataFrame) -> pd.DataFrame:
        return purchases.assign(consumer_role=[*purchases["consumer_role"][:-1], "???"])

    report = compare(hand_made(transactions=unknown_last))
    assert (report.purchases, report.unknown_purchases) == (7, 1)
    assert report.coverage == pytest.approx(7 / 8)


def test_gift_peak_is_the_month_with_the_highest_gift_share():
    # the only gift is C1's on 5 Dec, the only December purchase: 100 % of December, 1 of 8
    assert compare(hand_made()).gift_peak == GiftPeak(12, 1.0, pytest.approx(1 / 8))


def test_no_gift_no_peak_and_no_dates_no_figures():
    def no_gifts(purchases: pd.DataFrame) -> pd.DataFrame:
        return purchases.assign(consumer_role=purchases["consumer_role"].replace("gift", "self"))

    assert compare(hand_made(transactions=no_gifts)).gift_peak is None
    empty = RoleReport("no_purchases")
    assert empty.coverage is None and empty.main_other_role is None
    assert empty.gift_peak is None and empty.gift_vs_self_repeat is None


def test_gift_vs_self_repeat_rates():
    # G first buys a gift and never returns; S1 first buys for herself and returns after 10
    # days; S2 buys for himself once. The data reaches 400 days after the first purchases,
    # so everybody had the 180 days to come back: gift 0/1, self 1/2.
    purchases = pd.DataFrame(
        {
            "customer_id": ["G", "S1", "S1", "S2", "S2"],
            "date": pd.to_datetime(
                ["2024-01-01", "2024-01-01", "2024-01-11", "2024-01-02", "2025-02-05"]
            ),
            "amount": [10.0, 20.0, 30.0, 40.0, 50.0],
            "consumer_role": ["gift", "self", "self", "self", "self"],
        }
    )
    customers = pd.DataFrame({"customer_id": ["G", "S1", "S2"]})
    report = compare(Dataset(customers=customers, transactions=purchases))
    assert report.gift_vs_self_repeat == (0.0, 0.5)
    # no gift as a first purchase in the hand-made set: no comparison
    assert compare(hand_made()).gift_vs_self_repeat is None
