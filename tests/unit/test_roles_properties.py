"""Properties of compare() on random purchase tables, checked against plain pandas."""

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kundenmodell import Dataset
from kundenmodell.roles import compare
from kundenmodell.schema import CONSUMER_ROLES

ROLE_VALUES = [*CONSUMER_ROLES, "Kind", "Geschenk?", None]

purchases = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=8),  # customer; 7 and 8 are not in the table
        st.sampled_from(ROLE_VALUES),
        st.floats(min_value=0, max_value=1_000, allow_nan=False).map(lambda x: round(x, 2)),
        st.sampled_from(["A", "B", "C", None]),
        st.integers(min_value=0, max_value=800),  # day
    ),
    min_size=1,
    max_size=60,
)


def _dataset(rows) -> Dataset:
    customers = pd.DataFrame(
        {
            "customer_id": [f"K{i}" for i in range(1, 7)],
            "customer_type": ["b2c", "b2c", "b2b", "b2c", None, "b2b"],
            "age": [25, 41, 37, None, 70, 15],
        }
    )
    transactions = pd.DataFrame(
        {
            "customer_id": [f"K{row[0]}" for row in rows],
            "consumer_role": [row[1] for row in rows],
            "amount": [row[2] for row in rows],
            "category": [row[3] for row in rows],
            "date": pd.Timestamp("2023-01-01") + pd.to_timedelta([row[4] for row in rows], "D"),
        }
    )
    return Dataset(customers=customers, transactions=transactions)


def _reference_roles(frame: pd.DataFrame) -> pd.Series:
    role = frame["consumer_role"].replace({"Kind": "child"})
    return role.where(role.isin(CONSUMER_ROLES))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(purchases)
def test_shares_equal_a_plain_pandas_computation(rows):
    data = _dataset(rows)
    report = compare(data, by="category")
    role = _reference_roles(data.transactions)
    known = role.notna()
    if not known.any():
        assert report.status == "empty_consumer_role"
        assert report.unknown_purchases == len(rows)
        return
    amount = data.transactions["amount"]
    assert report.purchases == int(known.sum())
    assert report.other_purchase_share == pytest.approx((role[known] != "self").mean())
    revenue = amount[known].sum()
    expected = amount[known & (role != "self")].sum() / revenue if revenue else 0.0
    assert report.other_revenue_share == pytest.approx(expected)

    by_role = report.by_role.set_index("role")
    reference = amount[known].groupby(role[known]).agg(["size", "sum"])
    assert by_role["purchases"].to_dict() == reference["size"].to_dict()
    assert by_role["revenue"].to_dict() == pytest.approx(reference["sum"].to_dict())
    assert by_role["purchase_share"].sum() == pytest.approx(1.0)

    grouped = known & data.transactions["category"].notna()
    assert report.ungrouped_purchases == int((known & ~grouped).sum())
    if grouped.any():
        groups = report.groups.set_index("group")
        assert groups["purchases"].sum() == int(grouped.sum())
        share = report.role_mix.groupby("group")["purchase_share"].sum()
        assert share.to_numpy() == pytest.approx(1.0)
        buyers = data.transactions[grouped].groupby("category")["customer_id"].nunique()
        assert groups["buyers"].to_dict() == buyers.to_dict()

    profile = report.age_profile()
    assert profile.groupby("side")["purchases"].sum().tolist() == [report.purchases] * 2


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(purchases)
def test_flow_and_customer_type_groups_agree(rows):
    data = _dataset(rows)
    known = _reference_roles(data.transactions).notna()
    if not known.any():
        return
    report = compare(data, by="customer_type")
    flow = report.flow.groupby("source")["revenue"].sum()
    groups = report.groups.set_index("group")["revenue"]
    assert flow.to_dict() == pytest.approx(groups.to_dict())
    # Purchases of K7 and K8 (not in the customer table) and of K5 (no type) have no group.
    untyped = data.transactions["customer_id"].isin(["K5", "K7", "K8"])
    assert report.ungrouped_purchases == int((known & untyped).sum())
