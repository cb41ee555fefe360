"""The engine's reductions equal a plain-pandas reference, on DuckDB (hypothesis over small
random purchase tables) and on Spark in local mode (one fixed table through every reduction)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kundenmodell import engine
from tests.unit import engine_reference as reference

START = pd.Timestamp("2023-01-01")
UNIT_DAYS = 7.0


@st.composite
def purchase_tables(draw) -> pd.DataFrame:
    """Up to 40 purchases of up to 6 customers over ~14 months: repeated customers and days
    (several purchases on one day, at different hours), single purchases, ties in every
    figure, missing amounts, and now and then a row without a date or a customer."""
    rows = draw(
        st.lists(
            st.tuples(
                st.one_of(st.sampled_from(["K1", "K2", "K3", "K4", "K5", "Ø6"]), st.just(None))
                if draw(st.booleans())
                else st.sampled_from(["K1", "K2", "K3", "K4", "K5", "Ø6"]),
                st.one_of(st.integers(0, 420), st.just(None)),
                st.integers(0, 23),
                st.one_of(
                    st.none(),
                    st.integers(0, 60).map(float),
                    st.sampled_from([0.5, 2.25, 12.75]),
                ),
            ),
            min_size=1,
            max_size=40,
        )
    )
    dates = [
        pd.NaT if day is None else START + pd.Timedelta(days=day, hours=hour)
        for _, day, hour, _ in rows
    ]
    return pd.DataFrame(
        {
            "customer_id": pd.Series([row[0] for row in rows], dtype="string"),
            "date": pd.Series(dates, dtype="datetime64[ns]"),
            "amount": pd.Series([row[3] for row in rows], dtype="float64"),
        }
    )


def engine_results(table, as_of: pd.Timestamp, window: int, inactive: int) -> dict:
    """Every reduction of ``table``, executed and shaped like the reference's output."""
    bought = engine.purchases(table, as_of)
    summary = engine.customer_summary(bought, as_of, unit_days=UNIT_DAYS, recent_window_days=window)
    classed = summary.mutate(
        activity=engine.activity_class(
            summary, as_of, active_window_days=window, regular_min_purchases=2
        )
    )
    frame = engine.to_pandas(classed).set_index("customer_id").sort_index()
    for column in ("first_day", "last_day"):
        frame[column] = pd.to_datetime(frame[column])
    scores = engine.to_pandas(engine.rfm_scores(summary, as_of, 4)).set_index("customer_id")
    histogram = engine.to_pandas(engine.clv_histogram(summary))
    monthly = engine.to_pandas(engine.monthly_totals(engine.purchase_rows(table)))
    spells = engine.to_pandas(engine.spell_events(bought, "M", inactive))
    cohorts = engine.to_pandas(engine.cohort_cells(bought, "M"))
    return {
        "summary": frame.drop(columns="activity"),
        "activity": frame["activity"],
        "scores": scores.sort_index()[["r_score", "f_score", "m_score"]],
        "histogram": histogram.set_index(["frequency", "recency", "T"]).sort_index(),
        "monthly": monthly.set_index("ordinal").sort_index(),
        "spells": spells.set_index("ordinal").sort_index(),
        "cohorts": cohorts.set_index(["cohort", "periods_since"])["active"].sort_index(),
    }


def reference_results(frame: pd.DataFrame, as_of: pd.Timestamp, window: int, inactive: int):
    summary = reference.customer_summary(frame, as_of, UNIT_DAYS, window)
    recency_days = (as_of - summary["last_day"]).dt.days
    scores = pd.DataFrame(
        {
            "r_score": reference.scores(recency_days, 4, higher_is_better=False),
            "f_score": reference.scores(summary["purchases"], 4),
            "m_score": reference.scores(summary["revenue"], 4),
        }
    )
    histogram = summary.groupby(["frequency", "recency", "T"]).agg(
        customers=("revenue", "size"), monetary_sum=("monetary_value", "sum")
    )
    monthly = reference.monthly(frame)
    monthly.index = [period.ordinal for period in monthly.index]
    return {
        "summary": summary,
        "activity": reference.activity(summary, as_of, window, 2),
        "scores": scores,
        "histogram": histogram,
        "monthly": monthly,
        "spells": reference.spells(frame, as_of, inactive),
        "cohorts": reference.cohorts(frame, as_of),
    }


def assert_same(ours: dict, theirs: dict) -> None:
    for name, expected in theirs.items():
        actual = ours[name]
        if isinstance(expected, pd.Series):
            pd.testing.assert_series_equal(
                actual, expected, check_dtype=False, check_names=False, check_index_type=False
            )
        else:
            pd.testing.assert_frame_equal(
                actual[list(expected.columns)],
                expected,
                check_dtype=False,
                check_names=False,
                check_index_type=False,
            )


def last_day(frame: pd.DataFrame) -> pd.Timestamp | None:
    days = reference.purchases(frame)["day"]
    return None if days.empty else days.max()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(purchase_tables(), st.integers(1, 200), st.integers(1, 4), st.integers(-30, 30))
def test_every_reduction_on_duckdb_equals_the_pandas_reference(frame, window, inactive, shift):
    end = last_day(frame)
    if end is None:
        return
    as_of = end + pd.Timedelta(days=shift)  # cuts off late purchases when negative
    if reference.purchases(frame, as_of).empty:
        return
    table = engine.frame_table(frame)
    assert_same(
        engine_results(table, as_of, window, inactive),
        reference_results(frame, as_of, window, inactive),
    )


def test_last_day_is_the_last_dated_purchase():
    frame = pd.DataFrame(
        {
            "customer_id": ["a", None, "b"],
            "date": pd.to_datetime(["2024-01-01", "2024-03-05 17:00", None], format="mixed"),
            "amount": [1.0, 2.0, 3.0],
        }
    )
    rows = engine.purchase_rows(engine.frame_table(frame))
    assert engine.last_day(rows) == pd.Timestamp("2024-03-05")
    assert engine.last_day(engine.purchases(engine.frame_table(frame))) == pd.Timestamp(
        "2024-01-01"
    )


def test_ranks_keep_ties_together_where_ntile_would_split_them():
    """Four equal values and six distinct ones: SQL's NTILE(5) would give the four equal
    values scores 1 and 2; the average-rank score gives them all 2."""
    values = [1, 1, 1, 1, 5, 6, 7, 8, 9, 10]
    table = engine.frame_table(pd.DataFrame({"v": values}))
    scores = engine.value_scores(table, "v", 5, name="s")
    scored = engine.to_pandas(table.join(scores, "v"))
    assert scored.sort_values("v")["s"].tolist() == [2, 2, 2, 2, 3, 3, 4, 4, 5, 5]
    lowest_best = engine.to_pandas(
        engine.value_scores(table, "v", 5, name="s", higher_is_better=False)
    )
    assert dict(zip(lowest_best["v"], lowest_best["s"], strict=True)) == {
        1: 5,
        5: 3,
        6: 3,
        7: 2,
        8: 2,
        9: 1,
        10: 1,
    }


def test_every_reduction_on_spark_local_equals_duckdb_and_the_reference(spark):
    import ibis

    rng = np.random.default_rng(7)
    n = 400
    frame = pd.DataFrame(
        {
            "customer_id": pd.Series(rng.choice([f"K{i}" for i in range(40)], n), dtype="string"),
            "date": START
            + pd.to_timedelta(rng.integers(0, 500, n) * 24 + rng.integers(0, 24, n), unit="h"),
            "amount": np.where(rng.random(n) < 0.1, np.nan, rng.integers(1, 80, n).astype(float)),
        }
    )
    as_of = last_day(frame)
    con = ibis.pyspark.connect(spark)
    spark.createDataFrame(frame).createOrReplaceTempView("engine_test_purchases")
    table = con.table("engine_test_purchases")
    on_spark = engine_results(table, as_of, 90, 3)
    on_duckdb = engine_results(engine.frame_table(frame), as_of, 90, 3)
    expected = reference_results(frame, as_of, 90, 3)
    assert_same(on_spark, expected)
    assert_same(on_duckdb, expected)
    assert len(on_spark["summary"]) == frame["customer_id"].nunique()


def test_in_place_segment_report_on_spark_local_equals_the_in_memory_report(spark, tmp_path):
    """The overview's aggregates of a Parquet folder read by Spark are those of the pandas
    data set (the shop of test_segments_in_place: ids missing from the customer table, rows
    without customer or date, missing amounts, unknown statuses)."""
    import ibis

    from kundenmodell.segments.in_place import segment_report_in_place
    from kundenmodell.segments.report import segment_report
    from tests.unit.report_equality import assert_same_report
    from tests.unit.test_segments_in_place import _folder, _shop

    dataset = _shop(1)
    _folder(dataset, tmp_path)
    con = ibis.pyspark.connect(spark)
    tables = engine.EngineTables(
        customers=con.read_parquet(str(tmp_path / "customers")),
        transactions=con.read_parquet(str(tmp_path / "transactions")),
    )
    assert_same_report(segment_report(dataset), segment_report_in_place(tables))
