"""Personas on data the workbench did not make: the independent families of
``tests/data/personas`` (unbalanced groups down to 5 %, companies without demographics,
heavy-tailed purchase counts, customer-level columns repeated on purchase rows, redundant
pairs, noise columns, 10–30 % gaps). On each, for two seeds: the known groups come back
(ARI ≥ 0.9, buyers only), the number of personas chosen automatically is the true one, and
the personas do at least as well as standardised k-means that is told the true k."""

import pytest

from kundenmodell.personas import build
from tests.data.personas import FAMILIES
from tests.data.personas.baselines import kmeans_ari

CUSTOMERS = 2_000


@pytest.fixture(scope="module", params=[(f, s) for f in FAMILIES for s in (0, 1)], ids=str)
def family(request):
    name, seed = request.param
    module = FAMILIES[name]
    data = module.generate(CUSTOMERS, seed)
    return name, module, data, build(data, seed=0)


def test_the_known_groups_come_back(family):
    _, module, data, result = family
    ari, table = result.compare_with_truth(data.truth)
    assert ari >= 0.9
    assert result.automatic and result.k == len(module.GROUPS)
    # Even the smallest group (5–8 % of the customers) has a persona that holds most of it.
    assert (table.max(axis=0) / table.sum(axis=0)).min() >= 0.9


def test_never_below_k_means_told_the_true_k(family):
    _, module, data, result = family
    ari, _ = result.compare_with_truth(data.truth)
    baseline = kmeans_ari(result.features, result.features_used, data.truth, len(module.GROUPS))
    assert ari >= baseline


def test_repeated_and_duplicate_columns_are_found(family):
    name, _, _, result = family
    dropped = {(d.dropped, d.kept) for d in result.duplicates}
    expected = {
        "webshop": {("channel", "acquisition_channel")},  # the shop, under two names
        "wholesale": {("quantity", "basket")},  # a fixed item price
        "services": {("acquisition_channel", "contact_preference")},  # one sign-up form
    }
    assert dropped == expected[name]
    assert result.quality.dominant == ""
