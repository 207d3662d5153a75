"""Dates, weekdays and opening hours in the reader's locale (Babel)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, get_day_names

from knowledge import Organisation


def babel_locale(language: str) -> str:
    """`language` if Babel has locale data for it (day names, dates), else English."""
    try:
        Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return "en"
    return language


def medium_date(day: dt.date, language: str) -> str:
    return format_date(day, format="medium", locale=babel_locale(language))


def long_date(day: dt.date, language: str) -> str:
    """A weekday and a date the reader says aloud: "Monday, 7 December 2026" in their language."""
    return format_date(day, format="full", locale=babel_locale(language))


def opening_hours(org: Organisation, language: str, always_open: str) -> str:
    """Opening hours such as "Mon–Fri 08:00–12:00; Thu 14:00–18:00" in `language`; `always_open` is the
    translated text for places that never close."""
    if org.always_open:
        return always_open
    if not org.hours:
        return ""
    names = get_day_names("abbreviated", locale=babel_locale(language))
    return "; ".join(
        f"{_day_ranges(slot.weekdays, names)} {slot.opens:%H:%M}–{slot.closes:%H:%M}" for slot in org.hours
    )


def _day_ranges(weekdays: Sequence[int], names: Mapping[int, str]) -> str:
    days = sorted(set(weekdays))
    groups: list[list[int]] = []
    for day in days:
        if groups and day == groups[-1][-1] + 1:
            groups[-1].append(day)
        else:
            groups.append([day])
    return ", ".join(names[g[0]] if len(g) == 1 else f"{names[g[0]]}–{names[g[-1]]}" for g in groups)
