"""The customer days kept with a purchase frame (kundenmodell.engine.frame_days): the overview and
the CLV summary read them instead of scanning the purchases again, so every result must equal
the result on a fresh copy of the data, and a changed frame must never be answered from days
kept before the change.

The shop is written here with numpy (not kundenmodell.synth): text ids with gaps, customers who
never bought, buyers missing from the customer table, purchases of nobody, undated purchases,
several purchases on one day, refunds and missing amounts.
"""

from __future__ import annotations

import gc
import threading

import numpy as np
import pandas as pd
import pytest

from kundenmodell import engine
from kundenmodell.clv import summary_from_transactions
from kundenmodell.dataset import Dataset
from kundenmodell.engine import frame_days
from kundenmodell.segments.activity import ActivityRules
from kundenmodell.segments.filters import SegmentFilter
from kundenmodell.segments.report import prepare, segment_report
from tests.unit import engine_reference as reference

REPORT_FRAMES = (
    "monthly",
    "activity_summary",
    "rfm",
    "rfm_grid",
    "rfm_summary",
    "nps_by_activity",
    "churn",
    "cohorts",
    "funnel",
)


def _shop(seed: int = 3, customers: int = 400, purchases: int = 3000) -> Dataset:
    rng = np.random.default_rng(seed)
    numbers = np.sort(rng.choice(10_000, customers, replace=False))
    ids = np.array([f"KD-{n:05d}" for n in numbers], dtype=object)
    buyers = rng.choice(ids[: int(customers * 0.7)], purchases)
    strangers = rng.random(purchases) < 0.02  # buyers the customer table does not list
    buyers[strangers] = "EXTERN-" + rng.integers(0, 30, strangers.sum()).astype(str)
    buyers[rng.random(purchases) < 0.01] = None
    days = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 900, purchases), "D")
    dates = pd.Series(days + pd.to_timedelta(rng.integers(0, 20, purchases), "h"))
    dates[rng.random(purchases) < 0.01] = pd.NaT
    amounts = np.round(rng.lognormal(3.5, 0.8, purchases), 2)
    amounts[rng.random(purchases) < 0.03] *= -1
    amounts[rng.random(purchases) < 0.02] = np.nan
    transactions = pd.DataFrame(
        {
            "customer_id": pd.array(buyers, dtype="str"),
            "date": dates,
            "amount": amounts,
        }
    )
    table = pd.DataFrame(
        {
            "customer_id": pd.array(ids, dtype="str"),
            "status": rng.choice(["lead", "contact", "prospect", "customer"], customers),
            "nps_score": rng.integers(0, 11, customers).astype(float),
            "city": rng.choice(["Bergen", "Köln", "Oslo"], customers),
        }
    )
    return Dataset(customers=table, transactions=transactions)


def _fresh(dataset: Dataset) -> Dataset:
    return Dataset(
        customers=dataset.customers.copy(deep=True),
        transactions=dataset.transactions.copy(deep=True),
    )


def _assert_same_report(found, expected) -> None:
    assert found.kpis == expected.kpis
    assert found.as_of == expected.as_of
    assert found.customers == expected.customers
    assert found.missing == expected.missing
    for name in REPORT_FRAMES:
        left, right = getattr(found, name), getattr(expected, name)
        if right is None:
            assert left is None, name
        else:
            pd.testing.assert_frame_equal(left, right, obj=name)
    pd.testing.assert_series_equal(found.activity, expected.activity)
    assert found.monthly_churn == expected.monthly_churn
    assert found.regular_customers == expected.regular_customers
    assert found.actual_customers == expected.actual_customers


@pytest.fixture(autouse=True)
def _nothing_kept():
    frame_days.forget_all()
    yield
    frame_days.forget_all()


def test_a_report_read_from_kept_days_equals_one_of_a_fresh_copy():
    data = _shop()
    first = segment_report(data)
    kept = engine.purchase_days(data.transactions)
    again = segment_report(data)
    assert engine.purchase_days(data.transactions) is kept  # read once, then reused
    _assert_same_report(again, first)
    _assert_same_report(again, segment_report(_fresh(data)))
    # the kept totals are the shop's own
    dated = data.transactions
    assert first.kpis.purchases == len(dated)
    assert first.kpis.revenue == pytest.approx(float(np.nansum(dated["amount"])))
    assert first.as_of == dated["date"].max().normalize()


def test_other_rules_windows_and_filters_on_kept_days_equal_a_fresh_read():
    data = _shop(seed=5)
    segment_report(data)  # keeps the days, the base and the month cells
    rules = ActivityRules(active_window_days=90, regular_window_days=120, regular_min_purchases=2)
    chosen = SegmentFilter(city=("Bergen", "Köln"))
    for selection, given_rules, inactive in [
        (SegmentFilter(), rules, 12),
        (SegmentFilter(), ActivityRules(), 3),
        (chosen, rules, 6),
        (chosen, ActivityRules(), 12),
    ]:
        found = segment_report(data, selection, given_rules, inactive)
        fresh = segment_report(_fresh(data), selection, given_rules, inactive)
        _assert_same_report(found, fresh)
    # the filter's result is the report of the chosen customers' own data set
    subset = data.customers[data.customers["city"].isin(["Bergen", "Köln"])]
    alone = Dataset(
        customers=subset.reset_index(drop=True),
        transactions=data.transactions[
            data.transactions["customer_id"].isin(subset["customer_id"])
        ].reset_index(drop=True),
    )
    filtered, own = segment_report(data, chosen), segment_report(alone)
    assert filtered.kpis == own.kpis
    pd.testing.assert_series_equal(filtered.activity, own.activity)
    pd.testing.assert_frame_equal(filtered.rfm, own.rfm)
    pd.testing.assert_frame_equal(filtered.churn, own.churn)


def _set_amount(frame: pd.DataFrame) -> None:
    frame.loc[frame.index[0], "amount"] = 1_000_000.0


def _new_column(frame: pd.DataFrame) -> None:
    frame["amount"] = frame["amount"] * 2


def _fill_missing(frame: pd.DataFrame) -> None:
    frame.fillna({"amount": 0.0}, inplace=True)


def _rename_customer(frame: pd.DataFrame) -> None:
    frame.loc[frame["customer_id"] == frame["customer_id"].dropna().iloc[0], "customer_id"] = "NEU"


def _move_date(frame: pd.DataFrame) -> None:
    frame.iloc[1, frame.columns.get_loc("date")] = pd.Timestamp("2030-01-01")


def _drop_rows(frame: pd.DataFrame) -> None:
    frame.drop(index=frame.index[:500], inplace=True)


def _replace_values(frame: pd.DataFrame) -> None:
    frame.replace({"amount": {frame["amount"].iloc[2]: -5.0}}, inplace=True)


@pytest.mark.parametrize(
    "change",
    [
        _set_amount,
        _new_column,
        _fill_missing,
        _rename_customer,
        _move_date,
        _drop_rows,
        _replace_values,
    ],
)
def test_a_frame_changed_after_a_report_is_read_again(change):
    data = _shop(seed=7)
    segment_report(data)
    summary_from_transactions(data.transactions)
    kept = engine.purchase_days(data.transactions)
    change(data.transactions)
    assert engine.purchase_days(data.transactions) is not kept
    fresh = _fresh(data)
    _assert_same_report(segment_report(data), segment_report(fresh))
    pd.testing.assert_frame_equal(
        summary_from_transactions(data.transactions), summary_from_transactions(fresh.transactions)
    )


def test_a_changed_customer_table_gets_its_own_keys_and_classes():
    data = _shop(seed=9)
    before = segment_report(data)
    newcomer = pd.DataFrame(
        {
            "customer_id": pd.array(["ZZ-NEU"], dtype="str"),
            "status": ["lead"],
            "nps_score": [10.0],
            "city": ["Oslo"],
        }
    )
    data.customers = pd.concat([data.customers, newcomer], ignore_index=True)
    data.customers.loc[0, "customer_id"] = "AA-UMBENANNT"
    after = segment_report(data)
    assert after.activity["ZZ-NEU"] == "never_bought"
    assert "AA-UMBENANNT" in after.activity.index
    assert after.customers == before.customers + 1
    _assert_same_report(after, segment_report(_fresh(data)))


def test_the_clv_summary_from_kept_days_equals_the_pandas_reference():
    data = _shop(seed=11)
    segment_report(data)  # the CLV summary then reads the days the report kept
    transactions = data.transactions
    last = reference.purchases(transactions)["day"].max()
    for end in (None, last + pd.Timedelta(days=40), last - pd.Timedelta(days=200)):
        as_of = last if end is None else end
        found = summary_from_transactions(transactions, observation_end=end, time_unit="W")
        expected = reference.customer_summary(transactions, as_of, 7.0, 365)
        assert found.attrs["observation_end"] == as_of
        assert found.index.tolist() == expected.index.tolist()
        for column in ("frequency", "recency", "T", "monetary_value"):
            np.testing.assert_allclose(found[column], expected[column], atol=1e-9, err_msg=column)
    # other column names read the same purchases
    renamed = transactions.rename(columns={"customer_id": "kunde", "date": "dato", "amount": "sum"})
    pd.testing.assert_frame_equal(
        summary_from_transactions(
            renamed, customer_id_col="kunde", date_col="dato", amount_col="sum"
        ),
        summary_from_transactions(transactions),
    )


def test_kept_days_go_with_their_frame_and_at_most_a_few_are_kept():
    frames = [_shop(seed=s, customers=30, purchases=100).transactions for s in range(6)]
    for frame in frames:
        engine.purchase_days(frame)
    assert len(frame_days._KEPT) == frame_days.KEPT_FRAMES
    kept_ids = set(frame_days._KEPT)
    assert kept_ids == {id(frame) for frame in frames[-frame_days.KEPT_FRAMES :]}
    del frames, frame
    gc.collect()
    assert not frame_days._KEPT


def test_kept_days_stay_within_a_byte_budget(monkeypatch):
    """Past 1/KEPT_SHARE of the memory the least recently used entries go; the one just asked
    for stays even alone over the budget."""
    sets = [_shop(seed=seed) for seed in range(4)]
    segment_report(sets[0])
    one = frame_days.kept_bytes()
    days = next(iter(frame_days._KEPT.values())).days.peek()
    assert one > days.days.nbytes > 0  # the days and what the report derived from them
    budget = int(2.5 * one)
    monkeypatch.setattr(frame_days, "physical_memory", lambda: budget * frame_days.KEPT_SHARE)
    for data in sets[1:]:
        segment_report(data)
    # at the fourth data set, three full entries (about 3 × one) exceeded the budget
    assert set(frame_days._KEPT) == {id(data.transactions) for data in sets[1:]}
    monkeypatch.setattr(frame_days, "physical_memory", lambda: one // 2 * frame_days.KEPT_SHARE)
    fresh = _fresh(sets[0])
    _assert_same_report(segment_report(fresh), segment_report(sets[0]))
    assert set(frame_days._KEPT) == {id(sets[0].transactions)}  # the last asked for


def test_zoned_dates_are_kept_until_their_instants_or_zone_change():
    """Dates with a time zone (as a Spark or warehouse export has them) are kept like naive
    ones (they were read again on every call); converting them to another zone moves their
    days, so it is a change."""
    data = _shop(seed=13)
    data.transactions["date"] = data.transactions["date"].dt.tz_localize("UTC")
    first = engine.purchase_days(data.transactions)
    assert engine.purchase_days(data.transactions) is first
    _assert_same_report(segment_report(data), segment_report(_fresh(data)))
    data.transactions["date"] = data.transactions["date"].dt.tz_convert("Asia/Tokyo")
    assert engine.purchase_days(data.transactions) is not first
    _assert_same_report(segment_report(data), segment_report(_fresh(data)))
    moment = pd.Timestamp("2030-01-01 00:00", tz="UTC").tz_convert("Asia/Tokyo")
    data.transactions.iloc[1, data.transactions.columns.get_loc("date")] = moment
    moved = engine.purchase_days(data.transactions)
    assert moved is not first
    assert moved.as_of == pd.Timestamp("2030-01-01")  # 09:00 in Tokyo
    _assert_same_report(segment_report(data), segment_report(_fresh(data)))


def test_ids_without_a_common_order_keep_the_text_path():
    data = _shop(seed=17)
    ids = data.transactions["customer_id"].astype(object)
    ids[::7] = 42  # numbers mixed with text
    data.transactions["customer_id"] = ids
    customers = data.customers["customer_id"].astype(object)
    customers[0] = 42
    data.customers["customer_id"] = customers
    assert engine.purchase_days(data.transactions).ids is None
    found = segment_report(data)
    _assert_same_report(segment_report(data), found)
    assert found.activity["42"] != "never_bought"  # the customer 42 is the buyer 42
    assert found.kpis.buyers == data.transactions["customer_id"].nunique()


def test_sessions_in_threads_read_the_same_kept_days():
    data = _shop(seed=19)
    expected = segment_report(_fresh(data))
    results, errors = [], []

    def run() -> None:
        try:
            results.append(segment_report(data))
        except Exception as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for found in results:
        _assert_same_report(found, expected)


def test_prepare_builds_what_the_first_report_reads_and_a_report_meanwhile_waits():
    data = _shop(seed=23)
    prepare(data)
    kept = engine.purchase_days(data.transactions)
    assert {key[0] for key in kept._memo} == {
        "customer_keys",
        "customer_base",
        "recent_days",
        "period_cells",
        "roster",
    }
    _assert_same_report(segment_report(data), segment_report(_fresh(data)))


def test_a_value_asked_for_by_several_threads_at_once_is_computed_once():
    kept = engine.purchase_days(_shop(seed=29).transactions)
    calls, started = [], threading.Event()

    def slow() -> int:
        calls.append(1)
        started.set()
        threading.Event().wait(0.3)
        return 42

    found = []
    threads = [
        threading.Thread(target=lambda: found.append(kept.remembered(("slow",), slow)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == [42] * 4 and len(calls) == 1


def test_a_failed_computation_is_tried_again_by_the_next_caller():
    kept = engine.purchase_days(_shop(seed=31).transactions)
    attempts = []

    def flaky() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("disk full")
        return "ok"

    with pytest.raises(RuntimeError):
        kept.remembered(("flaky",), flaky)
    assert kept.remembered(("flaky",), flaky) == "ok" and len(attempts) == 2


def test_the_app_reads_ahead_one_data_set_at_a_time(monkeypatch):
    from ui import session

    data = _shop(seed=37)
    session._READING_AHEAD.acquire()  # another data set is being prepared
    try:
        session._read_ahead(data)
        assert not frame_days._KEPT
    finally:
        session._READING_AHEAD.release()
    session._read_ahead(data)
    assert "period_cells" in {key[0] for key in engine.purchase_days(data.transactions)._memo}

    def fails(dataset: Dataset) -> None:
        raise MemoryError("the server is full")

    monkeypatch.setattr("kundenmodell.segments.report.prepare", fails)
    session._read_ahead(data)  # an error is left to the overview, which shows it
    assert session._READING_AHEAD.acquire(blocking=False)  # and the next data set may start
    session._READING_AHEAD.release()
