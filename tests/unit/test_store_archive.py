"""Export and import of a whole workspace; files that are not ours are refused by key."""

import io
import json
import stat
import zipfile

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kundenmodell as km
from kundenmodell import DataError
from kundenmodell.store import Workspace, WorkspaceStore, export_to, export_zip, import_zip
from kundenmodell.store.workspace import check_name, directory_name

SECTIONS = {"personas": {"edits": {"family": "Familie Schmidt"}}, "scenarios": {"n": 2}}
PARTS = {"mapping": {"Kunden-Nr.": "customer_id"}, "settings": {"autosave": False}}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """An export of a small synthetic workspace, and the data set it holds."""
    data = km.synth.generate(300, seed=5)
    store = WorkspaceStore(tmp_path_factory.mktemp("source"))
    store.save(Workspace("Kurs März", data, sections=SECTIONS, parts=PARTS))
    return export_zip(store, "Kurs März"), data


@pytest.fixture
def store(tmp_path):
    return WorkspaceStore(tmp_path / "home")


def _members(archive: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        return {info.filename: source.read(info) for info in source.infolist()}


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _with_manifest(archive: bytes, change) -> bytes:
    members = _members(archive)
    manifest = json.loads(members["manifest.json"])
    change(manifest)
    members["manifest.json"] = json.dumps(manifest).encode()
    return _zip(members)


def _refused(store, archive, key, **limits):
    with pytest.raises(DataError) as error:
        import_zip(store, archive, **limits)
    assert error.value.key == key
    assert store.workspaces() == []
    assert not store.home.exists() or not any(store.home.iterdir()), "nothing may stay behind"
    return error.value


def test_export_holds_exactly_the_manifest_and_the_tables(exported):
    archive, _ = exported
    assert sorted(_members(archive)) == [
        "manifest.json",
        "tables/customers.parquet",
        "tables/interactions.parquet",
        "tables/transactions.parquet",
        "tables/truth.parquet",
    ]


def test_import_brings_back_every_part(store, exported):
    archive, data = exported
    info = import_zip(store, archive)
    assert (info.name, info.revision, info.customers) == ("Kurs März", 1, 300)
    loaded = store.open("Kurs März")
    for table in ("customers", "transactions", "interactions"):
        pd.testing.assert_frame_equal(getattr(loaded.dataset, table), getattr(data, table))
    pd.testing.assert_series_equal(loaded.dataset.truth, data.truth)
    assert loaded.dataset.truth_params == data.truth_params
    assert (loaded.sections, loaded.parts) == (SECTIONS, PARTS)


def test_import_never_overwrites_and_can_be_renamed(store, exported):
    archive, _ = exported
    assert import_zip(store, archive).name == "Kurs März"
    assert import_zip(store, archive).name == "Kurs März (2)"
    assert import_zip(store, archive).name == "Kurs März (3)"
    assert import_zip(store, archive, name="Gruppe B").name == "Gruppe B"
    assert len(store.workspaces()) == 4


def test_export_to_a_file_and_import_from_its_path(tmp_path, store, exported):
    archive, _ = exported
    import_zip(store, archive)
    target = export_to(store, "Kurs März", tmp_path / "kurs.zip")
    other = WorkspaceStore(tmp_path / "laptop")
    assert import_zip(other, target).name == "Kurs März"
    assert other.open("Kurs März").sections == SECTIONS


@pytest.mark.parametrize(
    "content",
    [b"", b"Kundennummer;Umsatz\nK1;12,50\n", b"PK\x03\x04 truncated", b"\x89PNG\r\n\x1a\n"],
)
def test_not_a_zip(store, content):
    _refused(store, content, "error.store.not_a_zip")


def test_too_large_a_file(store, exported):
    _refused(store, exported[0], "error.store.too_large", max_bytes=1000)


def test_too_many_unpacked_bytes(store, exported):
    _refused(store, exported[0], "error.store.too_large", max_unpacked=10_000)


def test_zip_bomb(store):
    bomb = _zip(
        {"manifest.json": b"{}", "tables/customers.parquet": bytes(20_000_000)},
        zipfile.ZIP_DEFLATED,
    )
    assert len(bomb) < 100_000
    _refused(store, bomb, "error.store.too_large")


def test_too_many_members(store):
    _refused(store, _zip({f"f{i}.txt": b"x" for i in range(40)}), "error.store.too_large")


@pytest.mark.parametrize(
    "member",
    [
        "../evil.parquet",
        "/etc/cron.d/x",
        "tables/../../x",
        "tables\\customers.parquet",
        "C:/Windows/x",
        "./manifest.json",
    ],
)
def test_path_traversal_names(store, exported, member):
    members = _members(exported[0])
    members[member] = b"x"
    error = _refused(store, _zip(members), "error.store.unsafe_path")
    assert error.params == {"file": member}


def test_symbolic_links(store, exported):
    buffer = io.BytesIO(exported[0])
    with zipfile.ZipFile(buffer, "a") as archive:
        link = zipfile.ZipInfo("tables/link.parquet")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    _refused(store, buffer.getvalue(), "error.store.unsafe_path")


def test_missing_manifest(store, exported):
    members = _members(exported[0])
    del members["manifest.json"]
    _refused(store, _zip(members), "error.store.missing_manifest")


@pytest.mark.parametrize(
    "manifest",
    [
        b"not json {",
        b"[1, 2]",
        json.dumps({"format": "other-tool", "version": 2}).encode(),
        json.dumps({"name": "Kurs"}).encode(),
        "Kurs".encode("utf-16"),
    ],
)
def test_foreign_manifest(store, exported, manifest):
    members = _members(exported[0])
    members["manifest.json"] = manifest
    _refused(store, _zip(members), "error.store.foreign")


def test_newer_unknown_version(store, exported):
    newer = _with_manifest(exported[0], lambda m: m.update(format_version=3))
    error = _refused(store, newer, "error.store.newer_version")
    assert error.params == {"version": 3, "supported": 2}
    assert error.message("de").startswith("Dieses Projekt stammt aus einer neueren Version")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda m: m.pop("tables"), "tables"),
        (lambda m: m.update(revision="drei"), "revision"),
        (lambda m: m["dataset"].update(source="cloud"), "dataset/source"),
        (
            lambda m: m["tables"]["customers"].update(file="../customers.parquet"),
            "tables/customers/file",
        ),
        (
            lambda m: m["tables"]["customers"].update(file="tables/transactions.parquet"),
            "tables/customers/file",
        ),
        (lambda m: m["tables"].update(secrets=m["tables"].pop("truth")), "tables/secrets"),
        (lambda m: m.update(sections={"personas": [1, 2]}), "sections/personas"),
    ],
)
def test_malformed_manifest_names_the_field(store, exported, change, field):
    error = _refused(store, _with_manifest(exported[0], change), "error.store.bad_manifest")
    assert error.params == {"field": field}


def test_files_the_manifest_does_not_list(store, exported):
    members = _members(exported[0])
    members["tables/notes.txt"] = b"hello"
    error = _refused(store, _zip(members), "error.store.unexpected_file")
    assert error.params == {"file": "tables/notes.txt"}


def test_corrupt_parquet_bytes(store, exported):
    members = _members(exported[0])
    table = bytearray(members["tables/transactions.parquet"])
    table[len(table) // 2] ^= 0xFF
    members["tables/transactions.parquet"] = bytes(table)
    error = _refused(store, _zip(members), "error.store.corrupt")
    assert error.params == {"file": "tables/transactions.parquet"}


def test_garbage_with_a_matching_checksum_is_still_refused(store, exported):
    import hashlib

    garbage = b"PAR1" + b"\x00" * 100 + b"PAR1"
    members = _members(exported[0])
    members["tables/customers.parquet"] = garbage
    manifest = json.loads(members["manifest.json"])
    manifest["tables"]["customers"].update(
        sha256=hashlib.sha256(garbage).hexdigest(), bytes=len(garbage)
    )
    members["manifest.json"] = json.dumps(manifest).encode()
    _refused(store, _zip(members), "error.store.corrupt")


def test_a_listed_table_that_is_missing(store, exported):
    members = _members(exported[0])
    del members["tables/truth.parquet"]
    error = _refused(store, _zip(members), "error.store.corrupt")
    assert error.params == {"file": "tables/truth.parquet"}


def test_row_count_that_disagrees(store, exported):
    wrong = _with_manifest(exported[0], lambda m: m["tables"]["customers"].update(rows=299))
    _refused(store, wrong, "error.store.corrupt")


def test_a_damaged_table_on_disk_is_refused_when_opened(store, exported):
    import_zip(store, exported[0])
    table = store.path("Kurs März") / "r000001" / "tables" / "customers.parquet"
    table.write_bytes(table.read_bytes()[:-100])
    with pytest.raises(DataError) as error:
        store.open("Kurs März")
    assert (error.value.key, error.value.params) == (
        "error.store.corrupt",
        {"file": "tables/customers.parquet"},
    )


@given(st.text(min_size=1, max_size=80))
def test_every_accepted_name_maps_to_a_safe_folder(name):
    try:
        cleaned = check_name(name)
    except DataError as error:
        assert error.key == "error.store.invalid_name"
        return
    folder = directory_name(cleaned)
    assert all(char.isascii() and (char.isalnum() or char == "-") for char in folder)
    assert folder == folder.lower() and len(folder) <= 49 and not folder.startswith("-")
    swapped = cleaned.swapcase()
    if swapped.casefold() == cleaned.casefold() and len(swapped) <= 80:
        assert directory_name(swapped) == folder  # case never makes a second workspace


def test_spellings_that_fold_alike_are_one_workspace():
    assert directory_name("Straße") == directory_name("STRASSE") == directory_name("strasse")


def test_reading_an_export_keeps_nothing_on_disk(tmp_path, monkeypatch, exported):
    from kundenmodell.store import read_zip

    monkeypatch.setenv("KUNDENMODELL_HOME", str(tmp_path / "home"))
    archive, data = exported
    workspace = read_zip(archive)
    assert (workspace.name, workspace.revision) == ("Kurs März", 0)
    pd.testing.assert_frame_equal(workspace.dataset.transactions, data.transactions)
    assert (workspace.sections, workspace.parts) == (SECTIONS, PARTS)
    assert not (tmp_path / "home").exists()
    with pytest.raises(DataError) as error:
        read_zip(b"Kundennummer;Umsatz\n")
    assert error.value.key == "error.store.not_a_zip"
