"""Segments on hand-made data with hand-computed results, plus invariants and planted types."""

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kundenmodell import DataError
from kundenmodell.segments import (
    ACTIVITY_CLASSES,
    RFM_SEGMENTS,
    SegmentFilter,
    churn_rate,
    classify_activity,
    cohort_retention,
    filter_dataset,
    lifecycle_funnel,
    nps,
    nps_by,
    nps_group,
    rfm,
    rfm_summary,
)
from kundenmodell.segments.rfm import quantile_scores
from kundenmodell.synth import generate

AS_OF = pd.Timestamp("2025-12-31")


def _purchases(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    ids, dates, amounts = zip(*rows, strict=True)
    return pd.DataFrame({"customer_id": ids, "date": pd.to_datetime(dates), "amount": amounts})


# --- lifecycle ------------------------------------------------------------------------------


def test_funnel_counts_everyone_at_or_beyond_a_stage():
    customers = pd.DataFrame(
        {
            "customer_id": list("abcdefghij"),
            "status": ["lead"] * 4 + ["contact"] * 3 + ["prospect"] * 1 + ["customer"] * 2,
        }
    )
    funnel = lifecycle_funnel(customers).set_index("stage")
    assert funnel["current"].tolist() == [4, 3, 1, 2]
    assert funnel["reached"].tolist() == [10, 6, 3, 2]
    assert funnel["share"].tolist() == [1.0, 0.6, 0.3, 0.2]
    assert math.isnan(funnel.loc["lead", "conversion"])
    assert funnel.loc["contact", "conversion"] == pytest.approx(0.6)
    assert funnel.loc["prospect", "conversion"] == pytest.approx(0.5)
    assert funnel.loc["customer", "conversion"] == pytest.approx(2 / 3)


def test_funnel_median_days_from_first_interaction_to_customer():
    customers = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "status": ["customer", "customer", "lead"],
            "acquired_at": pd.to_datetime(["2025-01-11", "2025-02-21", None]),
        }
    )
    interactions = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "c"],
            "date": pd.to_datetime(["2025-01-01", "2025-01-05", "2025-02-01", "2025-03-01"]),
        }
    )
    funnel = lifecycle_funnel(customers, interactions).set_index("stage")
    assert funnel.loc["customer", "median_days_to_customer"] == 15.0  # median of 10 and 20 days


def test_funnel_without_status_names_the_column():
    with pytest.raises(DataError) as caught:
        lifecycle_funnel(pd.DataFrame({"customer_id": ["a"]}))
    assert caught.value.params == {"table": "customers", "column": "status"}


# --- activity -------------------------------------------------------------------------------


def test_activity_rules_by_hand():
    purchases = _purchases(
        [
            ("reg", "2025-03-01", 10),
            ("reg", "2025-06-01", 10),
            ("reg", "2025-12-01", 10),
            ("act", "2025-11-30", 5),
            ("act", "2023-01-01", 5),
            ("one", "2024-01-01", 7),
            ("lap", "2023-05-01", 3),
            ("lap", "2024-06-01", 3),
            ("fut", "2026-02-01", 9),  # after as_of: ignored
            ("sameday", "2025-12-01", 1),
            ("sameday", "2025-12-01", 1),
            ("sameday", "2025-12-01", 1),
        ]
    )
    customers = pd.DataFrame({"customer_id": ["reg", "act", "one", "lap", "new", "sameday"]})
    classes = classify_activity(purchases, AS_OF, customers=customers)
    assert classes.to_dict() == {
        "reg": "regular",
        "act": "actual",
        "one": "one_time",
        "lap": "lapsed",
        "sameday": "actual",  # three purchases on one day are one purchase day
        "new": "never_bought",
    }
    assert "fut" not in classes.index
    assert list(classes.cat.categories) == list(ACTIVITY_CLASSES)


def test_activity_window_edges_and_adjustable_rules():
    purchases = _purchases([("a", "2025-01-01", 1), ("a", "2025-01-02", 1), ("a", "2025-01-03", 1)])
    edge = AS_OF - pd.Timedelta(days=364)  # 2025-01-01 is 364 days before as_of: inside
    assert pd.Timestamp("2025-01-01") == edge
    assert classify_activity(purchases, AS_OF)["a"] == "regular"
    assert classify_activity(purchases, AS_OF, regular_min_purchases=4)["a"] == "actual"
    assert classify_activity(purchases, AS_OF, active_window_days=30)["a"] == "regular"
    one_day_later = AS_OF + pd.Timedelta(days=1)  # 2025-01-01 drops out of both windows
    assert classify_activity(purchases, one_day_later)["a"] == "actual"
    three_days_later = AS_OF + pd.Timedelta(days=3)  # all three purchases are out
    assert classify_activity(purchases, three_days_later)["a"] == "lapsed"
    with pytest.raises(DataError):
        classify_activity(purchases, AS_OF, regular_min_purchases=1)


# --- RFM ------------------------------------------------------------------------------------


def test_quantile_scores_keep_ties_together():
    scores = quantile_scores(pd.Series([1, 1, 1, 1, 5, 6, 7, 8, 9, 10]), 5)
    assert scores.tolist()[:4] == [2, 2, 2, 2]  # mean rank 2.5 of 10 → pct 0.25 → ceil(1.25)
    assert scores.tolist()[4:] == [3, 3, 4, 4, 5, 5]
    assert quantile_scores(pd.Series([3.0, 2.0, 1.0]), 3, higher_is_better=False).tolist() == [
        1,
        2,
        3,
    ]


def test_rfm_by_hand():
    purchases = _purchases(
        [
            ("champ", "2025-12-30", 100),
            ("champ", "2025-12-20", 100),
            ("champ", "2025-11-01", 100),
            ("lost", "2022-01-01", 5),
            ("mid", "2025-06-01", 50),
            ("mid", "2025-05-01", 50),
        ]
    )
    table = rfm(purchases, AS_OF, bins=3)
    assert table.loc["champ", ["recency_days", "frequency", "monetary"]].tolist() == [1, 3, 300.0]
    assert table.loc["lost", "recency_days"] == (AS_OF - pd.Timestamp("2022-01-01")).days
    assert table.loc["champ", ["r_score", "f_score", "m_score"]].tolist() == [3, 3, 3]
    assert table.loc["lost", ["r_score", "f_score", "m_score"]].tolist() == [1, 1, 1]
    assert table.loc["champ", "segment"] == "champions"
    assert table.loc["lost", "segment"] == "lost"
    assert table.loc["mid", "segment"] == "need_attention"  # R=F=2 of 3 → 3 of 5


def test_rfm_summary_shares_sum_to_one_and_cover_every_segment():
    data = generate(3_000, seed=3)
    table = rfm(data.transactions)
    summary = rfm_summary(table)
    assert summary["segment"].tolist() == list(RFM_SEGMENTS)
    assert summary["customer_share"].sum() == pytest.approx(1.0)
    assert summary["revenue_share"].sum() == pytest.approx(1.0)
    assert summary["customers"].sum() == len(table) == data.transactions["customer_id"].nunique()
    with pytest.raises(DataError):
        rfm(data.transactions, bins=1)


# --- NPS ------------------------------------------------------------------------------------


def test_nps_of_the_issue_example_is_zero():
    result = nps([10, 9, 8, 7, 0, 6])
    assert (result.promoters, result.passives, result.detractors, result.n) == (2, 2, 2, 6)
    assert result.score == 0
    assert result.ci_low < 0 < result.ci_high


def test_nps_adjusted_wald_interval_by_hand():
    # 50 promoters, 30 passives, 20 detractors: NPS 30.
    result = nps([10] * 50 + [7] * 30 + [3] * 20)
    p, d, n = 50.75 / 103, 20.75 / 103, 103
    half = 1.959963984540054 * math.sqrt((p + d - (p - d) ** 2) / n)
    assert result.score == pytest.approx(30.0)
    assert result.ci_low == pytest.approx(100 * (p - d - half))
    assert result.ci_high == pytest.approx(100 * (p - d + half))
    assert result.share("promoter") == 0.5


def test_nps_ignores_invalid_scores_and_needs_some():
    assert nps([10, None, 11, -1, 0]).n == 2
    with pytest.raises(DataError) as caught:
        nps([None, 12])
    assert caught.value.key == "error.segments.no_nps_scores"
    groups = nps_group(pd.Series([0, 6, 7, 8, 9, 10, None]))
    assert groups.tolist()[:6] == ["detractor"] * 2 + ["passive"] * 2 + ["promoter"] * 2
    assert pd.isna(groups.iloc[6])


@given(st.lists(st.integers(0, 10), min_size=1, max_size=300))
def test_nps_is_bounded_and_inside_its_interval(scores):
    result = nps(scores)
    assert -100 <= result.ci_low <= result.ci_high <= 100
    assert -100 <= result.score <= 100
    assert result.promoters + result.passives + result.detractors == len(scores)


def test_nps_per_group():
    customers = pd.DataFrame(
        {
            "customer_id": list("abcdef"),
            "nps_score": [10, 10, 0, 8, None, 9],
            "customer_type": ["b2b", "b2b", "b2b", "b2c", "b2c", "b2c"],
        }
    )
    table = nps_by(customers, "customer_type").set_index("group")
    assert table.loc["b2b", "score"] == pytest.approx(100 / 3)
    assert table.loc["b2c", "n"] == 2
    assert table.loc["b2c", "score"] == pytest.approx(50.0)


# --- churn and cohorts ----------------------------------------------------------------------


def test_churn_rate_by_hand():
    purchases = _purchases(
        [
            ("a", "2025-01-05", 1),
            ("a", "2025-02-05", 1),  # last purchase Feb: churns in Apr
            ("b", "2025-01-10", 1),
            ("b", "2025-06-10", 1),  # churns in Mar, back in Jun
            ("c", "2025-03-01", 1),
        ]  # churns in May
    )
    table = churn_rate(purchases, inactive_periods=2, as_of="2025-06-30")
    assert table["period"].dt.strftime("%Y-%m").tolist() == [
        "2025-01",
        "2025-02",
        "2025-03",
        "2025-04",
        "2025-05",
        "2025-06",
    ]
    assert table["new"].tolist() == [2, 0, 1, 0, 0, 0]
    assert table["churned"].tolist() == [0, 0, 1, 1, 1, 0]
    assert table["reactivated"].tolist() == [0, 0, 0, 0, 0, 1]
    assert table["active_end"].tolist() == [2, 2, 2, 1, 0, 1]
    assert table["active_start"].tolist() == [0, 2, 2, 2, 1, 0]
    rates = table["churn_rate"].tolist()
    assert math.isnan(rates[0]) and math.isnan(rates[5])
    assert rates[1:5] == [0.0, 0.5, 0.5, 1.0]
    assert table["observable"].tolist() == [False, False, True, True, True, True]


def test_cohort_retention_by_hand():
    purchases = _purchases(
        [
            ("a", "2025-01-05", 1),
            ("a", "2025-01-20", 1),
            ("a", "2025-03-05", 1),
            ("b", "2025-01-10", 1),
            ("b", "2025-02-10", 1),
            ("c", "2025-02-01", 1),
        ]
    )
    cells = cohort_retention(purchases, as_of="2025-03-31")
    got = {
        (row.cohort.strftime("%Y-%m"), row.periods_since): (row.active, row.retention)
        for row in cells.itertuples()
    }
    assert got == {
        ("2025-01", 0): (2, 1.0),
        ("2025-01", 1): (1, 0.5),
        ("2025-01", 2): (1, 0.5),
        ("2025-02", 0): (1, 1.0),
    }


# --- filters and the planted types ----------------------------------------------------------


def test_filter_keeps_matching_customers_and_their_purchases():
    data = generate(2_000, seed=5)
    b2b = filter_dataset(data, SegmentFilter(customer_type=("b2b",)))
    assert set(b2b.customers["customer_type"].astype(str)) == {"b2b"}
    assert b2b.transactions["customer_id"].isin(b2b.customers["customer_id"]).all()
    others = data.transactions[~data.transactions["customer_id"].isin(b2b.customers["customer_id"])]
    assert len(b2b.transactions) + len(others) == len(data.transactions)
    assert filter_dataset(data, SegmentFilter()) is data


def test_planted_types_land_in_the_expected_segments():
    data = generate(20_000, seed=11, seasonality=0)
    activity = classify_activity(data.transactions, customers=data.customers)
    truth = data.truth.reindex(activity.index)
    regular_share = (activity == "regular").groupby(truth).mean()
    assert regular_share["affluent_regular"] > 2 * regular_share["bargain_hunter"]
    table = rfm(data.transactions)
    top = table["segment"].isin(["champions", "loyal"]).groupby(data.truth.reindex(table.index))
    assert top.mean()["affluent_regular"] > top.mean()["bargain_hunter"]
    groups = nps_by(data.customers, data.truth).set_index("group")
    assert groups.loc["affluent_regular", "score"] > groups.loc["bargain_hunter", "score"] + 20


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(30, 720), st.integers(2, 6))
def test_every_customer_gets_exactly_one_class(seed, window, minimum):
    data = generate(300, seed=seed)
    classes = classify_activity(
        data.transactions,
        customers=data.customers,
        active_window_days=window,
        regular_min_purchases=minimum,
        regular_window_days=window,
    )
    assert classes.index.is_unique
    assert set(classes.index) == set(data.customers["customer_id"].astype(str))
    assert classes.notna().all()
    buyers = set(data.transactions["customer_id"].astype(str))
    assert set(classes[classes == "never_bought"].index).isdisjoint(buyers)


# --- the overview's report ------------------------------------------------------------------


def test_segment_report_states_the_regular_share_of_buyers_and_what_is_missing():
    from kundenmodell import Dataset
    from kundenmodell.segments.report import segment_report

    purchases = _purchases(
        [
            ("reg", "2025-03-01", 10),
            ("reg", "2025-06-01", 10),
            ("reg", "2025-12-01", 10),
            ("r2", "2025-01-01", 20),
            ("r2", "2025-05-01", 20),
            ("r2", "2025-09-01", 20),
            ("act", "2025-11-30", 5),
            ("act", "2023-01-01", 5),
            ("one", "2024-01-01", 7),
            ("lap", "2023-05-01", 3),
            ("lap", "2024-06-01", 3),
        ]
    )
    customers = pd.DataFrame({"customer_id": ["reg", "r2", "act", "one", "lap", "new"]})
    report = segment_report(Dataset(customers=customers, transactions=purchases))
    # as of the last purchase (1 Dec 2025): reg and r2 regular, act actual, one one-time,
    # lap lapsed, new never bought: 2 of the 5 buyers (not 2 of 6 customers)
    assert report.regular_customers == 2
    assert report.regular_buyer_share == pytest.approx(2 / 5)
    assert report.regular_revenue_share == pytest.approx(90 / 113)
    assert report.missing == {"funnel": "status", "nps": "nps_score"}

    undated = Dataset(customers=customers, transactions=purchases.drop(columns="date"))
    report = segment_report(undated)
    assert report.missing == {
        "funnel": "status",
        "nps": "nps_score",
        "activity": "date",
        "rfm": "date",
        "churn": "date",
    }
    assert report.activity_summary is None and report.regular_buyer_share is None


@settings(max_examples=60)
@given(
    values=st.lists(
        st.one_of(
            st.sampled_from(["lead", "contact", "prospect", "customer", "Customer", " lead"]),
            st.none(),
            st.integers(0, 2),
        ),
        max_size=40,
    ),
    categorical=st.booleans(),
)
def test_status_counts_by_text_equal_counting_every_row_as_text(values, categorical):
    from kundenmodell.segments.lifecycle import counts_as_text

    column = pd.Series(values, dtype=object)
    if categorical:
        column = column.map(lambda value: value if value is None else str(value)).astype(
            "category"
        )
    expected = column.astype("string").value_counts()
    counted = counts_as_text(column)
    counted = counted[counted > 0]
    assert counted.sort_index().to_dict() == expected.sort_index().to_dict()


def _nps_by_reference(customers: pd.DataFrame, by) -> pd.DataFrame:
    """NPS per group the plain way: each group's valid scores through ``nps``."""
    from kundenmodell.segments import nps as nps_of
    from kundenmodell.segments.nps import NPS_GROUPS

    scores = pd.Series(
        pd.to_numeric(customers["nps_score"], errors="coerce").to_numpy(),
        index=customers["customer_id"],
    )
    labels = (
        pd.Series(customers[by].to_numpy(), index=scores.index)
        if isinstance(by, str)
        else by.reindex(scores.index)
    )
    if not isinstance(labels.dtype, pd.CategoricalDtype):
        labels = labels.astype("string")
    frame = pd.DataFrame({"group": labels.to_numpy(), "score": scores.to_numpy()}).dropna()
    frame = frame[frame["score"].between(0, 10)]
    rows = []
    for group, part in sorted(frame.groupby("group", observed=True), key=lambda p: str(p[0])):
        result = nps_of(part["score"])
        rows.append(
            {"group": group, "n": result.n, "score": result.score, "ci_low": result.ci_low}
            | {"ci_high": result.ci_high}
            | {f"{g}_share": result.share(g) for g in NPS_GROUPS}
        )
    return pd.DataFrame(rows)


@settings(max_examples=80)
@given(
    rows=st.lists(
        st.tuples(
            st.one_of(st.none(), st.sampled_from([0, 3, 6.5, 7, 8.9, 9, 10, 11, -1, "x"])),
            st.one_of(st.none(), st.sampled_from(["regular", "lost", "new", "b"])),
        ),
        min_size=1,
        max_size=30,
    ),
    as_series=st.booleans(),
    categorical=st.booleans(),
)
def test_nps_by_group_equals_scoring_each_group_on_its_own(rows, as_series, categorical):
    from kundenmodell.segments import nps_by

    customers = pd.DataFrame(
        {
            "customer_id": [f"K{i}" for i in range(len(rows))],
            "nps_score": pd.Series([score for score, _ in rows], dtype=object),
            "segment": pd.Series([group for _, group in rows], dtype=object),
        }
    )
    if categorical:
        customers["segment"] = customers["segment"].astype("category")
    # a Series may name customers the table lacks and leave some out
    by = (
        customers.set_index("customer_id")["segment"].iloc[::-1].iloc[1:]
        if as_series
        else "segment"
    )
    expected = _nps_by_reference(customers, by)
    result = nps_by(customers, by)
    # the NPS groups handed in by a caller that has them give the same table
    from kundenmodell.segments.nps import nps_group

    given_groups = nps_by(customers, by, nps_group(customers["nps_score"]))
    pd.testing.assert_frame_equal(given_groups, result)
    assert len(result) == len(expected)
    if len(expected):
        assert list(result["group"].astype(str)) == list(expected["group"].astype(str))
        columns = [c for c in expected.columns if c != "group"]
        pd.testing.assert_frame_equal(
            result[columns].reset_index(drop=True), expected[columns], check_dtype=False
        )
