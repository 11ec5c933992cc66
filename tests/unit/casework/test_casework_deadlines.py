"""Deadlines on the responsible State's calendar, paused, resumed and closed by a step
(Colombia's calendar: Monday 16 November 2026 is a public holiday, the Independence of
Cartagena, observed). A step closes a deadline by its local due date when it is a date,
by its due instant when it is an instant."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from shared.calendar import Period
from shared.casework.deadlines import (
    Calendar,
    Close,
    Deadline,
    DeadlineStatus,
    Paused,
    after_period,
    closing_status,
    end_of_day,
    is_overdue,
    on_date,
    remaining,
    resumed,
)
from shared.casework.state_machine import Side

BOGOTA = Calendar("CO-MJD", "CO", "America/Bogota")
MADRID = Calendar("ES-MJ", "ES", "Europe/Madrid")
FRIDAY_6_NOVEMBER = datetime(2026, 11, 6, 9, 0, tzinfo=UTC)


def at(day: date, hour: int = 15) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.mark.parametrize(
    ("calendar", "expected"),
    [
        # 9-13, 17-20, 23 November: the holiday on the 16th pushes it to Monday 23.
        (BOGOTA, date(2026, 11, 23)),
        # Spain has no holiday in those two weeks.
        (MADRID, date(2026, 11, 20)),
    ],
)
def test_ten_working_days_in_the_requested_state(calendar, expected):
    plan = after_period(
        "acknowledgement",
        Period(10, "working_days"),
        start=FRIDAY_6_NOVEMBER,
        calendar=calendar,
        side=Side.requested,
        citation="UNTOC, art. 18(24)",
        pausable=True,
    )
    assert plan.due.date == expected
    assert plan.due.instant.tzinfo is not None
    assert plan.due.instant.isoformat().startswith(f"{expected.isoformat()}T23:59:59.999999")
    assert plan.responsible_side is Side.requested and plan.pausable


def test_the_local_date_counts_not_the_utc_one():
    # 03:00 UTC on 7 November is still Friday 6 November, 22:00, in Bogotá.
    late_friday = datetime(2026, 11, 7, 3, 0, tzinfo=UTC)
    plan = after_period(
        "x",
        Period(10, "working_days"),
        start=late_friday,
        calendar=BOGOTA,
        side=Side.requested,
        citation="c",
    )
    assert plan.due.date == date(2026, 11, 23)


@pytest.mark.parametrize(
    ("due_date", "unit", "paused_on", "left"),
    [
        # Working days after Tuesday 10 November up to Monday 23: 11-13, 17-20, 23 (not 16).
        (date(2026, 11, 23), "working_days", date(2026, 11, 10), 8),
        # Paused on a Saturday, due on the Monday: that Monday is left.
        (date(2026, 11, 23), "working_days", date(2026, 11, 21), 1),
        (date(2027, 1, 29), "calendar_days", date(2026, 11, 12), 78),
        # Paused on or after the due date: nothing left.
        (date(2026, 11, 23), "working_days", date(2026, 11, 23), 0),
        (date(2026, 11, 23), "calendar_days", date(2026, 11, 30), 0),
    ],
)
def test_what_is_left_when_paused(due_date, unit, paused_on, left):
    paused = remaining(due_date=due_date, unit=unit, paused_at=at(paused_on), calendar=BOGOTA)
    assert paused == Paused(left, unit)


@pytest.mark.parametrize(
    ("paused", "resumed_on", "expected"),
    [
        # 8 working days from Tuesday 17 November: 18-20, 23-27.
        (Paused(8, "working_days"), date(2026, 11, 17), date(2026, 11, 27)),
        # Over the holiday: from Friday 13 November, 2 working days are 17 and 18.
        (Paused(2, "working_days"), date(2026, 11, 13), date(2026, 11, 18)),
        (Paused(78, "calendar_days"), date(2026, 11, 17), date(2027, 2, 3)),
        # Nothing left, resumed on a Saturday: due the next working day.
        (Paused(0, "working_days"), date(2026, 11, 21), date(2026, 11, 23)),
    ],
)
def test_resuming_counts_what_was_left_from_the_resumption(paused, resumed_on, expected):
    due = resumed(paused, resumed_at=at(resumed_on), calendar=BOGOTA, roll_to_working_day=True)
    assert due.date == expected


def test_pause_then_resume_gives_back_exactly_the_days_that_were_left():
    start = FRIDAY_6_NOVEMBER
    plan = after_period(
        "acknowledgement",
        Period(10, "working_days"),
        start=start,
        calendar=BOGOTA,
        side=Side.requested,
        citation="c",
    )
    paused_at = at(date(2026, 11, 10))
    left = remaining(
        due_date=plan.due.date, unit="working_days", paused_at=paused_at, calendar=BOGOTA
    )
    # Resumed the same day: the same due date.
    same = resumed(left, resumed_at=paused_at, calendar=BOGOTA, roll_to_working_day=True)
    assert same.date == plan.due.date


def test_a_fixed_date_is_due_at_the_end_of_that_day_and_never_rolls():
    sunday = date(2026, 11, 29)
    plan = on_date(
        "requested_deadline",
        sunday,
        start=FRIDAY_6_NOVEMBER,
        calendar=BOGOTA,
        side=Side.requested,
        citation="UNTOC, art. 18(24)",
    )
    assert plan.due.date == sunday
    assert plan.due.instant == end_of_day(sunday, "America/Bogota").instant
    assert plan.due.instant.astimezone(UTC) == datetime(2026, 11, 30, 4, 59, 59, 999999, tzinfo=UTC)
    assert plan.rule.roll_to_working_day is False


def test_met_in_time_breached_when_late_and_overdue_only_while_running():
    due = datetime(2026, 11, 24, 4, 59, tzinfo=UTC)
    # 04:59 UTC on 24 November is 23:59 on Monday 23 November in Bogotá.
    due_date = date(2026, 11, 23)
    assert closing_status(due, due_date=due_date, due_at=due) is DeadlineStatus.met
    assert (
        closing_status(due + timedelta(seconds=1), due_date=due_date, due_at=due)
        is DeadlineStatus.breached
    )
    late = due + timedelta(days=1)
    assert is_overdue("open", due, None, late)
    assert not is_overdue("open", due, due - timedelta(days=2), late)
    assert not is_overdue("met", due, None, late)


def test_a_dated_step_closes_on_the_local_due_date_not_the_utc_one():
    # The due instant falls on the 24th in UTC, but the due date is Bogotá's 23rd.
    due = end_of_day(date(2026, 11, 23), "America/Bogota")
    assert due.instant.astimezone(UTC).date() == date(2026, 11, 24)
    on_time = closing_status(date(2026, 11, 23), due_date=due.date, due_at=due.instant)
    late = closing_status(date(2026, 11, 24), due_date=due.date, due_at=due.instant)
    assert on_time is DeadlineStatus.met
    assert late is DeadlineStatus.breached


class TestDeadlineFacts:
    def test_only_an_open_deadline_is_open(self):
        due = end_of_day(date(2026, 11, 23), "America/Bogota")
        facts = Deadline(
            id=uuid4(),
            kind="acknowledgement",
            status=DeadlineStatus.open,
            responsible_side=Side.requested,
            calendar=BOGOTA,
            started_at=FRIDAY_6_NOVEMBER,
            due_date=due.date,
            due_at=due.instant,
            citation="UNTOC, art. 18(24)",
        )
        assert facts.open and not facts.paused
        for status in (DeadlineStatus.met, DeadlineStatus.breached, DeadlineStatus.waived):
            assert not replace(facts, status=status).open

    def test_a_close_is_met_by_the_outcome_step_unless_it_names_its_own(self):
        assert Close(kinds=None, reason="sent").when is None
        step = date(2026, 11, 20)
        assert Close(kinds=frozenset({"acknowledgement"}), reason="x", when=step).when == step
