"""Which column of an upload is which canonical column: suggestions, corrections, reuse.

:func:`suggest_mapping` scores every source column against every canonical column from two kinds
of evidence and assigns each canonical column at most once, best score first:

* the header, compared with the synonyms in ``synonyms.toml`` after folding case, accents,
  umlaut spellings and punctuation (``Kunden-Nr.`` = ``kundennr``): an exact synonym scores 1.0
  (a little less for synonyms listed later, so Shopify's ``Total`` beats ``Subtotal``), a header
  that contains a synonym 0.8 (0.6 when the synonym is less than half of it), a near miss
  (typo) 0.6;
* the values, when a sample is given: e-mail addresses, phone numbers, 0–10 integers (NPS),
  dates, and a unique column as a last resort for the customer number. Values that contradict a
  header (an "E-Mail" column without addresses) halve its score.

A :class:`Mapping` is plain data: the user corrects it in the page, saves it as JSON and applies
it to the next export of the same shape (:meth:`Mapping.for_columns`).
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from kundenmodell.errors import DataError
from kundenmodell.schema import CUSTOMERS, TRANSACTIONS

Reason = Literal["header", "contains", "similar", "values", "user", "none"]
TableChoice = Literal["customers", "transactions", "auto"]

SYNONYMS_FILE = Path(__file__).with_name("synonyms.toml")
MIN_CONFIDENCE = 0.3
FORMAT_VERSION = 1
LANGUAGE_SOURCES = {"de": "de", "en": "en", "nb": "nb"}
CURRENCY_BY_LANGUAGE = {"de": "EUR", "en": "USD", "nb": "NOK"}
LOCALE_BY_LANGUAGE = {"de": "de_DE", "en": "en_US", "nb": "nb_NO"}
KNOWN_CURRENCIES = ("EUR", "USD", "NOK", "CHF", "GBP", "SEK", "DKK")

TARGET_TABLE: dict[str, str] = {
    **{name: "customers" for name in CUSTOMERS.names},
    **{name: "transactions" for name in TRANSACTIONS.names if name != "customer_id"},
}
"""Every canonical column an upload can map onto and the table it belongs to."""

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
PHONE = re.compile(r"^\+?[\d\s/().-]{6,24}$")
_ID_WORDS = re.compile(r"(^|[^a-z])(id|nr|no|nummer|number|num|code|key|kennung)([^a-z]|$)")
_NAMES = frozenset({"first_name", "last_name", "city", "company", "industry"})


def normalise(text: str) -> str:
    """Fold a header or value for matching: ``"Kunden-Nr."`` → ``"kundennr"``."""
    text = str(text).casefold().strip()
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("æ", "ae")):
        text = text.replace(umlaut, spelled)
    text = text.replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]", "", text)


@dataclass(frozen=True)
class Synonyms:
    """The synonym table: normalised header → (target, rank, source list) and value maps."""

    headers: dict[str, tuple[str, int, str]]
    values: dict[str, dict[str, str]]


@cache
def synonyms() -> Synonyms:
    """``synonyms.toml`` loaded and normalised once."""
    with SYNONYMS_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    headers: dict[str, tuple[str, int, str]] = {}
    for target, sources in data.items():
        if target == "values":
            continue
        if target not in TARGET_TABLE:
            raise ValueError(f"synonyms.toml names unknown column {target!r}")
        for source, names in [("en", [target]), *sources.items()]:
            for rank, name in enumerate(names):
                key = normalise(name)
                if key and (key not in headers or headers[key][1] > rank):
                    headers[key] = (target, rank, source)
    values = {
        column: {
            normalise(variant): canonical
            for canonical, variants in table.items()
            for variant in (canonical, *variants)
        }
        for column, table in data.get("values", {}).items()
    }
    return Synonyms(headers, values)


@dataclass(frozen=True)
class Suggestion:
    """One source column and the canonical column it maps onto (``None``: not used)."""

    source: str
    target: str | None
    confidence: float = 0.0
    reason: Reason = "none"


@dataclass(frozen=True)
class Mapping:
    """Source columns → canonical columns, plus what reading the values needs.

    ``columns`` is the shape of the file the mapping was made for (all its columns in order);
    ``decimal``/``dayfirst`` read text that the loader left untyped; ``currency`` and ``locale``
    describe the data set that comes out.
    """

    entries: tuple[Suggestion, ...]
    table: TableChoice = "auto"
    currency: str = "EUR"
    locale: str = "de_DE"
    decimal: str | None = None
    dayfirst: bool | None = None
    columns: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.columns:
            object.__setattr__(self, "columns", tuple(entry.source for entry in self.entries))

    @property
    def targets(self) -> dict[str, str]:
        """Canonical column → source column, for the mapped columns."""
        return {entry.target: entry.source for entry in self.entries if entry.target}

    def target_of(self, source: str) -> str | None:
        return next((e.target for e in self.entries if e.source == source), None)

    def with_targets(self, chosen: dict[str, str | None]) -> Mapping:
        """The mapping with the user's choices (source → target or None) applied."""
        entries = tuple(
            entry
            if entry.source not in chosen or chosen[entry.source] == entry.target
            else Suggestion(entry.source, chosen[entry.source], 1.0, "user")
            for entry in self.entries
        )
        return replace(self, entries=entries)

    def duplicates(self) -> dict[str, list[str]]:
        """Canonical columns that more than one source column maps onto."""
        counts = Counter(entry.target for entry in self.entries if entry.target)
        return {
            target: [e.source for e in self.entries if e.target == target]
            for target, count in counts.items()
            if count > 1
        }

    def to_json(self) -> str:
        """The mapping as JSON text, to save and reuse for the next export."""
        data = asdict(self)
        data["version"] = FORMAT_VERSION
        data["entries"] = [asdict(entry) for entry in self.entries]
        return json.dumps(data, ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str | bytes) -> Mapping:
        """A mapping saved by :meth:`to_json`; ``error.io.bad_mapping`` for anything else."""
        try:
            data = json.loads(text)
            if data.pop("version") != FORMAT_VERSION:
                raise ValueError("unknown version")
            entries = tuple(
                Suggestion(
                    str(entry["source"]),
                    _checked_target(entry["target"]),
                    float(entry.get("confidence", 1.0)),
                    entry.get("reason", "user"),
                )
                for entry in data.pop("entries")
            )
            data["columns"] = tuple(str(column) for column in data.get("columns", ()))
            return cls(entries=entries, **data)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise DataError("error.io.bad_mapping") from error

    def for_columns(self, columns: list[str] | tuple[str, ...] | pd.Index) -> Mapping:
        """This mapping applied to a file with ``columns`` (the next export of the same shape).

        Every mapped source column must be there (``error.io.mapping_mismatch`` names the
        missing ones); new columns are added unmapped.
        """
        columns = [str(column) for column in columns]
        missing = [e.source for e in self.entries if e.target and e.source not in columns]
        if missing:
            raise DataError("error.io.mapping_mismatch", columns=", ".join(missing))
        known = {entry.source: entry for entry in self.entries}
        entries = tuple(known.get(column, Suggestion(column, None)) for column in columns)
        return replace(self, entries=entries, columns=tuple(columns))


def _checked_target(target: Any) -> str | None:
    if target is None:
        return None
    if target not in TARGET_TABLE:
        raise ValueError(f"unknown target {target!r}")
    return str(target)


# --- suggestion ---------------------------------------------------------------------------------


def allowed_targets(table: TableChoice) -> tuple[str, ...]:
    """The canonical columns a file of ``table``'s kind can map onto."""
    if table == "customers":
        return CUSTOMERS.names
    if table == "transactions":
        return TRANSACTIONS.names
    return tuple(TARGET_TABLE)


def suggest_mapping(
    columns: list[str] | tuple[str, ...] | pd.Index,
    table: TableChoice = "customers",
    sample: Any = None,
) -> Mapping:
    """Propose a canonical column for every source column, with a confidence in [0, 1].

    ``table`` is ``"customers"``, ``"transactions"`` or ``"auto"`` (both: a file with one row
    per purchase and the customer's columns repeated). ``sample`` is the file's DataFrame (or
    the :class:`~kundenmodell.io.LoadedTable`), used for the value evidence.
    """
    frame, hints = _sample_frame(sample)
    columns = [str(column) for column in columns]
    allowed = set(allowed_targets(table))
    scored: list[tuple[float, int, str, Reason]] = []
    languages: Counter[str] = Counter()
    for index, column in enumerate(columns):
        values = frame[column] if frame is not None and column in frame.columns else None
        for target, confidence, reason, language in _candidates(column, values):
            if target in allowed:
                scored.append((confidence, index, target, reason))
                if language:
                    languages[language] += 1
    chosen = _assign(scored)
    if "customer_id" not in {target for target, _, _ in chosen.values()} and frame is not None:
        fallback = _id_fallback(columns, frame, chosen)
        if fallback is not None:
            chosen[fallback[0]] = ("customer_id", fallback[1], "values")
    _complete_purchases(chosen, allowed)
    entries = tuple(
        Suggestion(column, *chosen[index]) if index in chosen else Suggestion(column, None)
        for index, column in enumerate(columns)
    )
    language = languages.most_common(1)[0][0] if languages else "de"
    return Mapping(
        entries=entries,
        table=table,
        currency=hints.get("currency") or _currency_column(frame) or CURRENCY_BY_LANGUAGE[language],
        locale=LOCALE_BY_LANGUAGE[language],
        decimal=hints.get("decimal"),
        dayfirst=hints.get("dayfirst"),
        columns=tuple(columns),
    )


def _currency_column(frame: pd.DataFrame | None) -> str | None:
    """The currency named in a column of ISO codes (Shopify's ``Currency``), if there is one."""
    if frame is None:
        return None
    for name in frame.columns:
        values = frame[name].dropna()
        if values.empty or pd.api.types.is_numeric_dtype(values):
            continue
        codes = values.astype("str").str.strip().str.upper()
        if codes.isin(KNOWN_CURRENCIES).mean() >= 0.9:
            return str(codes.mode().iloc[0])
    return None


def _sample_frame(sample: Any) -> tuple[pd.DataFrame | None, dict[str, Any]]:
    if sample is None:
        return None, {}
    if isinstance(sample, pd.DataFrame):
        return sample.head(2_000), {}
    frame = sample.frame.head(2_000)
    return frame, {
        "currency": sample.currency,
        "decimal": sample.decimal,
        "dayfirst": sample.dayfirst,
    }


def _candidates(
    column: str, values: pd.Series | None
) -> list[tuple[str, float, Reason, str | None]]:
    """(target, confidence, reason, language of the matched synonym) for one source column."""
    table = synonyms().headers
    key = normalise(column)
    found: dict[str, tuple[float, Reason, str | None]] = {}

    def offer(target: str, confidence: float, reason: Reason, language: str | None) -> None:
        if target not in found or found[target][0] < confidence:
            found[target] = (confidence, reason, language)

    leaf = normalise(column.rsplit(".", 1)[-1])  # nested JSON fields: "address.zip" → "zip"
    if key not in table and leaf in table:
        target, _, source = table[leaf]
        offer(target, 0.9, "header", LANGUAGE_SOURCES.get(source))
    elif key in table:
        target, rank, source = table[key]
        offer(target, round(1.0 - 0.005 * min(rank, 20), 3), "header", LANGUAGE_SOURCES.get(source))
    elif key:
        contained = [
            (len(synonym), target, source)
            for synonym, (target, _, source) in table.items()
            if len(synonym) >= 4 and synonym in key
        ]
        if contained:
            length, target, source = max(contained)
            confidence = 0.8 if length * 2 >= len(key) else 0.6  # "kunde" in a long header
            offer(target, confidence, "contains", LANGUAGE_SOURCES.get(source))
        else:
            close = difflib.get_close_matches(key, list(table), n=1, cutoff=0.85)
            if close:
                target, _, source = table[close[0]]
                offer(target, 0.6, "similar", LANGUAGE_SOURCES.get(source))
    if values is not None:
        _value_evidence(values, found, offer)
    return [(target, *details) for target, details in found.items()]


def _value_evidence(values: pd.Series, found: dict, offer: Any) -> None:
    """Add what the values say; halve header guesses the values contradict."""
    present = values.dropna()
    if present.empty:
        return
    text = present.astype("str").str.strip()
    is_text = not (
        pd.api.types.is_numeric_dtype(present) or pd.api.types.is_datetime64_any_dtype(present)
    )
    email_share = float(text.str.match(EMAIL.pattern).mean()) if is_text else 0.0
    if email_share >= 0.8:
        offer("email", 0.95 if "email" in found else 0.9, "values", None)
    digits = text.str.count(r"\d")
    phone_share = float((text.str.match(PHONE.pattern) & (digits >= 7)).mean()) if is_text else 0
    if phone_share >= 0.8 and "phone" not in found:
        offer("phone", 0.6, "values", None)
    if pd.api.types.is_integer_dtype(present) and not pd.api.types.is_bool_dtype(present):
        in_scale = present.between(0, 10).all() and present.nunique() >= 3
        if in_scale and "nps_score" not in found:
            offer("nps_score", 0.5 if not found else 0.35, "values", None)
    if pd.api.types.is_datetime64_any_dtype(present) and not found:
        offer("date", 0.4, "values", None)
        offer("acquired_at", 0.3, "values", None)
    for target, (confidence, reason, language) in list(found.items()):
        if reason != "values":
            factor = _agreement(target, present, text, is_text, email_share)
            found[target] = (round(confidence * factor, 3), reason, language)


def _agreement(
    target: str, present: pd.Series, text: pd.Series, is_text: bool, email_share: float
) -> float:
    """1 when the values fit ``target``; less when they contradict the header's guess."""
    if target == "email":
        return 1.0 if email_share >= 0.5 else 0.5
    kind = _column_kind(target)
    if kind == "date" and is_text:
        return 1.0 if text.str.match(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}").mean() >= 0.5 else 0.5
    if kind in ("integer", "number") and is_text:
        return 1.0 if text.str.match(r"^[+-]?[\d.,' €$£kr]*\d").mean() >= 0.5 else 0.5
    if kind == "category" and value_map(target):
        known = value_map(target)
        share = float(text.map(lambda value: normalise(value) in known).mean())
        return 1.0 if share >= 0.5 else 0.3
    if target in _NAMES:
        return 1.0 if is_text and float(text.str.contains(r"\d").mean()) <= 0.5 else 0.5
    return 1.0


def _column_kind(target: str) -> str:
    schema = CUSTOMERS if target in CUSTOMERS.names else TRANSACTIONS
    return schema.column(target).kind


def _assign(scored: list[tuple[float, int, str, Reason]]) -> dict[int, tuple[str, float, Reason]]:
    """Greedy one-to-one assignment: the most confident pairs first."""
    chosen: dict[int, tuple[str, float, Reason]] = {}
    used: set[str] = set()
    for confidence, index, target, reason in sorted(scored, key=lambda s: (-s[0], s[1])):
        if confidence < MIN_CONFIDENCE or index in chosen or target in used:
            continue
        chosen[index] = (target, confidence, reason)
        used.add(target)
    return chosen


def _id_fallback(
    columns: list[str], frame: pd.DataFrame, chosen: dict[int, tuple[str, float, Reason]]
) -> tuple[int, float] | None:
    """A column whose values are unique and complete, preferring an id-like header."""
    best: tuple[float, int] | None = None
    for index, column in enumerate(columns):
        if index in chosen or column not in frame.columns:
            continue
        values = frame[column]
        if values.isna().any() or not values.is_unique or len(values) < 2:
            continue
        if pd.api.types.is_float_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
            continue
        confidence = 0.5 if _ID_WORDS.search(column.casefold()) else 0.35
        if best is None or confidence > best[0]:
            best = (confidence, index)
    return (best[1], best[0]) if best else None


def _complete_purchases(chosen: dict[int, tuple[str, float, Reason]], allowed: set[str]) -> None:
    """Purchases need a date and an amount; without both, no purchase column is suggested.

    A date without any purchase column beside it is when the customer came (``acquired_at``);
    other purchase guesses in a customer file (``Umsatz 2024`` as an amount) are dropped, so the
    suggestion can always be applied as it is.
    """
    targets = {target: index for index, (target, _, _) in chosen.items()}
    purchase_columns = set(TRANSACTIONS.names) - {"customer_id"}
    if {"date", "amount"} <= set(targets) or not purchase_columns & set(targets):
        return
    for target in purchase_columns & set(targets):
        index = targets[target]
        if target == "date" and "acquired_at" in allowed and "acquired_at" not in targets:
            _, confidence, reason = chosen[index]
            chosen[index] = ("acquired_at", min(confidence, 0.5), reason)
        else:
            del chosen[index]


def value_map(column: str) -> dict[str, str]:
    """Normalised category value → canonical value for ``column`` (empty for free text)."""
    return synonyms().values.get(column, {})
