"""Per-user workspace folders: hashing, isolation, sharing, and attempts to read around them."""

import hashlib
import json

import pandas as pd
import pytest

from kundenmodell import DataError, Dataset
from kundenmodell.store import Workspace, WorkspaceStore
from kundenmodell.store.spaces import (
    SHARES,
    Owner,
    TeamSpaces,
    normalise_email,
    owner_key,
    parse_emails,
)
from kundenmodell.store.workspace import directory_name

ISSUER = "https://login.example.org"
ALICE = Owner("00u1-alice", ISSUER, "alice@example.org")
BOB = Owner("00u2-bob", ISSUER, "bob@example.org")
CAROL = Owner("00u3-carol", ISSUER, "carol@example.org")


def small_dataset(customers: int) -> Dataset:
    """A hand-made data set whose size tells the projects apart."""
    frame = pd.DataFrame({"customer_id": [f"K{i:03d}" for i in range(customers)]})
    return Dataset(customers=frame, name=f"{customers} Kunden")


@pytest.fixture
def spaces(tmp_path) -> TeamSpaces:
    return TeamSpaces(tmp_path)


def _save(spaces: TeamSpaces, owner: Owner, name: str, customers: int = 5) -> None:
    spaces.store_for(owner).save(Workspace(name, small_dataset(customers)))


def test_owner_key_is_the_hash_of_issuer_and_subject():
    expected = hashlib.sha256(b"https://login.example.org\n00u1-alice").hexdigest()[:32]
    assert owner_key("00u1-alice", ISSUER) == expected == ALICE.key
    # the same subject from another provider is another person
    assert owner_key("00u1-alice", "https://other.example.org") != ALICE.key
    # the e-mail address is not part of the identity: a changed address keeps the folder
    assert Owner(ALICE.subject, ISSUER, "new@example.org").key == ALICE.key


@pytest.mark.parametrize("subject, issuer", [("", ISSUER), ("sub", ""), ("  ", " ")])
def test_an_identity_without_subject_or_issuer_is_refused(subject, issuer):
    with pytest.raises(DataError) as raised:
        owner_key(subject, issuer)
    assert raised.value.key == "auth_error.no_identity"


def test_each_user_has_a_private_folder_named_by_the_hash(spaces, tmp_path):
    store = spaces.store_for(ALICE)
    assert store.home == tmp_path / "users" / ALICE.key
    assert store.home.stat().st_mode & 0o777 == 0o700
    assert json.loads((store.home / ".owner.json").read_text()) == {"email": "alice@example.org"}


def test_users_see_only_their_own_projects(spaces):
    _save(spaces, ALICE, "Kurs März", 5)
    _save(spaces, BOB, "Kurs März", 7)  # the same name is free for everyone
    _save(spaces, BOB, "Bobs Projekt")
    assert [info.name for info in spaces.store_for(ALICE).workspaces()] == ["Kurs März"]
    assert [info.name for info in spaces.store_for(BOB).workspaces()] == [
        "Bobs Projekt",
        "Kurs März",
    ]
    assert spaces.store_for(ALICE).open("Kurs März").dataset.n_customers == 5
    assert spaces.store_for(BOB).open("Kurs März").dataset.n_customers == 7
    with pytest.raises(DataError) as raised:
        spaces.store_for(ALICE).open("Bobs Projekt")
    assert raised.value.key == "error.store.not_found"
    assert spaces.shared_with(ALICE) == [] and spaces.shared_with(BOB) == []


@pytest.mark.parametrize(
    "crafted",
    [
        "../{bob}/bobs-projekt-{digest}",
        "../../users/{bob}/bobs-projekt-{digest}",
        "/users/{bob}/bobs-projekt-{digest}",
        "{bob}",
        "bobs-projekt-{digest}",
        "..",
    ],
)
def test_a_crafted_project_name_never_leaves_the_own_folder(spaces, crafted):
    _save(spaces, BOB, "Bobs Projekt")
    digest = directory_name("Bobs Projekt").rsplit("-", 1)[1]
    name = crafted.format(bob=BOB.key, digest=digest)
    alice = spaces.store_for(ALICE)
    assert alice.path(name).parent == alice.home  # a slug and a hash, never a path
    assert not alice.exists(name)
    with pytest.raises(DataError):
        alice.open(name)


def test_sharing_by_address_shows_the_project_to_exactly_that_user(spaces):
    _save(spaces, ALICE, "Kurs März", 6)
    _save(spaces, ALICE, "Geheim")
    share = spaces.share(ALICE, "kurs märz", ("Bob@Example.org ",))
    assert share.name == "Kurs März" and share.emails == ("bob@example.org",)

    shared = spaces.shared_with(BOB)
    assert [(p.owner_key, p.owner_email, p.info.name) for p in shared] == [
        (ALICE.key, "alice@example.org", "Kurs März")
    ]
    assert spaces.open_shared(BOB, ALICE.key, "Kurs März").dataset.n_customers == 6
    assert spaces.shared_with(CAROL) == []
    with pytest.raises(DataError) as raised:
        spaces.open_shared(CAROL, ALICE.key, "Kurs März")
    assert raised.value.key == "error.store.not_found"
    # the unshared project stays private, also for the recipient of another one
    with pytest.raises(DataError):
        spaces.open_shared(BOB, ALICE.key, "Geheim")


def test_not_shared_and_not_existing_give_the_same_answer(spaces):
    _save(spaces, ALICE, "Geheim")
    answers = []
    for name in ("Geheim", "Gibt es nicht"):
        with pytest.raises(DataError) as raised:
            spaces.open_shared(BOB, ALICE.key, name)
        answers.append(raised.value.key)
    assert answers == ["error.store.not_found"] * 2


@pytest.mark.parametrize(
    "key", ["../users", "", "0" * 31, "G" * 32, "../" + "0" * 29, None, "*", "{alice}/.."]
)
def test_a_crafted_owner_key_is_refused(spaces, key):
    _save(spaces, ALICE, "Kurs")
    spaces.share(ALICE, "Kurs", ("bob@example.org",))
    crafted = key.format(alice=ALICE.key) if isinstance(key, str) else key
    with pytest.raises(DataError) as raised:
        spaces.open_shared(BOB, crafted, "Kurs")
    assert raised.value.key == "error.store.not_found"


def test_a_reader_cannot_use_the_shared_path_to_read_their_own_or_forge_the_manifest(spaces):
    _save(spaces, ALICE, "Kurs")
    spaces.share(ALICE, "Kurs", ("bob@example.org",))
    # Bob writes a manifest in his own folder that "shares" Alice's project with himself:
    # it grants nothing, because only the owner's own manifest counts.
    _save(spaces, BOB, "Anderes")
    (spaces.folder(BOB) / SHARES).write_text(
        json.dumps({directory_name("Kurs"): {"name": "Kurs", "emails": ["bob@example.org"]}})
    )
    assert [p.owner_key for p in spaces.shared_with(BOB)] == [ALICE.key]
    with pytest.raises(DataError):
        spaces.open_shared(BOB, BOB.key, "Kurs")


def test_unverified_or_missing_address_receives_nothing(spaces):
    _save(spaces, ALICE, "Kurs")
    spaces.share(ALICE, "Kurs", ("bob@example.org",))
    anonymous_bob = Owner(BOB.subject, ISSUER, None)
    assert spaces.shared_with(anonymous_bob) == []
    with pytest.raises(DataError):
        spaces.open_shared(anonymous_bob, ALICE.key, "Kurs")


def test_team_sharing_reaches_everyone_but_still_not_other_projects(spaces):
    _save(spaces, ALICE, "Für alle")
    _save(spaces, ALICE, "Privat")
    spaces.share(ALICE, "Für alle", team=True)
    for reader in (BOB, CAROL, Owner("x", ISSUER, None)):
        assert [p.info.name for p in spaces.shared_with(reader)] == ["Für alle"]
        assert spaces.open_shared(reader, ALICE.key, "Für alle").name == "Für alle"
    assert spaces.shared_with(ALICE) == []  # one's own projects are not "shared with me"


def test_sharing_again_replaces_and_empty_sharing_makes_private(spaces):
    _save(spaces, ALICE, "Kurs")
    spaces.share(ALICE, "Kurs", ("bob@example.org", "carol@example.org"))
    spaces.share(ALICE, "Kurs", ("carol@example.org", "alice@example.org"))
    assert spaces.share_of(ALICE, "Kurs").emails == ("carol@example.org",)  # not oneself
    assert spaces.shared_with(BOB) == []
    spaces.share(ALICE, "Kurs", ())
    assert spaces.shares(ALICE) == {}
    assert spaces.shared_with(CAROL) == []


def test_only_existing_own_projects_can_be_shared(spaces):
    _save(spaces, BOB, "Bobs Projekt")
    with pytest.raises(DataError) as raised:
        spaces.share(ALICE, "Bobs Projekt", ("carol@example.org",))
    assert raised.value.key == "error.store.not_found"
    assert spaces.shared_with(CAROL) == []


def test_delete_removes_the_project_and_its_sharing(spaces):
    _save(spaces, ALICE, "Kurs")
    spaces.share(ALICE, "Kurs", ("bob@example.org",))
    folder = spaces.store_for(ALICE).path("Kurs")
    spaces.delete(ALICE, "Kurs")
    assert not folder.exists()
    assert spaces.shares(ALICE) == {}
    assert spaces.shared_with(BOB) == []
    with pytest.raises(DataError):
        spaces.open_shared(BOB, ALICE.key, "Kurs")


def test_a_project_deleted_behind_the_manifest_is_not_listed(spaces):
    _save(spaces, ALICE, "Kurs")
    spaces.share(ALICE, "Kurs", ("bob@example.org",))
    spaces.store_for(ALICE).delete("Kurs")  # e.g. from a notebook, manifest left behind
    assert spaces.shared_with(BOB) == []


def test_a_damaged_sharing_manifest_shares_nothing(spaces):
    _save(spaces, ALICE, "Kurs")
    for content in ("{not json", "[1, 2]", json.dumps({"x": "y"}), json.dumps({"x": {"a": 1}})):
        (spaces.folder(ALICE) / SHARES).write_text(content)
        assert spaces.shares(ALICE) == {}
        assert spaces.shared_with(BOB) == []


def test_metadata_files_do_not_appear_as_projects(spaces):
    _save(spaces, ALICE, "Kurs")
    spaces.share(ALICE, "Kurs", ("bob@example.org",))
    assert [info.name for info in spaces.store_for(ALICE).workspaces()] == ["Kurs"]


def test_the_laptop_folder_is_not_visible_to_logged_in_users(tmp_path):
    WorkspaceStore(tmp_path).save(Workspace("Laptop", small_dataset(3)))
    spaces = TeamSpaces(tmp_path)
    assert spaces.store_for(ALICE).workspaces() == []
    assert spaces.shared_with(ALICE) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a@b.de", ("a@b.de",)),
        (" A@B.de, c@d.no;e@f.com\nA@b.DE ", ("a@b.de", "c@d.no", "e@f.com")),
        ("", ()),
    ],
)
def test_parse_emails(text, expected):
    assert parse_emails(text) == expected


@pytest.mark.parametrize("bad", ["bob", "bob@", "@x.de", "a@b", "a@@b.de", "<a@b.de>", "a@b.de'"])
def test_bad_addresses_are_refused_with_the_address(bad):
    with pytest.raises(DataError) as raised:
        normalise_email(bad)
    assert raised.value.key == "auth_error.bad_email"
    assert raised.value.params["address"] == bad


def test_too_many_recipients():
    with pytest.raises(DataError) as raised:
        parse_emails(",".join(f"u{i}@x.de" for i in range(51)))
    assert raised.value.key == "auth_error.too_many"
