"""Closed by default: the launcher binds 127.0.0.1, and --team needs the login or --no-login."""

import os
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import psutil
import pytest

from kundenmodell import DataError
from kundenmodell.serving import (
    ALL_INTERFACES,
    LOOPBACK,
    NO_LOGIN_VARIABLE,
    auth_section,
    command,
    is_loopback,
    login_configured,
    plan,
)

ROOT = Path(__file__).resolve().parents[2]
COMPLETE = """
[auth]
redirect_uri = "http://team.example.org:8501/oauth2callback"
cookie_secret = "a-long-random-secret-for-the-cookie"
client_id = "workbench"
client_secret = "s3cret"
server_metadata_url = "https://login.example.org/.well-known/openid-configuration"
"""


def _secrets(tmp_path: Path, text: str) -> Path:
    file = tmp_path / "secrets.toml"
    file.write_text(text, encoding="utf-8")
    return file


def _address(arguments: list[str]) -> str:
    return arguments[len(arguments) - 1 - arguments[::-1].index("--server.address") + 1]


def test_the_streamlit_config_binds_loopback_for_a_bare_streamlit_run():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == LOOPBACK


def test_dev_app_starts_through_the_launcher():
    script = (ROOT / "dev").read_text(encoding="utf-8")
    app_branch = script.split("\napp)\n", 1)[1].split(";;", 1)[0]
    assert "-m kundenmodell.serving" in app_branch
    assert "streamlit\" run" not in app_branch and "streamlit run" not in app_branch


@pytest.mark.parametrize(
    "address, expected",
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("", False),
        (None, False),
        ("::", False),
        ("10.1.2.3", False),
        ("example.org", False),
    ],
)
def test_is_loopback(address, expected):
    assert is_loopback(address) is expected


def test_the_default_is_loopback_whatever_the_secrets_say(tmp_path):
    complete = _secrets(tmp_path, COMPLETE)
    assert plan(team=False, secrets_files=[complete]).address == LOOPBACK
    assert plan(team=False, no_login=True).address == LOOPBACK
    arguments, environment = command(["--port", "9999"])
    assert _address(arguments) == LOOPBACK
    assert arguments[arguments.index("--server.port") + 1] == "9999"
    assert environment[NO_LOGIN_VARIABLE] == ""


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[auth]\n",
        COMPLETE.replace('cookie_secret = "a-long-random-secret-for-the-cookie"\n', ""),
        COMPLETE.replace('client_secret = "s3cret"\n', ""),
        COMPLETE.replace('redirect_uri = "http://team.example.org:8501/oauth2callback"', ""),
        "[auth\nbroken",
        '[other]\nclient_id = "x"\n',
    ],
)
def test_team_without_a_complete_login_refuses(tmp_path, text):
    files = [_secrets(tmp_path, text), tmp_path / "missing.toml"]
    with pytest.raises(DataError) as raised:
        plan(team=True, secrets_files=files)
    assert raised.value.key == "auth_serve.needs_login"
    with pytest.raises(DataError):
        command(["--team", "--secrets.files", str(files[0])])


def test_team_with_login_serves_the_network(tmp_path):
    files = [_secrets(tmp_path, COMPLETE)]
    assert plan(team=True, secrets_files=files).address == ALL_INTERFACES
    assert plan(team=True, address="10.0.0.5", secrets_files=files).address == "10.0.0.5"
    arguments, environment = command(["--team", "--secrets.files", str(files[0])])
    assert _address(arguments) == ALL_INTERFACES
    assert environment[NO_LOGIN_VARIABLE] == ""
    arguments, _ = command(["--team", "10.0.0.5", f"--secrets.files={files[0]}"])
    assert _address(arguments) == "10.0.0.5"


def test_a_named_provider_counts_as_configured():
    section = {
        "redirect_uri": "http://x:8501/oauth2callback",
        "cookie_secret": "secret",
        "microsoft": {
            "client_id": "id",
            "client_secret": "secret",
            "server_metadata_url": "https://login.microsoftonline.com/x/v2.0/.well-known/openid-configuration",
        },
    }
    assert login_configured(section)
    assert not login_configured({**section, "microsoft": {"client_id": "id"}})


def test_later_secrets_files_win(tmp_path):
    first = _secrets(tmp_path, COMPLETE)
    second = tmp_path / "second.toml"
    second.write_text('[auth]\nclient_id = "other"\n', encoding="utf-8")
    assert auth_section([first, second])["client_id"] == "other"


def test_no_login_is_explicit_and_reaches_the_app():
    arguments, environment = command(["--team", "--no-login"])
    assert _address(arguments) == ALL_INTERFACES
    assert environment[NO_LOGIN_VARIABLE] == "1"


def test_an_open_server_address_is_only_accepted_through_team():
    with pytest.raises(DataError) as raised:
        command(["--server.address", "0.0.0.0"])
    assert raised.value.key == "auth_serve.use_team"
    with pytest.raises(DataError):
        command(["--server.address=10.0.0.5"])
    arguments, _ = command(["--server.address", "127.0.0.1"])
    assert {a for i, a in enumerate(arguments) if arguments[i - 1] == "--server.address"} == {
        LOOPBACK
    }


def test_the_launcher_refuses_team_without_login_with_a_clear_message(tmp_path):
    empty = _secrets(tmp_path, "")
    result = subprocess.run(
        [sys.executable, "-m", "kundenmodell.serving", "--team", "--secrets.files", str(empty)],
        cwd=ROOT,
        env={**os.environ, "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "en_GB.UTF-8"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "no login is configured" in result.stderr
    assert ".streamlit/secrets.toml" in result.stderr and "--no-login" in result.stderr
    assert "Traceback" not in result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening(server: subprocess.Popen, port: int, timeout: float = 90) -> set[str]:
    """The addresses the server process (or a child) listens on at ``port``."""
    deadline = time.monotonic() + timeout
    process = psutil.Process(server.pid)
    while time.monotonic() < deadline and server.poll() is None:
        found = {
            connection.laddr.ip
            for member in [process, *process.children(recursive=True)]
            for connection in member.net_connections(kind="inet")
            if connection.status == psutil.CONN_LISTEN and connection.laddr.port == port
        }
        if found:
            return found
        time.sleep(0.3)
    return set()


def test_the_default_server_listens_on_loopback_only(tmp_path):
    """What ``./dev app`` runs, started for real: the socket is bound to 127.0.0.1 only."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kundenmodell.serving", "--port", str(port)],
        cwd=ROOT,
        env={
            **os.environ,
            "KUNDENMODELL_HOME": str(tmp_path),
            "STREAMLIT_SERVER_HEADLESS": "true",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert _listening(server, port) == {LOOPBACK}
    finally:
        server.terminate()
        server.wait(timeout=20)


def _started_by_package_command(monkeypatch, *args: str) -> list[str]:
    """The command line ``python -m kundenmodell app ARGS`` would replace itself with."""
    from kundenmodell import __main__ as package_command
    from kundenmodell import serving

    started: list[list[str]] = []
    monkeypatch.setattr(serving.os, "execve", lambda path, argv, env: started.append(argv))
    assert package_command.main(["app", *args]) == 0
    return started[0]


def _bound_addresses(argv: list[str]) -> list[str]:
    return [argv[i + 1] for i, arg in enumerate(argv[:-1]) if arg == "--server.address"] + [
        arg.split("=", 1)[1] for arg in argv if arg.startswith("--server.address=")
    ]


def test_the_package_command_is_closed_by_default_like_dev_app(monkeypatch):
    argv = _started_by_package_command(monkeypatch)
    assert _bound_addresses(argv) == ["127.0.0.1"]
    assert argv[argv.index("run") + 1].endswith("app.py")
    assert "--server.maxUploadSize=500" in argv  # the workbench's own settings come along


def test_the_package_command_opens_the_network_only_through_team(monkeypatch):
    argv = _started_by_package_command(monkeypatch, "--team", "--no-login")
    assert _bound_addresses(argv) == ["0.0.0.0"]  # the config's 127.0.0.1 does not override --team
