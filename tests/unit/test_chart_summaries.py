"""The charts' one-line text alternatives against figures worked out by hand on small frames."""

import math

import pandas as pd
import pytest

from kundenmodell import summaries
from kundenmodell.clv import summaries as clv_summaries
from kundenmodell.i18n import LANGUAGES
from kundenmodell.personas import summaries as persona_summaries
from kundenmodell.roles import summaries as role_summaries
from kundenmodell.scenarios import summaries as scenario_summaries
from kundenmodell.scenarios.optimise import SplitResult
from kundenmodell.segments.rfm import rfm_grid

MONTHLY = pd.DataFrame(
    {
        "month": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"]),
        "revenue": [12_300.0, 25_000.0, 18_900.0],
        "purchases": [10, 20, 15],
    }
)


def test_monthly_revenue_names_first_last_best_and_weakest_month():
    text = summaries.monthly_revenue_summary(MONTHLY, "en", "EUR")
    assert text == (
        "Revenue per month from Jan 2025 (€12,300) to Mar 2025 (€18,900), €56,200 in all; "
        "best month Feb 2025 with €25,000, weakest Jan 2025 with €12,300."
    )


def test_monthly_revenue_in_german_writes_german_numbers_and_months():
    text = summaries.monthly_revenue_summary(MONTHLY.iloc[::-1], "de", "EUR")  # order-proof
    assert "von Jan. 2025 (12.300\u00a0€) bis März 2025 (18.900\u00a0€)" in text
    assert "insgesamt 56.200\u00a0€" in text and "bester Monat Feb. 2025 mit 25.000\u00a0€" in text


def test_funnel_overall_share_and_weakest_step():
    funnel = pd.DataFrame(
        {
            "stage": ["lead", "contact", "prospect", "customer"],
            "reached": [100, 80, 40, 30],
            "conversion": [math.nan, 0.8, 0.5, 0.75],
        }
    )
    text = summaries.funnel_summary(funnel, "en")
    # 30 / 100 reached the last stage; contact -> prospect keeps only 40 / 80 = 50 %
    assert text == (
        "100 people reached the stage “Lead”, 30 of them the stage “Customer” (30%). "
        "Most are lost between “Contact” and “Prospect”: 50% move on."
    )


def test_share_comparison_names_top_revenue_group_and_largest_group():
    frame = pd.DataFrame(
        {
            "group": ["a", "b", "c"],
            "customer_share": [0.5, 0.3, 0.2],
            "revenue_share": [0.2, 0.3, 0.5],
        }
    )
    text = summaries.share_comparison_summary(
        frame, "group", "en", labels={"a": "Alpha", "b": "Beta", "c": "Gamma"}
    )
    assert text == (
        "“Gamma” bring the largest share of revenue: 50% of revenue from 20% of customers. "
        "The largest group is “Alpha”: 50% of customers with 20% of revenue."
    )
    same = frame.assign(customer_share=[0.2, 0.3, 0.5])
    assert "largest group" not in summaries.share_comparison_summary(
        same, "group", "en", labels={"a": "A", "b": "B", "c": "C"}
    )


def test_rfm_grid_names_the_fullest_cell():
    table = pd.DataFrame(
        {
            "r_score": [5, 5, 5, 1, 1],
            "f_score": [4, 4, 4, 1, 1],
            "segment": ["champions"] * 3 + ["lost"] * 2,
        }
    )
    text = summaries.rfm_grid_summary(rfm_grid(table), "en")
    assert text == (
        "5 customers by recency and frequency score; the fullest cell, recency 5 and "
        "frequency 4 (“Champions”), holds 3."
    )


def test_nps_is_promoters_minus_detractors():
    text = summaries.nps_groups_summary({"promoter": 0.5, "passive": 0.3, "detractor": 0.2}, "en")
    assert text.endswith("a net promoter score of 30.")
    assert text.startswith("50% promoters, 30% passives and 20% detractors")


def test_churn_leaves_out_warm_up_months_and_gaps():
    churn = pd.DataFrame(
        {
            "period": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"]),
            "observable": [False, True, True, True],
            "churn_rate": [0.9, 0.02, math.nan, 0.04],
        }
    )
    text = summaries.churn_summary(churn, "en")
    # only Feb (2 %) and Apr (4 %) count: mean 3 %, peak Apr
    assert text == (
        "Monthly churn averaged 3.0% over 2 months: 2.0% in Feb 2025, 4.0% in Apr 2025, "
        "highest 4.0% in Apr 2025."
    )


def test_cohorts_are_weighted_by_size():
    cohorts = pd.DataFrame(
        {
            "cohort": pd.to_datetime(["2024-01-01"] * 3 + ["2024-02-01"] * 2),
            "periods_since": [0, 1, 12, 0, 1],
            "retention": [1.0, 0.5, 0.2, 1.0, 0.1],
            "cohort_size": [100, 100, 100, 300, 300],
        }
    )
    text = summaries.cohort_summary(cohorts, "en")
    # month 1: (0.5·100 + 0.1·300) / 400 = 20 %; month 12: only the first cohort, 20 %
    assert text == (
        "Across 2 cohorts, 20% of customers bought again one month after their first purchase "
        "and 20% after 12 months (weighted by cohort size)."
    )


def test_clv_distribution_names_the_fullest_band():
    histogram = pd.DataFrame(
        {"start": [0.0, 100.0, 200.0], "end": [100.0, 200.0, 300.0], "customers": [6, 3, 1]}
    )
    text = clv_summaries.clv_distribution_summary(histogram, "en", "EUR")
    assert text == (
        "10 customers by expected value: the most, 6 (60%), lie between €0 and €100; "
        "the highest band ends at €300."
    )


def test_clv_holdout_means_are_weighted_by_customers():
    comparison = pd.DataFrame(
        {"label": ["0", "1"], "customers": [10, 30], "actual": [1.0, 3.0], "predicted": [2.0, 2.0]}
    )
    text = clv_summaries.holdout_summary(comparison, "en")
    # actual (1·10 + 3·30) / 40 = 2.5; predicted 2
    assert "made 2.50 repeat purchases each on average; the model expected 2.00" in text


def test_clv_segments_and_retention():
    table = pd.DataFrame({"label": ["Loyal", "Lost", "New"], "clv_mean": [900.0, 10.0, 300.0]})
    assert clv_summaries.segment_summary(table, "en", "EUR") == (
        "Highest average customer value: “Loyal” with €900; lowest: “Lost” with €10."
    )
    curves = pd.DataFrame(
        {
            "label": ["2024", "2024", "2025", "2025"],
            "month": [0, 6, 0, 3],
            "retention": [1.0, 0.4, 1.0, 0.7],
        }
    )
    assert clv_summaries.retention_summary(curves, "en") == (
        "Share still buying at the last month shown: “2024” 40% after 6 months; "
        "“2025” 70% after 3 months."
    )


def test_scenario_bands_split_and_tornado():
    bands = pd.DataFrame(
        {
            "metric": ["customers"] * 2 + ["discounted_cumulative_profit"],
            "month": [1, 2, 2],
            "q05": [90.0, 80.0, 1.0],
            "q25": [95.0, 90.0, 1.0],
            "q50": [100.0, 95.0, 1.0],
            "q75": [105.0, 100.0, 1.0],
            "q95": [110.0, 120.0, 1.0],
        }
    )
    assert scenario_summaries.band_summary(bands, "customers", "en") == (
        "Customers in month 2: “Current plan” median 95, 90 % of the simulated cases between "
        "80 and 120."
    ).replace("Current plan", _current_label())
    curve = pd.DataFrame(
        {"retention_share": [0.0, 0.5, 1.0], "discounted_profit": [100.0, 300.0, 50.0]}
    )
    split = SplitResult(1000.0, 0.5, 500.0, 500.0, 300.0, 0.0, 100.0, curve)
    assert scenario_summaries.split_summary(split, "en", "EUR") == (
        "Profit is highest, €300, with 50% of the budget for retention, and lowest, €50, "
        "with 100%. The current split (0% for retention) gives €100."
    )
    sensitivity = pd.DataFrame(
        {
            "input": ["monthly_churn", "margin_per_customer"],
            "low_profit": [900.0, 950.0],
            "high_profit": [1200.0, 1010.0],
            "base_profit": [1000.0, 1000.0],
        }
    )
    text = scenario_summaries.tornado_summary(sensitivity, "en", "EUR", change=0.2)
    assert text == (
        "Profit moves most with “Churn per month”: €900 when it is 20% lower, €1,200 when it "
        "is 20% higher (base €1,000)."
    )


def _current_label() -> str:
    from kundenmodell.i18n import t

    return t("scenarios.current", "en")


def test_roles_flow_mix_gifts_and_repeat():
    flow = pd.DataFrame(
        {
            "source": ["b2c", "b2c", "b2b"],
            "target": ["self", "child", "employee"],
            "purchases": [5, 3, 2],
            "revenue": [500.0, 300.0, 200.0],
        }
    )
    text = role_summaries.flow_summary(flow, "en")
    # self 500 / 1000, child 300 / 1000, employee 200 / 1000
    assert text.endswith("“The buyer themself” 50%, “Child” 30%, “Employee” 20%.")
    mix = pd.DataFrame(
        {
            "group": ["toys", "toys", "books"],
            "role": ["child", "self", "self"],
            "revenue_share": [0.7, 0.3, 1.0],
        }
    )
    assert role_summaries.role_share_summary(mix, "en") == (
        "Largest consumer role per group, by share of revenue: “toys”: mostly “Child” (70%); "
        "“books”: mostly “The buyer themself” (100%)."
    )
    season = pd.DataFrame(
        {
            "month": list(range(1, 13)),
            "purchases": [10] * 12,
            "gift_purchases": [1] * 11 + [7],
            "gift_share": [0.1] * 11 + [0.7],
        }
    )
    # 18 gifts in 120 purchases = 15 %; December peaks, January is the first of the lowest
    assert role_summaries.gift_season_summary(season, "en") == (
        "Gifts are 15% of all purchases over the year; most in December (70%), "
        "fewest in January (10%)."
    )
    repeat = pd.DataFrame({"first_role": ["self", "gift"], "repeat_rate": [0.6, 0.2]})
    assert "“The buyer themself” buy again most often (60%)" in role_summaries.repeat_summary(
        repeat, "en"
    )


def test_persona_comparison_names_every_persona_with_its_most_distinctive_trait():
    frame = pd.DataFrame(
        {
            "persona": ["Anna", "Anna", "Ben", "Ben"],
            "order": [0, 0, 1, 1],
            "trait": ["Age", "Toys", "Age", "Toys"],
            "value_text": ["30", "60%", "50", "5%"],
            "base_text": ["40", "10%", "40", "10%"],
            "lift": [0.75, 6.0, 1.25, 0.5],
            "log2_lift": [-0.415, 2.585, 0.322, -1.0],
        }
    )
    assert persona_summaries.comparison_summary(frame, "en") == (
        "What sets each persona apart most: Anna: Toys 60% (all customers: 10%); "
        "Ben: Toys 5% (all customers: 10%)."
    )
    criterion = pd.DataFrame(
        {
            "k": [2, 3, 4],
            "icl": [30.0, 10.0, 20.0],
            "bic": [25.0, 15.0, 5.0],
            "chosen": [False, True, False],
        }
    )
    assert persona_summaries.criterion_summary(criterion, "en") == (
        "Tried 2 to 4 personas: ICL is lowest at 3, BIC at 4; chosen: 3."
    )


def test_persona_truth_names_where_each_planted_type_went():
    table = pd.DataFrame({"a": [8, 2], "b": [1, 9]}, index=pd.Index([0, 1], name="persona"))
    text = persona_summaries.truth_summary(table, {0: "Anna", 1: "Ben"}, "en")
    assert text.startswith("20 customers with a planted type: ")
    assert "mostly in Anna (80%)" in text and "mostly in Ben (90%)" in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_summary_has_a_text_for_empty_data(lang):
    empty = summaries.monthly_revenue_summary(MONTHLY.iloc[:0], lang)
    assert empty and "{" not in empty
    assert clv_summaries.segment_summary(pd.DataFrame(columns=["label", "clv_mean"]), lang, "EUR")
