"""``python -m kundenmodell app`` (or the ``kundenmodell app`` command): start the workbench.

The one start command that works on every system, from a repository checkout or an installed
package (``pip install "kundenmodell[app]"``). Further arguments go to ``streamlit run``, e.g.
``python -m kundenmodell app --server.port 8502``.

An installed package carries the workbench as ``kundenmodell/workbench`` (``app.py``,
``views/``, ``ui/``, laid out as in the repository); in a checkout it is the repository root.
Streamlit reads ``.streamlit/config.toml`` only from the directory it is started in, so the
workbench's settings (upload limit, no usage statistics, theme) are passed as options instead;
options given on the command line come later and win.
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path
from typing import Any

from kundenmodell.i18n import normalise_language, t

PACKAGE = Path(__file__).resolve().parent


def workbench_dir() -> Path:
    """The folder holding the workbench's ``app.py``: inside the package when installed, the
    repository root in a checkout."""
    for candidate in (PACKAGE / "workbench", PACKAGE.parent):
        if (candidate / "app.py").is_file() and (candidate / "views").is_dir():
            return candidate
    raise FileNotFoundError(f"no workbench app.py in {PACKAGE / 'workbench'} or {PACKAGE.parent}")


def streamlit_options(directory: Path) -> list[str]:
    """``directory/.streamlit/config.toml`` as ``--section.key=value`` options for Streamlit."""
    config = directory / ".streamlit" / "config.toml"
    if not config.is_file():
        return []
    with config.open("rb") as handle:
        sections: dict[str, dict[str, Any]] = tomllib.load(handle)
    return [
        f"--{section}.{key}={_option_value(value)}"
        for section, values in sections.items()
        for key, value in values.items()
    ]


def _option_value(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def main(argv: list[str] | None = None) -> int:
    """Run the command in ``argv`` (default: the process arguments); the exit status."""
    args = sys.argv[1:] if argv is None else argv
    lang = normalise_language(os.environ.get("LANG"))
    if not args or args[0] != "app":
        print(t("package_cli.usage", lang), file=sys.stderr)
        return 2
    try:
        from streamlit.web import cli
    except ImportError:
        print(t("package_cli.needs_app_extra", lang), file=sys.stderr)
        return 1
    directory = workbench_dir()
    command = ["run", str(directory / "app.py"), *streamlit_options(directory), *args[1:]]
    return cli.main(command, prog_name="streamlit")


if __name__ == "__main__":
    sys.exit(main())
