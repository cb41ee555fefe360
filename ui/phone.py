"""Narrow screens: the sidebar closes after a tap on a page link.

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

_HIDDEN = "<style>.st-key-phone_sidebar_closer { display: none; }</style>"


def close_sidebar_after_navigation() -> None:
    """Add the listener that closes the sidebar after a page link on a narrow screen."""
    st.html(_HIDDEN)
    st.sidebar.container(key="phone_sidebar_closer").html(_SCRIPT, unsafe_allow_javascript=True)
