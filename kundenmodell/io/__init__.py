"""Getting real customer files into the workbench: read, map, check, minimise, export.

The flow of an upload, each step usable on its own in a notebook::

    loaded = io.read_table("kunden.csv")              # any CSV/TSV/xlsx/Parquet/JSON lines
    mapping = io.suggest_mapping(loaded.frame.columns, "auto", loaded)
    mapping.id_question()                             # unsure of the customer number? ask:
    mapping = mapping.answer_id("Kundennummer")       # (or None: the e-mail identifies)
    mapped = io.map_table(loaded.frame, mapping, **loaded.mapping_options)
    report = io.validate_upload(mapped)               # findings with the file's row numbers
    mapped = mapped.without(report.masks(report.droppable))   # if the user wants that
    data = io.minimise(mapped.to_dataset(), "drop")   # keep only what the analysis needs
                                                      # (identifiers found by their values too)

``load_table`` and ``apply_mapping`` are the one-call versions; ``to_csv_bytes`` writes any
table back in the user's spreadsheet dialect, safe against formula injection.
``read_table_guarded`` reads in a worker process, so that a file that crashes or floods a C
library cannot stop a shared server.
"""

from kundenmodell.csvio import to_csv_bytes
from kundenmodell.io.export import to_xlsx_bytes
from kundenmodell.io.guard import read_table_guarded, sheet_names_guarded, start_workers
from kundenmodell.io.mapping import IdQuestion, Mapping, Suggestion, suggest_mapping
from kundenmodell.io.prepare import Mapped, apply_mapping, map_table
from kundenmodell.io.privacy import PRIVACY_CHOICES, Privacy, minimise, new_key, pseudonymise
from kundenmodell.io.read import LoadedTable, load_table, read_table, sheet_names
from kundenmodell.io.report import UploadReport, validate_upload
from kundenmodell.io.source import DEFAULT_MAX_BYTES

__all__ = [
    "DEFAULT_MAX_BYTES",
    "PRIVACY_CHOICES",
    "IdQuestion",
    "LoadedTable",
    "Mapped",
    "Mapping",
    "Privacy",
    "Suggestion",
    "UploadReport",
    "apply_mapping",
    "load_table",
    "map_table",
    "minimise",
    "new_key",
    "pseudonymise",
    "read_table",
    "read_table_guarded",
    "sheet_names",
    "sheet_names_guarded",
    "start_workers",
    "suggest_mapping",
    "to_csv_bytes",
    "to_xlsx_bytes",
    "validate_upload",
]
