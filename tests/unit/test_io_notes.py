"""Read notes travel from the reading through the mapping into the validation report."""

import dataclasses

import numpy as np

from kundenmodell import io
from kundenmodell.io.notes import FILE_TABLE, ReadNote


def _loaded_with_notes() -> io.LoadedTable:
    loaded = io.read_table(b"Kundennummer;Umsatz;Datum\n7;12,50;01.02.2024\n8;3,00;02.02.2024\n")
    note = ReadNote.about_rows(
        "validation.not_a_number", [5, 9], source="Umsatz", examples=["Summe"]
    )
    return dataclasses.replace(loaded, notes=(note,), file_rows=np.array([2, 4]))


def test_a_note_reaches_the_report_with_the_mapped_column_and_file_rows():
    loaded = _loaded_with_notes()
    mapping = io.suggest_mapping(loaded.frame.columns, "auto", loaded)
    mapped = io.map_table(loaded.frame, mapping, **loaded.mapping_options)
    report = io.validate_upload(mapped)
    notes = [f.issue for f in report.findings if f.issue.table == FILE_TABLE]
    assert len(notes) == 1
    assert notes[0].column == "amount"  # the canonical column "Umsatz" was mapped onto
    assert notes[0].row_numbers == (5, 9) and notes[0].rows == 2
    assert notes[0].examples == ("Summe",)
    frame = report.to_frame("de")
    row = frame[frame["table"] == "Datei"].iloc[0]
    assert row["column"] == "Betrag" and row["row_numbers"] == "5, 9"
    assert list(mapped.rows["transactions"]) == [2, 4]  # file_rows, not first_row + i


def test_a_note_about_an_unmapped_column_names_it_as_written():
    loaded = _loaded_with_notes()
    loaded = dataclasses.replace(
        loaded, notes=(ReadNote("validation.not_a_number", source="Bemerkung"),)
    )
    mapping = io.suggest_mapping(loaded.frame.columns, "auto", loaded)
    mapped = io.map_table(loaded.frame, mapping, **loaded.mapping_options)
    frame = io.validate_upload(mapped).to_frame("en")
    assert frame[frame["table"] == "File"]["column"].tolist() == ["Bemerkung"]
    assert loaded.row_numbers([1]).tolist() == [4]
