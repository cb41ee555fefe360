"""Customer vs. consumer on a hand-made data set whose every figure is computed by hand.

Customers: C1 (40, private, external, NPS 10), C2 (30, private, external, NPS 3),
C3 (50, business, internal, NPS 8, buying-center role "Decider"), C4 (20, private, external,
NPS 9, never bought). Purchases (amount, role, category):

- C1: 10 Jan 100 self Toys · 1 Feb 50 child Toys · 5 Dec 30 gift Books
- C2: 1 Mar 200 self Books · 1 Mar 20 partner Books (same day)
- C3: 1 May 400 employee Office · 1 Jun 100 employee Office · 1 Jul 100 other Office

Revenue 1,000 in 8 purchases; 700 of it (6 purchases) is used by someone other than the buyer.
"""

import numpy as np
import pandas as pd
import pytest

from kundenmodell import DataError, Dataset
from kundenmodell.roles import Implication, compare, role_codes, role_report
from kundenmodell.roles.implications import group_implications, overall_implications


def hand_made(customers=None, transactions=None) -> Dataset:
    people = pd.DataFrame(
        {
            "customer_id": ["C1", "C2", "C3", "C4"],
            "customer_type": ["b2c", "b2c", "b2b", "b2c"],
            "relationship": ["external", "external", "internal", "external"],
            "age": [40, 30, 50, 20],
            "nps_score": pd.array([10, 3, 8, 9], dtype="Int64"),
            "buying_center_role": [None, None, "Decider", None],
        }
    )
    purchases = pd.DataFrame(
        {
            "customer_id": ["C1", "C1", "C1", "C2", "C2", "C3", "C3", "C3"],
            "date": pd.to_datetime(
                [
                    "2024-01-10",
                    "2024-02-01",
                    "2024-12-05",
                    "2024-03-01",
                    "2024-03-01",
                    "2024-05-01",
                    "2024-06-01",
                    "2024-07-01",
                ]
            ),
            "amount": [100.0, 50.0, 30.0, 200.0, 20.0, 400.0, 100.0, 100.0],
            "category": ["Toys", "Toys", "Books", "Books", "Books", "Office", "Office", "Office"],
            "consumer_role": [
                "self",
                "child",
                "gift",
                "self",
                "partner",
                "employee",
                "employee",
                "other",
            ],
        }
    )
    return Dataset(
        customers=people if customers is None else customers(people),
        transactions=purchases if transactions is None else transactions(purchases),
    )


def test_shares_bought_for_someone_else():
    report = compare(hand_made())
    assert report.status == "ok"
    assert (report.purchases, report.revenue, report.unknown_purchases) == (8, 1000.0, 0)
    assert report.other_purchase_share == pytest.approx(6 / 8)
    assert report.other_revenue_share == pytest.approx(700 / 1000)


def test_revenue_by_who_consumes():
    table = compare(hand_made()).by_role.set_index("role")
    assert list(table.index) == ["self", "child", "partner", "gift", "employee", "other"]
    assert table["purchases"].tolist() == [2, 1, 1, 1, 2, 1]
    assert table["revenue"].tolist() == [300.0, 50.0, 20.0, 30.0, 500.0, 100.0]
    assert table["revenue_share"].sum() == pytest.approx(1.0)
    assert table.loc["employee", "revenue_share"] == pytest.approx(0.5)
    assert table.loc["self", "buyers"] == 2
    assert table.loc["self", "average_purchase"] == pytest.approx(150.0)
    # Median age of the buyers who buy for the role: C1 (40) and C2 (30) buy for themselves.
    assert table.loc["self", "median_buyer_age"] == pytest.approx(35.0)
    assert table.loc["child", "median_buyer_age"] == pytest.approx(40.0)
    assert table.loc["employee", "median_buyer_age"] == pytest.approx(50.0)


def test_role_mix_by_category():
    report = compare(hand_made(), by="category")
    assert report.grouping == "category"
    groups = report.groups.set_index("group")
    # Ordered by the share of revenue bought for others: Office 100 %, Toys 1/3, Books 20 %.
    assert list(groups.index) == ["Office", "Toys", "Books"]
    assert groups["revenue"].tolist() == [600.0, 150.0, 250.0]
    assert groups["other_revenue_share"].tolist() == pytest.approx([1.0, 1 / 3, 0.2])
    assert groups["other_purchase_share"].tolist() == pytest.approx([1.0, 0.5, 2 / 3])
    assert groups["main_other_role"].tolist() == ["employee", "child", "gift"]
    assert groups["main_other_share"].tolist() == pytest.approx([500 / 600, 50 / 150, 30 / 250])
    mix = report.role_mix
    books = mix[mix["group"] == "Books"].set_index("role")
    assert list(books.index) == ["self", "partner", "gift"]
    assert books["revenue_share"].tolist() == pytest.approx([0.8, 0.08, 0.12])
    assert mix.groupby("group")["revenue_share"].sum().tolist() == pytest.approx([1, 1, 1])


def test_by_customer_column_and_by_series():
    groups = compare(hand_made(), by="customer_type").groups.set_index("group")
    assert groups.loc["b2b", "other_revenue_share"] == pytest.approx(1.0)
    assert groups.loc["b2c", "other_revenue_share"] == pytest.approx(100 / 400)
    assert groups.loc["b2c", "buyers"] == 2

    segment = pd.Series({"C1": "A", "C2": "A", "C3": "B"}, name="segment")
    report = compare(hand_made(), by=segment)
    assert report.grouping == "segment"
    groups = report.groups.set_index("group")
    assert groups["revenue"].to_dict() == {"B": 600.0, "A": 400.0}


def test_flow_from_customer_type_to_role():
    flow = compare(hand_made()).flow
    edges = {(row.source, row.target): row.revenue for row in flow.itertuples()}
    assert edges == {
        ("b2c", "self"): 300.0,
        ("b2c", "child"): 50.0,
        ("b2c", "partner"): 20.0,
        ("b2c", "gift"): 30.0,
        ("b2b", "employee"): 500.0,
        ("b2b", "other"): 100.0,
    }


def test_buyer_and_user_age_profiles():
    report = compare(hand_made())
    profile = report.age_profile()
    buyers = profile[profile["side"] == "buyer"].set_index("band")["purchases"].to_dict()
    assert buyers == {"25–34": 2, "35–49": 3, "50–64": 3}
    users = profile[profile["side"] == "user"]
    cells = {(row.band, row.basis): row.purchases for row in users.itertuples()}
    # self: the buyer's own age; child: 0–12 by assumption; partner: the buyer's band by
    # assumption; gift, employee, other: unknown.
    assert cells == {
        ("0–12", "assumed"): 1,
        ("25–34", "data"): 1,
        ("25–34", "assumed"): 1,
        ("35–49", "data"): 1,
        ("unknown", "unknown"): 4,
    }
    assert profile.groupby("side")["share"].sum().tolist() == pytest.approx([1.0, 1.0])
    assert report.typical_band("user", ["child"]) == ("0–12", 1.0)
    assert report.typical_band("buyer", ["child"]) == ("35–49", 1.0)
    assert report.typical_band("buyer") == ("35–49", 3 / 8)  # ties keep band order


def test_ages_from_birth_dates_when_the_age_column_is_missing():
    def born(people):
        people = people.drop(columns="age")
        people["birth_date"] = pd.to_datetime(["1989-12-06", "1994-12-05", None, "2004-01-01"])
        return people

    # At the last purchase (5 Dec 2024) C1 is still 34 (35 tomorrow), C2 turns 30 that day.
    profile = compare(hand_made(customers=born)).age_profile()
    buyers = profile[profile["side"] == "buyer"].set_index("band")["purchases"].to_dict()
    assert buyers == {"25–34": 5, "unknown": 3}


def test_no_ages_gives_role_mix_only():
    report = compare(hand_made(customers=lambda people: people.drop(columns="age")))
    assert report.age_cells is None and report.age_profile() is None
    assert report.by_role["median_buyer_age"].isna().all()


def test_repeat_behaviour_by_first_role():
    repeat = compare(hand_made()).repeat.set_index("first_role")
    # C2's same-day partner purchase is not a repeat; C1's December gift lies outside 180 days.
    assert repeat.loc["self"].to_dict() == pytest.approx(
        {
            "customers": 2,
            "repeaters": 1,
            "repeat_rate": 0.5,
            "repeat_purchases": 0.5,
            "revenue_per_customer": (150 + 220) / 2,
        }
    )
    assert repeat.loc["employee", "repeat_purchases"] == pytest.approx(2.0)
    assert repeat.loc["employee", "revenue_per_customer"] == pytest.approx(600.0)
    # With a window of 300 days only C1 (first purchase 10 Jan) had the time to come back; the
    # gift on 5 Dec is 330 days later, so only 1 Feb counts.
    longer = compare(hand_made(), repeat_window_days=300).repeat
    assert longer[["first_role", "customers", "repeat_purchases"]].values.tolist() == [
        ["self", 1, 1.0]
    ]


def test_gift_seasonality():
    season = compare(hand_made()).gift_season.set_index("month")
    assert season["purchases"].sum() == 8
    assert season.loc[12, "gift_share"] == pytest.approx(1.0)
    assert season.loc[12, "index"] == pytest.approx(8.0)  # 100 % against 1/8 over the year
    assert season.loc[12, "gift_revenue"] == pytest.approx(30.0)
    assert season.drop(index=12)["gift_purchases"].sum() == 0


def test_buying_center_needs_its_column_and_counts_business_contacts():
    center = compare(hand_made()).buying_center
    assert center.available
    row = center.table.set_index("role").loc["decider"]
    assert (row["contacts"], row["buying_contacts"], row["purchases"]) == (1, 1, 3)
    assert row["revenue_per_contact"] == pytest.approx(600.0)

    without = compare(hand_made(customers=lambda p: p.drop(columns="buying_center_role")))
    assert not without.buying_center.available
    assert without.buying_center.column == "buying_center_role"


def test_internal_and_external_customers_side_by_side():
    table = compare(hand_made()).internal_external.set_index("relationship")
    external, internal = table.loc["external"], table.loc["internal"]
    assert (external["customers"], external["buyers"], external["purchases"]) == (3, 2, 5)
    assert external["revenue"] == pytest.approx(400.0)
    assert external["revenue_per_buyer"] == pytest.approx(200.0)
    assert external["other_revenue_share"] == pytest.approx(0.25)
    # Scores 10, 3 and 9: two promoters, one detractor → NPS = 100 · (2 − 1) / 3.
    assert external["nps"] == pytest.approx(100 / 3)
    assert external["nps_answers"] == 3
    assert (internal["customers"], internal["revenue"], internal["nps"]) == (1, 600.0, 0.0)
    assert internal["other_revenue_share"] == pytest.approx(1.0)


def test_implications_from_the_role_mix():
    report = compare(hand_made(), by="category")
    assert report.implications == ()  # fewer than 20 purchases per category
    found = group_implications(
        report.groups, report.role_mix, group_column="category", min_purchases=1
    )
    assert [(item.role, item.groups) for item in found] == [
        ("employee", ("Office",)),
        ("child", ("Toys",)),
        ("self", ("Books",)),  # gift (12 %) is below 25 %: bought mostly for themselves
    ]
    assert found[0].share == pytest.approx(500 / 600)
    assert found[2].share == pytest.approx(0.8)
    assert [item.audience for item in found] == ["both", "both", "same"]

    overall = overall_implications(compare(hand_made()).by_role)
    # Roles with at least 5 % of revenue, others first: employee 50 %, other 10 %, child 5 %;
    # gift (3 %) and partner (2 %) are below the threshold.
    assert [item.role for item in overall] == ["employee", "other", "child", "self"]


def test_implication_text_speaks_every_language():
    toys = Implication("child", 0.62, 620.0, ("Toys",), (0.62,), "category")
    assert toys.headline("en") == "62% of revenue with “Toys” is bought for children"
    assert toys.sentence("en").startswith(
        "62% of revenue with “Toys” is bought for children: Speak to parents about safety"
    )
    assert toys.headline("de") == "62\u00a0% des Umsatzes mit „Toys“ wird für Kinder gekauft"
    assert toys.headline("nb") == "62\u00a0% av omsetningen med «Toys» kjøpes til barn"
    assert toys.audience_label("de") == "Zahler und Nutzer"

    several = Implication("employee", 0.5, 1.0, ("b2b", "b2c"), (0.8, 0.1), "customer_type")
    assert several.group_label("de") == (
        "„Geschäftskunde (B2B)“ (80\u00a0%), „Privatkunde (B2C)“ (10\u00a0%)"
    )
    total = Implication("gift", 0.11, 1.0)
    assert total.headline("en") == "11% of all revenue is gifts"


def test_consumer_roles_are_read_from_codes_and_labels_in_any_language():
    values = pd.Series(["child", " Kind ", "GIFT", "Barn", None, "cousin", "Beschenkte Person"])
    assert role_codes(values).tolist() == [1, 1, 3, 1, -1, -1, 3]


def test_unknown_roles_are_counted_and_left_out_of_the_shares():
    def blur(purchases):
        purchases["consumer_role"] = purchases["consumer_role"].replace({"other": "cousin"})
        purchases.loc[0, "consumer_role"] = None
        return purchases

    report = compare(hand_made(transactions=blur))
    assert (report.purchases, report.unknown_purchases) == (6, 2)
    assert report.revenue == pytest.approx(800.0)
    assert report.other_revenue_share == pytest.approx(600 / 800)


def test_numeric_ids_match_text_ids_and_orphans_stay_ungrouped():
    def numeric(people):
        return people.assign(customer_id=[1, 2, 3, 4])

    def text_and_orphan(purchases):
        purchases["customer_id"] = ["1", "1", "1", "2", "2", "3", "3", "99"]
        return purchases

    report = compare(hand_made(numeric, text_and_orphan), by="customer_type")
    assert report.purchases == 8
    assert report.ungrouped_purchases == 1  # customer 99 is not in the customer table
    assert report.groups.set_index("group").loc["b2b", "purchases"] == 2


def test_missing_consumer_role_gives_a_clear_result():
    report = compare(hand_made(transactions=lambda p: p.drop(columns="consumer_role")))
    assert report.status == "no_consumer_role" and not report.ok
    assert report.by_role is None and report.implications == ()
    # What needs no role is still there.
    assert report.internal_external.set_index("relationship").loc["internal", "revenue"] == 600
    assert report.buying_center.available


def test_empty_or_unrecognised_roles_and_no_purchases():
    report = compare(hand_made(transactions=lambda p: p.assign(consumer_role="Kunde")))
    assert (report.status, report.unknown_purchases) == ("empty_consumer_role", 8)
    assert compare(hand_made(transactions=lambda p: p.iloc[:0])).status == "no_purchases"
    empty = Dataset(customers=pd.DataFrame({"customer_id": ["C1"]}))
    report = compare(empty)
    assert report.status == "no_purchases" and report.internal_external is None


def test_bad_groupings_raise_translated_errors():
    with pytest.raises(DataError) as error:
        compare(hand_made(), by="hair_colour")
    assert error.value.key == "error.roles.unknown_grouping"
    assert "hair_colour" in error.value.message("de")
    unmatched = compare(hand_made(), by=pd.Series({"X9": "A"}, name="segment"))
    assert unmatched.groups.empty and unmatched.ungrouped_purchases == 8
    with pytest.raises(DataError):
        role_report(hand_made(), "hair_colour")


def test_activity_grouping_uses_the_activity_classes():
    report = role_report(hand_made(), "activity")
    assert report.grouping == "activity"
    # As of 5 Dec 2024 every buyer bought within a year: C3 on 3 days → regular; C1 on 3 days
    # → regular; C2 on one day → actual.
    groups = report.groups.set_index("group")
    assert groups.loc["regular", "revenue"] == pytest.approx(780.0)
    assert groups.loc["actual", "revenue"] == pytest.approx(220.0)
    assert np.isclose(groups["revenue"].sum(), 1000.0)


def test_every_key_the_page_and_charts_build_exists_in_every_language():
    from kundenmodell.i18n import LANGUAGES, has_key
    from kundenmodell.roles import BUYING_CENTER_ROLES, GROUPINGS
    from kundenmodell.roles.ages import BASES, SIDES
    from kundenmodell.roles.implications import AUDIENCE
    from kundenmodell.roles.internal import INTERNAL_COLUMNS
    from kundenmodell.roles.kpis import BUYING_CENTER_COLUMNS, REPEAT_COLUMNS, SEASON_COLUMNS
    from kundenmodell.roles.mix import GROUP_COLUMNS, ROLE_COLUMNS
    from kundenmodell.schema import CONSUMER_ROLES

    shown_group_columns = set(GROUP_COLUMNS) - {"other_purchases", "other_revenue"}  # not shown
    columns = {
        *ROLE_COLUMNS,
        *shown_group_columns,
        *REPEAT_COLUMNS,
        *SEASON_COLUMNS,
        *BUYING_CENTER_COLUMNS,
        *INTERNAL_COLUMNS,
        *("share", "audience", "message", "channel", "band", "basis", "code", "label", "example"),
    }
    keys = {f"roles.col.{name}" for name in columns}
    keys |= {f"roles.by.{name}" for name in GROUPINGS}
    keys |= {f"roles.bc.{name}" for name in BUYING_CENTER_ROLES}
    keys |= {f"roles.side.{name}" for name in SIDES} | {f"roles.basis.{name}" for name in BASES}
    keys |= {f"roles.capture.{name}" for name in ("checkout", "gift", "b2b")}
    keys |= {f"roles.status.{name}" for name in ("no_purchases", "no_consumer_role")}
    keys |= {f"roles.example_answer.{role}" for role in CONSUMER_ROLES}
    keys |= {f"roles_implication.audience.{name}" for name in set(AUDIENCE.values())}
    for part in ("headline", "headline_total", "message", "channel"):
        keys |= {f"roles_implication.{part}.{role}" for role in CONSUMER_ROLES}
    for lang in LANGUAGES:
        missing = sorted(key for key in keys if not has_key(key, lang))
        assert not missing, (lang, missing)
