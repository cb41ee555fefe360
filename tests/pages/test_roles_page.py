"""The "Kunde vs. Verbraucher" page through AppTest: the figures are the package's, every
breakdown works in every language, and data without a consumer role gets the explanation."""

import dataclasses
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kundenmodell import load_sample, roles
from kundenmodell.i18n import LANGUAGES, format_percent, t

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "views/roles.py"


def _roles_page(lang: str, data=None, *, sample: bool = False) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params["lang"] = lang
    app.run()
    if sample:
        app.sidebar.button(key="load_sample").click().run()
    elif data is not None:
        app.session_state["dataset"] = data
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    return app


def _metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def _markdown(app: AppTest) -> str:
    return "\n".join(element.value for element in app.markdown)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sample_data_in_every_language_and_breakdown(lang):
    app = _roles_page(lang, sample=True)
    assert app.title[0].value == t("roles.title", lang)
    data = app.session_state["dataset"]
    report = roles.compare(data)
    metrics = _metrics(app)
    assert metrics[t("roles.kpi_other_purchases", lang)] == format_percent(
        report.other_purchase_share, lang
    )
    assert metrics[t("roles.kpi_other_revenue", lang)] == format_percent(
        report.other_revenue_share, lang
    )
    assert metrics[t("roles.kpi_main_role", lang)] == t("consumer_role.employee", lang)
    assert [tab.label for tab in app.tabs] == [
        t(f"roles.tab.{name}", lang) for name in ("marketing", "groups", "ages", "kpis", "internal")
    ]
    # Flow, role mix, ages, repeat and gift season.
    assert len(app.get("vega_lite_chart")) == 5
    text = _markdown(app)
    for item in report.implications:  # grouped by role: implications about all revenue
        assert item.headline(lang) in text

    radio = app.radio(key=f"roles_by_{lang}")
    assert radio.options == [t(f"roles.by.{name}", lang) for name in roles.GROUPINGS]
    _check_breakdown(app, data, lang, "category")


def _check_breakdown(app: AppTest, data, lang: str, grouping: str) -> None:
    app.radio(key=f"roles_by_{lang}").set_value(grouping).run()
    assert not app.exception, app.exception
    assert not app.error, [error.value for error in app.error]
    expected = roles.role_report(data, grouping)
    text = _markdown(app)
    assert expected.implications
    for item in expected.implications:
        assert item.headline(lang) in text
    assert len(app.get("vega_lite_chart")) == 5
    downloads = [button.key for button in app.get("download_button")]
    assert downloads == [
        f"roles_download_{name}"
        for name in ("implications", "groups", "revenue", "repeat", "season", "internal")
    ]


def test_activity_breakdown():
    app = _roles_page("de", sample=True)
    _check_breakdown(app, app.session_state["dataset"], "de", "activity")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_without_data_the_concept_is_shown_on_the_synthetic_example(lang):
    app = _roles_page(lang)
    assert app.info[0].value == t("roles.none", lang)
    assert t("roles.example_title", lang) in [header.value for header in app.header]
    example = roles.example_report(lang)
    assert _metrics(app)[t("roles.kpi_other_revenue", lang)] == format_percent(
        example.other_revenue_share, lang
    )
    text = _markdown(app)
    for item in example.implications:
        assert item.headline(lang) in text
    assert app.selectbox(key=f"roles_example_ages_{lang}").value == "child"
    assert len(app.get("vega_lite_chart")) == 3  # flow, role mix by category, ages
    assert not app.get("download_button")


def test_data_without_consumer_role_explains_how_to_capture_it():
    sample = load_sample("de")
    data = dataclasses.replace(
        sample, transactions=sample.transactions.drop(columns="consumer_role")
    )
    app = _roles_page("de", data)
    assert app.warning[0].value == t(
        "roles.status.no_consumer_role", "de", column=t("column.consumer_role", "de")
    )
    text = _markdown(app)
    for source in ("checkout", "gift", "b2b"):
        assert t(f"roles.capture.{source}", "de") in text
    assert "`consumer_role`" in text
    headers = [header.value for header in app.header]
    assert t("roles.example_title", "de") in headers
    assert t("roles.tab.internal", "de") in headers  # internal vs external needs no role
    assert app.session_state["dataset"] is data


def test_unrecognised_roles_and_a_buying_center_column():
    sample = load_sample("en")
    blurred = dataclasses.replace(
        sample, transactions=sample.transactions.assign(consumer_role="somebody")
    )
    app = _roles_page("en", blurred)
    assert app.warning[0].value == t(
        "roles.status.empty_consumer_role",
        "en",
        column=t("column.consumer_role", "en"),
        count=f"{len(sample.transactions):,}",
    )

    customers = sample.customers.copy()
    business = customers["customer_type"] == "b2b"
    customers.loc[business, "buying_center_role"] = "buyer"
    with_center = dataclasses.replace(sample, customers=customers)
    app = _roles_page("en", with_center)
    assert t("roles.bc_caption", "en") in [caption.value for caption in app.caption]
    downloads = {button.key for button in app.get("download_button")}
    assert "roles_download_bc" in downloads and len(downloads) == 7  # + the buying centre


def test_the_breakdown_survives_a_language_switch():
    app = _roles_page("de", sample=True)
    app.radio(key="roles_by_de").set_value("category").run()
    app.session_state["lang"] = "nb"
    app.run()
    assert not app.exception, app.exception
    assert app.title[0].value == t("roles.title", "nb")
    assert app.radio(key="roles_by_nb").value == "category"
    assert app.selectbox(key="roles_ages_nb").value == "child"
