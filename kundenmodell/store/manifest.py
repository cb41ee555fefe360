"""The workspace manifest: what a saved workspace contains, its format version and migrations.

A workspace revision is a directory (or, exported, a zip file) holding ``manifest.json`` and one
Parquet file per table. The manifest is the only thing that is read before any table, so every
check that can refuse a file that is not ours happens here, on a few kilobytes of JSON.

Format version 2 (current)::

    {"format": "kundenmodell-workspace", "format_version": 2,
     "name": "Kurs März", "revision": 3, "saved_at": "2025-03-01T10:00:00",
     "app_version": "0.1.0",
     "dataset": null | {"name": ..., "source": ..., "currency": ..., "locale": ...,
                        "created": "<ISO date-time>", "truth_params": {...} | null},
     "tables": {"customers": {"file": "tables/customers.parquet", "rows": 1000,
                              "bytes": 81234, "sha256": "<hex>", "dtypes": {...}}, ...},
     "sections": {"personas": {...}, "scenarios": {...}},
     "parts": {"settings": {...}, "mapping": {...}}}

Format version 1 (the first draft, kept readable): flat dataset fields at the top level, a
plain list of table names stored as ``<table>.parquet`` beside the manifest, no checksums, and
the page state under ``"state"``. :data:`MIGRATIONS` turns each version into the next one, so
adding version 3 means adding one function ``_v2_to_v3`` and raising :data:`FORMAT_VERSION`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

from kundenmodell.errors import DataError

FORMAT = "kundenmodell-workspace"
FORMAT_VERSION = 2
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
TABLES = ("customers", "transactions", "interactions", "truth")
SOURCES = ("synthetic", "sample", "upload", "workspace")
_SAFE_FILE = re.compile(r"^(tables/)?[a-z_]+\.parquet$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _v1_to_v2(old: dict[str, Any]) -> dict[str, Any]:
    """Version 1 → 2: nest the dataset fields, describe each table, rename ``state``."""
    names = old.get("tables")
    if not isinstance(names, list):
        raise DataError("error.store.bad_manifest", field="tables")
    has_data = "customers" in names
    return {
        "format": FORMAT,
        "format_version": 2,
        "name": old.get("name"),
        "revision": 1,
        "saved_at": old.get("saved_at"),
        "app_version": "unknown",
        "dataset": (
            {
                "name": old.get("dataset_name"),
                "source": old.get("source"),
                "currency": old.get("currency"),
                "locale": old.get("locale"),
                "created": old.get("created"),
                "truth_params": None,
            }
            if has_data
            else None
        ),
        "tables": {
            name: {"file": f"{name}.parquet", "rows": None, "bytes": None, "sha256": None}
            for name in names
        },
        "sections": old.get("state", {}),
        "parts": {},
    }


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}
"""``MIGRATIONS[n]`` turns a version-``n`` manifest into a version-``n + 1`` manifest."""


def parse(raw: bytes) -> dict[str, Any]:
    """Read manifest bytes, refuse what is not ours, migrate to the current version, validate."""
    if len(raw) > MAX_MANIFEST_BYTES:
        raise DataError("error.store.too_large")
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise DataError("error.store.foreign") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise DataError("error.store.foreign")
    return validate(migrate(manifest))


def migrate(manifest: dict[str, Any]) -> dict[str, Any]:
    """Bring a manifest of any known version to :data:`FORMAT_VERSION`, one step at a time."""
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DataError("error.store.bad_manifest", field="format_version")
    if version > FORMAT_VERSION:
        raise DataError("error.store.newer_version", version=version, supported=FORMAT_VERSION)
    while version < FORMAT_VERSION:
        manifest = MIGRATIONS[version](manifest)
        version = manifest["format_version"]
    return manifest


def _require(condition: bool, field: str) -> None:
    if not condition:
        raise DataError("error.store.bad_manifest", field=field)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_timestamp(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def validate(manifest: dict[str, Any]) -> dict[str, Any]:
    """Check every field of a current-version manifest; raise ``error.store.bad_manifest``
    naming the first field that is missing or of the wrong kind."""
    _require(manifest.get("format_version") == FORMAT_VERSION, "format_version")
    _require(isinstance(manifest.get("name"), str) and bool(manifest["name"].strip()), "name")
    _require(_is_int(manifest.get("revision")) and manifest["revision"] >= 1, "revision")
    _require(_is_timestamp(manifest.get("saved_at")), "saved_at")
    _require(isinstance(manifest.get("sections"), dict), "sections")
    for section, values in manifest["sections"].items():
        _require(isinstance(values, dict), f"sections/{section}")
    _require(isinstance(manifest.get("parts"), dict), "parts")
    tables = manifest.get("tables")
    _require(isinstance(tables, dict), "tables")
    for name, entry in tables.items():
        _validate_table(name, entry)
    dataset = manifest.get("dataset")
    if dataset is None:
        _require(not tables, "tables")
        return manifest
    _require(isinstance(dataset, dict), "dataset")
    for field in ("name", "currency", "locale"):
        _require(isinstance(dataset.get(field), str), f"dataset/{field}")
    _require(dataset.get("source") in SOURCES, "dataset/source")
    _require(_is_timestamp(dataset.get("created")), "dataset/created")
    _require(isinstance(dataset.get("truth_params"), dict | None), "dataset/truth_params")
    _require("customers" in tables, "tables/customers")
    return manifest


def _validate_table(name: Any, entry: Any) -> None:
    where = f"tables/{name}"
    _require(name in TABLES and isinstance(entry, dict), where)
    file = entry.get("file")
    _require(isinstance(file, str) and bool(_SAFE_FILE.match(file)), f"{where}/file")
    _require(file.rsplit("/", 1)[-1] == f"{name}.parquet", f"{where}/file")
    for field in ("rows", "bytes"):
        value = entry.get(field)
        _require(value is None or (_is_int(value) and value >= 0), f"{where}/{field}")
    sha256 = entry.get("sha256")
    _require(sha256 is None or (isinstance(sha256, str) and bool(_SHA256.match(sha256))), where)
    dtypes = entry.get("dtypes")
    _require(dtypes is None or isinstance(dtypes, dict), f"{where}/dtypes")


def to_json(manifest: dict[str, Any]) -> bytes:
    """The manifest as UTF-8 JSON; values must be plain JSON types (no NaN, no dates)."""
    return json.dumps(manifest, ensure_ascii=False, indent=1, allow_nan=False).encode("utf-8")


def check_json(value: Any, part: str) -> Any:
    """``value`` unchanged when it is plain JSON; ``error.store.not_json`` naming ``part``
    otherwise (a date, a NaN, a numpy number or a set cannot be saved as it is)."""
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        raise DataError("error.store.not_json", part=part) from None
    return value
