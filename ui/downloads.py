"""Download buttons whose file is ready when the button is drawn.

Why not Streamlit's deferred downloads (a callable as ``data``)? The file such a callable
writes on click is referenced by no element, so Streamlit's media cleanup marks it at the end
of the next script run of any session and deletes it at the run after; on a busy server the
browser can ask for it too late and the download silently never starts. A file built while the
page is drawn is referenced by its button and lives as long as the button does.

Building costs time, so files are memoised per session on a digest of what determines their
content (the table's values, the language, the chart's spec), not on object identity: a rerun
that changes nothing builds nothing. Only files too large to build on every visit
(``eager=False``) fall back to building on click.

Every button uses ``on_click="ignore"``: a download is not an interaction the page reacts to,
and the rerun Streamlit would otherwise start is what triggers the cleanup above.
"""

from __future__ import annotations

import hashlib
import pickle
from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from kundenmodell.csvio import to_csv_bytes
from ui.session import lang

# A CSV of up to a million cells (a few MB, well under a second to write) is built when drawn.
EAGER_CSV_CELLS = 1_000_000
MEMO_ENTRIES = 32
MEMO_BYTES = 256_000_000
_MEMO = "_download_memo"

FileData = bytes | str


def content_digest(values: Iterable[Any]) -> str:
    """A digest that changes whenever any of ``values`` changes in content.

    Data frames are hashed by column names, dtypes, index and values
    (``pandas.util.hash_pandas_object``), Altair charts by their Vega-Lite JSON (which carries
    the data), text and bytes as they are, anything else by its pickle.
    """
    digest = hashlib.blake2b(digest_size=20)
    for value in values:
        digest.update(type(value).__qualname__.encode())
        if isinstance(value, pd.DataFrame):
            layout = (list(map(str, value.columns)), list(map(str, value.dtypes)))
            digest.update(pickle.dumps(layout))
            try:
                digest.update(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
            except TypeError:  # cells that cannot be hashed (lists, dicts)
                digest.update(pickle.dumps(value))
        elif isinstance(value, alt.TopLevelMixin):
            digest.update(value.to_json(validate=False).encode())
        elif isinstance(value, str):
            digest.update(value.encode())
        elif isinstance(value, bytes):
            digest.update(value)
        else:
            digest.update(pickle.dumps(value))
        digest.update(b"\x00")
    return digest.hexdigest()


def _memoised(build: Callable[[], FileData], identity: tuple) -> FileData:
    """``build()``, remembered for this session under the digest of ``identity``; the least
    recently used files are dropped beyond :data:`MEMO_ENTRIES` files or :data:`MEMO_BYTES`."""
    memo: OrderedDict[str, FileData] = st.session_state.setdefault(_MEMO, OrderedDict())
    key = content_digest(identity)
    if key in memo:
        memo.move_to_end(key)
        return memo[key]
    memo[key] = build()
    while len(memo) > MEMO_ENTRIES or (
        len(memo) > 1 and sum(len(data) for data in memo.values()) > MEMO_BYTES
    ):
        memo.popitem(last=False)
    return memo[key]


def download_button(
    label: str,
    content: FileData | Callable[[], FileData],
    *,
    file_name: str,
    mime: str,
    key: str,
    identity: tuple = (),
    icon: str = ":material/download:",
    target: DeltaGenerator | None = None,
    eager: bool = True,
    **options: Any,
) -> None:
    """A download button for ``content``: the file itself, or a function that builds it.

    A builder is called while the page is drawn and its file reused as long as ``identity``
    (everything the file's content depends on, see :func:`content_digest`) is unchanged; with
    ``eager=False`` (files too large to build on every visit) it is called on click instead.
    ``target`` is the container to draw in (default: the current one); ``options`` go to
    ``st.download_button`` (``help``, ``width``, ``disabled``).
    """
    if callable(content) and eager:
        if not identity:
            raise TypeError("a file builder needs the identity its content depends on")
        content = _memoised(content, (key, *identity))
    (target or st).download_button(
        label,
        data=content,
        file_name=file_name,
        mime=mime,
        icon=icon,
        key=key,
        on_click="ignore",
        **options,
    )


def csv_download_button(
    label: str,
    frame: pd.DataFrame,
    *,
    file_name: str,
    key: str,
    target: DeltaGenerator | None = None,
    **options: Any,
) -> None:
    """``frame`` as a safe CSV in the spreadsheet dialect of the user's language
    (:func:`kundenmodell.csvio.to_csv_bytes`)."""
    language = lang()
    download_button(
        label,
        partial(to_csv_bytes, frame, language),
        identity=(frame, language),
        file_name=file_name,
        mime="text/csv",
        key=key,
        target=target,
        eager=frame.size <= EAGER_CSV_CELLS,
        **options,
    )
