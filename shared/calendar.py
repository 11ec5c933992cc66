"""Deadline arithmetic: "40 days" or "10 working days in Spain" to an instant.

Pure (docs/architecture.md "Legal rules live in pure code"): nothing here reads the clock,
the database or the network; the triggering instant and the rule come in as
arguments.

Choices, in the order they are applied:

- **The count runs on local dates.** ``start`` must be aware; it is converted to
  the responsible authority's IANA time zone ``tz`` and only its *local date* is
  used. An arrest at 23:30 on 10 March in Mexico City (05:30 UTC on 11 March)
  is counted from 10 March (docs/domain.md "Extradition": counted on the local
  date of arrest in the requested State).
- **The event's day is not counted** unless ``CountingRule.first_day_counted``:
  by default day 1 is the day after the event (the usual civil-law rule, e.g.
  European Convention on the Calculation of Time-Limits 1972, ETS 76, arts. 3
  and 5 *(verify)*, which also rolls a last day on a holiday). With
  ``first_day_counted`` the event's own day is day 1 (for working-day periods:
  the event's day if it is a working day, else the next working day).
- **Working days** are the days that are neither a weekend day nor a national
  public holiday of ``country`` (optionally with one ``subdivision``'s holidays
  added). Both come from the ``holidays`` package, the single source: it knows
  each country's weekend, including changes over time (e.g. the UAE moved from
  Friday+Saturday to Saturday+Sunday on 1 January 2022), and working days moved
  onto a weekend ("bridge" swaps). Countries the package gives no explicit
  weekend fall back to its Saturday+Sunday default (e.g. Libya, Nepal in
  holidays 0.109): unverified, check such a country before relying on it.
- **Rolling.** A calendar-day period whose last day is not a working day moves
  to the next working day when ``CountingRule.roll_to_working_day``; custody
  limits pass ``roll_to_working_day=False`` and never roll (docs/architecture.md
  "Casework": custody limits never roll). A working-day period always ends on a
  working day, so the flag does not apply to it.
- **A zero-day period** ends on the event's own local date (rolled, if rolling).
- **The due instant is the last instant of the due local date** in ``tz``
  (23:59:59.999999, the later one if a DST fall-back repeats that hour), as an
  aware datetime in that ``ZoneInfo``. "Due on 9 May" therefore means an act
  done at any time on 9 May, local time, is in time; compare the instant with an
  aware "now" to know if the deadline has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

PeriodUnit = Literal["calendar_days", "working_days"]

# A safety bound: no real calendar has a year of consecutive non-working days;
# reaching it means bad holiday data, and failing beats looping forever.
_MAX_CONSECUTIVE_NON_WORKING_DAYS = 366

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class CountingRule:
    """How a legal time limit is counted (docs/architecture.md "Casework": counting rule)."""

    first_day_counted: bool = False
    """True: the day of the triggering event is day 1. False: day 1 is the next day."""
    roll_to_working_day: bool = True
    """Calendar-day periods only: a due date on a non-working day moves to the next
    working day. Custody limits pass False: they never roll."""


@dataclass(frozen=True, slots=True)
class Period:
    """A time limit such as 40 calendar days or 10 working days."""

    amount: int
    unit: PeriodUnit

    def __post_init__(self) -> None:
        _check_days(self.amount)
        if self.unit not in ("calendar_days", "working_days"):
            raise ValueError(f"unknown period unit {self.unit!r}")


@dataclass(frozen=True, slots=True)
class DueDate:
    """When a deadline falls due, in the responsible authority's time zone."""

    date: date
    """The due local date: the last day on which the act is in time."""
    instant: datetime
    """The last instant of ``date`` in ``tz`` (aware, tzinfo is ``ZoneInfo(tz)``)."""
    tz: str
    """The IANA time zone key of the responsible authority."""


class _WorkingCalendar:
    """A country's working days, from the ``holidays`` package."""

    def __init__(self, country: str, subdivision: str | None, year: int) -> None:
        if len(country) != 2 or country not in holidays.list_supported_countries():
            raise ValueError(
                f"unknown country code {country!r}: expected an ISO 3166-1 alpha-2 code "
                "supported by the holidays package (e.g. 'ES', 'CO', 'SA')"
            )
        try:
            # National public holidays only unless a subdivision is given. The
            # instance expands to further years on lookup (expand=True, the default).
            self._days = holidays.country_holidays(country, subdiv=subdivision, years=year)
        except NotImplementedError as exc:
            raise ValueError(f"unknown subdivision {subdivision!r} of {country}: {exc}") from exc

    def is_working_day(self, day: date) -> bool:
        # Weekend per country and date, holidays, and weekend days made working days.
        return bool(self._days.is_working_day(day))

    def on_or_after(self, day: date) -> date:
        """The first working day on or after ``day``."""
        for _ in range(_MAX_CONSECUTIVE_NON_WORKING_DAYS):
            if self.is_working_day(day):
                return day
            day += _ONE_DAY
        raise ValueError(f"no working day within a year from {day.isoformat()}")


def _check_days(days: int) -> None:
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError(f"days must be an int, got {type(days).__name__}")
    if days < 0:
        raise ValueError(f"days must be >= 0, got {days}")


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA time zone {tz!r}") from exc


def _local_date(start: datetime, zone: ZoneInfo) -> date:
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("start must be an aware datetime (naive datetimes are ambiguous)")
    return start.astimezone(zone).date()


def _due(day: date, zone: ZoneInfo, tz: str) -> DueDate:
    # fold=1: if a DST fall-back repeats the last hour of the day, take the later
    # occurrence, which is the true last instant of the local day.
    instant = datetime.combine(day, time.max, tzinfo=zone).replace(fold=1)
    return DueDate(date=day, instant=instant, tz=tz)


def _calendar_days(
    start: datetime,
    days: int,
    *,
    country: str | None,
    tz: str,
    rule: CountingRule,
    subdivision: str | None,
) -> DueDate:
    _check_days(days)
    zone = _zone(tz)
    event_day = _local_date(start, zone)
    # Not counted: day N is event + N. Counted: the event's day is day 1.
    offset = days - 1 if rule.first_day_counted and days > 0 else days
    due_day = event_day + timedelta(days=offset)
    if rule.roll_to_working_day:
        if country is None:
            raise ValueError("rolling to a working day needs a country")
        due_day = _WorkingCalendar(country, subdivision, due_day.year).on_or_after(due_day)
    elif country is not None:
        _WorkingCalendar(country, subdivision, due_day.year)  # validate it all the same
    return _due(due_day, zone, tz)


def _working_days(
    start: datetime,
    days: int,
    *,
    country: str,
    tz: str,
    rule: CountingRule,
    subdivision: str | None,
) -> DueDate:
    _check_days(days)
    zone = _zone(tz)
    event_day = _local_date(start, zone)
    calendar = _WorkingCalendar(country, subdivision, event_day.year)
    if days == 0:
        return _due(calendar.on_or_after(event_day), zone, tz)
    # Counted: the event's day may be day 1 (if it is a working day).
    day = calendar.on_or_after(event_day if rule.first_day_counted else event_day + _ONE_DAY)
    for _ in range(days - 1):
        day = calendar.on_or_after(day + _ONE_DAY)
    return _due(day, zone, tz)


def due(
    start: datetime,
    period: Period,
    *,
    country: str,
    tz: str,
    rule: CountingRule,
    subdivision: str | None = None,
) -> DueDate:
    """When ``period`` from the event at ``start`` falls due for an authority of
    ``country`` in time zone ``tz``, counted by ``rule``.

    Raises ValueError for a naive ``start``, an unknown country, subdivision or
    time zone.
    """
    if period.unit == "calendar_days":
        return _calendar_days(
            start, period.amount, country=country, tz=tz, rule=rule, subdivision=subdivision
        )
    return _working_days(
        start, period.amount, country=country, tz=tz, rule=rule, subdivision=subdivision
    )


def add_calendar_days(
    start: datetime,
    days: int,
    *,
    tz: str,
    rule: CountingRule,
    country: str | None = None,
    subdivision: str | None = None,
) -> datetime:
    """The due instant ``days`` calendar days after the event at ``start``.

    ``country`` is needed only to roll to a working day; rolling without one
    raises ValueError. Custody limits pass ``CountingRule(roll_to_working_day=False)``.
    """
    return _calendar_days(
        start, days, country=country, tz=tz, rule=rule, subdivision=subdivision
    ).instant


def add_working_days(
    start: datetime,
    days: int,
    *,
    country: str,
    tz: str,
    rule: CountingRule,
    subdivision: str | None = None,
) -> datetime:
    """The due instant ``days`` working days of ``country`` after the event at ``start``."""
    return _working_days(
        start, days, country=country, tz=tz, rule=rule, subdivision=subdivision
    ).instant
