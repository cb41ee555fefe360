"""CLV discounting, Kaplan–Meier retention, the hold-out check and the thin-data check."""

import numpy as np
import pandas as pd
import pytest

from kundenmodell import DataError, synth
from kundenmodell.clv import (
    BetaGeoModel,
    GammaGammaModel,
    calibration_and_holdout,
    check_adequacy,
    check_holdout,
    churn_summary,
    customer_lifetime_value,
    customer_lifetimes,
    holdout_comparison,
    kaplan_meier,
    retention_curves,
    summary_from_transactions,
    tracking,
)
from kundenmodell.clv.value import monthly_discount_rate

BG = {"r": 0.5, "alpha": 2.0, "a": 0.8, "b": 3.0}
GG = {"p": 4.0, "q": 3.0, "v": 20.0}


def _fitted(model, params):
    model.params_ = dict(params)
    return model


@pytest.fixture
def summary() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "frequency": [0, 2, 6],
            "recency": [0.0, 3.0, 20.0],
            "T": [10.0, 30.0, 25.0],
            "monetary_value": [0.0, 30.0, 12.0],
        },
        index=pd.Index(["a", "b", "c"], name="customer_id"),
    )
    frame.attrs["time_unit"] = "W"
    return frame


# ---- CLV ----------------------------------------------------------------------------------


def test_clv_is_discounted_monthly_purchases_times_spend(summary):
    bg, gg = _fitted(BetaGeoModel(), BG), _fitted(GammaGammaModel(), GG)
    clv = customer_lifetime_value(bg, gg, summary, months=3, annual_discount_rate=0.12)
    d = 1.12 ** (1 / 12) - 1
    month = 30.4375 / 7  # weeks
    x, t_x, age = (summary[name].to_numpy() for name in ("frequency", "recency", "T"))
    cumulative = [bg.conditional_expected_purchases(k * month, x, t_x, age) for k in range(4)]
    discounted = sum((cumulative[k] - cumulative[k - 1]) / (1 + d) ** k for k in (1, 2, 3))
    p, q, v = GG.values()
    spend = p * (v + x * np.where(x > 0, summary["monetary_value"], 0)) / (p * x + q - 1)
    np.testing.assert_allclose(clv.to_numpy(), spend * discounted, rtol=1e-12)
    assert clv.name == "clv" and list(clv.index) == ["a", "b", "c"]
    # The newcomer a gets the population mean spend p·v/(q−1) = 40.
    assert spend[0] == pytest.approx(40.0)


def test_without_discount_clv_is_spend_times_expected_purchases(summary):
    bg, gg = _fitted(BetaGeoModel(), BG), _fitted(GammaGammaModel(), GG)
    clv = customer_lifetime_value(bg, gg, summary, months=12, annual_discount_rate=0.0)
    x, t_x, age = (summary[name].to_numpy() for name in ("frequency", "recency", "T"))
    purchases = bg.conditional_expected_purchases(12 * 30.4375 / 7, x, t_x, age)
    spend = gg.conditional_expected_average_profit(x, summary["monetary_value"])
    np.testing.assert_allclose(clv.to_numpy(), purchases * spend, rtol=1e-12)
    discounted = customer_lifetime_value(bg, gg, summary, months=12, annual_discount_rate=0.1)
    assert (discounted < clv).all() and (discounted > clv / 1.1).all()
    # Measured in days, the same model (α in days) gives the same value.
    in_days = summary.assign(recency=summary["recency"] * 7, T=summary["T"] * 7)
    bg_days = _fitted(BetaGeoModel(), {**BG, "alpha": BG["alpha"] * 7})
    same = customer_lifetime_value(
        bg_days, gg, in_days, months=12, annual_discount_rate=0.0, time_unit="D"
    )
    np.testing.assert_allclose(same.to_numpy(), clv.to_numpy(), rtol=1e-9)


def test_monthly_rate_compounds_to_the_annual_one():
    assert (1 + monthly_discount_rate(0.1)) ** 12 == pytest.approx(1.1)
    assert monthly_discount_rate(0.0) == 0.0


def test_clv_rejects_bad_horizon_and_rate(summary):
    bg, gg = _fitted(BetaGeoModel(), BG), _fitted(GammaGammaModel(), GG)
    for kwargs, key in [
        ({"months": 0}, "error.clv.invalid_horizon"),
        ({"months": 6.5}, "error.clv.invalid_horizon"),
        ({"annual_discount_rate": -0.1}, "error.clv.invalid_discount_rate"),
    ]:
        with pytest.raises(DataError) as error:
            customer_lifetime_value(bg, gg, summary, **kwargs)
        assert error.value.key == key


# ---- Kaplan–Meier and retention -----------------------------------------------------------


def test_kaplan_meier_by_hand():
    table = kaplan_meier([1, 2, 2, 3, 4, 4, 5], [1, 1, 0, 1, 0, 1, 0])
    assert table["time"].tolist() == [1, 2, 3, 4, 5]
    assert table["at_risk"].tolist() == [7, 6, 4, 3, 1]
    assert table["events"].tolist() == [1, 1, 1, 1, 0]
    expected = [6 / 7, 5 / 7, 15 / 28, 5 / 14, 5 / 14]
    np.testing.assert_allclose(table["survival"], expected, rtol=1e-12)


def test_kaplan_meier_without_censoring_is_the_empirical_survival():
    durations = np.random.default_rng(1).integers(0, 20, 500)
    table = kaplan_meier(durations, np.ones(500, dtype=bool))
    for time, survival in zip(table["time"], table["survival"], strict=True):
        assert survival == pytest.approx((durations > time).mean())


def test_customer_lifetimes_follow_until_the_inactivity_cut():
    purchases = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "b", "c", "d"],
            "date": pd.to_datetime(
                ["2024-01-01", "2024-03-01", "2024-06-01", "2024-12-20", "2024-12-15", "2024-02-01"]
            ),
        }
    )
    lifetimes = customer_lifetimes(purchases, inactive_days=30, observation_end="2024-12-31")
    assert list(lifetimes.index) == ["a", "b", "d"]  # c started within the last 30 days
    # a: lifetime 60 days, followed until 335 → lost after 60; b: lifetime 202 days but only
    # followed 213 − 30 = 183 → censored; d: one-time buyer, lost at 0.
    assert lifetimes["duration_days"].tolist() == [60, 183, 0]
    assert lifetimes["churned"].tolist() == [True, False, True]
    with pytest.raises(DataError) as error:
        customer_lifetimes(purchases, inactive_days=0)
    assert error.value.key == "error.clv.invalid_inactivity"


def test_retention_curves_and_churn_summary():
    rng = np.random.default_rng(2)
    n = 4_000
    lifetimes = pd.DataFrame(
        {
            # one in five never returns, the rest stay an exponential time with mean 10 months
            "duration_days": np.where(
                rng.random(n) < 0.2, 0, rng.exponential(10 * 30.4375, n).round()
            ),
            "churned": True,
        },
        index=pd.Index([f"c{i}" for i in range(n)], name="customer_id"),
    )
    groups = pd.Series(np.where(np.arange(n) % 2, "odd", "even"), index=lifetimes.index)
    curves = retention_curves(lifetimes, groups, months=12)
    assert set(curves["group"]) == {"even", "odd"}
    curve = curves[curves["group"] == "odd"]
    assert curve["month"].tolist() == list(range(13))
    assert curve["retention"].iloc[0] == pytest.approx(0.8, abs=0.03)
    assert (np.diff(curve["retention"]) <= 0).all()
    # Exponential: a constant monthly churn of 1 − e^{−1/10} ≈ 9.5 %.
    churn = curves["monthly_churn"].dropna()
    assert churn.mean() == pytest.approx(1 - np.exp(-0.1), abs=0.01)
    summary = churn_summary(curves)
    assert summary["one_time_share"].to_numpy() == pytest.approx([0.2, 0.2], abs=0.03)
    assert summary["monthly_churn"].to_numpy() == pytest.approx([0.095, 0.095], abs=0.01)
    assert (summary["horizon"] == 12).all()


def test_retention_curves_stop_when_too_few_are_followed():
    lifetimes = pd.DataFrame(
        {"duration_days": np.arange(30) * 30.4375, "churned": False},
        index=pd.Index(range(30), name="customer_id"),
    )
    curves = retention_curves(lifetimes, months=24, min_at_risk=20)
    assert curves["at_risk"].min() >= 20
    assert curves["month"].max() == 10  # 20 customers are followed at least 10 months
    assert (curves["retention"] == 1.0).all()  # nobody was lost


# ---- hold-out ---------------------------------------------------------------------------


def test_calibration_and_holdout_by_hand():
    purchases = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "a", "b", "c"],
            "date": pd.to_datetime(
                ["2024-01-01", "2024-01-15", "2024-02-10", "2024-02-10", "2024-01-20", "2024-02-05"]
            ),
            "amount": [10.0, 20.0, 5.0, 5.0, 8.0, 9.0],
        }
    )
    frame = calibration_and_holdout(purchases, "2024-01-31", observation_end="2024-02-29")
    assert list(frame.index) == ["a", "b"]  # c started in the hold-out period
    assert frame.loc["a", "frequency"] == 1 and frame.loc["a", "monetary_value"] == 20.0
    assert frame["frequency_holdout"].tolist() == [1, 0]  # two purchases, one day
    assert frame["duration_holdout"].tolist() == [29 / 7, 29 / 7]
    assert frame.loc["a", "T"] == 30 / 7
    with pytest.raises(DataError) as error:
        calibration_and_holdout(purchases, "2024-03-31")
    assert error.value.key == "error.clv.invalid_holdout"


def test_holdout_prediction_on_synthetic_data():
    data = synth.generate(20_000, types=["affluent_regular"], seasonality=0, seed=8)
    cut = "2025-12-31"
    frame = calibration_and_holdout(data.transactions, cut, observation_end="2026-06-30")
    bg = BetaGeoModel().fit(frame["frequency"], frame["recency"], frame["T"])
    table = holdout_comparison(bg, frame, max_frequency=7)
    assert table["label"].tolist()[-1] == "7+"
    assert table["customers"].sum() == len(frame)
    predicted = (table["predicted"] * table["customers"]).sum()
    actual = frame["frequency_holdout"].sum()
    assert predicted == pytest.approx(actual, rel=0.06)
    # More past purchases, more future purchases, in the data and in the model.
    assert table["actual"].iloc[-1] > 2 * table["actual"].iloc[1]
    assert np.corrcoef(table["actual"], table["predicted"])[0, 1] > 0.95

    weekly = tracking(bg, data.transactions, cut, observation_end="2026-06-30")
    assert weekly["week"].is_monotonic_increasing and weekly["holdout"].iloc[-1]
    calibration_repeats = frame["frequency"].sum() + actual
    assert weekly["actual"].iloc[-1] == calibration_repeats
    assert weekly["predicted"].iloc[-1] == pytest.approx(calibration_repeats, rel=0.06)


# ---- too thin? --------------------------------------------------------------------------


def test_thin_data_says_what_is_missing():
    purchases = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "c"],
            "date": pd.to_datetime(["2024-01-01", "2024-01-20", "2024-01-05", "2024-02-01"]),
            "amount": [1.0, 2.0, 3.0, 4.0],
        }
    )
    adequacy = check_adequacy(summary_from_transactions(purchases))
    assert not adequacy.ok
    assert (adequacy.buyers, adequacy.repeat_buyers, adequacy.period_days) == (3, 1, 31)
    keys = {item.key: dict(item.params) for item in adequacy.shortfalls}
    assert keys == {
        "clv.thin.too_few_buyers": {"buyers": 3, "needed": 100},
        "clv.thin.too_few_repeat_buyers": {"repeat_buyers": 1, "needed": 50},
        "clv.thin.period_too_short": {"days": 31, "needed": 90},
    }
    holdout = check_holdout(summary_from_transactions(purchases), holdout_days=14)
    assert holdout.shortfalls[-1].key == "clv.thin.holdout_too_short"


def test_enough_data_passes():
    data = synth.generate(2_000, seed=1)
    adequacy = check_adequacy(summary_from_transactions(data.transactions))
    assert adequacy.ok and adequacy.shortfalls == ()
