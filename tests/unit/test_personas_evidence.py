"""How much evidence a feature gives: customer-level facts repeated on purchase rows count once,
genuine mixes by their effective purchase count, redundant pairs once; and the separation
share that tells when one feature decides the personas."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from kundenmodell import Dataset
from kundenmodell.personas import build
from kundenmodell.personas.evidence import (
    cramers_v,
    effective_counts,
    intra_customer_correlation,
    is_repeated,
    modal_level,
    spearman,
    weigh,
)
from kundenmodell.personas.features import FeatureTable, Mix
from kundenmodell.personas.latent import Design, encode
from kundenmodell.personas.quality import feature_separation

# --- a repeated column must not split a group ------------------------------------------------


def _three_groups_with_a_shop_column(seed: int) -> Dataset:
    """Three groups told apart by age and what they buy; every customer's purchases all carry
    the shop they are registered with (online or store, 50/50, unrelated to the group), and
    purchase counts run from 1 to a few hundred."""
    rng = np.random.default_rng(seed)
    n = 900
    group = np.repeat([0, 1, 2], n // 3)
    ids = np.array([f"K{i:04d}" for i in range(n)])
    customers = pd.DataFrame(
        {"customer_id": ids, "age": rng.normal([25, 45, 70], 3)[group].round()}
    )
    count = 1 + rng.geometric(rng.choice([0.5, 0.1, 0.01], n))
    owner = np.repeat(np.arange(n), count)
    favourite = np.array([["books", "toys"], ["garden", "tools"], ["wine", "travel"]])
    category = favourite[group[owner], rng.integers(0, 2, len(owner))]
    shop = rng.choice(["online", "store"], n)
    transactions = pd.DataFrame(
        {
            "customer_id": ids[owner],
            "date": pd.Timestamp("2025-12-31")
            - pd.to_timedelta(rng.integers(0, 700, len(owner)), "D"),
            "amount": rng.gamma(4, 10, len(owner)).round(2),
            "category": category,
            "channel": shop[owner],
        }
    )
    truth = pd.Series(group, index=ids)
    return Dataset(customers, transactions, source="synthetic", truth=truth)


def test_a_shop_column_on_every_purchase_row_counts_once_and_splits_nobody():
    data = _three_groups_with_a_shop_column(seed=4)
    result = build(data, features=["age", "category", "channel"], seed=0)
    ari, _ = result.compare_with_truth(data.truth)
    assert result.k == 3 and ari == pytest.approx(1.0, abs=0.02)
    assert result.used_once == ("channel",)
    # One observation per customer, however many purchases: the block is the shop, one-hot.
    design = encode(result.features, result.features_used)
    block = design.matrix[:, design.blocks == design.names.index("channel")]
    assert np.allclose(block.sum(axis=1), 1.0)
    # Every persona has both shops in about the base proportion: the shop did not split them.
    shops = pd.crosstab(result.labels.to_numpy(), modal_level(result.features.mixes["channel"]))
    shares = shops["online"] / shops.sum(axis=1)
    assert shares.between(0.4, 0.6).all()


# --- the rules one by one --------------------------------------------------------------------


def _mix(counts) -> Mix:
    counts = np.asarray(counts, dtype=float)
    return Mix(counts, tuple(f"l{i}" for i in range(counts.shape[1])))


def test_repeated_means_95_percent_on_one_level_for_90_percent_of_repeat_buyers():
    constant = [[30, 0], [0, 2], [5, 0]] * 10
    assert is_repeated(_mix(constant))
    # 27 of 30 repeat buyers (90 %) at ≥ 95 %: still a fact; 26 (87 %): a mix.
    nearly = [[19, 1]] * 27 + [[5, 5]] * 3 + [[1, 0]] * 50  # single purchases do not count
    assert is_repeated(_mix(nearly))
    assert not is_repeated(_mix([[19, 1]] * 26 + [[5, 5]] * 4))
    assert not is_repeated(_mix([[3, 0]] * 10))  # too few repeat buyers to tell


def test_intra_customer_correlation_and_effective_counts():
    assert intra_customer_correlation(_mix([[2, 0], [0, 2]])) == 1.0
    assert intra_customer_correlation(_mix([[1, 1], [1, 1]])) == 0.0  # clipped from −1
    # P_same = Σ c(c − 1) / Σ n(n − 1) = (30 + 2 + 2 + 30) / (56 + 56) = 64/112,
    # P_random = ½, ρ = (64/112 − ½) / ½ = 1/7.
    assert intra_customer_correlation(_mix([[6, 2], [2, 6]])) == pytest.approx(1 / 7)
    weighted = effective_counts(_mix([[10, 0], [1, 0], [0, 0]]), rho=0.5, cap=20)
    assert weighted[0, 0] == pytest.approx(10 / (1 + 9 * 0.5))  # 1.82 of 10 purchases
    assert weighted[1, 0] == 1.0 and weighted[2].sum() == 0.0
    assert effective_counts(_mix([[100, 0]]), rho=0.0, cap=20)[0, 0] == 20.0


def test_cramers_v_and_spearman_by_hand():
    a = np.array([0, 0, 1, 1, 2, 2] * 5)
    assert cramers_v(a, (a + 1) % 3) == pytest.approx(1.0)  # a relabelling
    assert cramers_v(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])) == pytest.approx(0.0)
    # 2×2 table [[40, 10], [10, 40]]: χ² = 36, V = √(36 / 100) = 0.6.
    x = np.repeat([0, 0, 1, 1], [40, 10, 10, 40])
    y = np.repeat([0, 1, 0, 1], [40, 10, 10, 40])
    assert cramers_v(x, y) == pytest.approx(0.6)
    values = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    assert spearman(values, np.exp(values)) == pytest.approx(1.0)
    assert spearman(values, -values) == pytest.approx(-1.0)


def _table(n: int, seed: int) -> FeatureTable:
    """Constructed features: ``acquisition_channel`` a relabelled copy of the repeated shop
    ``channel`` (2 % of customers differ), ``gender`` independent; ``quantity`` = basket / 12.5
    up to 1 % noise, ``age`` independent."""
    rng = np.random.default_rng(seed)
    shop = rng.integers(0, 3, n)
    acquired = np.where(rng.random(n) < 0.02, rng.integers(0, 3, n), shop)
    names = np.array(["web", "branch", "market"])
    counts = np.zeros((n, 3))
    counts[np.arange(n), shop] = rng.integers(1, 40, n)
    basket = rng.lognormal(4, 1, n)
    return FeatureTable(
        ids=pd.Index(np.arange(n)),
        numeric=pd.DataFrame(
            {
                "age": rng.normal(45, 12, n),
                "basket": basket,
                "quantity": basket / 12.5 * rng.normal(1, 0.01, n),
            }
        ),
        categorical=pd.DataFrame(
            {
                "gender": pd.Categorical(rng.choice(["female", "male"], n)),
                "acquisition_channel": pd.Categorical(names[acquired]),
            }
        ),
        mixes={"channel": Mix(counts, ("online", "store", "marketplace"))},
        revenue=np.zeros(n),
        as_of=None,
        available=("age", "gender", "basket", "quantity", "channel", "acquisition_channel"),
        missing=(),
    )


def test_redundant_pairs_are_used_once():
    table = _table(2_000, seed=1)
    features = ("age", "gender", "basket", "quantity", "channel", "acquisition_channel")
    evidence = weigh(table, features)
    assert evidence.repeated == ("channel",)
    dropped = {d.dropped: (d.kept, d.strength) for d in evidence.duplicates}
    assert set(dropped) == {"channel", "quantity"}
    assert dropped["channel"][0] == "acquisition_channel"  # the customer table's copy stays
    assert dropped["quantity"][0] == "basket"  # listed first in FEATURES
    assert 0.95 <= dropped["channel"][1] < 1.0 and dropped["quantity"][1] > 0.99
    assert evidence.used == ("age", "gender", "basket", "acquisition_channel")


def test_a_feature_that_carries_the_split_is_named():
    # Block 0 tells the two classes apart perfectly, block 1 is the same in both.
    rows = np.array([[1, 0, 1, 0], [1, 0, 0, 1], [0, 1, 1, 0], [0, 1, 0, 1]] * 25, dtype=float)
    design = Design(
        sp.csr_matrix(rows), np.array([0, 0, 1, 1]), ("age", "gender"), (("a", "b"), ("f", "m"))
    )
    posterior = np.repeat([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]], 1, axis=0)
    shares = feature_separation(design, np.tile(posterior, (25, 1)))
    assert shares[0] > 0.99 and shares[1] < 0.01 and shares.sum() == pytest.approx(1.0)
