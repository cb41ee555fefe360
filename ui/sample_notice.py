"""The notice under the title of a page that works on individual customers: when the active
source is analysed in place and has more customers than the sample, the page sees the
sample (:mod:`kundenmodell.engine.in_place`)."""

from __future__ import annotations

import streamlit as st

from kundenmodell.i18n import format_number
from ui.session import T, dataset, in_place_source, lang


def sample_notice() -> None:
    """That the page sees a sample, when the active source is analysed in place and has more
    customers than the sample; nothing otherwise."""
    source = in_place_source()
    data = dataset()
    if source is None or data is None or not source.sampled:
        return
    st.info(
        T(
            "in_place.page_sample",
            sample=format_number(data.n_customers, lang()),
            customers=format_number(source.rows["customers"], lang()),
        ),
        icon=":material/science:",
    )
