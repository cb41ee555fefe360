"""Named workspaces on local disk: save, open, list, duplicate, delete.

Layout of the data directory (see :func:`default_home`)::

    <home>/
      kurs-marz-2025-1a2b3c4d/       one directory per workspace (slug of the name + hash)
        .lock                        flock target: one writer at a time
        CURRENT                      "r000003": the committed revision (the commit point)
        r000003/
          manifest.json
          tables/customers.parquet, transactions.parquet, ...

A save writes a complete new revision into ``.tmp-<random>/``, fsyncs it, renames it to
``r<next>/`` and then atomically replaces ``CURRENT``. Until that last rename, every reader
sees the previous revision, whole; a save killed at any point leaves at most an orphan
directory that the next save removes. The previous revision is deleted only after the switch.

Concurrency (two browser tabs, or the app and a notebook): a lock file serialises the writes,
so two saves never interleave; the policy between them is *last writer wins, with a warning* —
every :class:`Workspace` remembers the revision it was opened or saved at, and a save that
finds a newer revision on disk replaces it and reports that in :attr:`SaveResult.overwritten`,
which the app shows as a warning.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kundenmodell.dataset import Dataset
from kundenmodell.errors import DataError
from kundenmodell.store import manifest as mf
from kundenmodell.store.atomic import (
    LOCK_FILE,
    fsync_path,
    fsync_tree,
    link_or_copy,
    locked,
    remove,
    write_bytes_atomically,
)
from kundenmodell.store.tables import read_stored_table, write_table

HOME_VARIABLE = "KUNDENMODELL_HOME"
DEFAULT_HOME = Path("~/.kundenmodell/workspaces")
CURRENT = "CURRENT"
MAX_NAME_LENGTH = 80
_REVISION = re.compile(r"^r(\d{6})$")


def default_home() -> Path:
    """The data directory: ``$KUNDENMODELL_HOME`` if set, else ``~/.kundenmodell/workspaces``."""
    return Path(os.environ.get(HOME_VARIABLE) or DEFAULT_HOME).expanduser()


def check_name(name: str) -> str:
    """A workspace name, trimmed; ``error.store.invalid_name`` when it is empty, too long or
    contains control characters."""
    cleaned = str(name).strip()
    if (
        not cleaned
        or len(cleaned) > MAX_NAME_LENGTH
        or any(unicodedata.category(char) in ("Cc", "Cf") for char in cleaned)
    ):
        raise DataError("error.store.invalid_name", maximum=MAX_NAME_LENGTH)
    return cleaned


def slug(name: str) -> str:
    """A file-name-safe form of a workspace name: ``"Kurs März 2025"`` → ``kurs-marz-2025``."""
    ascii_name = unicodedata.normalize("NFKD", check_name(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40].strip("-") or "workspace"


def directory_name(name: str) -> str:
    """The folder of workspace ``name``: its :func:`slug` plus a hash of the case-folded name.

    ``"Kurs März 2025"`` → ``kurs-marz-2025-<8 hex>``. The slug keeps the folder recognisable in
    a file manager; the hash keeps names apart that slug alike (``Kurs A`` and ``Kurs-A``).
    Names that differ only in case are the same workspace.
    """
    folded = check_name(name).casefold()
    digest = hashlib.sha256(folded.encode("utf-8")).hexdigest()[:8]
    return f"{slug(folded)}-{digest}"


def revision_directory(revision: int) -> str:
    """The folder name of a revision: ``r000003``."""
    return f"r{revision:06d}"


def _revision_of(revision_dir: Path) -> int:
    return int(revision_dir.name[1:])


@dataclass
class Workspace:
    """Everything a saved workspace holds.

    ``sections`` are the pages' JSON state (``ui.session.workspace_state``: persona edits,
    named scenarios, ...), ``parts`` further named JSON documents (column mapping, settings).
    ``revision`` is the revision this object was opened or last saved at (0: never saved).
    """

    name: str
    dataset: Dataset | None = None
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    parts: dict[str, Any] = field(default_factory=dict)
    revision: int = 0
    saved_at: dt.datetime | None = None


@dataclass(frozen=True)
class WorkspaceInfo:
    """What the picker shows about a saved workspace, read from its manifest only."""

    name: str
    path: Path
    revision: int
    saved_at: dt.datetime
    format_version: int
    dataset_name: str | None
    customers: int | None
    transactions: int | None
    bytes_on_disk: int


@dataclass(frozen=True)
class SaveResult:
    """A finished save: the new state, and the revision another writer had saved in between
    (``overwritten``, None when there was none) — replaced, because the last writer wins."""

    info: WorkspaceInfo
    overwritten: int | None = None


def _dataset_meta(data: Dataset) -> dict[str, Any]:
    return {
        "name": data.name,
        "source": data.source,
        "currency": data.currency,
        "locale": data.locale,
        "created": data.created.isoformat(),
        "truth_params": mf.check_json(data.truth_params, "truth_params"),
    }


def _dataset_tables(data: Dataset) -> dict[str, Any]:
    tables: dict[str, Any] = {"customers": data.customers, "transactions": data.transactions}
    if data.interactions is not None:
        tables["interactions"] = data.interactions
    if data.truth is not None:
        truth = data.truth
        index_name = truth.index.name or "customer_id"
        tables["truth"] = truth.rename(truth.name or "truth").rename_axis(index_name).reset_index()
    return tables


class WorkspaceStore:
    """The workspaces in one data directory (``home``; default :func:`default_home`)."""

    def __init__(self, home: Path | str | None = None) -> None:
        self.home = Path(home).expanduser() if home is not None else default_home()

    # --- where things are ---------------------------------------------------------------
    def path(self, name: str) -> Path:
        """The directory of workspace ``name`` (whether or not it exists)."""
        return self.home / directory_name(name)

    def _current(self, directory: Path) -> int | None:
        try:
            text = (directory / CURRENT).read_text(encoding="ascii").strip()
        except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
            return None
        found = _REVISION.match(text)
        return int(found.group(1)) if found else None

    def _read_manifest(self, revision_dir: Path) -> dict[str, Any]:
        try:
            raw = (revision_dir / mf.MANIFEST).read_bytes()
        except FileNotFoundError:
            raise DataError("error.store.missing_manifest") from None
        return mf.parse(raw)

    def _info(self, directory: Path, revision: int, manifest: dict[str, Any]) -> WorkspaceInfo:
        revision_dir = directory / revision_directory(revision)
        tables = manifest["tables"]
        dataset = manifest["dataset"]
        return WorkspaceInfo(
            name=manifest["name"],
            path=directory,
            revision=revision,
            saved_at=dt.datetime.fromisoformat(manifest["saved_at"]),
            format_version=mf.FORMAT_VERSION,
            dataset_name=dataset["name"] if dataset else None,
            customers=tables.get("customers", {}).get("rows"),
            transactions=tables.get("transactions", {}).get("rows"),
            bytes_on_disk=sum(f.stat().st_size for f in revision_dir.rglob("*") if f.is_file()),
        )

    # --- reading ------------------------------------------------------------------------
    def exists(self, name: str) -> bool:
        """Whether a committed workspace called ``name`` exists."""
        return self._current(self.path(name)) is not None

    def workspaces(self) -> list[WorkspaceInfo]:
        """Every readable workspace, sorted by name. Directories without a committed revision
        (a first save that was interrupted) and unreadable ones are left out."""
        if not self.home.is_dir():
            return []
        found = []
        for directory in self.home.iterdir():
            revision = self._current(directory)
            if directory.name.startswith(".") or revision is None:
                continue
            try:
                manifest = self._read_manifest(directory / revision_directory(revision))
            except (DataError, OSError):
                continue
            found.append(self._info(directory, revision, manifest))
        return sorted(found, key=lambda info: info.name.casefold())

    @contextmanager
    def reading(self, name: str) -> Iterator[tuple[Path, dict[str, Any]]]:
        """Hold workspace ``name`` still (shared lock) and give its committed revision's
        directory and parsed manifest; ``error.store.not_found`` when there is none."""
        directory = self.path(name)
        with locked(directory, shared=True):
            revision = self._current(directory)
            if revision is None:
                raise DataError("error.store.not_found", name=name)
            revision_dir = directory / revision_directory(revision)
            yield revision_dir, self._read_manifest(revision_dir)

    def info(self, name: str) -> WorkspaceInfo:
        """What the manifest of workspace ``name`` says; ``error.store.not_found`` if none."""
        with self.reading(name) as (revision_dir, manifest):
            return self._info(revision_dir.parent, _revision_of(revision_dir), manifest)

    def open(self, name: str) -> Workspace:
        """Load workspace ``name``: its data set (every table, checked against the manifest's
        checksums), page sections and parts. Older formats are migrated on the way."""
        with self.reading(name) as (revision_dir, manifest):
            return load_revision(revision_dir, manifest, _revision_of(revision_dir))

    # --- writing ------------------------------------------------------------------------
    def save(self, workspace: Workspace, *, same_tables_as: int | None = None) -> SaveResult:
        """Save ``workspace`` as a new revision, atomically; update its ``revision``.

        ``same_tables_as``: a revision of this workspace whose tables are known to equal
        ``workspace.dataset`` (the app knows when only page state changed). While that revision
        is still the current one its Parquet files are hard-linked instead of written again,
        which makes autosaving edits cheap on large data; otherwise the tables are written.
        """
        name = check_name(workspace.name)
        sections = {
            key: mf.check_json(dict(values), key) for key, values in workspace.sections.items()
        }
        parts = {key: mf.check_json(value, key) for key, value in workspace.parts.items()}
        meta = _dataset_meta(workspace.dataset) if workspace.dataset is not None else None
        directory = self.path(name)
        with self._writing(directory) as (temporary, current):
            if workspace.dataset is None:
                tables: dict[str, Any] = {}
            elif same_tables_as is not None and same_tables_as == current:
                source_dir = directory / revision_directory(current)
                tables = _link_tables(source_dir, self._read_manifest(source_dir), temporary)
            else:
                tables = self._write_tables(workspace.dataset, temporary)
            revision = current + 1
            saved_at = dt.datetime.now().replace(microsecond=0)
            manifest = {
                "format": mf.FORMAT,
                "format_version": mf.FORMAT_VERSION,
                "name": name,
                "revision": revision,
                "saved_at": saved_at.isoformat(),
                "app_version": _app_version(),
                "dataset": meta,
                "tables": tables,
                "sections": sections,
                "parts": parts,
            }
            self._commit(directory, temporary, mf.to_json(manifest), current, revision)
            overwritten = current if current and current != workspace.revision else None
            workspace.name, workspace.revision, workspace.saved_at = name, revision, saved_at
            return SaveResult(self._info(directory, revision, manifest), overwritten)

    @contextmanager
    def _writing(self, directory: Path) -> Iterator[tuple[Path, int]]:
        """Hold the exclusive lock, clear what interrupted saves left, and give a fresh
        temporary revision folder and the committed revision number (0: none yet).

        When the block fails (disk full, a table pyarrow cannot write), the temporary folder
        goes again, and so does the whole workspace folder if nothing was ever committed."""
        with locked(directory, create=True):
            current = self._current(directory) or 0
            self._remove_orphans(directory, current)
            temporary = directory / f".tmp-{uuid.uuid4().hex}"
            (temporary / "tables").mkdir(parents=True)
            try:
                yield temporary, current
            except BaseException:
                remove(directory if self._current(directory) is None else temporary)
                raise

    def _write_tables(self, data: Dataset, temporary: Path) -> dict[str, Any]:
        entries = {}
        for table, frame in _dataset_tables(data).items():
            file = f"tables/{table}.parquet"
            entries[table] = {"file": file, **write_table(frame, temporary / file)}
        return entries

    def _commit(
        self, directory: Path, temporary: Path, manifest: bytes, current: int, revision: int
    ) -> None:
        """Write the manifest, make the revision durable, then switch ``CURRENT`` to it."""
        (temporary / mf.MANIFEST).write_bytes(manifest)
        fsync_tree(temporary)
        target = directory / revision_directory(revision)
        os.rename(temporary, target)
        fsync_path(directory)
        write_bytes_atomically(directory / CURRENT, revision_directory(revision).encode("ascii"))
        if current:
            remove(directory / revision_directory(current))

    def _remove_orphans(self, directory: Path, current: int) -> None:
        """Drop what interrupted saves left behind: temporary and uncommitted revisions."""
        keep = {LOCK_FILE, CURRENT, revision_directory(current)}
        for entry in directory.iterdir():
            if entry.name not in keep:
                remove(entry)

    def delete(self, name: str) -> None:
        """Remove workspace ``name`` completely: every revision, the manifest, the lock file."""
        directory = self.path(name)
        with locked(directory):
            if self._current(directory) is None:
                raise DataError("error.store.not_found", name=name)
            remove(directory)

    def duplicate(self, name: str, new_name: str) -> WorkspaceInfo:
        """Copy workspace ``name`` to ``new_name`` (which must not exist yet) without loading
        its tables: the Parquet files are hard-linked, the manifest rewritten."""
        new_name = check_name(new_name)
        if self.exists(new_name):
            raise DataError("error.store.exists", name=new_name)
        with self.reading(name) as (revision_dir, manifest):
            return self.adopt(revision_dir, manifest, new_name)

    def adopt(self, source_dir: Path, manifest: dict[str, Any], name: str) -> WorkspaceInfo:
        """Commit the files of a checked revision directory (``source_dir`` with its parsed
        ``manifest``) as a new revision of workspace ``name``; the source is left as it is."""
        directory = self.path(name)
        with self._writing(directory) as (temporary, current):
            tables = _link_tables(source_dir, manifest, temporary)
            revision = current + 1
            adopted = {
                **manifest,
                "name": check_name(name),
                "revision": revision,
                "saved_at": dt.datetime.now().replace(microsecond=0).isoformat(),
                "tables": tables,
            }
            self._commit(directory, temporary, mf.to_json(adopted), current, revision)
            return self._info(directory, revision, adopted)

    def unique_name(self, name: str) -> str:
        """``name`` if it is free, else ``name (2)``, ``name (3)``, ..."""
        name = check_name(name)
        candidate, number = name, 1
        while self.exists(candidate):
            number += 1
            candidate = check_name(f"{name[: MAX_NAME_LENGTH - 6]} ({number})")
        return candidate


def _link_tables(source_dir: Path, manifest: dict[str, Any], target_dir: Path) -> dict[str, Any]:
    """Hard-link the table files of a committed revision into ``target_dir/tables/``."""
    entries = {}
    for table, entry in manifest["tables"].items():
        file = f"tables/{table}.parquet"
        link_or_copy(source_dir / entry["file"], target_dir / file)
        entries[table] = {**entry, "file": file}
    return entries


def load_revision(revision_dir: Path, manifest: dict[str, Any], revision: int) -> Workspace:
    """The workspace whose checked ``manifest`` and table files are in ``revision_dir``."""
    frames = {
        table: read_stored_table(revision_dir / entry["file"], entry)
        for table, entry in manifest["tables"].items()
    }
    return Workspace(
        name=manifest["name"],
        dataset=_dataset_from(manifest["dataset"], frames),
        sections={key: dict(values) for key, values in manifest["sections"].items()},
        parts=dict(manifest["parts"]),
        revision=revision,
        saved_at=dt.datetime.fromisoformat(manifest["saved_at"]),
    )


def _dataset_from(meta: dict[str, Any] | None, frames: dict[str, Any]) -> Dataset | None:
    if meta is None:
        return None
    truth = frames.get("truth")
    if truth is not None:
        truth = truth.set_index(truth.columns[0])[truth.columns[1]]
    return Dataset(
        customers=frames["customers"],
        transactions=frames.get("transactions"),
        interactions=frames.get("interactions"),
        name=meta["name"],
        source=meta["source"],
        currency=meta["currency"],
        locale=meta["locale"],
        created=dt.datetime.fromisoformat(meta["created"]),
        truth=truth,
        truth_params=meta.get("truth_params"),
    )


def _app_version() -> str:
    from kundenmodell import __version__

    return __version__
