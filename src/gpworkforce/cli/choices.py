"""Choices the commands accept (plain enums, no heavy imports, so ``--help`` is fast)."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """What a loaded file is (the ``KIND`` argument of ``gpworkforce load``)."""

    GPW_DETAILED = "gpw-detailed"
    GPW_PRACTICE_YEAR = "gpw-practice-year"
    PAYMENTS = "payments"
    PATIENTS_AGE_SEX = "patients-age-sex"  # Patients Registered at a GP Practice by age and sex
    PCN_INDIVIDUAL = "pcn-individual"
    PCN_TABLES = "pcn-tables"  # PCN workforce bulletin tables (XLSX): staff by PCN and role
    GPW_INDIVIDUAL = "gpw-individual"  # GPW individual level: staff by sub-ICB location
    ONS_POPULATION = "ons-population"
    RETURNS = "returns"
    ODS_PRACTICES = "ods-practices"  # ODS epraccur (headerless); --period = its extract date
    PRACTICE_MAP = "practice-map"  # gp_reg_pat_prac_map: practice -> PCN -> sub-ICB -> ICB
    PCN_MEMBERSHIP = "pcn-membership"  # ODS ePCN.xlsx: PCNs, practices' dated PCN membership


# kinds with staff of primary care networks (the PCN baseline reads them together)
PCN_KINDS = (Kind.PCN_INDIVIDUAL, Kind.PCN_TABLES)

# kinds that add to the organisation registry rather than to the workforce tables
REGISTRY_KINDS = frozenset({Kind.ODS_PRACTICES, Kind.PRACTICE_MAP, Kind.PCN_MEMBERSHIP})


class SourceChoice(StrEnum):
    """``--source``: practices' own returns or NHS Digital GPW (``baseline.SourceKind`` values)."""

    RETURNS = "returns"
    GPW = "gpw"


class RowsChoice(StrEnum):
    """``--rows`` of ``gpworkforce paper``: the areas each baseline table lists (``OrgType``
    values; default: the level below the organisation)."""

    SUB_ICB = "sub-icb"
    PCN = "pcn"
    PRACTICE = "practice"


class TemplateFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
