"""Plain-text tables for the terminal.

Long column labels wrap onto several header lines (bottom-aligned). A table wider than the line
width is printed in parts, each repeating the leading text columns (e.g. code and name), so
every line fits the terminal.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from gpworkforce import labels
from gpworkforce.domain.report import ReportTable
from gpworkforce.reports.formatting import NA_MEANING, display_rows, is_numeric_column

_HEADER_WRAP = 14
_TEXT_WRAP = 28
_GAP = 2
MIN_WIDTH = 60


def render_table_text(table: ReportTable, width: int = 120) -> str:
    """One table as aligned plain text: title, header, rule, rows, then notes and sources."""
    width = max(width, MIN_WIDTH)
    frame = table.frame
    header = [str(c) for c in frame.columns]
    rows = display_rows(frame, dict(table.decimals))
    numeric = [is_numeric_column(frame, c) for c in frame.columns]
    widths = [
        _column_width(h, [r[i] for r in rows], None if numeric[i] else _TEXT_WRAP)
        for i, h in enumerate(header)
    ]
    groups = _fit(numeric, widths, width)
    out = [table.title, "=" * min(len(table.title), width)]
    for number, group in enumerate(groups, start=1):
        if len(groups) > 1:
            out.append(f"(part {number} of {len(groups)})")
        out += _block(
            [header[i] for i in group],
            [[r[i] for i in group] for r in rows],
            [widths[i] for i in group],
            [numeric[i] for i in group],
        )
    if not rows:
        out.append("(no rows)")
    for label, items in (("Note", table.notes), ("Source", table.sources)):
        for item in items:
            out += textwrap.wrap(f"{label}: {item}", width=width, subsequent_indent="  ")
    return "\n".join(out)


def _block(
    header: list[str], rows: list[list[str]], widths: list[int], numeric: list[bool]
) -> list[str]:
    wrapped = [textwrap.wrap(h, w) or [""] for h, w in zip(header, widths, strict=True)]
    depth = max((len(lines) for lines in wrapped), default=1)

    def line(cells: Sequence[str]) -> str:
        parts = [
            c.rjust(w) if num else c.ljust(w)
            for c, w, num in zip(cells, widths, numeric, strict=True)
        ]
        return (" " * _GAP).join(parts).rstrip()

    out = [
        line([_nth_from_bottom(lines, level, depth) for lines in wrapped]) for level in range(depth)
    ]
    out.append((" " * _GAP).join("-" * w for w in widths))
    for row in rows:  # long text cells wrap onto more lines; numbers never wrap
        cells = [
            [c] if num or len(c) <= w else textwrap.wrap(c, w) or [""]
            for c, w, num in zip(row, widths, numeric, strict=True)
        ]
        height = max(len(lines) for lines in cells)
        out += [
            line([lines[k] if k < len(lines) else "" for lines in cells]) for k in range(height)
        ]
    return out


def _fit(numeric: list[bool], widths: list[int], width: int) -> list[list[int]]:
    """Column indexes per part: leading text columns (up to 3) repeat; others fill each line."""
    lead = 0
    while lead < min(3, len(numeric)) and not numeric[lead]:
        lead += 1
    keys = list(range(lead))
    used = sum(widths[i] + _GAP for i in keys)
    groups: list[list[int]] = []
    current: list[int] = []
    current_width = used
    for i in range(lead, len(widths)):
        if current and current_width + widths[i] > width:
            groups.append(keys + current)
            current, current_width = [], used
        current.append(i)
        current_width += widths[i] + _GAP
    if current or not groups:
        groups.append(keys + current)
    return groups


def _column_width(label: str, cells: Sequence[str], cap: int | None) -> int:
    """Wide enough for the cells and the label's longest word; labels wrap at 14 characters,
    text cells at ``cap`` (never narrower than their longest word)."""
    words = [w for text in [label, *cells] for w in text.split()]
    longest_word = max((len(w) for w in words), default=0)
    longest_cell = max((len(c) for c in cells), default=0)
    if cap is not None:
        longest_cell = min(longest_cell, cap)
    return max(min(len(label), _HEADER_WRAP), longest_word, longest_cell)


def _nth_from_bottom(lines: list[str], level: int, depth: int) -> str:
    index = level - (depth - len(lines))
    return lines[index] if index >= 0 else ""


def render_text(tables: Sequence[ReportTable], width: int = 120) -> str:
    """Several tables as plain text separated by blank lines, ending with the n/a legend. Each
    table is shown as people read it (:func:`gpworkforce.labels.readable`: column keys labelled,
    the total row marked in the organisation's name, taxonomy codes and source ids in words)."""
    blocks = [render_table_text(labels.readable(t), width) for t in tables]
    blocks.append(NA_MEANING)
    return "\n\n".join(blocks) + "\n"
