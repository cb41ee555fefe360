"""The synthetic generator: determinism, locales, planted types, BG/NBD truth, season, errors."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1

from kundenmodell import i18n
from kundenmodell.errors import DataError
from kundenmodell.schema import CONSUMER_ROLES, CUSTOMERS, STATUSES, validate
from kundenmodell.segments import lifecycle_funnel
from kundenmodell.synth import CATEGORIES, CUSTOMER_TYPES, LOCALES, CustomerType, generate
from kundenmodell.synth import pools as pools_module
from kundenmodell.synth.locales import INDUSTRIES

END = pd.Timestamp("2026-06-30")
GENERATOR_ERROR_KEYS = (
    "error.unknown_locale",
    "error.invalid_size",
    "error.invalid_share",
    "error.invalid_period",
    "error.unknown_customer_type",
)


@pytest.fixture(scope="module")
def mixed() -> object:
    """All five types, German locale, big enough for per-type statistics."""
    return generate(30_000, "de_DE", seed=3)


@pytest.fixture(scope="module")
def by_locale() -> dict[str, object]:
    return {locale: generate(4_000, locale, seed=11) for locale in LOCALES}


def _type_of(data, customer_ids: pd.Series) -> np.ndarray:
    return data.truth.reindex(customer_ids).to_numpy()


def _normalised(weights) -> dict[str, float]:
    total = sum(weight for _, weight in weights)
    return {key: weight / total for key, weight in weights}


# --- determinism -----------------------------------------------------------------------------


def test_same_arguments_give_identical_tables():
    first = generate(3_000, "nb_NO", seed=7, b2b_share=0.3)
    again = generate(3_000, "nb_NO", seed=7, b2b_share=0.3)
    pd.testing.assert_frame_equal(first.customers, again.customers)
    pd.testing.assert_frame_equal(first.transactions, again.transactions)
    pd.testing.assert_frame_equal(first.interactions, again.interactions)
    pd.testing.assert_series_equal(first.truth, again.truth)
    assert first.truth_params == again.truth_params


def test_another_seed_or_locale_gives_other_people():
    base = generate(3_000, "de_DE", seed=7)
    other = generate(3_000, "de_DE", seed=8)
    assert (base.customers["first_name"] != other.customers["first_name"]).mean() > 0.9
    assert (base.customers["age"] != other.customers["age"]).mean() > 0.5
    assert len(base.transactions) != len(other.transactions)
    english = generate(3_000, "en_US", seed=7)
    assert (base.customers["age"] != english.customers["age"]).mean() > 0.5


def test_defaults_do_not_depend_on_today():
    data = generate(500, seed=1)
    assert data.truth_params["period"] == {"start": "2023-06-30", "end": "2026-06-30"}
    assert data.transactions["date"].max() <= END
    assert data.transactions["date"].min() >= pd.Timestamp("2023-06-30")
    assert data.name == "synthetic de_DE n=500"
    assert data.source == "synthetic"


# --- shape of the tables ---------------------------------------------------------------------


def test_all_canonical_columns_in_order_with_documented_dtypes(mixed):
    customers, transactions = mixed.customers, mixed.transactions
    assert tuple(customers.columns) == CUSTOMERS.names
    assert tuple(transactions.columns) == (
        "customer_id",
        "date",
        "amount",
        "quantity",
        "category",
        "channel",
        "consumer_role",
    )
    assert tuple(mixed.interactions.columns) == ("customer_id", "date", "kind", "outcome")
    for name in ("customer_id", "first_name", "email", "phone", "city", "postcode", "company"):
        assert customers[name].dtype == "str", name
    for name in ("status", "gender", "customer_type", "relationship", "contact_preference"):
        assert isinstance(customers[name].dtype, pd.CategoricalDtype), name
    assert list(customers["status"].cat.categories) == list(STATUSES)
    assert customers["status"].cat.ordered
    assert customers["nps_score"].dtype == "Int64"
    assert customers["age"].dtype == np.int64
    assert customers["birth_date"].dtype == "datetime64[s]"
    assert transactions["date"].dtype == "datetime64[s]"
    assert transactions["quantity"].dtype == np.int64
    assert transactions["customer_id"].dtype == "str"
    assert customers["customer_id"].is_unique
    assert customers["customer_id"].iloc[0] == "C0000001"
    assert customers["customer_id"].str.fullmatch(r"C\d{7}").all()


def test_generated_data_passes_validation_without_errors_or_warnings(mixed, by_locale):
    for data in (mixed, *by_locale.values()):
        report = validate(data)
        assert report.errors == () and report.warnings == (), report.issues


def test_transactions_sorted_by_customer_then_date_with_clean_amounts(mixed):
    tx = mixed.transactions
    order = tx.sort_values(["customer_id", "date"], kind="stable")
    assert (order.index == tx.index).all()
    assert (tx["amount"] > 0).all()
    assert np.allclose(tx["amount"], tx["amount"].round(2))
    assert (tx["quantity"] >= 1).all()


# --- locales ---------------------------------------------------------------------------------

LOCALE_FORMATS = {
    "de_DE": ("EUR", "DE", r"\+49 15\d \d{8}", r"\d{5}", "Spielwaren"),
    "en_US": ("USD", "US", r"\(\d{3}\) [2-9]\d{2}-\d{4}", r"\d{5}", "Toys"),
    "nb_NO": ("NOK", "NO", r"\+47 [49]\d{2} \d{2} \d{3}", r"\d{4}", "Leker"),
}


@pytest.mark.parametrize("locale", sorted(LOCALE_FORMATS))
def test_locale_formats(by_locale, locale):
    currency, country, phone, postcode, toys = LOCALE_FORMATS[locale]
    data = by_locale[locale]
    customers = data.customers
    assert data.currency == currency and data.locale == locale
    assert (customers["country"] == country).all()
    assert (customers["nationality"] == country).mean() > 0.85
    assert customers["nationality"].nunique() > 3
    assert customers["phone"].str.fullmatch(phone).all()
    assert customers["postcode"].str.fullmatch(postcode).all()
    assert customers["email"].str.fullmatch(r"[a-z0-9][a-z0-9._-]*@[a-z0-9-]+(\.[a-z0-9-]+)+").all()
    assert customers["email"].nunique() > 0.97 * len(customers)
    assert set(data.transactions["category"].cat.categories) == set(
        LOCALES[locale].categories.values()
    )
    assert LOCALES[locale].categories["toys"] == toys
    assert toys in set(data.transactions["category"])
    b2b = customers["customer_type"] == "b2b"
    assert set(customers.loc[b2b, "industry"]) <= set(LOCALES[locale].industries.values())


@pytest.mark.parametrize("locale", sorted(LOCALE_FORMATS))
def test_names_come_from_the_locales_faker_data(by_locale, locale):
    faker_locale = LOCALES[locale].faker_locale
    provider = importlib.import_module(f"faker.providers.person.{faker_locale}").Provider
    customers = by_locale[locale].customers
    female = set(provider.first_names_female)
    male = set(provider.first_names_male)
    assert set(customers.loc[customers["gender"] == "female", "first_name"]) <= female
    assert set(customers.loc[customers["gender"] == "male", "first_name"]) <= male
    assert set(customers["last_name"]) <= set(provider.last_names)
    assert customers["first_name"].nunique() > 50


def test_emails_are_transliterated():
    assert pools_module.ascii_name("Jürgen-Ødegård Weiß") == "juergen-odegard-weiss"
    assert pools_module.ascii_name("Ærø Åse") == "aero-ase"
    assert pools_module.company_domain("Pölitz Heß GmbH & Co. KG", "de") == "poelitz-hess.de"
    data = generate(3_000, "nb_NO", seed=2)
    first = data.customers["first_name"].str.lower()
    with_o = first.str.contains("ø") & (data.customers["customer_type"] == "b2c")
    assert with_o.any()
    assert not data.customers["email"].str.contains("[øæåäöüß]").any()


def test_money_is_in_the_locales_magnitude(by_locale):
    def median_income(locale):
        return by_locale[locale].customers["income"].median()

    assert 9 < median_income("nb_NO") / median_income("de_DE") < 13
    assert 0.9 < median_income("en_US") / median_income("de_DE") < 1.4
    nok = by_locale["nb_NO"].transactions["amount"].median()
    eur = by_locale["de_DE"].transactions["amount"].median()
    assert 7 < nok / eur < 16


def test_locale_data_is_complete():
    for facts in LOCALES.values():
        assert tuple(facts.categories) == CATEGORIES
        assert tuple(facts.industries) == INDUSTRIES
        assert all(city.postcodes for city in facts.big_cities)
    assert LOCALES["nb_NO"].faker_locale == "no_NO"


# --- planted types ---------------------------------------------------------------------------


def test_each_type_has_its_declared_age_income_and_spend(mixed):
    customers = mixed.customers
    types = _type_of(mixed, customers["customer_id"])
    tx = mixed.transactions
    tx_types = _type_of(mixed, tx["customer_id"])
    for key, kind in CUSTOMER_TYPES.items():
        rows = customers[types == key]
        assert len(rows) > 1_000, key
        assert abs(rows["age"].mean() - kind.age.mean) < 1.0, key
        if kind.income is None:
            assert rows["income"].isna().all()
        else:
            expected = kind.income.median * np.exp(kind.income.sigma**2 / 2)
            assert rows["income"].mean() == pytest.approx(expected, rel=0.05), key
        spend = kind.spend
        expected_spend = spend.p * spend.v / (spend.q - 1)
        assert tx.loc[tx_types == key, "amount"].mean() == pytest.approx(expected_spend, rel=0.1), (
            key
        )
        assert tx.loc[tx_types == key, "quantity"].mean() == pytest.approx(
            kind.quantity_mean, rel=0.08
        ), key
        params = mixed.truth_params["types"][key]
        assert params["mean_spend"] == pytest.approx(expected_spend)
        assert params["bgnbd"] == dataclasses.asdict(kind.purchases)


def test_types_are_clearly_different(mixed):
    customers = mixed.customers
    types = _type_of(mixed, customers["customer_id"])
    by_type = customers.assign(type=types).groupby("type")
    age = by_type["age"].mean()
    assert age["affluent_regular"] > 48 and age["urban_online"] < 32
    assert 35 < age["family"] < 41
    promoters = by_type["nps_score"].apply(lambda s: (s.dropna() >= 9).mean())
    detractors = by_type["nps_score"].apply(lambda s: (s.dropna() <= 6).mean())
    assert promoters["affluent_regular"] > 0.55
    assert detractors["bargain_hunter"] > 0.55
    tx = mixed.transactions
    per_buyer = tx.groupby(_type_of(mixed, tx["customer_id"])).size() / (
        customers[customers["status"] == "customer"]
        .groupby(types[customers["status"] == "customer"])
        .size()
    )
    assert per_buyer["affluent_regular"] > 2 * per_buyer["bargain_hunter"]
    urban = customers.assign(type=types)["city"].isin(
        [city.name for city in LOCALES["de_DE"].big_cities]
    )
    urban_share = urban.groupby(types).mean()
    assert urban_share["urban_online"] == pytest.approx(0.85, abs=0.03)
    assert urban_share["family"] == pytest.approx(0.35, abs=0.03)


def test_consumer_roles_and_categories_follow_the_type(mixed):
    tx = mixed.transactions
    types = _type_of(mixed, tx["customer_id"])
    outside_december = tx["date"].dt.month != 12
    for key, kind in CUSTOMER_TYPES.items():
        rows = tx[(types == key) & outside_december]
        shares = rows["consumer_role"].value_counts(normalize=True)
        for role, expected in _normalised(kind.consumer_role).items():
            assert shares[role] == pytest.approx(expected, abs=0.03), (key, role)
        for role in set(CONSUMER_ROLES) - set(dict(kind.consumer_role)):
            assert shares.get(role, 0) == 0, (key, role)
    toys = LOCALES["de_DE"].categories["toys"]
    family = tx[types == "family"]
    assert (family["category"] == toys).mean() == pytest.approx(0.45, abs=0.03)
    assert (family["consumer_role"] == "child").mean() > 0.5


def test_business_customers(mixed):
    customers = mixed.customers
    b2b = customers["customer_type"] == "b2b"
    assert b2b.mean() == pytest.approx(0.15, abs=0.01)
    assert customers.loc[b2b, ["company", "industry"]].notna().all().all()
    assert customers.loc[~b2b, ["company", "industry"]].isna().all().all()
    assert (_type_of(mixed, customers.loc[b2b, "customer_id"]) == "b2b_procurement").all()
    tx = mixed.transactions
    business_tx = tx[tx["customer_id"].isin(customers.loc[b2b, "customer_id"])]
    assert (business_tx["consumer_role"] == "employee").mean() > 0.7
    assert (
        business_tx["quantity"].mean()
        > 3 * tx.loc[~tx.index.isin(business_tx.index), "quantity"].mean()
    )


def test_shares_follow_the_arguments():
    data = generate(8_000, "en_US", seed=4, b2b_share=0.4, internal_share=0.2)
    customers = data.customers
    assert (customers["customer_type"] == "b2b").mean() == pytest.approx(0.4, abs=0.02)
    assert (customers["relationship"] == "internal").mean() == pytest.approx(0.2, abs=0.02)
    none = generate(2_000, "en_US", seed=4, b2b_share=0.0, internal_share=0.0)
    assert (none.customers["customer_type"] == "b2c").all()
    assert (none.customers["relationship"] == "external").all()
    weights = data.truth_params["types"]
    assert sum(entry["weight"] for entry in weights.values()) == pytest.approx(1.0)
    assert weights["b2b_procurement"]["weight"] == pytest.approx(0.4)


def test_a_selection_of_types_and_custom_types():
    data = generate(2_000, seed=5, types=["family"])
    assert set(data.truth) == {"family"}
    assert (data.customers["customer_type"] == "b2c").all()
    assert set(data.truth_params["types"]) == {"family"}
    big = dataclasses.replace(CUSTOMER_TYPES["family"], key="big_family", quantity_mean=4.0)
    custom = generate(2_000, seed=5, types=[big, "b2b_procurement"], b2b_share=0.5)
    assert set(custom.truth) == {"big_family", "b2b_procurement"}
    assert isinstance(big, CustomerType)
    assert (custom.truth == "big_family").mean() == pytest.approx(0.5, abs=0.04)


# --- lifecycle -------------------------------------------------------------------------------


def test_status_funnel(mixed):
    shares = mixed.customers["status"].value_counts(normalize=True)
    expected = {status: 0.0 for status in STATUSES}
    for key, entry in mixed.truth_params["types"].items():
        for status, share in entry["status"].items():
            expected[status] += entry["weight"] * share
        assert _normalised(CUSTOMER_TYPES[key].status) == pytest.approx(entry["status"])
    for status in STATUSES:
        assert shares[status] == pytest.approx(expected[status], abs=0.015), status
    assert shares["customer"] > shares["prospect"] > shares["contact"] > shares["lead"]
    assert 0.5 < shares["customer"] < 0.6


def test_only_customers_buy_and_their_first_purchase_is_their_acquisition(mixed):
    customers = mixed.customers.set_index("customer_id")
    tx = mixed.transactions
    buyers = tx["customer_id"].unique()
    assert (customers.loc[buyers, "status"] == "customer").all()
    is_customer = customers["status"] == "customer"
    assert set(customers.index[is_customer]) == set(buyers)
    first = tx.groupby("customer_id")["date"].min()
    assert (first == customers.loc[first.index, "acquired_at"]).all()
    assert customers["acquired_at"].between(pd.Timestamp("2023-06-30"), END).all()


def test_birth_date_agrees_with_age_at_the_end(mixed):
    customers = mixed.customers
    birth = customers["birth_date"]
    before_birthday = (birth.dt.month > END.month) | (
        (birth.dt.month == END.month) & (birth.dt.day > END.day)
    )
    age = END.year - birth.dt.year - before_birthday.astype(int)
    assert (age == customers["age"]).all()
    assert customers["age"].between(18, 90).all()
    assert customers["gender"].value_counts(normalize=True)["diverse"] == pytest.approx(
        0.018, abs=0.008
    )


def test_nps_answers_and_interactions(mixed):
    customers = mixed.customers
    nps = customers["nps_score"]
    assert nps.isna().mean() == pytest.approx(0.4, abs=0.04)
    assert nps.dropna().between(0, 10).all()
    interactions = mixed.interactions
    assert set(interactions["customer_id"]) == set(customers["customer_id"])
    merged = interactions.merge(
        customers[["customer_id", "status", "acquired_at"]], on="customer_id"
    )
    assert (merged["date"] >= pd.Timestamp("2023-06-30")).all()
    assert (merged["date"] <= END).all()
    # a customer's first contact comes before the first purchase (weeks before, for most)
    first_touch = interactions.groupby("customer_id")["date"].min()
    buyers = customers.loc[customers["status"] == "customer", ["customer_id", "acquired_at"]]
    lag = (buyers["acquired_at"] - first_touch.reindex(buyers["customer_id"]).to_numpy()).dt.days
    assert (lag >= 0).all()
    assert 0.75 < (lag > 0).mean() < 0.95
    assert 10 <= lag.median() <= 35
    funnel = lifecycle_funnel(customers, interactions)
    assert funnel.loc[funnel["stage"] == "customer", "median_days_to_customer"].iloc[0] > 0
    assert (merged.loc[merged["outcome"] == "order_placed", "status"] == "customer").all()
    replied = interactions[
        (interactions["kind"] == "email") & (interactions["outcome"] == "replied")
    ]
    counted = replied.groupby("customer_id").size()
    responses = customers.set_index("customer_id")["email_responses"]
    assert (responses.reindex(counted.index) == counted).all()
    assert responses.sum() == len(replied)


# --- the purchase process --------------------------------------------------------------------


def _bgnbd_summary(data):
    """Repeat purchases x, recency t_x and age T (weeks) of every buying customer."""
    customers = data.customers
    buyers = customers[customers["status"] == "customer"].set_index("customer_id")
    tx = data.transactions.groupby("customer_id")["date"].agg(["size", "max"])
    tx = tx.reindex(buyers.index)
    x = tx["size"].to_numpy() - 1
    t_x = (tx["max"] - buyers["acquired_at"]).dt.days.to_numpy() / 7
    big_t = (END - buyers["acquired_at"]).dt.days.to_numpy() / 7
    return x, t_x, big_t


def _expected_repeats(params, t):
    """E[X(t)] of the BG/NBD model, Fader, Hardie & Lee (2005), eq. 9."""
    r, alpha, a, b = params["r"], params["alpha"], params["a"], params["b"]
    hyp = hyp2f1(r, b, a + b - 1, t / (alpha + t))
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp)


@pytest.fixture(scope="module")
def pure():
    return generate(30_000, "de_DE", seed=21, types=["affluent_regular"], seasonality=0.0)


def test_repeat_purchases_match_the_bgnbd_expectation(pure):
    x, _, big_t = _bgnbd_summary(pure)
    params = pure.truth_params["types"]["affluent_regular"]["bgnbd"]
    assert pure.truth_params["time_unit"] == "W"
    expected = _expected_repeats(params, big_t).mean()
    assert x.mean() == pytest.approx(expected, rel=0.04)
    # The formula is sensitive to the dropout: the same data is far from a churn-free model.
    assert x.mean() < 0.8 * _expected_repeats({**params, "b": 2 * params["b"]}, big_t).mean()


def test_bgnbd_parameters_can_be_recovered(pure):
    x, t_x, big_t = _bgnbd_summary(pure)

    def negative_log_likelihood(log_params):
        r, alpha, a, b = np.exp(log_params)
        common = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
        alive = betaln(a, b + x) - betaln(a, b) - (r + x) * np.log(alpha + big_t)
        dropped = np.where(
            x > 0,
            betaln(a + 1, b + np.maximum(x, 1) - 1) - betaln(a, b) - (r + x) * np.log(alpha + t_x),
            -np.inf,
        )
        return -np.sum(common + np.logaddexp(alive, dropped))

    fit = minimize(negative_log_likelihood, np.zeros(4), method="L-BFGS-B")
    r, alpha, a, b = np.exp(fit.x)
    truth = pure.truth_params["types"]["affluent_regular"]["bgnbd"]
    assert r == pytest.approx(truth["r"], rel=0.1)
    assert alpha == pytest.approx(truth["alpha"], rel=0.1)
    assert a / (a + b) == pytest.approx(truth["a"] / (truth["a"] + truth["b"]), rel=0.2)


def test_spend_follows_gamma_gamma(pure):
    tx = pure.transactions
    spend = pure.truth_params["types"]["affluent_regular"]["spend"]
    assert tx["amount"].mean() == pytest.approx(
        spend["p"] * spend["v"] / (spend["q"] - 1), rel=0.05
    )
    # Gamma-Gamma: the coefficient of variation within a customer is 1/sqrt(p).
    per_customer = tx.groupby("customer_id")["amount"].agg(["mean", "std", "size"])
    many = per_customer[per_customer["size"] >= 10]
    cv = (many["std"] / many["mean"]).median()
    assert cv == pytest.approx(1 / np.sqrt(spend["p"]), rel=0.15)


def test_december_is_the_strongest_month():
    def december_share(seasonality):
        data = generate(20_000, "de_DE", seed=9, seasonality=seasonality)
        tx = data.transactions
        revenue = tx.groupby(tx["date"].dt.month)["amount"].sum()
        return revenue[12] / revenue.sum(), data

    flat, _ = december_share(0.0)
    seasonal, data = december_share(0.35)
    assert seasonal > 1.1 / 12
    assert seasonal > 1.12 * flat
    assert data.truth_params["seasonality"] == 0.35
    tx = data.transactions
    b2c = _type_of(data, tx["customer_id"]) != "b2b_procurement"
    december = tx["date"].dt.month == 12
    gift = tx["consumer_role"] == "gift"
    assert gift[b2c & december].mean() > gift[b2c & ~december].mean() + 0.15


# --- arguments -------------------------------------------------------------------------------


@pytest.fixture
def error_texts(monkeypatch):
    """Placeholder texts for generator error keys the catalogues may not have yet.

    The raised key is what these tests check; the catalogue test checks the texts.
    """
    real = i18n.catalogue

    def catalogue(lang):
        texts = dict(real(lang))
        for key in GENERATOR_ERROR_KEYS:
            texts.setdefault(key, key)
        return texts

    monkeypatch.setattr(i18n, "catalogue", catalogue)


@pytest.mark.parametrize(
    ("arguments", "key", "params"),
    [
        ({"locale": "fr_FR"}, "error.unknown_locale", {"locale": "fr_FR"}),
        ({"n_customers": 0}, "error.invalid_size", {"minimum": 1, "maximum": 5_000_000}),
        ({"n_customers": 5_000_001}, "generate_error.too_many_in_memory", {"maximum": 5_000_000}),
        ({"n_customers": 10.5}, "error.invalid_size", {"minimum": 1, "maximum": 5_000_000}),
        ({"b2b_share": 1.5}, "error.invalid_share", {"name": "b2b_share"}),
        ({"internal_share": -0.1}, "error.invalid_share", {"name": "internal_share"}),
        ({"seasonality": float("nan")}, "error.invalid_share", {"name": "seasonality"}),
        (
            {"start": dt.date(2025, 1, 1), "end": dt.date(2024, 1, 1)},
            "error.invalid_period",
            {},
        ),
        ({"start": dt.date(2026, 6, 30)}, "error.invalid_period", {}),
        (
            {"types": ["urban_online", "pensioner"]},
            "error.unknown_customer_type",
            {
                "name": "pensioner",
                "available": "urban_online, family, affluent_regular, bargain_hunter, "
                "b2b_procurement",
            },
        ),
    ],
)
def test_invalid_arguments_raise_data_errors(error_texts, arguments, key, params):
    call = {"n_customers": 100, "locale": "de_DE", **arguments}
    with pytest.raises(DataError) as caught:
        generate(call.pop("n_customers"), call.pop("locale"), **call)
    assert caught.value.key == key
    assert caught.value.params == params


def test_progress_rises_to_one():
    seen = []
    generate(200, seed=1, progress=seen.append)
    assert len(seen) >= 4
    assert seen == sorted(seen) and len(set(seen)) == len(seen)
    assert seen[0] >= 0 and seen[-1] == 1.0


def test_edge_sizes_and_periods():
    one = generate(1, "en_US", seed=0)
    assert len(one.customers) == 1
    short = generate(300, "nb_NO", seed=0, start=dt.date(2024, 12, 30), end=dt.date(2024, 12, 31))
    assert short.transactions["date"].between("2024-12-30", "2024-12-31").all()
    assert validate(short).ok


# --- no per-row Faker ------------------------------------------------------------------------


def test_faker_calls_do_not_grow_with_the_number_of_customers(monkeypatch):
    real_faker = pools_module.Faker
    calls = {"n": 0}

    class CountingFaker:
        """Wraps Faker and counts every method call made through it."""

        def __init__(self, *args, **kwargs):
            self._fake = real_faker(*args, **kwargs)

        def __getattr__(self, name):
            attribute = getattr(self._fake, name)
            if not callable(attribute):
                return attribute

            def counted(*args, **kwargs):
                calls["n"] += 1
                return attribute(*args, **kwargs)

            return counted

    monkeypatch.setattr(pools_module, "Faker", CountingFaker)
    counts = {}
    for n, seed in ((100, 901), (20_000, 902)):
        pools_module.pools.cache_clear()
        calls["n"] = 0
        generate(n, "de_DE", seed=seed)
        counts[n] = calls["n"]
    pools_module.pools.cache_clear()
    assert counts[100] > 0
    assert counts[20_000] == counts[100]
    assert counts[20_000] < 20_000


def test_python_work_does_not_grow_with_the_number_of_customers():
    """No per-row Python: tracing every Python call (any module, any thread: pandas' apply
    would call a Python function per row) and every executed line of the generator's own
    modules (a loop over customers), 20,000 customers cost what 500 do (measured: 217,166
    calls and 65,155 lines for 500, 24 and 34 more for 20,000)."""
    import sys
    import threading
    from pathlib import Path

    synth_dir = str(Path(pools_module.__file__).parent)

    def python_work(n: int) -> tuple[int, int]:
        pools_module.pools.cache_clear()  # the name pools are drawn once per locale and seed
        seen = {"calls": 0, "lines": 0}

        def lines(frame, event, arg):
            seen["lines"] += event == "line"
            return lines

        def calls(frame, event, arg):
            seen["calls"] += 1
            return lines if frame.f_code.co_filename.startswith(synth_dir) else None

        threading.settrace(calls)
        sys.settrace(calls)
        try:
            generate(n, "de_DE", seed=1)
        finally:
            sys.settrace(None)
            threading.settrace(None)
        return seen["calls"], seen["lines"]

    generate(200, "de_DE", seed=1)  # imports and caches outside the count
    small, large = python_work(500), python_work(20_000)
    pools_module.pools.cache_clear()
    assert small[1] > 1_000  # the tracer did see the generator's lines
    assert large[0] - small[0] < 1_000, (small, large)  # a row loop would add 19,500
    assert large[1] - small[1] < 1_000, (small, large)
