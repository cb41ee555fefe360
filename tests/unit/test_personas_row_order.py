"""Personas do not depend on the order of the data's rows.

A CRM export and the same export sorted differently (by date, by region, as a database
returns it) are the same customers: they must get the same personas, the same labels per
customer and the same sample. The shop is written here with numpy (not by
kundenmodell.synth): integer customer numbers, same-day baskets, cities with ties in
frequency, categories as pandas categoricals and channels as plain text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kundenmodell import personas
from kundenmodell.dataset import Dataset

CUSTOMERS = 900


def _shop(seed: int = 5) -> Dataset:
    generator = np.random.default_rng(seed)
    ids = generator.permutation(CUSTOMERS) * 7 + 10_000
    customers = pd.DataFrame(
        {
            "customer_id": ids,
            "city": generator.choice(["Lyon", "Graz", "Turku", "Gent"], CUSTOMERS),
            "age": generator.integers(19, 85, CUSTOMERS),
            "nps_score": np.where(
                generator.random(CUSTOMERS) < 0.4, np.nan, generator.integers(0, 11, CUSTOMERS)
            ),
        }
    )
    kind = generator.integers(0, 3, CUSTOMERS)  # three kinds of buyer
    visits = generator.poisson(np.array([1.5, 6.0, 12.0])[kind]) + 1
    who = np.repeat(np.arange(CUSTOMERS), visits)
    rows = len(who)
    day = generator.integers(0, 700, rows)
    spend = np.array([25.0, 80.0, 300.0])[kind[who]]
    drift = generator.random(rows) < 0.3  # a third of the lines from the next kind's category
    transactions = pd.DataFrame(
        {
            "customer_id": ids[who],
            "date": np.datetime64("2025-01-01") + day.astype("timedelta64[D]"),
            "amount": (spend * generator.gamma(3.0, 1 / 3.0, rows)).round(2),
            "category": pd.Categorical(
                np.array(["garden", "toys", "tools"])[(kind[who] + drift) % 3]
            ),
            "channel": np.where(kind[who] == 2, "field", generator.choice(["web", "shop"], rows)),
        }
    )
    return Dataset(customers=customers, transactions=transactions)


def _shuffled(data: Dataset, seed: int) -> Dataset:
    return Dataset(
        customers=data.customers.sample(frac=1.0, random_state=seed).reset_index(drop=True),
        transactions=data.transactions.sample(frac=1.0, random_state=seed + 1).reset_index(
            drop=True
        ),
    )


@pytest.fixture(scope="module")
def shop() -> Dataset:
    return _shop()


@pytest.mark.parametrize("k", [3, None])
def test_shuffled_rows_give_the_same_personas_and_labels(shop, k):
    first = personas.build(shop, k=k, seed=2)
    other = personas.build(_shuffled(shop, 40), k=k, seed=2)
    assert first.k == other.k
    assert first.personas == other.personas
    pd.testing.assert_series_equal(first.labels, other.labels)
    pd.testing.assert_frame_equal(first.membership, other.membership)
    assert first.labels.index.is_monotonic_increasing


def test_the_sample_and_the_labels_of_every_buyer_do_not_depend_on_row_order(shop):
    first = personas.build(shop, k=3, sample_size=400)
    other = personas.build(_shuffled(shop, 7), k=3, sample_size=400)
    assert first.sample is not None and first.sample.size == 400
    assert first.sample.ids.equals(other.sample.ids)
    np.testing.assert_array_equal(first.sample.labels, other.sample.labels)
    pd.testing.assert_series_equal(first.labels, other.labels)
    assert len(first.labels) == first.sample.buyers > 400


def test_ids_of_numbers_and_text_are_put_in_order_as_text(shop):
    customers = shop.customers.astype({"customer_id": object})
    customers.loc[customers.index[:50], "customer_id"] = [f"X{i}" for i in range(50)]
    renamed = dict(
        zip(shop.customers["customer_id"][:50], customers["customer_id"][:50], strict=True)
    )
    transactions = shop.transactions.astype({"customer_id": object})
    transactions["customer_id"] = transactions["customer_id"].replace(renamed)
    mixed = Dataset(customers=customers, transactions=transactions)
    first = personas.build(mixed, k=3)
    other = personas.build(_shuffled(mixed, 3), k=3)
    pd.testing.assert_series_equal(first.labels, other.labels)
    assert list(first.labels.index.astype(str)) == sorted(first.labels.index.astype(str))


def test_integer_ids_and_the_same_ids_as_text_get_the_same_personas(shop):
    """A data folder read into memory keeps integer ids; its sample drawn in place has them
    as text. Sorted as numbers (10007 < 9999 as text), the same customers were clustered in
    another order and the two chose different persona sets."""
    def spread(ids: pd.Series) -> pd.Series:
        return (ids - 10_000) ** 2 + 3  # 3 … 39 M: numbers of 1 to 8 digits

    shop = Dataset(
        customers=shop.customers.assign(customer_id=spread(shop.customers["customer_id"])),
        transactions=shop.transactions.assign(
            customer_id=spread(shop.transactions["customer_id"])
        ),
    )
    as_text = Dataset(
        customers=shop.customers.astype({"customer_id": "str"}),
        transactions=shop.transactions.astype({"customer_id": "str"}),
    )
    numbers, text = personas.build(shop), personas.build(as_text)
    assert numbers.k == text.k
    by_text = numbers.labels.set_axis(numbers.labels.index.astype(str))
    pd.testing.assert_series_equal(by_text, text.labels, check_index_type=False)
