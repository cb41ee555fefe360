"""Connect a data folder, a Parquet file, a DuckDB file or a database: pick the tables that hold
the customers and the purchases, confirm the column mappings suggested from a sample, choose
what personal data to keep, and load. The rows are counted in the engine first: a source
within the limits is read into memory or, by choice, analysed where it lies; a larger one is
always analysed in place (the overview and the CLV page on every row, the other pages on a
sample of customers, :mod:`kundenmodell.engine.in_place`). The validation report is the
upload page's.

Nothing here reads or converts data itself: browsing, sampling and loading are calls into
``kundenmodell.engine`` (``browse``, ``connect``), which path may be opened is
``kundenmodell.engine.access``. The active data set is replaced only when loading succeeded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from kundenmodell import DataError, io
from kundenmodell.engine import browse
from kundenmodell.engine.access import DATA_ROOT_VARIABLE, SourcePolicy
from kundenmodell.engine.browse import row_count
from kundenmodell.engine.connect import (
    MAX_CUSTOMER_ROWS,
    MAX_PURCHASE_ROWS,
    Pick,
    beyond_limits,
    read_connected,
    suggest,
)
from kundenmodell.engine.in_place import SAMPLE_CUSTOMERS, connect_in_place
from kundenmodell.i18n import format_number
from kundenmodell.io import memory
from kundenmodell.io.shapes import KNOWN_CURRENCIES
from kundenmodell.markup import escape_markdown
from kundenmodell.schema import TABLES
from ui.feedback import guard
from ui.login import serving_mode
from ui.mapping_steps import (
    ask_id,
    mapping_editor,
    privacy_choice,
    show_findings,
    show_profile,
)
from ui.session import T, lang, set_dataset, workspace_state

_INPUT = "connect_input"
_SOURCE = "connect_source"
_MEMO = "connect_memo"
_RESULT = "connect_result"
_ERROR = "connect_load_error"
_MODE = "connect_mode"
_KEY = "privacy_key"  # the upload page's: a pseudonym is the same in uploads and connections
_NONE = ""
ROLES = ("customers", "transactions", "interactions")
log = logging.getLogger("kundenmodell.app")
R = TypeVar("R")


def _policy() -> SourcePolicy:
    return SourcePolicy.for_server(shared=serving_mode() != "laptop")


def _error_text(error: DataError) -> str:
    """A package error in the page's language: counts written for it, table names
    translated, paths and engine messages shown as written (not read as Markdown)."""
    params = {
        name: format_number(value, lang())
        if isinstance(value, int)
        else escape_markdown(str(value))
        for name, value in error.params.items()
    }
    if "table" in error.params:
        params["table"] = T(f"table.{error.params['table']}")
    return T(error.key, **params)


def _where_note(policy: SourcePolicy) -> None:
    """What may be opened here: anything on this computer, or the team server's data folder."""
    if not policy.restricted:
        st.caption(f":material/lock: {T('connect_page.local_note')}")
    elif policy.root is None:
        st.warning(T("connect_page.no_root_note", variable=DATA_ROOT_VARIABLE))
    else:
        note = T("connect_page.root_note", root=escape_markdown(str(policy.root)))
        if not policy.connections:
            note += " " + T("connect_page.no_connections_note")
        st.caption(f":material/lock: {note}")


def _choose_source(policy: SourcePolicy) -> str | None:
    """The path or connection string form; the accepted source, or None."""
    with st.form("connect_form", border=False):
        left, right = st.columns([5, 1], vertical_alignment="bottom")
        left.text_input(
            T("connect_page.source_label"),
            key=_INPUT,
            placeholder=T("connect_page.source_placeholder"),
            help=T("connect_page.source_help"),
        )
        opened = right.form_submit_button(
            T("connect_page.open_button"), icon=":material/database:", width="stretch"
        )
    if opened:
        for name in (_MEMO, _SOURCE, _RESULT, _ERROR):
            st.session_state.pop(name, None)
        try:
            st.session_state[_SOURCE] = policy.check(st.session_state.get(_INPUT) or "")
        except DataError as error:
            st.error(_error_text(error), icon=":material/block:")
    return st.session_state.get(_SOURCE)


def _memo(key: tuple, compute: Callable[..., R], *args: Any, **kwargs: Any) -> R:
    """``compute(*args, **kwargs)`` once per source, table and key in this session."""
    memo = st.session_state.setdefault(_MEMO, {})
    if key not in memo:
        memo[key] = compute(*args, **kwargs)
    return memo[key]


def _pick_tables(source: browse.SourceTables) -> dict[str, str | None]:
    """The table of each role, pre-picked where the names say so."""
    st.header(T("connect_page.tables_title"))
    st.caption(
        T(
            "connect_page.found",
            kind=T(f"connect_page.kind_{source.kind}"),
            count=len(source.names),
        )
    )
    chosen: dict[str, str | None] = {}
    labels = {_NONE: T("connect_page.role_none")} | {name: name for name in source.names}
    columns = st.columns(3)
    for role, column in zip(ROLES, columns, strict=True):
        options = source.names if role != "interactions" else [_NONE, *source.names]
        picked = source.picked[role]
        default = 0 if role == "interactions" else None
        index = options.index(picked) if picked in options else default
        chosen[role] = column.selectbox(
            T(f"connect_page.role_{role}"),
            options,
            index=index,
            format_func=labels.__getitem__,
            placeholder=T("connect_page.role_placeholder"),
            help=T(f"connect_page.role_{role}_help"),
            key=f"connect_role_{role}_{hash(source.source)}",
        )
    used = [name for name in chosen.values() if name]
    if len(used) != len(set(used)):
        st.warning(T("connect_page.same_table"), icon=":material/warning:")
        st.stop()
    return chosen


def _map(role: str, name: str, source: browse.SourceTables) -> Pick:
    """The sample of one table and the editor of its mapping (suggested or remembered)."""
    table = source.tables[name]
    sample = _memo((source.source, name, "sample"), browse.sample_rows, table)
    suggested = _memo((source.source, name, role, "suggested"), suggest, role, sample)
    columns = [str(column) for column in sample.columns]
    answered = (source.source, name, role, "answered")  # the customer number the user chose
    mapping, origin = memory.starting_mapping(
        suggested,
        loaded=st.session_state.setdefault(_MEMO, {}).get(answered),
        remembered=memory.recall(workspace_state("upload").get("mappings", {}), columns),
    )
    st.subheader(T(f"connect_page.mapping_{role}", table=escape_markdown(name)))
    st.caption(T("connect_page.sample_note", rows=format_number(len(sample), lang())))
    if origin == "remembered":
        st.info(T("upload.memory.remembered"), icon=":material/history:")
    with st.expander(T("upload.preview_title")):
        st.dataframe(sample.head(50), hide_index=True, width="stretch")
    key = f"connect_editor_{role}_{hash((source.source, name, mapping.to_json()))}"
    chosen = mapping_editor(mapping, sample, key, TABLES[role].names, name_tables=False)
    edited = mapping.with_targets(chosen)
    question = edited.id_question()
    if question is not None:
        answer = ask_id(question, edited, f"connect_id_{hash(answered)}")
        if answer is not None:
            st.session_state[_MEMO][answered] = answer
            st.rerun()
    elif "customer_id" not in edited.targets:
        st.warning(T("connect_page.id_missing"), icon=":material/help:")
    return Pick(table, edited, sample)


def _load(
    picks: dict[str, Pick], name: str, currency: str, privacy: io.Privacy, in_place: bool
) -> None:
    """Read (or, ``in_place``, sample) the source, minimise, make the data set active; a
    failure is kept for the page to show and leaves the data set loaded before as it was."""
    st.session_state.pop(_ERROR, None)
    st.session_state.pop(_RESULT, None)
    tables = (picks["customers"], picks["transactions"], picks.get("interactions"))
    try:
        if in_place:
            source, connected = connect_in_place(
                *tables, name=name, currency=currency, sample=SAMPLE_CUSTOMERS
            )
        else:
            source, connected = None, read_connected(*tables, name=name, currency=currency)
        key = st.session_state.setdefault(_KEY, io.new_key())
        report = io.validate_upload(connected.mapped, privacy)
        data = io.minimise(connected.to_dataset(), privacy, key)
        if source is not None:
            source = replace(source, privacy=privacy, key=key)
    except DataError as error:
        st.session_state[_ERROR] = _error_text(error)
        return
    except Exception as error:  # an engine or driver failure: logged, explained, data kept
        log.exception("connecting a source failed")
        st.session_state[_ERROR] = T("error.unexpected", detail=type(error).__name__)
        return
    set_dataset(data, in_place=source)
    section = workspace_state("upload")
    for pick in picks.values():
        section["mappings"] = memory.remember(section.get("mappings", {}), pick.mapping)
    sample = None if source is None else source.sample_customers
    st.session_state[_RESULT] = (data.name, connected.rows, report, sample)


def _rows(picks: dict[str, Pick]) -> dict[str, int]:
    """The rows of the customer and purchase tables, counted in the engine once per pick."""
    return {
        role: _memo(("rows", id(picks[role].table)), row_count, picks[role].table)
        for role in ("customers", "transactions")
    }


def _choose_mode(rows: dict[str, int]) -> bool:
    """Read into memory or analyse in place; True for in place. A source above the limits
    is analysed in place, without a choice."""
    language = lang()
    counts = {role: format_number(count, language) for role, count in rows.items()}
    sample = format_number(SAMPLE_CUSTOMERS, language)
    st.caption(T("in_place.counted", **counts))
    if beyond_limits(rows):
        st.info(
            T(
                "in_place.too_large",
                limit=format_number(MAX_PURCHASE_ROWS, language),
                customer_limit=format_number(MAX_CUSTOMER_ROWS, language),
                sample=sample,
            ),
            icon=":material/database:",
        )
        return True
    labels = {
        option: T(f"in_place.mode_{option}", sample=sample) for option in ("memory", "in_place")
    }
    mode = st.radio(
        T("in_place.mode_label"),
        list(labels),
        format_func=labels.__getitem__,
        key=_MODE,
        help=T("in_place.mode_help", sample=sample),
    )
    return mode == "in_place"


def _load_step(picks: dict[str, Pick], name: str) -> None:
    """Currency, privacy, where to analyse, and the load button."""
    privacy = privacy_choice("connect_privacy")
    st.header(T("connect_page.load_title"))
    mapping = picks["transactions"].mapping
    currency = st.selectbox(
        T("upload.currency"),
        KNOWN_CURRENCIES,
        index=(
            KNOWN_CURRENCIES.index(mapping.currency) if mapping.currency in KNOWN_CURRENCIES else 0
        ),
        key="connect_currency",
    )
    in_place = _choose_mode(_rows(picks))
    if st.button(
        T("connect_page.load_button"),
        type="primary",
        icon=":material/download:",
        key="connect_load",
    ):
        busy = "in_place.sampling" if in_place else "connect_page.loading"
        with st.spinner(T(busy), show_time=True):
            _load(picks, name, currency, privacy, in_place)
        st.rerun()  # the sidebar, drawn before this page, shows the new data set
    if _ERROR in st.session_state:
        st.error(st.session_state[_ERROR], icon=":material/error:")
    _show_result()


def _show_result() -> None:
    """After loading: how many rows were read, the validation report and the way on."""
    result = st.session_state.get(_RESULT)
    if result is None:
        return
    name, rows, report, sample = result
    counts = {table: format_number(count, lang()) for table, count in rows.items()}
    st.success(
        T(
            "connect_page.loaded"
            if sample is None
            else "in_place.connected"
            if sample < rows["customers"]
            else "in_place.connected_whole",
            name=escape_markdown(name),
            customers=counts["customers"],
            transactions=counts["transactions"],
            sample=format_number(sample or 0, lang()),
        ),
        icon=":material/check_circle:",
    )
    if "interactions" in counts:
        st.caption(T("connect_page.loaded_interactions", interactions=counts["interactions"]))
    st.header(T("connect_page.report_title"))
    if sample is not None and sample < rows["customers"]:
        st.caption(T("in_place.report_note", sample=format_number(sample, lang())))
    show_findings(report)
    show_profile(report)
    links = st.columns(2)
    links[0].page_link("views/dataset.py", label=T("home.go_dataset"), icon=":material/table:")
    links[1].page_link(
        "views/overview.py", label=T("home.go_overview"), icon=":material/monitoring:"
    )


def _dataset_name(source: str) -> str:
    """The data set's name: the file or folder name, or the database's."""
    if "://" in source:
        return source.rsplit("/", 1)[-1].split("?", 1)[0] or "database"
    return Path(source).stem or "data"


def _page() -> None:
    """The page from top to bottom: where data may come from, the source, its tables, their
    mappings, privacy and loading."""
    st.title(T("connect_page.title"))
    st.markdown(T("connect_page.intro"))
    policy = _policy()
    _where_note(policy)
    text = _choose_source(policy)
    if text is None:
        return
    try:
        source = _memo(
            (text, "tables"), browse.browse, text, external_access=policy.external_access
        )
    except DataError as error:  # no such path, not a database, no tables
        st.error(_error_text(error), icon=":material/error:")
        return
    with guard():  # a table that cannot be sampled, an unexpected engine error
        chosen = _pick_tables(source)
        if not chosen["customers"] or not chosen["transactions"]:
            st.info(T("connect_page.pick_both"), icon=":material/table_chart:")
            return
        st.header(T("upload.mapping_title"))
        st.markdown(T("connect_page.mapping_help"))
        picks = {role: _map(role, name, source) for role, name in chosen.items() if name}
        _load_step(picks, _dataset_name(text))


_page()
