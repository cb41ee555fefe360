"""Who is using the workbench: the login gate, the account box and the network warning.

Three ways the app can run, decided when each page is drawn:

- **laptop** (no ``[auth]`` in the secrets, bound to 127.0.0.1): no login, one local folder,
  as always;
- **team server with login** (``[auth]`` configured): nothing is shown before ``st.login``;
  each person's projects live in their own folder (:class:`kundenmodell.store.TeamSpaces`);
- **team server without login** (``--team --no-login``): a warning on every page that everyone
  on the network can see the data. Reachable from the network without that explicit choice
  and without login, the app refuses to show anything.
"""

from __future__ import annotations

import os
import re
from typing import Literal

import streamlit as st

from kundenmodell.errors import DataError
from kundenmodell.serving import NO_LOGIN_VARIABLE, is_loopback, login_configured
from kundenmodell.store import WorkspaceStore
from kundenmodell.store.spaces import Owner, TeamSpaces
from ui.session import LANG_KEY, T, lang

OWNER = "auth_owner"
# Session keys that survive a change of user: only the language.
_KEEP = {LANG_KEY}


def md_escape(text: str) -> str:
    """``text`` with Markdown's special characters backslash-escaped, for names and
    addresses that come from users or the login provider."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", str(text))


def _auth() -> dict:
    """The ``[auth]`` table of the secrets ({} when there are no secrets)."""
    if not st.secrets.load_if_toml_exists():
        return {}
    section = st.secrets.get("auth")
    return section.to_dict() if hasattr(section, "to_dict") else {}


def login_enabled() -> bool:
    """Whether the login is configured: then every page needs a logged-in user."""
    return login_configured(_auth())


def open_without_login() -> bool:
    """Whether the server was opened to the network on purpose without login (``--no-login``),
    or is bound to a network address although no login is configured."""
    address = st.get_option("server.address")
    exposed = address is not None and not is_loopback(address)
    return os.environ.get(NO_LOGIN_VARIABLE) == "1" or exposed


def current_owner() -> Owner | None:
    """The logged-in person, or None without login. The e-mail address counts (for receiving
    shared projects) only when the provider does not say it is unverified."""
    if not login_enabled() or not st.user.get("is_logged_in"):
        return None
    email = st.user.get("email")
    verified = st.user.get("email_verified") is not False
    return Owner(
        subject=str(st.user.get("sub") or ""),
        issuer=str(st.user.get("iss") or ""),
        email=str(email).strip().casefold() if email and verified else None,
    )


def serving_mode() -> Literal["laptop", "server_login", "server_open"]:
    """Where this session's data lives, as the pages tell the user: on this computer, on a
    team server in a logged-in session, or on a team server opened without login."""
    if current_owner() is not None:
        return "server_login"
    return "server_open" if open_without_login() else "laptop"


def spaces() -> TeamSpaces:
    """The per-user folders under ``$KUNDENMODELL_HOME`` (read on every call, for tests)."""
    return TeamSpaces()


def personal_store() -> WorkspaceStore:
    """Where this session's projects are saved: the user's own folder on a team server with
    login, else the one local folder."""
    owner = current_owner()
    return spaces().store_for(owner) if owner is not None else WorkspaceStore()


def gate() -> None:
    """Stop the page unless it may be shown: the login screen while nobody is logged in, a
    refusal on an unprotected network address; the warning banner on an open team server."""
    if login_enabled():
        if not st.user.get("is_logged_in"):
            _login_screen()
            st.stop()
        try:
            _bind_session()
        except DataError as error:  # a provider that sends no subject or issuer
            st.error(error.message(lang()), icon=":material/error:")
            st.button(T("auth_account.logout"), icon=":material/logout:", on_click=st.logout)
            st.stop()
        return
    if not open_without_login():
        return
    if os.environ.get(NO_LOGIN_VARIABLE) != "1":
        st.error(T("auth_gate.refuse"), icon=":material/block:")
        st.stop()
    st.warning(T("auth_gate.banner"), icon=":material/public:")


def _bind_session() -> None:
    """Tie the session to the logged-in person; when another person is logged in than the one
    the session's data belongs to, forget everything but the language."""
    owner = current_owner()
    key = owner.key if owner is not None else None
    previous = st.session_state.get(OWNER)
    if previous is not None and previous != key:
        for name in list(st.session_state.keys()):
            if name not in _KEEP:
                del st.session_state[name]
    st.session_state[OWNER] = key


def _providers() -> list[str | None]:
    """The login buttons: None for the default provider, else the named ones."""
    section = _auth()
    if section.get("client_id"):
        return [None]
    return [name for name, value in section.items() if isinstance(value, dict)]


def _login_screen() -> None:
    st.title(T("auth_login.title"))
    st.markdown(T("auth_login.intro"))
    for provider in _providers():
        label = T("auth_login.button") if provider is None else f"{T('auth_login.button')}: "
        st.button(
            label + (provider or ""),
            key=f"auth_login_{provider or 'default'}",
            icon=":material/login:",
            type="primary",
            on_click=st.login,
            args=(provider,) if provider is not None else (),
        )
    st.caption(T("auth_login.privacy"))


def account_panel() -> None:
    """Who is logged in, and the logout button (nothing without login)."""
    owner = current_owner()
    if owner is None:
        return
    with st.sidebar.container(border=True):
        who = st.user.get("email") or st.user.get("name") or owner.subject
        st.caption(T("auth_account.signed_in", who=md_escape(str(who))))
        st.button(
            T("auth_account.logout"),
            key="auth_logout",
            icon=":material/logout:",
            width="stretch",
            on_click=st.logout,
        )
