"""Crash-safe file operations: fsync, atomic replacement, and the per-workspace lock.

A save is only as safe as its weakest write. The rule used everywhere in the store: write new
content under a name nobody reads yet, ``fsync`` it, ``fsync`` the directory that holds it, and
only then make it visible with one ``rename`` (atomic on POSIX file systems and NTFS). A crash
before the rename leaves the old content untouched; a crash after it leaves the new content
complete. Windows cannot open a directory to ``fsync`` it; NTFS journals the rename itself, so
there only files are flushed.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kundenmodell.errors import DataError
from kundenmodell.store.filelock import try_lock, unlock

LOCK_FILE = ".lock"
LOCK_TIMEOUT_SECONDS = 120.0
PRIVATE = 0o700
"""Mode of the folders the store creates: customer data is readable by its owner only."""
_POLL_SECONDS = 0.05


def fsync_path(path: Path) -> None:
    """Flush a file's or a directory's content to disk (``fsync`` on a read-only handle)."""
    if os.name == "nt" and path.is_dir():
        return
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def fsync_tree(directory: Path) -> None:
    """``fsync`` every file and directory below ``directory``, deepest first."""
    for root, _, files in os.walk(directory, topdown=False):
        for name in files:
            fsync_path(Path(root) / name)
        fsync_path(Path(root))


def write_bytes_atomically(path: Path, content: bytes) -> None:
    """Replace ``path`` with ``content`` so that readers see either the old or the new file."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with temporary.open("wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    fsync_path(path.parent)


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link ``source`` to ``target`` (no bytes copied); copy where links are impossible.

    Stored table files are never modified after their revision is committed, so sharing them
    between revisions or workspaces is safe and makes re-saving unchanged data nearly free.
    """
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def remove(path: Path) -> None:
    """Delete a file or a whole directory tree; a missing path is fine."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@contextmanager
def locked(directory: Path, *, shared: bool = False, create: bool = False) -> Iterator[None]:
    """Hold the lock of a workspace directory: exclusive for writers, shared for readers.

    A lock on ``<directory>/.lock`` (:mod:`~kundenmodell.store.filelock`) serialises saves of
    the same workspace from several browser tabs or processes; the kernel drops the lock when
    its holder dies, so a killed save leaves no stale lock behind. A writer that deleted the
    workspace removes the lock file too; whoever was waiting then finds a different (or no) file
    and starts over, creating the directory again only when ``create`` is set (a save),
    otherwise reporting it as not found.
    Waiting longer than :data:`LOCK_TIMEOUT_SECONDS` raises ``error.store.busy``.
    """
    deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
    lock_path = directory / LOCK_FILE
    while True:
        if create:
            directory.mkdir(mode=PRIVATE, parents=True, exist_ok=True)
        elif not directory.is_dir():
            raise DataError("error.store.not_found", name=directory.name)
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            while not try_lock(descriptor, shared=shared):
                if time.monotonic() > deadline:
                    raise DataError("error.store.busy")
                time.sleep(_POLL_SECONDS)
            try:
                still_ours = os.stat(lock_path).st_ino == os.fstat(descriptor).st_ino
            except FileNotFoundError:
                still_ours = False
            try:
                if still_ours:
                    yield
                    return
            finally:
                unlock(descriptor)
        finally:
            os.close(descriptor)
