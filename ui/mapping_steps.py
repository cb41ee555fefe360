"""The steps an upload and a connected source share: the column mapping editor, the question
about an unsure customer number, the privacy choice, and the validation report with its column
profile.

Both pages map someone else's columns onto the canonical schema and check the result the same
way, so a user who knows one page knows the other.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from kundenmodell import io
from kundenmodell.i18n import Formats
from kundenmodell.io.mapping import TARGET_TABLE, IdQuestion, Mapping
from kundenmodell.io.mapping_table import IGNORE, chosen_targets, mapping_table
from ui.session import T, lang
from ui.tables import show_table


def target_label(target: str, *, name_table: bool = True) -> str:
    """A canonical column as the editor offers it; with ``name_table`` purchase columns name
    their table (a file may fill customers and purchases at once)."""
    if target == IGNORE:
        return T("upload.ignore")
    label = T(f"column.{target}")
    if name_table and target != "customer_id" and TARGET_TABLE.get(target) == "transactions":
        return f"{label} ({T('table.transactions')})"
    return label


def mapping_editor(
    mapping: Mapping,
    frame: pd.DataFrame,
    key: str,
    targets: Sequence[str],
    *,
    name_tables: bool = True,
) -> dict[str, str | None]:
    """The editable table of ``frame``'s columns, three examples each, the meaning chosen
    among ``targets`` and the suggestion's confidence; returns source → target (None:
    ignored). ``key`` must change when the mapping the editor starts from changes;
    ``name_tables`` False for an editor of one table's columns."""
    labels = {target: target_label(target, name_table=name_tables) for target in targets}
    labels[IGNORE] = target_label(IGNORE)
    editor = st.data_editor(
        mapping_table(mapping, frame, lang()),
        hide_index=True,
        width="stretch",
        disabled=("source", "examples", "confidence"),
        key=key,
        column_config={
            "source": st.column_config.TextColumn(T("upload.mapping_source")),
            "examples": st.column_config.TextColumn(T("upload.mapping_examples")),
            "target": st.column_config.SelectboxColumn(
                T("upload.mapping_target"),
                options=[IGNORE, *targets],
                format_func=labels.__getitem__,
                required=True,
                help=T("upload.mapping_target_help"),
            ),
            "confidence": st.column_config.ProgressColumn(
                T("upload.mapping_confidence"),
                format=Formats.of(lang()).percent_printf,
                min_value=0,
                max_value=100,
                help=T("upload.mapping_confidence_help"),
            ),
        },
    )
    return chosen_targets(editor)


def ask_id(question: IdQuestion, mapping: Mapping, key: str) -> Mapping | None:
    """Ask which of the candidate columns is the customer number (or that the e-mail address
    identifies the customer); the mapping with the answer once given, else None."""
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
        key=key,
    )
    return None if answer is None else mapping.answer_id(answer or None)


def privacy_choice(key: str) -> io.Privacy:
    """One choice for the data: what happens to names, e-mail addresses and phone numbers."""
    st.header(T("privacy.title"))
    st.markdown(T("privacy.intro"))
    labels = {choice: T(f"privacy.{choice}") for choice in io.PRIVACY_CHOICES}
    return st.radio(
        T("privacy.choice"),
        io.PRIVACY_CHOICES,
        format_func=labels.__getitem__,
        captions=[T(f"privacy.{choice}_help") for choice in io.PRIVACY_CHOICES],
        key=key,
    )


def show_findings(report: io.UploadReport) -> None:
    """The validation verdict and the table of findings with examples and row numbers."""
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
    findings = report.to_frame(lang())
    if findings.empty:
        return
    show_table(
        findings,
        column_config={
            "severity": T("upload.col_severity"),
            "table": T("upload.col_table"),
            "column": T("upload.col_column"),
            "message": st.column_config.TextColumn(T("upload.col_message"), width="large"),
            "rows": T("upload.col_rows"),
            "examples": T("upload.col_examples"),
            "row_numbers": T("upload.col_row_numbers"),
        },
    )


def show_profile(report: io.UploadReport) -> None:
    """Per mapped column: where it came from, its kind, how much is missing or invalid."""
    with st.expander(T("upload.profile_title"), expanded=False):
        show_table(
            report.profile_frame(lang()),
            column_config={
                "source": T("upload.mapping_source"),
                "column": T("upload.mapping_target"),
                "kind": T("upload.col_kind"),
                "missing": T("upload.col_missing"),
                "invalid": T("upload.col_invalid"),
            },
        )
