"""What only a browser shows on the retention-vs-acquisition page: bands drawn, the start
from data, a CSV and a PNG download."""

import re

import pytest
from playwright.sync_api import Page, expect

from kundenmodell.i18n import t
from tests.browser.waiting import settle

pytestmark = pytest.mark.browser


def test_scenarios_page_from_sample_data(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1400, "height": 4600})  # the whole page in one shot
    page.goto(app_url)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("link", name="Bindung vs. Gewinnung").click()
    expect(page.get_by_role("heading", name="Bindung vs. Gewinnung")).to_be_visible()
    charts = page.get_by_test_id("stVegaLiteChart")
    expect(charts.first.locator("canvas, svg").first).to_be_visible()
    settle(page)
    page.screenshot(path=artifacts / "scenarios_01_default_de.png", full_page=True)

    sidebar.get_by_role("button", name="Beispieldaten laden").click()
    expect(sidebar.get_by_text("kunden_de")).to_be_visible()
    page.get_by_role("button", name="Mit meinen Daten starten").click()
    expect(page.get_by_text("Startwerte aus „kunden_de“ übernommen")).to_be_visible()
    page.get_by_text("Wie die Startwerte entstehen").click()
    settle(page)
    page.screenshot(path=artifacts / "scenarios_02_calibrated_de.png", full_page=True)

    settle(page)
    page.get_by_role("textbox", name="Name des Szenarios").fill("Heute")
    page.get_by_role("button", name="Szenario speichern").click()
    expect(page.get_by_role("button", name="„Heute“ entfernen")).to_be_visible()
    settle(page)
    page.get_by_role("button", name="Optimale Aufteilung übernehmen").click()
    expect(page.get_by_role("textbox", name="Kundenbindung (€ pro Monat)")).not_to_have_value("0")
    settle(page)
    page.get_by_role("textbox", name="Name des Szenarios").fill("Beste Aufteilung")
    page.get_by_role("button", name="Szenario speichern").click()
    expect(page.get_by_role("button", name="„Beste Aufteilung“ entfernen")).to_be_visible()
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(6)
    settle(page)
    page.screenshot(path=artifacts / "scenarios_03_compare_de.png", full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Monatswerte (CSV)").click()
    content = download_info.value.path().read_bytes().decode("utf-8-sig")
    assert content.startswith("Monat;Kunden;Neukunden;Verlorene Kunden")
    assert len(content.splitlines()) == 37
    assert re.search(r"\n1;\d+,\d+;", content)  # decimal comma

    with page.expect_download(timeout=120_000) as download_info:
        page.get_by_role("button", name="Kundendiagramm (PNG)").click()
    assert download_info.value.path().read_bytes()[:4] == b"\x89PNG"

    sidebar.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="Norsk bokmål").click()
    expect(page.get_by_role("heading", name="Lojalitet vs. anskaffelse")).to_be_visible()
    expect(
        page.get_by_test_id("stVegaLiteChart").first.locator("canvas, svg").first
    ).to_be_visible()
    settle(page)
    page.screenshot(path=artifacts / "scenarios_04_calibrated_nb.png", full_page=True)


@pytest.mark.parametrize("lang", ["de", "nb"])
def test_typed_decimal_comma_is_used_as_typed(page: Page, app_url, lang, artifacts):
    """Typing ``6,5`` into the German or Norwegian churn field sets 6.5 % (the page shows the
    loss of 6.5 % a month), not 65 %; ``6.5`` is refused with a message and 6,5 stays."""
    page.goto(f"{app_url}/retention-vs-acquisition?lang={lang}")
    field = page.get_by_role("textbox", name=t("scenarios.field.churn", lang))
    expect(field).to_be_visible()
    settle(page)
    field.fill("6,5")
    field.press("Enter")
    settle(page)
    expect(field).to_have_value("6,5")
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
    field.fill("6.5")
    field.press("Enter")
    settle(page)
    error = page.get_by_test_id("stAlertContentError").first
    expect(error).to_contain_text("6.5")
    expect(error).to_contain_text(t("error.number.kept", lang, value="6,5"))
    page.screenshot(path=artifacts / f"scenarios_05_decimal_comma_{lang}.png", full_page=True)
