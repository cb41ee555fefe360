"""A workspace saved in format version 1 (fixture under tests/data/store/) opens and migrates.

The fixture was written by ``tests/data/store/make_v1_fixture.py``: 40 synthetic customers
(five columns) and their 120 purchases worth 23,640.25 EUR, with one persona note.
"""

import json
import shutil
from pathlib import Path

import pytest

from kundenmodell.store import FORMAT_VERSION, MIGRATIONS, WorkspaceStore, export_zip, import_zip
from kundenmodell.store.manifest import migrate

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "store"
PERSONAS = {"personas": {"selected": "family", "notes": "Familien zuerst"}}


@pytest.fixture
def v1_store(tmp_path):
    shutil.copytree(FIXTURES / "v1_home", tmp_path / "home")
    return WorkspaceStore(tmp_path / "home")


def _assert_fixture_content(workspace):
    data = workspace.dataset
    assert (data.n_customers, data.n_transactions) == (40, 120)
    assert round(data.revenue, 2) == 23640.25
    assert list(data.customers.columns) == [
        "customer_id",
        "first_name",
        "status",
        "customer_type",
        "city",
    ]
    assert data.customers["customer_id"].iloc[0] == "C0000001"
    assert (data.name, data.source, data.currency, data.locale) == (
        "Schulung Kundenwert",
        "synthetic",
        "EUR",
        "de_DE",
    )
    assert data.created.isoformat() == "2024-11-05T16:00:00"
    assert data.truth is None and data.truth_params is None
    assert workspace.sections == PERSONAS and workspace.parts == {}


def test_there_is_a_migration_from_every_older_version():
    assert sorted(MIGRATIONS) == list(range(1, FORMAT_VERSION))


def test_the_v1_manifest_migrates_to_the_current_shape():
    old = json.loads(next((FIXTURES / "v1_home").glob("*/r000001/manifest.json")).read_text())
    new = migrate(old)
    assert new["format_version"] == FORMAT_VERSION
    assert new["tables"]["customers"] == {
        "file": "customers.parquet",
        "rows": None,
        "bytes": None,
        "sha256": None,
    }
    assert new["dataset"]["name"] == "Schulung Kundenwert"
    assert new["sections"] == PERSONAS


def test_a_v1_workspace_on_disk_opens(v1_store):
    assert [(info.name, info.customers) for info in v1_store.workspaces()] == [("Kurs 2024", None)]
    workspace = v1_store.open("Kurs 2024")
    assert workspace.revision == 1
    _assert_fixture_content(workspace)


def test_saving_a_v1_workspace_writes_the_current_format(v1_store):
    workspace = v1_store.open("Kurs 2024")
    v1_store.save(workspace)
    folder = v1_store.path("Kurs 2024")
    manifest = json.loads((folder / "r000002" / "manifest.json").read_text())
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["tables"]["customers"]["rows"] == 40
    assert len(manifest["tables"]["transactions"]["sha256"]) == 64
    assert not (folder / "r000001").exists()
    _assert_fixture_content(v1_store.open("Kurs 2024"))


def test_a_v1_export_imports_as_the_current_format(tmp_path):
    store = WorkspaceStore(tmp_path / "home")
    info = import_zip(store, FIXTURES / "kurs_2024_v1.zip")
    assert (info.name, info.format_version) == ("Kurs 2024", FORMAT_VERSION)
    _assert_fixture_content(store.open("Kurs 2024"))
    manifest = json.loads((store.path("Kurs 2024") / "r000001" / "manifest.json").read_text())
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["tables"]["transactions"]["file"] == "tables/transactions.parquet"
    reexported = export_zip(store, "Kurs 2024")
    _assert_fixture_content(store.open(import_zip(store, reexported).name))
