"""Per-locale facts for the synthetic generator, as data.

One :class:`LocaleFacts` per supported locale: which Faker locale supplies the names, the
currency and how money amounts scale against the euro, the big cities (with real postcodes)
that urban customers live in, the phone number format, e-mail domains, nationalities and the
localised names of the purchase categories and industries. The workbench locale ``nb_NO``
(bokmål) maps to Faker's ``no_NO``.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from kundenmodell.synth.types import Mix, mix


@dataclass(frozen=True)
class City:
    """A big city: its name, a weight (roughly its population) and some of its postcodes."""

    name: str
    weight: float
    postcodes: tuple[str, ...]


@dataclass(frozen=True)
class PhoneFormat:
    """Phone numbers as one of ``prefixes`` followed by ``pattern``.

    In the pattern ``#`` is any digit, ``N`` a digit from 2 to 9; other characters are kept.
    """

    prefixes: tuple[str, ...]
    pattern: str


@dataclass(frozen=True)
class LocaleFacts:
    """Everything locale-specific the generator needs.

    ``money_factor`` converts euro amounts of the customer types into the locale currency
    (NOK is about ten times EUR). ``categories`` and ``industries`` map stable English keys
    to the names shown in the data.
    """

    locale: str
    faker_locale: str
    currency: str
    money_factor: float
    income_rounding: int
    country: str
    nationalities: Mix
    big_cities: tuple[City, ...]
    phone: PhoneFormat
    email_domains: Mix
    company_tld: str
    categories: MappingProxyType[str, str]
    industries: MappingProxyType[str, str]


def _names(**names: str) -> MappingProxyType[str, str]:
    return MappingProxyType(names)


INDUSTRIES = (
    "manufacturing",
    "retail",
    "it_services",
    "healthcare",
    "logistics",
    "construction",
    "finance",
    "education",
    "public_sector",
    "hospitality",
    "automotive",
    "energy",
)

DE_DE = LocaleFacts(
    locale="de_DE",
    faker_locale="de_DE",
    currency="EUR",
    money_factor=1.0,
    income_rounding=100,
    country="DE",
    nationalities=mix(DE=0.88, TR=0.03, PL=0.02, IT=0.015, RO=0.015, SY=0.01, AT=0.01, UA=0.02),
    big_cities=(
        City("Berlin", 3.7, ("10115", "10243", "10437", "10785", "12043", "12099", "13353")),
        City("Hamburg", 1.9, ("20095", "20249", "21073", "22041", "22765")),
        City("München", 1.5, ("80331", "80469", "80797", "81369", "81667")),
        City("Köln", 1.1, ("50667", "50733", "50823", "51063")),
        City("Frankfurt am Main", 0.77, ("60311", "60486", "60594", "65929")),
        City("Stuttgart", 0.63, ("70173", "70190", "70372")),
        City("Düsseldorf", 0.62, ("40210", "40477", "40545")),
        City("Leipzig", 0.61, ("04103", "04229", "04317")),
        City("Dortmund", 0.59, ("44135", "44137", "44147")),
        City("Essen", 0.58, ("45127", "45138", "45147")),
        City("Bremen", 0.57, ("28195", "28203", "28211")),
        City("Dresden", 0.56, ("01067", "01099", "01277")),
        City("Hannover", 0.54, ("30159", "30161", "30173")),
        City("Nürnberg", 0.52, ("90402", "90429", "90461")),
    ),
    phone=PhoneFormat(
        prefixes=tuple(f"+49 {prefix} " for prefix in (151, 152, 155, 157, 159)),
        pattern="########",
    ),
    email_domains=mix(
        **{
            "gmx.de": 0.22,
            "web.de": 0.22,
            "gmail.com": 0.20,
            "t-online.de": 0.14,
            "outlook.de": 0.10,
            "posteo.de": 0.04,
            "freenet.de": 0.08,
        }
    ),
    company_tld="de",
    categories=_names(
        toys="Spielwaren",
        kids_clothing="Kinderbekleidung",
        fashion="Mode",
        electronics="Elektronik",
        home="Haus & Garten",
        books="Bücher",
        sports="Sport & Freizeit",
        beauty="Drogerie & Beauty",
        groceries="Lebensmittel",
        office_supplies="Bürobedarf",
        it_hardware="IT-Hardware",
        furniture="Büromöbel",
    ),
    industries=_names(
        manufacturing="Maschinenbau",
        retail="Handel",
        it_services="IT-Dienstleistungen",
        healthcare="Gesundheitswesen",
        logistics="Logistik",
        construction="Bauwesen",
        finance="Finanzdienstleistungen",
        education="Bildung",
        public_sector="Öffentliche Verwaltung",
        hospitality="Gastgewerbe",
        automotive="Automobil",
        energy="Energie",
    ),
)

EN_US = LocaleFacts(
    locale="en_US",
    faker_locale="en_US",
    currency="USD",
    money_factor=1.1,
    income_rounding=100,
    country="US",
    nationalities=mix(US=0.92, MX=0.025, IN=0.015, CN=0.01, CA=0.01, GB=0.01, PH=0.01),
    big_cities=(
        City("New York", 8.3, ("10001", "10011", "10025", "11201", "11215", "10467")),
        City("Los Angeles", 3.9, ("90012", "90026", "90034", "90045", "91331")),
        City("Chicago", 2.7, ("60601", "60614", "60647", "60629")),
        City("Houston", 2.3, ("77002", "77006", "77019", "77096")),
        City("Phoenix", 1.6, ("85003", "85016", "85032")),
        City("Philadelphia", 1.6, ("19103", "19147", "19143")),
        City("San Antonio", 1.5, ("78205", "78209", "78245")),
        City("San Diego", 1.4, ("92101", "92103", "92117")),
        City("Dallas", 1.3, ("75201", "75204", "75217")),
        City("Seattle", 0.75, ("98101", "98103", "98115")),
        City("Boston", 0.65, ("02108", "02116", "02130")),
        City("Denver", 0.71, ("80202", "80205", "80219")),
    ),
    phone=PhoneFormat(
        prefixes=tuple(
            f"({code}) "
            for code in (212, 718, 917, 213, 310, 312, 773, 713, 602, 215, 210, 619, 214, 206)
        ),
        pattern="N##-####",
    ),
    email_domains=mix(
        **{
            "gmail.com": 0.40,
            "yahoo.com": 0.15,
            "outlook.com": 0.12,
            "hotmail.com": 0.10,
            "icloud.com": 0.13,
            "aol.com": 0.05,
            "comcast.net": 0.05,
        }
    ),
    company_tld="com",
    categories=_names(
        toys="Toys",
        kids_clothing="Kids' Clothing",
        fashion="Fashion",
        electronics="Electronics",
        home="Home & Garden",
        books="Books",
        sports="Sports & Outdoors",
        beauty="Beauty & Health",
        groceries="Groceries",
        office_supplies="Office Supplies",
        it_hardware="IT Hardware",
        furniture="Office Furniture",
    ),
    industries=_names(
        manufacturing="Manufacturing",
        retail="Retail",
        it_services="IT Services",
        healthcare="Healthcare",
        logistics="Logistics",
        construction="Construction",
        finance="Financial Services",
        education="Education",
        public_sector="Public Sector",
        hospitality="Hospitality",
        automotive="Automotive",
        energy="Energy",
    ),
)

NB_NO = LocaleFacts(
    locale="nb_NO",
    faker_locale="no_NO",
    currency="NOK",
    money_factor=11.0,
    income_rounding=1000,
    country="NO",
    nationalities=mix(NO=0.89, PL=0.025, SE=0.02, LT=0.015, DK=0.01, DE=0.01, SY=0.01, SO=0.01),
    big_cities=(
        City("Oslo", 7.1, ("0150", "0250", "0355", "0462", "0560", "0657", "0768", "0975")),
        City("Bergen", 2.9, ("5003", "5006", "5008", "5055", "5089")),
        City("Trondheim", 2.1, ("7010", "7014", "7030", "7043")),
        City("Stavanger", 1.4, ("4005", "4010", "4014", "4021")),
        City("Drammen", 1.0, ("3015", "3022", "3041")),
        City("Fredrikstad", 0.8, ("1606", "1613", "1630")),
        City("Kristiansand", 1.1, ("4608", "4612", "4631")),
        City("Sandnes", 0.8, ("4307", "4313", "4322")),
        City("Tromsø", 0.8, ("9008", "9010", "9019")),
    ),
    phone=PhoneFormat(prefixes=("+47 4", "+47 9"), pattern="## ## ###"),
    email_domains=mix(
        **{
            "gmail.com": 0.35,
            "hotmail.com": 0.15,
            "online.no": 0.15,
            "outlook.com": 0.12,
            "live.no": 0.08,
            "icloud.com": 0.10,
            "yahoo.no": 0.05,
        }
    ),
    company_tld="no",
    categories=_names(
        toys="Leker",
        kids_clothing="Barneklær",
        fashion="Klær og mote",
        electronics="Elektronikk",
        home="Hjem og hage",
        books="Bøker",
        sports="Sport og fritid",
        beauty="Skjønnhet og helse",
        groceries="Dagligvarer",
        office_supplies="Kontorrekvisita",
        it_hardware="IT-utstyr",
        furniture="Kontormøbler",
    ),
    industries=_names(
        manufacturing="Industri",
        retail="Varehandel",
        it_services="IT-tjenester",
        healthcare="Helse og omsorg",
        logistics="Transport og logistikk",
        construction="Bygg og anlegg",
        finance="Finans",
        education="Utdanning",
        public_sector="Offentlig forvaltning",
        hospitality="Overnatting og servering",
        automotive="Bil",
        energy="Energi",
    ),
)

LOCALES: MappingProxyType[str, LocaleFacts] = MappingProxyType(
    {facts.locale: facts for facts in (DE_DE, EN_US, NB_NO)}
)
"""The supported locales by workbench locale code."""
