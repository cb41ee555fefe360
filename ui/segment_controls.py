"""The filter and rule widgets of the overview; they return plain, hashable settings."""

from __future__ import annotations

import streamlit as st

from kundenmodell.dataset import Dataset
from kundenmodell.i18n import value_label
from kundenmodell.segments import ActivityRules, SegmentFilter
from kundenmodell.segments.filters import FILTER_COLUMNS, filter_options
from ui.number_field import number_field
from ui.session import T, lang

RULE_DEFAULTS = {
    "rule_active": 365,
    "rule_min_purchases": 3,
    "rule_regular": 365,
    "rule_inactive_months": 12,
}
"""The activity rules' starting values: a year's window, three purchases, a year without."""


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
        left, middle, right, last = st.columns(4)
        for key, value in RULE_DEFAULTS.items():
            st.session_state.setdefault(key, value)
        active = number_field(
            T("segments_page.active_window"),
            "rule_active",
            min_value=7,
            max_value=3650,
            integer=True,
            container=left,
        )
        minimum = number_field(
            T("segments_page.regular_min"),
            "rule_min_purchases",
            min_value=2,
            max_value=50,
            integer=True,
            container=middle,
        )
        regular = number_field(
            T("segments_page.regular_window"),
            "rule_regular",
            min_value=7,
            max_value=3650,
            integer=True,
            container=right,
        )
        inactive = number_field(
            T("segments_page.inactive_months"),
            "rule_inactive_months",
            min_value=1,
            max_value=36,
            integer=True,
            container=last,
        )
    rules = ActivityRules(int(active), int(minimum), int(regular))
    return SegmentFilter(**chosen), rules, int(inactive)
