"""What one browser session holds: the language and the active data set.

The data set lives in ``st.session_state`` (not in a widget), so switching page or language
never drops it. Derived results are memoised per loaded data set with :func:`derive`, which
costs no hashing of large frames: a new data set gets a new token and clears the memo.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from kundenmodell import Dataset
from kundenmodell.engine.in_place import InPlaceSource
from kundenmodell.i18n import normalise_language, t

LANG_KEY = "lang"
DATASET_KEY = "dataset"
TOKEN_KEY = "dataset_token"
DERIVED_KEY = "derived"
WORKSPACE_KEY = "workspace_state"
IN_PLACE_KEY = "in_place_source"
"""Where the session keeps the data set, its token, the :func:`derive` memo, the workspace
sections and a source analysed in place; public so that page tests prepare and read a session
through these names."""

R = TypeVar("R")


def lang() -> str:
    """The language chosen in the sidebar (or ``?lang=`` in the URL); German by default."""
    return normalise_language(st.session_state.get(LANG_KEY))


def T(key: str, **params: Any) -> str:  # noqa: N802 - the conventional name of a translate helper
    """``key`` translated into the session's language."""
    return t(key, lang(), **params)


def dataset_title(data: Dataset) -> str:
    """What the data set is called on the page: a synthetic base by its locale and size in the
    page's language ("Synthetische Kunden · Norwegen · 10.000"), anything else by its name."""
    if data.source != "synthetic":
        return data.name
    from kundenmodell.i18n import format_number

    return T(
        "sidebar.synthetic_name",
        locale=T(f"locale.{data.locale}"),
        customers=format_number(data.n_customers, lang()),
    )


def dataset() -> Dataset | None:
    """The active data set, or None before anything was loaded."""
    return st.session_state.get(DATASET_KEY)


def dataset_entries(data: Dataset | None, in_place: InPlaceSource | None = None) -> dict[str, Any]:
    """The session entries that make ``data`` the active data set (None: none) with a fresh
    token and nothing derived yet: what :func:`set_dataset` writes, and what a page test puts
    into an ``AppTest`` session. ``in_place``: the source ``data`` is a sample of."""
    token = None if data is None else uuid.uuid4().hex
    return {DATASET_KEY: data, TOKEN_KEY: token, DERIVED_KEY: {}, IN_PLACE_KEY: in_place}


def set_dataset(data: Dataset, in_place: InPlaceSource | None = None) -> None:
    """Make ``data`` the active data set and forget what was derived from the previous one;
    ``in_place``: the whole source when ``data`` is its sample (see :func:`in_place_source`)."""
    st.session_state.update(dataset_entries(data, in_place))
    if in_place is None and data.n_transactions >= READ_AHEAD_PURCHASES:
        threading.Thread(target=_read_ahead, args=(data,), daemon=True).start()


READ_AHEAD_PURCHASES = 200_000
"""From how many purchases a loaded data set's overview is prepared in the background
(:func:`kundenmodell.segments.report.prepare`); below, the overview takes well under a
second anyway."""
_READING_AHEAD = threading.Semaphore(1)


def _read_ahead(data: Dataset) -> None:
    """Prepare ``data``'s overview while the user looks at the data page: one data set at a
    time per server (a session loading many must not occupy every core); failures are left to
    the overview, which computes the same and shows its message in the session's language."""
    from kundenmodell.segments.report import prepare  # the engine, only when it is needed

    if not _READING_AHEAD.acquire(blocking=False):
        return
    try:
        with contextlib.suppress(Exception):  # the overview shows the same error, translated
            prepare(data)
    finally:
        _READING_AHEAD.release()


def in_place_source() -> InPlaceSource | None:
    """The source analysed where it lies, when the active data set is a sample of it: the
    overview and the CLV page compute on all of its rows (:func:`derive_in_place`), the other
    pages on the sample."""
    return st.session_state.get(IN_PLACE_KEY)


def clear_dataset() -> None:
    """Unload the active data set (a new, empty workspace) and forget what was derived."""
    st.session_state.update(dataset_entries(None))


def derive(function: Callable[..., R], *args: Any) -> R:
    """``function(active_dataset, *args)``, computed once per loaded data set and arguments."""
    return _memoised((function.__module__, function.__qualname__, args), function, dataset(), *args)


def derive_in_place(function: Callable[..., R], *args: Any) -> R:
    """``function(source, *args)`` on the :func:`in_place_source`, computed once per connected
    source and arguments (memoised like :func:`derive`)."""
    source = in_place_source()
    if source is None:
        raise RuntimeError("no source is analysed in place")
    key = ("in_place", function.__module__, function.__qualname__, args)
    return _memoised(key, function, source, *args)


MEMO_PER_FUNCTION = 3
"""How many argument sets of one function a session keeps derived (the most recently used):
a user who tries many filters, rules or horizons does not pile up results on a server others
share (at 18 M purchases one segment report holds about 300 MB, one table of customer
values about 200 MB)."""


def _memoised(key: tuple, compute: Callable[..., R], *args: Any) -> R:
    """``compute(*args)`` once per ``key`` and loaded data set (the memo is dropped with it);
    ``key`` ends with the arguments, so ``key[:-1]`` names the function, of which
    :data:`MEMO_PER_FUNCTION` results are kept."""
    memo: dict = st.session_state.setdefault(DERIVED_KEY, {})
    full_key = (st.session_state.get(TOKEN_KEY), *key)
    if full_key in memo:
        memo[full_key] = memo.pop(full_key)  # the most recently used go last
        return memo[full_key]
    value = compute(*args)
    memo[full_key] = value
    same_function = [other for other in memo if other[:-1] == full_key[:-1]]
    for oldest in same_function[:-MEMO_PER_FUNCTION]:
        del memo[oldest]
    return value


def workspace_state(section: str) -> dict[str, Any]:
    """A JSON-serialisable dict for ``section`` (e.g. ``"personas"``, ``"scenarios"``) that
    belongs to the workspace: pages keep their user edits here, and saving a workspace stores
    all sections with the data set. Values must be JSON types (str, int, float, bool, None,
    lists and dicts of them)."""
    sections: dict[str, dict[str, Any]] = st.session_state.setdefault(WORKSPACE_KEY, {})
    return sections.setdefault(section, {})


def all_workspace_state() -> dict[str, dict[str, Any]]:
    """Every section of :func:`workspace_state`, for saving."""
    return st.session_state.setdefault(WORKSPACE_KEY, {})


def restore_workspace_state(sections: dict[str, dict[str, Any]]) -> None:
    """Replace every section, as opening a saved workspace does."""
    st.session_state[WORKSPACE_KEY] = {name: dict(values) for name, values in sections.items()}
