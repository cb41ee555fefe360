"""Saved workspaces: a data set with everything the user did to it, on this machine's disk.

>>> import kundenmodell as km, tempfile
>>> shelf = km.store.WorkspaceStore(tempfile.mkdtemp())
>>> result = shelf.save(km.store.Workspace("Kurs März", km.synth.generate(200, seed=1)))
>>> shelf.open("Kurs März").dataset.n_customers
200

The module functions (:func:`open`, :func:`save`, :func:`workspaces`, ...) use the data
directory :func:`default_home` (``$KUNDENMODELL_HOME``, else ``~/.kundenmodell/workspaces``).
On a team server with login, :class:`TeamSpaces` gives each person a store of their own below
it and shares projects on purpose (:mod:`kundenmodell.store.spaces`).

**Why Parquet files and a JSON manifest, not an embedded DuckDB file.** The workbench analyses
pandas frames, so every save and open is a whole-table write or read; Parquet does exactly that
in bounded memory through pyarrow, which is already installed, and keeps pandas dtypes
(categories, nullable integers, the ``str`` dtype) through its metadata. The export format asked
for is "zip with Parquet + JSON manifest", so one directory layout serves both the store and the
export, and an export is a plain copy of the files. Atomic saves are simple with files: write a
new revision directory, fsync, rename, switch one pointer file; a single DuckDB file would have
to be copied as a whole for the same guarantee and has its own write-ahead log to reason about.
Text manifests are readable and diff-able, which makes migrations easy to write and to test.
What DuckDB would add — querying files larger than memory without pandas — stays available:
DuckDB reads these Parquet files directly (``SELECT ... FROM 'tables/transactions.parquet'``)
if a future analysis needs it, with no change to the format.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from kundenmodell.store.archive import export_to, export_zip, import_zip, read_zip
from kundenmodell.store.manifest import FORMAT, FORMAT_VERSION, MIGRATIONS
from kundenmodell.store.spaces import Owner, Share, SharedProject, TeamSpaces
from kundenmodell.store.workspace import (
    HOME_VARIABLE,
    SaveResult,
    Workspace,
    WorkspaceInfo,
    WorkspaceStore,
    default_home,
)

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "HOME_VARIABLE",
    "MIGRATIONS",
    "Owner",
    "SaveResult",
    "Share",
    "SharedProject",
    "TeamSpaces",
    "Workspace",
    "WorkspaceInfo",
    "WorkspaceStore",
    "default_home",
    "delete",
    "export_file",
    "export_to",
    "export_zip",
    "import_file",
    "import_zip",
    "open",
    "read_zip",
    "save",
    "workspaces",
]


def open(name: str) -> Workspace:
    """Open workspace ``name`` from the default data directory."""
    return WorkspaceStore().open(name)


def save(workspace: Workspace) -> SaveResult:
    """Save ``workspace`` into the default data directory (a new revision, atomically)."""
    return WorkspaceStore().save(workspace)


def workspaces() -> list[WorkspaceInfo]:
    """The workspaces in the default data directory, sorted by name."""
    return WorkspaceStore().workspaces()


def delete(name: str) -> None:
    """Delete workspace ``name`` from the default data directory, completely."""
    WorkspaceStore().delete(name)


def export_file(name: str, target: Path | str) -> Path:
    """Export workspace ``name`` of the default data directory to the zip file ``target``."""
    return export_to(WorkspaceStore(), name, target)


def import_file(source: bytes | Path | str | IO[bytes], name: str | None = None) -> WorkspaceInfo:
    """Import an exported workspace zip into the default data directory."""
    return import_zip(WorkspaceStore(), source, name=name)
