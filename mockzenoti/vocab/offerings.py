"""Offerings: services, add-ons, classes, rooms, jobs, products, membership and package plans.

Each table is keyed by center kind. Prices are list prices in US dollars (a center
abroad converts them: ``Country.price``); durations are minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

from mockzenoti.vocab._table import sections
from mockzenoti.vocab.kinds import CENTER_KINDS, CenterKind

__all__ = [
    "CLASSES",
    "JOBS",
    "MEMBERSHIPS",
    "PACKAGES",
    "PRODUCTS",
    "ROOMS",
    "SERVICES",
    "ClassTemplate",
    "MembershipPlanSpec",
    "PackagePlanSpec",
    "ProductSpec",
    "ServiceSpec",
]


def _by_kind(table: str) -> list[tuple[CenterKind, list[list[str]]]]:
    """A table's rows per center kind (every section must name a kind)."""
    out: list[tuple[CenterKind, list[list[str]]]] = []
    for name, rows in sections(table).items():
        kind = next(k for k in CENTER_KINDS if k == name)
        out.append((kind, rows))
    return out


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """A bookable service: name, code, minutes, list price and whether it is an add-on."""

    name: str
    code: str
    minutes: int
    price: float
    add_on: bool = False
    category_type: int = 1  # package service_category_type (1, 2, 3 seen; meaning undocumented)


# kind section, then: name | code | minutes | list price | service or add-on | category type
_SERVICE_TABLE = """
[spa]
Swedish Massage 60 min | SWM60 | 60 | 120 | service | 1
Swedish Massage 90 min | SWM90 | 90 | 165 | service | 1
Deep Tissue Massage 60 min | DTM60 | 60 | 135 | service | 1
Hot Stone Massage | HSM75 | 75 | 155 | service | 1
Aromatherapy Massage | ARO60 | 60 | 130 | service | 2
Prenatal Massage | PRN60 | 60 | 125 | service | 1
Couples Massage | CPL60 | 60 | 260 | service | 1
Signature Facial | SGF60 | 60 | 140 | service | 2
HydraFacial | HYD45 | 45 | 199 | service | 2
Sea Salt Body Scrub | SSB45 | 45 | 95 | service | 2
Hot Stones Add-On | AOHS | 15 | 25 | add-on | 1
Scalp Massage | AOSM | 15 | 20 | add-on | 1
CBD Oil Upgrade | AOCB | 0 | 30 | add-on | 1
Hand & Foot Paraffin | AOPF | 15 | 25 | add-on | 1
[salon]
Women's Haircut | WHC | 45 | 75 | service | 1
Men's Haircut | MHC | 30 | 45 | service | 1
Blowout | BLO | 45 | 55 | service | 1
Balayage | BAL | 180 | 260 | service | 1
Root Touch-Up | RTU | 90 | 110 | service | 1
Full Highlights | FHL | 150 | 210 | service | 1
Keratin Smoothing Treatment | KST | 150 | 300 | service | 1
Gel Manicure | GMN | 45 | 50 | service | 2
Spa Pedicure | SPD | 60 | 65 | service | 2
Brow Lamination | BRL | 45 | 85 | service | 2
Deep Conditioning | AODC | 15 | 25 | add-on | 1
Olaplex Treatment | AOOL | 15 | 40 | add-on | 1
Nail Art (per nail) | AONA | 10 | 5 | add-on | 1
Brow Shaping | AOBS | 15 | 22 | add-on | 1
[med-spa]
Laser Hair - Male | LHM | 60 | 250 | service | 1
Laser Hair - Female | LHF | 45 | 220 | service | 1
Botox - per unit | BTX | 15 | 14 | service | 1
Dermal Filler - 1 Syringe | DF1 | 45 | 750 | service | 1
HydraFacial | HYDMD | 45 | 225 | service | 2
Chemical Peel | CPL | 45 | 175 | service | 2
Microneedling | MNE | 60 | 350 | service | 1
IPL Photofacial | IPL | 45 | 400 | service | 1
Consultation | CONS | 30 | 0 | service | 3
SkinFit - Level 2 | SKF2 | 60 | 180 | service | 2
LED Light Therapy | AOLED | 15 | 50 | add-on | 1
Numbing Cream | AONC | 20 | 25 | add-on | 1
Dermaplaning | AODP | 15 | 60 | add-on | 1
[fitness]
Personal Training 60 min | PT60 | 60 | 95 | service | 1
Personal Training 30 min | PT30 | 30 | 55 | service | 1
Fitness Assessment | FAS | 45 | 60 | service | 3
Body Composition Scan | BCS | 15 | 35 | service | 3
Nutrition Consultation | NUT | 45 | 80 | service | 1
Sports Massage 30 min | SPM30 | 30 | 65 | service | 2
Assisted Stretch | AOST | 15 | 25 | add-on | 1
Compression Boots | AOCB | 20 | 20 | add-on | 1
"""


SERVICES: dict[CenterKind, tuple[ServiceSpec, ...]] = {
    kind: tuple(
        ServiceSpec(name, code, int(minutes), float(price), what == "add-on", int(category))
        for name, code, minutes, price, what, category in rows
    )
    for kind, rows in _by_kind(_SERVICE_TABLE)
}


@dataclass(frozen=True, slots=True)
class ClassTemplate:
    """A class on the schedule: name, minutes, capacity and how many seats sell online."""

    name: str
    minutes: int
    capacity: int
    web_capacity: int


# kind section, then: class name | minutes | capacity | web capacity
_CLASS_TABLE = """
[fitness]
Vinyasa Flow | 60 | 24 | 20
Spin 45 | 45 | 30 | 26
HIIT | 45 | 20 | 16
Reformer Pilates | 50 | 12 | 10
Barre Sculpt | 55 | 20 | 16
Boxing Bootcamp | 60 | 18 | 14
Power Yoga | 60 | 24 | 20
Aqua Aerobics | 45 | 16 | 12
Mat Pilates | 45 | 20 | 16
Kettlebell Strength | 45 | 14 | 12
[spa]
Yin Yoga | 75 | 16 | 12
Guided Meditation | 30 | 20 | 15
Sound Bath | 60 | 14 | 10
Restorative Yoga | 60 | 14 | 10
[salon]
Styling Workshop | 90 | 10 | 6
Bridal Hair Masterclass | 120 | 8 | 5
[med-spa]
Skin Health Seminar | 60 | 20 | 15
At-Home Skincare Clinic | 45 | 12 | 8
"""

CLASSES: dict[CenterKind, tuple[ClassTemplate, ...]] = {
    kind: tuple(ClassTemplate(n, int(m), int(c), int(w)) for n, m, c, w in rows)
    for kind, rows in _by_kind(_CLASS_TABLE)
}

ROOMS: dict[CenterKind, tuple[str, ...]] = {
    "spa": (
        "Treatment Room 1",
        "Treatment Room 2",
        "Treatment Room 3",
        "Couples Suite",
        "Facial Room",
        "Wet Room",
        "Relaxation Studio",
    ),
    "salon": ("Styling Floor", "Color Bar", "Nail Bar", "Brow Studio", "Private Suite"),
    "med-spa": ("Laser Room 1", "Laser Room 2", "Injection Suite", "Facial Room", "Consult Room"),
    "fitness": ("Studio A", "Studio B", "Cycle Studio", "Reformer Studio", "PT Zone", "Pool"),
}

# Job names as Zenoti writes them (upper case), weighted by how often each kind employs them.
# The first job of each kind is the one that performs most services.
JOBS: dict[CenterKind, tuple[str, ...]] = {
    "spa": ("THERAPIST", "THERAPIST", "THERAPIST", "ESTHETICIAN", "BEAUTICIAN", "FRONT DESK"),
    "salon": ("STYLIST", "STYLIST", "SENIOR STYLIST", "COLORIST", "NAIL TECHNICIAN", "FRONT DESK"),
    "med-spa": ("AESTHETICIAN", "LASER TECHNICIAN", "NURSE INJECTOR", "THERAPIST", "FRONT DESK"),
    "fitness": ("INSTRUCTOR", "INSTRUCTOR", "PERSONAL TRAINER", "THERAPIST", "FRONT DESK"),
}


@dataclass(frozen=True, slots=True)
class ProductSpec:
    """A retail product: name, SKU-like code, list price."""

    name: str
    code: str
    price: float


# kind section, then: product name | code | list price
_PRODUCT_TABLE = """
[spa]
Lavender Body Oil 100ml | LBO100 | 38
Hydrating Serum 30ml | HS30 | 64
Eucalyptus Bath Salts | EBS | 24
Gift Candle | CNDL | 32
[salon]
Argan Oil Shampoo 250ml | AOS250 | 28
Repair Mask 200ml | RM200 | 36
Heat Protect Spray | HPS | 26
Cuticle Oil | CUO | 14
[med-spa]
SPF 50 Mineral Sunscreen | SPF50 | 48
Vitamin C Serum | VCS | 89
Retinol Night Cream | RNC | 72
Gentle Cleanser | GCL | 34
[fitness]
Protein Bar | PBAR | 3.5
Grip Socks | GSOX | 14
Yoga Mat | YMAT | 68
Electrolyte Drink | ELEC | 4.25
"""

PRODUCTS: dict[CenterKind, tuple[ProductSpec, ...]] = {
    kind: tuple(ProductSpec(n, c, float(p)) for n, c, p in rows)
    for kind, rows in _by_kind(_PRODUCT_TABLE)
}


@dataclass(frozen=True, slots=True)
class MembershipPlanSpec:
    """A membership plan: price, months valid, service credit, included service and passes."""

    name: str
    code: str
    price: float
    months: int
    service_credit: float
    included_service: str  # a service of the same kind ("" for credit-only plans)
    included: int  # sessions of that service per term
    guest_passes: int


# kind section, then: name | code | price | months | credit | included service | sessions | passes
_MEMBERSHIP_TABLE = """
[spa]
Massage Club - 1 per month | MC1 | 99 | 12 | 0 | Swedish Massage 60 min | 12 | 0
Glow Membership | GLOW | 149 | 12 | 33.33 | Signature Facial | 6 | 0
Annual Spa VIP | VIP | 1200 | 12 | 100 | Hot Stone Massage | 12 | 4
[salon]
Blowout Club | BLC | 120 | 6 | 0 | Blowout | 24 | 0
Color Care Membership | CCM | 89 | 12 | 20 | Root Touch-Up | 6 | 0
[med-spa]
Skin Membership | SKN | 199 | 12 | 50 | SkinFit - Level 2 | 12 | 0
Injectables Club | INJ | 99 | 12 | 99 |  | 0 | 0
[fitness]
Monthly Unlimited | UNL | 159 | 1 | 0 |  | 0 | 2
10 Class Pack Membership | C10 | 180 | 3 | 0 | Personal Training 30 min | 1 | 1
Annual All Access | ALL | 1490 | 12 | 0 | Sports Massage 30 min | 4 | 6
"""

MEMBERSHIPS: dict[CenterKind, tuple[MembershipPlanSpec, ...]] = {
    kind: tuple(
        MembershipPlanSpec(n, c, float(p), int(m), float(cr), s.strip(), int(i), int(g))
        for n, c, p, m, cr, s, i, g in rows
    )
    for kind, rows in _by_kind(_MEMBERSHIP_TABLE)
}


@dataclass(frozen=True, slots=True)
class PackagePlanSpec:
    """A package: name, code, price, validity in days, and (service name, sessions) it holds."""

    name: str
    code: str
    price: float
    days: int
    services: tuple[tuple[str, int], ...]


# kind section, then: name | code | price | days valid | service x sessions, ...
_PACKAGE_TABLE = """
[spa]
5 Massage Package | 5MP | 550 | 180 | Swedish Massage 60 min x 5
Facial Series | FCS | 380 | 120 | Signature Facial x 2, HydraFacial x 1
[salon]
Blowout Bundle | BB5 | 240 | 90 | Blowout x 5
Mani-Pedi Package | MPP | 300 | 120 | Gel Manicure x 3, Spa Pedicure x 3
[med-spa]
6 Laser Hair Sessions | 6LH | 1200 | 365 | Laser Hair - Female x 6
3 HydraFacial Series | 3HF | 600 | 180 | HydraFacial x 3
Clear Skin Package | CSP | 900 | 180 | Chemical Peel x 2, Microneedling x 2, LED Light Therapy x 2
[fitness]
10 PT Sessions | PT10 | 850 | 180 | Personal Training 60 min x 10
Recovery Pack | RCV | 220 | 90 | Sports Massage 30 min x 3, Assisted Stretch x 3
"""


def _package_services(text: str) -> tuple[tuple[str, int], ...]:
    parts = (item.rsplit(" x ", 1) for item in text.split(", "))
    return tuple((name, int(count)) for name, count in parts)


PACKAGES: dict[CenterKind, tuple[PackagePlanSpec, ...]] = {
    kind: tuple(
        PackagePlanSpec(n, c, float(p), int(d), _package_services(s)) for n, c, p, d, s in rows
    )
    for kind, rows in _by_kind(_PACKAGE_TABLE)
}
