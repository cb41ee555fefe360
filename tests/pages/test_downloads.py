"""Download buttons: files are built while the page is drawn, once per content, never on click."""

import altair as alt
import pandas as pd
from streamlit.testing.v1 import AppTest

from ui.downloads import EAGER_CSV_CELLS, content_digest


def _digest(*values) -> str:
    return content_digest(values)


def test_digest_follows_content_not_identity():
    frame = pd.DataFrame({"customer_id": ["K1", "K2"], "revenue": [10, 20]})
    assert _digest(frame, "de") == _digest(frame.copy(), "de")
    changed = frame.copy()
    changed.loc[1, "revenue"] = 21
    assert _digest(changed, "de") != _digest(frame, "de")
    assert _digest(frame.astype({"revenue": float}), "de") != _digest(frame, "de")  # 10 vs 10,0
    assert _digest(frame.rename(columns={"revenue": "Umsatz"}), "de") != _digest(frame, "de")
    assert _digest(frame, "en") != _digest(frame, "de")
    assert _digest(frame.iloc[::-1], "de") != _digest(frame, "de")  # order is part of a file


def test_digest_of_unhashable_cells_and_charts():
    lists = pd.DataFrame({"tags": [["a"], ["b"]]})
    assert _digest(lists) == _digest(lists.copy())
    assert _digest(lists) != _digest(pd.DataFrame({"tags": [["a"], ["c"]]}))
    chart = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_line().encode(x="x:Q")
    other = alt.Chart(pd.DataFrame({"x": [1, 3]})).mark_line().encode(x="x:Q")
    assert _digest(chart) == _digest(chart.copy())
    assert _digest(chart) != _digest(other)
    assert _digest("a", "bc") != _digest("ab", "c")  # parts are separated


def _page() -> None:
    import pandas as pd
    import streamlit as st

    from ui.downloads import csv_download_button, download_button

    st.session_state.setdefault("builds", 0)
    version = st.number_input("version", value=1)

    def build() -> bytes:
        st.session_state["builds"] += 1
        return f"file {version}".encode()

    download_button(
        "file", build, identity=(version,), file_name="f.txt", mime="text/plain", key="file"
    )
    rows = st.session_state.get("rows", 3)
    csv_download_button("table", pd.DataFrame({"n": range(rows)}), file_name="t.csv", key="csv")


def _downloads(app: AppTest) -> list:
    return [element.proto for element in app.get("download_button")]


def test_files_are_built_once_per_content_and_served_statically():
    app = AppTest.from_function(_page).run()
    assert not app.exception
    assert app.session_state["builds"] == 1
    for proto in _downloads(app):
        assert proto.url and not proto.deferred_file_id  # ready, not built on click
        assert proto.ignore_rerun  # a download does not rerun the page
    app.run()
    app.run()
    assert app.session_state["builds"] == 1  # unchanged content: nothing is rebuilt
    app.number_input[0].set_value(2).run()
    assert app.session_state["builds"] == 2
    app.number_input[0].set_value(1).run()
    assert app.session_state["builds"] == 2  # the first version is still remembered


def test_very_large_tables_are_built_on_click():
    app = AppTest.from_function(_page)
    app.session_state["rows"] = EAGER_CSV_CELLS + 1
    app.run()
    assert not app.exception
    table = _downloads(app)[1]
    assert table.deferred_file_id and not table.url


def test_a_builder_without_identity_is_refused():
    def page() -> None:
        from ui.downloads import download_button

        download_button("x", lambda: b"x", file_name="x", mime="text/plain", key="x")

    app = AppTest.from_function(page).run()
    assert app.exception
    assert "identity" in app.exception[0].message
