"""What each YAML action does to the static checker's picture of the world (see ``yaml_check``)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from mockzenoti.scenarios.yaml_program import Action, Ref
from mockzenoti.world.rules import RULES

if TYPE_CHECKING:
    from mockzenoti.scenarios.yaml_check import _Checker, _Entity, _State

__all__ = ["apply_action"]

_LIVE = frozenset({"booked", "waitlisted", "approved"})


def _moved(entity: _Entity, allowed: frozenset[str], target: str | None, lenient: bool
           ) -> frozenset[str]:  # fmt: skip
    moved = frozenset(target or s for s in allowed)
    return moved | (entity.states - allowed) if lenient else moved


def _use_guest(c: _Checker, a: Action, params: dict[str, Any],
               frames: tuple[tuple[str, int], ...], state: _State) -> None:  # fmt: skip
    ref = params.get("guest")
    if not isinstance(ref, Ref):
        return
    field = f"{a.path}.guest"
    key, guest = c.resolve(ref, frames, state, field)
    if guest.kind != "guest":
        raise c.fail(f"{ref} is a {guest.kind}, not a guest", ref.line, field)
    c.check_rule(a, "guest", "use", key, guest, state, f"guest {ref}", (ref.line, field))
    states = frozenset("exists" if s == "pinned" else s for s in guest.states)
    state.entities[key] = replace(guest, states=states)


def apply_action(c: _Checker, a: Action, kind: str, key: str | None, entity: _Entity | None,
                 params: dict[str, Any], frames: tuple[tuple[str, int], ...],
                 counts: tuple[int, ...], state: _State) -> None:  # fmt: skip
    """Check ``a`` against the picture in ``state`` and change the picture as ``a`` would."""
    from mockzenoti.scenarios.yaml_check import _Entity

    _use_guest(c, a, params, frames, state)
    verb = a.verb
    what = f"{kind} {a.target}"
    if verb == "create":
        if kind == "guest" and a.handle in c.program.guests:
            pinned = state.entities[f"{a.handle}#0"]
            if "pinned" not in pinned.states:
                raise c.fail(f"guest {a.handle} already exists at this step (it was used "
                             "before); create it before its first use", a.line,
                             f"{a.path}.create")  # fmt: skip
            if pinned.states != {"pinned"}:
                c.plan.lenient.add(a.path)
            c.define(a, kind, frames, counts)
            state.entities[f"{a.handle}#0"] = replace(pinned, states=frozenset({"exists"}))
            return
        start = c.when(params.get("at"), state, a, "at") if kind in (
            "session", "appointment") else None  # fmt: skip
        minutes = c.class_minutes(params) if kind == "session" else None
        made = c.define(a, kind, frames, counts)
        if made is not None:
            from mockzenoti.scenarios.yaml_check import _INITIAL

            state.entities[made] = _Entity(kind, frozenset({_INITIAL[kind]}), start=start,
                                           minutes=minutes)  # fmt: skip
        return
    assert key is not None and entity is not None
    if verb in ("book", "guestpass"):
        session_key, session = key, entity
        if verb == "guestpass":
            c.check_rule(a, "membership", "guestpass", key, entity, state, what)
            ref = params["session"]
            field = f"{a.path}.session"
            session_key, session = c.resolve(ref, frames, state, field)
            if session.kind != "session":
                raise c.fail(f"{ref} is a {session.kind}, not a session", ref.line, field)
        at = (params["session"].line, f"{a.path}.session") if verb == "guestpass" else None
        label = params["session"] if verb == "guestpass" else a.target
        c.check_rule(a, "session", "book", session_key, session, state, f"session {label}", at)
        made = c.define(a, "booking", frames, counts)
        if made is not None:
            first = "waitlisted" if params.get("waitlist") else "booked"
            state.entities[made] = _Entity("booking", frozenset({first}), parent=session_key)
        return
    rule = RULES[(kind, verb)]
    allowed = c.check_rule(a, kind, verb, key, entity, state, what)
    lenient = a.path in c.plan.lenient
    changed = replace(entity, states=_moved(entity, allowed, rule.target, lenient))
    if verb == "update" and kind == "session" and "at" in params:
        changed = replace(changed, start=c.when(params["at"], state, a, "at"))
    if verb == "update" and kind == "session" and "minutes" in params:
        changed = replace(changed, minutes=params["minutes"])
    state.entities[key] = changed
    if kind == "session" and verb in ("cancel", "delete"):
        ended = "cancelled" if verb == "cancel" else "deleted"
        for child_key, child in list(state.entities.items()):
            if child.parent == key:
                live = child.states & _LIVE
                rest = child.states - _LIVE
                states = rest | (frozenset({ended}) if live else frozenset())
                state.entities[child_key] = replace(
                    child, states=states | (live if lenient else frozenset())
                )
    if verb == "reschedule":
        made = c.define(a, "appointment", frames, counts)
        if made is not None:
            start = c.when(params.get("at"), state, a, "at")
            state.entities[made] = _Entity("appointment", frozenset({"new"}), start=start,
                                           maybe_absent=lenient)  # fmt: skip
