"""Write a :class:`Report` in any output format, to a path or as bytes."""

from __future__ import annotations

import os
import re
from pathlib import Path

from gpworkforce import exports
from gpworkforce.reports.formats import OutputFormat
from gpworkforce.reports.model import Report

__all__ = ["OutputFormat", "report_bytes", "slug", "write_report"]


def report_bytes(report: Report, fmt: OutputFormat) -> bytes:
    """The report as one file's bytes. CSV needs exactly one table (use :func:`write_report`)."""
    # imported here: Altair, vl-convert and WeasyPrint are slow to import and not always needed
    from gpworkforce.reports.html import render_html
    from gpworkforce.reports.pdf import render_pdf
    from gpworkforce.reports.text import render_text

    match fmt:
        case OutputFormat.TABLE:
            return render_text(report.tables).encode("utf-8")
        case OutputFormat.HTML:
            return render_html(report).encode("utf-8")
        case OutputFormat.PDF:
            return render_pdf(report)
        case OutputFormat.XLSX:
            return exports.xlsx_bytes(report.tables)
        case OutputFormat.CSV:
            if len(report.tables) != 1:
                raise ValueError("CSV bytes hold one table; write several to a directory")
            return exports.csv_bytes(report.tables[0])
    raise ValueError(f"unknown format {fmt!r}")  # pragma: no cover


def slug(text: str) -> str:
    """A file-name-safe lower-case form of ``text``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "report"


def write_report(report: Report, fmt: OutputFormat, out: str | os.PathLike[str]) -> list[Path]:
    """Write the report to ``out`` atomically and return the files written.

    CSV with several tables: ``out`` is a directory receiving one ``<key>.csv`` per table plus
    ``README.txt`` (titles, notes, sources, the blank-cell legend). With one table, ``out`` is the
    CSV file itself and the README is written beside it as ``<stem>.README.txt``.
    """
    target = Path(out)
    if fmt is OutputFormat.CSV:
        if len(report.tables) == 1 and target.suffix.lower() == ".csv":
            table = report.tables[0]
            readme = target.with_name(f"{target.stem}.README.txt")
            return [
                exports.write_csv(table, target),
                exports.atomic_write_text(readme, exports.csv_metadata([table], [target.name])),
            ]
        return exports.write_csv_files(report.tables, target)
    return [exports.atomic_write_bytes(target, report_bytes(report, fmt))]
