"""A real `streamlit run` on a free loopback port and Debian's Chromium driven by Playwright."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost", None}  # None: data: and blob: URLs
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Names other than this machine's do not resolve: a page asking for something outside
    # fails at once, offline or not (the pages' "request" events still show the attempt).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_healthy(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer at {url}")


@pytest.fixture(scope="session")
def workspace_home(tmp_path_factory) -> Path:
    """The server's data directory for saved workspaces: a temporary one, never the user's."""
    return tmp_path_factory.mktemp("workspaces")


@contextmanager
def streamlit_server(
    home: Path,
    log_name: str,
    options: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    host: str = "127.0.0.1",
    port: int | None = None,
) -> Iterator[str]:
    """``streamlit run app.py`` bound to 127.0.0.1 on a free port (or ``port``), with
    ``home`` as its workspace directory and its log in ``tests/artifacts/<log_name>``; yields
    the URL (reached as ``host``) once the server answers, and stops the server afterwards."""
    port = port or _free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = (ARTIFACTS / log_name).open("w")  # read it when a browser test fails
    server = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.address", "127.0.0.1",
            "--server.port", str(port),
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
            *options,
        ],
        cwd=ROOT,
        env={**os.environ, "KUNDENMODELL_HOME": str(home), **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=log,
    )  # fmt: skip
    url = f"http://{host}:{port}"
    try:
        _wait_until_healthy(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def app_url(workspace_home) -> Iterator[str]:
    with streamlit_server(workspace_home, "streamlit_server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium package")
    from playwright.sync_api import expect, sync_playwright

    # The first page load imports pandas, altair and the package: give it time on a busy machine.
    expect.set_options(timeout=30_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def browser_console_log() -> Iterator[TextIO]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with (ARTIFACTS / "browser_console.log").open("w") as log:
        yield log


@pytest.fixture
def page(browser, request, browser_console_log):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    # The browser's console, next to the server log: read both when a browser test fails.
    console = browser_console_log
    console.write(f"--- {request.node.nodeid}\n")
    page.on("console", lambda message: console.write(f"{message.type}: {message.text}\n"))
    page.on("pageerror", lambda error: console.write(f"pageerror: {error}\n"))
    page.on("requestfailed", lambda r: console.write(f"requestfailed: {r.url} {r.failure}\n"))
    # Customer data stays on the machine, and the app works offline: nothing may leave it.
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if urlsplit(r.url).hostname not in LOCAL_HOSTS else None,
    )
    yield page
    context.close()
    console.flush()
    assert not outside, f"the page asked for something outside this machine: {outside}"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
