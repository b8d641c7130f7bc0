"""Census dates, quarters and financial years.

NHS financial years run 1 April to 31 March and are named by the year they end in ("FY2018" is
April 2017 to March 2018). GPW's practice-year files label a row by that ending year; until 2020
the figure is the September census inside the year (Year 2018 = 30 September 2017).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gpworkforce.errors import UserError


@dataclass(frozen=True, slots=True, order=True)
class Quarter:
    """A calendar quarter, identified by year and number 1-4; its census date is its last day."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if self.number not in (1, 2, 3, 4):
            raise ValueError(f"quarter number must be 1-4, got {self.number}")

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def census_date(self) -> dt.date:
        month = self.number * 3
        next_month = dt.date(self.year + (month == 12), month % 12 + 1, 1)
        return next_month - dt.timedelta(days=1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"


def latest_census_date(today: dt.date) -> dt.date:
    """The latest census date a return or template may be for on ``today``: the next quarter end
    after it (a census date further ahead has no staff to count yet)."""
    return Quarter.containing(today + dt.timedelta(days=1)).census_date


def financial_year_ending(day: dt.date) -> int:
    """The NHS financial year (named by its ending year) that contains ``day``."""
    return day.year + 1 if day.month >= 4 else day.year


def september_census(year: int) -> dt.date:
    """The September census date GPW used for annual figures (30 September)."""
    return dt.date(year, 9, 30)


def gpw_practice_year_census(fy_ending: int) -> dt.date:
    """Census date that a GPW practice-year row stands for.

    Up to FY2020 the row is the September census in that financial year (Year 2018 = Sep 2017).
    From FY2021 the row is a mean of the year's snapshots; we date it at 31 March of that year.
    """
    if fy_ending <= 2020:
        return september_census(fy_ending - 1)
    return dt.date(fy_ending, 3, 31)


def parse_date(text: str, *, what: str = "date") -> dt.date:
    """Parse ``YYYY-MM-DD`` (or ``YYYY-MM``, meaning the month's last day) with a clear error."""
    raw = text.strip()
    try:
        if len(raw) == 7:
            year, month = int(raw[:4]), int(raw[5:7])
            first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
            return first_next - dt.timedelta(days=1)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise UserError(
            f"{what} must be a date like 2017-09-30 (or 2017-09), got {text!r}"
        ) from None
