"""A saved workspace survives a browser reload; export and import work through real files."""

import re
import zipfile

import pytest
from playwright.sync_api import Page, expect

from kundenmodell.store import WorkspaceStore
from tests.browser.waiting import settle

pytestmark = pytest.mark.browser
NAME = "Schulung März"


def _expander(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebar").get_by_text(title).click()


def test_save_reload_open_export_import(page: Page, app_url, artifacts, workspace_home):
    page.goto(app_url)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("button", name="Beispieldaten laden").click()
    expect(sidebar.get_by_text(re.compile(r"1\.000 Kunden · 3\.219 Käufe$"))).to_be_visible()
    expect(sidebar.get_by_text("Noch nicht als Projekt gespeichert.")).to_be_visible()

    _expander(page, "Neu, Speichern unter, Duplizieren, Löschen")
    sidebar.get_by_label("Name des Projekts").fill(NAME)
    sidebar.get_by_role("button", name="Speichern unter diesem Namen").click()
    expect(sidebar.get_by_text(f"Projekt „{NAME}“ gespeichert.")).to_be_visible()
    expect(sidebar.get_by_text("Alles gespeichert")).to_be_visible()
    assert [info.name for info in WorkspaceStore(workspace_home).workspaces()] == [NAME]

    page.reload()  # a new browser session: nothing loaded, the workspace is on disk
    expect(sidebar.get_by_text("Noch keine Daten geladen.")).to_be_visible()
    expect(
        sidebar.get_by_text(re.compile(r"1\.000 Kunden · 3\.219 Käufe · gespeichert am"))
    ).to_be_visible()
    settle(page)
    page.screenshot(path=artifacts / "workspace_01_after_reload_de.png", full_page=True)
    _expander(page, "Was wird wo gespeichert?")
    folder = sidebar.get_by_text(str(workspace_home))
    expect(folder).to_be_visible()
    folder.scroll_into_view_if_needed()
    settle(page)
    page.screenshot(path=artifacts / "workspace_02_where_de.png")

    sidebar.get_by_role("button", name="Öffnen").click()
    expect(sidebar.get_by_text(f"Projekt „{NAME}“ geöffnet.")).to_be_visible()
    expect(sidebar.get_by_text("kunden_de")).to_be_visible()
    expect(sidebar.get_by_text(re.compile(r"^1\.000 Kunden · 3\.219 Käufe$"))).to_be_visible()
    sidebar.get_by_role("link", name="Überblick").click()
    expect(page.get_by_role("heading", name="Überblick")).to_be_visible()
    expect(
        page.get_by_test_id("stVegaLiteChart").first.locator("canvas, svg").first
    ).to_be_visible()
    settle(page)
    page.screenshot(path=artifacts / "workspace_03_opened_overview_de.png", full_page=True)

    _expander(page, "Export und Import")
    with page.expect_download() as download_info:
        sidebar.get_by_role("button", name=f"„{NAME}“ als ZIP herunterladen").click()
    download = download_info.value
    assert download.suggested_filename == "schulung-marz.zip"
    exported = artifacts / "workspace_export.zip"
    download.save_as(exported)
    with zipfile.ZipFile(exported) as archive:
        assert "manifest.json" in archive.namelist()

    sidebar.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(exported)
    sidebar.get_by_role("button", name="Importieren und öffnen").click()
    expect(
        sidebar.get_by_text(f"Projekt als „{NAME} (2)“ importiert und geöffnet.")
    ).to_be_visible()
    expect(sidebar.get_by_text(f"Geöffnet: {NAME} (2)")).to_be_visible()
    settle(page)
    page.screenshot(path=artifacts / "workspace_04_imported_de.png", full_page=True)
    names = [info.name for info in WorkspaceStore(workspace_home).workspaces()]
    assert names == [NAME, f"{NAME} (2)"]
