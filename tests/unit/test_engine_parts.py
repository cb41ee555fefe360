"""A source split once by customer into parts reads each part as the semi-join of the source did.

The source is a DuckDB file written here with numpy (not by kundenmodell.synth): whole-number
customer ids, purchases of customers the customer table lacks and purchases without a
customer, interactions, and a customer with many same-day purchases.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import duckdb
import numpy as np
import pandas as pd
import pytest

import kundenmodell as km
from kundenmodell.engine import parts as engine_parts
from kundenmodell.engine.in_place import InPlaceSource

CUSTOMERS = 700
PARTS = 5


def _write_shop(path) -> None:
    generator = np.random.default_rng(5)
    ids = generator.permutation(np.arange(10_000, 10_000 + CUSTOMERS))
    customers = pd.DataFrame(
        {
            "customer_id": ids,
            "status": generator.choice(["lead", "customer"], CUSTOMERS),
            "age": generator.integers(18, 90, CUSTOMERS),
        }
    )
    rows = 4_000
    who = generator.choice(ids[: CUSTOMERS - 50], rows).astype(float)  # 50 never buy
    who[:20] = 99_999  # unknown to the customer table
    who[20:30] = np.nan  # no customer at all
    who[30:90] = ids[0]  # one customer's big day
    transactions = pd.DataFrame(
        {
            "customer_id": who,
            "date": pd.Timestamp("2025-01-01")
            + pd.to_timedelta(generator.integers(0, 500, rows), unit="D"),
            "amount": generator.gamma(2.0, 30.0, rows).round(2),
            "category": generator.choice(["Garten", "Werkzeug", "Küche"], rows),
        }
    )
    transactions.loc[30:90, "date"] = pd.Timestamp("2025-06-01")
    interactions = pd.DataFrame(
        {
            "customer_id": generator.choice(ids, 900),
            "date": pd.Timestamp("2025-02-01")
            + pd.to_timedelta(generator.integers(0, 300, 900), unit="D"),
            "kind": generator.choice(["email", "call"], 900),
        }
    )
    with duckdb.connect(str(path)) as con:
        for name, frame in (
            ("customers", customers),
            ("transactions", transactions),
            ("interactions", interactions),
        ):
            con.register("frame", frame)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
            con.unregister("frame")


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> InPlaceSource:
    path = tmp_path_factory.mktemp("werkstatt") / "werkstatt.duckdb"
    _write_shop(path)
    loaded = km.load(path, in_place=True)
    assert isinstance(loaded, InPlaceSource)
    return loaded


@pytest.fixture
def made(monkeypatch) -> Iterator[list[engine_parts.SplitPicks]]:
    """Every split the source makes while the test runs (dropped afterwards)."""
    splits = []
    split_picks = engine_parts.split_picks

    def recording(*args, **kwargs):
        splits.append(split_picks(*args, **kwargs))
        return splits[-1]

    monkeypatch.setattr("kundenmodell.engine.in_place.split_picks", recording)
    yield splits
    splits.clear()
    gc.collect()


def _frames(connected) -> dict[str, pd.DataFrame]:
    data = connected.to_dataset()
    return {
        "customers": data.customers,
        "transactions": data.transactions,
        "interactions": data.interactions,
    }


def test_each_split_part_equals_the_part_read_from_the_source(source):
    split = list(source.read_parts(PARTS))
    assert len(split) == PARTS
    for part, connected in enumerate(split):
        expected = _frames(source.read_part(part, PARTS))
        for name, frame in _frames(connected).items():
            pd.testing.assert_frame_equal(frame, expected[name], obj=f"part {part}: {name}")


def test_every_customer_is_in_exactly_one_part_with_all_their_rows(source):
    whole = source.read_sample(size=CUSTOMERS).to_dataset()
    customers, transactions, interactions = [], [], []
    for connected in source.read_parts(PARTS):
        data = connected.to_dataset()
        customers.append(data.customers["customer_id"])
        transactions.append(data.transactions)
        interactions.append(data.interactions)
    ids = pd.concat(customers)
    assert ids.is_unique and len(ids) == CUSTOMERS
    assert set(ids) == set(whole.customers["customer_id"])
    purchases = pd.concat(transactions)
    # the purchases of unknown customers and of none are in no part, as in the sample
    assert len(purchases) == len(whole.transactions) == 4_000 - 30
    assert purchases["amount"].sum() == pytest.approx(whole.transactions["amount"].sum())
    assert len(pd.concat(interactions)) == len(whole.interactions) == 900
    big_day = purchases[purchases["date"] == pd.Timestamp("2025-06-01")]
    assert big_day["customer_id"].value_counts().iloc[0] >= 60


def test_the_split_files_are_private_and_go_when_the_parts_are_read(source, made):
    for _ in source.read_parts(PARTS):
        folder = made[-1].folder
        assert folder.is_dir() and oct(folder.stat().st_mode & 0o777) == "0o700"
        assert oct(folder.parent.stat().st_mode & 0o777) == "0o700"
        assert {path.name for path in folder.iterdir()} == {
            "customers",
            "transactions",
            "interactions",
        }
    assert not folder.exists()
    views = made[-1].backend.raw_sql("SELECT view_name FROM duckdb_views()").fetchall()
    assert not any(
        engine_parts.PART_COLUMN in str(row) or "read_parquet" in str(row) for row in views
    )
    assert made[-1]._views == []
    abandoned = source.read_parts(PARTS)
    next(abandoned)
    folder = made[-1].folder
    assert folder.exists()
    abandoned.close()  # a stopped page run
    assert not folder.exists()


def test_without_a_split_each_part_is_read_from_the_source(source, monkeypatch):
    monkeypatch.setattr("kundenmodell.engine.in_place.split_picks", lambda *args: None)
    for part, connected in enumerate(source.read_parts(PARTS)):
        expected = _frames(source.read_part(part, PARTS))
        for name, frame in _frames(connected).items():
            pd.testing.assert_frame_equal(frame, expected[name])


def test_a_part_no_row_falls_into_reads_empty(source):
    split = engine_parts.split_picks(source.picks, CUSTOMERS * 20, seed=0)
    assert split is not None
    empty = next(
        part
        for part in range(split.parts)
        if not (split.folder / "customers" / f"{engine_parts.PART_COLUMN}={part}").exists()
    )
    picks = split.part(empty)
    assert all(pick.table.count().execute() == 0 for pick in picks.values())
    with pytest.raises(ValueError):
        split.part(split.parts)
    folder = split.folder
    split.remove()
    assert not folder.exists()


def test_parts_without_interactions_neither_split_nor_read_them(source, made):
    for part, connected in enumerate(source.read_parts(PARTS, interactions=False)):
        assert connected.interactions is None
        assert {path.name for path in made[-1].folder.iterdir()} == {"customers", "transactions"}
        expected = _frames(source.read_part(part, PARTS))
        pd.testing.assert_frame_equal(connected.to_dataset().transactions, expected["transactions"])


def test_unordered_parts_hold_the_same_rows(source):
    for part, connected in enumerate(source.read_parts(PARTS, ordered=False)):
        expected = _frames(source.read_part(part, PARTS))
        for name, frame in _frames(connected).items():
            columns = list(frame.columns)
            pd.testing.assert_frame_equal(
                frame.sort_values(columns, ignore_index=True),
                expected[name].sort_values(columns, ignore_index=True),
            )
