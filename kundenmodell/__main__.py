"""``python -m kundenmodell app`` (or the ``kundenmodell app`` command): start the workbench.
``python -m kundenmodell generate …`` writes a large synthetic data folder
(:mod:`kundenmodell.synth.command`).

The one start command that works on every system, from a repository checkout or an installed
package (``pip install "kundenmodell[app]"``). Further arguments go to ``streamlit run``, e.g.
``python -m kundenmodell app --server.port 8502``.

An installed package carries the workbench as ``kundenmodell/workbench`` (``app.py``,
``views/``, ``ui/``, laid out as in the repository); in a checkout it is the repository root.
Streamlit reads ``.streamlit/config.toml`` only from the directory it is started in, so the
workbench's settings (upload limit, no usage statistics, theme) are passed as options instead;
options given on the command line come later and win. The start goes through
:mod:`kundenmodell.serving`, so it binds 127.0.0.1 unless ``--team`` (with a login, or
``--no-login``) asks for the network, exactly as ``./dev app`` does.
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path
from typing import Any

from kundenmodell import serving
from kundenmodell.i18n import t, terminal_language
from kundenmodell.serving import workbench_dir


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
    lang = terminal_language(os.environ)
    if args and args[0] == "generate":
        from kundenmodell.synth import command

        return command.main(args[1:], lang)
    if not args or args[0] != "app":
        print(t("cli.usage", lang), file=sys.stderr)
        print(t("generate_cli.usage", lang), file=sys.stderr)
        return 2
    try:
        import streamlit  # noqa: F401  (only to tell a missing app extra apart)
    except ImportError:
        print(t("cli.needs_app_extra", lang), file=sys.stderr)
        return 1
    directory = workbench_dir()
    # The bind address is the launcher's decision (127.0.0.1 unless --team), not the config's.
    settings = [
        option
        for option in streamlit_options(directory)
        if not option.startswith("--server.address=")
    ]
    serving.main(["--app", str(directory / "app.py"), *settings, *args[1:]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
