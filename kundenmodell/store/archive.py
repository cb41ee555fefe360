"""A whole workspace as one zip file: export for handing on, import with strict checks.

The zip holds exactly what a revision directory holds: ``manifest.json`` and the Parquet files
it lists. Parquet is already compressed, so the tables are stored, not deflated again.

Importing treats the file as untrusted (a trainer's hand-out, or anything renamed to ``.zip``)
and refuses, before writing a single byte into the data directory:

* a file that is not a zip → ``error.store.not_a_zip``;
* an archive above ``max_bytes``, more than :data:`MAX_MEMBERS` members, more unpacked bytes
  than ``max_unpacked`` or a member that unpacks more than :data:`MAX_RATIO` times its packed
  size (a zip bomb) → ``error.store.too_large``;
* absolute paths, ``..``, backslashes, drive letters or symbolic links →
  ``error.store.unsafe_path``;
* no ``manifest.json`` → ``error.store.missing_manifest``; a manifest that is not ours →
  ``error.store.foreign``; one from a newer version → ``error.store.newer_version``; one with
  missing or malformed fields → ``error.store.bad_manifest``;
* members the manifest does not list → ``error.store.unexpected_file``;
* a table whose checksum, size or Parquet footer disagrees → ``error.store.corrupt``.

Members are unpacked in blocks with a byte count, so a header that lies about the unpacked size
cannot write more than announced.
"""

from __future__ import annotations

import io
import stat
import tempfile
import time
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, Any

from kundenmodell.errors import DataError
from kundenmodell.store import manifest as mf
from kundenmodell.store.atomic import PRIVATE, remove, write_bytes_atomically
from kundenmodell.store.tables import verify_file
from kundenmodell.store.workspace import Workspace, WorkspaceInfo, WorkspaceStore, load_revision

MAX_ARCHIVE_BYTES = 2 * 1024**3
MAX_UNPACKED_BYTES = 8 * 1024**3
MAX_MEMBERS = 32
MAX_RATIO = 100
_RATIO_FLOOR = 1024 * 1024
_BLOCK = 1024 * 1024


def export_zip(store: WorkspaceStore, name: str) -> bytes:
    """Workspace ``name`` as the bytes of one zip file (for a download button)."""
    buffer = io.BytesIO()
    write_export(store, name, buffer)
    return buffer.getvalue()


def export_to(store: WorkspaceStore, name: str, target: Path | str) -> Path:
    """Write workspace ``name`` as a zip file to ``target``, atomically; returns the path."""
    target = Path(target)
    buffer = io.BytesIO()
    write_export(store, name, buffer)
    write_bytes_atomically(target, buffer.getvalue())
    return target


def write_export(store: WorkspaceStore, name: str, handle: IO[bytes]) -> None:
    """Write the zip of workspace ``name`` into an open binary ``handle``."""
    with store.reading(name) as (revision_dir, manifest), zipfile.ZipFile(handle, "w") as archive:
        archive.writestr(mf.MANIFEST, mf.to_json(manifest), zipfile.ZIP_DEFLATED)
        for entry in manifest["tables"].values():
            archive.write(revision_dir / entry["file"], entry["file"], zipfile.ZIP_STORED)


def import_zip(
    store: WorkspaceStore,
    source: bytes | Path | str | IO[bytes],
    *,
    name: str | None = None,
    max_bytes: int = MAX_ARCHIVE_BYTES,
    max_unpacked: int = MAX_UNPACKED_BYTES,
) -> WorkspaceInfo:
    """Check an exported workspace and add it to ``store`` as a new workspace.

    It is named ``name`` or, by default, as in its manifest; a name that is taken gets a
    number (``Kurs (2)``), so an import never overwrites anything. Older format versions are
    migrated; the stored manifest is always the current version.
    """
    _remove_stale_imports(store.home)
    staging = store.home / f".import-{uuid.uuid4().hex}"
    with _unpacked(source, staging, max_bytes, max_unpacked) as manifest:
        return store.adopt(staging, manifest, store.unique_name(name or manifest["name"]))


def read_zip(
    source: bytes | Path | str | IO[bytes],
    *,
    max_bytes: int = MAX_ARCHIVE_BYTES,
    max_unpacked: int = MAX_UNPACKED_BYTES,
) -> Workspace:
    """The workspace in an export, checked like an import but kept in memory only: nothing is
    added to any data directory (``revision`` is 0, as for a workspace never saved here)."""
    with tempfile.TemporaryDirectory(prefix="kundenmodell-") as scratch:
        staging = Path(scratch) / "workspace"
        with _unpacked(source, staging, max_bytes, max_unpacked) as manifest:
            return load_revision(staging, manifest, revision=0)


@contextmanager
def _unpacked(
    source: bytes | Path | str | IO[bytes], staging: Path, max_bytes: int, max_unpacked: int
) -> Iterator[dict[str, Any]]:
    """Every check of the module docstring; yields the manifest while the listed files sit
    verified in ``staging``, which is removed afterwards."""
    with ExitStack() as stack:
        handle = _as_handle(source, stack)
        size = handle.seek(0, io.SEEK_END)
        handle.seek(0)
        if size > max_bytes:
            raise DataError("error.store.too_large")
        try:
            archive = stack.enter_context(zipfile.ZipFile(handle))
        except (zipfile.BadZipFile, OSError):
            raise DataError("error.store.not_a_zip") from None
        members = _checked_members(archive, max_unpacked)
        if mf.MANIFEST not in members:
            raise DataError("error.store.missing_manifest")
        manifest = mf.parse(_read_member(archive, members[mf.MANIFEST]))
        listed = {entry["file"] for entry in manifest["tables"].values()}
        unexpected = sorted(set(members) - listed - {mf.MANIFEST})
        if unexpected:
            raise DataError("error.store.unexpected_file", file=unexpected[0])
        missing = sorted(listed - set(members))
        if missing:
            raise DataError("error.store.corrupt", file=missing[0])
        staging.mkdir(mode=PRIVATE, parents=True)
        try:
            for file in listed:
                _unpack(archive, members[file], staging / file)
            for entry in manifest["tables"].values():
                verify_file(staging / entry["file"], entry)
            yield manifest
        finally:
            remove(staging)


def _as_handle(source: bytes | Path | str | IO[bytes], stack: ExitStack) -> IO[bytes]:
    if isinstance(source, bytes | bytearray | memoryview):
        return io.BytesIO(source)
    if isinstance(source, str | Path):
        return stack.enter_context(Path(source).open("rb"))
    return source


def _remove_stale_imports(home: Path) -> None:
    """Delete staging folders of imports that were killed more than an hour ago."""
    if home.is_dir():
        cutoff = time.time() - 3600
        for entry in home.glob(".import-*"):
            if entry.stat().st_mtime < cutoff:
                remove(entry)


def _checked_members(archive: zipfile.ZipFile, max_unpacked: int) -> dict[str, zipfile.ZipInfo]:
    """The archive's files by name, after the size, bomb and path checks."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise DataError("error.store.too_large")
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        _check_path(info)
        if info.is_dir():
            continue
        total += info.file_size
        ratio_limit = max(info.compress_size * MAX_RATIO, _RATIO_FLOOR)
        if total > max_unpacked or info.file_size > ratio_limit:
            raise DataError("error.store.too_large")
        if info.filename in members:
            raise DataError("error.store.unsafe_path", file=info.filename)
        members[info.filename] = info
    return members


def _check_path(info: zipfile.ZipInfo) -> None:
    name = info.filename
    path = PurePosixPath(name)
    is_link = stat.S_ISLNK(info.external_attr >> 16)
    if (
        is_link
        or "\\" in name
        or name.startswith("/")
        or ":" in name
        or any(part in ("..", ".", "") for part in name.rstrip("/").split("/"))
        or path.is_absolute()
    ):
        raise DataError("error.store.unsafe_path", file=name)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > mf.MAX_MANIFEST_BYTES:
        raise DataError("error.store.too_large")
    try:
        with archive.open(info) as member:
            return member.read(mf.MAX_MANIFEST_BYTES + 1)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
        raise DataError("error.store.corrupt", file=info.filename) from None


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> None:
    """Copy one member to ``target`` in blocks, never more bytes than its header announces."""
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with archive.open(info) as member, target.open("wb") as out:
            while block := member.read(_BLOCK):
                written += len(block)
                if written > info.file_size:
                    raise DataError("error.store.too_large")
                out.write(block)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
        raise DataError("error.store.corrupt", file=info.filename) from None
