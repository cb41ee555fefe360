"""Kundenmodell Workbench: entry point. Declares the pages and the shared sidebar."""

from pathlib import Path

import streamlit as st

from ui.session import T
from ui.sidebar import dataset_panel, language_switch
from ui.workspace_panel import workspace_panel

# A local favicon: a ":material/…:" page icon makes the browser fetch it from Google's servers.
FAVICON = Path(__file__).parent / "assets" / "favicon.png"
st.set_page_config(page_title="Kundenmodell Workbench", page_icon=str(FAVICON), layout="wide")

language_switch()
navigation = st.navigation(
    {
        T("nav.section.data"): [
            st.Page(
                "views/home.py",
                title=T("page.home"),
                icon=":material/home:",
                url_path="start",
                default=True,
            ),
            st.Page(
                "views/upload.py",
                title=T("upload.page_title"),
                icon=":material/upload_file:",
                url_path="upload",
            ),
            st.Page(
                "views/generate.py",
                title=T("page.generate"),
                icon=":material/auto_awesome:",
                url_path="generate",
            ),
            st.Page(
                "views/dataset.py",
                title=T("page.dataset"),
                icon=":material/table:",
                url_path="dataset",
            ),
        ],
        T("nav.section.analysis"): [
            st.Page(
                "views/overview.py",
                title=T("page.overview"),
                icon=":material/monitoring:",
                url_path="overview",
            ),
            st.Page(
                "views/clv.py",
                title=T("clv.page_title"),
                icon=":material/savings:",
                url_path="customer-value",
            ),
            st.Page(
                "views/personas.py",
                title=T("personas.page_title"),
                icon=":material/person_pin:",
                url_path="personas",
            ),
            st.Page(
                "views/scenarios.py",
                title=T("scenarios.page_title"),
                icon=":material/balance:",
                url_path="retention-vs-acquisition",
            ),
            st.Page(
                "views/roles.py",
                title=T("roles.page_title"),
                icon=":material/family_restroom:",
                url_path="customer-vs-consumer",
            ),
        ],
        T("nav.section.learn"): [
            st.Page(
                "views/concepts.py",
                title=T("page.concepts"),
                icon=":material/school:",
                url_path="concepts",
            ),
            st.Page(
                "views/learn.py",
                title=T("page.learn"),
                icon=":material/co_present:",
                url_path="learn",
            ),
        ],
    }
)
dataset_panel()
workspace_panel()
navigation.run()
