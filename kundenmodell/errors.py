"""Errors that carry an i18n key, so every page can explain them in the user's language."""

from __future__ import annotations

from typing import Any


class DataError(ValueError):
    """A problem with the user's data or parameters.

    It carries a catalogue key and its parameters instead of a finished sentence: the page
    calls :meth:`message` with the user's language. ``str(error)`` gives the English text,
    which is what a notebook user sees in a traceback.
    """

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        """The error as a sentence in ``lang`` (de, en or nb)."""
        from kundenmodell.i18n import t

        return t(self.key, lang, **self.params)
