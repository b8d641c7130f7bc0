"""Display formatting of table cells shared by the HTML, PDF and text renderers."""

from __future__ import annotations

import datetime as dt
import math
import numbers
from typing import Any

import numpy as np
import pandas as pd

from gpworkforce import labels
from gpworkforce.exports import is_missing

NA_TEXT = "n/a"
NA_MEANING = "n/a = not available (no figure was given); it is not zero."


def format_value(value: Any, decimals: int | None = None) -> str:
    """A cell as text: thousands separators, ``decimals`` places for reals, ``n/a`` when missing."""
    if is_missing(value):
        return NA_TEXT
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isinf(number):
            return "∞" if number > 0 else "−∞"
        if decimals is not None:
            return f"{number:,.{max(decimals, 0)}f}"
        if number.is_integer() and abs(number) < 1e15:
            return f"{int(number):,}"
        return f"{number:,.6g}" if abs(number) >= 1e15 or abs(number) < 1e-4 else _trimmed(number)
    if isinstance(value, pd.Timestamp | dt.datetime):  # a date as people write it
        stamp = pd.Timestamp(value)
        day = labels.date_text(stamp.date())
        return day if stamp == stamp.normalize() else f"{day} {stamp:%H:%M}"
    if isinstance(value, dt.date):
        return labels.date_text(value)
    return str(value)


def _trimmed(number: float) -> str:
    text = f"{number:,.4f}".rstrip("0")
    return text.rstrip(".")


def is_numeric_column(frame: pd.DataFrame, column: Any) -> bool:
    """True for number columns (right-aligned when displayed); booleans are not numbers."""
    series = frame[column]
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def display_rows(frame: pd.DataFrame, decimals: dict[str, int]) -> list[list[str]]:
    """Every row of ``frame`` as display strings."""
    places = [decimals.get(str(c)) for c in frame.columns]
    return [
        [format_value(v, d) for v, d in zip(row, places, strict=True)]
        for row in frame.itertuples(index=False, name=None)
    ]
