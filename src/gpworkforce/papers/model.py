"""A committee paper as data: cover, key messages, sections of prose, tables and charts.

The shape follows the seeds (LLR, BLMK, Dorset, Devon board papers): a cover with the meeting and
purpose, an executive summary of key messages written from the figures, recommendations for the
board to complete, then the evidence in sections, then appendices (methods, where the figures come
from). Builders (:mod:`gpworkforce.papers.build`) fill it; renderers (PDF, Word, Excel) only lay it
out and never compute.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from gpworkforce.domain.report import ReportTable
from gpworkforce.reports.model import ReportChart

__all__ = ["Figure", "Paper", "Section"]


@dataclass(frozen=True)
class Figure:
    """One headline figure: a label, the value as a person reads it, and what it is measured against."""

    label: str
    value: str
    context: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    paragraphs: tuple[str, ...] = ()
    figures: tuple[Figure, ...] = ()
    tables: tuple[ReportTable, ...] = ()
    charts: tuple[ReportChart, ...] = ()
    # in the Excel data pack only: a long table whose printed version shows its first rows
    data_tables: tuple[ReportTable, ...] = ()

    def __post_init__(self) -> None:
        for name in ("paragraphs", "figures", "tables", "charts", "data_tables"):
            object.__setattr__(self, name, tuple(getattr(self, name)))


@dataclass(frozen=True)
class Paper:
    title: str
    organisation: str
    meeting: str
    date: dt.date
    purpose: str
    key_messages: tuple[str, ...]
    recommendations: tuple[str, ...]
    sections: tuple[Section, ...]
    appendices: tuple[Section, ...] = ()
    author: str = ""
    version: str = ""
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        for name in ("key_messages", "recommendations", "sections", "appendices", "notes"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        keys = [s.key for s in (*self.sections, *self.appendices)]
        if len(set(keys)) != len(keys):
            raise ValueError(f"section keys must be unique, got {keys}")

    @property
    def all_sections(self) -> tuple[Section, ...]:
        return (*self.sections, *self.appendices)

    @property
    def tables(self) -> tuple[tuple[Section, ReportTable], ...]:
        """The tables printed in the PDF and the Word document."""
        return tuple((s, t) for s in self.all_sections for t in s.tables)

    @property
    def pack_tables(self) -> tuple[tuple[Section, ReportTable], ...]:
        """Every table of the Excel data pack: the printed ones, then the long ones in full."""
        return self.tables + tuple((s, t) for s in self.all_sections for t in s.data_tables)
