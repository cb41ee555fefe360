"""Write the real-exports corpus: files shaped byte for byte like the exports of the shop, CRM,
accounting and newsletter systems our users have, each with its truth.

Run from the repository root: ``.venv/bin/python tests/data/ingest_real/make_files.py``. It
writes every file and ``expected.toml`` (the truth) from the same seeded records, without
importing kundenmodell: the truth is what a careful person reads from the file, never what the
reader happens to produce. ``tests/unit/test_io_corpus.py`` runs every file through the upload
pipeline in its own process and compares.

Truth fields per file (``expected.toml``):

- ``system``: the program that writes this export; ``sheet``: the worksheet to read;
- ``customer_id``: the source column a person uses as customer id, or ``"email as id"``;
- ``mapping``: canonical column -> source column, every column a person would map;
- ``unmapped``: source columns that must NOT be mapped (an order number is no customer id, a
  discount no quantity, a fulfilment time no acquisition date, ...);
- ``customers`` / ``purchases`` / ``revenue``: the counts and the amount total after loading;
- ``currency``: where the file states it (a currency column, ``£``, ``kr``);
- ``spots``: values of single customers (``customer`` + ``column``) or of their n-th purchase in
  file order (``customer`` + ``purchase`` + ``column``); dates as ``YYYY-MM-DD`` wall-clock days;
- ``report_rows``: file lines (1-based) that are report rows (titles, totals, footers) and
  ``report_values``: their texts, which must not turn up as a customer id;
- ``clv_finite``: every customer gets a finite CLV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent

FIRST = [
    "Anna",
    "Jürgen",
    "Özlem",
    "Lena",
    "Max",
    "Sophie",
    "Paul",
    "Mia",
    "Jonas",
    "Emma",
    "Lukas",
    "Hannah",
    "Felix",
    "Lea",
    "Noah",
    "Clara",
    "Elias",
    "Marie",
    "Ben",
    "Ida",
]
LAST = [
    "Müller",
    "Schäfer",
    "Weiß",
    "Groß",
    "Öztürk",
    "Becker",
    "Hoffmann",
    "Krüger",
    "Wagner",
    "Schulz",
    "Neumann",
    "Fischer",
    "Zimmermann",
    "Braun",
    "Hartmann",
    "Lange",
    "Werner",
    "Schmitt",
    "Krause",
    "Meier",
]
CITIES = [
    ("01067", "Dresden"),
    ("80331", "München"),
    ("10115", "Berlin"),
    ("50667", "Köln"),
    ("20095", "Hamburg"),
    ("04109", "Leipzig"),
    ("70173", "Stuttgart"),
    ("24103", "Kiel"),
    ("06108", "Halle (Saale)"),
    ("99084", "Erfurt"),
]
UK_FIRST = [
    "Oliver",
    "Amelia",
    "Harry",
    "Isla",
    "George",
    "Ava",
    "Jack",
    "Emily",
    "Charlie",
    "Poppy",
    "Thomas",
    "Grace",
    "James",
    "Sophie",
    "William",
    "Lily",
]
UK_LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "O'Brien",
    "Evans",
    "Thomas",
    "Roberts",
    "Walker",
    "Wright",
    "Clarke",
    "Hughes",
]
UK_TOWNS = [
    ("SW1A 1AA", "London"),
    ("M1 1AE", "Manchester"),
    ("B1 1BB", "Birmingham"),
    ("LS1 4AP", "Leeds"),
    ("EH1 1YZ", "Edinburgh"),
    ("CF10 1EP", "Cardiff"),
    ("BS1 5TR", "Bristol"),
    ("MK3 6EB", "Milton Keynes"),
]
NO_FIRST = ["Åse", "Kari", "Ola", "Ingrid", "Lars", "Sigrid", "Bjørn", "Solveig", "Håkon", "Marit"]
NO_LAST = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Ødegård",
    "Berg",
    "Haugen",
    "Bakke",
    "Sæther",
    "Løvås",
]
NO_TOWNS = [
    ("0150", "Oslo"),
    ("5003", "Bergen"),
    ("7010", "Trondheim"),
    ("9008", "Tromsø"),
    ("4006", "Stavanger"),
    ("0661", "Oslo"),
]

FILES: dict[str, bytes] = {}
TRUTH: dict[str, dict] = {}


# ---------------------------------------------------------------- records and helpers


@dataclass
class Person:
    id: str
    first: str
    last: str
    email: str
    postcode: str
    city: str
    country: str
    phone: str
    company: str = ""
    created: dt.datetime = dt.datetime(2023, 1, 1)


@dataclass
class Order:
    person: Person
    number: str
    when: dt.datetime
    amount: Decimal
    quantity: int = 1
    extra: dict = field(default_factory=dict)


def people(rng: random.Random, n: int, style: str = "de", id_of=None) -> list[Person]:
    first, last, towns, country, domain = {
        "de": (FIRST, LAST, CITIES, "DE", ["web.de", "gmx.de", "t-online.de", "posteo.de"]),
        "uk": (UK_FIRST, UK_LAST, UK_TOWNS, "GB", ["btinternet.com", "gmail.com", "outlook.com"]),
        "no": (NO_FIRST, NO_LAST, NO_TOWNS, "NO", ["online.no", "gmail.com", "hotmail.no"]),
        "us": (
            UK_FIRST,
            UK_LAST,
            [
                ("22201", "Arlington"),
                ("10001", "New York"),
                ("94103", "San Francisco"),
                ("60601", "Chicago"),
            ],
            "US",
            ["gmail.com", "yahoo.com", "example.com"],
        ),
    }[style]
    out = []
    used = set()
    for index in range(n):
        while True:
            f, la = rng.choice(first), rng.choice(last)
            email = f"{_ascii(f)}.{_ascii(la)}{index}@{rng.choice(domain)}".lower().replace("'", "")
            if email not in used:
                used.add(email)
                break
        postcode, city = rng.choice(towns)
        phone = {
            "de": f"+49 {rng.randint(151, 179)} {rng.randint(1000000, 9999999)}",
            "uk": f"07{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
            "no": f"+47 {rng.randint(400, 999)} {rng.randint(10, 99)} {rng.randint(100, 999)}",
            "us": f"({rng.randint(201, 989)}) 555-{rng.randint(1000, 9999)}",
        }[style]
        created = dt.datetime(2022, 1, 3) + dt.timedelta(
            days=rng.randint(0, 600), minutes=rng.randint(0, 1439)
        )
        pid = id_of(index) if id_of else str(10001 + index)
        out.append(Person(pid, f, la, email, postcode, city, country, phone, created=created))
    return out


def _ascii(text: str) -> str:
    for a, b in (
        ("ä", "ae"),
        ("ö", "oe"),
        ("ü", "ue"),
        ("ß", "ss"),
        ("Ä", "Ae"),
        ("Ö", "Oe"),
        ("Ü", "Ue"),
        ("å", "aa"),
        ("ø", "oe"),
        ("æ", "ae"),
        ("Å", "Aa"),
        ("Ø", "Oe"),
    ):
        text = text.replace(a, b)
    return text


def orders(
    rng: random.Random,
    who: list[Person],
    n: int,
    start=dt.datetime(2023, 1, 2),
    days: int = 700,
    low: int = 800,
    high: int = 25000,
    prefix: str = "#",
    first_number: int = 1001,
) -> list[Order]:
    out = []
    for index in range(n):
        person = who[index] if index < len(who) else rng.choice(who)  # everyone buys once
        when = start + dt.timedelta(days=rng.randrange(days), seconds=rng.randrange(86400))
        cents = rng.randint(low, high)
        out.append(
            Order(
                person,
                f"{prefix}{first_number + index}",
                when,
                Decimal(cents) / 100,
                rng.randint(1, 4),
            )
        )
    out.sort(key=lambda o: o.when)
    return out


def de_money(value: Decimal, thousands: str = ".") -> str:
    text = f"{value:,.2f}"
    return text.replace(",", "X").replace(".", ",").replace("X", thousands)


def en_money(value: Decimal, thousands: bool = True) -> str:
    return f"{value:,.2f}" if thousands else f"{value:.2f}"


def csv_bytes(
    header: list[str],
    rows: list[list],
    *,
    delimiter=",",
    quoting=csv.QUOTE_MINIMAL,
    terminator="\r\n",
    encoding="utf-8",
    before: list[str] = (),
    after: list[str] = (),
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=terminator)
    writer.writerow(header)
    writer.writerows(rows)
    text = "".join(line + terminator for line in before) + buffer.getvalue()
    text += "".join(line + terminator for line in after)
    return text.encode(encoding)


def money_total(items: list[Order]) -> float:
    return float(sum((o.amount for o in items), Decimal(0)))


def purchase_truth(items: list[Order], key=lambda o: o.person.id) -> dict:
    return {
        "customers": len({key(o) for o in items}),
        "purchases": len(items),
        "revenue": money_total(items),
    }


def day(value: dt.datetime | dt.date) -> str:
    return value.strftime("%Y-%m-%d")


def nth(items: list[Order], index: int, key=lambda o: o.person.id) -> tuple[str, int]:
    """The customer of ``items[index]`` and which of their purchases (0-based) it is."""
    customer = key(items[index])
    return customer, sum(1 for o in items[:index] if key(o) == customer)


def purchase_spots(
    items: list[Order], indices=(0, -1), key=lambda o: o.person.id, quantity: bool = False
) -> list[dict]:
    spots = []
    for index in indices:
        index = index % len(items)
        customer, which = nth(items, index, key)
        order = items[index]
        spots.append(
            {"customer": customer, "purchase": which, "column": "date", "value": day(order.when)}
        )
        spots.append(
            {
                "customer": customer,
                "purchase": which,
                "column": "amount",
                "value": float(order.amount),
            }
        )
        if quantity:
            spots.append(
                {
                    "customer": customer,
                    "purchase": which,
                    "column": "quantity",
                    "value": order.quantity,
                }
            )
    return spots


def add(name: str, data: bytes, **truth) -> None:
    assert name not in FILES, name
    FILES[name] = data
    TRUTH[name] = truth


def workbook_bytes(
    sheets: dict[str, list[list]], formats: dict[str, dict[int, str]] | None = None
) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for column, number_format in (formats or {}).get(title, {}).items():
            for cells in sheet.iter_rows(min_col=column, max_col=column):
                for cell in cells:
                    if isinstance(cell.value, (int, float, dt.datetime, dt.date)):
                        cell.number_format = number_format
    book.properties.created = book.properties.modified = dt.datetime(2025, 1, 3)
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as saved:  # again with fixed dates: the same bytes each run
        members = {name: saved.read(name) for name in saved.namelist()}
    members["docProps/core.xml"] = re.sub(  # openpyxl stamps the time of saving
        rb"(<dcterms:modified[^>]*>)[^<]*",
        rb"\g<1>2025-01-03T00:00:00Z",
        members["docProps/core.xml"],
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(
                zipfile.ZipInfo(name, (2025, 1, 3, 0, 0, 0)), data, zipfile.ZIP_DEFLATED
            )
    return out.getvalue()


# ---------------------------------------------------------------- Shopify


def shopify() -> None:
    rng = random.Random(101)
    who = people(rng, 9, "de")
    items = orders(rng, who, 16, start=dt.datetime(2024, 1, 3), days=300)
    # a returning customer types her address in capitals once: the same customer
    header = [
        "Name",
        "Email",
        "Financial Status",
        "Paid at",
        "Fulfillment Status",
        "Fulfilled at",
        "Accepts Marketing",
        "Currency",
        "Subtotal",
        "Shipping",
        "Taxes",
        "Total",
        "Discount Code",
        "Discount Amount",
        "Shipping Method",
        "Created at",
        "Lineitem quantity",
        "Lineitem name",
        "Lineitem price",
        "Lineitem compare at price",
        "Lineitem sku",
        "Lineitem requires shipping",
        "Lineitem taxable",
        "Lineitem fulfillment status",
        "Billing Name",
        "Billing Street",
        "Billing Address1",
        "Billing Address2",
        "Billing Company",
        "Billing City",
        "Billing Zip",
        "Billing Province",
        "Billing Country",
        "Billing Phone",
        "Shipping Name",
        "Shipping Street",
        "Shipping Address1",
        "Shipping Address2",
        "Shipping Company",
        "Shipping City",
        "Shipping Zip",
        "Shipping Province",
        "Shipping Country",
        "Shipping Phone",
        "Notes",
        "Note Attributes",
        "Cancelled at",
        "Payment Method",
        "Payment Reference",
        "Refunded Amount",
        "Vendor",
        "Id",
        "Tags",
        "Risk Level",
        "Source",
        "Lineitem discount",
        "Tax 1 Name",
        "Tax 1 Value",
        "Phone",
        "Receipt Number",
        "Duties",
        "Billing Province Name",
        "Shipping Province Name",
        "Payment ID",
        "Payment Terms Name",
        "Next Payment Due At",
        "Payment References",
    ]
    rows = []
    products = [
        ("Wool socks, grey", "SOCK-GR"),
        ("Merino beanie", "BEAN-01"),
        ('Linen shirt "Leo"', "SHIRT-L"),
        ("Gift card", "GIFT-25"),
    ]
    order_id = 5412345678901
    seen: set[str] = set()
    for index, order in enumerate(items):
        p = order.person
        # the first returning customer typed her address capitalised: still the same customer
        email = p.email.capitalize() if p.email in seen and len(seen) < 99 else p.email
        if p.email in seen:
            seen.update(f"done{i}" for i in range(99))
        seen.add(p.email)
        shipping = Decimal("4.90") if order.amount < 50 else Decimal("0.00")
        discount = Decimal("5.00") if index % 5 == 0 else Decimal("0.00")
        subtotal = order.amount - shipping
        taxes = (order.amount * Decimal(19) / Decimal(119)).quantize(Decimal("0.01"))
        created = order.when.strftime("%Y-%m-%d %H:%M:%S +0100")
        fulfilled = (order.when + dt.timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S +0100")
        name, sku = products[index % len(products)]
        street = f"Hauptstraße {index + 1}"
        rows.append(
            [
                f"#{1001 + index}",
                email,
                "paid",
                created,
                "fulfilled",
                fulfilled,
                "yes" if index % 2 else "no",
                "EUR",
                en_money(subtotal, False),
                en_money(shipping, False),
                en_money(taxes, False),
                en_money(order.amount, False),
                "WELCOME5" if discount else "",
                en_money(discount, False),
                "Standard",
                created,
                str(order.quantity),
                name,
                en_money(subtotal / order.quantity, False),
                "",
                sku,
                "true",
                "true",
                "fulfilled",
                f"{p.first} {p.last}",
                street,
                street,
                "",
                "",
                p.city,
                f"'{p.postcode}",
                "",
                p.country,
                p.phone,
                f"{p.first} {p.last}",
                street,
                street,
                "",
                "",
                p.city,
                f"'{p.postcode}",
                "",
                p.country,
                p.phone,
                "",
                "",
                "",
                "Shopify Payments",
                f"c{order_id + index}.1",
                "0.00",
                "Wollwerk",
                str(order_id + index),
                "",
                "Low",
                "web",
                "0.00",
                "DE 19%",
                en_money(taxes, False),
                "",
                "",
                "",
                "",
                "",
                f"r{rng.randint(10**9, 10**10)}",
                "",
                "",
                "",
            ]
        )
    truth = purchase_truth(items, key=lambda o: o.person.email)
    first = items[0].person
    spots = purchase_spots(items, (0, 5, -1), key=lambda o: o.person.email, quantity=True)
    spots.append({"customer": first.email, "column": "postcode", "value": first.postcode})
    spots.append({"customer": first.email, "column": "city", "value": first.city})
    add(
        "shopify_orders_export.csv",
        csv_bytes(header, rows, terminator="\n"),
        system="Shopify",
        customer_id="email as id",
        currency="EUR",
        mapping={
            "email": "Email",
            "amount": "Total",
            "date": "Created at",
            "quantity": "Lineitem quantity",
            "city": "Billing City",
            "postcode": "Billing Zip",
            "country": "Billing Country",
        },
        unmapped=[
            "Id",
            "Name",
            "Financial Status",
            "Fulfilled at",
            "Paid at",
            "Subtotal",
            "Discount Amount",
            "Refunded Amount",
            "Receipt Number",
            "Notes",
        ],
        spots=spots,
        **truth,
    )

    # the customers export (new format since 2023)
    rng = random.Random(102)
    who = people(rng, 14, "de")
    header = [
        "Customer ID",
        "First Name",
        "Last Name",
        "Email",
        "Accepts Email Marketing",
        "Default Address Company",
        "Default Address Address1",
        "Default Address Address2",
        "Default Address City",
        "Default Address Province Code",
        "Default Address Country Code",
        "Default Address Zip",
        "Default Address Phone",
        "Phone",
        "Accepts SMS Marketing",
        "Total Spent",
        "Total Orders",
        "Note",
        "Tax Exempt",
        "Tags",
    ]
    rows = []
    for index, p in enumerate(who):
        p.id = f"'{7012345678901 + index * 37}"
        rows.append(
            [
                p.id,
                p.first,
                p.last,
                p.email,
                "yes" if index % 3 else "no",
                "Weiß & Söhne GmbH" if index == 2 else "",
                f"Lindenweg {index + 3}",
                "",
                p.city,
                "",
                "DE",
                f"'{p.postcode}",
                p.phone,
                "",
                "no",
                f"{rng.randint(0, 90000) / 100:.2f}",
                str(rng.randint(0, 7)),
                "Ruft nur\nvormittags an" if index == 4 else "",
                "no",
                "VIP, Newsletter" if index % 4 == 0 else "",
            ]
        )
    spots = [
        {"customer": who[0].id[1:], "column": "email", "value": who[0].email},
        {"customer": who[0].id[1:], "column": "postcode", "value": who[0].postcode},
        {"customer": who[2].id[1:], "column": "company", "value": "Weiß & Söhne GmbH"},
        {"customer": who[-1].id[1:], "column": "last_name", "value": who[-1].last},
    ]
    add(
        "shopify_customers_export.csv",
        csv_bytes(header, rows, terminator="\n"),
        system="Shopify",
        customer_id="Customer ID",
        mapping={
            "customer_id": "Customer ID",
            "first_name": "First Name",
            "last_name": "Last Name",
            "email": "Email",
            "company": "Default Address Company",
            "city": "Default Address City",
            "country": "Default Address Country Code",
            "postcode": "Default Address Zip",
            "phone": "Default Address Phone",
        },
        unmapped=["Total Spent", "Total Orders", "Note", "Tags", "Accepts Email Marketing"],
        customers=len(who),
        purchases=0,
        revenue=0.0,
        spots=spots,
    )


# ---------------------------------------------------------------- WooCommerce


def woocommerce() -> None:
    rng = random.Random(201)
    who = people(rng, 8, "de")
    items = orders(rng, who, 13, start=dt.datetime(2023, 6, 1), days=400)
    header = [
        "Order Number",
        "Order Status",
        "Order Date",
        "Customer Note",
        "First Name (Billing)",
        "Last Name (Billing)",
        "Company (Billing)",
        "Address 1&2 (Billing)",
        "City (Billing)",
        "State Code (Billing)",
        "Postcode (Billing)",
        "Country Code (Billing)",
        "Email (Billing)",
        "Phone (Billing)",
        "Payment Method Title",
        "Cart Discount Amount",
        "Order Subtotal Amount",
        "Shipping Method Title",
        "Order Shipping Amount",
        "Order Refund Amount",
        "Order Total Amount",
        "Order Total Tax Amount",
        "SKU",
        "Item #",
        "Item Name",
        "Quantity (- Refund)",
        "Item Cost",
        "Coupon Code",
    ]
    rows = []
    notes = [
        "Bitte beim Nachbarn abgeben",
        "",
        "Geschenk – bitte ohne Rechnung",
        "Lieferung nach 18 Uhr",
        "",
    ]
    for index, order in enumerate(items):
        p = order.person
        shipping = Decimal("5.95")
        subtotal = order.amount - shipping
        tax = (order.amount * Decimal(19) / Decimal(119)).quantize(Decimal("0.01"))
        rows.append(
            [
                str(4711 + index),
                "wc-completed",
                order.when.strftime("%Y-%m-%d %H:%M"),
                notes[index % len(notes)],
                p.first,
                p.last,
                "",
                f"Am Markt {index}",
                p.city,
                "",
                p.postcode,
                "DE",
                p.email,
                p.phone,
                "PayPal",
                "0",
                en_money(subtotal, False),
                "DHL Paket",
                en_money(shipping, False),
                "0",
                en_money(order.amount, False),
                en_money(tax, False),
                f"WC-{100 + index % 4}",
                "1",
                "Bio-Kaffee 1 kg",
                str(order.quantity),
                en_money(subtotal / order.quantity, False),
                "",
            ]
        )
    truth = purchase_truth(items, key=lambda o: o.person.email)
    spots = purchase_spots(items, (0, 7), key=lambda o: o.person.email, quantity=True)
    spots.append({"customer": who[1].email, "column": "last_name", "value": who[1].last})
    add(
        "woocommerce_orders.csv",
        csv_bytes(header, rows, quoting=csv.QUOTE_ALL, encoding="utf-8-sig"),
        system="WooCommerce (Advanced Order Export)",
        customer_id="email as id",
        mapping={
            "email": "Email (Billing)",
            "amount": "Order Total Amount",
            "date": "Order Date",
            "first_name": "First Name (Billing)",
            "last_name": "Last Name (Billing)",
            "city": "City (Billing)",
            "postcode": "Postcode (Billing)",
            "quantity": "Quantity (- Refund)",
            "phone": "Phone (Billing)",
        },
        unmapped=[
            "Order Number",
            "Customer Note",
            "Order Subtotal Amount",
            "Item #",
            "Cart Discount Amount",
            "Order Refund Amount",
            "Item Cost",
        ],
        spots=spots,
        **truth,
    )

    # WooCommerce > Analytics > Customers "Download"
    rng = random.Random(202)
    who = people(rng, 11, "de")
    header = [
        "Name",
        "Username",
        "Last active",
        "Date registered",
        "Email",
        "Orders",
        "Total spend",
        "AOV",
        "Country / Region",
        "City",
        "Region",
        "Postal code",
    ]
    rows = []
    for index, p in enumerate(who):
        guest = index in (1, 6)  # guests bought without an account: no username
        rows.append(
            [
                f"{p.first} {p.last}",
                "" if guest else f"{_ascii(p.first).lower()}{index}",
                (p.created + dt.timedelta(days=200)).strftime("%Y-%m-%d"),
                p.created.strftime("%Y-%m-%d %H:%M:%S"),
                p.email,
                str(index % 5),
                f"{rng.randint(0, 50000) / 100:.2f}",
                "0.00",
                "Germany",
                p.city,
                "",
                p.postcode,
            ]
        )
    add(
        "woocommerce_customers.csv",
        csv_bytes(header, rows),
        system="WooCommerce (Analytics)",
        customer_id="email as id",
        mapping={
            "email": "Email",
            "acquired_at": "Date registered",
            "country": "Country / Region",
            "city": "City",
            "postcode": "Postal code",
        },
        unmapped=["Orders", "Total spend", "AOV", "Last active"],
        customers=len(who),
        purchases=0,
        revenue=0.0,
        spots=[
            {"customer": who[3].email, "column": "acquired_at", "value": day(who[3].created)},
            {"customer": who[0].email, "column": "postcode", "value": who[0].postcode},
        ],
    )


# ---------------------------------------------------------------- HubSpot


def hubspot() -> None:
    rng = random.Random(301)
    who = people(rng, 12, "us", id_of=lambda i: str(51234567801 + 97 * i))
    header = [
        "Record ID",
        "First Name",
        "Last Name",
        "Email",
        "Phone Number",
        "Company Name",
        "Lifecycle Stage",
        "Lead Status",
        "Contact owner",
        "Create Date",
        "Last Activity Date",
        "City",
        "Country/Region",
        "Postal Code",
        "Industry",
        "Original Source",
    ]
    stages = ["Customer", "Lead", "Marketing Qualified Lead", "Opportunity", "Subscriber"]
    rows = []
    for index, p in enumerate(who):
        rows.append(
            [
                p.id,
                p.first,
                p.last,
                p.email,
                p.phone,
                "Bletchley, Park & Co" if index == 2 else "Acme Corp",
                stages[index % 5],
                "Open" if index % 2 else "",
                "Dana Whitfield",
                p.created.strftime("%Y-%m-%d %H:%M"),
                (p.created + dt.timedelta(days=90)).strftime("%Y-%m-%d %H:%M"),
                p.city,
                "United States",
                p.postcode,
                "COMPUTER_SOFTWARE",
                "Organic Search",
            ]
        )
    add(
        "hubspot_contacts_export.csv",
        csv_bytes(header, rows),
        system="HubSpot",
        customer_id="Record ID",
        mapping={
            "customer_id": "Record ID",
            "first_name": "First Name",
            "last_name": "Last Name",
            "email": "Email",
            "phone": "Phone Number",
            "company": "Company Name",
            "status": "Lifecycle Stage",
            "acquired_at": "Create Date",
            "city": "City",
            "country": "Country/Region",
            "postcode": "Postal Code",
            "industry": "Industry",
            "acquisition_channel": "Original Source",
        },
        unmapped=["Last Activity Date", "Contact owner", "Lead Status"],
        customers=len(who),
        purchases=0,
        revenue=0.0,
        spots=[
            {"customer": who[0].id, "column": "acquired_at", "value": day(who[0].created)},
            {"customer": who[2].id, "column": "company", "value": "Bletchley, Park & Co"},
            {"customer": who[0].id, "column": "status", "value": "customer"},
            {"customer": who[1].id, "column": "status", "value": "lead"},
        ],
    )

    # deals with their associated contact ids
    rng = random.Random(302)
    items = orders(
        rng, who[:7], 15, start=dt.datetime(2023, 3, 1), days=500, low=50000, high=2500000
    )
    header = [
        "Record ID",
        "Deal Name",
        "Deal Stage",
        "Close Date",
        "Amount",
        "Pipeline",
        "Deal owner",
        "Create Date",
        "Associated Contact IDs",
        "Associated Company IDs",
    ]
    rows = []
    for index, order in enumerate(items):
        rows.append(
            [
                str(9812345601 + index),
                f"{order.person.last} – Renewal {index}",
                "Closed Won",
                order.when.strftime("%Y-%m-%d %H:%M"),
                f"{order.amount}",
                "Sales Pipeline",
                "Dana Whitfield",
                (order.when - dt.timedelta(days=30)).strftime("%Y-%m-%d %H:%M"),
                order.person.id,
                "8812345678",
            ]
        )
    add(
        "hubspot_deals_export.csv",
        csv_bytes(header, rows),
        system="HubSpot",
        customer_id="Associated Contact IDs",
        mapping={"customer_id": "Associated Contact IDs", "date": "Close Date", "amount": "Amount"},
        unmapped=["Record ID", "Deal Name", "Create Date", "Associated Company IDs"],
        spots=purchase_spots(items, (0, 9)),
        **purchase_truth(items),
    )


# ---------------------------------------------------------------- Mailchimp


def mailchimp() -> None:
    rng = random.Random(401)
    who = people(rng, 15, "de")
    header = [
        "Email Address",
        "First Name",
        "Last Name",
        "Address",
        "Phone Number",
        "Birthday",
        "MEMBER_RATING",
        "OPTIN_TIME",
        "OPTIN_IP",
        "CONFIRM_TIME",
        "CONFIRM_IP",
        "LATITUDE",
        "LONGITUDE",
        "GMTOFF",
        "DSTOFF",
        "TIMEZONE",
        "CC",
        "REGION",
        "LAST_CHANGED",
        "LEID",
        "EUID",
        "NOTES",
        "TAGS",
    ]
    rows = []
    for index, p in enumerate(who):
        optin = p.created
        confirm = optin + dt.timedelta(minutes=7)
        ip = f"{rng.randint(80, 95)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{index + 2}"
        rows.append(
            [
                p.email,
                p.first,
                p.last,
                f"Gartenstr. {index}  {p.city}  {p.postcode}  DE",
                p.phone,
                f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}",
                str(rng.randint(1, 5)),
                optin.strftime("%Y-%m-%d %H:%M:%S"),
                ip,
                confirm.strftime("%Y-%m-%d %H:%M:%S"),
                ip,
                "",
                "",
                "",
                "",
                "",
                "DE",
                "",
                (confirm + dt.timedelta(days=40)).strftime("%Y-%m-%d %H:%M:%S"),
                str(123456789 + index),
                f"{rng.getrandbits(40):010x}",
                "",
                '"Newsletter"' if index % 2 else "",
            ]
        )
    add(
        "mailchimp_subscribed_members.csv",
        csv_bytes(header, rows, terminator="\n"),
        system="Mailchimp",
        customer_id="email as id",
        mapping={
            "email": "Email Address",
            "first_name": "First Name",
            "last_name": "Last Name",
            "phone": "Phone Number",
            "country": "CC",
        },
        unmapped=[
            "OPTIN_IP",
            "CONFIRM_IP",
            "MEMBER_RATING",
            "CONFIRM_TIME",
            "LAST_CHANGED",
            "LEID",
            "EUID",
            "GMTOFF",
            "LATITUDE",
        ],
        customers=len(who),
        purchases=0,
        revenue=0.0,
        spots=[
            {"customer": who[0].email, "column": "first_name", "value": who[0].first},
            {"customer": who[5].email, "column": "last_name", "value": who[5].last},
        ],
    )


# ---------------------------------------------------------------- Salesforce


SALESFORCE_FOOTER = [
    '""',
    '""',
    '"Kontakte mit Konten"',
    '"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."',
    '"Confidential Information - Do Not Distribute"',
    '"Generated By:  Dana Whitfield  2/3/2024 10:15 AM"',
    '"Acme GmbH"',
]


def salesforce() -> None:
    rng = random.Random(501)
    who = people(rng, 10, "us", id_of=lambda i: f"0035g00000AbC{i:02d}X")
    header = [
        "Account Name",
        "Contact ID",
        "First Name",
        "Last Name",
        "Email",
        "Mailing City",
        "Mailing Zip/Postal Code",
        "Mailing Country",
        "Created Date",
        "Lead Source",
        "Birthdate",
    ]
    rows = []
    births = []
    for index, p in enumerate(who):
        birth = dt.date(1960 + index * 3, (index % 12) + 1, 13 + index)
        births.append(birth)
        rows.append(
            [
                "Acme Corp" if index % 2 else "Globex, Inc.",
                p.id,
                p.first,
                p.last,
                p.email,
                p.city,
                p.postcode,
                "USA",
                f"{p.created.month}/{p.created.day}/{p.created.year}",
                ["Web", "Phone Inquiry", "Partner Referral", "Trade Show"][index % 4],
                f"{birth.month}/{birth.day}/{birth.year}",
            ]
        )
    lines = len(rows) + 1
    add(
        "salesforce_contacts_report.csv",
        csv_bytes(header, rows, quoting=csv.QUOTE_ALL, after=SALESFORCE_FOOTER),
        system="Salesforce (report export)",
        customer_id="Contact ID",
        mapping={
            "customer_id": "Contact ID",
            "company": "Account Name",
            "first_name": "First Name",
            "last_name": "Last Name",
            "email": "Email",
            "city": "Mailing City",
            "postcode": "Mailing Zip/Postal Code",
            "country": "Mailing Country",
            "acquired_at": "Created Date",
            "acquisition_channel": "Lead Source",
            "birth_date": "Birthdate",
        },
        unmapped=[],
        customers=len(who),
        purchases=0,
        revenue=0.0,
        report_rows=list(range(lines + 1, lines + 1 + len(SALESFORCE_FOOTER))),
        report_values=[
            "Kontakte mit Konten",
            "Acme GmbH",
            "Confidential Information - Do Not Distribute",
        ],
        spots=[
            {"customer": who[0].id, "column": "acquired_at", "value": day(who[0].created)},
            {"customer": who[4].id, "column": "birth_date", "value": day(births[4])},
            {"customer": who[1].id, "column": "company", "value": "Acme Corp"},
        ],
    )

    # opportunities, amounts with thousands separators, grouped report with a grand total
    rng = random.Random(502)
    accounts = people(rng, 6, "us", id_of=lambda i: f"0015g00000XyZ{i:02d}Q")
    items = orders(
        rng, accounts, 12, start=dt.datetime(2023, 1, 9), days=420, low=120000, high=4800000
    )
    header = [
        "Opportunity Name",
        "Account ID",
        "Account Name",
        "Stage",
        "Close Date",
        "Amount Currency",
        "Amount",
        "Probability (%)",
        "Fiscal Period",
        "Opportunity ID",
    ]
    rows = []
    for index, order in enumerate(items):
        rows.append(
            [
                f"{order.person.last} expansion {index}",
                order.person.id,
                f"{order.person.last} Holdings",
                "Closed Won",
                f"{order.when.month}/{order.when.day}/{order.when.year}",
                "EUR",
                en_money(order.amount),
                "100",
                f"Q{(order.when.month - 1) // 3 + 1}-{order.when.year}",
                f"0065g00000Op{index:03d}A",
            ]
        )
    total = en_money(Decimal(str(money_total(items))).quantize(Decimal("0.01")))
    after = ['"Total"' + "," * 5 + f'"EUR","{total}",,,', *SALESFORCE_FOOTER]
    lines = len(rows) + 1
    add(
        "salesforce_opportunities_report.csv",
        csv_bytes(header, rows, quoting=csv.QUOTE_ALL, after=after),
        system="Salesforce (report export)",
        customer_id="Account ID",
        currency="EUR",
        mapping={
            "customer_id": "Account ID",
            "company": "Account Name",
            "date": "Close Date",
            "amount": "Amount",
        },
        unmapped=["Opportunity ID", "Probability (%)", "Opportunity Name"],
        report_rows=list(range(lines + 1, lines + 1 + len(after))),
        report_values=["Total", "Acme GmbH"],
        spots=purchase_spots(items, (0, 6)),
        **purchase_truth(items),
    )


# ---------------------------------------------------------------- DATEV, Lexware, sevDesk, JTL


def german_accounting() -> None:
    rng = random.Random(601)
    who = people(rng, 12, "de", id_of=lambda i: str(10000 + 7 * i))
    extf = (
        '"EXTF";700;16;"Debitoren/Kreditoren";5;20240201101512345;;"RE";"kb";"";'
        '29098;55003;20240101;4;;;"";"";;;;"";;;;;;;;;'
    )
    header = [
        "Konto",
        "Name (Adressatentyp Unternehmen)",
        "Unternehmensgegenstand",
        "Name (Adressatentyp natürl. Person)",
        "Vorname (Adressatentyp natürl. Person)",
        "Name (Adressatentyp keine Angabe)",
        "Adressatentyp",
        "Kurzbezeichnung",
        "EU-Land",
        "EU-UStID",
        "Anrede",
        "Titel/Akad. Grad",
        "Adelstitel",
        "Namensvorsatz",
        "Adressart",
        "Straße",
        "Postfach",
        "Postleitzahl",
        "Ort",
        "Land",
        "Versandzusatz",
        "Adresszusatz",
        "Abweichende Anrede",
        "Abw. Zustellbezeichnung 1",
        "Telefon",
        "Bemerkung (Telefon)",
        "E-Mail",
        "Bemerkung (E-Mail)",
        "Internet",
    ]
    rows = []
    for index, p in enumerate(who):
        company = index % 3 == 0
        rows.append(
            [
                p.id,
                f"{p.last} Bau GmbH" if company else "",
                "",
                "" if company else p.last,
                "" if company else p.first,
                "",
                "2" if company else "1",
                p.last[:15],
                "",
                "",
                "Firma" if company else ("Herr" if index % 2 else "Frau"),
                "",
                "",
                "",
                "STR",
                f"Bahnhofstr. {index + 1}",
                "",
                p.postcode,
                p.city,
                "DE",
                "",
                "",
                "",
                "",
                p.phone,
                "",
                p.email,
                "",
                "",
            ]
        )
    add(
        "datev_debitoren_extf.csv",
        csv_bytes(header, rows, delimiter=";", encoding="cp1252", before=[extf]),
        system="DATEV (EXTF Debitoren/Kreditoren)",
        customer_id="Konto",
        mapping={
            "customer_id": "Konto",
            "company": "Name (Adressatentyp Unternehmen)",
            "last_name": "Name (Adressatentyp natürl. Person)",
            "first_name": "Vorname (Adressatentyp natürl. Person)",
            "postcode": "Postleitzahl",
            "city": "Ort",
            "country": "Land",
            "phone": "Telefon",
            "email": "E-Mail",
        },
        unmapped=["Kurzbezeichnung", "Adressart", "Bemerkung (Telefon)"],
        customers=len(who),
        purchases=0,
        revenue=0.0,
        report_rows=[1],
        report_values=["EXTF"],
        spots=[
            {"customer": who[0].id, "column": "company", "value": f"{who[0].last} Bau GmbH"},
            {"customer": who[1].id, "column": "last_name", "value": who[1].last},
            {"customer": who[4].id, "column": "postcode", "value": who[4].postcode},
            {"customer": who[4].id, "column": "city", "value": who[4].city},
        ],
    )

    # Lexware: customers (everything quoted, cp1252) and invoices
    rng = random.Random(602)
    who = people(rng, 10, "de", id_of=lambda i: f"{i + 1:05d}")
    header = [
        "Kundennummer",
        "Firma",
        "Anrede",
        "Vorname",
        "Nachname",
        "Straße",
        "PLZ",
        "Ort",
        "Land",
        "Telefon",
        "E-Mail",
        "Umsatz lfd. Jahr",
        "Kunde seit",
    ]
    rows = []
    for index, p in enumerate(who):
        rows.append(
            [
                p.id,
                "",
                "Herr" if index % 2 else "Frau",
                p.first,
                p.last,
                f"Kirchgasse {index + 2}",
                p.postcode,
                p.city,
                "Deutschland",
                p.phone,
                p.email,
                de_money(Decimal(rng.randint(0, 900000)) / 100),
                p.created.strftime("%d.%m.%Y"),
            ]
        )
    add(
        "lexware_kunden.csv",
        csv_bytes(header, rows, delimiter=";", quoting=csv.QUOTE_ALL, encoding="cp1252"),
        system="Lexware",
        customer_id="Kundennummer",
        mapping={
            "customer_id": "Kundennummer",
            "gender": "Anrede",
            "first_name": "Vorname",
            "last_name": "Nachname",
            "postcode": "PLZ",
            "city": "Ort",
            "country": "Land",
            "phone": "Telefon",
            "email": "E-Mail",
            "acquired_at": "Kunde seit",
        },
        unmapped=["Umsatz lfd. Jahr"],
        customers=len(who),
        purchases=0,
        revenue=0.0,
        spots=[
            {"customer": "00001", "column": "last_name", "value": who[0].last},
            {"customer": "00003", "column": "acquired_at", "value": day(who[2].created)},
            {"customer": "00010", "column": "postcode", "value": who[9].postcode},
        ],
    )

    items = orders(rng, who, 18, start=dt.datetime(2023, 2, 1), days=600, low=5000, high=450000)
    header = [
        "Rechnungsnummer",
        "Rechnungsdatum",
        "Kundennummer",
        "Kunde",
        "Nettobetrag",
        "MwSt",
        "Bruttobetrag",
        "Status",
    ]
    rows = []
    for index, order in enumerate(items):
        net = (order.amount / Decimal("1.19")).quantize(Decimal("0.01"))
        rows.append(
            [
                f"RE-2024-{index + 1:04d}",
                order.when.strftime("%d.%m.%Y"),
                order.person.id,
                f"{order.person.first} {order.person.last}",
                de_money(net),
                de_money(order.amount - net),
                de_money(order.amount),
                "bezahlt",
            ]
        )
    add(
        "lexware_rechnungen.csv",
        csv_bytes(header, rows, delimiter=";", quoting=csv.QUOTE_ALL, encoding="cp1252"),
        system="Lexware",
        customer_id="Kundennummer",
        currency="EUR",
        mapping={"customer_id": "Kundennummer", "date": "Rechnungsdatum", "amount": "Bruttobetrag"},
        unmapped=["Rechnungsnummer", "Nettobetrag", "MwSt"],
        spots=purchase_spots(items, (0, 4, -1)),
        **purchase_truth(items),
    )

    # sevDesk invoices: UTF-8 with BOM, ";" and decimal comma, unquoted
    rng = random.Random(603)
    who = people(rng, 9, "de", id_of=lambda i: str(1000 + i))
    items = orders(rng, who, 14, start=dt.datetime(2024, 1, 2), days=330, low=9900, high=1250000)
    header = [
        "Rechnungsnummer",
        "Datum",
        "Kunde",
        "Kundennummer",
        "Netto",
        "Steuer",
        "Brutto",
        "Währung",
        "Status",
        "Fälligkeitsdatum",
        "Zahldatum",
    ]
    rows = []
    for index, order in enumerate(items):
        net = (order.amount / Decimal("1.19")).quantize(Decimal("0.01"))
        rows.append(
            [
                f"RE-{1000 + index}",
                order.when.strftime("%d.%m.%Y"),
                f"{order.person.last} GmbH",
                order.person.id,
                de_money(net),
                de_money(order.amount - net),
                de_money(order.amount),
                "EUR",
                "Bezahlt",
                (order.when + dt.timedelta(days=14)).strftime("%d.%m.%Y"),
                (order.when + dt.timedelta(days=9)).strftime("%d.%m.%Y"),
            ]
        )
    add(
        "sevdesk_rechnungen.csv",
        csv_bytes(header, rows, delimiter=";", encoding="utf-8-sig", terminator="\n"),
        system="sevDesk",
        customer_id="Kundennummer",
        currency="EUR",
        mapping={
            "customer_id": "Kundennummer",
            "company": "Kunde",
            "date": "Datum",
            "amount": "Brutto",
        },
        unmapped=["Rechnungsnummer", "Netto", "Steuer", "Fälligkeitsdatum", "Zahldatum"],
        spots=purchase_spots(items, (0, -1)),
        **purchase_truth(items),
    )

    # JTL-Wawi orders
    rng = random.Random(604)
    who = people(rng, 10, "de", id_of=lambda i: f"K{20000 + i}")
    items = orders(rng, who, 19, start=dt.datetime(2023, 9, 1), days=300)
    header = [
        "Auftragsnummer",
        "Erstellt",
        "Kundennummer",
        "Firma",
        "Vorname",
        "Name",
        "E-Mail",
        "PLZ",
        "Ort",
        "Land",
        "Artikelanzahl",
        "Brutto",
        "Netto",
        "Zahlungsart",
        "Versandart",
        "Status",
    ]
    rows = []
    for index, order in enumerate(items):
        p = order.person
        net = (order.amount / Decimal("1.19")).quantize(Decimal("0.01"))
        rows.append(
            [
                f"AU2024-{index + 1:05d}",
                order.when.strftime("%d.%m.%Y %H:%M:%S"),
                p.id,
                "",
                p.first,
                p.last,
                p.email,
                p.postcode,
                p.city,
                "Deutschland",
                str(order.quantity),
                de_money(order.amount, ""),
                de_money(net, ""),
                "Rechnung",
                "DHL",
                "Versendet",
            ]
        )
    add(
        "jtl_auftraege.csv",
        csv_bytes(header, rows, delimiter=";", encoding="cp1252"),
        system="JTL-Wawi",
        customer_id="Kundennummer",
        mapping={
            "customer_id": "Kundennummer",
            "date": "Erstellt",
            "first_name": "Vorname",
            "last_name": "Name",
            "email": "E-Mail",
            "postcode": "PLZ",
            "city": "Ort",
            "country": "Land",
            "quantity": "Artikelanzahl",
            "amount": "Brutto",
        },
        unmapped=["Auftragsnummer", "Netto"],
        spots=purchase_spots(items, (0, 3), quantity=True),
        **purchase_truth(items),
    )


# ---------------------------------------------------------------- Norway (Tripletex / Visma)


def nok(value: Decimal) -> str:
    return de_money(value, " ") + " kr"


def norway() -> None:
    rng = random.Random(701)
    who = people(rng, 8, "no", id_of=lambda i: str(10001 + i))
    header = [
        "Kundenummer",
        "Navn",
        "Organisasjonsnummer",
        "E-post",
        "Telefon",
        "Postnummer",
        "Poststed",
        "Land",
        "Kunde siden",
    ]
    rows = [
        [
            p.id,
            f"{p.first} {p.last}",
            "",
            p.email,
            p.phone,
            p.postcode,
            p.city,
            "Norge",
            p.created.strftime("%d.%m.%Y"),
        ]
        for p in who
    ]
    add(
        "tripletex_kunder.csv",
        csv_bytes(header, rows, delimiter=";", encoding="utf-8-sig"),
        system="Tripletex",
        customer_id="Kundenummer",
        mapping={
            "customer_id": "Kundenummer",
            "email": "E-post",
            "phone": "Telefon",
            "postcode": "Postnummer",
            "city": "Poststed",
            "country": "Land",
            "acquired_at": "Kunde siden",
        },
        unmapped=["Organisasjonsnummer"],
        customers=len(who),
        purchases=0,
        revenue=0.0,
        spots=[
            {"customer": who[0].id, "column": "postcode", "value": who[0].postcode},
            {"customer": who[5].id, "column": "acquired_at", "value": day(who[5].created)},
        ],
    )

    items = orders(rng, who, 14, start=dt.datetime(2024, 1, 2), days=330, low=19900, high=4590000)
    header = ["Fakturanummer", "Fakturadato", "Kundenummer", "Navn", "Beløp", "Forfallsdato"]
    rows = [
        [
            str(20240001 + index),
            o.when.strftime("%d.%m.%Y"),
            o.person.id,
            f"{o.person.first} {o.person.last}",
            nok(o.amount),
            (o.when + dt.timedelta(days=14)).strftime("%d.%m.%Y"),
        ]
        for index, o in enumerate(items)
    ]
    add(
        "tripletex_fakturaer.csv",
        csv_bytes(header, rows, delimiter=";", encoding="utf-8-sig"),
        system="Tripletex",
        customer_id="Kundenummer",
        currency="NOK",
        mapping={"customer_id": "Kundenummer", "date": "Fakturadato", "amount": "Beløp"},
        unmapped=["Fakturanummer", "Forfallsdato"],
        spots=purchase_spots(items, (0, 2, -1)),
        **purchase_truth(items),
    )

    # Visma eAccounting customer sales list, cp1252-free Latin-1 era: ISO-8859-1 with ";"
    rng = random.Random(702)
    who = people(rng, 7, "no", id_of=lambda i: str(301 + i))
    items = orders(rng, who, 12, start=dt.datetime(2023, 5, 2), days=365, low=49900, high=1990000)
    header = [
        "Kundenr",
        "Kundenavn",
        "Dato",
        "Bilagsnr",
        "Beløp inkl. mva",
        "Beløp eks. mva",
        "Valuta",
    ]
    rows = []
    for index, o in enumerate(items):
        net = (o.amount / Decimal("1.25")).quantize(Decimal("0.01"))
        rows.append(
            [
                o.person.id,
                f"{o.person.last} AS",
                o.when.strftime("%d.%m.%Y"),
                str(5000 + index),
                de_money(o.amount, " "),
                de_money(net, " "),
                "NOK",
            ]
        )
    add(
        "visma_salg_per_kunde.csv",
        csv_bytes(header, rows, delimiter=";", encoding="latin-1"),
        system="Visma eAccounting",
        customer_id="Kundenr",
        currency="NOK",
        mapping={
            "customer_id": "Kundenr",
            "company": "Kundenavn",
            "date": "Dato",
            "amount": "Beløp inkl. mva",
        },
        unmapped=["Bilagsnr", "Beløp eks. mva"],
        spots=purchase_spots(items, (0, 5)),
        **purchase_truth(items),
    )


# ---------------------------------------------------------------- UK shop


def uk() -> None:
    for name, seed, early in (
        ("uk_shop_orders.csv", 801, False),
        ("uk_shop_orders_early_days.csv", 802, True),
    ):
        rng = random.Random(seed)
        who = people(rng, 9, "uk", id_of=lambda i: f"C{3001 + i}")
        items = orders(rng, who, 15, start=dt.datetime(2023, 4, 3), days=360, low=799, high=189900)
        if early:  # every day of the month is 12 or less: only the shop's country tells
            for order in items:
                order.when = order.when.replace(day=rng.randint(1, 12))
            items.sort(key=lambda o: o.when)
        header = [
            "Order ID",
            "Order Date",
            "Customer ID",
            "Title",
            "Forename",
            "Surname",
            "Email",
            "Postcode",
            "Town",
            "County",
            "Order Total",
        ]
        rows = []
        for index, o in enumerate(items):
            p = o.person
            rows.append(
                [
                    f"UK-{50000 + index}",
                    o.when.strftime("%d/%m/%Y"),
                    p.id,
                    "Mr" if index % 2 else "Ms",
                    p.first,
                    p.last,
                    p.email,
                    p.postcode,
                    p.city,
                    "",
                    f"£{o.amount:,.2f}",
                ]
            )
        add(
            name,
            csv_bytes(header, rows),
            system="UK web shop (Shopwired-like)",
            customer_id="Customer ID",
            currency="GBP",
            mapping={
                "customer_id": "Customer ID",
                "date": "Order Date",
                "first_name": "Forename",
                "last_name": "Surname",
                "email": "Email",
                "postcode": "Postcode",
                "city": "Town",
                "amount": "Order Total",
            },
            unmapped=["Order ID"],
            spots=[
                *purchase_spots(items, (0, 1, -1)),
                {"customer": who[0].id, "column": "postcode", "value": who[0].postcode},
            ],
            **purchase_truth(items),
        )


# ---------------------------------------------------------------- Zoho, Pipedrive, Stripe


def crm_and_payments() -> None:
    rng = random.Random(901)
    who = people(rng, 11, "de", id_of=lambda i: f"zcrm_48768760000{i + 123001}")
    header = [
        "Record Id",
        "Contact Owner",
        "Lead Source",
        "First Name",
        "Last Name",
        "Account Name",
        "Email",
        "Title",
        "Department",
        "Phone",
        "Mobile",
        "Mailing City",
        "Mailing Zip",
        "Mailing Country",
        "Created Time",
        "Modified Time",
        "Last Activity Time",
    ]
    rows = []
    for index, p in enumerate(who):
        rows.append(
            [
                p.id,
                "Jana Vogt",
                ["Web-Download", "Messe", "Kaltakquise"][index % 3],
                p.first,
                p.last,
                f"{p.last} AG",
                p.email,
                "Einkauf",
                "",
                "",
                p.phone,
                p.city,
                p.postcode,
                "Germany",
                p.created.strftime("%Y-%m-%d %H:%M:%S"),
                (p.created + dt.timedelta(days=3)).strftime("%Y-%m-%d %H:%M:%S"),
                (p.created + dt.timedelta(days=30)).strftime("%Y-%m-%d %H:%M:%S"),
            ]
        )
    add(
        "zoho_crm_contacts.csv",
        csv_bytes(header, rows),
        system="Zoho CRM",
        customer_id="Record Id",
        mapping={
            "customer_id": "Record Id",
            "acquisition_channel": "Lead Source",
            "first_name": "First Name",
            "last_name": "Last Name",
            "company": "Account Name",
            "email": "Email",
            "phone": "Mobile",
            "city": "Mailing City",
            "postcode": "Mailing Zip",
            "country": "Mailing Country",
            "acquired_at": "Created Time",
        },
        unmapped=["Modified Time", "Last Activity Time", "Contact Owner"],
        customers=len(who),
        purchases=0,
        revenue=0.0,
        spots=[
            {"customer": who[0].id, "column": "acquired_at", "value": day(who[0].created)},
            {"customer": who[3].id, "column": "email", "value": who[3].email},
        ],
    )

    rng = random.Random(902)
    who = people(rng, 7, "de", id_of=lambda i: str(101 + i))
    items = orders(rng, who, 13, start=dt.datetime(2023, 2, 6), days=500, low=100000, high=3000000)
    header = [
        "Deal - ID",
        "Deal - Title",
        "Deal - Value",
        "Deal - Currency",
        "Deal - Status",
        "Deal - Won time",
        "Deal - Expected close date",
        "Deal - Person",
        "Deal - Organization",
        "Person - ID",
        "Person - Email",
    ]
    rows = [
        [
            str(2001 + index),
            f"Lizenz {o.person.last}",
            f"{o.amount}",
            "EUR",
            "won",
            o.when.strftime("%Y-%m-%d %H:%M:%S"),
            (o.when - dt.timedelta(days=10)).strftime("%Y-%m-%d"),
            f"{o.person.first} {o.person.last}",
            f"{o.person.last} GmbH",
            o.person.id,
            o.person.email,
        ]
        for index, o in enumerate(items)
    ]
    add(
        "pipedrive_deals.csv",
        csv_bytes(header, rows),
        system="Pipedrive",
        customer_id="Person - ID",
        currency="EUR",
        mapping={
            "customer_id": "Person - ID",
            "amount": "Deal - Value",
            "date": "Deal - Won time",
            "company": "Deal - Organization",
            "email": "Person - Email",
        },
        unmapped=["Deal - ID", "Deal - Title", "Deal - Expected close date"],
        spots=purchase_spots(items, (0, 8)),
        **purchase_truth(items),
    )

    rng = random.Random(903)
    who = people(rng, 9, "us", id_of=lambda i: f"cus_P{i:02d}xQ8mZk3LrT7v")
    items = orders(rng, who, 17, start=dt.datetime(2024, 1, 1), days=300, low=900, high=49900)
    header = [
        "id",
        "Created (UTC)",
        "Amount",
        "Amount Refunded",
        "Currency",
        "Captured",
        "Converted Amount",
        "Converted Amount Refunded",
        "Converted Currency",
        "Decline Reason",
        "Description",
        "Fee",
        "Refunded date (UTC)",
        "Statement Descriptor",
        "Status",
        "Seller Message",
        "Taxes On Fee",
        "Card ID",
        "Customer ID",
        "Customer Description",
        "Customer Email",
        "Invoice ID",
        "Transfer",
    ]
    rows = []
    for index, o in enumerate(items):
        fee = (o.amount * Decimal("0.029") + Decimal("0.30")).quantize(Decimal("0.01"))
        rows.append(
            [
                f"ch_3Ox{index:03d}Lk2eZvKYlo2C",
                o.when.strftime("%Y-%m-%d %H:%M:%S"),
                en_money(o.amount, False),
                "0.00",
                "usd",
                "true",
                en_money(o.amount, False),
                "0.00",
                "usd",
                "",
                f"Subscription update {index}",
                en_money(fee, False),
                "",
                "ACME SAAS",
                "Paid",
                "Payment complete.",
                "0.00",
                f"card_1Ox{index:03d}",
                o.person.id,
                f"{o.person.first} {o.person.last}",
                o.person.email,
                f"in_1Ox{index:03d}",
                "",
            ]
        )
    add(
        "stripe_payments.csv",
        csv_bytes(header, rows, terminator="\n"),
        system="Stripe",
        customer_id="Customer ID",
        currency="USD",
        mapping={
            "customer_id": "Customer ID",
            "date": "Created (UTC)",
            "amount": "Amount",
            "email": "Customer Email",
        },
        unmapped=["id", "Fee", "Amount Refunded", "Card ID", "Invoice ID", "Taxes On Fee"],
        spots=purchase_spots(items, (0, -1)),
        **purchase_truth(items),
    )

    # PayPal activity download (German account): all quoted, UTF-8 BOM, "," between fields
    rng = random.Random(904)
    who = people(rng, 8, "de")
    items = orders(rng, who, 12, start=dt.datetime(2024, 2, 1), days=200, low=990, high=29900)
    header = [
        "Datum",
        "Uhrzeit",
        "Zeitzone",
        "Name",
        "Typ",
        "Status",
        "Währung",
        "Brutto",
        "Gebühr",
        "Netto",
        "Absender E-Mail-Adresse",
        "Empfänger E-Mail-Adresse",
        "Transaktionscode",
        "Artikelbezeichnung",
        "Rechnungsnummer",
        "Guthaben",
    ]
    rows = []
    balance = Decimal(0)
    for index, o in enumerate(items):
        fee = (o.amount * Decimal("0.0249") + Decimal("0.35")).quantize(Decimal("0.01"))
        balance += o.amount - fee
        rows.append(
            [
                o.when.strftime("%d.%m.%Y"),
                o.when.strftime("%H:%M:%S"),
                "CET",
                f"{o.person.first} {o.person.last}",
                "Website-Zahlung",
                "Abgeschlossen",
                "EUR",
                de_money(o.amount),
                de_money(-fee),
                de_money(o.amount - fee),
                o.person.email,
                "shop@wollwerk.de",
                f"5TY{index:05d}AB123456C",
                "Strickset",
                f"WW-{index + 700}",
                de_money(balance),
            ]
        )
    add(
        "paypal_aktivitaeten.csv",
        csv_bytes(header, rows, quoting=csv.QUOTE_ALL, encoding="utf-8-sig"),
        system="PayPal (Aktivitäten-Download)",
        customer_id="email as id",
        currency="EUR",
        mapping={"email": "Absender E-Mail-Adresse", "date": "Datum", "amount": "Brutto"},
        unmapped=[
            "Netto",
            "Gebühr",
            "Guthaben",
            "Transaktionscode",
            "Rechnungsnummer",
            "Empfänger E-Mail-Adresse",
        ],
        spots=purchase_spots(items, (0, 3), key=lambda o: o.person.email),
        **purchase_truth(items, key=lambda o: o.person.email),
    )

    # Etsy sold orders: US dates with two-digit years
    rng = random.Random(905)
    who = people(rng, 9, "us", id_of=lambda i: str(612345678 + 1111 * i))
    items = orders(rng, who, 14, start=dt.datetime(2023, 1, 2), days=600, low=1200, high=18900)
    header = [
        "Sale Date",
        "Order ID",
        "Buyer User ID",
        "Full Name",
        "First Name",
        "Last Name",
        "Number of Items",
        "Payment Method",
        "Date Shipped",
        "Street 1",
        "Street 2",
        "Ship City",
        "Ship State",
        "Ship Zipcode",
        "Ship Country",
        "Currency",
        "Order Value",
        "Coupon Code",
        "Coupon Details",
        "Discount Amount",
        "Shipping Discount",
        "Shipping",
        "Sales Tax",
        "Order Total",
        "Status",
        "Card Processing Fees",
        "Order Net",
        "Adjusted Order Total",
        "Adjusted Card Processing Fees",
        "Adjusted Net Order Amount",
        "Buyer",
        "Order Type",
        "Payment Type",
        "InPerson Discount",
        "InPerson Location",
        "SKU",
    ]
    rows = []
    for index, o in enumerate(items):
        p = o.person
        shipping = Decimal("4.50")
        value = o.amount - shipping
        fee = (o.amount * Decimal("0.03") + Decimal("0.25")).quantize(Decimal("0.01"))
        rows.append(
            [
                o.when.strftime("%m/%d/%y"),
                str(3012345678 + index),
                p.id,
                f"{p.first} {p.last}",
                p.first,
                p.last,
                str(o.quantity),
                "Other",
                (o.when + dt.timedelta(days=3)).strftime("%m/%d/%y"),
                "12 Elm St",
                "",
                p.city,
                "VA",
                p.postcode,
                "United States",
                "USD",
                en_money(value, False),
                "",
                "",
                "0",
                "0",
                en_money(shipping, False),
                "0",
                en_money(o.amount, False),
                "Completed",
                en_money(fee, False),
                en_money(o.amount - fee, False),
                "--",
                "--",
                "--",
                f"{_ascii(p.first).lower()}{index}",
                "online",
                "online_cc",
                "",
                "",
                f"SKU-{index % 3}",
            ]
        )
    add(
        "etsy_sold_orders.csv",
        csv_bytes(header, rows, terminator="\n"),
        system="Etsy",
        customer_id="Buyer User ID",
        currency="USD",
        mapping={
            "customer_id": "Buyer User ID",
            "date": "Sale Date",
            "first_name": "First Name",
            "last_name": "Last Name",
            "quantity": "Number of Items",
            "city": "Ship City",
            "postcode": "Ship Zipcode",
            "country": "Ship Country",
            "amount": "Order Total",
        },
        unmapped=[
            "Order ID",
            "Date Shipped",
            "Order Value",
            "Discount Amount",
            "Order Net",
            "Card Processing Fees",
            "Shipping",
        ],
        spots=purchase_spots(items, (0, 9), quantity=True),
        **purchase_truth(items),
    )

    # Brevo (Sendinblue) contacts as TSV
    rng = random.Random(906)
    who = people(rng, 10, "de", id_of=lambda i: str(17 + i))
    header = [
        "CONTACT ID",
        "EMAIL",
        "NACHNAME",
        "VORNAME",
        "SMS",
        "DOUBLE_OPT-IN",
        "ADDED_TIME",
        "MODIFIED_TIME",
        "OPT_IN",
        "EMAIL_BLACKLISTED",
        "SMS_BLACKLISTED",
    ]
    rows = [
        [
            p.id,
            p.email,
            p.last,
            p.first,
            p.phone.replace(" ", ""),
            "Yes",
            p.created.strftime("%Y-%m-%d %H:%M:%S"),
            (p.created + dt.timedelta(days=5)).strftime("%Y-%m-%d %H:%M:%S"),
            "",
            "No",
            "No",
        ]
        for p in who
    ]
    add(
        "brevo_contacts.tsv",
        csv_bytes(header, rows, delimiter="\t", terminator="\n"),
        system="Brevo (Sendinblue)",
        customer_id="CONTACT ID",
        mapping={
            "customer_id": "CONTACT ID",
            "email": "EMAIL",
            "last_name": "NACHNAME",
            "first_name": "VORNAME",
            "phone": "SMS",
            "acquired_at": "ADDED_TIME",
        },
        unmapped=["MODIFIED_TIME", "EMAIL_BLACKLISTED"],
        customers=len(who),
        purchases=0,
        revenue=0.0,
        spots=[
            {"customer": who[2].id, "column": "first_name", "value": who[2].first},
            {"customer": who[2].id, "column": "acquired_at", "value": day(who[2].created)},
        ],
    )


# ---------------------------------------------------------------- Excel reports


def excel_reports() -> None:
    rng = random.Random(1001)
    who = people(rng, 8, "de", id_of=lambda i: str(4711 + i))
    items = orders(rng, who, 14, start=dt.datetime(2024, 1, 2), days=360, low=1990, high=149900)
    customers = [["Kundennummer", "Vorname", "Nachname", "PLZ", "Ort", "E-Mail"]]
    customers += [[int(p.id), p.first, p.last, p.postcode, p.city, p.email] for p in who]
    sales = [
        ["Umsatzbericht 2024", None, None, None],
        ["erstellt am 03.01.2025 von Buchhaltung", None, None, None],
        [None, None, None, None],
        ["Kundennummer", "Datum", "Warengruppe", "Umsatz (EUR)"],
    ]
    for index, o in enumerate(items):
        sales.append(
            [
                int(o.person.id),
                o.when.replace(hour=0, minute=0, second=0),
                ["Garn", "Nadeln", "Kurse"][index % 3],
                float(o.amount),
            ]
        )
    total = money_total(items)
    sales.append([None, None, None, None])
    sales.append(["Summe", None, None, round(total, 2)])
    sales.append(["Anzahl: " + str(len(items)), None, None, None])
    overview = [["Übersicht", None], ["Kunden", len(who)], ["Umsatz", round(total, 2)]]
    data = workbook_bytes(
        {"Übersicht": overview, "Kunden": customers, "Umsätze 2024": sales},
        formats={"Umsätze 2024": {2: "DD.MM.YYYY", 4: '#,##0.00 "€"'}},
    )
    lines = len(sales)
    add(
        "umsatzbericht_mehrere_blaetter.xlsx",
        data,
        sheet="Umsätze 2024",
        system="Excel (report workbook)",
        customer_id="Kundennummer",
        mapping={
            "customer_id": "Kundennummer",
            "date": "Datum",
            "category": "Warengruppe",
            "amount": "Umsatz (EUR)",
        },
        unmapped=[],
        report_rows=[1, 2, lines - 1, lines],
        report_values=["Summe", f"Anzahl: {len(items)}", "Umsatzbericht 2024"],
        spots=purchase_spots(items, (0, -1)),
        **purchase_truth(items),
    )
    add(
        "umsatzbericht_kundenblatt.xlsx",
        data,
        sheet="Kunden",
        system="Excel (report workbook)",
        customer_id="Kundennummer",
        mapping={
            "customer_id": "Kundennummer",
            "first_name": "Vorname",
            "last_name": "Nachname",
            "postcode": "PLZ",
            "city": "Ort",
            "email": "E-Mail",
        },
        unmapped=[],
        customers=len(who),
        purchases=0,
        revenue=0.0,
        spots=[
            {"customer": who[0].id, "column": "postcode", "value": who[0].postcode},
            {"customer": who[7].id, "column": "city", "value": who[7].city},
        ],
    )

    # one sheet, German report layout: title, blank, header, data, totals row "Gesamt"
    rng = random.Random(1002)
    who = people(rng, 25, "de", id_of=lambda i: f"D-{i + 1:03d}")
    rows = [
        ["Kundenliste Filiale Leipzig", None, None, None, None],
        ["Stand: 31.12.2024", None, None, None, None],
        ["Kd.-Nr.", "Name", "Vorname", "Geburtsdatum", "Jahresumsatz"],
    ]
    births = []
    for index, p in enumerate(who):
        birth = dt.datetime(1950 + index, (index % 12) + 1, (index % 27) + 1)
        births.append(birth)
        rows.append([p.id, p.last, p.first, birth, float(rng.randint(1000, 900000)) / 100])
    rows.append(["Anzahl: 25", None, None, None, None])
    data = workbook_bytes({"Kunden": rows}, formats={"Kunden": {4: "DD.MM.YYYY"}})
    add(
        "kundenliste_filiale_titel_anzahl.xlsx",
        data,
        system="Excel (report workbook)",
        customer_id="Kd.-Nr.",
        mapping={
            "customer_id": "Kd.-Nr.",
            "last_name": "Name",
            "first_name": "Vorname",
            "birth_date": "Geburtsdatum",
        },
        unmapped=["Jahresumsatz"],
        customers=len(who),
        purchases=0,
        revenue=0.0,
        report_rows=[1, 2, len(rows)],
        report_values=["Anzahl: 25", "Kundenliste Filiale Leipzig"],
        spots=[
            {"customer": "D-001", "column": "birth_date", "value": day(births[0])},
            {"customer": "D-025", "column": "last_name", "value": who[24].last},
        ],
    )

    # German Excel "CSV (Trennzeichen-getrennt)" of purchases with a totals line at the end
    rng = random.Random(1003)
    who = people(rng, 9, "de", id_of=lambda i: str(30001 + i))
    items = orders(rng, who, 16, start=dt.datetime(2023, 7, 1), days=365, low=990, high=250000)
    header = ["Kundennr.", "Kaufdatum", "Artikel", "Menge", "Umsatz", "Filiale"]
    rows = [
        [
            o.person.id,
            o.when.strftime("%d.%m.%Y"),
            "Strickgarn; Merino" if i == 3 else "Strickgarn",
            str(o.quantity),
            de_money(o.amount),
            ["Leipzig", "Halle"][i % 2],
        ]
        for i, o in enumerate(items)
    ]
    total = de_money(Decimal(str(money_total(items))).quantize(Decimal("0.01")))
    after = [f"Summe;;;{sum(o.quantity for o in items)};{total};"]
    add(
        "umsaetze_excel_cp1252.csv",
        csv_bytes(header, rows, delimiter=";", encoding="cp1252", after=after),
        system="Excel (CSV Trennzeichen-getrennt)",
        customer_id="Kundennr.",
        currency="EUR",
        mapping={
            "customer_id": "Kundennr.",
            "date": "Kaufdatum",
            "quantity": "Menge",
            "amount": "Umsatz",
            "channel": "Filiale",
        },
        unmapped=[],
        report_rows=[len(rows) + 2],
        report_values=["Summe"],
        spots=purchase_spots(items, (0, 3), quantity=True),
        **purchase_truth(items),
    )


# ---------------------------------------------------------------- APIs, warehouse, POS


def machine_exports() -> None:
    rng = random.Random(1101)
    who = people(rng, 8, "de", id_of=lambda i: f"0{4000 + i}")
    items = orders(rng, who, 15, start=dt.datetime(2024, 1, 2), days=300)
    # two orders just after local midnight: in UTC they fall on the previous day
    items[2].when = dt.datetime(2024, 4, 1, 0, 30)
    items[6].when = dt.datetime(2024, 11, 30, 0, 5)
    items.sort(key=lambda o: o.when)
    lines = []
    for index, o in enumerate(items):
        offset = "+02:00" if 4 <= o.when.month <= 9 else "+01:00"
        lines.append(
            json.dumps(
                {
                    "order_id": f"ORD-{index + 1:05d}",
                    "customer": {
                        "id": o.person.id,
                        "email": o.person.email,
                        "address": {"zip": o.person.postcode, "city": o.person.city},
                    },
                    "created_at": o.when.strftime("%Y-%m-%dT%H:%M:%S") + offset,
                    "total_price": str(o.amount),
                    "currency": "EUR",
                    "line_items": o.quantity,
                },
                ensure_ascii=False,
            )
        )
    midnight = next(i for i, o in enumerate(items) if o.when == dt.datetime(2024, 4, 1, 0, 30))
    add(
        "api_orders.jsonl",
        ("\n".join(lines) + "\n").encode(),
        system="Shop API (JSON lines)",
        customer_id="customer.id",
        currency="EUR",
        mapping={
            "customer_id": "customer.id",
            "email": "customer.email",
            "postcode": "customer.address.zip",
            "city": "customer.address.city",
            "date": "created_at",
            "amount": "total_price",
        },
        unmapped=["order_id", "line_items"],
        spots=purchase_spots(items, (0, midnight, -1)),
        **purchase_truth(items),
    )

    rng = random.Random(1102)
    who = people(rng, 6, "de", id_of=lambda i: str(900 + i))
    records = [
        {
            "id": p.id,
            "firstName": p.first,
            "lastName": p.last,
            "email": p.email,
            "createdAt": p.created.strftime("%Y-%m-%dT%H:%M:%S.000+01:00"),
            "address": {"zipcode": p.postcode, "city": p.city, "country": "DE"},
            "newsletter": bool(i % 2),
        }
        for i, p in enumerate(who)
    ]
    add(
        "shopware_customers.json",
        json.dumps(records, ensure_ascii=False, indent=2).encode(),
        system="Shopware 6 (Admin API)",
        customer_id="id",
        mapping={
            "customer_id": "id",
            "first_name": "firstName",
            "last_name": "lastName",
            "email": "email",
            "acquired_at": "createdAt",
            "postcode": "address.zipcode",
            "city": "address.city",
            "country": "address.country",
        },
        unmapped=["newsletter"],
        customers=len(who),
        purchases=0,
        revenue=0.0,
        spots=[
            {"customer": who[1].id, "column": "acquired_at", "value": day(who[1].created)},
            {"customer": who[1].id, "column": "postcode", "value": who[1].postcode},
        ],
    )

    rng = random.Random(1103)
    who = people(rng, 12, "de", id_of=lambda i: f"{i * 37 + 5:08d}")
    items = orders(rng, who, 30, start=dt.datetime(2023, 1, 2), days=700)
    table = pa.table(
        {
            "customer_id": pa.array([o.person.id for o in items], pa.string()),
            "order_ts": pa.array([o.when for o in items], pa.timestamp("us")),
            "revenue_eur": pa.array([o.amount for o in items], pa.decimal128(12, 2)),
            "units": pa.array([o.quantity for o in items], pa.int32()),
            "channel": pa.array([["online", "store"][i % 2] for i in range(len(items))]),
            "order_key": pa.array([10_000_000_000 + i for i in range(len(items))], pa.int64()),
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    add(
        "warehouse_orders.parquet",
        buffer.getvalue(),
        system="Data warehouse (dbt model as Parquet)",
        customer_id="customer_id",
        mapping={
            "customer_id": "customer_id",
            "date": "order_ts",
            "amount": "revenue_eur",
            "quantity": "units",
            "channel": "channel",
        },
        unmapped=["order_key"],
        spots=purchase_spots(items, (0, -1), quantity=True),
        **purchase_truth(items),
    )

    # a till system: 400 customers with 1 to 4 purchases each, one year
    rng = random.Random(1104)
    header = ["Bon-Nr.", "Datum", "Uhrzeit", "Kundenkarte", "Summe brutto", "Zahlart"]
    bons = []
    for customer in range(400):
        first_day = rng.randrange(300)
        for k in range(rng.randint(1, 4)):
            when = dt.datetime(2024, 1, 2) + dt.timedelta(
                days=first_day + 20 * k + rng.randrange(15), minutes=rng.randint(480, 1200)
            )
            bons.append((when, f"KK{700000 + customer}", Decimal(rng.randint(250, 9000)) / 100))
    bons.sort()
    rows = [
        [
            str(100000 + i),
            w.strftime("%d.%m.%Y"),
            w.strftime("%H:%M"),
            c,
            de_money(a),
            ["bar", "EC", "Karte"][i % 3],
        ]
        for i, (w, c, a) in enumerate(bons)
    ]
    first = bons[0]
    add(
        "kasse_kundenkarten.csv",
        csv_bytes(header, rows, delimiter=";", encoding="cp1252"),
        system="Kassensystem (Kundenkarten-Auswertung)",
        customer_id="Kundenkarte",
        mapping={"customer_id": "Kundenkarte", "date": "Datum", "amount": "Summe brutto"},
        unmapped=["Bon-Nr.", "Uhrzeit"],
        customers=400,
        purchases=len(bons),
        revenue=float(sum(a for _, _, a in bons)),
        clv_finite=True,
        spots=[
            {"customer": first[1], "purchase": 0, "column": "date", "value": day(first[0])},
            {"customer": first[1], "purchase": 0, "column": "amount", "value": float(first[2])},
        ],
    )


# ---------------------------------------------------------------- truth as TOML


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int,)):
        return str(value)
    if isinstance(value, float):
        return repr(round(value, 2))
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(value)


def _key(name: str) -> str:
    return name if name.replace("_", "").isalnum() and name.isascii() else json.dumps(name)


def expected_toml() -> str:
    lines = [
        "# The truth of every file in this folder, written by make_files.py from the records",
        "# it wrote the file from (never from what kundenmodell reads). Field meanings: see",
        "# the docstring of make_files.py.",
        "",
    ]
    order = [
        "system",
        "sheet",
        "customer_id",
        "currency",
        "customers",
        "purchases",
        "revenue",
        "clv_finite",
        "report_rows",
        "report_values",
        "unmapped",
    ]
    for name, truth in TRUTH.items():
        lines.append(f"[{json.dumps(name, ensure_ascii=False)}]")
        for key in order:
            if key in truth:
                lines.append(f"{key} = {_toml_value(truth[key])}")
        lines.append("spots = [")
        lines.extend(f"  {_toml_value(spot)}," for spot in truth["spots"])
        lines.append("]")
        lines.append(f"[{json.dumps(name, ensure_ascii=False)}.mapping]")
        lines.extend(f"{key} = {_toml_value(value)}" for key, value in truth["mapping"].items())
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    for make in (
        shopify,
        woocommerce,
        hubspot,
        mailchimp,
        salesforce,
        german_accounting,
        norway,
        uk,
        crm_and_payments,
        excel_reports,
        machine_exports,
    ):
        make()
    for name, data in FILES.items():
        (HERE / name).write_bytes(data)
    (HERE / "expected.toml").write_text(expected_toml(), encoding="utf-8")
    systems = {truth["system"].split(" (")[0] for truth in TRUTH.values()}
    print(f"wrote {len(FILES)} files from {len(systems)} systems")


if __name__ == "__main__":
    main()
