"""Typed access to one row's cells of a register file, each problem recorded with its location.

One place for reading a register's cells: the CLI's readers (:mod:`gpworkforce.delivery.registers`)
and the web's imports (``web.delivery.registers_io``) both read rows through :class:`RowCells`.
"""

from __future__ import annotations

import datetime as dt

from gpworkforce.errors import Issue, Location
from gpworkforce.exports import is_formula_like

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
A_DATE = "be a date (YYYY-MM-DD or DD/MM/YYYY)"


def unneutralise(text: str) -> str:
    """A cell as its author wrote it: the ``'`` that :func:`gpworkforce.exports.neutralise` puts
    before formula-like text on export is taken off again on import."""
    return text[1:] if text[:1] == "'" and is_formula_like(text[1:]) else text


class RowCells:
    """Row ``row_no`` of the file ``file``: its cells by column name (stripped text, empty when
    blank); every problem is appended to ``issues`` and the reader returns None (or the text)."""

    def __init__(self, file: str, row_no: int, cells: dict[str, str], issues: list[Issue]):
        self.file, self.row_no, self.cells, self.issues = file, row_no, cells, issues

    def bad(self, column: str, expected: str, found: str) -> None:
        self.issues.append(
            Issue(Location(file=self.file, row=self.row_no, column=column), expected, found)
        )

    def text(self, column: str, *, required: bool = False) -> str:
        value = self.cells.get(column, "")
        if required and not value:
            self.bad(column, "not be empty", "an empty cell")
        return value

    def score(self, column: str, *, required: bool = True) -> int | None:
        """A likelihood or impact score: a whole number from 1 to 5."""
        value = self.cells.get(column, "")
        if not value:
            if required:
                self.bad(column, "be a whole number from 1 to 5", "an empty cell")
            return None
        if value not in {"1", "2", "3", "4", "5"}:
            self.bad(column, "be a whole number from 1 to 5", repr(value))
            return None
        return int(value)

    def whole(self, column: str) -> int | None:
        """A whole number written in digits (empty: None)."""
        value = self.cells.get(column, "")
        if not value:
            return None
        if not value.isascii() or not value.isdigit():
            self.bad(column, "be a whole number", repr(value))
            return None
        return int(value)

    def date(self, column: str, *, required: bool = False) -> dt.date | None:
        value = self.cells.get(column, "")
        if not value:
            if required:
                self.bad(column, A_DATE, "an empty cell")
            return None
        for fmt in DATE_FORMATS:
            try:
                return dt.datetime.strptime(value, fmt).date()
            except ValueError:
                continue
        self.bad(column, A_DATE, repr(value))
        return None

    def number(self, column: str, *, required: bool = False, whole: bool = False) -> float | None:
        """A finite number (thousands commas allowed); with ``whole``, a whole one."""
        value = self.cells.get(column, "").replace(",", "")
        if not value:
            if required:
                self.bad(column, "be a number", "an empty cell")
            return None
        try:
            x = float(value)
        except ValueError:
            self.bad(column, "be a number", repr(self.cells.get(column)))
            return None
        if x != x or x in (float("inf"), float("-inf")) or (whole and not x.is_integer()):
            self.bad(column, "be a whole number" if whole else "be a finite number", repr(value))
            return None
        return x

    def flag(self, column: str) -> bool:
        """A tick: yes, y, ✓ or true (no, n, false or empty: not ticked)."""
        value = self.cells.get(column, "").casefold()
        if value not in ("", "yes", "y", "✓", "no", "n", "true", "false"):
            self.bad(column, "be yes, ✓ or empty", repr(self.cells.get(column)))
        return value in ("yes", "y", "✓", "true")
