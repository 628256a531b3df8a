"""People: names drawn once from Faker into pools, then e-mails and phones made to match.

Faker is slow per call (tens of microseconds with weighting), so each locale's
names are drawn once into a pool (``Faker(use_weighting=False)``, seeded from
the caller's rng) and every person after that is a few ``random.Random``
picks. Only Faker's person provider is loaded: the names are the same, and
a locale is ready in a tenth of the time (Faker would otherwise find and
load every provider of the locale, about 40 ms of start-up each). A name,
its e-mail address and its phone number agree: the address is built from
the name, the phone's country code and leading digits are the center's
country's.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from mockzenoti.factory import draws
from mockzenoti.model import Guest, Phone
from mockzenoti.vocab import EMAIL_DOMAINS, Country, Site

__all__ = [
    "NamePool",
    "Person",
    "PersonMaker",
    "ascii_word",
    "cased",
    "email_local_part",
    "name_pool",
]

POOL_FIRST = 160  # first names per gender and locale
POOL_LAST = 320  # last names per locale


@dataclass(frozen=True, slots=True)
class NamePool:
    """First names by gender and last names of one locale."""

    female: tuple[str, ...]
    male: tuple[str, ...]
    last: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Person:
    """A name with the gender code Zenoti uses (0 male, 1 female; inferred)."""

    first_name: str
    last_name: str
    gender: int


_fakers: dict[str, Any] = {}
#: The Faker providers the pools draw from (first and last names).
_PROVIDERS = ["faker.providers.person"]


def _faker(locale: str) -> Any:
    fake = _fakers.get(locale)
    if fake is None:
        from faker import Faker  # imported on first use: it takes a while to load

        fake = Faker(locale, providers=_PROVIDERS, use_weighting=False)
        _fakers[locale] = fake
    return fake


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v and " " not in v))


# Surnames Faker writes in one case that people write with a capital inside: the Gaelic
# "Mac" names (only these: Mack, Macias and Machado are not "Mac" names) and "O'" names.
_MAC_NAMES = frozenset(
    {"Macdonald", "Macgregor", "Mackenzie", "Mackinnon", "Maclean", "Macleod", "Macmillan"}
)
_O_NAMES = frozenset(
    {
        "Obrien",
        "Ocallaghan",
        "Oconnell",
        "Oconnor",
        "Odonnell",
        "Odwyer",
        "Ohara",
        "Okeefe",
        "Oleary",
        "Oneal",
        "Oneil",
        "Oneill",
        "Oreilly",
        "Orourke",
        "Osullivan",
    }
)


def cased(name: str) -> str:
    """``name`` cased as people write it: ``Mcbride`` -> ``McBride``, ``Oneal`` -> ``O'Neal``.

    Faker's English surname lists lower-case everything after the first letter;
    ``MacDonald`` and the ``O'`` names are fixed from short lists, every
    ``Mc`` name by rule. Any other name is returned unchanged.
    """
    if len(name) > 2 and name.startswith("Mc") and name[2].islower():
        return "Mc" + name[2:].capitalize()
    if name in _MAC_NAMES:
        return "Mac" + name[3:].capitalize()
    if name in _O_NAMES:
        return "O'" + name[1:].capitalize()
    return name


@lru_cache(maxsize=64)
def name_pool(locale: str, seed: int) -> NamePool:
    """The name pool of ``locale`` for ``seed`` (drawn with Faker once, then cached)."""
    fake = _faker(locale)
    fake.seed_instance(seed)
    return NamePool(
        female=_unique([fake.first_name_female() for _ in range(POOL_FIRST)]),
        male=_unique([fake.first_name_male() for _ in range(POOL_FIRST)]),
        last=_unique([cased(fake.last_name()) for _ in range(POOL_LAST)]),
    )


def email_local_part(first: str, last: str, rng: random.Random) -> str:
    """An e-mail local part built from a name, in one of the forms people pick."""
    f, la = _ascii(first), _ascii(last)
    form = draws.below(rng, 8)
    if form == 0:
        return f"{f}{la}"
    if form == 1:
        return f"{f[0]}{la}"
    if form == 2:
        return f"{f}.{la}{rng.randrange(1, 99)}"
    if form == 3:
        return f"{f}_{la}"
    if form == 4:
        return f"{f}{la[0]}{rng.randrange(70, 100)}"
    return f"{f}.{la}"


def ascii_word(text: str) -> str:
    """``text`` folded to ASCII letters and digits, case kept (``Zoé`` -> ``Zoe``)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded if ch.isalnum())


def _ascii(text: str) -> str:
    return ascii_word(text).lower() or "guest"


class PersonMaker:
    """Makes names, e-mails and phones for one country from pooled Faker names."""

    __slots__ = ("_country", "_domains", "_pools", "_rng")

    def __init__(self, country: Country, rng: random.Random, seed: int) -> None:
        self._country = country
        self._rng = rng
        self._pools = [
            name_pool(loc, (seed * 31 + i) & 0xFFFFFFFF)
            for i, loc in enumerate(country.faker_locales)
        ]
        self._domains = EMAIL_DOMAINS[country.iso]

    @property
    def country(self) -> Country:
        """The country the people come from."""
        return self._country

    def person(self, gender: int | None = None) -> Person:
        """A name; ``gender`` 0 male, 1 female, or None to choose (60 % female)."""
        rng = self._rng
        pool = draws.choice(rng, self._pools)
        if gender is None:
            gender = 1 if rng.random() < 0.6 else 0
        first = draws.choice(rng, pool.female if gender == 1 else pool.male)
        return Person(first, draws.choice(rng, pool.last), gender)

    def guest_email(self, person: Person) -> str:
        """A personal address derived from the name, at a common mail provider."""
        return self.email_for(person.first_name, person.last_name)

    def staff_email(self, first: str, last: str, domain: str) -> str:
        """A work address at ``domain``: ``Zoe.Rivero@...`` or ``Zoe@...`` (case kept)."""
        f, la = ascii_word(first) or "staff", ascii_word(last)
        return f"{f}.{la}@{domain}" if la and self._rng.random() < 0.7 else f"{f}@{domain}"

    def email_for(self, first: str, last: str, domain: str | None = None) -> str:
        """An address derived from ``first`` and ``last`` at ``domain`` (or a common provider)."""
        local = email_local_part(first, last, self._rng)
        return f"{local}@{domain or draws.choice(self._rng, self._domains)}"

    def mobile(self, site: Site | None = None) -> Phone:
        """A mobile number of the country; North American ones use the site's area code."""
        rng = self._rng
        c = self._country
        if c.phone_code == 1:
            area = site.area_code if site is not None and rng.random() < 0.7 else None
            head = area or draws.choice(rng, c.mobile_prefixes)
            body = f"{draws.randint(rng, 2, 9)}{draws.below(rng, 10**6):06d}"
            return Phone(1, head + body)
        head = draws.choice(rng, c.mobile_prefixes)
        rest = c.mobile_length - len(head)
        return Phone(c.phone_code, f"{head}{draws.below(rng, 10**rest):0{rest}d}")

    def landline(self, site: Site) -> Phone:
        """A landline number in the site's area."""
        c = self._country
        rest = c.mobile_length - len(site.area_code)
        first = str(self._rng.randrange(2, 10))
        tail = f"{self._rng.randrange(10 ** (rest - 1)):0{rest - 1}d}"
        return Phone(c.phone_code, site.area_code + first + tail)


_CODE_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def typical_guest_edit(guest: Guest, maker: PersonMaker, rng: random.Random) -> None:
    """Change what a guest's record most often changes by, one of four edits.

    A merged duplicate (the code gains a three-letter suffix, as ``1A347`` became
    ``1A347ABH`` in the docs' samples), a new e-mail at another provider, a new
    surname with the address following it, or WhatsApp messages turned off.
    """
    change = rng.randrange(4)
    if change == 0:
        guest.code += "".join(rng.choice(_CODE_LETTERS) for _ in range(3))
    elif change == 1:
        guest.email = maker.email_for(guest.first_name, guest.last_name)
    elif change == 2:
        guest.last_name = maker.person(guest.gender).last_name
        if guest.email:
            domain = guest.email.rsplit("@", 1)[1]
            guest.email = maker.email_for(guest.first_name, guest.last_name, domain)
    else:
        guest.preferences.transactional_whatsapp = "opted-out"
    refresh_optin_codes(guest)


def refresh_optin_codes(guest: Guest) -> None:
    """Set the numeric opt-in codes an edited guest record carries (WhatsApp off: 6)."""
    whatsapp = 6 if guest.preferences.transactional_whatsapp == "opted-out" else 1
    guest.optin_codes = (1, 1, 1, 1, whatsapp)
