"""One strict reading of numbers typed or published as text: loaders, returns and web forms.

A figure that a person or a spreadsheet wrote as text becomes a float only when it is written
unambiguously as a finite number in the form the layout uses. Everything else is refused with a
message saying what was expected and, where the intent is clear, how to write it:

======================  ===================================================================
text                    result
======================  ===================================================================
``37.5``, ``-2``,       the number (ASCII digits, optional sign, decimal point, exponent;
``.5``, ``1e3``         spaces around it are ignored)
``1,234`` / ``1,234.5`` the number only where the layout publishes thousands separators
                        (``thousands=True``), and only in the ``###,###`` form
``1,5``                 refused: a decimal comma ("write 1.5")
``1,500`` (no           refused: a thousands separator the layout does not use, or a
thousands)              decimal comma ("write 1500, or 1.5 for one and a half")
``12,34,567``           refused: separators not in the ``###,###`` form
``inf``, ``nan``,       refused: not finite
``1e400``
``3_6``                 refused: underscores (Python would read 36)
``３６``, ``٣٦``        refused: digits other than 0-9 (Python would read 36)
``"   "``               refused: only spaces (say nothing, or NA, when not available)
======================  ===================================================================

Blank text (``""``) is not a number either; callers decide whether a blank cell means *not
available* (loaders) or *not given* (returns). See ``docs/loaders.md`` and ``docs/returns.md``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

# ASCII digits only, spelt [0-9] (pandas' str methods apply the patterns without re.ASCII, where
# \d would match full-width digits too); what pandas' C parser and float() agree on.
_PLAIN = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_DECIMAL_COMMA = re.compile(r"([+-]?[0-9]+),([0-9]+)")
_NOT_FINITE_PREFIX = re.compile(r"[+-]?(?:inf|infinity|nan)", re.IGNORECASE)
_SPACES = " \t"


@dataclass(frozen=True, slots=True)
class NotANumber:
    """Why a text is not accepted as a number: ``expected`` ("be ...") and ``found``."""

    expected: str
    found: str


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def parse_number(text: str, *, thousands: bool = False) -> float | NotANumber:
    """``text`` as a finite float, or :class:`NotANumber` saying why not (see module table).

    ``thousands=True`` accepts separators in the ``###,###`` form (``1,234`` and ``12,345.5``).
    """
    stripped = text.strip(_SPACES)
    if not stripped:
        if text:
            return NotANumber(
                "be a number, or left empty when not available", "a cell of only spaces"
            )
        return NotANumber("be a number", "an empty cell")
    shown = _shown(text)
    if _PLAIN.fullmatch(stripped):
        value = float(stripped)
        if not math.isfinite(value):
            return NotANumber("be a finite number", shown)
        return value
    if _NOT_FINITE_PREFIX.fullmatch(stripped):
        return NotANumber("be a finite number", shown)
    if any(ch.isdigit() and not ch.isascii() for ch in stripped):
        return NotANumber("be written with the digits 0-9 (not full-width or other digits)", shown)
    if "_" in stripped and _PLAIN.fullmatch(stripped.replace("_", "")):
        return NotANumber("be a number without underscores", shown)
    if "," in stripped:
        return _with_comma(stripped, shown, thousands=thousands)
    return NotANumber("be a number", shown)


def _with_comma(stripped: str, shown: str, *, thousands: bool) -> float | NotANumber:
    grouped = _GROUPED.fullmatch(stripped) is not None
    if grouped and thousands:
        return float(stripped.replace(",", ""))
    comma = _DECIMAL_COMMA.fullmatch(stripped)
    if grouped and comma is not None:  # "1,500": a thousands separator or a decimal comma
        return NotANumber(
            "be a number without a thousands separator or decimal comma "
            f"(write {stripped.replace(',', '')}, or {comma[1]}.{comma[2]} for a decimal)",
            shown,
        )
    if comma is not None:
        return NotANumber(
            f"use a decimal point, not a comma (write {comma[1]}.{comma[2]})",
            shown,
        )
    if thousands:
        return NotANumber("be a number with thousands separators in the form 1,234,567", shown)
    return NotANumber("be a number without thousands separators", shown)


# -- columns (loaders) -----------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedColumn:
    """A text column read as numbers: values (NaN where not available or bad) and the bad cells."""

    values: np.ndarray  # float64
    bad: tuple[tuple[int, NotANumber], ...]  # (position, why), at most ``limit``
    bad_count: int


def parse_number_column(
    texts: pd.Series,
    *,
    na_tokens: Collection[str],
    thousands: bool = False,
    limit: int = 200,
) -> ParsedColumn:
    """Vectorised :func:`parse_number` over a text column; ``na_tokens`` (and blanks) are NA.

    The rules are the scalar function's: cells accepted by the fast vectorised checks give the
    same float, and every other non-NA cell is explained by :func:`parse_number` itself.
    """
    s = texts.astype("string")
    stripped = s.str.strip(_SPACES)
    raw_blank = s.isna() | (s == "")
    is_na = (raw_blank | stripped.isin(list(na_tokens)) & (stripped != "")).to_numpy(
        dtype=bool, na_value=True
    )
    ok = stripped.str.fullmatch(_PLAIN.pattern).to_numpy(dtype=bool, na_value=False)
    if thousands:
        grouped = stripped.str.fullmatch(_GROUPED.pattern).to_numpy(dtype=bool, na_value=False)
        cleaned = stripped.str.replace(",", "", regex=False)
    else:
        grouped = np.zeros(len(s), dtype=bool)
        cleaned = stripped
    good = (ok | grouped) & ~is_na
    values = np.full(len(s), np.nan)
    if good.any():
        # only ASCII-number text is left: numpy's float conversion reads it as float() does
        values[good] = cleaned[good].to_numpy(dtype=str).astype(np.float64)
    with np.errstate(invalid="ignore"):
        good &= np.isfinite(values)
    values[~good] = np.nan
    bad_pos = np.flatnonzero(~good & ~is_na)
    bad = []
    for pos in bad_pos[:limit].tolist():
        why = parse_number(str(s.iloc[pos]), thousands=thousands)
        bad.append((pos, why if isinstance(why, NotANumber) else NotANumber("be a number", "?")))
    return ParsedColumn(values=values, bad=tuple(bad), bad_count=int(bad_pos.size))


__all__ = ["NotANumber", "ParsedColumn", "parse_number", "parse_number_column"]
