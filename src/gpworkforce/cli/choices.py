"""Choices the commands accept (plain enums, no heavy imports, so ``--help`` is fast)."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """What a loaded file is (the ``KIND`` argument of ``gpworkforce load``)."""

    GPW_DETAILED = "gpw-detailed"
    GPW_PRACTICE_YEAR = "gpw-practice-year"
    PAYMENTS = "payments"
    PCN_INDIVIDUAL = "pcn-individual"
    ONS_POPULATION = "ons-population"
    RETURNS = "returns"


class SourceChoice(StrEnum):
    """``--source``: practices' own returns or NHS Digital GPW (``baseline.SourceKind`` values)."""

    RETURNS = "returns"
    GPW = "gpw"


class TemplateFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
