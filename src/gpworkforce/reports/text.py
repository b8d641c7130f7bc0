"""Plain-text tables for the terminal."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from gpworkforce.domain.report import ReportTable
from gpworkforce.reports.formatting import NA_MEANING, display_rows, is_numeric_column


def render_table_text(table: ReportTable, width: int = 100) -> str:
    """One table as aligned plain text: title, header, rule, rows, then notes and sources."""
    frame = table.frame
    header = [str(c) for c in frame.columns]
    rows = display_rows(frame, dict(table.decimals))
    numeric = [is_numeric_column(frame, c) for c in frame.columns]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        parts = [
            c.rjust(w) if num else c.ljust(w)
            for c, w, num in zip(cells, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [table.title, "=" * min(len(table.title), width), line(header)]
    out.append("  ".join("-" * w for w in widths))
    out += [line(r) for r in rows]
    if not rows:
        out.append("(no rows)")
    for label, items in (("Note", table.notes), ("Source", table.sources)):
        for item in items:
            out += textwrap.wrap(f"{label}: {item}", width=width, subsequent_indent="  ")
    return "\n".join(out)


def render_text(tables: Sequence[ReportTable], width: int = 100) -> str:
    """Several tables as plain text separated by blank lines, ending with the n/a legend."""
    blocks = [render_table_text(t, width) for t in tables]
    blocks.append(NA_MEANING)
    return "\n\n".join(blocks) + "\n"
