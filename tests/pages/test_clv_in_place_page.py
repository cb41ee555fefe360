"""The Kundenwert page on a source analysed in place: the key figures cover every buyer of the
source (computed in the engine by kundenmodell.clv.in_place), the per-customer views use the
session's sample and say so.

The source is a DuckDB file from tests/clv_shop.py (numpy, not kundenmodell.synth) with 3,000
customers; the session holds a sample of 1,000 of them, as ``ui.session.set_dataset`` would
after "analyse in place".
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from kundenmodell.clv import in_place
from kundenmodell.engine.in_place import connect_in_place
from kundenmodell.i18n import LANGUAGES, Formats, t
from tests.clv_shop import make_shop, picks, write_duckdb
from ui.session import dataset_entries

PAGE = "views/clv.py"
SAMPLE = 1_000


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """(in-place source, its sample data set, the package's fit of the whole source)."""
    path = write_duckdb(tmp_path_factory.mktemp("clv") / "butikk.duckdb", *make_shop(3_000))
    chosen = picks(path)
    found, connected = connect_in_place(
        chosen["customers"], chosen["transactions"], name="butikk", currency="NOK", sample=SAMPLE
    )
    return found, connected.to_dataset(), in_place.fit_in_place(found.tables())


def _open(open_page, source, lang: str) -> AppTest:
    found, sample, _ = source
    app = open_page("views/overview.py", lang)  # any page first: the app then has a session
    for key, value in dataset_entries(sample, in_place=found).items():
        app.session_state[key] = value
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    assert not app.error, [error.value for error in app.error]
    return app


@pytest.mark.parametrize("lang", LANGUAGES)
def test_key_figures_cover_every_buyer_of_the_source(open_page, source, lang):
    found, sample, fit = source
    app = _open(open_page, source, lang)
    fmt = Formats.of(lang, "NOK")
    population = in_place.population_values(fit, months=12, annual_discount_rate=0.1)
    metrics = {metric.label: metric.value for metric in app.metric}
    assert population.buyers == fit.buyers > sample.transactions["customer_id"].nunique()
    assert metrics[t("clv.buyers", lang)] == fmt.number(population.buyers)
    assert metrics[t("clv.likely_active", lang)] == fmt.percent(population.likely_active_share)
    assert metrics[t("clv.total_value", lang, months=12)] == fmt.money(population.total)
    assert metrics[t("clv.mean_value", lang)] == fmt.money(population.mean)
    year = population.outlook.iloc[2]
    purchases = t("clv.outlook_purchases", lang, count=fmt.number(year["purchases"]))
    assert metrics[t("clv.outlook_period", lang, months=12)] == purchases

    captions = [caption.value for caption in app.caption]
    # all spenders fit under the Gamma-Gamma limit: the scope caption names no sample
    assert t("clv_in_place.scope", lang, buyers=fmt.number(fit.buyers)) in captions
    values_note = t("clv_in_place.sample_values_note", lang, customers=fmt.number(SAMPLE))
    sample_note = t("clv_in_place.sample_note", lang, customers=fmt.number(SAMPLE))
    assert captions.count(values_note) == 2  # call list and segments
    assert captions.count(sample_note) == 2  # hold-out check and retention

    # the top list is the engine's ranking of all buyers, 25 shown
    ranking = in_place.value_ranking(found.tables(), fit, 12, 0.1)
    top = app.dataframe[2].value  # [0] is the call list, [1] the segments
    assert top["customer_id"].tolist() == ranking.top["customer_id"].head(25).tolist()
    # distribution, segments, P(alive), tracking and hold-out, retention
    assert len(app.get("vega_lite_chart")) == 6
    labels = [button.label for button in app.get("download_button")]
    assert t("clv_in_place.download_sample", lang) in labels
    assert t("clv.download_values", lang) not in labels


def test_horizon_recomputes_on_all_rows_and_the_gamma_gamma_sample_is_named(
    open_page, source, monkeypatch
):
    monkeypatch.setattr(in_place, "GG_SAMPLE_LIMIT", 300)
    found, _, _ = source
    fit = in_place.fit_in_place(found.tables())
    app = _open(open_page, source, "de")
    fmt = Formats.of("de", "NOK")
    captions = [caption.value for caption in app.caption]
    scope = t("clv_in_place.scope", "de", buyers=fmt.number(fit.buyers))
    gg = t("clv_in_place.gg_sample", "de", used="300", spenders=fmt.number(fit.spenders))
    assert f"{scope} {gg}" in captions

    app.select_slider(key="clv_horizon").set_value(24).run()
    assert not app.exception, app.exception
    population = in_place.population_values(fit, months=24, annual_discount_rate=0.1)
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics[t("clv.total_value", "de", months=24)] == fmt.money(population.total)
    app.text_input(key="_number_text_clv_discount").input("0").run()
    assert not app.exception, app.exception
    population = in_place.population_values(fit, months=24, annual_discount_rate=0.0)
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics[t("clv.total_value", "de", months=24)] == fmt.money(population.total)


def test_too_thin_source_says_what_is_needed(open_page, tmp_path):
    path = write_duckdb(tmp_path / "liten.duckdb", *make_shop(60, seed=3))
    chosen = picks(path)
    found, connected = connect_in_place(
        chosen["customers"], chosen["transactions"], name="liten", currency="NOK", sample=30
    )
    app = _open(open_page, (found, connected.to_dataset(), None), "nb")
    warning = app.warning[0].value
    assert warning.startswith(f"**{t('clv.thin.title', 'nb')}**")
    fit = in_place.fit_in_place(found.tables())
    for shortfall in fit.adequacy.shortfalls:
        assert t(shortfall.key, "nb", **shortfall.params) in warning
    assert fit.adequacy.buyers == 60  # all of the source, not the sample of 30
    assert not app.metric and not app.get("vega_lite_chart")
