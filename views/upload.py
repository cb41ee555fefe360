"""Upload one or several customer or purchase files: pick the sheet, confirm each mapping, choose
what personal data to keep, look at the validation report, see how the files fit together, then
use the data (replacing the active data set or adding to it).

Nothing here parses or checks data itself: every step is one call into ``kundenmodell.io`` or
``kundenmodell.combine``. The active data set is replaced only by the final button, so a file
that fails at any step leaves the data loaded before untouched; among several files a bad one
shows its message in its own tab and the others can still be used.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from kundenmodell import DataError, Dataset, io
from kundenmodell.combine import Part, combine, filled_tables
from kundenmodell.i18n import format_number
from kundenmodell.io import memory
from kundenmodell.io.mapping import IdQuestion, Mapping, allowed_targets
from kundenmodell.io.shapes import KNOWN_CURRENCIES
from kundenmodell.io.source import SUPPORTED_EXTENSIONS
from kundenmodell.markup import escape_markdown
from ui.downloads import download_button
from ui.feedback import guard
from ui.login import serving_mode
from ui.mapping_steps import (
    ask_id,
    mapping_editor,
    privacy_choice,
    show_findings,
    show_profile,
)
from ui.number_field import number_field
from ui.session import T, dataset, dataset_title, lang, set_dataset, workspace_state
from ui.tables import show_table

_MAPPING = "upload_mapping"
_KEY = "privacy_key"
_DONE = "upload_done"
_USED = "upload_used_files"
_ROUND = "upload_round"
_LOADED_MAPPINGS = "upload_mapping_file_ids"
_ADD = "upload_add"
_UNIFY = "upload_unify"
# Steps are cached on content (file bytes, sheet, header row, mapping, privacy choice) with
# st.cache_data: reruns of the page (every widget change) reuse the parsed file, the suggestion
# and the report instead of reading a large file again; entries expire after an hour and at
# most 4 per step are kept (the cache is the server's, shared by sessions: a few large files
# must not fill a shared server's memory). A comment, not a docstring: Streamlit would show
# a bare string.
_CACHED = {"max_entries": 4, "ttl": 3600, "show_spinner": False}
R = TypeVar("R")


@dataclass(frozen=True)
class _File:
    """An uploaded file read into a table; ``token`` is its content and how it was read
    (file digest, name, sheet, header row), so it changes when the reading changes."""

    upload: UploadedFile
    loaded: io.LoadedTable
    sheet: str | None
    token: tuple

    @property
    def id(self) -> str:
        return self.upload.file_id

    @property
    def name(self) -> str:
        return _stem(self.upload.name, self.sheet)


@dataclass(frozen=True)
class _Checked:
    """A file mapped and checked, ready to be used; ``key`` changes with its mapped rows."""

    file: _File
    mapped: io.Mapped
    key: tuple


def _digest(upload: UploadedFile) -> str:
    """The file's content as a short hash: the cache key of everything read from it."""
    return hashlib.blake2b(upload.getbuffer(), digest_size=16).hexdigest()


@st.cache_data(**_CACHED)
def _sheets(digest: str, name: str, max_bytes: int, _upload: UploadedFile) -> list[str]:
    return io.sheet_names_guarded(_upload, max_bytes=max_bytes)


@st.cache_data(**_CACHED)
def _loaded(
    digest: str,
    name: str,
    sheet: str | None,
    header_row: int | None,
    max_bytes: int,
    _upload: UploadedFile,
) -> io.LoadedTable:
    return io.read_table_guarded(_upload, sheet=sheet, header_row=header_row, max_bytes=max_bytes)


@st.cache_data(**_CACHED)
def _suggested(token: tuple, _loaded: io.LoadedTable) -> Mapping:
    return io.suggest_mapping(list(_loaded.frame.columns), "auto", _loaded)


@st.cache_data(**_CACHED)
def _mapped(token: tuple, mapping: str, name: str, _loaded: io.LoadedTable) -> io.Mapped:
    return io.map_table(
        _loaded.frame, Mapping.from_json(mapping), name=name, **_loaded.mapping_options
    )


@st.cache_data(**_CACHED)
def _report(token: tuple, mapping: str, privacy: str, _mapped: io.Mapped) -> io.UploadReport:
    return io.validate_upload(_mapped, privacy)


def _forget_answers_of_gone_files(uploads: list[UploadedFile]) -> None:
    """Drop the mapping answers of files no longer in the file chooser."""
    current = {upload.file_id for upload in uploads}
    for name in (_MAPPING, _LOADED_MAPPINGS):
        answers = st.session_state.setdefault(name, {})
        for file_id in [file_id for file_id in answers if file_id not in current]:
            del answers[file_id]


def _attempt(compute: Callable[..., R], *args: Any) -> R | None:
    """``compute(*args)``, or None when it failed: the message is shown where it happened."""
    result = None
    with guard():
        result = compute(*args)
    return result


def _stem(file_name: str, sheet: str | None) -> str:
    stem = Path(file_name).stem or "upload"
    return f"{stem} · {sheet}" if sheet else stem


def _finding_label(report: io.UploadReport, index: int) -> str:
    issue = report.findings[index].issue
    column = T(f"column.{issue.column}") if issue.column else T(f"table.{issue.table}")
    message = T(issue.key, **issue.params)
    rows = format_number(issue.rows, lang())
    return T("upload.drop_option", column=column, message=message, rows=rows)


def _header_row_input(target: Any, key: str) -> None:
    """The row the header is in: the detected one until the user enters another (the file is
    then read again with ``header_row``)."""
    st.session_state.setdefault(key, st.session_state[f"{key}_detected"])
    number_field(
        T("upload.header_row.label"),
        key,
        min_value=1,
        integer=True,
        help=T("upload.header_row.help"),
        container=target,
    )


def _stored_mapping(file: _File) -> Mapping | None:
    """The mapping the user answered or loaded for this reading of the file, if any."""
    stored = st.session_state.setdefault(_MAPPING, {}).get(file.id)
    return stored[1] if stored is not None and stored[0] == file.token else None


def _store_mapping(file: _File, mapping: Mapping) -> None:
    st.session_state.setdefault(_MAPPING, {})[file.id] = (file.token, mapping)


def _ask_id(question: IdQuestion, mapping: Mapping, file: _File) -> None:
    """Ask which column is the customer number; the answer becomes the mapping of this file."""
    answered = ask_id(question, mapping, f"upload_id_answer_{hash((file.id, file.token))}")
    if answered is not None:
        _store_mapping(file, answered)
        st.rerun()


def _remember(mapping: Mapping) -> None:
    """Keep the confirmed mapping in the workspace for the next file of the same shape."""
    section = workspace_state("upload")
    section["mappings"] = memory.remember(section.get("mappings", {}), mapping)


def _use(data: Dataset, checked: list[_Checked]) -> None:
    """Callback of the final button: make ``data`` the active data set.

    Each file's confirmed mapping is remembered for the next file of its shape, and the file
    chooser starts empty again (the files are used; the next ones may be added to them).
    """
    set_dataset(data)
    for item in checked:
        _remember(item.mapped.mapping)
    st.session_state[_DONE] = (data.name, data.n_customers, data.n_transactions)
    st.session_state[_USED] = {(item.file.id, item.file.token) for item in checked}
    st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1
    st.session_state[_ADD] = False


def _show_done() -> None:
    """The message after the final button, with the way on."""
    done = st.session_state.pop(_DONE, None)
    if done is None:
        return
    st.success(
        T(
            "upload.used",
            name=done[0],
            customers=format_number(done[1], lang()),
            transactions=format_number(done[2], lang()),
        ),
        icon=":material/check_circle:",
    )
    links = st.columns(2)
    links[0].page_link("views/dataset.py", label=T("home.go_dataset"), icon=":material/table:")
    links[1].page_link(
        "views/overview.py", label=T("home.go_overview"), icon=":material/monitoring:"
    )


def _choose_files(max_bytes: int) -> list[UploadedFile]:
    """The file chooser (several files at once); a new, empty one after data were used."""
    round_ = st.session_state.get(_ROUND, 0)
    uploads = st.file_uploader(
        T("upload_files.file_label"),
        type=sorted(SUPPORTED_EXTENSIONS),
        accept_multiple_files=True,
        help=T("upload_files.file_help", limit=max_bytes // 1024 // 1024),
        key="upload_file" if not round_ else f"upload_file_{round_}",
    )
    st.caption(f":material/lock: {_where_files_stay()}")
    return list(uploads or [])


def _where_files_stay() -> str:
    """Where an uploaded file goes: this computer, or a team server (with login: only the
    user's session; opened without login: anyone who reaches the server can use it)."""
    mode = serving_mode()
    return T("upload.local_note" if mode == "laptop" else f"upload_where.{mode}")


def _read(upload: UploadedFile, max_bytes: int) -> _File | None:
    """Read ``upload`` (asking for the sheet of a workbook first) and show what was found.

    None while a workbook's sheet is not chosen yet; a file that cannot be read raises
    :class:`~kundenmodell.DataError` (the header row field stays at hand when the chosen row
    is the problem).
    """
    digest = _digest(upload)
    sheets = _sheets(digest, upload.name, max_bytes, upload)
    sheet = None
    if len(sheets) > 1:
        sheet = st.selectbox(
            T("upload.sheet_label"),
            sheets,
            index=None,
            placeholder=T("upload.sheet_placeholder"),
            help=T("upload.sheet_help"),
            key=f"upload_sheet_{upload.file_id}",
        )
        if sheet is None:
            st.info(T("upload.sheet_needed", count=len(sheets)), icon=":material/tab:")
            return None
    header_key = f"upload_header_row_{upload.file_id}_{sheet}"
    detected = st.session_state.get(f"{header_key}_detected")
    header_row = st.session_state.get(header_key)
    header_row = None if header_row == detected else header_row  # None: the reader finds it
    token = (digest, upload.name, sheet, header_row)
    try:
        loaded = _loaded(digest, upload.name, sheet, header_row, max_bytes, upload)
    except DataError:
        if header_row is not None:  # the chosen row does not work: keep the choice at hand
            _header_row_input(st, header_key)
        raise
    if header_row is None:
        st.session_state[f"{header_key}_detected"] = loaded.first_row - 1
    _show_reading(loaded, header_key)
    return _File(upload, loaded, sheet, token)


def _show_reading(loaded: io.LoadedTable, header_key: str) -> None:
    """What the reader found (format, size, encoding, separator, decimal mark), the header row
    field and a preview of the first rows."""
    frame = loaded.frame
    details = [
        T(f"io.format.{loaded.format}"),
        T(
            "upload.rows_columns",
            rows=format_number(len(frame), lang()),
            columns=len(frame.columns),
        ),
    ]
    if loaded.encoding:
        details.append(T("upload.encoding", encoding=T(f"io.encoding.{loaded.encoding}")))
    if loaded.delimiter:
        details.append(
            T("upload.delimiter", delimiter=T(f"io.delimiter.{loaded.delimiter_name}"))
        )
    if loaded.decimal:
        details.append(T("upload.decimal", mark=loaded.decimal))
    about, header_column = st.columns([4, 1], vertical_alignment="center")
    about.caption(T("upload.detected") + " " + " · ".join(details))
    if loaded.header_row_choosable:
        _header_row_input(header_column, header_key)
    with st.expander(T("upload.preview_title")):
        st.dataframe(frame.head(50), hide_index=True, width="stretch")


def _mapping_heading() -> None:
    st.header(T("upload.mapping_title"))
    st.markdown(T("upload.mapping_help"))


def _map(file: _File) -> Mapping:
    """The mapping editor of one file (suggested, remembered, answered or loaded), the
    question about an unsure customer number, the currency and saving/loading the mapping."""
    frame = file.loaded.frame
    columns = list(frame.columns)
    mapping, source = memory.starting_mapping(
        _suggested(file.token, file.loaded),
        loaded=_stored_mapping(file),
        remembered=memory.recall(workspace_state("upload").get("mappings", {}), columns),
        already_used=(file.id, file.token) in st.session_state.get(_USED, set()),
    )
    if source == "remembered":
        st.info(T("upload.memory.remembered"), icon=":material/history:")
    chosen = _mapping_editor(mapping, file)
    edited = mapping.with_targets(chosen)
    question = edited.id_question()
    if question is not None:
        _ask_id(question, edited, file)
    fills = [
        T(f"table.{table}")
        for table in ("customers", "transactions")
        if table in filled_tables(edited)
    ]
    st.caption(T("upload_files.fills", tables=", ".join(fills)))
    left, middle, right = st.columns([1, 1, 1])
    currency = left.selectbox(
        T("upload.currency"),
        KNOWN_CURRENCIES,
        index=(
            KNOWN_CURRENCIES.index(mapping.currency)
            if mapping.currency in KNOWN_CURRENCIES
            else 0
        ),
        key=f"upload_currency_{file.id}",
    )
    mapping = replace(edited, currency=currency)
    download_button(
        T("upload.mapping_save"),
        mapping.to_json(),
        file_name=f"{Path(file.upload.name).stem}_mapping.json",
        mime="application/json",
        help=T("upload.mapping_save_help"),
        key=f"upload_mapping_save_{file.id}",
        target=middle,
    )
    _load_saved_mapping(file, right)
    return mapping


def _mapping_editor(mapping: Mapping, file: _File) -> dict[str, str | None]:
    """The editable table of the file's columns and their meaning; returns source → target."""
    return mapping_editor(
        mapping,
        file.loaded.frame,
        f"upload_editor_{hash((file.id, file.token, mapping.to_json()))}",
        allowed_targets("auto"),
    )


def _load_saved_mapping(file: _File, target: Any) -> None:
    """A mapping file saved earlier: loaded once, then it is the file's mapping."""
    saved = target.file_uploader(
        T("upload.mapping_load"),
        type=["json"],
        help=T("upload.mapping_load_help"),
        key=f"upload_mapping_file_{file.id}",
    )
    loaded_ids = st.session_state.setdefault(_LOADED_MAPPINGS, {})
    if saved is not None and loaded_ids.get(file.id) != saved.file_id:
        with guard():
            reused = Mapping.from_json(saved.getvalue()).for_columns(list(file.loaded.frame))
            _store_mapping(file, reused)
            loaded_ids[file.id] = saved.file_id
            st.rerun()


def _privacy() -> io.Privacy:
    """One choice for all files: what happens to names, e-mail addresses and phone numbers."""
    return privacy_choice("upload_privacy")


def _check(file: _File, mapping: Mapping, privacy: io.Privacy) -> _Checked:
    """Map the file, show its validation report, and drop the rows the user picks."""
    mapped = _mapped(file.token, mapping.to_json(), file.name, file.loaded)
    report = _report(file.token, mapping.to_json(), privacy, mapped)
    show_findings(report)
    drop = _drop_choice(report, file)
    if drop:
        before = (len(mapped.customers), len(mapped.transactions))
        mapped = mapped.without(report.masks(drop))
        st.info(
            T(
                "upload.dropped",
                customers=format_number(before[0] - len(mapped.customers), lang()),
                transactions=format_number(before[1] - len(mapped.transactions), lang()),
            ),
            icon=":material/delete:",
        )
    show_profile(report)
    return _Checked(file, mapped, (file.token, mapping.to_json(), tuple(drop)))


def _drop_choice(report: io.UploadReport, file: _File) -> list[int]:
    """The findings whose rows the user wants left out (warnings and errors only)."""
    droppable = list(report.offered_for_dropping)
    if not droppable:
        return []
    labels = {index: _finding_label(report, index) for index in droppable}
    return st.multiselect(
        T("upload.drop_label"),
        droppable,
        format_func=labels.__getitem__,
        help=T("upload.drop_help"),
        placeholder=T("upload.drop_placeholder"),
        key=f"upload_drop_{hash((file.id, file.token))}",
    )


@st.cache_data(**_CACHED)
def _combined(
    token: tuple, key: bytes, _checked: list[_Checked], _current: Dataset | None
) -> Dataset:
    """The files as one data set (with ``current`` first when adding to it): each minimised
    with the session's ``key`` (so a pseudonymised customer number is the same in every file),
    then joined (:func:`kundenmodell.combine.combine`). ``token`` holds each file's content key,
    the privacy choice, whether to unify customer numbers and the current data set's token."""
    _, privacy, unify, _ = token
    parts = [] if _current is None else [Part.of(_current, name=dataset_title(_current))]
    for item in _checked:
        mapped = item.mapped
        data = io.minimise(mapped.to_dataset(), privacy, key, id_is_identifier=mapped.id_from_email)
        parts.append(Part.of(data, mapped.mapping, mapped.name))
    if len(parts) == 1:
        return parts[0].data
    return combine(parts, unify_ids=unify)


def _show_join(data: Dataset) -> None:
    """How the files fit together: the table each fills, then the join report in words, and
    the option to unify customer numbers written differently when there are any."""
    report = data.join_report
    if report is None:
        return
    st.markdown(f"**{T('upload_files.join_title')}**")
    show_table(
        report.parts_frame(lang()),
        column_config={
            "file": T("upload_files.col_file"),
            "fills": T("upload_files.col_fills"),
            "customers": T("upload_files.col_customers"),
            "transactions": T("upload_files.col_transactions"),
        },
    )
    icons = {
        "success": ":material/check_circle:",
        "info": ":material/info:",
        "warning": ":material/warning:",
    }
    for level, text in report.lines(lang())[1:]:  # the result is the summary below
        getattr(st, level)(text, icon=icons[level])
    if report.variants:
        st.checkbox(
            T("upload_files.unify_label"), help=T("upload_files.unify_help"), key=_UNIFY
        )


def _use_step(checked: list[_Checked], failed: list[str], privacy: io.Privacy) -> None:
    """Section 4: what the files become, how they fit together, and the final button."""
    st.header(T("upload.use_title"))
    if failed:
        names = ", ".join(escape_markdown(name) for name in failed)
        st.warning(T("upload_files.left_out", files=names), icon=":material/block:")
    if not checked:
        st.info(T("upload_files.none_usable"), icon=":material/hourglass_empty:")
        return
    current = dataset()
    adding = False
    if current is not None:
        adding = st.toggle(
            T("upload_files.add_label", name=escape_markdown(dataset_title(current))),
            help=T(
                "upload_files.add_help",
                customers=format_number(current.n_customers, lang()),
                transactions=format_number(current.n_transactions, lang()),
            ),
            key=_ADD,
        )
    unify = bool(st.session_state.get(_UNIFY, False))
    token = (
        tuple(item.key for item in checked),
        privacy,
        unify,
        st.session_state.get("dataset_token") if adding else None,
    )
    key = st.session_state.setdefault(_KEY, io.new_key())
    data = _combined(token, key, checked, current if adding else None)
    _show_join(data)
    st.markdown(
        T(
            "upload.use_summary",
            customers=format_number(data.n_customers, lang()),
            transactions=format_number(data.n_transactions, lang()),
            privacy=T(f"privacy.done_{privacy}"),
        )
    )
    if adding:
        st.caption(T("upload_files.added_note"))
    elif len(checked) > 1:
        st.caption(T("upload_files.combined_note"))
    else:
        st.caption(T("upload.replace_note"))
    st.button(
        T("upload.use_button"),
        type="primary",
        icon=":material/check:",
        on_click=_use,
        args=(data, checked),
        key="upload_use",
    )


def _one_file(upload: UploadedFile, max_bytes: int) -> None:
    """A single file, step by step down the page."""
    with guard():
        file = _read(upload, max_bytes)
        if file is None:
            st.stop()
        _mapping_heading()
        mapping = _map(file)
        privacy = _privacy()
        st.header(T("upload.validation_title"))
        checked = _check(file, mapping, privacy)
        _use_step([checked], [], privacy)


def _several_files(uploads: list[UploadedFile], max_bytes: int) -> None:
    """Several files: each read and mapped in its own tab, checked in its own expander, then
    joined. A file that fails shows why in its tab and is left out; the others go on."""
    st.caption(T("upload_files.several_note", files=len(uploads)))
    _mapping_heading()
    mapped: list[tuple[_File, Mapping]] = []
    failed: list[str] = []
    tabs = st.tabs([escape_markdown(upload.name) for upload in uploads])
    for upload, tab in zip(uploads, tabs, strict=True):
        with tab:
            file = _attempt(_read, upload, max_bytes)
            mapping = _attempt(_map, file) if file is not None else None
        if file is None or mapping is None:
            failed.append(upload.name)
        else:
            mapped.append((file, mapping))
    privacy = _privacy()
    st.header(T("upload.validation_title"))
    checked: list[_Checked] = []
    for file, mapping in mapped:
        with st.expander(escape_markdown(file.name), expanded=True):
            result = _attempt(_check, file, mapping, privacy)
        if result is None:
            failed.append(file.upload.name)
        else:
            checked.append(result)
    _use_step(checked, failed, privacy)


def _page() -> None:
    """The page from top to bottom: the file chooser, then one file or several."""
    st.title(T("upload.title"))
    st.markdown(T("upload.intro"))
    _show_done()
    max_bytes = int(st.get_option("server.maxUploadSize")) * 1024 * 1024
    io.start_workers()  # the file readers start while the user picks a file
    uploads = _choose_files(max_bytes)
    _forget_answers_of_gone_files(uploads)
    if not uploads:
        return
    if len(uploads) == 1:
        _one_file(uploads[0], max_bytes)
    else:
        _several_files(uploads, max_bytes)


_page()
