"""Generate a synthetic customer base with the planted customer types."""

import datetime as dt
import time

import streamlit as st

from kundenmodell import synth
from kundenmodell.i18n import BABEL_LOCALES, DATE_INPUT_FORMATS, format_number
from ui.feedback import guard
from ui.number_field import number_field
from ui.session import T, lang, set_dataset

LOCALES = tuple(BABEL_LOCALES.values())
DEFAULT_END = dt.date(2026, 6, 30)
_DONE = "generate_done"

st.title(T("generate.title"))
st.markdown(T("generate.intro"))

st.session_state.setdefault("gen_customers", 10_000)
st.session_state.setdefault("gen_seed", 0)
with st.form("generate"):
    left, right = st.columns(2)
    n_customers = number_field(
        T("generate.n_customers"),
        "gen_customers",
        min_value=100,
        max_value=1_000_000,
        integer=True,
        help=T("generate.n_customers_help"),
        container=left,
    )
    locale = right.selectbox(
        T("generate.locale"),
        LOCALES,
        index=LOCALES.index(BABEL_LOCALES[lang()]),
        format_func={code: T(f"locale.{code}") for code in LOCALES}.__getitem__,
    )
    seed = number_field(
        T("generate.seed"),
        "gen_seed",
        min_value=0,
        max_value=2**31 - 1,
        integer=True,
        help=T("generate.seed_help"),
        container=left,
    )
    b2b_percent = right.slider(T("generate.b2b_share"), 0, 100, 15, 5, format="%d %%")
    start = left.date_input(
        T("generate.start"),
        DEFAULT_END.replace(year=DEFAULT_END.year - 3),
        format=DATE_INPUT_FORMATS[lang()],
    )
    end = right.date_input(T("generate.end"), DEFAULT_END, format=DATE_INPUT_FORMATS[lang()])
    st.caption(T("generate.replace_note"))
    submitted = st.form_submit_button(
        T("generate.button"), type="primary", icon=":material/auto_awesome:"
    )

if submitted:
    with guard():
        bar = st.progress(0.0, text=T("generate.running", n=format_number(n_customers, lang())))
        started = time.perf_counter()
        data = synth.generate(
            int(n_customers),
            locale=locale,
            seed=int(seed),
            start=start,
            end=end,
            b2b_share=b2b_percent / 100,
            progress=lambda fraction: bar.progress(min(fraction, 1.0)),
        )
        set_dataset(data)
        st.session_state[_DONE] = {
            "customers": data.n_customers,
            "transactions": data.n_transactions,
            "seconds": time.perf_counter() - started,
        }
        st.rerun()  # the sidebar, drawn before this page, then shows the new data set

done = st.session_state.pop(_DONE, None)
if done is not None:
    st.success(
        T(
            "generate.done",
            customers=format_number(done["customers"], lang()),
            transactions=format_number(done["transactions"], lang()),
            seconds=format_number(done["seconds"], lang(), decimals=1),
        ),
        icon=":material/check_circle:",
    )
    st.page_link("views/overview.py", label=T("home.go_overview"), icon=":material/monitoring:")
