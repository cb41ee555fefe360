"""Write the ingest corpus: real-shaped exports as German Excel, Norwegian Excel, HubSpot,
Shopify, Salesforce and others save them.

Run from the repository root: ``.venv/bin/python tests/data/ingest/make_files.py``. The files are
committed; this script documents byte for byte how each was made (encoding, separator, line
ends, quoting), and ``tests/unit/test_io_ingest.py`` asserts the values they must parse to.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent

# German customers as a German Excel writes "CSV (Trennzeichen-getrennt)": Windows-1252, ";",
# CRLF, decimal comma with thousands dots, 31.12.2024 dates, a trailing ";" for an empty last
# column, quotes only where a value holds a ";".
GERMAN_HEADER = [
    "Kunden-Nr.",
    "Anrede",
    "Vorname",
    "Nachname",
    "E-Mail-Adresse",
    "Telefon",
    "PLZ",
    "Ort",
    "Geburtsdatum",
    "Kunde seit",
    "Jahreseinkommen",
    "Weiterempfehlung",
    "Kundentyp",
    "Bemerkung",
]
GERMAN_ROWS = [
    [
        "10001",
        "Herr",
        "Jürgen",
        "Müller",
        "juergen.mueller@web.de",
        "0351 4711-0",
        "01067",
        "Dresden",
        "03.02.1968",
        "15.03.2021",
        "54.300,00",
        "9",
        "Privatkunde",
        "",
    ],
    [
        "10002",
        "Frau",
        "Özlem",
        "Schäfer",
        "oezlem.schaefer@gmx.de",
        "+49 89 1234567",
        "80331",
        "München",
        "29.02.1984",
        "01.07.2022",
        "61.250,50",
        "10",
        "Privatkunde",
        "Stammkundin",
    ],
    [
        "10003",
        "Frau",
        "Anne-Kathrin",
        "Weiß",
        "ak.weiss@firma-weiss.de",
        "030 9876543",
        "10115",
        "Berlin",
        "17.11.1975",
        "30.09.2020",
        "",
        "6",
        "Firmenkunde",
        "Rechnung; per Post",
    ],
    [
        "10004",
        "Herr",
        "Björn",
        "Groß",
        "bjoern.gross@t-online.de",
        "",
        "50667",
        "Köln",
        "",
        "02.01.2024",
        "38.900,00",
        "",
        "Privatkunde",
        "",
    ],
    [
        "10005",
        "Divers",
        "Sascha",
        "Öztürk",
        "sascha.oeztuerk@posteo.de",
        "0711 555123",
        "70173",
        "Stuttgart",
        "05.05.1990",
        "12.12.2023",
        "1.234,56",
        "7",
        "Privatkunde",
        "",
    ],
]


def _german_lines() -> list[str]:
    lines = [";".join(GERMAN_HEADER) + ";"]
    for row in GERMAN_ROWS:
        cells = [f'"{cell}"' if ";" in cell else cell for cell in row]
        lines.append(";".join(cells) + ";")
    return lines


def german_excel_cp1252() -> bytes:
    return ("\r\n".join(_german_lines()) + "\r\n").encode("cp1252")


def german_excel_utf8_bom() -> bytes:
    return ("\r\n".join(_german_lines()) + "\r\n").encode("utf-8-sig")


def excel_unicode_text() -> bytes:
    """Excel's "Unicode-Text (*.txt)": UTF-16 LE with BOM, tab-separated, CRLF."""
    lines = ["\t".join(GERMAN_HEADER)] + [
        "\t".join(cell.replace(";", ",") for cell in row) for row in GERMAN_ROWS
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-16")


def norwegian() -> bytes:
    """Norwegian Excel: UTF-8 with BOM, ";", space (NBSP) thousands, decimal comma, kr."""
    lines = [
        "Kundenummer;Fornavn;Etternavn;E-post;Mobil;Postnummer;Poststed;Fødselsdato;"
        "Kunde siden;Kjønn;Årsinntekt",
        "N-001;Åse;Bjørnstad;ase.bjornstad@online.no;+47 912 34 567;0150;Oslo;24.12.1979;"
        "03.04.2023;Kvinne;612\u00a0500 kr",
        "N-002;Ødegård;Hæstad;odegard.haestad@gmail.com;+47 987 65 432;5003;Bergen;"
        "01.06.1988;15.08.2022;Mann;1\u00a0045\u00a0000,50 kr",
        "N-003;Kari;Nordmann;kari@nordmann.no;;9008;Tromsø;;01.01.2024;Kvinne;",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def hubspot_contacts() -> bytes:
    """HubSpot's contact export: UTF-8, ",", every field quoted, ISO timestamps."""
    rows = [
        [
            "Record ID",
            "First Name",
            "Last Name",
            "Email",
            "Phone Number",
            "Lifecycle Stage",
            "Create Date",
            "Company Name",
            "City",
            "Postal Code",
            "Country/Region",
            "Annual Revenue",
        ],
        [
            "501",
            "Grace",
            "Hopper",
            "grace@navy.example",
            "+1 202 555 0101",
            "customer",
            "2023-05-04 09:15",
            "Navy",
            "Arlington",
            "22201",
            "United States",
            "1,250,000.00",
        ],
        [
            "502",
            "Ada",
            "Lovelace",
            "ada@engine.example",
            "+44 20 7946 0000",
            "marketingqualifiedlead",
            "2024-01-31 17:02",
            "",
            "London",
            "SW1A 1AA",
            "United Kingdom",
            "",
        ],
        [
            "503",
            "Alan",
            "Turing",
            "not-an-email",
            "",
            "lead",
            "2024-02-29 08:00",
            "Bletchley, Park & Co",
            "Bletchley",
            "MK3 6EB",
            "United Kingdom",
            "75,000.50",
        ],
    ]
    return ("\n".join(",".join(f'"{cell}"' for cell in row) for row in rows) + "\n").encode()


def shopify_orders() -> bytes:
    """Shopify's order export: one row per line item; order fields only on an order's first
    line; no customer number (the e-mail address identifies the customer); zone offsets."""
    header = [
        "Name",
        "Email",
        "Financial Status",
        "Paid at",
        "Currency",
        "Subtotal",
        "Shipping",
        "Total",
        "Created at",
        "Lineitem quantity",
        "Lineitem name",
        "Lineitem price",
        "Billing Name",
        "Billing City",
        "Billing Zip",
        "Billing Country",
        "Billing Phone",
        "Source",
    ]
    rows = [
        [
            "#1001",
            "Jane.Doe@example.com",
            "paid",
            "2024-03-05 14:23:11 +0100",
            "EUR",
            "59.90",
            "4.90",
            "64.80",
            "2024-03-05 14:20:02 +0100",
            "2",
            "Wool socks, grey",
            "19.95",
            "Jane Doe",
            "Hamburg",
            "20095",
            "DE",
            "+49 40 123456",
            "web",
        ],
        [
            "#1001",
            "jane.doe@example.com",
            "",
            "",
            "",
            "",
            "",
            "",
            "2024-03-05 14:20:02 +0100",
            "1",
            "Scarf",
            "20.00",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            "#1002",
            "max@example.org",
            "paid",
            "2024-03-06 09:01:00 +0100",
            "EUR",
            "120.00",
            "0.00",
            "120.00",
            "2024-03-06 08:59:47 +0100",
            "1",
            "Boots",
            "120.00",
            "Max Mustermann",
            "Bremen",
            "28195",
            "DE",
            "",
            "pos",
        ],
        [
            "#1003",
            "jane.doe@example.com",
            "refunded",
            "2024-04-01 10:00:00 +0200",
            "EUR",
            "-19.95",
            "0.00",
            "-19.95",
            "2024-04-01 09:58:00 +0200",
            "1",
            "Wool socks, grey",
            "-19.95",
            "Jane Doe",
            "Hamburg",
            "20095",
            "DE",
            "+49 40 123456",
            "web",
        ],
    ]

    def cell(value: str) -> str:
        return f'"{value}"' if "," in value else value

    lines = [",".join(header)] + [",".join(cell(value) for value in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def salesforce_contacts() -> bytes:
    """A Salesforce report export: month-first US dates, some only decidable further down."""
    lines = [
        "Contact ID,First Name,Last Name,Email,Birthdate,Created Date,Lead Source",
        "0035g00000AbCdE,Mary,Smith,mary@smith.example,3/5/1980,1/2/2024,Web",
        "0035g00000AbCdF,John,Doe,john@doe.example,11/30/1975,2/1/2024,Partner Referral",
        "0035g00000AbCdG,Li,Wang,li@wang.example,7/4/1990,12/31/2023,Trade Show",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def combined_purchases() -> bytes:
    """One row per purchase with the customer's columns repeated (a shop's order list)."""
    lines = [
        "Kundennummer;Vorname;Nachname;E-Mail;PLZ;Bestelldatum;Betrag;Menge;Warengruppe",
        "K-1;Lena;Krüger;lena.krueger@web.de;24103;02.01.2024;49,90;1;Spielwaren",
        "K-1;Lena;Krüger;lena.krueger@web.de;24103;15.02.2024;1.299,00;1;Elektronik",
        "K-2;Paul;Schröder;paul@schroeder.de;04109;03.01.2024;12,50;3;Bücher",
        "K-1;Lena;Krüger;;24103;20.03.2024;-49,90;1;Spielwaren",
        "K-3;Mia;Wagner;mia.wagner@gmx.de;;05.05.2024;89,00;2;Kleidung",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def purchases_only() -> bytes:
    """Purchases and nothing else: amounts with the euro sign, a date with a time."""
    lines = [
        "Kd.-Nr.;Kaufdatum;Umsatz;Kanal",
        "4711;01.03.2024;12,50 €;Filiale",
        "4712;01.03.2024 12:30;1.050,00 €;Online",
        "4711;09.03.2024;7,99 €;Online",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def quoted_newlines() -> bytes:
    """Notes with line breaks inside quotes, as Excel writes cells with Alt+Enter."""
    lines = [
        "Kundennummer;Name;Notiz;Umsatz",
        '1;Meier;"Ruft nur vormittags an.\r\nBitte nicht vor 9 Uhr.";100,00',
        '2;Schulz;"Sagt: ""Immer per Post""";200,50',
        "3;Becker;;300,00",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def preamble() -> bytes:
    """A title line and an empty line above the header, as some ERP reports start."""
    lines = [
        "Kundenliste Stand 31.12.2024;;;",
        ";;;",
        "Kundennummer;Name;Ort;Umsatz",
        "1;Meier;Hamburg;1.000,00",
        "2;Schulz;Kiel;250,00",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def pipe_separated() -> bytes:
    lines = ["customer_id|email|nps", "A1|a@example.com|9", "A2|b@example.com|3"]
    return ("\n".join(lines) + "\n").encode()


def two_sheet_workbook() -> bytes:
    """An Excel workbook with customers and purchases on two sheets, plus an empty and a
    hidden sheet that must not be offered."""
    workbook = Workbook()
    customers = workbook.active
    customers.title = "Kunden"
    customers.append(["Kundennummer", "Vorname", "Nachname", "PLZ", "Geburtsdatum", "NPS"])
    customers.append([1001, "Jürgen", "Müller", "01067", dt.datetime(1968, 2, 3), 9])
    customers.append([1002, "Özlem", "Schäfer", "80331", dt.datetime(1984, 2, 29), 10])
    customers.append([1003, "Björn", "Groß", "50667", None, 4])
    for row in customers.iter_rows(min_row=2, min_col=5, max_col=5):
        row[0].number_format = "DD.MM.YYYY"
    purchases = workbook.create_sheet("Käufe")
    purchases.append(["Kundennummer", "Datum", "Betrag", "Kategorie"])
    purchases.append([1001, dt.datetime(2024, 1, 2), 49.9, "Spielwaren"])
    purchases.append([1002, dt.datetime(2024, 2, 15), 1299, "Elektronik"])
    purchases.append([1001, dt.datetime(2024, 3, 20), "=C2*2", "Spielwaren"])  # no cached value
    workbook.create_sheet("Notizen")
    hidden = workbook.create_sheet("Hilfstabelle")
    hidden.append(["x", "y"])
    hidden.append([1, 2])
    hidden.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def json_lines() -> bytes:
    records = [
        {
            "customer_id": "J1",
            "email": "j1@example.com",
            "nps": 10,
            "acquired": "2024-01-15",
            "address": {"city": "Oslo", "zip": "0150"},
        },
        {
            "customer_id": "J2",
            "email": "j2@example.com",
            "nps": None,
            "acquired": "2024-02-01",
            "address": {"city": "Bergen", "zip": "5003"},
        },
    ]
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records).encode()


def parquet() -> bytes:
    table = pa.table(
        {
            "Kundennummer": ["P1", "P2", "P3"],
            "Datum": pa.array(
                [dt.datetime(2024, 1, 2), dt.datetime(2024, 1, 3), None], pa.timestamp("ms")
            ),
            "Betrag": [10.5, 20.0, 30.25],
            "PLZ": ["01067", "10115", None],
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


FILES = {
    "kunden_excel_cp1252.csv": german_excel_cp1252,
    "kunden_excel_utf8_bom.csv": german_excel_utf8_bom,
    "kunden_unicode_text.txt": excel_unicode_text,
    "kunder_norsk.csv": norwegian,
    "hubspot_contacts.csv": hubspot_contacts,
    "shopify_orders.csv": shopify_orders,
    "salesforce_contacts.csv": salesforce_contacts,
    "bestellungen_kombiniert.csv": combined_purchases,
    "kaeufe_ohne_kunden.csv": purchases_only,
    "notizen_mit_zeilenumbruch.csv": quoted_newlines,
    "bericht_mit_titelzeile.csv": preamble,
    "pipe_separated.txt": pipe_separated,
    "kunden_und_kaeufe.xlsx": two_sheet_workbook,
    "customers.jsonl": json_lines,
    "kaeufe.parquet": parquet,
}


def main() -> None:
    for name, make in FILES.items():
        (HERE / name).write_bytes(make())
        print(f"wrote {name}")


if __name__ == "__main__":
    main()
