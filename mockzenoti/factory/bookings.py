"""``BookingFactory``: class sessions, class bookings and appointment groups.

The middle layer of ``EntityFactory`` (see ``factory``): session and
registration ids increase from the counters ``EntityFactory`` seeds.
"""

from __future__ import annotations

from mockzenoti.factory import draws
from mockzenoti.factory.sales import SalesFactory
from mockzenoti.model import (
    Appointment,
    AppointmentGroup,
    Center,
    ClassBooking,
    ClassOffering,
    ClassSession,
    Employee,
    Guest,
    Invoice,
    InvoiceItem,
    Service,
)
from mockzenoti.timefmt import MINUTE_TICKS as MINUTE
from mockzenoti.vocab import AFFILIATE_IDS, CAMPAIGN_LINKS, WIDGET_UPSTREAMS

__all__ = ["NO_UTM", "BookingFactory"]

NO_UTM = ("", "")  # a booking made at the front desk carries no UTM values
_REQUEST_TYPES = (0, 0, 0, 0, 0, 3, 3, 3, 4, 4)  # therapist_request_type, as seen in samples


class BookingFactory(SalesFactory):
    """Creates class sessions, class bookings and appointment groups."""

    _next_session_id: int
    _next_registration_id: int
    _next_recurrence_id: int

    # -- classes ----------------------------------------------------------------------

    def class_session(
        self,
        center: Center,
        start: int,
        *,
        offering: ClassOffering | None = None,
        instructor: Employee | None = None,
    ) -> ClassSession:
        """A scheduled session of one of ``center``'s classes starting at ``start``."""
        rng = self.rng
        offering = offering or rng.choice(center.classes)
        if instructor is None:
            teachers = [e for e in center.providers() if e.job_name == "INSTRUCTOR"]
            instructor = rng.choice(teachers or center.providers())
        self._next_session_id += rng.randrange(1, 5)
        t = offering.template
        return ClassSession(
            session_id=self._next_session_id,
            offering=offering,
            center=center,
            start_ticks=start,
            minutes=t.minutes,
            capacity=t.capacity,
            web_capacity=t.web_capacity,
            room=rng.choice(center.rooms),
            instructor=instructor,
        )

    def class_booking(self, session: ClassSession, guest: Guest, created: int) -> ClassBooking:
        """A registration of ``guest`` for ``session``; registration ids increase."""
        rng = self.rng
        self._next_registration_id += draws.randint(rng, 1, 3)
        self._next_recurrence_id += draws.randint(rng, 1, 8)
        session.booked += 1
        registration_id = self._next_registration_id
        return ClassBooking(
            registration_id,
            session,
            guest,
            created,
            self.guid(),
            self._next_recurrence_id,
            [registration_id],
        )

    # -- appointments -----------------------------------------------------------------

    def appointment_group(
        self,
        center: Center,
        guest: Guest,
        start: int,
        booked: int,
        *,
        services: list[Service] | None = None,
        therapists: list[Employee | None] | None = None,
        utm: tuple[str, str] | None = None,
    ) -> AppointmentGroup:
        """A booking of one service (sometimes with an add-on or a second service).

        Opens the invoice the booking creates, one line per appointment.
        ``therapists`` (one per service, None: any) fixes who performs each
        service; the others are drawn as usual. ``utm`` is the booking's
        (utm_source, utm_medium); None: drawn as a booking made online
        (``online_utm``) or at the front desk (``NO_UTM``), half and half.
        (Its ``rng.choice`` draws are written with ``draws``: the same, in one call.)
        """
        rng = self.rng
        if services is None:
            mains = [s for s in center.services if not s.is_add_on]
            addons = [s for s in center.services if s.is_add_on]
            services = [draws.choice(rng, mains)]
            if addons and rng.random() < 0.35:
                services.append(draws.choice(rng, addons))
            elif rng.random() < 0.12:
                services.append(draws.choice(rng, mains))
        providers = center.providers()
        therapist = draws.choice(rng, providers)
        invoice = Invoice(self.guid(), center, guest, center.take_invoice_number(), booked)
        appointments: list[Appointment] = []
        at = start
        for i, service in enumerate(services):
            if not service.is_add_on and appointments:
                therapist = draws.choice(rng, providers)
            chosen = therapists[i] if therapists is not None and i < len(therapists) else None
            if chosen is not None:
                therapist = chosen
            item = InvoiceItem(
                self.guid(),
                service.id,
                service.name,
                service.code,
                0,
                service.price,
                1,
                therapist,
                discount=round(service.price * rng.choice((0.1, 0.2)), 2)
                if rng.random() < 0.12
                else 0.0,
            )
            invoice.items.append(item)
            minutes = max(service.minutes, 5)
            appointments.append(
                Appointment(
                    id=self.guid(),
                    invoice_item_id=item.id,
                    service=service,
                    therapist=therapist,
                    room=draws.choice(rng, center.rooms) if rng.random() < 0.85 else None,
                    start_ticks=at,
                    end_ticks=at + minutes * MINUTE,
                    created_ticks=booked,
                    updated_ticks=booked,
                    is_add_on=service.is_add_on,
                    therapist_request_type=draws.choice(rng, _REQUEST_TYPES),
                )
            )
            at += minutes * MINUTE
        for i, appt in enumerate(appointments[:-1]):
            appt.has_add_ons = appointments[i + 1].is_add_on
        if utm is None:
            utm = self.online_utm() if rng.random() < 0.5 else NO_UTM
        source, medium = utm
        group = AppointmentGroup(
            self.guid(),
            center,
            guest,
            invoice,
            appointments,
            booked,
            source,
            medium,
            noshow_fee_required=rng.random() < 0.5,
            cancellation_fee_required=rng.random() < 0.5,
        )
        invoice.group = group
        return group

    def online_utm(self) -> tuple[str, str]:
        """(utm_source, utm_medium) of a booking a guest made online.

        Mostly Zenoti's widget: ``booknow`` with where the guest came from, or an
        affiliate's id (attested); now and then a campaign's own link, as the
        documented sample shows (``facebook`` / ``online``).
        """
        rng = self.rng
        r = rng.random()
        if r < 0.1:
            return draws.choice(rng, CAMPAIGN_LINKS)
        if r < 0.18:
            return ("booknow", draws.choice(rng, AFFILIATE_IDS))
        return ("booknow", draws.choice(rng, WIDGET_UPSTREAMS))
