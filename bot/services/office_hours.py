"""When an organisation is open, and by when a newcomer who asked for a person can expect an answer.

Pure domain code: an organisation's opening hours from the knowledge base, the office's timezone and the
public holidays of a German state (Lower Saxony by default) from the `holidays` package.

Times: inputs are timezone-aware datetimes (the services' clock gives UTC; any aware datetime works, naive
ones are refused). Results are aware datetimes in the office's timezone, ready to be shown; they compare
correctly with UTC datetimes, except that `==` across timezones is always False for a time in the hour that
occurs twice when summer time ends (PEP 495; convert to UTC first). Every comparison here is made in UTC, so
the nights when summer time starts or ends cannot shift an opening by an hour.

Rules:
- An opening period is one `OpeningHours` entry on one of its weekdays, from `opens` (inclusive) to `closes`
  (exclusive), in local time. Overlapping or touching periods on one day are merged; a period whose `closes`
  is not after its `opens` is ignored (periods past midnight are not supported).
- On a public holiday an organisation with opening hours is closed all day. An `always_open` organisation
  (a 24/7 hotline) is open at every moment, holidays included.
- A working day is a local day with at least one opening period that is not a public holiday; for an
  `always_open` organisation every day is one.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

from knowledge import Organisation

DEFAULT_TIMEZONE = "Europe/Berlin"
DEFAULT_SUBDIVISION = "NI"  # Lower Saxony (Niedersachsen)
# How far ahead next_opening and expected_answer look before giving up: a year and a bit covers any
# organisation that opens at all (holidays never fill a whole year).
_HORIZON_DAYS = 400


@dataclass(frozen=True)
class ExpectedAnswer:
    """What to tell someone who asked for a person: whether the office is open now, when it opens next and by
    when an answer can be expected.

    `next_opening` is the moment itself (in the office's timezone) when the office is open now, else the start
    of the next opening period; None when the organisation has no opening hours. `answer_by` is the last of the
    promised working days, counted from the day of `next_opening` (that day is the first); an answer can be
    expected by the end of its opening hours, `answer_deadline` (for an `always_open` organisation: the
    following midnight, so compare `answer_by`, not `answer_deadline.date()`). Both are None when
    `next_opening` is. `holiday` names today's public holiday (the package's German name) when that is why the
    office is closed today, else None.
    """

    open_now: bool
    next_opening: dt.datetime | None
    answer_by: dt.date | None
    answer_deadline: dt.datetime | None
    holiday: str | None


@functools.lru_cache(maxsize=64)
def _holidays_of(year: int, subdivision: str) -> Mapping[dt.date, str]:
    """The public holidays of one year in a German state, with their German names (read-only)."""
    calendar = holidays.country_holidays("DE", subdiv=subdivision, years=year, language="de")
    return MappingProxyType({day: str(name) for day, name in calendar.items()})


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a timezone-aware datetime is needed, not {moment!r}")
    return moment.astimezone(dt.UTC)


class OfficeHours:
    """The opening hours of one organisation in a timezone, closed on the public holidays of a German state."""

    def __init__(
        self,
        organisation: Organisation,
        timezone: str | ZoneInfo = DEFAULT_TIMEZONE,
        *,
        subdivision: str = DEFAULT_SUBDIVISION,
    ) -> None:
        self.organisation = organisation
        self.timezone = timezone if isinstance(timezone, ZoneInfo) else ZoneInfo(timezone)
        self.subdivision = subdivision
        _holidays_of(2000, subdivision)  # an unknown subdivision fails here, not at the first question

    @property
    def always_open(self) -> bool:
        return self.organisation.always_open

    @property
    def has_hours(self) -> bool:
        """Whether the organisation opens at all (always, or on some weekday)."""
        return self.always_open or any(hours.opens < hours.closes for hours in self.organisation.hours)

    def holiday_on(self, day: dt.date) -> str | None:
        """The German name of the public holiday on `day` (a local date), or None on an ordinary day."""
        return _holidays_of(day.year, self.subdivision).get(day)

    def closed_for_holiday(self, now: dt.datetime) -> str | None:
        """The name of today's public holiday (today in the office's timezone) when the organisation would have
        opened today but for it, else None (also for `always_open` organisations, which never close)."""
        day = self._local(now).date()
        if self.always_open or not self._scheduled(day):
            return None
        return self.holiday_on(day)

    def is_open(self, now: dt.datetime) -> bool:
        """Whether the organisation is open at `now` (never on a public holiday, unless `always_open`)."""
        if self.always_open:
            return True
        moment = _utc(now)
        return any(start <= moment < end for start, end in self._periods(self._local(now).date()))

    def next_opening(self, now: dt.datetime) -> dt.datetime | None:
        """The start of the next opening period at or after `now`, in the office's timezone.

        When the organisation is open at `now` this is `now` itself (not the current period's start), so the
        result is never before `now`. None when the organisation has no opening hours.
        """
        if self.always_open:
            return self._local(now)
        if not self.has_hours:
            return None
        moment = _utc(now)
        today = self._local(now).date()
        for offset in range(_HORIZON_DAYS):
            for start, end in self._periods(today + dt.timedelta(days=offset)):
                if end > moment:
                    return max(start, moment).astimezone(self.timezone)
        return None

    def expected_answer(self, now: dt.datetime, working_days: int = 2) -> ExpectedAnswer:
        """Whether the office is open at `now`, when it next opens, and by when an answer can be expected:
        by the end of the `working_days`-th working day counted from the day of the next opening (that day
        being the first). Weekends, public holidays and days without opening hours are skipped."""
        if working_days < 1:
            raise ValueError(f"working_days must be at least 1, not {working_days}")
        opening = self.next_opening(now)
        answer_by: dt.date | None = None
        deadline: dt.datetime | None = None
        if opening is not None:
            day = opening.date()
            counted = 0
            for offset in range(_HORIZON_DAYS):
                candidate = day + dt.timedelta(days=offset)
                end = self._working_day_end(candidate)
                if end is None:
                    continue
                counted += 1
                if counted == working_days:
                    answer_by, deadline = candidate, end
                    break
        return ExpectedAnswer(
            open_now=self.is_open(now),
            next_opening=opening,
            answer_by=answer_by,
            answer_deadline=deadline,
            holiday=self.closed_for_holiday(now),
        )

    # --- internals ---------------------------------------------------------------------------------------

    def _local(self, moment: dt.datetime) -> dt.datetime:
        return _utc(moment).astimezone(self.timezone)

    def _at(self, day: dt.date, time: dt.time) -> dt.datetime:
        """A local wall-clock time as a UTC moment. A time that does not exist (skipped when summer time starts)
        counts with the offset before the change, i.e. an hour later on the clock; a time that occurs twice
        (when summer time ends) is its first occurrence."""
        return dt.datetime.combine(day, time, tzinfo=self.timezone).astimezone(dt.UTC)

    def _scheduled(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The opening periods on a local day by the weekly hours alone (holidays not considered), as sorted,
        merged UTC intervals."""
        periods = sorted(
            (self._at(day, hours.opens), self._at(day, hours.closes))
            for hours in self.organisation.hours
            if day.weekday() in hours.weekdays and hours.opens < hours.closes
        )
        merged: list[tuple[dt.datetime, dt.datetime]] = []
        for start, end in periods:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged

    def _periods(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The opening periods on a local day: none on a public holiday."""
        if self.holiday_on(day) is not None:
            return []
        return self._scheduled(day)

    def _working_day_end(self, day: dt.date) -> dt.datetime | None:
        """When a working day's opening hours end (local time), or None if `day` is no working day."""
        if self.always_open:
            return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=self.timezone)
        periods = self._periods(day)
        return periods[-1][1].astimezone(self.timezone) if periods else None
