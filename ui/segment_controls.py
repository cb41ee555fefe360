"""The filter and rule widgets of the overview; they return plain, hashable settings."""

from __future__ import annotations

import streamlit as st

from kundenmodell.dataset import Dataset
from kundenmodell.i18n import value_label
from kundenmodell.segments import ActivityRules, SegmentFilter
from kundenmodell.segments.filters import FILTER_COLUMNS, filter_options
from ui.session import T, lang


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
        active = left.number_input(
            T("segments_page.active_window"), 7, 3650, 365, step=30, key="rule_active"
        )
        minimum = middle.number_input(
            T("segments_page.regular_min"), 2, 50, 3, key="rule_min_purchases"
        )
        regular = right.number_input(
            T("segments_page.regular_window"), 7, 3650, 365, step=30, key="rule_regular"
        )
        inactive = last.number_input(
            T("segments_page.inactive_months"), 1, 36, 12, key="rule_inactive_months"
        )
    rules = ActivityRules(int(active), int(minimum), int(regular))
    return SegmentFilter(**chosen), rules, int(inactive)
