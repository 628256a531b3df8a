"""The domain vocabulary: the words a spa, salon, med-spa or gym actually uses.

Plain data only (frozen dataclasses and tuples), read by the entity factory.
Places carry a real IANA time zone and, where Zenoti's samples show them,
Zenoti's own numeric ids. ``places`` holds countries and center sites,
``offerings`` what a center sells and who works there; guest-facing words
(feedback, booking links) live here.
"""

from __future__ import annotations

from mockzenoti.vocab.kinds import CENTER_KINDS, CenterKind
from mockzenoti.vocab.offerings import (
    CLASSES,
    JOBS,
    MEMBERSHIPS,
    PACKAGES,
    PRODUCTS,
    ROOMS,
    SERVICES,
    ClassTemplate,
    MembershipPlanSpec,
    PackagePlanSpec,
    ProductSpec,
    ServiceSpec,
)
from mockzenoti.vocab.places import COUNTRIES, EMAIL_DOMAINS, SITES, Country, Site

__all__ = [
    "CENTER_KINDS",
    "CLASSES",
    "COUNTRIES",
    "EMAIL_DOMAINS",
    "FEEDBACK_COMMENTS",
    "FEEDBACK_TAGS",
    "FREEZE_COMMENTS",
    "JOBS",
    "MEMBERSHIPS",
    "MEMBERSHIP_CANCEL_REASONS",
    "ORG_NAMES",
    "PACKAGES",
    "PRODUCTS",
    "ROOMS",
    "SERVICES",
    "SITES",
    "UTM_SOURCES",
    "CenterKind",
    "ClassTemplate",
    "Country",
    "MembershipPlanSpec",
    "PackagePlanSpec",
    "ProductSpec",
    "ServiceSpec",
    "Site",
]

# Organization names per kind: (first words, second words); "Serenity" + "Day Spa".
ORG_NAMES: dict[CenterKind, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "spa": (
        ("Serenity", "Tranquil", "Willow", "Lotus", "Azure", "Cedar"),
        ("Day Spa", "Spa & Wellness", "Spa"),
    ),
    "salon": (
        ("Luxe", "Mane", "Velvet", "Copper", "Bloom", "Gloss"),
        ("Hair Studio", "Salon", "Salon & Spa"),
    ),
    "med-spa": (
        ("Radiance", "Lumiere", "Derma", "Glow", "Vivid", "Pure"),
        ("Med Spa", "Aesthetics", "Skin Clinic"),
    ),
    "fitness": (
        ("Pulse", "Core", "Ironwood", "Summit", "Flow", "Kinetic"),
        ("Fitness", "Studios", "Yoga & Cycle"),
    ),
}

# Feedback tags: ids 1-5 as in the documented Feedback V2 sample, then more in its style.
FEEDBACK_TAGS: tuple[tuple[int, str], ...] = (
    (1, "ambience"),
    (2, "check-in"),
    (3, "check-out"),
    (4, "cleanliness"),
    (5, "safety standards"),
    (6, "staff friendliness"),
    (7, "therapist skill"),
    (8, "value for money"),
    (9, "punctuality"),
    (10, "booking experience"),
)

FEEDBACK_COMMENTS: tuple[str, ...] = (
    "Loved it, will book again.",
    "Great service, a little wait at check-in.",
    "Room was a bit cold.",
    "Best massage I've had in years!",
    "Front desk was very helpful.",
    "Started late but worth it.",
    "Very clean and relaxing.",
    "Prices are high for the time.",
    "",
    "Friendly staff and easy booking.",
)

# (utm_source, utm_medium) pairs of booking links; "booknow" is Zenoti's own widget.
UTM_SOURCES: tuple[tuple[str, str], ...] = (
    ("booknow", "online"),
    ("booknow", "online"),
    ("booknow", "online"),
    ("facebook", "online"),
    ("instagram", "social"),
    ("google", "cpc"),
    ("email", "newsletter"),
    ("yelp", "referral"),
)

MEMBERSHIP_CANCEL_REASONS: tuple[str, ...] = (
    "Moving away",
    "Too expensive",
    "Not using it enough",
    "Medical reasons",
    "Switching to another studio",
    "Membership Cancellation Reason",
)

FREEZE_COMMENTS: tuple[str, ...] = (
    "paused",
    "Travelling for work",
    "Injury - doctor's note on file",
    "Holiday",
    "Maternity leave",
    "Requested by guest",
)
