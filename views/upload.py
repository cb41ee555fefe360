"""Upload a customer or purchase file: pick the sheet, confirm the mapping, choose what personal
data to keep, look at the validation report, then use the data.

Nothing here parses or checks data itself: every step is one call into ``kundenmodell.io``. The
active data set is replaced only by the final button, so a file that fails at any step leaves the
data loaded before untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from kundenmodell import DataError, io
from kundenmodell.i18n import format_date, format_number
from kundenmodell.io.mapping import TARGET_TABLE, IdQuestion, Mapping, allowed_targets
from kundenmodell.io.source import SUPPORTED_EXTENSIONS
from ui.downloads import download_button
from ui.feedback import guard
from ui.number_field import number_field
from ui.session import T, lang, set_dataset, workspace_state

IGNORE = "ignore"
DELIMITER_NAMES = {";": "semicolon", ",": "comma", "\t": "tab", "|": "pipe"}
CURRENCIES = ("EUR", "USD", "NOK", "CHF", "GBP", "SEK", "DKK")
_CACHE = "upload_cache"
_MAPPING = "upload_mapping"
_KEY = "privacy_key"
_DONE = "upload_done"
_USED = "upload_used_file"
REMEMBERED_SHAPES = 20
R = TypeVar("R")


def _cached(slot: str, token: tuple, compute: Callable[..., R], *args: Any, **kwargs: Any) -> R:
    """``compute(*args, **kwargs)`` kept in the session until ``token`` changes.

    One entry per slot: reruns of the page (every widget change) reuse the parsed file, the
    suggestion and the report instead of reading a large file again.
    """
    cache = st.session_state.setdefault(_CACHE, {})
    if slot not in cache or cache[slot][0] != token:
        cache[slot] = (token, compute(*args, **kwargs))
    return cache[slot][1]


def _stem(file_name: str, sheet: str | None) -> str:
    stem = Path(file_name).stem or "upload"
    return f"{stem} · {sheet}" if sheet else stem


def _examples(values: pd.Series) -> str:
    """Three distinct values of a column, so the user sees what the column holds."""
    shown = values.dropna().head(200)
    if pd.api.types.is_datetime64_any_dtype(shown):
        text = pd.Series([format_date(value, lang()) for value in shown.head(20)], dtype="str")
    elif pd.api.types.is_numeric_dtype(shown) and not pd.api.types.is_bool_dtype(shown):
        text = pd.Series(
            [format_number(value, lang(), decimals=_decimals(value)) for value in shown.head(20)],
            dtype="str",
        )
    else:
        text = shown.astype("str").str.strip()
    return ", ".join(list(dict.fromkeys(text[text != ""]))[:3])


def _decimals(value: float) -> int:
    """Decimals to show a number as written: none for whole numbers, else up to two."""
    return 0 if float(value).is_integer() else 2


def _finding_label(report: io.UploadReport, index: int) -> str:
    issue = report.findings[index].issue
    column = T(f"column.{issue.column}") if issue.column else T(f"table.{issue.table}")
    message = T(issue.key, **issue.params)
    rows = format_number(issue.rows, lang())
    return T("upload.drop_option", column=column, message=message, rows=rows)


def _mapping_frame(mapping: Mapping, frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": [entry.source for entry in mapping.entries],
            "examples": [_examples(frame[entry.source]) for entry in mapping.entries],
            "target": [entry.target or IGNORE for entry in mapping.entries],
            "confidence": [entry.confidence * 100 for entry in mapping.entries],
        }
    )


def _target_label(target: str) -> str:
    if target == IGNORE:
        return T("upload.ignore")
    table = T(f"table.{TARGET_TABLE[target]}") if target != "customer_id" else ""
    label = T(f"column.{target}")
    return f"{label} ({table})" if table and TARGET_TABLE[target] == "transactions" else label


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


def _remembered(columns: list[str]) -> Mapping | None:
    """The mapping confirmed last time for a file with exactly these columns, if any."""
    text = workspace_state("upload").get("mappings", {}).get(_shape(columns))
    if text is None:
        return None
    try:
        return Mapping.from_json(text).for_columns(columns)
    except DataError:
        return None


def _ask_id(question: IdQuestion, mapping: Mapping, token: tuple) -> None:
    """Ask which column is the customer number; the answer becomes the mapping of this file."""
    labels = {column: column for column in question.candidates}
    if question.email:  # "": none of them, the e-mail address identifies the customer
        labels[""] = T("upload.mapping_check.use_email", column=question.email)
    st.warning(
        T("upload.mapping_check.id_question", candidates=", ".join(question.candidates)),
        icon=":material/help:",
    )
    answer = st.radio(
        T("upload.mapping_check.id_choice"),
        list(labels),
        index=None,
        format_func=labels.__getitem__,
        help=T("upload.mapping_check.id_choice_help"),
        horizontal=True,
        key=f"upload_id_answer_{hash(token)}",
    )
    if answer is not None:
        st.session_state[_MAPPING] = (token, mapping.answer_id(answer or None))
        st.rerun()


def _shape(columns: list[str]) -> str:
    return "\x1f".join(columns)


def _use(mapped: io.Mapped, privacy: io.Privacy, key: bytes, name: str, token: tuple) -> None:
    """Callback of the final button: minimise and make the upload the active data set.

    The confirmed mapping is remembered in the workspace for the next file of the same shape.
    """
    data = io.minimise(mapped.to_dataset(), privacy, key, id_is_identifier=mapped.id_from_email)
    set_dataset(data)
    memory = workspace_state("upload").setdefault("mappings", {})
    memory[_shape(list(mapped.mapping.columns))] = mapped.mapping.to_json()
    while len(memory) > REMEMBERED_SHAPES:
        memory.pop(next(iter(memory)))
    st.session_state[_DONE] = (name, data.n_customers, data.n_transactions)
    st.session_state[_USED] = token


st.title(T("upload.title"))
st.markdown(T("upload.intro"))

done = st.session_state.pop(_DONE, None)
if done is not None:
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

language = lang()
max_bytes = int(st.get_option("server.maxUploadSize")) * 1024 * 1024
io.start_workers()  # the file readers start while the user picks a file
uploaded = st.file_uploader(
    T("upload.file_label"),
    type=sorted(SUPPORTED_EXTENSIONS),
    help=T("upload.file_help", limit=max_bytes // 1024 // 1024),
    key="upload_file",
)
st.caption(f":material/lock: {T('upload.local_note')}")
if uploaded is None:
    st.stop()

with guard():
    file_token = (uploaded.file_id, uploaded.name, uploaded.size)
    sheets = _cached("sheets", file_token, io.sheet_names_guarded, uploaded, max_bytes=max_bytes)
    sheet = None
    if len(sheets) > 1:
        sheet = st.selectbox(
            T("upload.sheet_label"),
            sheets,
            index=None,
            placeholder=T("upload.sheet_placeholder"),
            help=T("upload.sheet_help"),
            key=f"upload_sheet_{uploaded.file_id}",
        )
        if sheet is None:
            st.info(T("upload.sheet_needed", count=len(sheets)), icon=":material/tab:")
            st.stop()
    header_key = f"upload_header_row_{uploaded.file_id}_{sheet}"
    detected = st.session_state.get(f"{header_key}_detected")
    header_row = st.session_state.get(header_key)
    header_row = None if header_row == detected else header_row  # None: the reader finds it
    token = (*file_token, sheet, header_row)
    try:
        loaded = _cached(
            "loaded",
            token,
            io.read_table_guarded,
            uploaded,
            sheet=sheet,
            header_row=header_row,
            max_bytes=max_bytes,
        )
    except DataError:
        if header_row is not None:  # the chosen row does not work: keep the choice at hand
            _header_row_input(st, header_key)
        raise
    if header_row is None:
        st.session_state[f"{header_key}_detected"] = loaded.first_row - 1
    frame = loaded.frame
    details = [
        T(f"io.format.{loaded.format}"),
        T(
            "upload.rows_columns",
            rows=format_number(len(frame), language),
            columns=len(frame.columns),
        ),
    ]
    if loaded.encoding:
        details.append(T("upload.encoding", encoding=T(f"io.encoding.{loaded.encoding}")))
    if loaded.delimiter:
        details.append(
            T("upload.delimiter", delimiter=T(f"io.delimiter.{DELIMITER_NAMES[loaded.delimiter]}"))
        )
    if loaded.decimal:
        details.append(T("upload.decimal", mark=loaded.decimal))
    about, header_column = st.columns([4, 1], vertical_alignment="center")
    about.caption(T("upload.detected") + " " + " · ".join(details))
    if loaded.format in ("csv", "xlsx"):
        _header_row_input(header_column, header_key)
    with st.expander(T("upload.preview_title")):
        st.dataframe(frame.head(50), hide_index=True, width="stretch")

    # --- 1. mapping -----------------------------------------------------------------------------
    st.subheader(T("upload.mapping_title"))
    st.markdown(T("upload.mapping_help"))
    suggested = _cached("suggested", token, io.suggest_mapping, list(frame.columns), "auto", loaded)
    stored = st.session_state.get(_MAPPING)
    remembered = _remembered(list(frame.columns))
    if stored is not None and stored[0] == token:
        mapping = stored[1]
    elif remembered is not None and st.session_state.get(_USED) != token:
        mapping = remembered
        st.info(T("upload.memory.remembered"), icon=":material/history:")
    else:
        mapping = suggested
    editor = st.data_editor(
        _mapping_frame(mapping, frame),
        hide_index=True,
        width="stretch",
        disabled=("source", "examples", "confidence"),
        key=f"upload_editor_{hash((token, mapping.to_json()))}",
        column_config={
            "source": st.column_config.TextColumn(T("upload.mapping_source")),
            "examples": st.column_config.TextColumn(T("upload.mapping_examples")),
            "target": st.column_config.SelectboxColumn(
                T("upload.mapping_target"),
                options=[IGNORE, *allowed_targets("auto")],
                format_func=_target_label,
                required=True,
                help=T("upload.mapping_target_help"),
            ),
            "confidence": st.column_config.ProgressColumn(
                T("upload.mapping_confidence"),
                format="%.0f %%",
                min_value=0,
                max_value=100,
                help=T("upload.mapping_confidence_help"),
            ),
        },
    )
    chosen = {
        source: None if target == IGNORE else target
        for source, target in zip(editor["source"], editor["target"], strict=True)
    }
    edited = mapping.with_targets(chosen)
    question = edited.id_question()
    if question is not None:
        _ask_id(question, edited, token)
    left, middle, right = st.columns([1, 1, 1])
    currency = left.selectbox(
        T("upload.currency"),
        CURRENCIES,
        index=CURRENCIES.index(mapping.currency) if mapping.currency in CURRENCIES else 0,
        key=f"upload_currency_{uploaded.file_id}",
    )
    mapping = mapping.with_targets(chosen)
    mapping = replace(mapping, currency=currency)
    download_button(
        T("upload.mapping_save"),
        mapping.to_json(),
        file_name=f"{Path(uploaded.name).stem}_mapping.json",
        mime="application/json",
        help=T("upload.mapping_save_help"),
        key="upload_mapping_save",
        target=middle,
    )
    saved = right.file_uploader(
        T("upload.mapping_load"),
        type=["json"],
        help=T("upload.mapping_load_help"),
        key=f"upload_mapping_file_{uploaded.file_id}",
    )
    if saved is not None and st.session_state.get("upload_mapping_file_id") != saved.file_id:
        with guard():
            reused = Mapping.from_json(saved.getvalue()).for_columns(list(frame.columns))
            st.session_state[_MAPPING] = (token, reused)
            st.session_state["upload_mapping_file_id"] = saved.file_id
            st.rerun()

    # --- 2. data minimisation -----------------------------------------------------------------
    st.subheader(T("privacy.title"))
    st.markdown(T("privacy.intro"))
    privacy_labels = {choice: T(f"privacy.{choice}") for choice in io.PRIVACY_CHOICES}
    privacy = st.radio(
        T("privacy.choice"),
        io.PRIVACY_CHOICES,
        format_func=privacy_labels.__getitem__,
        captions=[T(f"privacy.{choice}_help") for choice in io.PRIVACY_CHOICES],
        key="upload_privacy",
    )
    key = st.session_state.setdefault(_KEY, io.new_key())

    # --- 3. validation ------------------------------------------------------------------------
    st.subheader(T("upload.validation_title"))
    name = _stem(uploaded.name, sheet)
    mapped = _cached(
        "mapped",
        (token, mapping.to_json()),
        io.map_table,
        frame,
        mapping,
        name=name,
        **loaded.mapping_options,
    )
    report = _cached(
        "report", (token, mapping.to_json(), privacy), io.validate_upload, mapped, privacy
    )
    validation = report.validation
    if not validation.errors and not validation.warnings:
        st.success(T("upload.validation_ok"), icon=":material/check_circle:")
    else:
        show = st.error if validation.errors else st.warning
        show(
            T(
                "upload.validation_summary",
                errors=len(validation.errors),
                warnings=len(validation.warnings),
            )
        )
    findings = report.to_frame(language)
    if not findings.empty:
        st.dataframe(
            findings,
            hide_index=True,
            width="stretch",
            column_config={
                "severity": T("upload.col_severity"),
                "table": T("upload.col_table"),
                "column": T("upload.col_column"),
                "message": st.column_config.TextColumn(T("upload.col_message"), width="large"),
                "rows": st.column_config.NumberColumn(T("upload.col_rows"), format="localized"),
                "examples": T("upload.col_examples"),
                "row_numbers": T("upload.col_row_numbers"),
            },
        )
    droppable = [
        index for index in report.droppable if report.findings[index].issue.severity != "info"
    ]
    if droppable:
        labels = {index: _finding_label(report, index) for index in droppable}
        drop = st.multiselect(
            T("upload.drop_label"),
            droppable,
            format_func=labels.__getitem__,
            help=T("upload.drop_help"),
            placeholder=T("upload.drop_placeholder"),
            key=f"upload_drop_{hash(token)}",
        )
        if drop:
            before = (len(mapped.customers), len(mapped.transactions))
            mapped = mapped.without(report.masks(drop))
            st.info(
                T(
                    "upload.dropped",
                    customers=format_number(before[0] - len(mapped.customers), language),
                    transactions=format_number(before[1] - len(mapped.transactions), language),
                ),
                icon=":material/delete:",
            )
    with st.expander(T("upload.profile_title"), expanded=False):
        profile = report.profile_frame(language)
        st.dataframe(
            profile,
            hide_index=True,
            width="stretch",
            column_config={
                "source": T("upload.mapping_source"),
                "column": T("upload.mapping_target"),
                "kind": T("upload.col_kind"),
                "missing": T("upload.col_missing"),
                "invalid": st.column_config.NumberColumn(
                    T("upload.col_invalid"), format="localized"
                ),
            },
        )

    # --- 4. use it ----------------------------------------------------------------------------
    st.subheader(T("upload.use_title"))
    st.markdown(
        T(
            "upload.use_summary",
            customers=format_number(len(mapped.customers), language),
            transactions=format_number(len(mapped.transactions), language),
            privacy=T(f"privacy.done_{privacy}"),
        )
    )
    st.caption(T("upload.replace_note"))
    st.button(
        T("upload.use_button"),
        type="primary",
        icon=":material/check:",
        on_click=_use,
        args=(mapped, privacy, key, name, token),
        key="upload_use",
    )
