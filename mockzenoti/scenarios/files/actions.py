"""Each action of a scenario file as a call of the world operation that carries it out."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mockzenoti.errors import MockZenotiError, closest
from mockzenoti.model import Center, ClassOffering, MembershipPlan, PackagePlan, Service
from mockzenoti.scenarios.files.program import Action, Ref

if TYPE_CHECKING:
    from mockzenoti.scenarios.files.run import Frames, Runner

__all__ = ["ACTIONS"]

Params = dict[str, Any]
ActionFn = Callable[["Runner", Action, Any, Params, "Frames"], Any]


def _named(items: list[Any], name: str, what: str, center: Center, field: str) -> Any:
    for item in items:
        if item.name == name:
            return item
    hint = closest(name, [i.name for i in items])
    extra = f"; did you mean {', '.join(hint)}?" if hint else ""
    message = f"{what} {name!r} is not offered by {center.name} (a {center.kind} center){extra}"
    raise MockZenotiError(message, field=field)


def _create_guest(r: Runner, a: Action, kind: str, p: Params, f: Frames) -> Any:
    if a.handle is not None and a.handle in r.plan.guests:
        guest = r.resolve(Ref(a.handle, None, a.line), f)
    else:
        center = r.center(p)
        guest = r.world.pool.fresh(center) or r.world.pool.extra(center)
    r.rename(guest, p.get("first_name"), p.get("last_name"), p.get("email"))
    return r.world.create_guest(guest)


def _create_employee(r: Runner, a: Action, kind: str, p: Params, f: Frames) -> Any:
    center = r.center(p)
    first, last = p.get("first_name"), p.get("last_name")
    return r.world.hire_employee(center, job_name=p.get("job"), first_name=first, last_name=last)


def _create_session(r: Runner, a: Action, kind: str, p: Params, f: Frames) -> Any:
    center = r.center(p)
    offering: ClassOffering | None = None
    if "class" in p:
        offering = _named(center.classes, p["class"], "class", center, "class")
    return r.world.schedule_session(
        center,
        r.when(p.get("at"), center),
        offering=offering,
        capacity=p.get("capacity"),
        minutes=p.get("minutes"),
    )


def _create_appointment(r: Runner, a: Action, kind: str, p: Params, f: Frames) -> Any:
    center = r.center(p)
    services: list[Service] | None = None
    if "services" in p:
        services = [
            _named(center.services, n, "service", center, "services") for n in p["services"]
        ]
    else:  # one main service, so that a file knows how many appointments it starts
        mains = [s for s in center.services if not s.is_add_on]
        services = [mains[r.world.rng.randrange(len(mains))]]
    guest = r.guest(p, f, center)
    start = r.when(p.get("at"), center)
    return r.world.book_appointment(center, guest, start, services=services)


def _create_membership(r: Runner, a: Action, kind: str, p: Params, f: Frames) -> Any:
    center = r.center(p)
    plan: MembershipPlan | None = None
    if "plan" in p:
        plan = _named(center.membership_plans, p["plan"], "membership plan", center, "plan")
    return r.world.sell_membership(center, r.guest(p, f, center), plan=plan)


def _create_package(r: Runner, a: Action, kind: str, p: Params, f: Frames) -> Any:
    center = r.center(p)
    plan: PackagePlan | None = None
    if "plan" in p:
        plan = _named(center.package_plans, p["plan"], "package plan", center, "plan")
    return r.world.sell_package(center, r.guest(p, f, center), plan=plan)


def _book(r: Runner, a: Action, s: Any, p: Params, f: Frames) -> Any:
    return r.world.book_class(s, r.guest(p, f, s.center), waitlist=p.get("waitlist", False))


def _guestpass(r: Runner, a: Action, m: Any, p: Params, f: Frames) -> Any:
    session = r.resolve(p["session"], f)
    return r.world.redeem_guestpass(m, r.guest(p, f, session.center), session)


def _update_session(r: Runner, a: Action, s: Any, p: Params, f: Frames) -> Any:
    start = r.when(p["at"], s.center) if "at" in p else None
    r.world.update_session(s, start=start, minutes=p.get("minutes"), capacity=p.get("capacity"))


def _reschedule(r: Runner, a: Action, g: Any, p: Params, f: Frames) -> Any:
    return r.world.reschedule_group(g, r.when(p["at"], g.center))


def _call(method: str, **fixed: Any) -> ActionFn:
    def act(r: Runner, a: Action, target: Any, p: Params, f: Frames) -> Any:
        getattr(r.world, method)(target, **fixed, **p)

    return act


ACTIONS: dict[tuple[str, str], ActionFn] = {
    ("create", "guest"): _create_guest,
    ("create", "employee"): _create_employee,
    ("create", "session"): _create_session,
    ("create", "appointment"): _create_appointment,
    ("create", "membership"): _create_membership,
    ("create", "package"): _create_package,
    ("book", "session"): _book,
    ("guestpass", "membership"): _guestpass,
    ("update", "session"): _update_session,
    ("update", "guest"): _call("update_guest"),
    ("update", "employee"): _call("update_employee"),
    ("cancel", "session"): _call("cancel_session"),
    ("delete", "session"): _call("delete_session"),
    ("cancel", "booking"): _call("cancel_booking"),
    ("delete", "booking"): _call("delete_booking"),
    ("no-show", "booking"): _call("no_show_booking"),
    ("approve", "booking"): _call("approve_booking"),
    ("reject", "booking"): _call("reject_booking"),
    ("confirm", "appointment"): _call("confirm_group"),
    ("check-in", "appointment"): _call("check_in_group"),
    ("start", "appointment"): _call("start_appointment"),
    ("complete", "appointment"): _call("complete_appointment"),
    ("close", "appointment"): _call("close_group"),
    ("pay", "appointment"): _call("pay_group"),
    ("refund", "appointment"): _call("refund_group"),
    ("cancel", "appointment"): _call("cancel_group"),
    ("no-show", "appointment"): _call("no_show_group"),
    ("reschedule", "appointment"): _reschedule,
    ("feedback", "appointment"): _call("give_feedback"),
    ("opt-in", "guest"): _call("opt_guest", state="opted-in"),
    ("opt-out", "guest"): _call("opt_guest", state="opted-out"),
    ("delete", "guest"): _call("delete_guest"),
    ("delete", "employee"): _call("delete_employee"),
    ("freeze", "membership"): _call("freeze_membership"),
    ("unfreeze", "membership"): _call("unfreeze_membership"),
    ("cancel", "membership"): _call("cancel_membership"),
    ("reinstate", "membership"): _call("reinstate_membership"),
    ("activate", "package"): _call("activate_package"),
    ("redeem", "package"): _call("redeem_package"),
    ("reverse", "package"): _call("reverse_redemption"),
    ("extend", "package"): _call("extend_package"),
}
