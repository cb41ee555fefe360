"""The filter and rule widgets of the overview; they return plain, hashable settings."""

from __future__ import annotations

import streamlit as st

from kundenmodell.dataset import Dataset
from kundenmodell.i18n import value_label
from kundenmodell.segments import ActivityRules, SegmentFilter
from kundenmodell.segments.filters import FILTER_COLUMNS, filter_options
from ui.number_field import number_field
from ui.session import T, lang

RULE_FIELDS = (
    ("rule_active", "segments_page.active_window", 365, 7, 3650),
    ("rule_min_purchases", "segments_page.regular_min", 3, 2, 50),
    ("rule_regular", "segments_page.regular_window", 365, 7, 3650),
    ("rule_inactive_months", "segments_page.inactive_months", 12, 1, 36),
)
"""The activity rules as (state key, label key, start, smallest, largest): a year's window for
an actual customer, three purchases in a year for a regular one, a year without for churn."""


def segment_controls(data: Dataset) -> tuple[SegmentFilter, ActivityRules, int]:
    """Filters (customer type, relationship, city, acquisition channel), the activity rules and
    the churn threshold, in one expander; the choices persist while the session lasts."""
    with st.expander(T("segments_page.filters"), icon=":material/filter_alt:"):
        st.caption(T("segments_page.filters_hint"))
        columns = st.columns(len(FILTER_COLUMNS))
        chosen: dict[str, tuple[str, ...]] = {}
        for slot, column in zip(columns, FILTER_COLUMNS, strict=True):
            options = filter_options(data.customers, column)
            labels = {value: value_label(column, value, lang()) for value in options}
            picked = slot.multiselect(
                T(f"column.{column}"),
                options,
                format_func=labels.__getitem__,
                placeholder=T("segments_page.filter_none"),
                key=f"filter_{column}",
                disabled=not options,
            )
            chosen[column] = tuple(picked)
        st.markdown(f"**{T('segments_page.rules')}**")
        values = []
        for cell, (key, label, start, smallest, largest) in zip(
            st.columns(len(RULE_FIELDS)), RULE_FIELDS, strict=True
        ):
            st.session_state.setdefault(key, start)
            values.append(
                number_field(
                    T(label),
                    key,
                    min_value=smallest,
                    max_value=largest,
                    integer=True,
                    container=cell,
                )
            )
        active, minimum, regular, inactive = values
    rules = ActivityRules(int(active), int(minimum), int(regular))
    return SegmentFilter(**chosen), rules, int(inactive)
