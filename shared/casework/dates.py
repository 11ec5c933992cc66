"""When a step of a case happened, and whether it met a deadline: one rule for every
case service (docs/architecture.md "Casework"; "Counterparts that do not use Comity").

A step is given either as an **instant** (``arrested_at``, ``surrendered_at``) or as
a **date** (``received_on``, ``decided_on``, ``final_on``, ``occurred_on``). A date
is a day in the calendar of the authority responsible for the deadline the step may
meet: a step dated on or before the deadline's local due date meets it, however late
it is recorded, and one dated after it is late. An instant is compared with the
deadline's due instant. The moment a step is *recorded* never decides whether it was
in time; it is kept apart, as the time of the history entry.

Nothing here reads the clock: ``now`` comes in as an argument.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from shared.casework.errors import RuleBroken

Step = date | datetime
"""When a step happened: an aware instant, or a date in the responsible calendar."""


def is_instant(step: Step) -> bool:
    return isinstance(step, datetime)


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("an aware instant is needed")
    return instant


def met(step: Step, *, due_date: date, due_at: datetime) -> bool:
    """Whether a step at ``step`` meets a deadline due on ``due_date`` (its local date)
    at ``due_at`` (its last instant)."""
    if isinstance(step, datetime):
        return _aware(step) <= due_at
    return step <= due_date


def day_of(step: Step, tz: str) -> date:
    """The local date of ``step`` in ``tz`` (a date is its own day)."""
    if isinstance(step, datetime):
        return _aware(step).astimezone(ZoneInfo(tz)).date()
    return step


def start_of(step: Step, tz: str, *, now: datetime) -> datetime:
    """The instant a period counted from ``step`` runs from: the instant itself, or for
    a date an instant of that local day in ``tz`` — noon, or ``now`` when it is that
    day and still morning (periods count from the local date, so any instant of the
    day gives the same due date; noon never falls in a DST gap)."""
    if isinstance(step, datetime):
        _aware(step)
        return step
    noon = datetime.combine(step, time(12), tzinfo=ZoneInfo(tz))
    return now if day_of(now, tz) == step and now < noon else noon


def not_in_future(step: Step, *, now: datetime, tz: str, pointer: str) -> None:
    """A step is recorded once it happened: a date after today in ``tz``, or an instant
    after ``now``, is refused at ``pointer``."""
    if isinstance(step, datetime):
        if _aware(step) > now:
            raise RuleBroken.at(
                pointer,
                f"A step is recorded once it happened: {step.isoformat()} is in the future",
                why="not in the future",
            )
        return
    today = now.astimezone(ZoneInfo(tz)).date()
    if step > today:
        raise RuleBroken.at(
            pointer,
            f"A step is recorded once it happened: {step.isoformat()} is after today "
            f"({today.isoformat()} in {tz})",
            why="not in the future",
        )
