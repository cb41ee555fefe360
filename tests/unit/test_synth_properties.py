"""Properties of the synthetic generator that hold for any seed, size, locale and period."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kundenmodell.schema import validate
from kundenmodell.synth import LOCALES, generate


@st.composite
def periods(draw) -> tuple[dt.date, dt.date]:
    start = draw(st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2025, 12, 31)))
    days = draw(st.integers(min_value=1, max_value=4 * 366))
    return start, start + dt.timedelta(days=days)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(min_value=1, max_value=400),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    locale=st.sampled_from(sorted(LOCALES)),
    period=periods(),
    b2b_share=st.floats(min_value=0, max_value=1),
    seasonality=st.floats(min_value=0, max_value=1),
)
def test_generated_data_is_consistent(n, seed, locale, period, b2b_share, seasonality):
    start, end = period
    data = generate(
        n,
        locale,
        seed,
        start=start,
        end=end,
        b2b_share=b2b_share,
        seasonality=seasonality,
    )
    customers, tx = data.customers, data.transactions
    assert len(customers) == n
    assert customers["customer_id"].is_unique
    status = customers.set_index("customer_id")["status"]

    # Every purchase belongs to a customer with status "customer", and every such customer
    # has bought at least once, first on the day they were acquired.
    assert (status.reindex(tx["customer_id"]) == "customer").all()
    assert set(tx["customer_id"]) == set(status.index[status == "customer"])
    first = tx.groupby("customer_id")["date"].min()
    acquired = customers.set_index("customer_id")["acquired_at"]
    assert (first == acquired.reindex(first.index)).all()

    low, high = pd.Timestamp(start), pd.Timestamp(end)
    assert tx["date"].between(low, high).all()
    assert acquired.between(low, high).all()
    assert data.interactions["date"].between(low, high).all()
    assert (tx["amount"] > 0).all()
    assert (tx["quantity"] >= 1).all()
    assert customers["age"].between(0, 120).all()
    assert data.truth.index.equals(pd.Index(customers["customer_id"]))
    assert validate(data).ok
