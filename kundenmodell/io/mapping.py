"""Which column of an upload is which canonical column: suggestions, corrections, reuse.

:func:`suggest_mapping` scores every source column against every canonical column from two kinds
of evidence and assigns each canonical column at most once, best score first:

* the header, compared with the synonyms in ``synonyms.toml`` after folding case, accents,
  umlaut spellings and punctuation (``Kunden-Nr.`` = ``kundennr``): an exact synonym scores 1.0
  (a little less for synonyms listed later, so Shopify's ``Total`` beats ``Subtotal``), a header
  that contains a synonym 0.8 (0.6 when the synonym is less than half of it), a near miss
  (one typo) 0.6. Header words can rule a column out (``[exclude]``: an order number is no
  customer number, a discount no quantity) or make it a second choice (``[second_choice]``: a
  subtotal is the amount only without a total);
* the values, when a sample is given (see :mod:`kundenmodell.io.shapes`): e-mail addresses,
  phone numbers, 0–10 integers that use more than 1–5 (NPS), small whole numbers (quantities),
  dates, ISO country codes, company names (a legal form: ``Olsen AS`` under ``Kundenavn`` is
  the company). Values that contradict a header (an "E-Mail" column without addresses, a JSON
  list under a product header) lower or rule out its score; a nearly empty column never takes a
  canonical column from a filled one.

The customer number gets the closest look, because a wrong one silently turns every order into
a customer: it must not be free text, an IP address, an e-mail address or a phone number, must
not split one person (the same e-mail address on several rows) into several ids (that is an
order or line number) and, in a purchase file, should repeat for repeat buyers (an id that
is unique per row yields to one that repeats: a deal's record id to its contact id). Whatever
remains below :data:`SURE` is asked, not assumed: :meth:`Mapping.id_question` names the
candidate columns for the page to ask about.

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

import numpy as np
import pandas as pd

from kundenmodell.errors import DataError
from kundenmodell.i18n.numbers import BABEL_LOCALES, DEFAULT_FACTS, currency_for
from kundenmodell.io.shapes import Profile, profile
from kundenmodell.schema import CUSTOMERS, TRANSACTIONS

Reason = Literal["header", "contains", "similar", "values", "user", "none"]
TableChoice = Literal["customers", "transactions", "auto"]

SYNONYMS_FILE = Path(__file__).with_name("synonyms.toml")
MIN_CONFIDENCE = 0.3
SURE = 0.7
"""A customer number suggested with less confidence than this is asked about."""
SAMPLE_ROWS = 2_000
SAMPLE_CELLS = 2_000_000
FORMAT_VERSION = 1
LANGUAGE_SOURCES = {"de": "de", "en": "en", "nb": "nb"}

TARGET_TABLE: dict[str, str] = {
    **{name: "customers" for name in CUSTOMERS.names},
    **{name: "transactions" for name in TRANSACTIONS.names if name != "customer_id"},
}
"""Every canonical column an upload can map onto and the table it belongs to."""

_RECORD_CREATED = re.compile(
    r"(?:^| )(?:create|creation|erstell|angelegt|anlage|opprett|added|date added)"
)
_CUSTOMER_WORDS = re.compile(
    r"(?:^| )(?:customer|kunde|client|member|mitglied|medlem|contact|kontakt|account|subscri"
    r"|abonnent|became)"
)
"""In a purchase file (a deal, opportunity or order per row) a header that names the creation
of a record ("Create Date", "Erstellt am") dates the record, not the customer; only one that
names the customer ("Customer Created At", "Kunde seit") is when the customer came."""
_ID_WORDS = re.compile(r"(^|[^a-z])(ids?|nr|no|nummer|number|num|code|key|kennung)([^a-z]|$)")
_NAMES = frozenset({"first_name", "last_name", "city", "company", "industry"})
_PERSON_NAMES = frozenset({"first_name", "last_name"})
_DIGIT_TEXT = frozenset({"postcode", "phone"})
"""Text columns whose values are often read as whole numbers."""
COMPANY_SHARE = 0.5
"""Values with a legal form (``GmbH``, ``AS``, ``Ltd``) on this share of a column's filled
rows make it the company, whatever name header it has."""
SPARSE = 0.1
FILLED = 0.5
"""A column filled on fewer than :data:`SPARSE` of the rows never takes a canonical column from
one filled on at least :data:`FILLED` of them (Shopify's empty ``Phone`` beside ``Default
Address Phone``)."""
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_WORDS = re.compile(r"[\W_]+")


_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "o", "å": "a"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]")
MATCHED_HEADER_CHARS = 200
"""Only a header's start is compared with the synonyms: no column name is longer, and a
200 KiB "header" (a broken export) would cost seconds in the similarity search."""
_INCLUDED_TAX = re.compile(
    r"\b(?:incl|inkl|including|inklusive|inkludert|med)(?: \w+)? (?:vat|tax|mwst|ust|mva|moms)\b"
)
"""A tax that an amount includes ("Beløp inkl. mva", "Total incl. VAT"): no reason to rule the
column out as the amount, as a tax column would be."""


def normalise(text: str) -> str:
    """Fold a header or value for matching: ``"Kunden-Nr."`` → ``"kundennr"``."""
    text = str(text).casefold().strip().translate(_FOLD)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in text if not unicodedata.combining(char))
    return _NOT_ALNUM.sub("", text)


@dataclass(frozen=True)
class Synonyms:
    """The synonym table: normalised header → (target, rank, source list), value maps, per
    target the header-word patterns that rule it out or make it a second choice, and two
    indexes for fast matching: synonyms (of four letters or more) by their first four letters,
    and synonyms by each of their one-letter deletions."""

    headers: dict[str, tuple[str, int, str]]
    values: dict[str, dict[str, str]]
    exclude: dict[str, re.Pattern[str]]
    second_choice: dict[str, re.Pattern[str]]
    by_start: dict[str, tuple[str, ...]]
    deletions: dict[str, tuple[str, ...]]


@cache
def synonyms() -> Synonyms:
    """``synonyms.toml`` loaded and normalised once."""
    with SYNONYMS_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    headers: dict[str, tuple[str, int, str]] = {}
    for target, sources in data.items():
        if target in ("values", "exclude", "second_choice"):
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
    by_start: dict[str, list[str]] = {}
    for key in headers:
        if len(key) >= 4:
            by_start.setdefault(key[:4], []).append(key)
    deletions: dict[str, set[str]] = {}
    for key in headers:
        for position in range(len(key)):
            deletions.setdefault(key[:position] + key[position + 1 :], set()).add(key)
    return Synonyms(
        headers,
        values,
        {target: _word_pattern(words) for target, words in data["exclude"].items()},
        {target: _word_pattern(words) for target, words in data["second_choice"].items()},
        {start: tuple(keys) for start, keys in by_start.items()},
        {variant: tuple(sorted(keys)) for variant, keys in deletions.items()},
    )


def _word_pattern(words: list[str]) -> re.Pattern[str]:
    """A pattern finding header words that begin with one of ``words`` or, for words of five
    letters or more, end with it; it runs on :func:`header_words` joined by spaces."""
    folded = sorted({normalise(word) for word in words}, key=len, reverse=True)
    starts = "|".join(map(re.escape, folded))
    ends = "|".join(re.escape(word) for word in folded if len(word) >= 5)
    pattern = f"(?:^| )(?:{starts})"
    return re.compile(f"{pattern}|(?:{ends})(?: |$)" if ends else pattern)


def header_words(column: str) -> str:
    """A header's words, normalised and joined by spaces: ``"OrderID"`` → ``"order id"``."""
    return " ".join(word for word in map(normalise, _WORDS.split(_CAMEL.sub(" ", column))) if word)


@dataclass(frozen=True)
class Suggestion:
    """One source column and the canonical column it maps onto (``None``: not used)."""

    source: str
    target: str | None
    confidence: float = 0.0
    reason: Reason = "none"


@dataclass(frozen=True)
class IdQuestion:
    """The question about the customer number: ``chosen`` is the suggested column (``None``:
    the e-mail address identifies the customer), ``candidates`` the columns to choose from,
    ``email`` the e-mail column that can identify the customer instead (if there is one)."""

    chosen: str | None
    candidates: tuple[str, ...]
    email: str | None


@dataclass(frozen=True)
class Mapping:
    """Source columns → canonical columns, plus what reading the values needs.

    ``columns`` is the shape of the file the mapping was made for (all its columns in order);
    ``decimal``/``dayfirst`` read text that the loader left untyped; ``currency`` and ``locale``
    describe the data set that comes out. ``id_candidates`` are the columns that could be the
    customer number, best first (see :meth:`id_question`).
    """

    entries: tuple[Suggestion, ...]
    table: TableChoice = "auto"
    currency: str = DEFAULT_FACTS.currency
    locale: str = DEFAULT_FACTS.locale
    decimal: str | None = None
    dayfirst: bool | None = None
    columns: tuple[str, ...] = field(default=())
    id_candidates: tuple[str, ...] = field(default=())

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

    def id_question(self) -> IdQuestion | None:
        """What to ask the user about the customer number, or ``None`` when there is no doubt.

        There is doubt when candidate columns exist, the suggested customer number (if any)
        has a confidence below :data:`SURE`, and the user has not decided about it yet.
        """
        if not self.id_candidates:
            return None
        decided = {e.source for e in self.entries if e.reason == "user"}
        chosen = next((e for e in self.entries if e.target == "customer_id"), None)
        if decided & {*self.id_candidates, *([chosen.source] if chosen else [])}:
            return None
        if chosen is not None and chosen.confidence >= SURE:
            return None
        email = self.targets.get("email")
        return IdQuestion(chosen.source if chosen else None, self.id_candidates, email)

    def answer_id(self, source: str | None) -> Mapping:
        """The mapping with the user's answer to :meth:`id_question`: ``source`` is the
        customer number; ``None`` means none of the candidates is (the e-mail address
        identifies the customer)."""
        current = self.targets.get("customer_id")
        asked = {*self.id_candidates, *([current] if current else [])}
        chosen: dict[str, str | None] = {column: None for column in asked}
        if source is not None:
            chosen[source] = "customer_id"
        entries = tuple(
            Suggestion(e.source, chosen[e.source], 1.0, "user") if e.source in chosen else e
            for e in self.entries
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
            data["id_candidates"] = tuple(str(c) for c in data.get("id_candidates", ()))
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
        candidates = tuple(column for column in self.id_candidates if column in columns)
        return replace(self, entries=entries, columns=tuple(columns), id_candidates=candidates)


def _checked_target(target: Any) -> str | None:
    if target is None:
        return None
    if target not in TARGET_TABLE:
        raise ValueError(f"unknown target {target!r}")
    return str(target)


# --- suggestion ---------------------------------------------------------------------------------

Offers = dict[str, tuple[float, Reason, str | None]]
"""Target → (confidence, reason, language of the matched synonym) for one source column."""


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
    the :class:`~kundenmodell.io.LoadedTable`), used for the value evidence; its first
    :data:`SAMPLE_ROWS` rows are looked at. The customer number is judged by its values (see the
    module doc); when it stays unsure, :meth:`Mapping.id_question` says what to ask.
    """
    frame, hints = _sample_frame(sample)
    columns = [str(column) for column in columns]
    allowed = set(allowed_targets(table))
    facts = profile(frame) if frame is not None else None
    where = {name: i for i, name in enumerate(facts.columns)} if facts is not None else {}
    rules = synonyms()
    words = [header_words(column[:MATCHED_HEADER_CHARS]) for column in columns]
    found: list[Offers] = []
    for column, header in zip(columns, words, strict=True):
        offers: Offers = {}
        match = _header_offer(column[:MATCHED_HEADER_CHARS])
        if match is not None:
            offers[match[0]] = match[1:]
        if facts is not None and column in where:
            _value_evidence(facts, where[column], offers, frame)
        for target in [t for t in offers if t in rules.exclude]:
            if rules.exclude[target].search(_INCLUDED_TAX.sub(" ", header)):
                del offers[target]
        for target in [t for t in offers if t in rules.second_choice]:
            if offers[target][1] != "values" and rules.second_choice[target].search(header):
                offers[target] = (_second_choice(offers[target][0]), *offers[target][1:])
        found.append({target: offer for target, offer in offers.items() if target in allowed})
    purchases = "date" in allowed and _has_offer(found, "date") and _has_offer(found, "amount")
    if purchases:  # acquired_at only from a real "customer since" header in a purchase file
        for offers, header in zip(found, words, strict=True):
            offer = offers.get("acquired_at")
            if offer is not None and (
                offer[1] == "values"
                or offer[0] <= _second_choice(1.0)
                or (_RECORD_CREATED.search(header) and not _CUSTOMER_WORDS.search(header))
            ):
                del offers["acquired_at"]
    if "customer_id" in allowed:
        _judge_ids(columns, words, found, facts, where, frame, purchases)
    if facts is not None:
        _filled_first(columns, found, facts, where)
    chosen = _assign(
        [
            (offer[0], index, target, offer[1])
            for index, offers in enumerate(found)
            for target, offer in offers.items()
        ]
    )
    _complete_purchases(chosen, allowed, words)
    languages = Counter(
        offer[2] for offers in found for offer in offers.values() if offer[2] is not None
    )
    candidates = sorted(  # could-be customer numbers not taken for anything else, best first
        (-offers["customer_id"][0], index)
        for index, offers in enumerate(found)
        if "customer_id" in offers and chosen.get(index, ("customer_id",))[0] == "customer_id"
    )
    entries = tuple(
        Suggestion(column, *chosen[index]) if index in chosen else Suggestion(column, None)
        for index, column in enumerate(columns)
    )
    language = languages.most_common(1)[0][0] if languages else "de"
    return Mapping(
        entries=entries,
        table=table,
        currency=currency_for(language, hints.get("currency") or _currency_column(frame, facts)),
        locale=BABEL_LOCALES[language],
        decimal=hints.get("decimal"),
        dayfirst=hints.get("dayfirst"),
        columns=tuple(columns),
        id_candidates=tuple(columns[index] for _, index in candidates),
    )


def _filled_first(
    columns: list[str], found: list[Offers], facts: Profile, where: dict[str, int]
) -> None:
    """A column filled on fewer than :data:`SPARSE` of the rows offers a canonical column below
    any column filled on at least :data:`FILLED` of them that offers it too: an empty ``Phone``
    never takes the phone number from a filled ``Mobile``."""
    rows = max(facts.rows, 1)
    fill = [facts.present[where[column]] / rows if column in where else 1.0 for column in columns]
    for target in {target for offers in found for target in offers}:
        filled = [
            offers[target][0]
            for offers, share in zip(found, fill, strict=True)
            if target in offers and share >= FILLED and offers[target][0] >= MIN_CONFIDENCE
        ]
        if not filled:
            continue
        below = max(MIN_CONFIDENCE, min(filled) - 0.01)
        for offers, share in zip(found, fill, strict=True):
            if target in offers and share < SPARSE and offers[target][0] > below:
                offers[target] = (below, *offers[target][1:])


def _has_offer(found: list[Offers], target: str) -> bool:
    return any(target in offers and offers[target][0] >= MIN_CONFIDENCE for offers in found)


def _second_choice(confidence: float) -> float:
    """A second choice's confidence: just above :data:`MIN_CONFIDENCE`, below any first choice,
    keeping the order among second choices."""
    return round(MIN_CONFIDENCE + (max(confidence, MIN_CONFIDENCE) - MIN_CONFIDENCE) * 0.1, 3)


def _currency_column(frame: pd.DataFrame | None, facts: Profile | None) -> str | None:
    """The currency named in a column of ISO codes (Shopify's ``Currency``), if there is one."""
    if frame is None or facts is None:
        return None
    columns = np.flatnonzero(facts.shares["currency"] >= 0.9)
    if not len(columns):
        return None
    codes = frame.iloc[:, int(columns[0])].dropna().astype("str").str.strip().str.upper()
    return str(codes.mode().iloc[0])


def _sample_frame(sample: Any) -> tuple[pd.DataFrame | None, dict[str, Any]]:
    """The rows looked at: the first :data:`SAMPLE_ROWS`, fewer for very wide files (at most
    :data:`SAMPLE_CELLS` cells, at least 100 rows), plus the reader's hints."""
    if sample is None:
        return None, {}
    frame = sample if isinstance(sample, pd.DataFrame) else sample.frame
    rows = min(SAMPLE_ROWS, max(100, SAMPLE_CELLS // max(len(frame.columns), 1)))
    if len(frame) > rows:
        frame = frame.head(rows)
    if isinstance(sample, pd.DataFrame):
        return frame, {}
    return frame, {
        "currency": sample.currency,
        "decimal": sample.decimal,
        "dayfirst": sample.dayfirst,
    }


def _header_offer(column: str) -> tuple[str, float, Reason, str | None] | None:
    """(target, confidence, reason, language) the header alone suggests, if any."""
    table = synonyms()
    headers = table.headers
    key = normalise(column)
    leaf = normalise(column.rsplit(".", 1)[-1]) if "." in column else key  # "address.zip"
    if key not in headers and leaf in headers:
        target, _, source = headers[leaf]
        return target, 0.9, "header", LANGUAGE_SOURCES.get(source)
    if key in headers:
        target, rank, source = headers[key]
        confidence = round(1.0 - 0.005 * min(rank, 20), 3)
        return target, confidence, "header", LANGUAGE_SOURCES.get(source)
    if not key:
        return None
    inside = [  # synonyms inside the header, found by their first four letters
        synonym
        for start in range(len(key) - 3)
        for synonym in table.by_start.get(key[start : start + 4], ())
        if key.startswith(synonym, start)
    ]
    if inside:
        length = max(map(len, inside))
        _, target, source = max(
            (length, headers[synonym][0], headers[synonym][2])
            for synonym in inside
            if len(synonym) == length
        )
        confidence = 0.8 if length * 2 >= len(key) else 0.6  # "kunde" in a long header
        return target, confidence, "contains", LANGUAGE_SOURCES.get(source)
    close = _near_miss(key)
    if close is None:
        return None
    target, _, source = headers[close]
    return target, 0.6, "similar", LANGUAGE_SOURCES.get(source)


def _near_miss(key: str) -> str | None:
    """The synonym one typo away from ``key`` (a letter more, less, wrong or swapped) with a
    similarity of at least 0.85, found through the synonyms' one-letter deletions."""
    table = synonyms()
    variants = {key, *(key[:i] + key[i + 1 :] for i in range(len(key)))}
    close = {variant for variant in variants if variant in table.headers}
    for variant in variants:
        close.update(table.deletions.get(variant, ()))
    scored = [(difflib.SequenceMatcher(None, key, other).ratio(), other) for other in close]
    scored = [item for item in scored if item[0] >= 0.85]
    return max(scored)[1] if scored else None


def _value_evidence(facts: Profile, i: int, found: Offers, frame: pd.DataFrame) -> None:
    """Add what the values of column ``i`` say; lower (or drop) header guesses they contradict."""
    kind = facts.kind[i]
    if kind == "empty":
        return

    def offer(target: str, confidence: float) -> None:
        if target not in found or found[target][0] < confidence:
            found[target] = (confidence, "values", None)

    if facts.share("email", i) >= 0.8:
        offer("email", 0.95 if "email" in found else 0.9)
    if facts.share("phone", i) >= 0.8 and "phone" not in found:
        offer("phone", 0.6)
    if (
        kind == "integer"
        and facts.on_scale[i] == 1.0  # without a header, every value must be on the scale
        and _is_nps(facts, i)
        and facts.distinct[i] >= 3
        and "nps_score" not in found
    ):
        offer("nps_score", 0.5 if not found else 0.35)
    if kind == "date" and not found:
        offer("date", 0.4)
        offer("acquired_at", 0.3)
    if facts.share("country", i) >= 0.9 and not found:
        offer("country", 0.5)
    if facts.share("company", i) >= COMPANY_SHARE:  # "Olsen AS" in a "Kundenavn" column
        offer("company", 0.9 if found else 0.6)
    for target, (confidence, reason, language) in list(found.items()):
        if reason == "values":
            continue
        factor = _agreement(target, facts, i, frame, reason)
        if factor:
            found[target] = (round(confidence * factor, 3), reason, language)
        else:
            del found[target]


def _is_nps(facts: Profile, i: int) -> bool:
    """Whole numbers from 0 to 10 (nearly all of them) that use more than a 1–5 rating does;
    a few values off the scale are left for the validation to report."""
    low, high = facts.minimum[i], facts.maximum[i]
    rating = low >= 1 and high <= 5
    return bool(facts.on_scale[i] >= 0.5 and not rating)


def _agreement(
    target: str, facts: Profile, i: int, frame: pd.DataFrame, reason: Reason = "header"
) -> float:
    """1 when the values fit ``target``; less when they contradict the header's guess; 0 when
    they rule it out (a 1–5 rating is no NPS, a price no quantity, a JSON list or record no
    value of any column, numbers under a header that only contains a text column's synonym no
    category or other text: ``line_items`` counts items)."""
    kind = facts.kind[i]
    is_text = kind == "text"
    if facts.share("structured", i) >= 0.5:
        return 0.0  # a list or record spelt as JSON is no single value of any column
    if target in _PERSON_NAMES and facts.share("company", i) >= COMPANY_SHARE:
        return 0.5  # company names under a name header: the company, rather
    if target == "email":
        return 1.0 if facts.share("email", i) >= 0.5 else 0.5
    if target == "nps_score" and kind in ("integer", "number"):
        return 1.0 if _is_nps(facts, i) else 0.0
    if target == "quantity" and kind in ("integer", "number"):
        small = kind == "integer" and facts.minimum[i] >= 0 and facts.maximum[i] <= 10_000
        return 1.0 if small else 0.0
    column_kind = _column_kind(target)
    if column_kind == "date" and is_text:
        return 1.0 if facts.share("date", i) >= 0.5 else 0.5
    if column_kind in ("integer", "number") and is_text:
        return 1.0 if facts.share("number", i) >= 0.5 else 0.5
    if column_kind == "category" and value_map(target):
        return 1.0 if _known_share(frame.iloc[:, i], target) >= 0.5 else 0.3
    if target in _NAMES:
        named = is_text and facts.share("digits", i) <= 0.5
        return 1.0 if named else 0.25 if target in _PERSON_NAMES else 0.5
    if column_kind in ("text", "category") and kind in ("integer", "number"):
        # prices are no product category; codes can be, under a header that names one
        return 0.0 if reason != "header" and target not in _DIGIT_TEXT else 0.5
    return 1.0


def _known_share(values: pd.Series, target: str) -> float:
    """The share of values the value synonyms of ``target`` know (each distinct value once)."""
    counts = values.dropna().astype("str").str.strip().value_counts()
    if counts.empty:
        return 0.0
    known = value_map(target)
    hits = np.fromiter((normalise(value) in known for value in counts.index), dtype=bool)
    return float(counts.to_numpy()[hits].sum() / counts.sum())


_KINDS = {
    column.name: column.kind for schema in (TRANSACTIONS, CUSTOMERS) for column in schema.columns
}


def _column_kind(target: str) -> str:
    return _KINDS[target]


# --- the customer number --------------------------------------------------------------------------

FALLBACK_IDS = 5
"""How many header-less columns are judged as a customer number at most (best first)."""
REPEATED_ROWS = 0.1
"""Repeats on fewer rows than this share are no evidence of how an id behaves."""
UNIQUE_ROWS = 10
"""An id needs this many rows without a repeat to count as one per row."""
ASKED_ONLY = 0.25
"""The confidence of a customer-number candidate that is asked about but never chosen (below
:data:`MIN_CONFIDENCE`): in a customer list whose e-mail addresses identify the customers,
several columns of numbers without an id-like header (Mailchimp's ``LEID`` and ``EUID``) are
the system's own ids; which one, if any, is the customer number is asked, none assumed."""


def _judge_ids(
    columns: list[str],
    words: list[str],
    found: list[Offers],
    facts: Profile | None,
    where: dict[str, int],
    frame: pd.DataFrame | None,
    purchases: bool,
) -> None:
    """Set every column's ``customer_id`` confidence from how its values behave.

    Columns the header names a customer number are judged; so are, without such a header, the
    complete text or whole-number columns that nothing else claims and that look like numbers
    (unique in a customer file, repeating in a purchase file), best :data:`FALLBACK_IDS` only.
    A column of phone numbers is the customer number only when nothing else can be: no e-mail
    address and no other candidate.
    """
    if facts is None or frame is None:
        return
    person = _person_column(facts)
    rows = max(facts.rows, 1)
    exclude = synonyms().exclude["customer_id"]
    fallback: list[tuple[float, int]] = []
    for index, column in enumerate(columns):
        if "customer_id" in found[index] or column not in where:
            continue
        i = where[column]
        claimed = any(offer[0] >= MIN_CONFIDENCE for offer in found[index].values())
        if claimed or facts.present[i] < rows or exclude.search(words[index]):
            continue
        looks_like_number = facts.kind[i] == "integer" or (
            facts.kind[i] == "text" and facts.share("digits", i) >= 0.9
        )
        unique = facts.distinct[i] == facts.present[i]
        if looks_like_number and facts.rows >= 2 and unique != purchases:
            confidence = 0.5 if _ID_WORDS.search(column.casefold()) else 0.35
            fallback.append((-confidence, index))
    for negative, index in sorted(fallback)[:FALLBACK_IDS]:
        found[index]["customer_id"] = (-negative, "values", None)
    for index, column in enumerate(columns):
        if "customer_id" not in found[index] or column not in where:
            continue
        confidence, reason, language = found[index]["customer_id"]
        named = reason in ("header", "contains", "user")
        judged = _id_confidence(confidence, facts, where[column], frame, person, purchases, named)
        if judged is None or judged < MIN_CONFIDENCE:
            del found[index]["customer_id"]
        else:
            found[index]["customer_id"] = (round(judged, 3), reason, language)
    if purchases:
        _repeated_first(columns, found, facts, where, frame)
    elif person is not None and facts.share("email", person) >= 0.8:
        bare = [  # numbers that only their values offer, without an id-like header
            index for _, index in fallback if found[index].get("customer_id", (1.0,))[0] < 0.5
        ]
        if len(bare) >= 2:  # several beside the e-mail addresses: asked, none assumed
            for index in bare:
                found[index]["customer_id"] = (ASKED_ONLY, *found[index]["customer_id"][1:])
    if _has_offer(found, "customer_id") or _has_offer(found, "email"):
        return
    phones = [  # nothing else identifies the customer: the phone number does
        (facts.share("phone", where[column]), -index)
        for index, column in enumerate(columns)
        if column in where and facts.share("phone", where[column]) >= 0.8
    ]
    if phones:
        index = -max(phones)[1]
        found[index].pop("phone", None)
        found[index]["customer_id"] = (0.4, "values", None)


def _repeated_first(
    columns: list[str],
    found: list[Offers],
    facts: Profile,
    where: dict[str, int],
    frame: pd.DataFrame,
) -> None:
    """In a purchase file, an id that never repeats (a deal or order number, whatever its
    header says) ranks below an id that repeats for repeat buyers on at least
    :data:`REPEATED_ROWS` of the rows: that one is the customer. The repeating column must look
    like an id by its header (a customer-number synonym or an id word, confidence 0.5 or more):
    a year or a branch number repeats too."""
    repeated, unique = [], []
    for index, column in enumerate(columns):
        offer = found[index].get("customer_id")
        if offer is None or offer[0] < MIN_CONFIDENCE or column not in where:
            continue
        i = where[column]
        counts = frame.iloc[:, i].dropna().astype("str").value_counts()
        if len(counts) == 0:
            continue
        if len(counts) == facts.present[i] and facts.present[i] >= UNIQUE_ROWS:
            unique.append(index)
        elif offer[0] >= 0.5 and counts[counts > 1].sum() >= REPEATED_ROWS * facts.present[i]:
            repeated.append(offer[0])
    if not repeated:
        return
    below = max(MIN_CONFIDENCE, max(repeated) - 0.05)
    for index in unique:
        offer = found[index]["customer_id"]
        found[index]["customer_id"] = (min(offer[0], below), *offer[1:])


def _person_column(facts: Profile) -> int | None:
    """The column of e-mail addresses (else of phone numbers) that tells one person's rows."""
    for shape in ("email", "phone"):
        shares = facts.shares[shape]
        if len(shares) and shares.max() >= 0.8:
            return int(shares.argmax())
    return None


def _id_confidence(
    confidence: float,
    facts: Profile,
    i: int,
    frame: pd.DataFrame,
    person: int | None,
    purchases: bool,
    named: bool = False,
) -> float | None:
    """``confidence`` as a customer number after looking at column ``i``'s values; ``None``
    when they rule it out.

    ``named``: the header says customer number; then digits that could be dialled (a padded
    ``0301234567``) rule it out only when most values look like phone numbers.

    Ruled out: dates, decimal numbers, yes/no, mostly empty columns, free text, IP addresses,
    e-mail addresses (the e-mail column identifies the customer then), phone numbers (see
    :func:`_judge_ids`), and ids that give one person (one e-mail address) several numbers.
    Lowered: person names (at most 0.45), gaps, ids shared by several people (an account or
    household number, × 0.7) and, in a purchase file of 20 rows or more, an id that never
    repeats while no e-mail column can show whether it should (at most 0.6).
    """
    kind = facts.kind[i]
    present = facts.present[i] / max(facts.rows, 1)
    if kind == "empty":  # nothing to judge: applying the mapping names the empty column
        return confidence
    if kind not in ("text", "integer") or present < 0.5:
        return None
    if kind == "text" and (
        facts.share("free_text", i) >= 0.3
        or facts.share("ip", i) >= 0.5
        or facts.share("email", i) >= 0.5
        or facts.share("phone", i) >= (0.8 if named else 0.5)
        or facts.share("company", i) >= COMPANY_SHARE
    ):
        return None
    if kind == "text" and facts.share("name", i) >= 0.5:
        confidence = min(confidence, 0.45)
    if present < 0.95:
        confidence *= 0.8
    split, merged = (np.nan, np.nan)
    if person is not None and person != i:
        split, merged = _id_behaviour(frame.iloc[:, i], frame.iloc[:, person])
    if split >= 0.5:
        return None
    if merged >= 0.5:
        confidence *= 0.7
    never_repeats = facts.distinct[i] == facts.present[i]
    if purchases and never_repeats and facts.present[i] >= 20 and np.isnan(split):
        confidence = min(confidence, 0.6)
    return confidence


def _id_behaviour(ids: pd.Series, people: pd.Series) -> tuple[float, float]:
    """How ``ids`` behave against the person each row belongs to (``people``: e-mail addresses).

    Returns (split, merged): the share of people seen on several rows who carry more than one
    id (an order or line number does that), and the share of ids seen on several rows that
    carry more than one person (an account or household number does that); NaN without repeats.
    """
    both = ids.notna().to_numpy() & people.notna().to_numpy()
    person_codes, _ = pd.factorize(people[both].astype("str").str.strip().str.casefold())
    id_codes, _ = pd.factorize(ids[both].astype("str").str.strip())
    pairs = np.unique(np.stack([person_codes, id_codes]), axis=1)
    return (
        _share_with_several(person_codes, pairs[0]),
        _share_with_several(id_codes, pairs[1]),
    )


def _share_with_several(codes: np.ndarray, paired: np.ndarray) -> float:
    """Among the codes seen on several rows, the share that are paired with several partners.

    NaN when the repeated codes cover less than :data:`REPEATED_ROWS` of the rows: a few
    duplicates in a customer list (one person entered twice) say nothing about the column.
    """
    rows = np.bincount(codes) if len(codes) else np.zeros(0, dtype=np.int64)
    partners = np.bincount(paired, minlength=len(rows))
    repeated = rows > 1
    if rows[repeated].sum() < REPEATED_ROWS * max(len(codes), 1):
        return float("nan")
    return float((partners[repeated] > 1).mean())


# --- assignment ---------------------------------------------------------------------------------


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


def _complete_purchases(
    chosen: dict[int, tuple[str, float, Reason]], allowed: set[str], words: list[str]
) -> None:
    """Purchases need a date and an amount; without both, no purchase column is suggested.

    A date without any purchase column beside it is when the customer came (``acquired_at``),
    a second choice when its header names another moment (a contract start, a confirmation);
    other purchase guesses in a customer file (``Umsatz 2024`` as an amount) are dropped, so the
    suggestion can always be applied as it is.
    """
    targets = {target: index for index, (target, _, _) in chosen.items()}
    purchase_columns = set(TRANSACTIONS.names) - {"customer_id"}
    if {"date", "amount"} <= set(targets) or not purchase_columns & set(targets):
        return
    later = synonyms().second_choice["acquired_at"]
    for target in purchase_columns & set(targets):
        index = targets[target]
        if target == "date" and "acquired_at" in allowed and "acquired_at" not in targets:
            _, confidence, reason = chosen[index]
            confidence = min(confidence, 0.5)
            if later.search(words[index]):
                confidence = _second_choice(confidence)
            chosen[index] = ("acquired_at", confidence, reason)
        else:
            del chosen[index]


def value_map(column: str) -> dict[str, str]:
    """Normalised category value → canonical value for ``column`` (empty for free text)."""
    return synonyms().values.get(column, {})
