"""The one rule for dates of steps (shared.casework.dates): a step given as a date is a
day in the calendar of the authority responsible for the deadline, compared with the
deadline's local due date; a step given as an instant is compared with its due instant.
Time zones and DST are where a rule comparing the wrong things goes wrong, so every
case here sits next to a day boundary that differs between UTC and the local calendar.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.calendar import CountingRule, Period, due
from shared.casework.dates import day_of, is_instant, met, not_in_future, start_of
from shared.casework.deadlines import end_of_day
from shared.casework.errors import FieldIssue, RuleBroken

BOGOTA = "America/Bogota"  # UTC-5, no DST
MADRID = "Europe/Madrid"  # CET/CEST: 29 March and 25 October 2026 change the clocks
AUCKLAND = "Pacific/Auckland"  # UTC+13 in November (NZDT)

# Due on Monday 23 November 2026 in Bogotá: its last instant is 04:59:59.999999 UTC on the 24th.
DUE_IN_BOGOTA = end_of_day(date(2026, 11, 23), BOGOTA)
MICROSECOND = timedelta(microseconds=1)
DAY = timedelta(days=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


class TestADateMeetsTheLocalDueDate:
    def test_the_due_instant_is_on_the_next_day_in_utc(self):
        assert DUE_IN_BOGOTA.instant.astimezone(UTC) == utc(2026, 11, 24, 4, 59, 59, 999999)

    @pytest.mark.parametrize(
        ("step", "in_time"),
        [
            (date(2026, 11, 20), True),
            (date(2026, 11, 23), True),
            # The UTC date of the due instant, but a day late in Bogotá.
            (date(2026, 11, 24), False),
            (date(2026, 12, 1), False),
        ],
    )
    def test_on_or_before_the_due_date_is_in_time(self, step, in_time):
        assert met(step, due_date=DUE_IN_BOGOTA.date, due_at=DUE_IN_BOGOTA.instant) is in_time

    def test_a_date_is_never_compared_with_the_instant(self):
        # Even with the due instant hours away, a date after the due date is late.
        due_at = datetime(2026, 11, 23, 0, 0, tzinfo=ZoneInfo(BOGOTA))
        assert not met(date(2026, 11, 24), due_date=date(2026, 11, 23), due_at=due_at + 2 * DAY)
        assert met(date(2026, 11, 23), due_date=date(2026, 11, 23), due_at=due_at - DAY)


class TestAnInstantMeetsTheDueInstant:
    @pytest.mark.parametrize(
        ("step", "in_time"),
        [
            # 22:00 on 23 November in Bogotá, already the 24th in UTC.
            (utc(2026, 11, 24, 3, 0), True),
            (DUE_IN_BOGOTA.instant, True),
            (DUE_IN_BOGOTA.instant + MICROSECOND, False),
            # Given in another zone, the same instant.
            (DUE_IN_BOGOTA.instant.astimezone(ZoneInfo(AUCKLAND)), True),
        ],
    )
    def test_at_or_before_the_due_instant_is_in_time(self, step, in_time):
        assert met(step, due_date=DUE_IN_BOGOTA.date, due_at=DUE_IN_BOGOTA.instant) is in_time

    @pytest.mark.parametrize(
        ("day", "last_instant_utc"),
        [
            # Clocks go back on Sunday 25 October 2026: the day ends at 23:59 CET (UTC+1).
            (date(2026, 10, 25), utc(2026, 10, 25, 22, 59, 59, 999999)),
            # Clocks go forward on Sunday 29 March 2026: the day ends at 23:59 CEST (UTC+2).
            (date(2026, 3, 29), utc(2026, 3, 29, 21, 59, 59, 999999)),
        ],
    )
    def test_the_day_a_clock_changes_ends_at_its_own_offset(self, day, last_instant_utc):
        deadline = end_of_day(day, MADRID)
        assert deadline.instant.astimezone(UTC) == last_instant_utc
        just_in_time = last_instant_utc - timedelta(minutes=30)
        just_late = last_instant_utc + timedelta(minutes=30)
        assert met(just_in_time, due_date=day, due_at=deadline.instant)
        assert not met(just_late, due_date=day, due_at=deadline.instant)
        # The local dates agree with the verdicts.
        assert day_of(just_in_time, MADRID) == day
        assert day_of(just_late, MADRID) == day + DAY

    def test_a_naive_instant_is_refused(self):
        with pytest.raises(ValueError):
            met(
                datetime(2026, 11, 23, 12),
                due_date=DUE_IN_BOGOTA.date,
                due_at=DUE_IN_BOGOTA.instant,
            )


class TestDayOf:
    @pytest.mark.parametrize(
        ("tz", "expected"),
        [
            (BOGOTA, date(2026, 11, 23)),
            ("UTC", date(2026, 11, 24)),
            (MADRID, date(2026, 11, 24)),
        ],
    )
    def test_an_instant_is_on_its_local_date(self, tz, expected):
        assert day_of(utc(2026, 11, 24, 3, 0), tz) == expected

    def test_a_date_is_its_own_day_in_any_zone(self):
        for tz in (BOGOTA, "UTC", AUCKLAND):
            assert day_of(date(2026, 11, 23), tz) == date(2026, 11, 23)

    def test_a_naive_instant_is_refused(self):
        with pytest.raises(ValueError):
            day_of(datetime(2026, 11, 24, 3, 0), BOGOTA)

    def test_is_instant(self):
        assert is_instant(utc(2026, 11, 24))
        assert not is_instant(date(2026, 11, 24))


class TestStartOf:
    NOW = utc(2026, 11, 24, 20, 0)  # 15:00 on 24 November in Bogotá

    def test_an_instant_starts_at_itself(self):
        step = utc(2026, 11, 20, 3, 15)
        assert start_of(step, BOGOTA, now=self.NOW) == step

    def test_a_past_date_starts_at_local_noon(self):
        start = start_of(date(2026, 11, 20), BOGOTA, now=self.NOW)
        assert start == datetime(2026, 11, 20, 12, tzinfo=ZoneInfo(BOGOTA))
        assert start.astimezone(UTC) == utc(2026, 11, 20, 17, 0)

    def test_today_starts_at_noon_or_now_if_that_is_earlier(self):
        morning = utc(2026, 11, 24, 13, 0)  # 08:00 in Bogotá
        assert start_of(date(2026, 11, 24), BOGOTA, now=morning) == morning
        noon = datetime(2026, 11, 24, 12, tzinfo=ZoneInfo(BOGOTA))
        assert start_of(date(2026, 11, 24), BOGOTA, now=self.NOW) == noon

    @pytest.mark.parametrize("day", [date(2026, 3, 29), date(2026, 10, 25)])
    def test_noon_on_a_day_the_clock_changes(self, day):
        start = start_of(day, MADRID, now=utc(2026, 12, 1))
        assert start.astimezone(ZoneInfo(MADRID)).hour == 12
        assert day_of(start, MADRID) == day

    @pytest.mark.parametrize(
        ("step", "now"),
        [
            (date(2026, 11, 23), utc(2026, 11, 24, 3, 0)),  # 22:00 on the 23rd in Bogotá
            (date(2026, 11, 24), utc(2026, 11, 24, 5, 1)),  # 00:01 on the 24th in Bogotá
            (date(2026, 11, 1), utc(2026, 11, 24, 5, 1)),
            # Today in Auckland is tomorrow in Bogotá: still an instant of that day.
            (date(2026, 11, 25), utc(2026, 11, 24, 20, 0)),
        ],
    )
    def test_it_is_an_instant_of_that_local_day(self, step, now):
        assert day_of(start_of(step, BOGOTA, now=now), BOGOTA) == step

    def test_a_period_from_a_date_runs_as_from_any_instant_of_that_day(self):
        rule = CountingRule()
        period = Period(10, "working_days")
        from_date = due(
            start_of(date(2026, 11, 6), BOGOTA, now=self.NOW),
            period,
            country="CO",
            tz=BOGOTA,
            rule=rule,
        )
        late_that_day = datetime(2026, 11, 6, 23, 30, tzinfo=ZoneInfo(BOGOTA))
        assert from_date == due(late_that_day, period, country="CO", tz=BOGOTA, rule=rule)
        assert from_date.date == date(2026, 11, 23)


class TestNotInFuture:
    # 03:00 UTC on 24 November: 22:00 on the 23rd in Bogotá, 16:00 on the 24th in Auckland.
    NOW = utc(2026, 11, 24, 3, 0)

    def test_a_date_after_today_in_the_zone_is_refused_though_it_is_today_in_utc(self):
        with pytest.raises(RuleBroken) as raised:
            not_in_future(date(2026, 11, 24), now=self.NOW, tz=BOGOTA, pointer="/received_on")
        error = raised.value
        assert error.problem_code == "rule-broken"
        assert error.errors == (FieldIssue(pointer="/received_on", detail="not in the future"),)
        assert "2026-11-24" in error.detail
        assert f"2026-11-23 in {BOGOTA}" in error.detail

    def test_today_in_the_zone_is_accepted_though_it_is_yesterday_in_utc(self):
        not_in_future(date(2026, 11, 23), now=self.NOW, tz=BOGOTA, pointer="/received_on")
        not_in_future(date(2026, 11, 23), now=self.NOW, tz="UTC", pointer="/received_on")

    def test_today_in_the_zone_is_accepted_though_it_is_tomorrow_in_utc(self):
        evening_utc = utc(2026, 11, 23, 20, 0)  # 09:00 on the 24th in Auckland
        not_in_future(date(2026, 11, 24), now=evening_utc, tz=AUCKLAND, pointer="/occurred_on")
        with pytest.raises(RuleBroken):
            not_in_future(date(2026, 11, 24), now=evening_utc, tz="UTC", pointer="/occurred_on")
        with pytest.raises(RuleBroken):
            not_in_future(date(2026, 11, 25), now=evening_utc, tz=AUCKLAND, pointer="/occurred_on")

    def test_an_instant_is_compared_with_now_in_any_zone(self):
        not_in_future(self.NOW, now=self.NOW, tz=BOGOTA, pointer="/arrested_at")
        local = self.NOW.astimezone(ZoneInfo(AUCKLAND)) - MICROSECOND
        not_in_future(local, now=self.NOW, tz=BOGOTA, pointer="/arrested_at")
        with pytest.raises(RuleBroken) as raised:
            not_in_future(self.NOW + MICROSECOND, now=self.NOW, tz=AUCKLAND, pointer="/arrested_at")
        assert raised.value.errors[0].pointer == "/arrested_at"
        assert "in the future" in raised.value.detail
