"""Which server-side sources a workbench user may open.

Opening a path reads a file of the machine the workbench runs on. On a laptop (127.0.0.1, one
user) that is the user's own computer, so any path or connection string is fine. On a team
server a logged-in user must not read whatever the server can read (``/etc/passwd``, other
people's project folders): there only paths under the folder named in :data:`DATA_ROOT_VARIABLE`
are opened (after resolving ``..`` and symbolic links, so neither escapes it; relative paths are
taken inside it), globs are refused, and connection strings only when
:data:`CONNECTIONS_VARIABLE` is ``1`` (a connection string can name any file too,
``duckdb:///etc/...``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kundenmodell.errors import DataError

DATA_ROOT_VARIABLE = "KUNDENMODELL_DATA_ROOT"
"""The folder a team server may open data from (unset: no paths on a team server)."""
CONNECTIONS_VARIABLE = "KUNDENMODELL_ALLOW_CONNECTIONS"
"""``1``: a team server may open database connection strings too."""
_GLOB = frozenset("*?[")


@dataclass(frozen=True)
class SourcePolicy:
    """What may be opened: anything (``restricted`` False), or only paths below ``root`` and
    connection strings if ``connections`` allows them."""

    restricted: bool = False
    root: Path | None = None
    connections: bool = True

    @classmethod
    def for_server(cls, shared: bool, environ: Mapping[str, str] | None = None) -> SourcePolicy:
        """The policy of a laptop (``shared`` False: everything) or of a team server, read
        from :data:`DATA_ROOT_VARIABLE` and :data:`CONNECTIONS_VARIABLE`."""
        if not shared:
            return cls()
        environ = os.environ if environ is None else environ
        root = environ.get(DATA_ROOT_VARIABLE, "").strip()
        return cls(
            restricted=True,
            root=Path(root).expanduser().resolve() if root else None,
            connections=environ.get(CONNECTIONS_VARIABLE, "").strip() == "1",
        )

    @property
    def external_access(self) -> bool:
        """Whether an opened DuckDB file may read other files (its views over files)."""
        return not self.restricted

    def check(self, text: str) -> str:
        """``text`` as the source to open, or a :class:`DataError` saying why it may not be
        opened. A relative path on a team server is resolved inside the data folder."""
        text = text.strip()
        if not text:
            raise DataError("connect_error.empty")
        if "://" in text:
            if self.restricted and not self.connections:
                raise DataError("connect_error.connections_off")
            return text
        if not self.restricted:
            return str(Path(text).expanduser())
        if self.root is None:
            raise DataError("connect_error.no_root", variable=DATA_ROOT_VARIABLE)
        if _GLOB & set(text):
            raise DataError("connect_error.no_globs")
        resolved = (self.root / Path(text).expanduser()).resolve()
        if not resolved.is_relative_to(self.root):
            raise DataError("connect_error.outside_root", root=str(self.root))
        if resolved.is_dir() and _escaping_link(resolved, self.root):
            raise DataError("connect_error.outside_root", root=str(self.root))
        return str(resolved)


def _escaping_link(folder: Path, root: Path) -> bool:
    """Whether a file or folder below ``folder`` is a link that leads out of ``root``."""
    for directory, subfolders, files in os.walk(folder):
        for name in (*subfolders, *files):
            entry = Path(directory) / name
            if entry.is_symlink() and not entry.resolve().is_relative_to(root):
                return True
    return False
