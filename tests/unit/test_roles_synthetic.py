"""compare() finds the pattern planted in the synthetic data: families buy mostly for their
children, companies for their employees, gifts peak in December.

The generator draws each purchase's role from the customer type's mix and then turns a
December purchase into a gift with the type's ``december_gift`` probability, so the expected
share of a role r ≠ gift in a type is ``mix[r] · (1 − P(December) · december_gift)``, with
P(December) the type's observed share of December purchases. Tolerances are four binomial
standard errors.
"""

import math

import pytest

from kundenmodell import roles
from kundenmodell.i18n import t
from kundenmodell.synth import LOCALES, generate


@pytest.fixture(scope="module")
def data():
    return generate(4_000, locale="de_DE", seed=11)


@pytest.fixture(scope="module")
def by_type(data):
    return roles.compare(data, by=data.truth)


def _expected_share(data, persona: str, role: str) -> tuple[float, int]:
    """Planted share of ``role`` among the purchases of ``persona`` and their number."""
    params = data.truth_params["types"][persona]
    purchases = data.transactions[data.transactions["customer_id"].map(data.truth) == persona]
    december = float((purchases["date"].dt.month == 12).mean())
    return params["consumer_role"][role] * (1 - december * params["december_gift"]), len(purchases)


@pytest.mark.parametrize(
    ("persona", "role"), [("family", "child"), ("b2b_procurement", "employee")]
)
def test_the_planted_main_user_is_found(data, by_type, persona, role):
    groups = by_type.groups.set_index("group")
    assert by_type.grouping == "persona_type"
    assert groups.loc[persona, "main_other_role"] == role
    mix = by_type.role_mix.set_index(["group", "role"])
    found = mix.loc[(persona, role), "purchase_share"]
    expected, n = _expected_share(data, persona, role)
    assert found > 0.5
    assert found == pytest.approx(expected, abs=4 * math.sqrt(expected * (1 - expected) / n))


def test_business_customers_never_buy_for_themselves(data):
    groups = roles.compare(data, by="customer_type").groups.set_index("group")
    assert groups.loc["b2b", "other_purchase_share"] == 1.0
    assert groups.loc["b2b", "main_other_role"] == "employee"
    assert groups.loc["b2c", "other_purchase_share"] < 0.5


def test_categories_carry_the_implications_for_parents_and_purchasing(data):
    report = roles.compare(data, by="category")
    names = LOCALES["de_DE"].categories
    by_role = {item.role: item for item in report.implications}
    assert by_role["employee"].groups[:3] == tuple(
        names[key] for key in ("office_supplies", "it_hardware", "furniture")
    )
    assert set(by_role["child"].groups) == {names["toys"], names["kids_clothing"]}
    assert by_role["child"].audience == "both"
    toys = by_role["child"].group_shares[by_role["child"].groups.index(names["toys"])]
    assert toys > 0.5
    assert report.implications[-1].role == "self"
    assert by_role["child"].headline("de").endswith("wird für Kinder gekauft")
    assert t("roles_implication.message.child", "de") in by_role["child"].sentence("de")


def test_parents_are_adults_buying_for_children(data):
    report = roles.compare(data)
    band, share = report.typical_band("buyer", ["child"])
    assert band == "35–49" and share > 0.6  # family buyers are 38 ± 5 years old
    assert report.typical_band("user", ["child"]) == ("0–12", 1.0)
    children = report.by_role.set_index("role").loc["child", "median_buyer_age"]
    assert 33 <= children <= 43


def test_gifts_peak_in_december(data):
    season = roles.compare(data).gift_season.set_index("month")
    assert season["gift_share"].idxmax() == 12
    assert season.loc[12, "index"] > 2
    assert season.drop(index=12)["index"].max() < 1.2


def test_internal_customers_are_the_planted_share(data):
    table = roles.compare(data).internal_external.set_index("relationship")
    share = table.loc["internal", "customers"] / table["customers"].sum()
    assert share == pytest.approx(0.03, abs=4 * math.sqrt(0.03 * 0.97 / 4_000))
    assert table["nps_answers"].sum() > 0


def test_the_teaching_example_is_cached_and_localised():
    assert roles.example_report("nb") is roles.example_report("nb")
    example = roles.example_dataset("nb")
    assert (example.locale, example.currency) == ("nb_NO", "NOK")
    assert example.n_customers == roles.EXAMPLE_CUSTOMERS
    assert roles.example_report("nb").grouping == "category"
