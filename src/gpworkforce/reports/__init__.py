"""Renderers: a :class:`Report` (tables + charts + statements) to HTML, PDF, XLSX, CSV or text.

Analyses build :class:`~gpworkforce.domain.report.ReportTable` objects; :mod:`.charts` builds chart
specifications; :func:`write_report` writes any format to a path and :func:`report_bytes` returns
the bytes (for web downloads). CSV and XLSX go through :mod:`gpworkforce.exports`.
"""

from gpworkforce.reports.model import Report, ReportChart
from gpworkforce.reports.output import OutputFormat, report_bytes, write_report

__all__ = ["OutputFormat", "Report", "ReportChart", "report_bytes", "write_report"]
