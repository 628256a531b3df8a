"""The domain vocabulary: the words a spa, salon, med-spa or gym actually uses.

Plain data only (frozen dataclasses and tuples), read by the entity factory.
Places carry a real IANA time zone and, where Zenoti's samples show them,
Zenoti's own numeric ids. ``places`` holds countries and center sites,
``offerings`` what a center sells and who works there; guest-facing words
(feedback, booking links) live here; ``hours`` holds each kind's opening hours.
"""

from __future__ import annotations

from mockzenoti.vocab.hours import OPENING_HOURS, WEEKDAYS, OpeningHours
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
    "AFFILIATE_IDS",
    "CAMPAIGN_LINKS",
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
    "OPENING_HOURS",
    "ORG_NAMES",
    "PACKAGES",
    "PRODUCTS",
    "ROOMS",
    "SERVICES",
    "SITES",
    "WEEKDAYS",
    "WIDGET_UPSTREAMS",
    "CenterKind",
    "ClassTemplate",
    "Country",
    "MembershipPlanSpec",
    "OpeningHours",
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

# Bookings made through Zenoti's booking widget carry utm_source "booknow" and, in
# utm_medium, where the guest came from (attested by a consumer of live traffic): an
# upstream source, or an affiliate's id. Repeated entries weigh the draw.
WIDGET_UPSTREAMS: tuple[str, ...] = (
    *("google",) * 8,
    *("instagram",) * 4,
    *("facebook",) * 3,
    *("website",) * 3,
    *("email",) * 2,
    "yelp",
    "sms",
    "tiktok",
)
# Affiliate ids as a widget link carries them in utm_medium (our invention: the form of a
# real affiliate id is not known).
AFFILIATE_IDS: tuple[str, ...] = ("aff10452", "aff20917", "aff31186")
# A campaign's own link (utm_source and utm_medium of the campaign), as the documented
# AppointmentGroup.Created sample shows ("facebook" / "online").
CAMPAIGN_LINKS: tuple[tuple[str, str], ...] = (
    ("facebook", "online"),
    ("instagram", "online"),
    ("google", "cpc"),
    ("email", "newsletter"),
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
