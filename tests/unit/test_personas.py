"""Buyer personas: recovery of the planted types, choice of k, determinism, missing columns,
traits on a hand-made data set, and the statistics underneath (ARI, silhouette, EM)."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kundenmodell import DataError, Dataset
from kundenmodell.personas import (
    DEFAULT_FEATURES,
    FEATURES,
    adjusted_rand_index,
    build,
    sheet,
)
from kundenmodell.personas.features import customer_features
from kundenmodell.personas.latent import LatentClassModel, encode, quantile_bins
from kundenmodell.personas.quality import silhouette
from kundenmodell.synth import generate

PLANTED_TYPES = 5


# --- recovery of the planted types -----------------------------------------------------------


@pytest.fixture(scope="module", params=[1, 2, 3])
def planted(request):
    data = generate(20_000, seed=request.param)
    return data, build(data, seed=0)


def test_personas_recover_the_planted_types(planted):
    data, result = planted
    ari, table = result.compare_with_truth(data.truth)
    assert ari >= 0.8
    assert abs(result.k - PLANTED_TYPES) <= 1
    assert result.automatic
    # Every planted type has a persona that holds most of it.
    assert (table.max(axis=0) / table.sum(axis=0)).min() > 0.8


def test_only_buyers_are_clustered(planted):
    data, result = planted
    buyers = set(data.transactions["customer_id"])
    assert set(result.labels.index) == buyers
    assert result.n_customers == 20_000 > len(result.labels)
    assert sum(persona.size for persona in result.personas) == len(result.labels)
    assert math.isclose(sum(persona.revenue_share for persona in result.personas), 1.0)
    assert np.allclose(result.membership.sum(axis=1), 1.0)


def test_the_criterion_table_explains_the_choice(planted):
    _, result = planted
    criterion = result.criterion
    assert list(criterion["k"]) == list(range(3, 9))
    chosen = criterion[criterion["chosen"]]
    assert len(chosen) == 1 and int(chosen["k"].iloc[0]) == result.k
    assert chosen["icl"].iloc[0] == criterion["icl"].min()
    assert (criterion["icl"] >= criterion["bic"] - 1e-6).all()  # ICL adds a non-negative term


def test_quality_reads_clear_for_well_separated_types(planted):
    _, result = planted
    quality = result.quality
    assert quality.reading == "personas.quality.clear"
    assert quality.stability >= 0.85 and quality.certainty >= 0.9
    assert 0 < quality.silhouette < 1
    assert len(quality.persona_stability) == result.k


def test_the_business_persona_is_recognised(planted):
    data, result = planted
    b2b_ids = data.truth.index[data.truth == "b2b_procurement"]
    persona = result.persona_of(result.labels.index.intersection(b2b_ids)[0])
    traits = {(trait.feature, trait.level) for trait in persona.traits}
    assert ("customer_type", "b2b") in traits
    assert persona.top["consumer_role"][0][0] == "employee"
    assert persona.revenue_share > persona.share  # large baskets
    assert "persona_traits.goal.business" in {goal.key for goal in persona.goals}


# --- determinism, k and seeds ---------------------------------------------------------------


@pytest.fixture(scope="module")
def small():
    return generate(3_000, seed=7)


def test_same_seed_same_personas(small):
    first, second = build(small, seed=3), build(small, seed=3)
    pd.testing.assert_series_equal(first.labels, second.labels)
    assert [p.name for p in first.personas] == [p.name for p in second.personas]
    assert first.quality == second.quality
    pd.testing.assert_frame_equal(first.criterion, second.criterion)


def test_fixed_k_merges_and_splits(small):
    for k in (2, 7):
        result = build(small, k=k, seed=0)
        assert result.k == k == len(result.personas)
        assert not result.automatic
        assert sorted(result.labels.unique()) == list(range(k))
        sizes = [p.size for p in result.personas]
        assert sizes == sorted(sizes, reverse=True)  # largest persona first


def test_invalid_arguments_raise_data_errors(small):
    with pytest.raises(DataError) as error:
        build(small, k=1)
    assert error.value.key == "error.personas.invalid_k"
    with pytest.raises(DataError) as error:
        build(small, features=["age", "shoe_size"])
    assert error.value.key == "error.personas.unknown_feature"
    assert error.value.params["name"] == "shoe_size"
    empty = Dataset(customers=small.customers)
    with pytest.raises(DataError) as error:
        build(empty)
    assert error.value.key == "error.personas.no_purchases"
    tiny = Dataset(customers=small.customers.head(8), transactions=small.transactions)
    with pytest.raises(DataError) as error:
        build(tiny, k=4)
    assert error.value.key in ("error.personas.too_few_customers", "error.personas.no_customers")


def test_persona_of_and_members(small):
    result = build(small, seed=0)
    member = result.labels.index[0]
    persona = result.persona_of(member)
    assert persona.index == result.labels[member]
    members = result.members(persona.index)
    assert member in set(members["customer_id"])
    assert len(members) == persona.size
    assert members["certainty"].is_monotonic_decreasing
    never_bought = sorted(set(small.customers["customer_id"]) - set(result.labels.index))[0]
    with pytest.raises(DataError) as error:
        result.persona_of(never_bought)
    assert error.value.key == "error.personas.unknown_customer"


def test_all_customers_can_be_clustered_on_request(small):
    result = build(small, k=4, buyers_only=False)
    assert len(result.labels) == small.customers["customer_id"].nunique()


# --- missing columns -------------------------------------------------------------------------


def test_purchases_only_give_behavioural_personas(small):
    transactions = small.transactions[["customer_id", "date", "amount"]]
    data = Dataset(
        customers=pd.DataFrame({"customer_id": small.customers["customer_id"]}),
        transactions=transactions,
    )
    result = build(data, seed=0)
    assert set(result.features_used) == {"purchase_rate", "basket"}
    assert {"age", "gender", "income", "category", "channel", "consumer_role"} <= set(
        result.features_missing
    )
    assert all(FEATURES[t.feature].group == "behaviour" for p in result.personas for t in p.traits)
    assert all(p.nps is None for p in result.personas)


def test_purchases_without_amounts_say_revenue_is_unknown(small):
    data = Dataset(
        customers=small.customers[["customer_id", "age"]],
        transactions=small.transactions[["customer_id", "date"]].assign(
            date=small.transactions["date"].dt.strftime("%Y-%m-%d")  # text dates are parsed
        ),
    )
    result = build(data, k=3, seed=0)
    assert {"basket", "monetary"}.isdisjoint(result.features_used)
    for persona in result.personas:
        assert math.isnan(persona.revenue_share)
        assert persona.focus.key == "persona_traits.no_revenue.focus"
    card = sheet(result.personas[0], "de")
    assert "Umsatz" not in card.headline


def test_purchase_mixes_without_demographics_still_find_the_business_buyers():
    data = generate(6_000, seed=11)
    reduced = Dataset(
        customers=pd.DataFrame({"customer_id": data.customers["customer_id"]}),
        transactions=data.transactions,
    )
    result = build(reduced, k=5, seed=0)
    assert "age" in result.features_missing and "category" in result.features_used
    ari, _ = result.compare_with_truth(data.truth)
    assert ari > 0.5


def test_constant_and_empty_columns_are_reported(small):
    customers = small.customers.assign(country="DE", income=np.nan)
    result = build(Dataset(customers=customers, transactions=small.transactions), k=3)
    assert "income" in result.features_missing and "income" not in result.features_used


# --- traits on a hand-made data set ------------------------------------------------------------


def _hand_made(toy_category: str = "toys") -> Dataset:
    """40 young women who buy toys online for about 20 euros and 40 older men who buy tools in
    the shop for about 200 euros; three purchases each."""
    young = [f"Y{i:02d}" for i in range(40)]
    old = [f"O{i:02d}" for i in range(40)]
    customers = pd.DataFrame(
        {
            "customer_id": young + old,
            "age": [24 + i % 4 for i in range(40)] + [60 + i % 5 for i in range(40)],
            "gender": ["female"] * 40 + ["male"] * 40,
            "customer_type": ["b2c"] * 80,
        }
    )
    rows = []
    for number, customer in enumerate(young + old):
        is_young = customer.startswith("Y")
        for purchase in range(3):
            rows.append(
                {
                    "customer_id": customer,
                    "date": pd.Timestamp("2025-01-01") + pd.Timedelta(days=30 * purchase + number),
                    "amount": (18.0 + purchase * 2) if is_young else (190.0 + purchase * 10),
                    "category": toy_category if is_young else "tools",
                    "channel": "online" if is_young else "store",
                    "consumer_role": "child" if is_young else "self",
                }
            )
    return Dataset(customers=customers, transactions=pd.DataFrame(rows))


def test_hand_made_personas_split_exactly_and_name_their_traits():
    data = _hand_made()
    result = build(data, k=2, seed=0)
    truth = pd.Series(["young" if i.startswith("Y") else "old" for i in result.labels.index])
    assert adjusted_rand_index(result.labels, truth) == 1.0
    young = result.persona_of("Y00")
    traits = {(t.feature, t.level): t for t in young.traits}
    toys = traits[("category", "toys")]
    assert (toys.value, toys.base, toys.lift) == (1.0, 0.5, 2.0)
    assert toys.effect == pytest.approx(2 * math.asin(1) - 2 * math.asin(math.sqrt(0.5)))
    assert ("channel", "online") in traits and ("gender", "female") in traits
    age = traits[("age", None)]
    assert age.value == pytest.approx(25.5) and age.base == pytest.approx(43.5)
    assert age.effect < 0
    # Shared by everybody, so never a trait: all are private customers.
    assert not any(t.feature == "customer_type" for p in result.personas for t in p.traits)
    assert young.name.split()[0] in ("Anna", "Lena", "Nora", "Julia", "Maja")  # a woman's name
    goals = {g.key for g in young.goals}
    assert "persona_traits.goal.children" in goals
    old = result.persona_of("O00")
    assert "persona_traits.goal.quality" in {g.key for g in old.goals}
    assert old.facts["basket"] == pytest.approx(200.0)
    assert young.share == 0.5 and old.revenue_share > 0.85


# --- the statistics underneath -----------------------------------------------------------------


def test_adjusted_rand_index_published_values():
    # Values from the scikit-learn documentation of adjusted_rand_score.
    assert adjusted_rand_index([0, 0, 1, 1], [1, 1, 0, 0]) == 1.0
    assert adjusted_rand_index([0, 0, 1, 1], [0, 0, 1, 2]) == pytest.approx(0.5714285714)
    assert adjusted_rand_index([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]) == pytest.approx(
        0.2424242424
    )
    assert adjusted_rand_index([0, 0, 1, 2], [0, 0, 1, 1]) == pytest.approx(0.5714285714)


def _ari_by_pairs(first, second):
    """ARI from the pair definition: agreements among all pairs, by brute force."""
    pairs = list(itertools.combinations(range(len(first)), 2))
    same_a = np.array([first[i] == first[j] for i, j in pairs])
    same_b = np.array([second[i] == second[j] for i, j in pairs])
    index = np.sum(same_a & same_b)
    expected = same_a.sum() * same_b.sum() / len(pairs)
    maximum = (same_a.sum() + same_b.sum()) / 2
    return 1.0 if maximum == expected else (index - expected) / (maximum - expected)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4)), min_size=2, max_size=25))
def test_adjusted_rand_index_matches_pair_counting(pairs):
    first, second = zip(*pairs, strict=True)
    value = adjusted_rand_index(first, second)
    assert value == pytest.approx(_ari_by_pairs(first, second))
    assert value == pytest.approx(adjusted_rand_index(second, first))
    renamed = [{0: "d", 1: "c", 2: "b", 3: "a"}[x] for x in first]
    assert value == pytest.approx(adjusted_rand_index(renamed, second))


def test_silhouette_by_hand():
    points = np.array([0.0, 1.0, 10.0, 11.0])
    distances = np.abs(points[:, None] - points[None, :])
    labels = np.array([0, 0, 1, 1])
    # s = 1 − a/b: a = 1 for everyone; b = 10.5 for the outer points, 9.5 for the inner ones.
    expected = ((1 - 1 / 10.5) + (1 - 1 / 9.5)) / 2
    assert silhouette(distances, labels) == pytest.approx(expected)


def test_quantile_bins_hold_a_fifth_each_and_keep_unknown():
    values = np.append(np.arange(100, dtype=float), [np.nan] * 5)
    bins = quantile_bins(values)
    counts = pd.Series(bins).value_counts()
    assert list(bins.categories) == ["q1", "q2", "q3", "q4", "q5", "unknown"]
    assert counts["unknown"] == 5 and all(counts[f"q{i}"] == 20 for i in range(1, 6))
    ties = quantile_bins(np.array([0.0] * 90 + [1.0] * 10))
    assert list(ties.categories) == ["q1", "q2"]


def test_latent_class_model_recovers_known_mixture():
    # Two classes (30 % / 70 %) and four binary indicators (three make a 2-class model
    # identifiable); class-specific probabilities of the first level of each.
    rng = np.random.default_rng(5)
    n = 6_000
    truth = rng.random(n) < 0.3
    first_level = {
        "gender": ("female", "male", 0.9, 0.2),
        "contact_preference": ("phone", "email", 0.8, 0.1),
        "customer_type": ("b2b", "b2c", 0.7, 0.2),
        "relationship": ("internal", "external", 0.6, 0.1),
    }
    customers = pd.DataFrame({"customer_id": [f"C{i}" for i in range(n)]})
    for column, (yes, no, p_class, p_other) in first_level.items():
        chance = np.where(truth, p_class, p_other)
        customers[column] = np.where(rng.random(n) < chance, yes, no)
    transactions = pd.DataFrame(
        {"customer_id": customers["customer_id"], "date": pd.Timestamp("2025-01-01")}
    )
    table = customer_features(Dataset(customers=customers, transactions=transactions))
    design = encode(table, list(first_level))
    model = LatentClassModel(2, seed=0).fit(design)
    assert model.n_parameters_ == 1 + 2 * 4
    small = int(np.argmin(model.weights_))
    assert model.weights_[small] == pytest.approx(0.3, abs=0.03)
    theta = np.exp(model.log_theta_)
    for block, (column, (yes, _, p_class, p_other)) in enumerate(first_level.items()):
        assert design.names[block] == column
        column_index = int(np.flatnonzero(design.blocks == block)[design.levels[block].index(yes)])
        assert theta[small, column_index] == pytest.approx(p_class, abs=0.05)
        assert theta[1 - small, column_index] == pytest.approx(p_other, abs=0.05)
    posterior = model.predict_proba(design)
    assert adjusted_rand_index(posterior.argmax(axis=1) == small, truth) > 0.6
    assert model.bic(design) == pytest.approx(
        -2 * model.log_likelihood_ + model.n_parameters_ * math.log(n)
    )


def test_default_features_are_documented_and_clustered():
    assert set(DEFAULT_FEATURES) <= set(FEATURES)
    assert {"recency_days", "frequency", "monetary", "rhythm_days"}.isdisjoint(DEFAULT_FEATURES)
    assert {"age", "income", "category", "channel", "consumer_role", "nps_group"} <= set(
        DEFAULT_FEATURES
    )
