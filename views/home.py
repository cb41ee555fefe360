"""Start page: what the workbench does and how to begin."""

import streamlit as st

from kundenmodell.i18n import format_number
from ui.session import T, dataset, dataset_title, lang

st.title(T("home.title"))
st.markdown(T("home.intro"))

data = dataset()
if data is not None:
    st.success(
        T(
            "home.loaded",
            name=dataset_title(data),
            customers=format_number(data.n_customers, lang()),
            transactions=format_number(data.n_transactions, lang()),
        ),
        icon=":material/check_circle:",
    )

st.header(T("home.start_title"))
st.markdown(f"1. {T('home.step_load')}\n2. {T('home.step_check')}\n3. {T('home.step_explore')}")

left, middle, right = st.columns(3)
left.page_link("views/generate.py", label=T("home.go_generate"), icon=":material/auto_awesome:")
middle.page_link("views/dataset.py", label=T("home.go_dataset"), icon=":material/table:")
right.page_link("views/overview.py", label=T("home.go_overview"), icon=":material/monitoring:")
