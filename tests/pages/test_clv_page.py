"""The Kundenwert page through Streamlit's AppTest, in every language."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kundenmodell import synth
from kundenmodell.i18n import LANGUAGES, format_number, t

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "views/clv.py"


def _app(lang: str = "de") -> AppTest:
    app = AppTest.from_file(APP, default_timeout=180)
    app.query_params["lang"] = lang
    app.run()
    assert not app.exception, app.exception
    return app


def _with_sample(lang: str = "de") -> AppTest:
    app = _app(lang)
    app.sidebar.button(key="load_sample").click().run()
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    return app


def _with_dataset(data, lang: str = "de") -> AppTest:
    app = _app(lang)
    app.session_state["dataset"] = data
    app.session_state["dataset_token"] = "test"
    app.session_state["derived"] = {}
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    return app


def _metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_page_with_sample_data(lang):
    app = _with_sample(lang)
    assert app.title[0].value == t("clv.title", lang)
    assert not app.error, [error.value for error in app.error]
    metrics = _metrics(app)
    buyers = app.session_state["dataset"].transactions["customer_id"].nunique()
    assert metrics[t("clv.buyers", lang)] == format_number(buyers, lang)
    assert t("clv.total_value", lang, months=12) in metrics
    assert metrics[t("clv.outlook_period", lang, months=12)].endswith(
        t("clv.outlook_purchases", lang, count="").strip()
    )
    assert t("clv.holdout_deviation", lang) in metrics
    # value: distribution and segments; P(alive) heatmap; tracking and hold-out; retention
    assert len(app.get("vega_lite_chart")) == 6
    # the call list comes first, before the tabs, with its download for the CRM
    assert app.header[0].value == t("clv_call.title", lang)
    labels = [button.label for button in app.get("download_button")]
    assert labels == [
        t(key, lang)
        for key in (
            "clv_call.download",
            "clv.download_values",
            "clv.download_params",
            "clv.download_retention",
        )
    ]
    tabs = [tab.label for tab in app.tabs]
    assert tabs == [
        t(f"clv.tab.{name}", lang) for name in ("value", "top", "alive", "fit", "retention")
    ]


def test_horizon_discount_and_choices_recompute():
    app = _with_sample("de")
    total_12 = _metrics(app)[t("clv.total_value", "de", months=12)]
    app.select_slider(key="clv_horizon").set_value(24).run()
    assert not app.exception, app.exception
    total_24 = _metrics(app)[t("clv.total_value", "de", months=24)]
    assert _amount(total_24) > _amount(total_12)
    app.text_input(key="_number_text_clv_discount").input("0").run()
    assert _amount(_metrics(app)[t("clv.total_value", "de", months=24)]) > _amount(total_24)

    app.selectbox(key="clv_segment").set_value("customer_type").run()
    assert not app.exception, app.exception
    labels = set(app.dataframe[1].value.iloc[:, 0])  # [0] is the call list
    assert labels == {t("customer_type.b2b", "de"), t("customer_type.b2c", "de")}

    app.select_slider(key="clv_holdout").set_value(3).run()
    assert not app.exception, app.exception
    caption = next(c.value for c in app.caption if c.value.startswith("Das Modell wird nur"))
    assert "bis 30.06.2026" in caption

    app.selectbox(key="clv_retention_group").set_value("all").run()
    app.select_slider(key="clv_inactive").set_value(365).run()
    assert not app.exception, app.exception
    assert not app.error


def _amount(text: str) -> float:
    return float(text.replace("\xa0€", "").replace(".", "").replace(",", "."))


def test_too_thin_data_says_what_is_needed():
    app = _with_dataset(synth.generate(120, seed=3), "en")
    assert not app.error
    warning = app.warning[0].value
    assert warning.startswith(f"**{t('clv.thin.title', 'en')}**")
    assert "at least 100 are needed" in warning
    assert t("clv.thin.advice", "en") in [caption.value for caption in app.caption]
    assert not app.get("vega_lite_chart") and not app.metric


def test_without_data_and_without_purchases():
    app = _app("nb")
    app.switch_page(PAGE).run()
    assert app.info[0].value == t("clv.none", "nb")
    data = synth.generate(30, seed=1)
    data.transactions = data.transactions.iloc[0:0]
    app = _with_dataset(data, "de")
    assert app.info[0].value == t("clv.no_transactions", "de")


def test_the_two_twelve_month_figures_and_a_near_zero_segment_are_explained():
    app = _with_sample("de")
    total = _metrics(app)[t("clv.total_value", "de", months=12)]
    year = next(m for m in app.metric if m.label == t("clv.outlook_period", "de", months=12))
    revenue = year.delta.split(" · ")[1].removesuffix(" Umsatz")
    # the tile's help gives the exact figures and says the revenue is not discounted
    assert year.help.endswith(f"mit {revenue} Umsatz (nicht abgezinst).")
    assert year.help.startswith("Genau ") and year.value in year.help
    captions = [caption.value for caption in app.caption]
    explained = next(text for text in captions if text.startswith("Zwei Zahlen, zwei Fragen"))
    assert f"({total} für 12 Monate)" in explained and "10 % pro Jahr" in explained
    assert revenue.endswith("\xa0€") and f"**{revenue}** ist der Umsatz" in explained
    # the RFM grouping shows "Dürfen wir nicht verlieren" at about 1 €: said in words
    info = next(box.value for box in app.info if box.value.startswith("Warum zeigt"))
    assert "„Dürfen wir nicht verlieren“" in info and "(1\xa0€)" in info
    assert "Anrufliste" in info


def test_values_are_derived_once_per_setting_and_only_the_latest_kept():
    """A rerun of the page reads the values it derived; trying many horizons keeps the
    results of the last MEMO_PER_FUNCTION settings only (18 M purchases: ~200 MB each)."""
    from ui.session import DERIVED_KEY, MEMO_PER_FUNCTION

    def kept() -> dict:
        memo = app.session_state[DERIVED_KEY]
        return {key[-1]: value for key, value in memo.items() if key[2] == "_customer_values"}

    app = _with_sample("de")
    first = kept()[(12, 10.0)]
    app.run()
    assert kept()[(12, 10.0)] is first  # the same table, not computed again
    totals = {12: _metrics(app)[t("clv.total_value", "de", months=12)]}
    for months in (24, 36, 6):
        app.select_slider(key="clv_horizon").set_value(months).run()
        assert not app.exception, app.exception
        totals[months] = _metrics(app)[t("clv.total_value", "de", months=months)]
    assert len(kept()) == MEMO_PER_FUNCTION == 3
    assert set(kept()) == {(24, 10.0), (36, 10.0), (6, 10.0)}
    app.select_slider(key="clv_horizon").set_value(12).run()  # computed again, the same
    assert _metrics(app)[t("clv.total_value", "de", months=12)] == totals[12]
    assert set(kept()) == {(36, 10.0), (6, 10.0), (12, 10.0)}
    assert len(app.session_state[DERIVED_KEY]) > len(kept())  # other functions keep theirs
    calls = {
        key[-1]: value
        for key, value in app.session_state[DERIVED_KEY].items()
        if key[2] == "_call_list"
    }
    assert set(calls) == set(kept())  # the call list is kept for the same settings
    shown = app.dataframe[0].value  # the call list, first on the page
    assert list(shown.iloc[:, 0]) == list(calls[(12, 10.0)]["customer_id"].head(len(shown)))
