"""The overview page: KPIs match the package, filters and rules apply, optional columns."""

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from kundenmodell import Dataset, load_sample
from kundenmodell.i18n import LANGUAGES, format_date, format_number, format_percent, t
from kundenmodell.segments import classify_activity

PAGE = "views/overview.py"


def _metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_kpis_equal_the_package_results(lang, open_page, session):
    app = open_page(PAGE, lang, sample=True)
    data = session.dataset(app)
    classes = classify_activity(data.transactions, customers=data.customers)
    metrics = _metrics(app)
    regular = int((classes == "regular").sum())
    assert metrics[t("segments_page.kpi_regular", lang)] == format_number(regular, lang)
    (report,) = session.derived(app, "segment_report")  # the page's figures, from the package
    assert report.regular_customers == regular
    nps = report.nps
    assert metrics[t("segments_page.kpi_nps", lang)] == format_number(nps.score, lang)
    assert -100 <= nps.score <= 100 and nps.n > 0
    churn = report.monthly_churn
    assert metrics[t("segments_page.kpi_churn", lang)] == format_percent(churn, lang, decimals=1)
    assert 0 < churn < 1
    assert [tab.label for tab in app.tabs] == [
        t(f"segments_page.tab_{name}", lang)
        for name in ("lifecycle", "activity", "rfm", "nps", "churn")
    ]
    downloads = [button.key for button in app.get("download_button")]
    assert downloads == [
        f"download_{name}" for name in ("funnel", "activity", "rfm", "nps", "churn")
    ]


def test_filter_and_rules_change_the_figures(open_page, session):
    app = open_page(PAGE, "en", sample=True)
    before = _metrics(app)[t("overview.customers", "en")]
    app.multiselect(key="filter_customer_type").set_value(["b2b"]).run()
    data = session.dataset(app)
    b2b = int((data.customers["customer_type"] == "b2b").sum())
    assert _metrics(app)[t("overview.customers", "en")] == format_number(b2b, "en") != before

    app.text_input(key="_number_text_rule_min_purchases").input("10").run()
    assert not app.exception
    classes = classify_activity(
        data.transactions[
            data.transactions["customer_id"].isin(
                data.customers.loc[data.customers["customer_type"] == "b2b", "customer_id"]
            )
        ],
        data.period[1],
        regular_min_purchases=10,
    )
    expected = format_number(int((classes == "regular").sum()), "en")
    assert _metrics(app)[t("segments_page.kpi_regular", "en")] == expected


def test_missing_optional_columns_are_explained_and_the_rest_works(open_page):
    sample = load_sample("de")
    thin = dataclasses.replace(
        sample, customers=sample.customers.drop(columns=["nps_score", "status"])
    )
    app = open_page(PAGE, "de", data=thin)
    infos = [info.value for info in app.info]
    assert t("segments_page.nps_missing", "de", column=t("column.nps_score", "de")) in infos
    assert t("overview.missing_columns", "de", columns=t("column.status", "de")) in infos
    assert t("segments_page.kpi_regular", "de") in _metrics(app)
    assert t("segments_page.kpi_nps", "de") not in _metrics(app)


def _shop_with_a_mistyped_year():
    """A small shop (numpy, not kundenmodell.synth) whose last purchase was typed as 2099."""
    generator = np.random.default_rng(8)
    ids = [f"H{number:03d}" for number in range(120)]
    rows = 900
    transactions = pd.DataFrame(
        {
            "customer_id": generator.choice(ids, rows),
            "date": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(generator.integers(0, 600, rows), unit="D"),
            "amount": generator.gamma(2.0, 25.0, rows).round(2),
        }
    )
    transactions.loc[0, "date"] = pd.Timestamp("2099-05-04")
    customers = pd.DataFrame({"customer_id": ids})
    return Dataset(customers=customers, transactions=transactions, name="Hobbykeller")


@pytest.mark.parametrize(("lang", "page"), [("de", PAGE), ("nb", "views/clv.py")])
def test_a_reference_date_after_today_is_explained(lang, page, open_page):
    app = open_page(page, lang, data=_shop_with_a_mistyped_year())
    expected = t(
        "feedback.future_reference",
        lang,
        date=format_date(dt.date(2099, 5, 4), lang),
        today=format_date(dt.date.today(), lang),
    )
    assert expected in [warning.value for warning in app.warning]


def test_no_warning_while_the_last_purchase_is_not_after_today(open_page):
    app = open_page(PAGE, "en", sample=True)
    assert not [w for w in app.warning if "after today" in w.value]
