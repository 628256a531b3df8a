"""Which run a delivering command is: new, resumed, or already finished (docs/cli.md).

A run's identity ("the same command") is its spec: the scenario (or event,
or file) and its options, the targets and delivery options, and the outbox
it is in, plus the seed only when the user gave ``--seed``. So, with the
runs already in the outbox:

- no ``--seed``: an unfinished run of the same command is resumed with the
  seed it started with; otherwise a fresh seed is drawn (a new run, new ids);
- ``--seed S``: an unfinished run of the same command and seed is resumed; a
  finished one is not sent again (the command says when it finished and what
  it delivered, and exits 0) unless ``--again``, which sends it as a new run
  whose deliveries all count as possible duplicates (same ids);
- commands without a seed (``replay``) behave as if one was given.

A kill between a run's "finished" mark and the process's exit is covered by
the same rules: the mark is committed before anything is reported.
``plan_run`` also lists the unfinished runs of other commands, so that a new
run can say what else the outbox still holds and how to finish it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mockzenoti.scenarios.seeds import fresh_seed

if TYPE_CHECKING:
    from mockzenoti.delivery import Outbox
    from mockzenoti.delivery.outbox import RunRecord

__all__ = ["Leftover", "Plan", "identity", "plan_run"]

_PAGE = 500
_UNSETTLED = ("pending", "delivering", "retrying")


@dataclass(frozen=True, slots=True)
class Leftover:
    """An unfinished run of another command: its record and its undelivered deliveries."""

    run: RunRecord
    unsettled: int

    def describe(self) -> str:
        """``run 3 (run class-lifecycle seed 7)``: which run, from which command."""
        spec = self.run.spec if isinstance(self.run.spec, dict) else {}
        what = " ".join(
            str(spec[k]) for k in ("command", "scenario", "event_type") if spec.get(k) is not None
        )
        if spec.get("file"):
            what += f" {spec['file']}"
        if spec.get("seed") is not None:
            what += f" seed {spec['seed']}"
        return f"run {self.run.id}" + (f" ({what.strip()})" if what.strip() else "")


@dataclass(frozen=True, slots=True)
class Plan:
    """What a command does: with which seed, resuming or repeating which run.

    ``seed``: the seed to use (None for commands without one); ``drawn``: it
    is fresh. ``resume``: the unfinished run of this command (and seed) that
    ``Engine.run`` will resume. ``finished``: the newest finished run of this
    command and seed (nothing is sent unless ``again``). ``others``: the other
    unfinished runs in the outbox. ``resend``: see the field.
    """

    seed: str | None
    drawn: bool = False
    resume: RunRecord | None = None
    finished: RunRecord | None = None
    again: bool = False
    others: list[Leftover] = field(default_factory=list)
    #: The run sends again what a finished run of this command and seed sent (``--again``,
    #: or resuming such a run): each of its deliveries counts as a possible duplicate.
    resend: bool = False

    @property
    def repeat(self) -> bool:
        """True when the command must stop: its run finished and ``--again`` was not given."""
        return self.finished is not None and self.resume is None and not self.again


def identity(spec: Any) -> Any:
    """A spec without its seed: what "the same command" compares."""
    if isinstance(spec, dict):
        return {k: v for k, v in spec.items() if k != "seed"}
    return spec


def _runs(box: Outbox) -> list[RunRecord]:
    """Every run, newest first."""
    out: list[RunRecord] = []
    while True:
        page = box.list_runs(limit=_PAGE, offset=len(out))
        out.extend(page)
        if len(page) < _PAGE:
            return out


def plan_run(
    box: Outbox, spec: Any, seed: str | None, *, seeded: bool = True, again: bool = False
) -> Plan:
    """Decide the seed and the run for a command whose spec without seed is ``spec``.

    ``seed`` is the user's ``--seed`` (None: not given); ``seeded`` is False
    for commands that have no seed (their spec alone is the identity).
    """
    from mockzenoti.delivery.outbox import spec_key

    key = spec_key(identity(spec))
    same: list[RunRecord] = []
    running: list[RunRecord] = []
    for record in _runs(box):
        if spec_key(identity(record.spec)) == key:
            same.append(record)
        if record.state == "running":
            running.append(record)

    def seed_of(record: RunRecord) -> str | None:
        value = record.spec.get("seed") if isinstance(record.spec, dict) else None
        return None if value is None else str(value)

    drawn = False
    resume = finished = None
    if seeded and seed is None:
        resume = next((r for r in same if r.state == "running"), None)
        if resume is not None:
            seed = seed_of(resume)
        else:
            used = {s for s in map(seed_of, same) if s is not None}
            seed, drawn = fresh_seed(used), True
    mine = [r for r in same if not seeded or seed_of(r) == seed]
    if not drawn and resume is None:
        resume = next((r for r in mine if r.state == "running"), None)
        if resume is None:
            finished = next((r for r in mine if r.state == "finished"), None)
    if resume is not None:  # resuming a run that itself repeats a finished one?
        resend = any(r.state == "finished" and r.id < resume.id for r in mine)
    else:
        resend = again and finished is not None
    others = [
        Leftover(r, sum(box.counts(run_id=r.id)[s] for s in _UNSETTLED))
        for r in running
        if resume is None or r.id != resume.id
    ]
    return Plan(
        seed=seed,
        drawn=drawn,
        resume=resume,
        finished=finished,
        again=again,
        others=others,
        resend=resend,
    )
