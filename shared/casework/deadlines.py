"""Deadlines of a case, as pure functions over :mod:`shared.calendar`
(docs/architecture.md "Casework").

A deadline has a kind, the side that must act, the calendar it is counted on
(the responsible authority's country and IANA time zone: "10 working days in
the requested State"), the legal basis it rests on (its citation), a counting
rule, and a status: open, met, breached (met late, or found overdue) or waived.

**Pause and resume.** While the requested side waits for additional information
its clock stops (docs/domain.md "Mutual legal assistance": in practice). Pausing
keeps what is left *in the deadline's own unit*: the working days (or calendar
days) after the local date of the pause up to and including the due date.
Resuming counts that many again from the local date of the resumption, with the
same rule. A deadline paused on or after its due date has nothing left: on
resumption it falls due at the end of that day.

Nothing here reads the clock: ``now`` and the calendar come in as arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo

from shared.calendar import CountingRule, DueDate, Period, PeriodUnit, due
from shared.casework.dates import Step, met
from shared.casework.state_machine import Side


class DeadlineStatus(StrEnum):
    open = "open"
    met = "met"
    breached = "breached"
    waived = "waived"


@dataclass(frozen=True)
class Calendar:
    """Whose calendar a deadline is counted on."""

    authority: str
    country: str
    time_zone: str


@dataclass(frozen=True)
class DeadlinePlan:
    """A deadline to open, as the domain decides it (the service stores it)."""

    kind: str
    responsible_side: Side
    calendar: Calendar
    started_at: datetime
    due: DueDate
    citation: str
    period: Period | None = None
    rule: CountingRule = field(default_factory=CountingRule)
    pausable: bool = False
    subject_id: UUID | None = None


def after_period(
    kind: str,
    period: Period,
    *,
    start: datetime,
    calendar: Calendar,
    side: Side,
    citation: str,
    rule: CountingRule = CountingRule(),
    pausable: bool = False,
    subject_id: UUID | None = None,
) -> DeadlinePlan:
    """A deadline ``period`` after the event at ``start``, on ``calendar``."""
    return DeadlinePlan(
        kind=kind,
        responsible_side=side,
        calendar=calendar,
        started_at=start,
        due=due(start, period, country=calendar.country, tz=calendar.time_zone, rule=rule),
        citation=citation,
        period=period,
        rule=rule,
        pausable=pausable,
        subject_id=subject_id,
    )


def on_date(
    kind: str,
    day: date,
    *,
    start: datetime,
    calendar: Calendar,
    side: Side,
    citation: str,
    pausable: bool = False,
    subject_id: UUID | None = None,
) -> DeadlinePlan:
    """A deadline on a date someone fixed (a suggested deadline, the end of a
    postponement): due at the end of that local day; it never rolls."""
    return DeadlinePlan(
        kind=kind,
        responsible_side=side,
        calendar=calendar,
        started_at=start,
        due=end_of_day(day, calendar.time_zone),
        citation=citation,
        rule=CountingRule(roll_to_working_day=False),
        pausable=pausable,
        subject_id=subject_id,
    )


def end_of_day(day: date, tz: str) -> DueDate:
    """The due date ``day`` in ``tz``: its last instant, as :func:`shared.calendar.due`
    gives it (the later one if a DST fall-back repeats that hour)."""
    instant = datetime.combine(day, time.max, tzinfo=ZoneInfo(tz)).replace(fold=1)
    return DueDate(date=day, instant=instant, tz=tz)


@dataclass(frozen=True)
class Paused:
    """What is left of a paused deadline, in its unit."""

    amount: int
    unit: PeriodUnit


def local_date(instant: datetime, tz: str) -> date:
    if instant.tzinfo is None:
        raise ValueError("an aware instant is needed")
    return instant.astimezone(ZoneInfo(tz)).date()


def remaining(
    *,
    due_date: date,
    unit: PeriodUnit,
    paused_at: datetime,
    calendar: Calendar,
) -> Paused:
    """What is left when a deadline due on ``due_date`` pauses at ``paused_at``:
    the days (of ``unit``) after the pause's local date, up to the due date."""
    paused_on = local_date(paused_at, calendar.time_zone)
    if due_date <= paused_on:
        return Paused(0, unit)
    if unit == "calendar_days":
        return Paused((due_date - paused_on).days, unit)
    amount = 1
    not_counted = CountingRule(first_day_counted=False)
    while (
        due(
            paused_at,
            Period(amount, "working_days"),
            country=calendar.country,
            tz=calendar.time_zone,
            rule=not_counted,
        ).date
        < due_date
    ):
        amount += 1
    return Paused(amount, unit)


def resumed(
    paused: Paused,
    *,
    resumed_at: datetime,
    calendar: Calendar,
    roll_to_working_day: bool,
) -> DueDate:
    """The new due date: what was left, counted again from the resumption."""
    rule = CountingRule(first_day_counted=False, roll_to_working_day=roll_to_working_day)
    return due(
        resumed_at,
        Period(paused.amount, paused.unit),
        country=calendar.country,
        tz=calendar.time_zone,
        rule=rule,
    )


def closing_status(step: Step, *, due_date: date, due_at: datetime) -> DeadlineStatus:
    """A deadline met by a step at ``step`` (a date or an instant,
    :mod:`shared.casework.dates`): met when in time, breached when late."""
    return (
        DeadlineStatus.met
        if met(step, due_date=due_date, due_at=due_at)
        else DeadlineStatus.breached
    )


def is_overdue(status: str, due_at: datetime, paused_at: datetime | None, now: datetime) -> bool:
    return status == DeadlineStatus.open and paused_at is None and now > due_at


@dataclass(frozen=True)
class Deadline:
    """A stored deadline of a case, as a domain rule reads it."""

    id: UUID
    kind: str
    status: DeadlineStatus
    responsible_side: Side
    calendar: Calendar
    started_at: datetime
    due_date: date
    due_at: datetime
    citation: str
    period: Period | None = None
    paused: bool = False
    subject_id: UUID | None = None

    @property
    def open(self) -> bool:
        return self.status is DeadlineStatus.open


# ---------------------------------------------------------------------------
# What a domain decision asks to be done with a case's deadlines


@dataclass(frozen=True)
class Open:
    plan: DeadlinePlan


@dataclass(frozen=True)
class Close:
    """Close the open deadlines of ``kinds`` (every open one when None): met by the step
    at ``when`` (or breached, when late; the outcome's step when None), or waived when
    no longer owed."""

    kinds: frozenset[str] | None
    reason: str
    waived: bool = False
    subject_id: UUID | None = None
    when: Step | None = None


@dataclass(frozen=True)
class Pause:
    """Pause every open, pausable deadline (the requested side's clock)."""

    reason: str


@dataclass(frozen=True)
class Resume:
    reason: str


DeadlineOp = Open | Close | Pause | Resume
