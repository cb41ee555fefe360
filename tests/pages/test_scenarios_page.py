"""The retention-vs-acquisition page in every language, through Streamlit's AppTest."""

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import kundenmodell as km
from kundenmodell.i18n import DEFAULT_CURRENCIES, LANGUAGES, format_money, format_number, t
from kundenmodell.scenarios import Scenario, Uncertainty, calibrate, monte_carlo, optimise_split
from ui.number_field import shown_text

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "views/scenarios.py"


def _page(lang: str, *, sample: str | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=180)
    app.query_params["lang"] = lang
    app.run()
    if sample is not None:
        app.sidebar.selectbox(key="sample_choice").set_value(sample).run()
        app.sidebar.button(key="load_sample").click().run()
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    return app


def _type(app: AppTest, key: str, text: str) -> None:
    """Type ``text`` into the number field whose number lives in ``key``."""
    app.text_input(key=f"_number_text_{key}").input(text).run()


def _metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_page_works_without_data(lang):
    app = _page(lang)
    assert app.title[0].value == t("scenarios.title", lang)
    assert app.button(key="scn_from_data").disabled
    assert t("scenarios.no_data_hint", lang) in [caption.value for caption in app.caption]
    plan = Scenario()
    result = monte_carlo(plan, Uncertainty(), 5_000, 0, versus=plan.without_spend())
    median = np.median(result.final_customers)
    metrics = _metrics(app)
    customers = t("scenarios.kpi.customers", lang, months=format_number(36, lang))
    assert metrics[customers] == format_number(median, lang)
    assert metrics[t("scenarios.kpi.break_even", lang)] == t("scenarios.month_n", lang, month=16)
    currency = DEFAULT_CURRENCIES[lang]  # no data set: the language's currency (USD in en)
    assert metrics[t("scenarios.kpi.cost_acquired", lang)] == format_money(
        127.07, currency, lang, decimals=0
    )
    assert len(app.get("vega_lite_chart")) == 4  # customers, profit, budget split, tornado
    labels = [button.label for button in app.get("download_button")]
    assert t("scenarios.download_csv", lang) in labels


@pytest.mark.parametrize("lang", LANGUAGES)
def test_bad_parameters_get_translated_messages(lang):
    app = _page(lang)
    cases = [
        ("scn_churn_pct", 100.0, "error.scenarios.churn_range"),
        ("scn_cac", 0.0, "error.scenarios.cac_not_positive"),
        ("scn_acq", -5_000.0, "error.scenarios.negative_acquisition_budget"),
    ]
    for key, bad, message in cases:
        good = app.session_state[key]
        _type(app, key, shown_text(bad, lang, 2))
        assert not app.exception, app.exception
        assert [error.value for error in app.error] == [t(message, lang)]
        assert len(app.get("vega_lite_chart")) == 0  # no NaN charts
        _type(app, key, shown_text(good, lang, 2))
        assert not app.error
        assert len(app.get("vega_lite_chart")) == 4


def test_start_from_my_data_uses_the_calibration():
    app = _page("de", sample="de")
    assert not app.button(key="scn_from_data").disabled
    app.button(key="scn_from_data").click().run()
    assert not app.exception, app.exception
    plan = calibrate(km.load_sample("de"), margin_rate=0.3)
    assert app.session_state["scn_customers"] == round(plan.customers)
    assert app.session_state["scn_churn_pct"] == round(plan.monthly_churn * 100, 2)
    assert app.session_state["scn_ret"] == 0.0
    assert app.session_state["scn_ceiling"] == round(plan.max_new_customers)
    assert app.success[0].value == t("scenarios.calibrated", "de", name="kunden_de")
    assert t("scenarios.calibration_title", "de") in [item.label for item in app.expander]
    customers = t("scenarios.kpi.customers", "de", months="36")
    assert customers in _metrics(app)


def test_optimum_and_named_scenarios_side_by_side(session):
    app = _page("en")
    split = optimise_split(Scenario())
    app.button(key="scn_apply_optimum").click().run()
    assert app.session_state["scn_ret"] == float(round(split.retention_budget))
    assert app.session_state["scn_acq"] == float(round(split.acquisition_budget))

    app.text_input(key="scn_name").input("Best split").run()
    app.button(key="scn_save").click().run()
    _type(app, "scn_ret", "0")
    app.text_input(key="scn_name").input("Ads only").run()
    app.button(key="scn_save").click().run()
    app.button(key="scn_save").click().run()  # unnamed: gets "Scenario 3"
    assert not app.exception, app.exception
    saved = session.workspace(app)["scenarios"]["saved"]  # JSON, for the workspace
    assert list(saved) == ["Best split", "Ads only", "Scenario 3"]
    assert saved["Best split"]["retention_budget"] == round(split.retention_budget)
    assert saved["Ads only"]["retention_budget"] == 0
    assert json.loads(json.dumps(saved)) == saved
    labels = [button.label for button in app.get("download_button")]
    assert t("scenarios.download_compare_csv", "en") in labels
    assert app.button(key="scn_save").disabled
    table = app.dataframe[0].value
    assert list(table.columns) == ["Figure", "Best split", "Ads only", "Scenario 3"]
    assert table.iloc[0, 2].endswith("0 retention")  # budgets row of "Ads only"
    assert len(app.get("vega_lite_chart")) == 6  # + the two comparison charts
    app.button(key="scn_remove_Ads only").click().run()
    assert list(session.workspace(app)["scenarios"]["saved"]) == [
        "Best split",
        "Scenario 3",
    ]
    assert not app.button(key="scn_save").disabled


@pytest.mark.parametrize(
    ("lang", "typed", "churn"),
    [("de", "6,5", 6.5), ("nb", "6,5", 6.5), ("en", "6.5", 6.5), ("de", "0,75 %", 0.75)],
)
def test_churn_is_read_with_the_languages_decimal_mark(lang, typed, churn):
    app = _page(lang)
    _type(app, "scn_churn_pct", typed)
    assert not app.exception and not app.error
    assert app.session_state["scn_churn_pct"] == churn


@pytest.mark.parametrize(("lang", "typed"), [("de", "6.5"), ("nb", "6.5"), ("en", "6,5")])
def test_a_number_in_the_other_languages_form_is_refused_not_guessed(lang, typed):
    app = _page(lang)
    before = app.session_state["scn_churn_pct"]
    _type(app, "scn_churn_pct", typed)
    assert not app.exception
    assert app.session_state["scn_churn_pct"] == before  # the last valid value stays
    assert len(app.error) == 1
    kept = t("error.number.kept", lang, value=shown_text(before, lang, 2))
    assert app.error[0].value.endswith(kept)
    assert typed in app.error[0].value


def test_fields_show_numbers_the_german_way():
    app = _page("de")
    app.session_state["scn_half"] = 0.43
    app.session_state["scn_acq"] = 25_000.0
    app.run()
    assert app.text_input(key="_number_text_scn_half").value == "0,43"
    assert app.text_input(key="_number_text_scn_acq").value == "25.000"
