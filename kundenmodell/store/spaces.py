"""Per-user workspace folders on a team server, and projects shared on purpose.

On a server with login, every user (an OpenID Connect identity) gets a private
:class:`~kundenmodell.store.WorkspaceStore` of their own::

    <home>/
      users/
        <owner key>/             sha256(issuer, subject)[:32]: one folder per identity
          .owner.json            {"email": ...}: who this folder belongs to, for "shared by"
          .shares.json           sharing manifest: {<workspace folder>: {"name", "emails", "team"}}
          kurs-marz-1a2b3c4d/    the workspaces, laid out as in kundenmodell.store.workspace

The folder is keyed by the *subject* claim together with the *issuer*, the two claims OpenID
Connect guarantees to be stable and unique for a person (an e-mail address can change or be
reused). The key is a hash, so no folder name is ever built from text a user typed: project
names become folder names through :func:`~kundenmodell.store.workspace.directory_name` (a slug
plus a hash), and owner keys that come back from a browser are checked against
:data:`OWNER_KEY`. A user reads another user's project only when that user's sharing manifest
names the project and the reader's e-mail address (or the whole team); otherwise it is "not
found", exactly as for a project that does not exist.

Without login (a laptop) none of this is used: the app keeps one local folder.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kundenmodell.errors import DataError
from kundenmodell.store.atomic import locked, write_bytes_atomically
from kundenmodell.store.workspace import (
    Workspace,
    WorkspaceInfo,
    WorkspaceStore,
    check_name,
    default_home,
    directory_name,
)

USERS = "users"
PROFILE = ".owner.json"
SHARES = ".shares.json"
OWNER_KEY = re.compile(r"^[0-9a-f]{32}$")
# Deliberately plain: one "@", no spaces or separators; the provider's claim is the authority.
_EMAIL = re.compile(r"^[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[^@\s,;<>\"']+$")
MAX_RECIPIENTS = 50


def owner_key(subject: str, issuer: str) -> str:
    """The folder key of a login identity: ``sha256(issuer + "\\n" + subject)``, 32 hex digits.

    Both claims are needed: two providers may hand out the same subject to different people."""
    if not str(subject).strip() or not str(issuer).strip():
        raise DataError("auth_error.no_identity")
    return hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()[:32]


def normalise_email(address: str) -> str:
    """``address`` trimmed and case-folded; ``auth_error.bad_email`` when it is not one."""
    cleaned = str(address).strip().casefold()
    if not _EMAIL.match(cleaned) or len(cleaned) > 254:
        raise DataError("auth_error.bad_email", address=str(address).strip()[:80])
    return cleaned


def parse_emails(text: str) -> tuple[str, ...]:
    """The addresses in ``text`` (separated by commas, semicolons, spaces or new lines),
    normalised, without repeats, in the order given."""
    found: dict[str, None] = {}
    for part in re.split(r"[,;\s]+", str(text)):
        if part:
            found[normalise_email(part)] = None
    if len(found) > MAX_RECIPIENTS:
        raise DataError("auth_error.too_many", maximum=MAX_RECIPIENTS)
    return tuple(found)


@dataclass(frozen=True)
class Owner:
    """A logged-in person: the stable ``subject`` and ``issuer`` claims and, when the provider
    vouches for it, the e-mail address that others share with (None: cannot receive shares)."""

    subject: str
    issuer: str
    email: str | None = None

    @property
    def key(self) -> str:
        """The folder key, :func:`owner_key`."""
        return owner_key(self.subject, self.issuer)


@dataclass(frozen=True)
class Share:
    """Who may read one project besides its owner: named addresses, and/or the whole team."""

    name: str
    emails: tuple[str, ...] = ()
    team: bool = False


@dataclass(frozen=True)
class SharedProject:
    """A project someone else shared with the reader."""

    owner_key: str
    owner_email: str | None
    info: WorkspaceInfo


class TeamSpaces:
    """The per-user workspace folders under ``home/users`` (default :func:`default_home`)."""

    def __init__(self, home: Path | str | None = None) -> None:
        self.home = Path(home).expanduser() if home is not None else default_home()
        self.users = self.home / USERS

    # --- one's own space ----------------------------------------------------------------
    def folder(self, owner: Owner) -> Path:
        """The private folder of ``owner`` (whether or not it exists yet)."""
        return self.users / owner.key

    def store_for(self, owner: Owner) -> WorkspaceStore:
        """``owner``'s own workspaces. Creates the folder (readable by the server account only)
        and records the owner's e-mail address, which recipients see as "shared by"."""
        folder = self.folder(owner)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        profile = {"email": owner.email}
        if _read_json(folder / PROFILE) != profile:
            write_bytes_atomically(folder / PROFILE, json.dumps(profile).encode("utf-8"))
        return WorkspaceStore(folder)

    # --- the sharing manifest -----------------------------------------------------------
    def shares(self, owner: Owner) -> dict[str, Share]:
        """``owner``'s sharing manifest: workspace folder name → :class:`Share`."""
        return _read_shares(self.folder(owner))

    def share_of(self, owner: Owner, name: str) -> Share:
        """Whom ``owner`` shares project ``name`` with (nobody: an empty :class:`Share`)."""
        return self.shares(owner).get(directory_name(name), Share(check_name(name)))

    def share(
        self, owner: Owner, name: str, emails: tuple[str, ...] = (), *, team: bool = False
    ) -> Share:
        """Let exactly ``emails`` (and everyone who logs in, when ``team``) read ``owner``'s
        project ``name``; replaces the previous sharing of that project. No one: unshared."""
        store = self.store_for(owner)
        info = store.info(name)  # error.store.not_found unless it exists
        share = Share(info.name, tuple(normalise_email(e) for e in emails), bool(team))
        if owner.email is not None:
            share = Share(share.name, tuple(e for e in share.emails if e != owner.email), team)
        self._update(owner, directory_name(info.name), share if share.emails or team else None)
        return share

    def delete(self, owner: Owner, name: str) -> None:
        """Delete ``owner``'s project ``name`` for good and stop sharing it."""
        self.store_for(owner).delete(name)
        self._update(owner, directory_name(name), None)

    def _update(self, owner: Owner, directory: str, share: Share | None) -> None:
        folder = self.folder(owner)
        with locked(folder, create=True):
            shares = _read_shares(folder)
            shares.pop(directory, None)
            if share is not None:
                shares[directory] = share
            document = {
                key: {"name": s.name, "emails": list(s.emails), "team": s.team}
                for key, s in sorted(shares.items())
            }
            write_bytes_atomically(folder / SHARES, json.dumps(document, indent=1).encode())

    # --- what others shared --------------------------------------------------------------
    def shared_with(self, reader: Owner) -> list[SharedProject]:
        """The projects other users share with ``reader`` (by e-mail address or with the
        team), sorted by name; projects deleted meanwhile are left out."""
        if not self.users.is_dir():
            return []
        found = []
        for folder in self.users.iterdir():
            if folder.name == reader.key or not OWNER_KEY.match(folder.name):
                continue
            for directory, share in _read_shares(folder).items():
                if not _may_read(share, reader):
                    continue
                store = WorkspaceStore(folder)
                try:
                    info = store.info(share.name)
                except (DataError, OSError):
                    continue
                if info.path.name == directory:
                    email = (_read_json(folder / PROFILE) or {}).get("email")
                    found.append(SharedProject(folder.name, email, info))
        return sorted(found, key=lambda project: project.info.name.casefold())

    def open_shared(self, reader: Owner, key: str, name: str) -> Workspace:
        """Open the project ``name`` of the user with folder key ``key`` for ``reader``.

        ``error.store.not_found`` unless that user shares it with ``reader`` — the same answer
        as for a project that does not exist, so nobody learns what others have."""
        folder = self._shared_folder(reader, key, name)
        return WorkspaceStore(folder).open(name)

    def export_shared(self, reader: Owner, key: str, name: str) -> tuple[WorkspaceStore, str]:
        """The store and exact name to export ``key``'s project ``name`` for ``reader``;
        the same check as :meth:`open_shared`."""
        folder = self._shared_folder(reader, key, name)
        return WorkspaceStore(folder), name

    def _shared_folder(self, reader: Owner, key: str, name: str) -> Path:
        if not isinstance(key, str) or not OWNER_KEY.match(key) or key == reader.key:
            raise DataError("error.store.not_found", name=str(name)[:80])
        folder = self.users / key
        share = _read_shares(folder).get(directory_name(name))
        if share is None or not _may_read(share, reader):
            raise DataError("error.store.not_found", name=check_name(name))
        return folder


def _may_read(share: Share, reader: Owner) -> bool:
    return share.team or (reader.email is not None and reader.email in share.emails)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None


def _read_shares(folder: Path) -> dict[str, Share]:
    """The sharing manifest of a user folder; a missing or damaged one shares nothing."""
    document = _read_json(folder / SHARES)
    if not isinstance(document, dict):
        return {}
    shares = {}
    for directory, entry in document.items():
        try:
            emails = tuple(str(e) for e in entry.get("emails", []))
            shares[str(directory)] = Share(str(entry["name"]), emails, entry.get("team") is True)
        except (AttributeError, KeyError, TypeError):
            continue
    return shares
