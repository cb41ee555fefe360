"""Page layout the theme has no setting for: the outline's heading sizes, and on narrow
screens a sidebar that closes after a tap on a page link.

Pages are outlined h1 (title) → h2 (section, ``st.header``) → h3 (part of a section), with no
level skipped, so a screen reader's heading list matches the page. Streamlit draws h2 at 36 px
and h3 at 28 px, which made every section title shout; the rules below draw h2 at the size
sections had before (28 px) and h3 a step smaller, and all three smaller on a phone, where a
44 px title took three lines.

Below Streamlit's ``md`` breakpoint (768 px) the open sidebar covers the whole page. Streamlit
closes it after a page link only when the browser *says* it is a phone (its user agent), so on
a tablet, a narrow desktop window or a phone that asks for the desktop site it stayed open
over the page after every tap, and Streamlit offers no setting or Python call to close it.

A few lines of JavaScript do it: one click listener on the document (registered once per
browser tab) that, on a narrow screen, presses the sidebar's own collapse button right after a
link inside the sidebar was followed. Pressing that button only ever *closes* the sidebar, so
it is harmless where Streamlit has closed it already. The script sits in a hidden container of
the sidebar, so it takes no room on the page.
"""

from __future__ import annotations

import streamlit as st

NARROW_MAX_PX = 768
"""Streamlit's ``md`` breakpoint: at this width or less the sidebar is drawn over the page."""

_SCRIPT = f"""<script>
(() => {{
  if (window.kundenmodellSidebarCloser) return;
  window.kundenmodellSidebarCloser = true;
  document.addEventListener("click", (event) => {{
    if (window.innerWidth > {NARROW_MAX_PX}) return;
    const link = event.target.closest('[data-testid="stSidebar"] a[href]');
    if (!link) return;
    window.setTimeout(() => {{
      const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (close) close.click();
    }}, 0);
  }}, true);
}})();
</script>"""

_HEADING = '[data-testid="stMain"] [data-testid="stMarkdownContainer"] h'
_RULES = f"""<style>
.st-key-phone_sidebar_closer {{ display: none; }}
{_HEADING}2 {{ font-size: 1.75rem; }}
{_HEADING}3 {{ font-size: 1.3rem; }}
@media (max-width: 640px) {{
  {_HEADING}1 {{ font-size: 2rem; }}
  {_HEADING}2 {{ font-size: 1.45rem; }}
  {_HEADING}3 {{ font-size: 1.15rem; }}
}}
</style>"""


def apply_layout() -> None:
    """Add the heading sizes and the listener that closes the sidebar after a page link on a
    narrow screen (once per run, before the page draws)."""
    st.html(_RULES)
    st.sidebar.container(key="phone_sidebar_closer").html(_SCRIPT, unsafe_allow_javascript=True)
