"""Parsed-but-unchecked return data, and coercion of single cells to typed values.

A reader (XLSX, CSV) or a web form turns its input into a :class:`RawReturn`: plain cell values
keyed by field, with the row number each came from. The validator works on that alone, so every
input path gets exactly the same rules and messages. Coercers return either a value or a
``(expected, found)`` pair describing why the cell is wrong.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from gpworkforce.errors import Issue
from gpworkforce.numbers import NotANumber, parse_number
from gpworkforce.returns.schema import ColumnStyle, SheetSpec


@dataclass(frozen=True, slots=True)
class RawRow:
    """One data row: its row number in the input (1-based; None if unknown) and its cells."""

    row: int | None
    values: Mapping[str, object]

    def get(self, key: str) -> object:
        return self.values.get(key)


@dataclass(frozen=True, slots=True)
class RawSheet:
    """The data rows of one sheet (or CSV section) whose headers were found."""

    spec: SheetSpec
    rows: tuple[RawRow, ...]
    location_sheet: str | None  # sheet name shown in messages (None for CSV sections)


@dataclass(frozen=True)
class RawReturn:
    """Everything a reader could parse from one return, plus the structural problems it met.

    ``sheets`` holds only the sheets whose required headers were found; a sheet that is absent
    here has an issue in ``issues`` explaining why.
    """

    file: str | None
    column_style: ColumnStyle
    sheets: Mapping[str, RawSheet]
    issues: tuple[Issue, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class UncachedFormula:
    """An XLSX formula cell whose result the spreadsheet program never saved.

    openpyxl reads the saved result; a workbook written by a program that does not calculate
    (or edited and not re-saved in Excel) has none, and the cell would look empty.
    """

    formula: str


UNCACHED_EXPECTED = (
    "have its value saved (open the workbook in Excel and save it, or type the value)"
)


class Bad(tuple[str, str]):
    """Why a cell was rejected: ``(expected, found)``."""

    __slots__ = ()

    def __new__(cls, expected: str, found: str) -> Bad:
        return super().__new__(cls, (expected, found))

    @property
    def expected(self) -> str:
        return self[0]

    @property
    def found(self) -> str:
        return self[1]


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def show(value: object) -> str:
    """A short, printable rendering of a cell for 'got ...'."""
    if is_empty(value):
        return "an empty cell"
    if isinstance(value, UncachedFormula):
        formula = value.formula if len(value.formula) <= 40 else value.formula[:37] + "..."
        return f"the formula {formula} with no saved result"
    if isinstance(value, bool):
        return f"the boolean {value}"
    if isinstance(value, int) and value.bit_length() > 128:
        return "a very large number"
    if isinstance(value, int | float):
        text = repr(value)
        return text if len(text) <= 40 else text[:37] + "..."
    if isinstance(value, dt.datetime | dt.date):
        return f"the date {value.isoformat()}"
    text = _CONTROL.sub("?", str(value))
    if len(text) > 40:
        text = text[:37] + "..."
    return repr(text)


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value: object) -> str | Bad:
    if is_empty(value):
        return Bad("be given", "an empty cell")
    if isinstance(value, UncachedFormula):
        return Bad(UNCACHED_EXPECTED, show(value))
    if isinstance(value, bool | dt.date | dt.datetime):
        return Bad("be text", show(value))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def as_number(value: object) -> float | Bad:
    """A finite number from a numeric cell or numeric text (``'37.5'``, ``'1,000'``).

    Text is read by :func:`gpworkforce.numbers.parse_number` with thousands separators in the
    ``###,###`` form allowed (spreadsheets display them); decimal commas, underscores, non-ASCII
    digits and non-finite values are refused with the reason.
    """
    if is_empty(value):
        return Bad("be given", "an empty cell")
    if isinstance(value, UncachedFormula):
        return Bad(UNCACHED_EXPECTED, show(value))
    if isinstance(value, bool):
        return Bad("be a number", show(value))
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            return Bad("be a finite number", show(value))
    elif isinstance(value, str):
        parsed = parse_number(value, thousands=True)
        if isinstance(parsed, NotANumber):
            return Bad(parsed.expected, show(value))
        number = parsed
    else:
        return Bad("be a number", show(value))
    if not math.isfinite(number):
        return Bad("be a finite number", show(value))
    return number


def as_whole(value: object) -> int | Bad:
    number = as_number(value)
    if isinstance(number, Bad):
        # a plain non-number asks for a whole number; specific reasons (decimal comma, ...) stay
        return (
            Bad("be a whole number", number.found) if number.expected == "be a number" else number
        )
    if not number.is_integer():
        return Bad("be a whole number", show(value))
    return int(number)


_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def as_date(value: object) -> dt.date | Bad:
    """A date from a date cell, ``YYYY-MM-DD`` text (a time part of 00:00 is allowed) or DD/MM/YYYY."""
    if is_empty(value):
        return Bad("be given", "an empty cell")
    if isinstance(value, UncachedFormula):
        return Bad(UNCACHED_EXPECTED, show(value))
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        raw = value.strip()
        uk = _UK_DATE.match(raw)
        try:
            if uk:
                return dt.date(int(uk[3]), int(uk[2]), int(uk[1]))
            if len(raw) >= 10 and raw[10:].strip() in ("", "00:00:00", "T00:00:00"):
                return dt.date.fromisoformat(raw[:10])
        except ValueError:
            pass
    return Bad("be a date like 2017-09-30", show(value))


def as_choice(value: object, choices: Mapping[str, str], what: str) -> str | Bad:
    """One of ``choices`` (keys are normalised spellings, values the canonical codes)."""
    text = as_text(value)
    if isinstance(text, Bad):
        return text
    key = normalise_choice(text)
    if key in choices:
        return choices[key]
    return Bad(f"be {what}", show(value))


def normalise_choice(text: str) -> str:
    return re.sub(r"[\s\-_/]+", "_", text.strip().lower())
