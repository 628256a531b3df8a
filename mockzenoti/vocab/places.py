"""Places: countries as Zenoti numbers them, center sites with real IANA zones, mail domains.

Zenoti's samples show ``country_id`` 225 (United States, phone code 1) and 13
(Australia, phone code 61), and ``culture_id`` 54 and 44 for them; the other ids
are inferred (``documented=False``), taken from the same alphabetical country
list that gives Australia 13 and the United States 225. State ids are not
documented per state; ours are inferred and stable.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["COUNTRIES", "EMAIL_DOMAINS", "SITES", "Country", "Site"]


@dataclass(frozen=True, slots=True)
class Country:
    """A country as Zenoti numbers it, with what phones, names and prices look like there."""

    iso: str
    name: str
    country_id: int  # Zenoti's id (US 225 and AU 13 documented)
    phone_code: int
    culture_id: int  # employee preference_info.culture_id (US 54, AU 44 documented)
    nationality_id: int
    mobile_prefixes: tuple[str, ...]  # leading digits of a national mobile number
    mobile_length: int  # digits in a national number, without the country code
    faker_locales: tuple[str, ...]
    documented: bool
    product_tax_rate: float  # sales tax / VAT / GST on retail products
    currency: str = "USD"  # ISO 4217 code of the prices
    price_factor: float = 1.0  # a price list in US dollars times this, in the local currency
    price_step: float = 1.0  # local prices are whole multiples of this
    trunk_prefix: str = ""  # dialled before a national number at home ("0" in GB, AU, IN)
    weight: int = 1  # how likely a seeded organization is to be in this country

    def price(self, usd: float) -> float:
        """A price of the vocabulary (written in US dollars) in this country's currency.

        Converted by a rough price-level factor (not an exchange rate: a haircut
        costs what a haircut costs there) and rounded to the local step.
        """
        if self.price_factor == 1.0 and self.price_step == 1.0:
            return usd
        step = self.price_step
        local = round(usd * self.price_factor / step) * step
        return float(max(local, step) if usd > 0 else 0)


COUNTRIES: dict[str, Country] = {
    c.iso: c
    for c in (
        Country(
            "US",
            "United States",
            225,
            1,
            54,
            95,
            ("206", "312", "425", "512", "617"),
            10,
            ("en_US", "en_US", "en_US", "es_MX"),
            True,
            0.08,
            currency="USD",
            weight=10,
        ),
        Country(
            "CA",
            "Canada",
            38,
            1,
            49,
            38,
            ("403", "416", "514", "604", "647"),
            10,
            ("en_CA", "en_CA", "fr_CA"),
            False,
            0.13,
            currency="CAD",
            price_factor=1.35,
            price_step=5.0,
            weight=2,
        ),
        Country(
            "GB",
            "United Kingdom",
            224,
            44,
            46,
            224,
            ("74", "75", "77", "78", "79"),
            10,
            ("en_GB",),
            False,
            0.2,
            currency="GBP",
            price_factor=0.8,
            trunk_prefix="0",
            weight=3,
        ),
        Country(
            "AU",
            "Australia",
            13,
            61,
            44,
            13,
            ("40", "41", "42", "43", "45"),
            9,
            ("en_AU", "en_AU", "en_GB"),
            True,
            0.1,
            currency="AUD",
            price_factor=1.5,
            price_step=5.0,
            trunk_prefix="0",
            weight=3,
        ),
        Country(
            "IN",
            "India",
            99,
            91,
            48,
            99,
            ("70", "76", "81", "90", "98"),
            10,
            ("en_IN",),
            False,
            0.18,
            currency="INR",
            price_factor=20.0,
            price_step=50.0,
            trunk_prefix="0",
            weight=2,
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Site:
    """Where a center stands: its Zenoti-style name, code, city and real time zone."""

    name: str  # Zenoti centers are named by location: "Bellevue", "Bethesda"
    code: str  # three letters; invoice prefixes are built from it ("BEL1")
    city: str
    state: str
    state_id: int  # Zenoti's state id (not documented per state: inferred)
    zip_code: str
    country: str  # key of COUNTRIES
    tz: str  # IANA zone
    area_code: str  # landline prefix of the center's own number


_SITE_TABLE = """
Bellevue | BEL | Bellevue | Washington | 125 | 98004 | US | America/Los_Angeles | 425
Capitol Hill | CAP | Seattle | Washington | 125 | 98102 | US | America/Los_Angeles | 206
Pearl District | PRL | Portland | Oregon | 118 | 97209 | US | America/Los_Angeles | 503
La Jolla | LJA | San Diego | California | 96 | 92037 | US | America/Los_Angeles | 858
Old Town Scottsdale | SCT | Scottsdale | Arizona | 94 | 85251 | US | America/Phoenix | 480
Cherry Creek | CHC | Denver | Colorado | 97 | 80206 | US | America/Denver | 303
South Congress | SOC | Austin | Texas | 123 | 78704 | US | America/Chicago | 512
Chicago | CHI | Chicago | Illinois | 104 | 60611 | US | America/Chicago | 312
Bethesda | BTS | Bethesda | Maryland | 111 | 20814 | US | America/New_York | 301
Park Slope | PKS | Brooklyn | New York | 122 | 11215 | US | America/New_York | 718
Back Bay | BBY | Boston | Massachusetts | 112 | 02116 | US | America/New_York | 617
Coral Gables | CGB | Coral Gables | Florida | 100 | 33134 | US | America/New_York | 305
Waikiki | WKK | Honolulu | Hawaii | 102 | 96815 | US | Pacific/Honolulu | 808
West Village | WVG | New York | New York | 122 | 10014 | US | America/New_York | 212
Upper East Side | UES | New York | New York | 122 | 10021 | US | America/New_York | 212
Williamsburg | WBG | Brooklyn | New York | 122 | 11211 | US | America/New_York | 718
Astoria | AST | Queens | New York | 122 | 11102 | US | America/New_York | 718
Scarsdale | SCD | Scarsdale | New York | 122 | 10583 | US | America/New_York | 914
Hoboken | HBK | Hoboken | New Jersey | 120 | 07030 | US | America/New_York | 201
Montclair | MTC | Montclair | New Jersey | 120 | 07042 | US | America/New_York | 973
Princeton | PRN | Princeton | New Jersey | 120 | 08540 | US | America/New_York | 609
Greenwich | GRW | Greenwich | Connecticut | 98 | 06830 | US | America/New_York | 203
West Hartford | WHF | West Hartford | Connecticut | 98 | 06107 | US | America/New_York | 860
Cambridge | CMB | Cambridge | Massachusetts | 112 | 02138 | US | America/New_York | 617
Newton | NWT | Newton | Massachusetts | 112 | 02459 | US | America/New_York | 617
Providence | PVD | Providence | Rhode Island | 130 | 02903 | US | America/New_York | 401
Rittenhouse | RTH | Philadelphia | Pennsylvania | 129 | 19103 | US | America/New_York | 215
Shadyside | SHD | Pittsburgh | Pennsylvania | 129 | 15232 | US | America/New_York | 412
Georgetown | GTN | Washington | District of Columbia | 99 | 20007 | US | America/New_York | 202
Buckhead | BKH | Atlanta | Georgia | 101 | 30305 | US | America/New_York | 404
Yorkville | YRK | Toronto | Ontario | 66 | M5R 1B2 | CA | America/Toronto | 416
Kitsilano | KTS | Vancouver | British Columbia | 60 | V6K 2G4 | CA | America/Vancouver | 604
Beltline | BLT | Calgary | Alberta | 59 | T2R 0B3 | CA | America/Edmonton | 403
Plateau | PLT | Montreal | Quebec | 68 | H2T 2M1 | CA | America/Toronto | 514
Marylebone | MRY | London | England | 210 | W1U 2QJ | GB | Europe/London | 20
Spinningfields | SPF | Manchester | England | 210 | M3 3AP | GB | Europe/London | 161
Stockbridge | STB | Edinburgh | Scotland | 212 | EH3 6SW | GB | Europe/London | 131
Bondi | BON | Sydney | New South Wales | 297 | 2026 | AU | Australia/Sydney | 2
South Yarra | SYA | Melbourne | Victoria | 301 | 3141 | AU | Australia/Melbourne | 3
Fortitude Valley | FTV | Brisbane | Queensland | 299 | 4006 | AU | Australia/Brisbane | 7
Subiaco | SUB | Perth | Western Australia | 302 | 6008 | AU | Australia/Perth | 8
Norwood | NWD | Adelaide | South Australia | 300 | 5067 | AU | Australia/Adelaide | 8
Jubilee Hills | JBH | Hyderabad | Telangana | 1563 | 500033 | IN | Asia/Kolkata | 40
Khammam | KHM | Khammam | Telangana | 1563 | 507001 | IN | Asia/Kolkata | 8742
Indiranagar | IND | Bengaluru | Karnataka | 1541 | 560038 | IN | Asia/Kolkata | 80
Bandra West | BDW | Mumbai | Maharashtra | 1546 | 400050 | IN | Asia/Kolkata | 22
"""


def _sites(table: str) -> tuple[Site, ...]:
    rows = (line.split(" | ") for line in table.strip().splitlines())
    return tuple(
        Site(n, c, ci, st, int(sid), z, co, tz, ac) for n, c, ci, st, sid, z, co, tz, ac in rows
    )


SITES: tuple[Site, ...] = _sites(_SITE_TABLE)


# Free-mail domains per country, for guests (employees use the organization's domain).
EMAIL_DOMAINS: dict[str, tuple[str, ...]] = {
    "US": ("gmail.com", "gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com"),
    "CA": ("gmail.com", "gmail.com", "outlook.com", "yahoo.ca", "icloud.com", "videotron.ca"),
    "GB": ("gmail.com", "outlook.com", "yahoo.co.uk", "btinternet.com", "hotmail.co.uk"),
    "AU": ("gmail.com", "outlook.com", "bigpond.com", "icloud.com", "yahoo.com.au"),
    "IN": ("gmail.com", "gmail.com", "yahoo.co.in", "rediffmail.com", "outlook.com"),
}
