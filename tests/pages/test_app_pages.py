"""Every page in every language, through Streamlit's AppTest (no browser)."""

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import kundenmodell as km
from kundenmodell.concepts import CONCEPTS
from kundenmodell.i18n import LANGUAGES, format_money, format_number, t

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGES = {
    "home": "views/home.py",
    "generate": "views/generate.py",
    "dataset": "views/dataset.py",
    "overview": "views/overview.py",
    "concepts": "views/concepts.py",
}
TITLES = {
    "home": "home.title",
    "generate": "generate.title",
    "dataset": "dataset.title",
    "overview": "overview.title",
    "concepts": "concepts.title",
}


def _app(lang: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params["lang"] = lang
    app.run()
    assert not app.exception, app.exception
    return app


def _load_sample(app: AppTest, name: str = "de") -> AppTest:
    app.sidebar.selectbox(key="sample_choice").set_value(name).run()
    app.sidebar.button(key="load_sample").click().run()
    assert not app.exception, app.exception
    return app


def _open(app: AppTest, page: str) -> AppTest:
    app.switch_page(PAGES[page]).run()
    assert not app.exception, app.exception
    return app


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_without_data(lang):
    app = _app(lang)
    assert app.sidebar.selectbox(key="language_choice").value == lang
    assert app.sidebar.button(key="load_sample").label == t("sidebar.load_sample", lang)
    for page, title in TITLES.items():
        _open(app, page)
        assert app.title[0].value == t(title, lang)
    _open(app, "dataset")
    assert app.info[0].value == t("dataset.none", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_with_sample_data(lang):
    app = _load_sample(_app(lang))
    data = app.session_state["dataset"]
    assert data.n_customers == 1_000

    _open(app, "dataset")
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics[t("dataset.customers", lang)] == format_number(1_000, lang)
    assert metrics[t("dataset.transactions", lang)] == format_number(data.n_transactions, lang)
    assert len(app.tabs) == 2  # customers and purchases
    assert app.success[0].value == t("dataset.validation_ok", lang)

    _open(app, "overview")
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics[t("overview.customers", lang)] == format_number(1_000, lang)
    assert (
        len(app.get("vega_lite_chart")) >= 8
    )  # revenue, funnel, activity, RFM ×2, NPS, churn, cohorts

    _open(app, "concepts")
    assert len(app.markdown) >= 2 * len(CONCEPTS)


def test_generate_page_creates_a_dataset():
    app = _open(_app("de"), "generate")
    assert app.text_input(key="_number_text_gen_customers").value == "10.000"
    app.text_input(key="_number_text_gen_customers").input("500")
    app.selectbox[0].set_value("nb_NO")
    app.button[0].click().run()  # the form's submit button
    assert not app.exception, app.exception
    data = app.session_state["dataset"]
    assert data.n_customers == 500
    assert (data.source, data.locale, data.currency) == ("synthetic", "nb_NO", "NOK")
    assert app.success[0].value.startswith("500 Kunden mit")
    sidebar = [m.value for m in app.sidebar.markdown]  # drawn again with the new data
    assert t("sidebar.no_data", "de") not in " ".join(sidebar)
    assert any("Synthetische Kunden · Norwegen (Bokmål, kr) · 500" in m for m in sidebar)


def test_switching_language_and_page_keeps_the_data():
    app = _load_sample(_app("de"))
    data = app.session_state["dataset"]
    app.sidebar.selectbox(key="language_choice").set_value("nb").run()
    assert app.title[0].value == "Velkommen til Kundenmodell Workbench"
    assert app.session_state["dataset"] is data
    _open(app, "overview")
    assert app.title[0].value == "Oversikt"
    assert app.session_state["dataset"] is data
    _open(app, "home")
    assert app.session_state["dataset"] is data


@pytest.mark.parametrize("lang", LANGUAGES)
def test_bad_period_is_explained_and_keeps_the_loaded_data(lang):
    app = _load_sample(_app(lang), "en")
    loaded = app.session_state["dataset"]
    _open(app, "generate")
    start, end = app.date_input
    start.set_value(end.value)
    app.button[0].click().run()
    assert not app.exception, app.exception
    assert app.error[0].value == t("error.invalid_period", lang)
    assert app.session_state["dataset"] is loaded


@pytest.mark.parametrize(
    ("lang", "shown"),
    [("de", "12,35\xa0Mio.\xa0€"), ("en", "€12.35M"), ("nb", "€\xa012,35\xa0mill.")],
)
def test_the_dataset_page_writes_a_large_revenue_so_that_it_fits_its_tile(
    open_page, lang, shown
):
    """Twelve million euros in whole units were cut off with an ellipsis in a tile; from ten
    million on the tile abbreviates, and its help gives the exact amount."""
    data = km.Dataset(
        customers=pd.DataFrame({"customer_id": ["A", "B"]}),
        transactions=pd.DataFrame(
            {
                "customer_id": ["A", "B"],
                "date": pd.to_datetime(["2025-01-03", "2025-02-04"]),
                "amount": [12_000_000.25, 345_678.5],
            }
        ),
        currency="EUR",
    )
    app = open_page("views/dataset.py", lang, data=data)
    tile = next(m for m in app.metric if m.label == t("dataset.revenue", lang))
    assert tile.value == shown
    exact = format_money(12_345_678.75, "EUR", lang, decimals=2)
    assert tile.help == t("headline_figures.exact", lang, amount=exact)
