"""Office hours: open or closed at a given moment, the next opening and the expected answer, with Lower Saxony's
public holidays and the summer-time changes. Every moment is given explicitly (in UTC, as the clock gives it)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.services import ExpectedAnswer, OfficeHours
from bot.settings import Settings
from knowledge import KnowledgeBase, Organisation
from knowledge.model import OpeningHours

BERLIN = ZoneInfo("Europe/Berlin")
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0, fold: int = 0) -> dt.datetime:
    """A wall-clock time in Berlin as the UTC moment the clock would give."""
    return dt.datetime(year, month, day, hour, minute, fold=fold, tzinfo=BERLIN).astimezone(dt.UTC)


def organisation(*hours: OpeningHours, always_open: bool = False) -> Organisation:
    return Organisation(id="test", name="Testamt", kind="authority", sample=True, hours=hours, always_open=always_open)


def hours(weekdays: tuple[int, ...], opens: str, closes: str) -> OpeningHours:
    return OpeningHours(weekdays=weekdays, opens=dt.time.fromisoformat(opens), closes=dt.time.fromisoformat(closes))


MON_TO_FRI = organisation(hours((MON, TUE, WED, THU, FRI), "08:30", "12:00"))


@pytest.fixture(scope="module")
def office(kb: KnowledgeBase) -> OfficeHours:
    """The county's coordination office from the real knowledge base (sample hours: Mon-Thu 09-12, Thu 14-17)."""
    org = kb.organisations["koordinierungsstelle"]
    assert org.hours == (
        hours((MON, TUE, WED, THU), "09:00", "12:00"),
        hours((THU,), "14:00", "17:00"),
    ), "these tests assume the sample hours of knowledge/data/organisations.yaml"
    assert not org.always_open
    return OfficeHours(org, Settings(_env_file=None).timezone)


# --- The coordination office ----------------------------------------------------------------------------


def test_inside_opening_hours(office: OfficeHours) -> None:
    now = berlin(2026, 12, 1, 10, 0)  # Tuesday
    assert office.is_open(now)
    assert office.next_opening(now) == now
    answer = office.expected_answer(now)
    assert answer == ExpectedAnswer(
        open_now=True,
        next_opening=now,
        answer_by=dt.date(2026, 12, 2),
        answer_deadline=berlin(2026, 12, 2, 12, 0),
        holiday=None,
    )
    assert answer.next_opening is not None and answer.next_opening.tzinfo == BERLIN


def test_opening_is_inclusive_and_closing_exclusive(office: OfficeHours) -> None:
    assert not office.is_open(berlin(2026, 12, 1, 8, 59))
    assert office.is_open(berlin(2026, 12, 1, 9, 0))
    assert office.is_open(berlin(2026, 12, 1, 11, 59))
    assert not office.is_open(berlin(2026, 12, 1, 12, 0))
    assert office.next_opening(berlin(2026, 12, 1, 12, 0)) == berlin(2026, 12, 2, 9, 0)
    assert office.next_opening(berlin(2026, 12, 1, 7, 0)) == berlin(2026, 12, 1, 9, 0)


def test_between_the_two_periods_on_thursday(office: OfficeHours) -> None:
    now = berlin(2026, 12, 3, 12, 30)  # Thursday, between 09-12 and 14-17
    assert not office.is_open(now)
    opening = office.next_opening(now)
    assert opening == berlin(2026, 12, 3, 14, 0)
    assert opening is not None and (opening.hour, opening.minute) == (14, 0)
    answer = office.expected_answer(now)
    # Thursday is the first working day, the next one is Monday (the office is closed Friday to Sunday)
    assert (answer.open_now, answer.answer_by, answer.answer_deadline) == (
        False,
        dt.date(2026, 12, 7),
        berlin(2026, 12, 7, 12, 0),
    )
    assert office.is_open(berlin(2026, 12, 3, 14, 0)) and office.is_open(berlin(2026, 12, 3, 16, 59))
    assert not office.is_open(berlin(2026, 12, 3, 17, 0))


def test_thursday_evening_opens_monday_answer_by_tuesday(office: OfficeHours) -> None:
    answer = office.expected_answer(berlin(2026, 12, 3, 17, 0))
    assert answer.next_opening == berlin(2026, 12, 7, 9, 0)
    assert answer.answer_by == dt.date(2026, 12, 8)
    assert answer.answer_deadline == berlin(2026, 12, 8, 12, 0)


def test_friday_afternoon_waits_for_monday(office: OfficeHours) -> None:
    now = berlin(2026, 12, 4, 15, 0)  # Friday
    answer = office.expected_answer(now)
    assert answer == ExpectedAnswer(
        open_now=False,
        next_opening=berlin(2026, 12, 7, 9, 0),
        answer_by=dt.date(2026, 12, 8),
        answer_deadline=berlin(2026, 12, 8, 12, 0),
        holiday=None,
    )
    assert answer.next_opening == utc(2026, 12, 7, 8, 0)  # CET: UTC+1


def test_christmas_2026(office: OfficeHours) -> None:
    # 24 December 2026 is a Thursday and no public holiday; 25 (Friday) and 26 December (Saturday) are
    assert office.holiday_on(dt.date(2026, 12, 24)) is None
    assert office.holiday_on(dt.date(2026, 12, 25)) == "Erster Weihnachtstag"
    assert office.holiday_on(dt.date(2026, 12, 26)) == "Zweiter Weihnachtstag"
    christmas_eve = berlin(2026, 12, 24, 10, 0)
    assert office.is_open(christmas_eve)
    assert office.expected_answer(christmas_eve).answer_by == dt.date(2026, 12, 28)
    evening = office.expected_answer(berlin(2026, 12, 24, 17, 30))
    assert (evening.next_opening, evening.answer_by) == (berlin(2026, 12, 28, 9, 0), dt.date(2026, 12, 29))
    # The office never opens on Fridays: closed on 25 December, but not because of the holiday
    christmas_day = office.expected_answer(berlin(2026, 12, 25, 10, 0))
    assert (christmas_day.open_now, christmas_day.holiday) == (False, None)
    assert christmas_day.next_opening == berlin(2026, 12, 28, 9, 0)


def test_christmas_on_a_thursday_closes_the_office(office: OfficeHours) -> None:
    now = berlin(2025, 12, 25, 10, 0)  # Thursday, Erster Weihnachtstag
    assert not office.is_open(now)
    assert office.closed_for_holiday(now) == "Erster Weihnachtstag"
    answer = office.expected_answer(now)
    assert answer.holiday == "Erster Weihnachtstag"
    assert answer.next_opening == berlin(2025, 12, 29, 9, 0)
    assert answer.answer_by == dt.date(2025, 12, 30)
    # the day before, the answer skips the holiday Thursday (and Friday to Sunday)
    assert office.expected_answer(berlin(2025, 12, 24, 10, 0)).answer_by == dt.date(2025, 12, 29)


def test_reformation_day_is_a_holiday_in_lower_saxony(office: OfficeHours) -> None:
    for year in range(2018, 2031):
        assert office.holiday_on(dt.date(year, 10, 31)) == "Reformationstag", year
    now = berlin(2024, 10, 31, 10, 0)  # Thursday: the office would be open in the morning and afternoon
    assert not office.is_open(now)
    assert not office.is_open(berlin(2024, 10, 31, 15, 0))
    answer = office.expected_answer(now)
    assert answer == ExpectedAnswer(
        open_now=False,
        next_opening=berlin(2024, 11, 4, 9, 0),
        answer_by=dt.date(2024, 11, 5),
        answer_deadline=berlin(2024, 11, 5, 12, 0),
        holiday="Reformationstag",
    )
    # Wednesday afternoon: the next opening skips the holiday Thursday
    assert office.next_opening(berlin(2024, 10, 30, 16, 0)) == berlin(2024, 11, 4, 9, 0)
    # 31 October 2026 is a Saturday: a holiday, but the office would be closed anyway
    assert office.closed_for_holiday(berlin(2026, 10, 31, 10, 0)) is None


def test_reformation_day_is_not_a_holiday_everywhere() -> None:
    bavaria = OfficeHours(MON_TO_FRI, subdivision="BY")
    assert bavaria.holiday_on(dt.date(2024, 10, 31)) is None
    assert bavaria.is_open(berlin(2024, 10, 31, 10, 0))


def test_easter_monday(office: OfficeHours) -> None:
    now = berlin(2026, 4, 6, 10, 0)  # Ostermontag
    assert now == utc(2026, 4, 6, 8, 0)  # summer time: UTC+2
    assert not office.is_open(now)
    answer = office.expected_answer(now)
    assert answer.holiday == "Ostermontag"
    assert answer.next_opening == utc(2026, 4, 7, 7, 0)  # Tuesday 09:00 CEST
    assert answer.answer_by == dt.date(2026, 4, 8)
    # From Maundy Thursday evening: Good Friday, the weekend and Easter Monday are skipped
    assert office.next_opening(berlin(2026, 4, 2, 17, 30)) == berlin(2026, 4, 7, 9, 0)
    assert office.expected_answer(berlin(2026, 4, 2, 11, 0)).answer_by == dt.date(2026, 4, 7)


def test_summer_time_starts(office: OfficeHours) -> None:
    # Summer time starts on Sunday 29 March 2026: Thursday 09:00 is 08:00 UTC, Monday 09:00 is 07:00 UTC
    assert office.is_open(utc(2026, 3, 26, 8, 0))
    assert not office.is_open(utc(2026, 3, 26, 7, 59))
    opening = office.next_opening(utc(2026, 3, 26, 17, 0))  # Thursday 18:00 CET
    assert opening == utc(2026, 3, 30, 7, 0)
    assert opening is not None and opening.utcoffset() == dt.timedelta(hours=2) and opening.hour == 9
    assert not office.is_open(utc(2026, 3, 30, 6, 59))
    assert office.is_open(utc(2026, 3, 30, 7, 0))
    assert office.expected_answer(utc(2026, 3, 26, 17, 0)).answer_deadline == utc(2026, 3, 31, 10, 0)


def test_summer_time_ends(office: OfficeHours) -> None:
    # Summer time ends on Sunday 25 October 2026: Thursday 09:00 is 07:00 UTC, Monday 09:00 is 08:00 UTC
    assert office.is_open(utc(2026, 10, 22, 7, 0))
    opening = office.next_opening(utc(2026, 10, 22, 16, 0))  # Thursday 18:00 CEST
    assert opening == utc(2026, 10, 26, 8, 0)
    assert opening is not None and opening.utcoffset() == dt.timedelta(hours=1) and opening.hour == 9
    assert not office.is_open(utc(2026, 10, 26, 7, 30))
    assert office.is_open(utc(2026, 10, 26, 8, 0))


def test_hours_across_the_night_of_the_change() -> None:
    night = OfficeHours(organisation(hours((SUN,), "01:00", "04:00")))
    # 29 March 2026: 01:00 CET (00:00 UTC) to 04:00 CEST (02:00 UTC), two real hours
    assert night.next_opening(utc(2026, 3, 28, 12, 0)) == utc(2026, 3, 29, 0, 0)
    assert night.is_open(utc(2026, 3, 29, 1, 30))
    assert not night.is_open(utc(2026, 3, 29, 2, 0))
    # 25 October 2026: 01:00 CEST (23:00 UTC the day before) to 04:00 CET (03:00 UTC), four real hours
    assert night.is_open(utc(2026, 10, 24, 23, 0))
    assert night.is_open(utc(2026, 10, 25, 2, 30))
    assert not night.is_open(utc(2026, 10, 25, 3, 0))
    answer = night.expected_answer(utc(2026, 10, 25, 0, 30), working_days=1)
    assert answer.answer_deadline == utc(2026, 10, 25, 3, 0)


def test_the_repeated_hour_is_compared_in_utc() -> None:
    # 02:45 happens twice on 25 October 2026; the period starts at the first (00:45 UTC). At the second 02:30
    # (01:30 UTC) the office is open, though 02:30 is earlier than 02:45 on the wall clock.
    late = OfficeHours(organisation(hours((SUN,), "02:45", "03:00")))
    second_half_past_two = berlin(2026, 10, 25, 2, 30, fold=1)
    assert second_half_past_two == utc(2026, 10, 25, 1, 30)
    assert late.is_open(second_half_past_two)
    assert not late.is_open(berlin(2026, 10, 25, 2, 30, fold=0))
    opening = late.next_opening(berlin(2026, 10, 25, 2, 30, fold=0))
    # (`==` between zones is always False for a time in the repeated hour, PEP 495: compare in UTC)
    assert opening is not None and opening.astimezone(dt.UTC) == utc(2026, 10, 25, 0, 45)


# --- Edge cases -------------------------------------------------------------------------------------------


def test_an_office_open_on_fridays_is_closed_on_christmas_day() -> None:
    office = OfficeHours(MON_TO_FRI)
    assert office.is_open(berlin(2026, 12, 24, 11, 0))
    assert office.expected_answer(berlin(2026, 12, 24, 11, 0)).answer_by == dt.date(2026, 12, 28)
    answer = office.expected_answer(berlin(2026, 12, 25, 10, 0))
    assert answer == ExpectedAnswer(
        open_now=False,
        next_opening=berlin(2026, 12, 28, 8, 30),
        answer_by=dt.date(2026, 12, 29),
        answer_deadline=berlin(2026, 12, 29, 12, 0),
        holiday="Erster Weihnachtstag",
    )


def test_always_open() -> None:
    hotline = OfficeHours(organisation(always_open=True))
    now = berlin(2026, 12, 25, 3, 0)  # a public holiday in the night
    assert hotline.is_open(now)
    assert hotline.next_opening(now) == now
    answer = hotline.expected_answer(now)
    # every day counts, holidays too: today and tomorrow
    assert answer == ExpectedAnswer(
        open_now=True,
        next_opening=now,
        answer_by=dt.date(2026, 12, 26),
        answer_deadline=berlin(2026, 12, 27, 0, 0),
        holiday=None,
    )


def test_always_open_from_the_knowledge_base(kb: KnowledgeBase) -> None:
    hotline = OfficeHours(kb.organisations["hilfetelefon"])
    assert hotline.always_open and hotline.has_hours
    assert hotline.is_open(berlin(2024, 10, 31, 23, 0))
    assert hotline.closed_for_holiday(berlin(2024, 10, 31, 23, 0)) is None


def test_no_hours() -> None:
    office = OfficeHours(organisation())
    now = berlin(2026, 12, 25, 10, 0)
    assert not office.has_hours
    assert not office.is_open(now)
    assert office.next_opening(now) is None
    assert office.closed_for_holiday(now) is None
    assert office.expected_answer(now) == ExpectedAnswer(
        open_now=False, next_opening=None, answer_by=None, answer_deadline=None, holiday=None
    )


def test_no_hours_from_the_knowledge_base(kb: KnowledgeBase) -> None:
    portal = OfficeHours(kb.organisations["bamf-navi"])
    assert not portal.has_hours
    assert portal.expected_answer(berlin(2026, 12, 1, 10, 0)).next_opening is None


def test_overlapping_periods_are_merged_and_empty_ones_ignored() -> None:
    office = OfficeHours(
        organisation(hours((MON,), "08:00", "12:00"), hours((MON,), "10:00", "14:00"), hours((TUE,), "12:00", "12:00"))
    )
    monday = berlin(2026, 12, 7, 12, 30)
    assert office.is_open(monday)
    assert office.next_opening(monday) == monday
    # Tuesday's period is empty: the next working day is the following Monday
    assert office.expected_answer(monday) == ExpectedAnswer(
        open_now=True,
        next_opening=monday,
        answer_by=dt.date(2026, 12, 14),
        answer_deadline=berlin(2026, 12, 14, 14, 0),
        holiday=None,
    )
    assert not OfficeHours(organisation(hours((TUE,), "12:00", "09:00"))).has_hours


def test_working_days_and_inputs() -> None:
    office = OfficeHours(MON_TO_FRI)
    tuesday = berlin(2026, 12, 1, 10, 0)
    assert office.expected_answer(tuesday, working_days=1).answer_by == dt.date(2026, 12, 1)
    assert office.expected_answer(tuesday, working_days=5).answer_by == dt.date(2026, 12, 7)
    with pytest.raises(ValueError):
        office.expected_answer(tuesday, working_days=0)
    with pytest.raises(ValueError):
        office.is_open(dt.datetime(2026, 12, 1, 10, 0))  # naive
    # any aware datetime works: Tuesday 10:00 in Berlin given in New York time
    assert office.is_open(tuesday.astimezone(ZoneInfo("America/New_York")))


def test_timezone_of_the_results() -> None:
    office = OfficeHours(MON_TO_FRI, ZoneInfo("Europe/Vienna"))
    opening = office.next_opening(utc(2026, 12, 5, 12, 0))
    assert opening is not None and opening.tzinfo == ZoneInfo("Europe/Vienna")
    assert opening == utc(2026, 12, 7, 7, 30)
