"""A German CRM's DuckDB file, in a structure of its own, through the connect steps.

Written here with pandas (not by kundenmodell.synth): tables ``Kunden`` and ``Bestellungen``,
German headers (``Kundennummer``, ``Bestelldatum``, ``Umsatz brutto``, ``Vertriebsweg``),
dates as ``31.12.2024`` text, amounts with decimal commas as text, status words and an NPS
column with gaps. Browse → suggested mapping → read into memory, and the same picks analysed
in place, must give the same overview and the shop's own revenue.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from kundenmodell.clv import analysis
from kundenmodell.engine.browse import browse, sample_rows
from kundenmodell.engine.connect import Pick, read_connected, suggest
from kundenmodell.engine.in_place import connect_in_place
from kundenmodell.segments.report import segment_report
from tests.unit.report_equality import assert_same_report

CUSTOMERS, ORDERS = 600, 4_000


def _crm(path):
    generator = np.random.default_rng(99)
    customers = pd.DataFrame(
        {
            "Kundennummer": [f"KD-{i:06d}" for i in range(CUSTOMERS)],
            "Vorname": generator.choice(["Anna", "Jens", "Ole"], CUSTOMERS),
            "Ort": generator.choice(["Köln", "Kiel", "Jena"], CUSTOMERS),
            "Kundenstatus": generator.choice(["Kunde", "Interessent", "Kontakt"], CUSTOMERS),
            "Weiterempfehlung (0-10)": pd.array(
                np.where(
                    generator.random(CUSTOMERS) < 0.5, None, generator.integers(0, 11, CUSTOMERS)
                ),
                dtype="Int64",
            ),
        }
    )
    days = pd.to_datetime("2022-01-01") + pd.to_timedelta(generator.integers(0, 1000, ORDERS), "D")
    cents = generator.integers(100, 50_000, ORDERS)
    orders = pd.DataFrame(
        {
            "Bestellnummer": np.arange(ORDERS) + 500_000,
            "Kunde": generator.choice(customers["Kundennummer"][:400], ORDERS),
            "Bestelldatum": days.strftime("%d.%m.%Y"),
            "Umsatz brutto": [f"{c // 100},{c % 100:02d}" for c in cents],
            "Warengruppe": generator.choice(["Garten", "Küche", "Werkzeug"], ORDERS),
            "Vertriebsweg": generator.choice(["Webshop", "Filiale"], ORDERS),
        }
    )
    with duckdb.connect(str(path)) as con:
        con.register("k", customers)
        con.register("b", orders)
        con.execute("CREATE TABLE Kunden AS SELECT * FROM k")
        con.execute("CREATE TABLE Bestellungen AS SELECT * FROM b")
    return int(cents.sum()) / 100, days


@pytest.fixture(scope="module")
def crm(tmp_path_factory):
    path = tmp_path_factory.mktemp("crm") / "crm.duckdb"
    revenue, days = _crm(path)
    source = browse(path)
    picks = {}
    for role in ("customers", "transactions"):
        table = source.tables[source.picked[role]]
        sample = sample_rows(table)
        picks[role] = Pick(table, suggest(role, sample), sample)
    return picks, revenue, days


def test_the_tables_and_columns_are_recognised(crm):
    picks, _, _ = crm
    assert picks["customers"].mapping.targets == {
        "customer_id": "Kundennummer",
        "first_name": "Vorname",
        "city": "Ort",
        "status": "Kundenstatus",
        "nps_score": "Weiterempfehlung (0-10)",
    }
    assert picks["transactions"].mapping.targets == {
        "customer_id": "Kunde",
        "date": "Bestelldatum",
        "amount": "Umsatz brutto",
        "category": "Warengruppe",
        "channel": "Vertriebsweg",
    }


def test_read_and_in_place_give_the_shops_own_figures(crm):
    picks, revenue, days = crm
    connected = read_connected(
        picks["customers"], picks["transactions"], name="crm", currency="EUR"
    )
    data = connected.to_dataset()
    assert connected.mapped.findings == []
    assert data.transactions["amount"].sum() == pytest.approx(revenue)
    assert data.transactions["date"].min() == days.min()
    assert data.transactions["date"].max() == days.max()
    assert set(data.customers["status"]) == {"customer", "prospect", "contact"}
    source, _ = connect_in_place(
        picks["customers"], picks["transactions"], name="crm", currency="EUR"
    )
    in_memory, in_place = segment_report(data), segment_report(source)
    assert_same_report(in_memory, in_place)
    assert in_place.kpis.revenue == pytest.approx(revenue)
    assert in_place.kpis.buyers == data.transactions["customer_id"].nunique()
    fitted, fitted_in_place = analysis.fit_dataset(data), analysis.fit_dataset(source)
    histogram = fitted_in_place.histogram
    assert histogram["customers"].sum() == len(fitted.summary)
    assert (histogram["frequency"] * histogram["customers"]).sum() == fitted.summary[
        "frequency"
    ].sum()
    assert fitted_in_place.bg.log_likelihood_ == pytest.approx(fitted.bg.log_likelihood_, rel=1e-10)
