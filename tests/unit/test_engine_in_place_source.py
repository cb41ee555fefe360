"""A connected source analysed where it lies (:mod:`kundenmodell.engine.in_place`): the mapped
tables give the same overview as reading the source into memory, and the sample the other pages
use holds whole customers, reproducibly.

The source is a DuckDB file written here with SQL, not by kundenmodell.synth: text customer
numbers with stray blanks and missing markers, purchases of customers the customer table lacks,
German amounts as text ("1.234,50"), dates as ``dd.mm.yyyy`` text with a few that are no date.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from kundenmodell import io
from kundenmodell.engine.connect import Pick, read_connected
from kundenmodell.engine.in_place import connect_in_place
from kundenmodell.segments.in_place import segment_report_in_place
from kundenmodell.segments.report import segment_report
from tests.picks import pick_tables
from tests.unit.report_equality import assert_same_report

CUSTOMERS = 500


def _messy_shop(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute(
        f"""create table Kundenstamm as
        select case when i % 97 = 0 then '  KD-' || i || ' ' else 'KD-' || i end as Kundennr,
               case when i % 3 = 0 then 'Firma' else 'Privat' end as Kundentyp,
               (i * 7) % 11 as Empfehlung
        from range(1, {CUSTOMERS + 1}) t(i)"""
    )
    con.execute(
        f"""create table Umsaetze as
        select case when j % 211 = 0 then 'n/a'
                    when j % 223 = 0 then 'KD-' || ({CUSTOMERS} + 1 + j % 5)
                    else 'KD-' || (1 + (j * 7919) % {CUSTOMERS}) end as Kundennr,
               case when j % 401 = 0 then '31.02.2024'
                    else strftime(DATE '2022-01-01' + ((j * 37) % 900)::INTEGER, '%d.%m.%Y')
               end as Belegdatum,
               replace(replace(replace(printf('%,.2f', ((j * 131) % 900000) / 100.0 + 1),
                       ',', '#'), '.', ','), '#', '.') as Betrag
        from range(1, 4001) t(j)"""
    )
    con.close()
    return path


@pytest.fixture(scope="module")
def picks(tmp_path_factory) -> dict[str, Pick]:
    path = _messy_shop(tmp_path_factory.mktemp("shop") / "umsatz.duckdb")
    result = pick_tables(path, {"customers": "Kundenstamm", "transactions": "Umsaetze"})
    assert result["transactions"].mapping.targets == {
        "customer_id": "Kundennr",
        "date": "Belegdatum",
        "amount": "Betrag",
    }
    return result


def _whole(picks: dict[str, Pick]):
    return read_connected(
        picks["customers"], picks["transactions"], name="umsatz", currency="EUR"
    ).to_dataset()


def test_the_overview_in_place_equals_the_overview_of_the_data_read_into_memory(picks):
    source, _ = connect_in_place(
        picks["customers"], picks["transactions"], name="umsatz", currency="EUR", sample=50
    )
    assert_same_report(segment_report(_whole(picks)), segment_report_in_place(source.tables()))


def test_the_sample_holds_whole_customers_and_is_drawn_the_same_way_again(picks):
    source, connected = connect_in_place(
        picks["customers"], picks["transactions"], name="umsatz", currency="EUR", sample=120
    )
    whole = _whole(picks)
    assert source.rows == {"customers": CUSTOMERS, "transactions": 4000}
    assert connected.rows == source.rows  # the report names the source's size
    assert source.sampled and source.sample_customers == 120
    sample = connected.to_dataset()
    ids = set(sample.customers["customer_id"])
    assert len(ids) == 120 and ids <= set(whole.customers["customer_id"])
    assert "KD-97" in set(whole.customers["customer_id"])  # blanks trimmed as in memory
    theirs = whole.transactions[whole.transactions["customer_id"].isin(ids)]
    assert len(sample.transactions) == len(theirs)  # every purchase of a sampled customer
    assert sample.revenue == pytest.approx(float(pd.to_numeric(theirs["amount"]).sum()), rel=1e-12)
    again = connect_in_place(
        picks["customers"], picks["transactions"], name="umsatz", currency="EUR", sample=120
    )[1].to_dataset()
    assert set(again.customers["customer_id"]) == ids
    other = connect_in_place(
        picks["customers"], picks["transactions"], name="x", currency="EUR", sample=120, seed=1
    )[1].to_dataset()
    assert set(other.customers["customer_id"]) != ids


def test_a_sample_larger_than_the_source_is_the_whole_source(picks):
    source, connected = connect_in_place(
        picks["customers"], picks["transactions"], name="umsatz", currency="EUR"
    )
    whole = _whole(picks)
    assert not source.sampled and source.sample_customers == CUSTOMERS
    # purchases of customers the customer table lacks are not any sampled customer's
    known = whole.transactions["customer_id"].isin(set(whole.customers["customer_id"]))
    assert len(connected.to_dataset().transactions) == int(known.sum())
    report = io.validate_upload(connected.mapped)
    assert any(f.issue.key == "validation.not_a_date" for f in report.findings)
