"""Whether a file's census date is one its publication can have: a loader refuses a date the
series never published (before its first release, after next year, or not a day it uses) with
the file, the publication's range and the date found, nothing loaded."""

from __future__ import annotations

import calendar
import datetime as dt

from gpworkforce.errors import Issue, Location, ValidationFailed


def _month_end(day: dt.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def check_census(
    census: dt.date,
    name: str,
    *,
    publication: str,
    first: dt.date,
    first_text: str,
    year_end: bool = False,
) -> dt.date:
    """``census`` if ``publication`` (e.g. "GPW's practice-level files") can carry it: the last
    day of a month (``year_end``: 31 March, the end of a financial year), not before ``first``
    (``first_text`` says what that date is) and not after the end of next year; else
    :class:`ValidationFailed` naming the file."""
    last = dt.date(dt.date.today().year + 1, 12, 31)
    if year_end and (census.month, census.day) != (3, 31):
        expected = "be the end of a financial year, 31 March, for a financial year's figures"
    elif not year_end and not _month_end(census):
        expected = f"be the last day of a month, the census date of {publication}"
    elif not first <= census <= last:
        expected = (
            f"be within the range of {publication}: from {first.isoformat()} ({first_text}) "
            f"to the end of {last.year}"
        )
    else:
        return census
    raise ValidationFailed(
        issues=[Issue(Location(file=name), expected, f"{census.isoformat()}")],
        summary=f"{name}: census date outside what {publication} publish",
    )


__all__ = ["check_census"]
