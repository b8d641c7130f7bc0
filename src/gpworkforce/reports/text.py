"""Plain-text tables for the terminal."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from gpworkforce.domain.report import ReportTable
from gpworkforce.reports.formatting import NA_MEANING, display_rows, is_numeric_column

_HEADER_WRAP = 14


def render_table_text(table: ReportTable, width: int = 100) -> str:
    """One table as aligned plain text: title, header, rule, rows, then notes and sources."""
    frame = table.frame
    header = [str(c) for c in frame.columns]
    rows = display_rows(frame, dict(table.decimals))
    numeric = [is_numeric_column(frame, c) for c in frame.columns]
    widths = [_column_width(h, [r[i] for r in rows]) for i, h in enumerate(header)]
    wrapped = [textwrap.wrap(h, w) or [""] for h, w in zip(header, widths, strict=True)]
    depth = max((len(lines) for lines in wrapped), default=1)

    def line(cells: Sequence[str]) -> str:
        parts = [
            c.rjust(w) if num else c.ljust(w)
            for c, w, num in zip(cells, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [table.title, "=" * min(len(table.title), width)]
    for level in range(depth):  # header labels wrapped onto lines, bottom-aligned
        out.append(line([_nth_from_bottom(lines, level, depth) for lines in wrapped]))
    out.append("  ".join("-" * w for w in widths))
    out += [line(r) for r in rows]
    if not rows:
        out.append("(no rows)")
    for label, items in (("Note", table.notes), ("Source", table.sources)):
        for item in items:
            out += textwrap.wrap(f"{label}: {item}", width=width, subsequent_indent="  ")
    return "\n".join(out)


def _column_width(label: str, cells: Sequence[str]) -> int:
    """Wide enough for every cell and the label's longest word; long labels wrap at 14."""
    longest_word = max((len(w) for w in label.split()), default=0)
    return max([min(len(label), _HEADER_WRAP), longest_word, *(len(c) for c in cells)])


def _nth_from_bottom(lines: list[str], level: int, depth: int) -> str:
    index = level - (depth - len(lines))
    return lines[index] if index >= 0 else ""


def render_text(tables: Sequence[ReportTable], width: int = 100) -> str:
    """Several tables as plain text separated by blank lines, ending with the n/a legend."""
    blocks = [render_table_text(t, width) for t in tables]
    blocks.append(NA_MEANING)
    return "\n\n".join(blocks) + "\n"
