"""Write the format-version-1 workspace fixture (run once; the files are committed).

Version 1 was the first draft of the store format: dataset fields flat in the manifest, a plain
list of tables stored as ``<table>.parquet`` beside it, no checksums, page state under
``"state"``. The fixture is a small workspace in that layout, both as a store directory
(``v1_home/``) and as an export zip (``kurs_2024_v1.zip``); ``test_store_migration.py`` opens
both with the current code.

    PYTHONPATH=. .venv/bin/python tests/data/store/make_v1_fixture.py
"""

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from kundenmodell.synth import generate

HERE = Path(__file__).resolve().parent
NAME = "Kurs 2024"
# Folder naming was the same in version 1: slug + first 8 hex digits of SHA-256(casefolded name).
DIRECTORY = "kurs-2024-" + hashlib.sha256(NAME.casefold().encode()).hexdigest()[:8]


def main() -> None:
    data = generate(40, locale="de_DE", seed=3)
    customers = data.customers[["customer_id", "first_name", "status", "customer_type", "city"]]
    transactions = data.transactions[["customer_id", "date", "amount", "category"]]
    manifest = {
        "format": "kundenmodell-workspace",
        "format_version": 1,
        "name": NAME,
        "saved_at": "2024-11-05T16:20:00",
        "dataset_name": "Schulung Kundenwert",
        "source": "synthetic",
        "currency": "EUR",
        "locale": "de_DE",
        "created": "2024-11-05T16:00:00",
        "tables": ["customers", "transactions"],
        "state": {"personas": {"selected": "family", "notes": "Familien zuerst"}},
    }
    revision = HERE / "v1_home" / DIRECTORY / "r000001"
    shutil.rmtree(HERE / "v1_home", ignore_errors=True)
    revision.mkdir(parents=True)
    (revision.parent / "CURRENT").write_text("r000001", encoding="ascii")
    (revision / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    for table, frame in (("customers", customers), ("transactions", transactions)):
        pq.write_table(
            pa.Table.from_pandas(frame, preserve_index=False), revision / f"{table}.parquet"
        )
    with zipfile.ZipFile(HERE / "kurs_2024_v1.zip", "w") as archive:
        for file in sorted(revision.iterdir()):
            archive.write(file, file.name)
    print(
        f"customers: {len(customers)}, purchases: {len(transactions)}, "
        f"revenue: {transactions['amount'].sum():.2f}"
    )


if __name__ == "__main__":
    main()
