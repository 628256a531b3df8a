"""``SalesFactory``: plans, invoices closing, memberships, packages, guest passes, feedback.

The sales half of ``EntityFactory`` (which subclasses it); kept apart to keep
modules small. Methods that change an entity's state (closing an invoice,
freezing a membership, redeeming a package) are here too, so the world
simulation changes entities the same way wherever it does.
"""

from __future__ import annotations

import random
from datetime import timedelta

from mockzenoti import ids
from mockzenoti.model import (
    INVOICE_CLOSED,
    AppointmentGroup,
    Cancellation,
    Center,
    ClassSession,
    Employee,
    Feedback,
    Freeze,
    Guest,
    GuestMembership,
    GuestPackage,
    GuestPassRedemption,
    Invoice,
    InvoiceItem,
    MembershipPlan,
    PackageBalance,
    PackagePlan,
    PackageRedemption,
    ServiceBalance,
    Transaction,
)
from mockzenoti.model.sales import round_cents
from mockzenoti.timefmt import (
    add_local_days,
    add_months,
    at_local,
    local_date,
    local_midnight,
    next_local_midnight,
)
from mockzenoti.vocab import (
    FEEDBACK_COMMENTS,
    FEEDBACK_TAGS,
    FREEZE_COMMENTS,
    MEMBERSHIP_CANCEL_REASONS,
    MEMBERSHIPS,
    PACKAGES,
)

__all__ = ["PAYMENT_TYPES", "ZERO_GUID", "SalesFactory"]

# (payment_type, name, weight): Zenoti's payment type codes (documented for class
# registration payments), weighted the way a day's takings split.
PAYMENT_TYPES: tuple[tuple[int, str, int], ...] = (
    (11, "Visa", 36),
    (5, "Mastercard", 24),
    (0, "Cash", 12),
    (12, "Amex", 10),
    (7, "DebitCard", 8),
    (1, "GiftCard", 6),
    (2, "DiscoverCard", 4),
)
ZERO_GUID = "00000000-0000-0000-0000-000000000000"
PACKAGE_GRACE_DAYS = 25  # end_date_with_grace - end in every package sample


class SalesFactory:
    """Creates and changes sales entities; mixed into ``EntityFactory``."""

    rng: random.Random

    def guid(self) -> str:
        """A fresh lowercase GUID."""
        return ids.guid(self.rng)

    def add_plans(self, center: Center) -> None:
        """Give ``center`` the membership and package plans of its kind."""
        by_name = {s.name: s for s in center.services}
        price = center.country.price  # the vocabulary's prices, in the center's currency
        for m in MEMBERSHIPS[center.kind]:
            service = by_name.get(m.included_service)
            included = [(service, m.included)] if service is not None and m.included else []
            center.membership_plans.append(
                MembershipPlan(
                    self.guid(),
                    m.name,
                    m.code,
                    price(m.price),
                    m.months,
                    price(m.service_credit),
                    included,
                    m.guest_passes,
                )
            )
        for p in PACKAGES[center.kind]:
            services = [(by_name[name], n) for name, n in p.services if name in by_name]
            center.package_plans.append(
                PackagePlan(self.guid(), p.name, p.code, price(p.price), p.days, services)
            )

    def staff_member(self, center: Center) -> Employee:
        """A random active employee of ``center`` (who sells, collects, approves)."""
        return self.rng.choice([e for e in center.employees if e.active] or center.employees)

    # -- invoices ---------------------------------------------------------------------

    def close_invoice(
        self, invoice: Invoice, at: int, *, retail: bool | None = None, partial: bool = False
    ) -> Invoice:
        """Take payment for ``invoice`` at ``at`` and close it with a receipt.

        At the first payment a retail product may join the lines. ``partial``: the
        guest pays part of what is due (a deposit, a split bill) and the invoice
        stays open, to be closed by a later call.
        """
        rng = self.rng
        center = invoice.center
        seller = invoice.items[0].sold_by if invoice.items else self.staff_member(center)
        first = invoice.paid_ticks is None
        if first and (rng.random() < 0.3 if retail is None else retail) and center.products:
            product = rng.choice(center.products)
            invoice.items.append(
                InvoiceItem(
                    self.guid(),
                    product.id,
                    product.name,
                    product.code,
                    2,
                    product.price,
                    rng.choice((1, 1, 1, 2)),
                    seller,
                    discount=round(product.price * 0.1, 2) if rng.random() < 0.2 else 0.0,
                    tax_rate=center.product_tax_rate,
                )
            )
        due = round_cents(invoice.total - invoice.paid) if invoice.transactions else invoice.total
        amount = due
        if partial:
            amount = round_cents(float(round(due * rng.choice((0.2, 0.25, 0.5))))) or due / 2
        kind, name, _ = rng.choices(PAYMENT_TYPES, weights=[w for *_, w in PAYMENT_TYPES])[0]
        instrument = ZERO_GUID if kind == 0 else self.guid()
        invoice.transactions.append(Transaction(self.guid(), kind, name, instrument, amount, at))
        invoice.paid_ticks = at
        if not partial:
            invoice.receipt_number = center.take_receipt_number()
            invoice.closed_ticks = at
            invoice.status = INVOICE_CLOSED
        return invoice

    def refund_invoice(self, original: Invoice, at: int) -> Invoice:
        """A refund of a closed ``original``, closed at ``at`` (``is_refund``, negative amounts).

        A retail product is returned when the invoice sold one; otherwise part of
        the service is given back (a goodwill refund, 20 to 50 %). The money goes
        back the way it came (the original's last payment type).
        """
        rng = self.rng
        center = original.center
        refund = Invoice(self.guid(), center, original.guest, center.take_invoice_number(), at)
        refund.is_refund = True
        refund.refund_of = original
        refund.group = original.group
        paid = [i for i in original.items if i.final > 0]
        if not paid:
            raise ValueError(f"invoice {original.id} has nothing paid to refund")
        products = [i for i in paid if i.type == 2]
        if products:
            line = rng.choice(products)
            back, discount = -line.list_price, -line.discount / line.quantity
        else:
            line = paid[0]
            share = rng.choice((0.2, 0.25, 0.3, 0.5))
            back, discount = -float(round(line.list_price * share)) or -line.list_price, 0.0
        refund.items.append(
            InvoiceItem(
                self.guid(),
                line.item_id,
                line.name,
                line.code,
                line.type,
                back,
                1,
                line.sold_by,
                discount=round_cents(discount),
                tax_rate=line.tax_rate,
            )
        )
        last = original.transactions[-1] if original.transactions else None
        kind, name = (last.payment_type, last.name) if last is not None else (0, "Cash")
        instrument = last.instrument_id if last is not None else ZERO_GUID
        refund.transactions.append(
            Transaction(self.guid(), kind, name, instrument, refund.total, at)
        )
        refund.paid_ticks = refund.closed_ticks = at
        refund.receipt_number = center.take_receipt_number()
        refund.status = INVOICE_CLOSED
        return refund

    def _sale_invoice(
        self,
        center: Center,
        guest: Guest,
        at: int,
        name: str,
        code: str,
        item_id: str,
        price: float,
        *,
        paid: bool,
    ) -> Invoice:
        invoice = Invoice(self.guid(), center, guest, center.take_invoice_number(), at)
        seller = self.staff_member(center)
        invoice.items.append(InvoiceItem(self.guid(), item_id, name, code, 4, price, 1, seller))
        if paid:
            invoice.receipt_number = center.take_receipt_number()
            invoice.closed_ticks = at
            invoice.status = INVOICE_CLOSED
        return invoice

    # -- memberships ------------------------------------------------------------------

    def guest_membership(
        self, center: Center, guest: Guest, at: int, plan: MembershipPlan | None = None
    ) -> GuestMembership:
        """A membership sold to ``guest`` at ``at`` and paid on the spot."""
        rng = self.rng
        plan = plan or rng.choice(center.membership_plans)
        invoice = self._sale_invoice(
            center, guest, at, plan.name, plan.code, plan.id, plan.price, paid=True
        )
        start = local_date(at, center.tz)
        expiry = add_months(start, plan.months) - timedelta(days=1)
        recurring = plan.months == 1
        return GuestMembership(
            id=self.guid(),
            guest=guest,
            center=center,
            plan=plan,
            invoice=invoice,
            purchased_ticks=at,
            expiry_ticks=at_local(expiry, 0, center.tz),
            member_code=f"{center.code.lower()}{rng.randrange(100_000, 1_000_000)}",
            balances=[ServiceBalance(service, n) for service, n in plan.included],
            credit_total=plan.service_credit,
            guestpass_total=plan.guest_passes,
            guestpass_balance=plan.guest_passes,
            next_collection_ticks=(
                at_local(add_months(start, 1), 0, center.tz) if recurring else None
            ),
            grace_period_days=5 if recurring else 0,
            recurrence_status=-1,
            renewal_option_id=self.guid(),
        )

    def freeze_membership(self, membership: GuestMembership, at: int) -> Freeze:
        """Pause ``membership`` from the next local midnight for one to four weeks."""
        rng = self.rng
        tz = membership.center.tz
        start = next_local_midnight(at, tz)
        freeze = Freeze(
            start_ticks=start,
            end_ticks=add_local_days(start, rng.randrange(5, 29), tz),
            fee=membership.center.country.price(rng.choice((0, 10, 20, 25))),
            comments=rng.choice(FREEZE_COMMENTS),
            by=self.staff_member(membership.center),
        )
        membership.freeze = freeze
        return freeze

    def cancel_membership(self, membership: GuestMembership, at: int) -> Cancellation:
        """Cancel ``membership``: asked at ``at``, effective at the end of that local day.

        The grace period runs ``grace_period_days`` from the effective date.
        """
        tz = membership.center.tz
        end_of_day = next_local_midnight(at, tz)
        cancellation = Cancellation(
            initiated_ticks=at,
            cancel_ticks=end_of_day,
            termination_ticks=end_of_day,
            reason=self.rng.choice(MEMBERSHIP_CANCEL_REASONS),
            by=self.staff_member(membership.center),
        )
        membership.cancellation = cancellation
        membership.grace_period_ticks = add_local_days(end_of_day, membership.grace_period_days, tz)
        return cancellation

    def unfreeze_membership(self, membership: GuestMembership) -> None:
        """End ``membership``'s freeze: it is active again."""
        membership.freeze = None

    def reinstate_membership(self, membership: GuestMembership) -> None:
        """Undo ``membership``'s cancellation (the grace date it set is kept, as documented)."""
        membership.cancellation = None
        plan = membership.plan
        plan.terms = plan.terms or f"{plan.name}: {plan.months}-month term, 30 days notice."

    def guestpass_redemption(
        self, membership: GuestMembership, visitor: Guest, session: ClassSession, at: int
    ) -> GuestPassRedemption:
        """A guest pass of ``membership`` used to bring ``visitor`` to ``session``."""
        membership.guestpass_balance = max(0, membership.guestpass_balance - 1)
        return GuestPassRedemption(
            self.guid(), self.guid(), membership, visitor, session, self.guid(), at
        )

    # -- packages ---------------------------------------------------------------------

    def guest_package(
        self, center: Center, guest: Guest, at: int, plan: PackagePlan | None = None
    ) -> GuestPackage:
        """A package sold to ``guest`` at ``at``; its invoice is still open (receipt "0")."""
        rng = self.rng
        plan = plan or rng.choice(center.package_plans)
        invoice = self._sale_invoice(
            center, guest, at, plan.name, plan.code, plan.id, plan.price, paid=False
        )
        list_total = sum(s.price * n for s, n in plan.services) or 1.0
        balances = [
            PackageBalance(s, n, round(plan.price * s.price / list_total, 2))
            for s, n in plan.services
        ]
        start = local_midnight(at, center.tz)
        end = at_local(local_date(at, center.tz) + timedelta(days=plan.days), 0, center.tz)
        return GuestPackage(
            id=self.guid(),
            guest=guest,
            center=center,
            plan=plan,
            invoice=invoice,
            purchased_ticks=at,
            start_ticks=start,
            end_ticks=end,
            grace_days=PACKAGE_GRACE_DAYS,
            balances=balances,
            completed_schedules=1,
            next_schedule_ticks=next_local_midnight(at, center.tz),
        )

    def redeem_package(self, package: GuestPackage, at: int) -> PackageRedemption:
        """Use one session of a service with balance left (or the first) at ``at``."""
        rng = self.rng
        open_balances = [b for b in package.balances if b.balance > 0] or package.balances
        balance = rng.choice(open_balances)
        balance.used = min(balance.total, balance.used + 1)
        center = package.center
        invoice = Invoice(self.guid(), center, package.guest, center.take_invoice_number(), at)
        redemption = PackageRedemption(
            invoice=invoice,
            item_id=self.guid(),
            therapist=rng.choice(center.providers() or center.employees),
            ticks=at,
            center=center,
            service=balance.service,
            product=rng.choice(center.products) if center.products else None,
        )
        package.redemptions.append(redemption)
        package.last_redemption = redemption
        package.has_first_redemption = True
        return redemption

    def reverse_redemption(self, package: GuestPackage) -> PackageRedemption:
        """Undo the latest redemption of ``package`` that is not yet undone.

        Raises ``ValueError`` when there is none.
        """
        for redemption in reversed(package.redemptions):
            if not redemption.reversed:
                break
        else:
            raise ValueError(f"package {package.id} has no redemption to reverse")
        redemption.reversed = True
        for balance in package.balances:
            if balance.service is redemption.service and balance.used:
                balance.used -= 1
                break
        package.last_redemption = redemption
        return redemption

    def activate_package(self, package: GuestPackage, at: int) -> None:
        """``package``'s invoice is paid at ``at``: it is active from then for its plan's days."""
        self.close_invoice(package.invoice, at, retail=False)
        package.state = 0
        package.start_ticks = at
        package.end_ticks = add_local_days(at, package.plan.days, package.center.tz)
        package.completed_schedules = None
        package.next_schedule_ticks = None

    def extend_package(self, package: GuestPackage, days: int) -> None:
        """Move the end of ``package``'s validity ``days`` later (same local wall time)."""
        package.end_ticks = add_local_days(package.end_ticks, days, package.center.tz)

    # -- feedback ---------------------------------------------------------------------

    def feedback(self, group: AppointmentGroup, version: int) -> Feedback:
        """A guest's feedback on ``group`` in the V1 or V2 shape, mostly positive."""
        rng = self.rng
        rating = rng.choices((1, 2, 3, 4, 5), weights=(3, 4, 10, 30, 53))[0]

        def near() -> int:
            return max(1, min(5, rating + rng.choice((-1, 0, 0, 0, 1))))

        tags = sorted(rng.sample(FEEDBACK_TAGS, rng.randrange(1, 6)))
        return Feedback(
            group=group,
            version=version,
            rating=rating,
            ratings=(near(), near(), near(), near()),
            tags=tags,
            comments=rng.choice(FEEDBACK_COMMENTS),
            recommendation=rating >= 4,
            share_feedback=rng.random() < 0.7,
        )
