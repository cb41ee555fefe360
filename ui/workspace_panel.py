"""The sidebar's workspace picker: new, open, save, save as, duplicate, delete, autosave,
export and import, sharing on a team server, and a plain statement of what is stored where.

Everything that changes the session runs in button callbacks, before the page script, so the
page drawn afterwards already shows the opened workspace. The store does the work
(:mod:`kundenmodell.store`); this module only remembers which workspace is active, at which
revision, and what was saved last, so it can tell "unsaved changes" and keep autosaving cheap:
when only page state changed, the saved Parquet files are reused instead of written again.
"""

from __future__ import annotations

import functools
import json
import logging
import weakref
from typing import Any

import streamlit as st

from kundenmodell import DataError, Dataset
from kundenmodell.i18n import format_date, format_number
from kundenmodell.store import Workspace, WorkspaceInfo, WorkspaceStore, export_zip, import_zip
from kundenmodell.store.spaces import SharedProject, parse_emails
from kundenmodell.store.workspace import slug
from ui import session
from ui.downloads import download_button
from ui.login import current_owner, md_escape, personal_store, serving_mode, spaces
from ui.session import T, all_workspace_state, dataset, lang, restore_workspace_state, set_dataset

ACTIVE = "ws_active"
REVISION = "ws_revision"
SAVED_DATA = "ws_saved_data"
SAVED_SECTIONS = "ws_saved_sections"
FLASH = "ws_flash"
AUTOSAVE = "ws_autosave"
CHOICE = "ws_choice"
NAME = "ws_name"
DISCARD = "ws_discard"
DELETE_CONFIRM = "ws_delete_confirm"
UPLOAD = "ws_upload"
SHARED_CHOICE = "auth_shared_choice"
AUTOSAVE_FAILED = "ws_autosave_failed"
AUTOSAVE_SECONDS = 3
# Workspaces up to this size on disk are zipped when the panel is drawn, larger ones on click.
EAGER_EXPORT_BYTES = 50_000_000

log = logging.getLogger("kundenmodell.app")


def _store() -> WorkspaceStore:
    """This session's store: the local folder in ``$KUNDENMODELL_HOME`` or, on a team server
    with login, the user's own folder below it (read on every call, so tests can point it
    away)."""
    return personal_store()


def _flash(kind: str, key: str, **params: Any) -> None:
    st.session_state.setdefault(FLASH, []).append((kind, key, params))


def _guarded(action):
    """Run a callback; a DataError or a failing disk becomes a translated message, not a crash."""

    @functools.wraps(action)
    def run(*args: Any) -> None:
        try:
            action(*args)
        except DataError as error:
            _flash("error", error.key, **error.params)
        except OSError as error:  # disk full, no permission: the session's data stays
            log.exception("workspace action failed")
            _flash("error", "error.unexpected", detail=type(error).__name__)

    return run


def _sections() -> dict[str, Any]:
    """The pages' workspace state without sections that were created but never filled."""
    return {name: values for name, values in all_workspace_state().items() if values}


def _sections_json() -> str:
    return json.dumps(_sections(), sort_keys=True, default=str)


def _has_unsaved_changes() -> bool:
    """Whether the session holds data or page edits that differ from the last save or open."""
    data = dataset()
    saved = st.session_state.get(SAVED_DATA)
    same_data = data is None if saved is None else saved() is data
    sections = _sections_json()
    same_sections = sections == st.session_state.get(SAVED_SECTIONS, "{}")
    return not (same_data and same_sections)


def _is_active(name: str) -> bool:
    active = st.session_state.get(ACTIVE)
    return active is not None and _store().path(name) == _store().path(active)


def _remember(name: str | None, revision: int, data: Dataset | None) -> None:
    """Note what is now on disk, to tell unsaved changes and to reuse unchanged tables."""
    st.session_state[ACTIVE] = name
    st.session_state[REVISION] = revision
    st.session_state[SAVED_DATA] = weakref.ref(data) if data is not None else None
    st.session_state[SAVED_SECTIONS] = _sections_json() if name is not None else "{}"


def _use(data: Dataset | None, sections: dict[str, dict[str, Any]]) -> None:
    """Make ``data`` (or no data set at all) and ``sections`` the session's state."""
    if data is not None:
        set_dataset(data)
    else:
        session.clear_dataset()
    restore_workspace_state(sections)


def save_to(name: str) -> None:
    """Save the session as workspace ``name``; reuse the stored tables when only page state
    changed since the last save of the same workspace. Touches no widget state, so the
    autosave fragment may call it. A source analysed in place is not saved: the active data
    set is only its sample (``in_place.workspace_note``)."""
    if session.in_place_source() is not None:
        raise DataError("in_place.workspace_note")
    data = dataset()
    same_workspace = _is_active(name)
    saved = st.session_state.get(SAVED_DATA)
    unchanged_tables = same_workspace and data is not None and saved is not None and saved() is data
    workspace = Workspace(
        name=name,
        dataset=data,
        sections=_sections(),
        parts={"settings": {"autosave": bool(st.session_state.get(AUTOSAVE, False))}},
        revision=st.session_state.get(REVISION, 0) if same_workspace else 0,
    )
    base = workspace.revision
    result = _store().save(workspace, same_tables_as=base if unchanged_tables else None)
    _remember(result.info.name, result.info.revision, data)
    if result.overwritten is not None:
        _flash("warning", "workspace.overwritten", name=name, revision=result.overwritten)


def _load(name: str) -> str:
    """Make workspace ``name`` the session's data and page state; returns its exact name."""
    workspace = _store().open(name)
    _use(workspace.dataset, workspace.sections)
    settings = workspace.parts.get("settings", {})
    st.session_state[AUTOSAVE] = bool(settings.get("autosave", False))
    _remember(workspace.name, workspace.revision, workspace.dataset)
    st.session_state[CHOICE] = workspace.name
    st.session_state[DISCARD] = False
    return workspace.name


@_guarded
def _open(name: str) -> None:
    _flash("success", "workspace.msg_opened", name=_load(name))


@_guarded
def _save() -> None:
    name = st.session_state.get(ACTIVE)
    if name is not None:
        save_to(name)
        _flash("success", "workspace.msg_saved", name=name)


@_guarded
def _save_as() -> None:
    name = st.session_state.get(NAME, "")
    if _store().exists(name) and not _is_active(name):
        raise DataError("error.store.exists", name=name.strip())
    save_to(name)
    _after_naming("workspace.msg_saved")


@_guarded
def _new() -> None:
    name = st.session_state.get(NAME, "")
    if _store().exists(name):
        raise DataError("error.store.exists", name=name.strip())
    _use(None, {})
    st.session_state[AUTOSAVE] = False
    _remember(None, 0, None)
    save_to(name)
    _after_naming("workspace.msg_created")


def _after_naming(message: str) -> None:
    name = st.session_state[ACTIVE]
    st.session_state[NAME] = ""
    st.session_state[CHOICE] = name
    st.session_state[DISCARD] = False
    _flash("success", message, name=name)


@_guarded
def _duplicate(source: str) -> None:
    info = _store().duplicate(source, st.session_state.get(NAME, ""))
    st.session_state[NAME] = ""
    st.session_state[CHOICE] = info.name
    _flash("success", "workspace.msg_duplicated", name=info.name)


@_guarded
def _delete(name: str) -> None:
    was_active = _is_active(name)
    owner = current_owner()
    if owner is not None:
        spaces().delete(owner, name)  # the project and its sharing entry
    else:
        _store().delete(name)
    if was_active:
        _remember(None, 0, None)
    st.session_state[DELETE_CONFIRM] = False
    st.session_state.pop(CHOICE, None)
    _flash("success", "workspace.msg_deleted", name=name)


@_guarded
def _open_shared(key: str, name: str) -> None:
    """Load a project someone shared with this user. It stays theirs: the session holds a copy
    that is saved (with "Save as") into the user's own folder, never into the owner's."""
    owner = current_owner()
    if owner is None:
        raise DataError("error.store.not_found", name=name)
    workspace = spaces().open_shared(owner, key, name)
    _use(workspace.dataset, workspace.sections)
    st.session_state[AUTOSAVE] = False
    _remember(None, 0, None)
    st.session_state[DISCARD] = False
    _flash("success", "auth_share.msg_opened", name=workspace.name)


@_guarded
def _share(name: str, emails_key: str, team_key: str) -> None:
    owner = current_owner()
    if owner is None:
        return
    emails = parse_emails(st.session_state.get(emails_key, ""))
    share = spaces().share(owner, name, emails, team=bool(st.session_state.get(team_key)))
    if share.emails or share.team:
        _flash("success", "auth_share.msg_shared", name=share.name)
    else:
        _flash("success", "auth_share.msg_private", name=share.name)


@_guarded
def _import() -> None:
    upload = st.session_state.get(UPLOAD)
    if upload is None:
        return
    info = import_zip(_store(), upload.getvalue())
    _flash("success", "workspace.msg_imported", name=_load(info.name))


def _autosave() -> None:
    """Save the active workspace when something changed (runs every few seconds while on).

    A failed autosave is shown once and not retried until the state changes again."""
    name = st.session_state.get(ACTIVE)
    if name is None or not st.session_state.get(AUTOSAVE) or not _has_unsaved_changes():
        return
    attempt = (id(dataset()), _sections_json())
    failed = st.session_state.get(AUTOSAVE_FAILED)
    if failed is not None and failed[0] == attempt:
        st.error(failed[1].message(lang()), icon=":material/error:")
        return
    try:
        save_to(name)
    except (DataError, OSError) as error:
        if isinstance(error, OSError):
            log.exception("autosave failed")
            error = DataError("error.unexpected", detail=type(error).__name__)
        st.session_state[AUTOSAVE_FAILED] = (attempt, error)
        st.error(error.message(lang()), icon=":material/error:")


def _status() -> None:
    """The active workspace and whether it is saved; autosaves first when that is on."""
    _autosave()
    name = st.session_state.get(ACTIVE)
    if name is None:
        st.caption(T("workspace.unsaved"))
        return
    st.markdown(T("workspace.active", name=name))
    if _has_unsaved_changes():
        st.caption(f":material/edit: {T('workspace.dirty')}")
    else:
        st.caption(f":material/check: {T('workspace.clean')}")


def _show_flash() -> None:
    for kind, key, params in st.session_state.pop(FLASH, []):
        icon = {"success": ":material/check_circle:", "warning": ":material/warning:"}
        getattr(st, kind)(T(key, **params), icon=icon.get(kind, ":material/error:"))


def _details(info: WorkspaceInfo) -> str:
    language = lang()
    return T(
        "workspace.details",
        customers=format_number(info.customers or 0, language),
        transactions=format_number(info.transactions or 0, language),
        date=format_date(info.saved_at, language),
        time=f"{info.saved_at:%H:%M}",
        size=format_number(info.bytes_on_disk / 1_000_000, language, decimals=1),
    )


def workspace_panel() -> None:
    """The workspace box in the sidebar (call it after the data set panel)."""
    store = _store()
    with st.sidebar.container(border=True):
        st.markdown(f"**:material/inventory_2: {T('workspace.title')}**")
        _show_flash()
        autosave_every = AUTOSAVE_SECONDS if st.session_state.get(AUTOSAVE) else None
        st.fragment(_status, run_every=autosave_every)()
        st.button(
            T("workspace.save"),
            key="ws_save",
            icon=":material/save:",
            type="primary",
            width="stretch",
            disabled=st.session_state.get(ACTIVE) is None,
            on_click=_save,
        )
        st.toggle(
            T("workspace.autosave"),
            key=AUTOSAVE,
            help=T("workspace.autosave_help"),
            disabled=st.session_state.get(ACTIVE) is None,
        )
        try:
            saved = store.workspaces()
        except OSError:
            saved = []
        _picker(saved)
        _shared_picker()
        _manage()
        _transfer(store, saved)
        _where(store)


def _picker(saved: list[WorkspaceInfo]) -> None:
    names = [info.name for info in saved]
    if st.session_state.get(CHOICE) not in names:
        st.session_state.pop(CHOICE, None)
    if not names:
        st.caption(T("workspace.none_saved"))
    else:
        choice = st.selectbox(T("workspace.choose"), names, key=CHOICE)
        st.caption(_details(saved[names.index(choice)]))
    must_discard = _has_unsaved_changes() and (dataset() is not None or bool(_sections()))
    if must_discard and names:
        st.checkbox(T("workspace.discard"), key=DISCARD)
    blocked = must_discard and not st.session_state.get(DISCARD, False)
    st.button(
        T("workspace.open"),
        key="ws_open",
        icon=":material/folder_open:",
        width="stretch",
        disabled=not names or blocked,
        on_click=_open,
        args=(st.session_state.get(CHOICE),),
    )


def _shared_picker() -> None:
    """The projects colleagues shared with this user (only on a team server with login)."""
    owner = current_owner()
    if owner is None:
        return
    try:
        shared = spaces().shared_with(owner)
    except OSError:
        shared = []
    if not shared:
        return
    labels = {_shared_label(project): project for project in shared}
    if st.session_state.get(SHARED_CHOICE) not in labels:
        st.session_state.pop(SHARED_CHOICE, None)
    choice = st.selectbox(T("auth_share.shared_with_me"), list(labels), key=SHARED_CHOICE)
    project = labels[choice]
    st.caption(_details(project.info))
    blocked = _has_unsaved_changes() and not st.session_state.get(DISCARD, False)
    st.button(
        T("auth_share.open"),
        key="auth_open_shared",
        icon=":material/folder_shared:",
        width="stretch",
        disabled=blocked and (dataset() is not None or bool(_sections())),
        on_click=_open_shared,
        args=(project.owner_key, project.info.name),
    )


def _shared_label(project: SharedProject) -> str:
    owner = project.owner_email or T("auth_share.unknown_owner")
    return T("auth_share.label", name=project.info.name, owner=owner)


def _sharing(choice: str) -> None:
    """Whom the chosen project is shared with, and the form to change it."""
    owner = current_owner()
    if owner is None:
        return
    try:
        current = spaces().share_of(owner, choice)
    except (DataError, OSError):
        return
    st.divider()
    st.markdown(f"**{T('auth_share.title', name=md_escape(current.name))}**")
    folder = _store().path(choice).name
    emails_key, team_key = f"auth_share_emails_{folder}", f"auth_share_team_{folder}"
    st.text_area(
        T("auth_share.emails"),
        value=", ".join(current.emails),
        key=emails_key,
        placeholder=T("auth_share.emails_placeholder"),
        help=T("auth_share.emails_help"),
        height=68,
    )
    st.checkbox(T("auth_share.team"), value=current.team, key=team_key)
    st.button(
        T("auth_share.button"),
        key="auth_share",
        icon=":material/share:",
        width="stretch",
        on_click=_share,
        args=(choice, emails_key, team_key),
    )
    if current.emails or current.team:
        readers = ", ".join(current.emails) if current.emails else ""
        key = "auth_share.now_team" if current.team else "auth_share.now"
        st.caption(T(key, readers=md_escape(readers)))
    else:
        st.caption(T("auth_share.now_private"))


def _manage() -> None:
    with st.expander(T("workspace.manage"), icon=":material/settings:"):
        st.text_input(T("workspace.name"), key=NAME, placeholder=T("workspace.name_placeholder"))
        st.button(
            T("workspace.save_as"),
            key="ws_save_as",
            icon=":material/save_as:",
            width="stretch",
            on_click=_save_as,
        )
        st.button(
            T("workspace.new"),
            key="ws_new",
            icon=":material/note_add:",
            help=T("workspace.new_help"),
            width="stretch",
            on_click=_new,
        )
        choice = st.session_state.get(CHOICE)
        if choice is None:
            return
        st.button(
            T("workspace.duplicate", name=choice),
            key="ws_duplicate",
            icon=":material/content_copy:",
            width="stretch",
            on_click=_duplicate,
            args=(choice,),
        )
        _sharing(choice)
        st.divider()
        st.checkbox(T("workspace.delete_confirm", name=choice), key=DELETE_CONFIRM)
        st.button(
            T("workspace.delete", name=choice),
            key="ws_delete",
            icon=":material/delete_forever:",
            width="stretch",
            disabled=not st.session_state.get(DELETE_CONFIRM, False),
            on_click=_delete,
            args=(choice,),
        )


def _transfer(store: WorkspaceStore, saved: list[WorkspaceInfo]) -> None:
    with st.expander(T("workspace.transfer"), icon=":material/swap_vert:"):
        chosen = [info for info in saved if info.name == st.session_state.get(CHOICE)]
        if chosen:
            info = chosen[0]
            try:
                download_button(
                    T("workspace.export", name=info.name),
                    functools.partial(export_zip, store, info.name),
                    identity=(str(info.path), info.revision, info.saved_at.isoformat()),
                    file_name=f"{slug(info.name)}.zip",
                    mime="application/zip",
                    key="ws_export",
                    eager=info.bytes_on_disk <= EAGER_EXPORT_BYTES,
                    width="stretch",
                )
                st.caption(T("workspace.export_hint"))
            except DataError as error:  # deleted or damaged by another session meanwhile
                st.warning(error.message(lang()), icon=":material/error:")
            except OSError:
                log.exception("exporting workspace %s failed", info.name)
                st.warning(T("workspace.export_failed"), icon=":material/error:")
        st.file_uploader(T("workspace.import_file"), type=["zip"], key=UPLOAD)
        st.button(
            T("workspace.import"),
            key="ws_import",
            icon=":material/upload:",
            width="stretch",
            disabled=st.session_state.get(UPLOAD) is None,
            on_click=_import,
        )


def _where(store: WorkspaceStore) -> None:
    """Where the projects are, who else can read them, and how to delete one for good."""
    mode = serving_mode()
    who = f"auth_where.{mode}"
    delete = "auth_where.delete_shared" if mode == "server_login" else "auth_where.delete"
    with st.expander(T("workspace.where"), icon=":material/lock:"):
        st.markdown(T(who))
        st.caption(T("workspace.folder"))
        st.code(str(store.home), language=None, wrap_lines=True)
        st.markdown(T("workspace.where_what"))
        st.markdown(T(delete))
        st.markdown(T("workspace.where_when"))
