"""The output formats (kept free of heavy imports so the CLI starts fast)."""

from __future__ import annotations

from enum import StrEnum


class OutputFormat(StrEnum):
    """Formats the CLI's ``--format`` accepts."""

    TABLE = "table"
    CSV = "csv"
    XLSX = "xlsx"
    HTML = "html"
    PDF = "pdf"

    @property
    def suffix(self) -> str:
        return ".txt" if self is OutputFormat.TABLE else f".{self.value}"
