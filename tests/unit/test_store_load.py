"""``km.load``: a sample name, a customer file (upload path) or a workspace export."""

import pandas as pd
import pytest

import kundenmodell as km
from kundenmodell import DataError
from kundenmodell.store import Workspace, WorkspaceStore, export_zip


@pytest.fixture(scope="module")
def sample():
    return km.load_sample("de")


def test_a_sample_by_name(sample):
    loaded = km.load("de")
    pd.testing.assert_frame_equal(loaded.customers, sample.customers)
    assert km.load("en").currency == "USD"


def test_a_one_row_per_purchase_export_is_split_like_an_upload(tmp_path, sample):
    export = sample.transactions.merge(sample.customers, on="customer_id", how="left")
    path = tmp_path / "Shop-Export März.csv"
    path.write_bytes(km.io.to_csv_bytes(export, "de"))
    data = km.load(path)
    assert (data.name, data.source, data.currency, data.locale) == (
        "Shop-Export März",
        "upload",
        "EUR",
        "de_DE",
    )
    assert data.n_customers == sample.transactions["customer_id"].nunique() == 511
    assert data.n_transactions == 3_219
    assert round(data.revenue, 2) == round(sample.revenue, 2)
    assert km.load(path.read_bytes(), name="Kurs").name == "Kurs"


def test_a_given_mapping_replaces_the_suggestion(tmp_path, sample):
    path = tmp_path / "kaeufe.csv"
    path.write_bytes(km.io.to_csv_bytes(sample.transactions, "de"))
    loaded = km.io.read_table(path)
    mapping = km.io.suggest_mapping(loaded.frame.columns, "auto", loaded)
    without_category = mapping.with_targets({"Kategorie": None})
    data = km.load(path, mapping=without_category)
    assert "category" not in data.transactions.columns
    assert "category" in km.load(path).transactions.columns


def test_a_workspace_export_without_storing_it(tmp_path, monkeypatch, sample):
    monkeypatch.setenv("KUNDENMODELL_HOME", str(tmp_path / "home"))
    store = WorkspaceStore(tmp_path / "trainer")
    store.save(Workspace("Kurs", sample))
    store.save(Workspace("Leer"))
    archive = tmp_path / "kurs.zip"
    archive.write_bytes(export_zip(store, "Kurs"))
    pd.testing.assert_frame_equal(km.load(archive).transactions, sample.transactions)
    pd.testing.assert_frame_equal(km.load(archive.read_bytes()).customers, sample.customers)
    assert not (tmp_path / "home").exists()
    with pytest.raises(DataError) as error:
        km.load(export_zip(store, "Leer"))
    assert (error.value.key, error.value.params) == ("error.store.load.empty", {"name": "Leer"})
    assert error.value.message("de") == "Das Projekt „Leer“ enthält noch keine Daten."


def test_the_analysis_packages_are_there_on_first_use():
    for name in ("clv", "io", "personas", "roles", "scenarios", "segments", "store", "synth"):
        assert hasattr(km, name), name
        assert name in dir(km)
    with pytest.raises(AttributeError):
        km.no_such_package  # noqa: B018 - the attribute access is the test
