"""How the workbench is served: closed to the network unless a team server is asked for.

``./dev app`` runs ``python -m kundenmodell.serving``, which starts ``streamlit run app.py``
bound to 127.0.0.1, so only this computer can open it. A team server is an explicit choice:

    python -m kundenmodell.serving --team            # all interfaces (0.0.0.0)
    python -m kundenmodell.serving --team 10.0.0.5   # one address
    python -m kundenmodell.serving --team --no-login # no login: a warning on every page

``--team`` refuses to start unless the login (``[auth]`` in a ``secrets.toml``) is configured,
or ``--no-login`` says on purpose that everyone on the network may see the data. The choice is
passed to the app in :data:`NO_LOGIN_VARIABLE`, which draws the warning banner.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kundenmodell.errors import DataError
from kundenmodell.i18n import terminal_language

LOOPBACK = "127.0.0.1"
ALL_INTERFACES = "0.0.0.0"
NO_LOGIN_VARIABLE = "KUNDENMODELL_NO_LOGIN"
# Where Streamlit looks for secrets unless --secrets.files says otherwise.
DEFAULT_SECRETS = (Path("~/.streamlit/secrets.toml"), Path(".streamlit/secrets.toml"))
_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
PACKAGE = Path(__file__).resolve().parent


def workbench_dir() -> Path:
    """The folder holding the workbench's ``app.py``: inside the package when installed
    (``kundenmodell/workbench``), the repository root in a checkout."""
    for candidate in (PACKAGE / "workbench", PACKAGE.parent):
        if (candidate / "app.py").is_file() and (candidate / "views").is_dir():
            return candidate
    raise FileNotFoundError(f"no workbench app.py in {PACKAGE / 'workbench'} or {PACKAGE.parent}")


def is_loopback(address: str | None) -> bool:
    """Whether a server bound to ``address`` is reachable from this computer only.

    An empty address is Streamlit's default: every interface, so not loopback."""
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip()).is_loopback
    except ValueError:
        return False


def auth_section(secrets_files: Iterable[Path | str]) -> dict[str, Any]:
    """The merged ``[auth]`` tables of the secrets files that exist (later files win, as in
    Streamlit); unreadable or malformed files count as empty."""
    merged: dict[str, Any] = {}
    for file in secrets_files:
        try:
            document = tomllib.loads(Path(file).expanduser().read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        section = document.get("auth")
        if isinstance(section, dict):
            merged.update(section)
    return merged


def login_configured(section: dict[str, Any]) -> bool:
    """Whether an ``[auth]`` table is complete enough for ``st.login``: ``redirect_uri`` and
    ``cookie_secret``, and client id, secret and metadata URL for the default provider or for
    at least one named provider table (``[auth.microsoft]``, ...)."""
    if not all(str(section.get(key, "")).strip() for key in ("redirect_uri", "cookie_secret")):
        return False
    providers = [section] + [value for value in section.values() if isinstance(value, dict)]
    return any(all(str(p.get(key, "")).strip() for key in _PROVIDER_KEYS) for p in providers)


@dataclass(frozen=True)
class ServePlan:
    """What to start: the address to bind and the environment the app runs with."""

    address: str
    environment: dict[str, str] = field(default_factory=dict)


def plan(
    *,
    team: bool,
    address: str | None = None,
    no_login: bool = False,
    secrets_files: Iterable[Path | str] = DEFAULT_SECRETS,
) -> ServePlan:
    """The address and app environment for a start.

    Without ``team``: 127.0.0.1, whatever else is asked. With ``team``: ``address`` (default
    0.0.0.0) if the login is configured or ``no_login`` is set; otherwise
    ``auth_serve.needs_login``."""
    if not team:
        return ServePlan(LOOPBACK, {NO_LOGIN_VARIABLE: ""})
    if no_login:
        return ServePlan(address or ALL_INTERFACES, {NO_LOGIN_VARIABLE: "1"})
    if not login_configured(auth_section(secrets_files)):
        raise DataError("auth_serve.needs_login")
    return ServePlan(address or ALL_INTERFACES, {NO_LOGIN_VARIABLE: ""})


def _option_values(extra: Sequence[str], option: str) -> list[str]:
    """The values of ``option`` among Streamlit's arguments (``--x v`` and ``--x=v``)."""
    spaced = [extra[i + 1] for i, arg in enumerate(extra[:-1]) if arg == option]
    return spaced + [arg.split("=", 1)[1] for arg in extra if arg.startswith(f"{option}=")]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="./dev app", description="Start the Kundenmodell Workbench."
    )
    parser.add_argument("--port", default=os.environ.get("PORT", "8501"))
    parser.add_argument(
        "--app", default=str(workbench_dir() / "app.py"), help="the Streamlit script"
    )
    parser.add_argument(
        "--team",
        nargs="?",
        const=ALL_INTERFACES,
        metavar="ADDRESS",
        help="serve the network (default 0.0.0.0); needs [auth] in secrets.toml or --no-login",
    )
    parser.add_argument(
        "--no-login",
        action="store_true",
        help="with --team: no login, everyone on the network sees the data (a banner says so)",
    )
    return parser


def command(argv: Sequence[str]) -> tuple[list[str], dict[str, str]]:
    """The ``streamlit run`` command line and environment for these launcher arguments
    (unknown arguments go to Streamlit); raises ``auth_serve.needs_login`` like :func:`plan`."""
    options, extra = _parser().parse_known_args(list(argv))
    if not all(is_loopback(a) for a in _option_values(extra, "--server.address")):
        raise DataError("auth_serve.use_team")
    files = _option_values(extra, "--secrets.files")
    chosen = plan(
        team=options.team is not None,
        address=options.team,
        no_login=options.no_login,
        secrets_files=files or DEFAULT_SECRETS,
    )
    arguments = [
        sys.executable, "-m", "streamlit", "run", options.app,
        "--server.port", str(options.port),
        "--server.address", chosen.address,
        *extra,
    ]  # fmt: skip
    return arguments, {**os.environ, **chosen.environment}


def main(argv: Sequence[str] | None = None) -> None:
    """Start the workbench (replaces this process with Streamlit), or explain the refusal
    in the terminal's language (:func:`~kundenmodell.i18n.terminal_language`) and exit
    with status 2."""
    try:
        arguments, environment = command(sys.argv[1:] if argv is None else argv)
    except DataError as error:
        print(error.message(terminal_language(os.environ)), file=sys.stderr)
        raise SystemExit(2) from None
    os.execve(sys.executable, arguments, environment)


if __name__ == "__main__":
    main()
