"""Saved workspaces: every part comes back exactly, revisions, concurrency, delete, names."""

import json
import os
import threading

import numpy as np
import pandas as pd
import pytest

import kundenmodell as km
from kundenmodell import DataError
from kundenmodell.store import Workspace, WorkspaceStore
from kundenmodell.store.workspace import directory_name


@pytest.fixture(scope="module")
def synthetic():
    return km.synth.generate(1_500, locale="de_DE", seed=4)


@pytest.fixture
def store(tmp_path):
    return WorkspaceStore(tmp_path / "home")


SECTIONS = {
    "personas": {"edits": {"family": {"name": "Familie Schmidt", "age": 38}}, "order": [2, 1]},
    "scenarios": {"saved": {"Plan A": {"retention_budget": 5000.0, "months": 24}}},
    "upload": {"pseudonym_key": "3f9a", "privacy": "pseudonymise"},
}
PARTS = {
    "mapping": {"columns": {"Kunden-Nr.": "customer_id", "Umsatz": "amount"}, "version": 1},
    "settings": {"autosave": True, "threshold": 0.5, "note": None},
}


def _assert_same_dataset(original, loaded):
    for table in ("customers", "transactions", "interactions"):
        pd.testing.assert_frame_equal(getattr(original, table), getattr(loaded, table))
    pd.testing.assert_series_equal(original.truth, loaded.truth)
    assert loaded.truth_params == original.truth_params
    for field in ("name", "source", "currency", "locale", "created"):
        assert getattr(loaded, field) == getattr(original, field), field


def test_every_part_round_trips_exactly(store, synthetic):
    workspace = Workspace("Kurs März", synthetic, sections=SECTIONS, parts=PARTS)
    result = store.save(workspace)
    assert (result.info.revision, result.overwritten, workspace.revision) == (1, None, 1)
    assert result.info.customers == 1_500
    assert result.info.transactions == synthetic.n_transactions

    loaded = store.open("Kurs März")
    _assert_same_dataset(synthetic, loaded.dataset)
    assert loaded.dataset.customers["birth_date"].dtype == "datetime64[s]"
    assert isinstance(loaded.dataset.customers["status"].dtype, pd.CategoricalDtype)
    assert list(loaded.dataset.truth.cat.categories) == list(synthetic.truth.cat.categories)
    assert loaded.sections == SECTIONS
    assert loaded.parts == PARTS
    assert (loaded.name, loaded.revision) == ("Kurs März", 1)
    assert loaded.dataset.revenue == pytest.approx(synthetic.revenue, rel=1e-15)


def test_uploaded_style_dtypes_round_trip(store):
    sample = km.load_sample("de")
    store.save(Workspace("Beispiel", sample))
    loaded = store.open("Beispiel").dataset
    pd.testing.assert_frame_equal(sample.customers, loaded.customers)
    pd.testing.assert_frame_equal(sample.transactions, loaded.transactions)
    assert loaded.interactions is None and loaded.truth is None and loaded.truth_params is None
    assert loaded.customers["nps_score"].dtype == "Int64"
    assert loaded.customers["nps_score"].isna().sum() == sample.customers["nps_score"].isna().sum()


def test_empty_purchases_and_a_workspace_without_data(store):
    customers = pd.DataFrame({"customer_id": ["K1", "K2"], "city": ["Köln", None]})
    data = km.Dataset(customers=customers, name="zwei", currency="NOK", locale="nb_NO")
    store.save(Workspace("Zwei Kunden", data))
    loaded = store.open("zwei kunden").dataset
    pd.testing.assert_frame_equal(loaded.customers, customers)
    assert loaded.n_transactions == 0 and (loaded.currency, loaded.locale) == ("NOK", "nb_NO")

    store.save(Workspace("Leer", sections={"personas": {"x": 1}}))
    empty = store.open("Leer")
    assert empty.dataset is None and empty.sections == {"personas": {"x": 1}}
    assert store.info("Leer").customers is None


def test_a_save_is_a_new_revision_and_the_old_one_is_removed(store, synthetic):
    workspace = Workspace("Rev", synthetic)
    store.save(workspace)
    workspace.sections = {"personas": {"note": "zwei"}}
    second = store.save(workspace)
    assert second.info.revision == workspace.revision == 2
    entries = sorted(path.name for path in store.path("Rev").iterdir())
    assert entries == [".lock", "CURRENT", "r000002"]
    assert (store.path("Rev") / "CURRENT").read_text() == "r000002"
    assert store.open("Rev").sections == {"personas": {"note": "zwei"}}


def test_unchanged_tables_are_linked_not_written_again(store, synthetic):
    workspace = Workspace("Link", synthetic)
    store.save(workspace)
    before = store.path("Link") / "r000001" / "tables" / "transactions.parquet"
    inode = before.stat().st_ino
    workspace.sections = {"personas": {"edited": True}}
    store.save(workspace, same_tables_as=1)
    after = store.path("Link") / "r000002" / "tables" / "transactions.parquet"
    assert after.stat().st_ino == inode  # hard link: no byte of the table was rewritten
    loaded = store.open("Link")
    _assert_same_dataset(synthetic, loaded.dataset)
    assert loaded.sections == {"personas": {"edited": True}}


def test_stale_table_hint_falls_back_to_writing(store, synthetic):
    other = km.synth.generate(300, seed=9)
    first = Workspace("Hint", synthetic)
    store.save(first)
    store.save(Workspace("Hint", other, revision=1))  # someone else: revision 2
    first.dataset = synthetic
    store.save(first, same_tables_as=1)  # revision 1 is gone: must write the tables
    pd.testing.assert_frame_equal(store.open("Hint").dataset.customers, synthetic.customers)


def test_last_writer_wins_and_reports_what_it_replaced(store, synthetic):
    store.save(Workspace("Geteilt", synthetic))
    tab_a, tab_b = store.open("Geteilt"), store.open("Geteilt")
    tab_a.sections = {"personas": {"by": "A"}}
    assert store.save(tab_a).overwritten is None
    tab_b.sections = {"personas": {"by": "B"}}
    result = store.save(tab_b)
    assert result.overwritten == 2 and result.info.revision == 3
    assert store.open("Geteilt").sections == {"personas": {"by": "B"}}
    assert store.save(Workspace("Geteilt")).overwritten == 3  # a fresh save-as over it


def test_concurrent_saves_never_corrupt(store):
    small = [km.synth.generate(200, seed=seed) for seed in (1, 2)]
    errors = []

    def saver(index):
        try:
            for round_ in range(5):
                sections = {"writer": {"index": index, "round": round_}}
                store.save(Workspace("Parallel", small[index], sections=sections))
        except Exception as error:  # collected, asserted below
            errors.append(error)

    threads = [threading.Thread(target=saver, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    loaded = store.open("Parallel")
    assert loaded.revision == 10
    index = loaded.sections["writer"]["index"]
    pd.testing.assert_frame_equal(loaded.dataset.customers, small[index].customers)
    assert len(list(store.path("Parallel").glob("r*"))) == 1


def test_delete_removes_everything(store, synthetic):
    store.save(Workspace("Weg damit", synthetic, sections=SECTIONS))
    store.save(Workspace("Bleibt", km.synth.generate(50, seed=1)))
    folder = store.path("Weg damit")
    assert folder.is_dir()
    store.delete("Weg damit")
    assert not folder.exists()
    remaining = [path.relative_to(store.home).parts[0] for path in store.home.rglob("*")]
    assert set(remaining) == {directory_name("Bleibt")}
    with pytest.raises(DataError) as error:
        store.open("Weg damit")
    assert error.value.key == "error.store.not_found"
    with pytest.raises(DataError) as error:
        store.delete("Weg damit")
    assert error.value.key == "error.store.not_found"
    assert [info.name for info in store.workspaces()] == ["Bleibt"]


def test_duplicate_is_independent_of_the_original(store, synthetic):
    store.save(Workspace("Vorlage", synthetic, sections=SECTIONS, parts=PARTS))
    info = store.duplicate("Vorlage", "Kurs B")
    assert (info.name, info.revision) == ("Kurs B", 1)
    store.delete("Vorlage")
    copy = store.open("Kurs B")
    _assert_same_dataset(synthetic, copy.dataset)
    assert (copy.sections, copy.parts) == (SECTIONS, PARTS)
    with pytest.raises(DataError) as error:
        store.duplicate("Kurs B", "kurs b")
    assert error.value.key == "error.store.exists"


def test_listing_sorts_by_name_and_skips_unfinished_folders(store):
    for name in ("beta", "Alpha", "gamma"):
        store.save(Workspace(name, km.synth.generate(20, seed=1)))
    (store.home / "half-written-0000").mkdir()  # a first save killed before its commit
    (store.home / ".import-123").mkdir()
    assert [info.name for info in store.workspaces()] == ["Alpha", "beta", "gamma"]
    assert WorkspaceStore(store.home / "nowhere").workspaces() == []


@pytest.mark.parametrize("name", ["", "   ", "x" * 81, "Kurs\nMärz", "a\u200bb"])
def test_bad_names_are_refused(store, name):
    with pytest.raises(DataError) as error:
        store.save(Workspace(name))
    assert error.value.key == "error.store.invalid_name"
    assert error.value.params == {"maximum": 80}


def test_folder_names_are_readable_distinct_and_case_blind():
    assert directory_name("Kurs März 2025").startswith("kurs-marz-2025-")
    assert directory_name("Kurs A") != directory_name("Kurs-A")
    assert directory_name("Kurs A") == directory_name("kurs a ")
    assert directory_name("../../etc").startswith("etc-")
    assert directory_name("日本").startswith("workspace-")


@pytest.mark.parametrize(
    ("sections", "parts", "part"),
    [
        ({"personas": {"when": pd.Timestamp("2025-01-01")}}, {}, "personas"),
        ({}, {"settings": {"share": float("nan")}}, "settings"),
        ({}, {"mapping": {"n": np.int64(3)}}, "mapping"),
    ],
)
def test_state_that_is_not_json_is_refused_by_name(store, sections, parts, part):
    with pytest.raises(DataError) as error:
        store.save(Workspace("JSON", sections=sections, parts=parts))
    assert (error.value.key, error.value.params) == ("error.store.not_json", {"part": part})
    assert not store.exists("JSON")


def test_the_manifest_is_plain_json_with_checksums(store, synthetic):
    store.save(Workspace("Lesbar", synthetic))
    manifest = json.loads((store.path("Lesbar") / "r000001" / "manifest.json").read_text())
    assert (manifest["format"], manifest["format_version"]) == ("kundenmodell-workspace", 2)
    assert set(manifest["tables"]) == {"customers", "transactions", "interactions", "truth"}
    entry = manifest["tables"]["transactions"]
    assert entry["rows"] == synthetic.n_transactions and len(entry["sha256"]) == 64
    assert manifest["dataset"]["created"] == synthetic.created.isoformat()


def test_the_data_directory_comes_from_the_environment(tmp_path, monkeypatch, synthetic):
    monkeypatch.setenv("KUNDENMODELL_HOME", str(tmp_path / "env-home"))
    km.store.save(Workspace("Notizbuch", synthetic))
    assert km.store.open("Notizbuch").dataset.n_customers == 1_500
    assert [info.name for info in km.store.workspaces()] == ["Notizbuch"]
    assert (tmp_path / "env-home" / directory_name("Notizbuch")).is_dir()
    km.store.delete("Notizbuch")
    assert km.store.workspaces() == []
    monkeypatch.delenv("KUNDENMODELL_HOME")
    assert km.store.default_home() == km.store.workspace.DEFAULT_HOME.expanduser()


def test_workspace_folders_are_private_to_their_owner(store):
    store.save(Workspace("Privat"))
    assert os.stat(store.path("Privat")).st_mode & 0o077 == 0


def test_a_failed_save_leaves_no_debris_and_the_previous_version(store, synthetic):
    unsavable = km.Dataset(customers=pd.DataFrame({"customer_id": ["K1", 2]}))  # mixed types
    with pytest.raises(Exception, match="customer_id"):
        store.save(Workspace("Neu", unsavable))
    assert not store.path("Neu").exists()

    store.save(Workspace("Alt", synthetic))
    with pytest.raises(Exception, match="customer_id"):
        store.save(Workspace("Alt", unsavable))
    assert sorted(path.name for path in store.path("Alt").iterdir()) == [
        ".lock",
        "CURRENT",
        "r000001",
    ]
    assert store.open("Alt").dataset.n_customers == 1_500
