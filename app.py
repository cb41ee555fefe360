"""Kundenmodell Workbench: entry point. Declares the pages and the shared sidebar."""

from pathlib import Path

import streamlit as st

from ui.layout import apply_layout
from ui.login import account_panel, gate
from ui.session import T
from ui.sidebar import dataset_panel, language_switch
from ui.style import apply_style, localize_uploaders
from ui.workspace_panel import workspace_panel

# A local favicon: a ":material/…:" page icon makes the browser fetch it from Google's servers.
FAVICON = Path(__file__).parent / "assets" / "favicon.png"
st.set_page_config(page_title="Kundenmodell Workbench", page_icon=str(FAVICON), layout="wide")

# Section title key → pages as (script, title key, icon, URL path); the first page is the start.
PAGES = {
    "nav.section.data": [
        ("views/home.py", "page.home", ":material/home:", "start"),
        ("views/upload.py", "page.upload", ":material/upload_file:", "upload"),
        ("views/connect.py", "connect_page.nav", ":material/database:", "connect"),
        ("views/generate.py", "page.generate", ":material/auto_awesome:", "generate"),
        ("views/dataset.py", "page.dataset", ":material/table:", "dataset"),
    ],
    "nav.section.analysis": [
        ("views/overview.py", "page.overview", ":material/monitoring:", "overview"),
        ("views/clv.py", "page.clv", ":material/savings:", "customer-value"),
        ("views/personas.py", "page.personas", ":material/person_pin:", "personas"),
        (
            "views/scenarios.py",
            "page.scenarios",
            ":material/balance:",
            "retention-vs-acquisition",
        ),
        (
            "views/roles.py",
            "page.roles",
            ":material/family_restroom:",
            "customer-vs-consumer",
        ),
    ],
    "nav.section.learn": [
        ("views/concepts.py", "page.concepts", ":material/school:", "concepts"),
        ("views/learn.py", "page.learn", ":material/co_present:", "learn"),
    ],
}
START = PAGES["nav.section.data"][0][0]

apply_style()
apply_layout()
language_switch()
localize_uploaders()
gate()  # the login screen, or the warning on a team server without login
navigation = st.navigation(
    {
        T(section): [
            st.Page(script, title=T(title), icon=icon, url_path=url, default=script == START)
            for script, title, icon, url in pages
        ]
        for section, pages in PAGES.items()
    }
)
account_panel()
dataset_panel()
workspace_panel()
navigation.run()
