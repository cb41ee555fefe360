"""Shared page-test setup: open a page in a language with a data set, and read or prepare the
session through :mod:`ui.session`'s names instead of spelling its keys in every test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from kundenmodell import Dataset
from ui.session import DATASET_KEY, DERIVED_KEY, WORKSPACE_KEY, dataset_entries

APP = str(Path(__file__).resolve().parents[2] / "app.py")


class PageSession:
    """What a page test reads from or puts into an ``AppTest`` session."""

    @staticmethod
    def dataset(app: AppTest) -> Dataset | None:
        """The active data set."""
        return app.session_state.get(DATASET_KEY)

    @staticmethod
    def put_dataset(app: AppTest, data: Dataset) -> None:
        """Make ``data`` the active data set, as loading it in the sidebar would."""
        for key, value in dataset_entries(data).items():
            app.session_state[key] = value

    @staticmethod
    def derived(app: AppTest, name: str) -> list[Any]:
        """The results :func:`ui.session.derive` memoised for functions called ``name``."""
        memo = app.session_state.get(DERIVED_KEY, {})
        return [value for key, value in memo.items() if key[2] == name]

    @staticmethod
    def workspace(app: AppTest) -> dict[str, dict[str, Any]]:
        """Every workspace section (:func:`ui.session.workspace_state`)."""
        return app.session_state.get(WORKSPACE_KEY, {})

    @staticmethod
    def put_workspace(app: AppTest, sections: dict[str, dict[str, Any]]) -> None:
        """Replace every workspace section, as opening a saved workspace does."""
        app.session_state[WORKSPACE_KEY] = {name: dict(values) for name, values in sections.items()}


@pytest.fixture
def session() -> type[PageSession]:
    return PageSession


@pytest.fixture
def open_page() -> Callable[..., AppTest]:
    """``open_page(page, lang, data=None, sample=False, timeout=180)``: the app in ``lang``,
    with ``data`` made active (or the sidebar's sample loaded), switched to ``page`` and run
    without an exception."""

    def opened(
        page: str,
        lang: str = "en",
        *,
        data: Dataset | None = None,
        sample: bool = False,
        timeout: float = 180,
    ) -> AppTest:
        app = AppTest.from_file(APP, default_timeout=timeout)
        app.query_params["lang"] = lang
        app.run()
        if sample:
            app.sidebar.button(key="load_sample").click().run()
        if data is not None:
            PageSession.put_dataset(app, data)
        app.switch_page(page).run()
        assert not app.exception, app.exception
        return app

    return opened
