"""Small hand-made canonical frames for the baseline tests (not a test module)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from gpworkforce.domain.orgs import Organisation, OrgRegistry, OrgType, ParentLink
from gpworkforce.tables import DEMOGRAPHY, PATIENTS, VACANCIES, WORKFORCE, conform

SEP17 = dt.date(2017, 9, 30)
MAR17 = dt.date(2017, 3, 31)
SEP16 = dt.date(2016, 9, 30)
RET = "practice-return:{p}:{v}:abc123abc123"
GPW = "gpw-practice-year:{p}:{v}:def456def456"


def registry() -> OrgRegistry:
    """ICB Q1 with CCGs C1 (practices P1, P2) and C2 (P3); P3 moves to C1 in 2018; P4 opens 2018."""
    orgs = [
        Organisation("P00001", "Practice 1", OrgType.PRACTICE, dt.date(1990, 1, 1)),
        Organisation("P00002", "Practice 2", OrgType.PRACTICE, dt.date(1990, 1, 1)),
        Organisation("P00003", "Practice 3", OrgType.PRACTICE, dt.date(1990, 1, 1)),
        Organisation("P00004", "Practice 4", OrgType.PRACTICE, dt.date(2018, 1, 1)),
        Organisation("CC1", "CCG One", OrgType.SUB_ICB),
        Organisation("CC2", "CCG Two", OrgType.SUB_ICB),
        Organisation("QQ1", "ICB One", OrgType.ICB),
    ]
    links = [
        ParentLink("P00001", "CC1"),
        ParentLink("P00002", "CC1"),
        ParentLink("P00003", "CC2", None, dt.date(2018, 1, 1)),
        ParentLink("P00003", "CC1", dt.date(2018, 1, 1), None),
        ParentLink("P00004", "CC2"),
        ParentLink("CC1", "QQ1"),
        ParentLink("CC2", "QQ1"),
    ]
    return OrgRegistry.build(orgs, links)


def workforce(rows: list[tuple]) -> pd.DataFrame:
    """rows: (practice, period, node, headcount, fte, source_id); None = NA."""
    df = pd.DataFrame(
        rows, columns=["practice_code", "period", "node", "headcount", "fte", "source_id"]
    )
    return conform(df, WORKFORCE)


def patients(rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(
        rows, columns=["practice_code", "period", "registered", "weighted", "source_id"]
    )
    return conform(df, PATIENTS)


def demography(rows: list[tuple]) -> pd.DataFrame:
    cols = ["practice_code", "period", "node", "age_band", "sex", "headcount", "fte", "source_id"]
    return conform(pd.DataFrame(rows, columns=cols), DEMOGRAPHY)


def vacancies(rows: list[tuple]) -> pd.DataFrame:
    cols = ["practice_code", "period", "node", "vacancy_wte", "months_open", "source_id"]
    return conform(pd.DataFrame(rows, columns=cols), VACANCIES)


def full_return(
    practice: str, period: dt.date, source_id: str, values: dict[str, tuple[float, float]]
) -> list[tuple]:
    """Workforce rows of a complete return: every leaf, zero unless given (headcount, fte)."""
    from gpworkforce.domain.taxonomy import load_taxonomy

    rows = []
    for leaf in sorted(load_taxonomy().leaves):
        hc, fte = values.get(leaf, (0.0, 0.0))
        rows.append((practice, period, leaf, hc, fte, source_id))
    return rows
