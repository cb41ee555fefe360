"""What only a browser shows of the upload: the real file chooser, the mapping editor, the data
arriving in the sidebar, and a broken file that leaves it there."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.waiting import screenshot

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[1] / "data"


def _open_upload(page: Page, url: str, link: str):
    """Open the workbench and go to the upload page through the sidebar, as a user does.

    The first run imports the whole workbench, which takes a while on a busy machine.
    """
    page.goto(url)
    sidebar = page.get_by_test_id("stSidebar")
    # the navigation, not the "no data yet" panel, which links to the upload page too
    sidebar.get_by_test_id("stSidebarNavItems").get_by_role("link", name=link).click(
        timeout=120_000
    )
    return sidebar


def _choose_file(page: Page, path: Path) -> None:
    """Hand ``path`` to the page's file chooser (the sidebar has its own, for workspaces)."""
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(path)


def test_upload_a_german_excel_csv_confirm_and_see_the_data(page: Page, app_url, artifacts):
    sidebar = _open_upload(page, app_url, "Daten hochladen")
    expect(page.get_by_role("heading", name="Eigene Daten hochladen")).to_be_visible()
    screenshot(page, artifacts / "10_upload_empty_de.png")

    _choose_file(page, DATA / "ingest" / "kunden_excel_cp1252.csv")
    expect(page.get_by_role("heading", name="1. Spalten zuordnen")).to_be_visible(timeout=60_000)
    expect(page.get_by_text(re.compile(r"Windows-1252 \(ANSI\).*Semikolon"))).to_be_visible()
    editor = page.get_by_test_id("stDataFrame").filter(visible=True).first  # preview is folded
    expect(editor.locator("canvas").first).to_be_visible()
    expect(page.get_by_text("Keine Auffälligkeiten")).to_be_visible()
    screenshot(page, artifacts / "11_upload_mapping_de.png")

    page.get_by_role("button", name="Diese Daten verwenden").click()
    expect(page.get_by_text(re.compile(r"kunden_excel_cp1252.*ist geladen"))).to_be_visible()
    expect(sidebar.get_by_text("kunden_excel_cp1252")).to_be_visible()
    expect(sidebar.get_by_text(re.compile(r"5 Kunden · 0 Käufe"))).to_be_visible()
    screenshot(page, artifacts / "12_upload_done_de.png")

    # a picture renamed to .csv is explained, and the data loaded before stays
    _choose_file(page, DATA / "hostile" / "png_renamed.csv")
    expect(page.get_by_text(re.compile(r"Das ist keine Tabelle"))).to_be_visible(timeout=60_000)
    expect(sidebar.get_by_text("kunden_excel_cp1252")).to_be_visible()
    expect(page.get_by_role("button", name="Diese Daten verwenden")).to_have_count(0)
    screenshot(page, artifacts / "13_upload_broken_de.png")

    sidebar.get_by_role("link", name="Datensatz").click()
    expect(page.get_by_role("heading", name="Datensatz")).to_be_visible()
    expect(page.get_by_text("kunden_excel_cp1252").first).to_be_visible()


def test_a_two_sheet_workbook_in_norwegian(page: Page, app_url, artifacts):
    _open_upload(page, f"{app_url}/?lang=nb", "Last opp data")
    expect(page.get_by_role("heading", name="Last opp egne data")).to_be_visible()
    _choose_file(page, DATA / "ingest" / "kunden_und_kaeufe.xlsx")
    expect(page.get_by_text("Arbeidsboken har 2 ark med data")).to_be_visible(timeout=60_000)
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_test_id("stSelectbox").filter(has_text="Ark").click()
    page.get_by_role("option", name="Käufe").click()
    expect(page.get_by_role("heading", name="1. Koble kolonnene")).to_be_visible(timeout=60_000)
    screenshot(page, artifacts / "14_upload_sheet_nb.png")
    page.get_by_role("button", name="Bruk disse dataene").click()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(re.compile(r"2 kunder · 3 kjøp"))).to_be_visible()


def test_a_json_nested_twenty_thousand_levels_deep_is_explained_and_the_server_lives(
    page: Page, app_url, tmp_path
):
    deep = tmp_path / "verschachtelt.json"  # 120 KB that used to crash the whole server
    deep.write_bytes(b'{"id": 1, "x": ' + b'{"a": ' * 20_000 + b"1" + b"}" * 20_000 + b"}\n")
    _open_upload(page, app_url, "Daten hochladen")
    _choose_file(page, deep)
    expect(page.get_by_text(re.compile(r"tiefer als 64 Ebenen"))).to_be_visible(timeout=60_000)

    page.reload()  # the same server still reads the next file
    _open_upload(page, app_url, "Daten hochladen")
    _choose_file(page, DATA / "ingest" / "kunden_excel_cp1252.csv")
    expect(page.get_by_role("heading", name="1. Spalten zuordnen")).to_be_visible(timeout=60_000)
