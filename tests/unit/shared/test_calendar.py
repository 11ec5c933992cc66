"""shared/calendar: deadline arithmetic on local dates, weekends and holidays.

Holiday and weekend facts below were checked against the installed ``holidays``
package (0.109):
- ES 2026: Mon 12 Oct Fiesta Nacional; Thu 1 Jan, Tue 6 Jan national;
  ES-MD adds Mon 2 Nov ("Monday following All Saints' Day").
- CO 2026: Mon 23 Mar San José (festivo moved to Monday); Thu 2 and Fri 3 Apr
  Maundy Thursday and Good Friday.
- SA: weekend Friday+Saturday; no holiday 8-11 Jan 2026.
- AE: weekend Friday+Saturday until 2021, Saturday+Sunday from 1 Jan 2022.
- MX 2026: no national holiday between 1 May and 16 Sep.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.calendar import (
    CountingRule,
    DueDate,
    Period,
    add_calendar_days,
    add_working_days,
    due,
)

NOT_COUNTED = CountingRule()  # day 1 is the day after the event; rolls
COUNTED = CountingRule(first_day_counted=True)
CUSTODY = CountingRule(roll_to_working_day=False)  # custody limits never roll
COUNTED_CUSTODY = CountingRule(first_day_counted=True, roll_to_working_day=False)

TZ = {
    "ES": "Europe/Madrid",
    "CO": "America/Bogota",
    "SA": "Asia/Riyadh",
    "AE": "Asia/Dubai",
    "MX": "America/Mexico_City",
}


def at(day: date, country: str, hour: int = 10) -> datetime:
    """An aware instant on ``day`` in ``country``'s authority time zone."""
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(TZ[country]))


@pytest.mark.parametrize(
    ("country", "start", "days", "rule", "expected", "why"),
    [
        # Spain: Fri 9 Oct; Sat/Sun skipped, Mon 12 Oct Fiesta Nacional skipped:
        # Tue 13 (1), Wed 14 (2), Thu 15 (3), Fri 16 (4), Mon 19 (5).
        ("ES", date(2026, 10, 9), 5, NOT_COUNTED, date(2026, 10, 19), "ES national holiday"),
        # Spain across the year end: Thu 31 Dec (1), Fri 1 Jan holiday, Mon 4 (2),
        # Tue 5 (3).
        ("ES", date(2026, 12, 30), 3, NOT_COUNTED, date(2027, 1, 5), "ES year boundary"),
        # Colombia: Fri 20 Mar; Mon 23 Mar San José festivo skipped: Tue 24 (1).
        ("CO", date(2026, 3, 20), 1, NOT_COUNTED, date(2026, 3, 24), "CO Monday festivo"),
        # Colombia Holy Week: Wed 1 Apr (1), Thu 2 + Fri 3 holidays, Mon 6 (2), Tue 7 (3).
        ("CO", date(2026, 3, 31), 3, NOT_COUNTED, date(2026, 4, 7), "CO Holy Week"),
        # Saudi Arabia: weekend Fri+Sat, Sunday works: Thu 8 Jan -> Sun 11 Jan.
        ("SA", date(2026, 1, 8), 1, NOT_COUNTED, date(2026, 1, 11), "SA Sunday works"),
        ("SA", date(2026, 1, 7), 2, NOT_COUNTED, date(2026, 1, 11), "SA Thu (1), Sun (2)"),
        # Same dates in Spain: Sunday is weekend there, Monday is day 1.
        ("ES", date(2026, 1, 8), 1, NOT_COUNTED, date(2026, 1, 9), "ES Fri is working"),
        ("ES", date(2026, 1, 9), 1, NOT_COUNTED, date(2026, 1, 12), "ES Sun is weekend"),
        # UAE weekend changed on 1 Jan 2022: Thu -> Sun before, Thu -> Fri after.
        ("AE", date(2021, 6, 3), 1, NOT_COUNTED, date(2021, 6, 6), "AE Fri+Sat in 2021"),
        ("AE", date(2023, 6, 1), 1, NOT_COUNTED, date(2023, 6, 2), "AE Sat+Sun from 2022"),
        # First day counted: the event's day is day 1 when it is a working day...
        ("ES", date(2026, 10, 13), 1, COUNTED, date(2026, 10, 13), "counted: event day"),
        ("ES", date(2026, 10, 13), 1, NOT_COUNTED, date(2026, 10, 14), "not counted: next"),
        ("ES", date(2026, 10, 13), 3, COUNTED, date(2026, 10, 15), "counted: Tue-Thu"),
        # ...and otherwise the next working day (Sun 11, Mon 12 holiday -> Tue 13).
        ("ES", date(2026, 10, 11), 1, COUNTED, date(2026, 10, 13), "counted: Sunday event"),
        # Zero working days: the event's day, moved to a working day.
        ("ES", date(2026, 10, 10), 0, NOT_COUNTED, date(2026, 10, 13), "zero: Sat -> Tue"),
        ("ES", date(2026, 10, 13), 0, NOT_COUNTED, date(2026, 10, 13), "zero: working day"),
        # Working-day periods always end on a working day: the roll flag is moot.
        ("ES", date(2026, 10, 9), 5, CUSTODY, date(2026, 10, 19), "no-roll flag moot"),
    ],
    ids=lambda v: v if isinstance(v, str) and " " in v else None,
)
def test_working_days(
    country: str, start: date, days: int, rule: CountingRule, expected: date, why: str
) -> None:
    tz = TZ[country]
    result = due(
        at(start, country), Period(days, "working_days"), country=country, tz=tz, rule=rule
    )
    assert result.date == expected, why
    instant = add_working_days(at(start, country), days, country=country, tz=tz, rule=rule)
    assert instant == result.instant


@pytest.mark.parametrize(
    ("country", "start", "days", "rule", "expected", "why"),
    [
        # Mexico City arrest, 60 days from local date 10 Mar: 21 days to 31 Mar,
        # 30 to 30 Apr (51), 9 more to Sat 9 May (60). Custody: no roll.
        ("MX", date(2026, 3, 10), 60, CUSTODY, date(2026, 5, 9), "custody stays on Sat"),
        ("MX", date(2026, 3, 10), 60, NOT_COUNTED, date(2026, 5, 11), "rolls Sat -> Mon"),
        ("MX", date(2026, 3, 10), 60, COUNTED_CUSTODY, date(2026, 5, 8), "counted: day 60 Fri"),
        # Spain, ends on Mon 12 Oct (holiday): rolls to Tue 13 unless custody.
        ("ES", date(2026, 9, 12), 30, NOT_COUNTED, date(2026, 10, 13), "holiday rolls"),
        ("ES", date(2026, 9, 12), 30, CUSTODY, date(2026, 10, 12), "custody: holiday kept"),
        # Spain, ends on Sun 11 Oct: rolls past Sunday and the Monday holiday.
        ("ES", date(2026, 10, 1), 10, NOT_COUNTED, date(2026, 10, 13), "Sun + holiday roll"),
        ("ES", date(2026, 10, 1), 10, CUSTODY, date(2026, 10, 11), "custody: Sunday kept"),
        ("ES", date(2026, 10, 1), 10, COUNTED, date(2026, 10, 13), "counted: Sat rolls"),
        ("ES", date(2026, 10, 1), 10, COUNTED_CUSTODY, date(2026, 10, 10), "counted: Sat"),
        # Saudi Arabia: a period ending on Friday rolls to Sunday, not Monday.
        ("SA", date(2026, 1, 2), 7, NOT_COUNTED, date(2026, 1, 11), "SA Fri -> Sun"),
        # Zero days: the event's own local date.
        ("ES", date(2026, 10, 13), 0, NOT_COUNTED, date(2026, 10, 13), "zero days"),
        ("ES", date(2026, 10, 13), 0, COUNTED, date(2026, 10, 13), "zero days counted"),
    ],
    ids=lambda v: v if isinstance(v, str) and " " in v else None,
)
def test_calendar_days(
    country: str, start: date, days: int, rule: CountingRule, expected: date, why: str
) -> None:
    tz = TZ[country]
    result = due(
        at(start, country), Period(days, "calendar_days"), country=country, tz=tz, rule=rule
    )
    assert result.date == expected, why
    instant = add_calendar_days(at(start, country), days, tz=tz, rule=rule, country=country)
    assert instant == result.instant


def test_counts_from_the_local_date_not_the_utc_date() -> None:
    # 23:30 on 10 Mar in Mexico City (UTC-6, no DST since 2022) is 05:30Z on 11 Mar.
    arrest_utc = datetime(2026, 3, 11, 5, 30, tzinfo=UTC)
    arrest_local = datetime(2026, 3, 10, 23, 30, tzinfo=ZoneInfo("America/Mexico_City"))
    assert arrest_local == arrest_utc
    for start in (arrest_utc, arrest_local):
        result = due(
            start,
            Period(60, "calendar_days"),
            country="MX",
            tz="America/Mexico_City",
            rule=CUSTODY,
        )
        assert result.date == date(2026, 5, 9)  # from 11 Mar it would be 10 May


def test_local_date_in_working_days() -> None:
    # Madrid is UTC+2 in early October: 21:30Z Fri 9 Oct is 23:30 Friday local,
    # 22:30Z is 00:30 Saturday local. With the first day counted, the Friday
    # event is day 1 itself; the Saturday one waits for Tue 13 (Mon 12 holiday).
    friday_late = datetime(2026, 10, 9, 21, 30, tzinfo=UTC)
    saturday_early = datetime(2026, 10, 9, 22, 30, tzinfo=UTC)
    for start, expected in ((friday_late, date(2026, 10, 9)), (saturday_early, date(2026, 10, 13))):
        instant = add_working_days(start, 1, country="ES", tz="Europe/Madrid", rule=COUNTED)
        assert instant.date() == expected


def test_due_instant_is_last_instant_of_due_local_day() -> None:
    result = due(
        at(date(2026, 10, 9), "ES"),
        Period(5, "working_days"),
        country="ES",
        tz="Europe/Madrid",
        rule=NOT_COUNTED,
    )
    assert result == DueDate(
        date=date(2026, 10, 19),
        instant=datetime(2026, 10, 19, 23, 59, 59, 999999, tzinfo=ZoneInfo("Europe/Madrid")),
        tz="Europe/Madrid",
    )
    assert result.instant.tzinfo == ZoneInfo("Europe/Madrid")
    assert result.instant.date() == result.date
    # One microsecond later is the next local day.
    assert (result.instant + timedelta(microseconds=1)).date() == date(2026, 10, 20)
    assert result.instant.astimezone(UTC) == datetime(2026, 10, 19, 21, 59, 59, 999999, tzinfo=UTC)


def test_due_instant_on_a_dst_fall_back_day_is_the_later_occurrence() -> None:
    # America/Santiago: clocks go back from 00:00 Sun 5 Apr 2026 (-03) to 23:00
    # Sat 4 Apr (-04), so Saturday 23:xx happens twice; the last instant is -04.
    result = add_calendar_days(
        datetime(2026, 4, 3, 12, tzinfo=UTC), 1, tz="America/Santiago", rule=CUSTODY
    )
    assert result.date() == date(2026, 4, 4)
    assert result.astimezone(UTC) == datetime(2026, 4, 5, 3, 59, 59, 999999, tzinfo=UTC)


def test_subdivision_adds_regional_holidays() -> None:
    friday = at(date(2026, 10, 30), "ES")
    national = add_working_days(friday, 1, country="ES", tz="Europe/Madrid", rule=NOT_COUNTED)
    madrid = add_working_days(
        friday, 1, country="ES", subdivision="MD", tz="Europe/Madrid", rule=NOT_COUNTED
    )
    assert national.date() == date(2026, 11, 2)
    assert madrid.date() == date(2026, 11, 3)  # Mon 2 Nov is a Madrid holiday


def test_calendar_days_without_country() -> None:
    start = at(date(2026, 3, 10), "MX")
    # A custody limit needs no country: nothing rolls.
    instant = add_calendar_days(start, 60, tz="America/Mexico_City", rule=CUSTODY)
    assert instant.date() == date(2026, 5, 9)
    # Rolling does.
    with pytest.raises(ValueError, match="needs a country"):
        add_calendar_days(start, 60, tz="America/Mexico_City", rule=NOT_COUNTED)


START = datetime(2026, 10, 9, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: add_working_days(
                datetime(2026, 10, 9, 10), 5, country="ES", tz="Europe/Madrid", rule=NOT_COUNTED
            ),
            "aware",
        ),
        (
            lambda: add_calendar_days(
                datetime(2026, 10, 9, 10), 5, tz="Europe/Madrid", rule=CUSTODY
            ),
            "aware",
        ),
        (
            lambda: add_working_days(START, 5, country="XX", tz="Europe/Madrid", rule=NOT_COUNTED),
            "unknown country",
        ),
        (
            lambda: add_working_days(START, 5, country="es", tz="Europe/Madrid", rule=NOT_COUNTED),
            "unknown country",
        ),
        (
            lambda: add_working_days(START, 5, country="ESP", tz="Europe/Madrid", rule=NOT_COUNTED),
            "unknown country",
        ),
        (
            lambda: add_calendar_days(START, 5, country="XX", tz="Europe/Madrid", rule=CUSTODY),
            "unknown country",
        ),
        (
            lambda: add_working_days(
                START, 5, country="ES", subdivision="ZZ", tz="Europe/Madrid", rule=NOT_COUNTED
            ),
            "unknown subdivision",
        ),
        (
            lambda: add_working_days(START, 5, country="ES", tz="Europe/Nowhere", rule=NOT_COUNTED),
            "unknown IANA time zone",
        ),
        (
            lambda: add_calendar_days(START, 5, tz="", rule=CUSTODY),
            "unknown IANA time zone",
        ),
        (
            lambda: add_working_days(START, -1, country="ES", tz="Europe/Madrid", rule=NOT_COUNTED),
            ">= 0",
        ),
        (
            lambda: add_calendar_days(START, -1, tz="Europe/Madrid", rule=CUSTODY),
            ">= 0",
        ),
        (lambda: Period(-1, "calendar_days"), ">= 0"),
        (lambda: Period(1, "weeks"), "unknown period unit"),  # type: ignore[arg-type]
    ],
    ids=[
        "naive-working",
        "naive-calendar",
        "unknown-country",
        "lowercase-country",
        "alpha3-country",
        "unknown-country-calendar",
        "unknown-subdivision",
        "unknown-tz",
        "empty-tz",
        "negative-working",
        "negative-calendar",
        "negative-period",
        "unknown-unit",
    ],
)
def test_rejects_bad_input(call: object, message: str) -> None:
    assert callable(call)
    with pytest.raises(ValueError, match=message):
        call()


def test_rule_is_immutable() -> None:
    with pytest.raises(AttributeError):
        CUSTODY.roll_to_working_day = True  # type: ignore[misc]
