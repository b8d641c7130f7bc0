"""The demo ICS "LLR 2017": real registry and list sizes, synthetic practice returns.

:func:`build_llr_2017` assembles a frozen :class:`DemoDataset` in memory (no files written):
the 141 practices open on 30 September 2017 under CCGs 03W, 04C and 04V with their CCGs and STP,
one synthetic :class:`~gpworkforce.domain.returns.PracticeReturn` per practice, the real GPW and
NHS Payments figures as canonical tables, the CCG populations published in the LLR plan, and notes
saying which figures are real and which synthetic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict

from gpworkforce import tables
from gpworkforce.demo import recipe
from gpworkforce.demo.check import verify
from gpworkforce.demo.paper import (
    CCG_NAMES,
    CCGS,
    DISCREPANCIES,
    LLR,
    LLR_NAME,
    PAPER_SOURCE,
    POPULATION,
    POPULATION_LLR,
    Discrepancy,
)
from gpworkforce.demo.real import CENSUS, RealInputs, read_real_inputs
from gpworkforce.demo.synth import generate_returns
from gpworkforce.domain.orgs import Organisation, OrgRegistry, OrgType, ParentLink
from gpworkforce.domain.provenance import Source
from gpworkforce.domain.returns import PracticeReturn
from gpworkforce.paths import shared_data_dir

# CCGs were replaced by sub-ICB locations (and STPs by ICBs) on 1 July 2022.
CCG_ERA_END = dt.date(2022, 7, 1)


class PublishedPopulation(BaseModel):
    """A population figure as a document printed it (not computed by the project)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    org_code: str
    population: int
    label: str
    source: Source


class DataNote(BaseModel):
    """One statement of where a demo figure comes from: real, synthetic or published."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    figure: str
    kind: str  # "real" | "synthetic" | "published"
    source: str
    detail: str


@dataclass(frozen=True)
class DemoDataset:
    """Everything the LLR 2017 demo consists of. Frames follow :mod:`gpworkforce.tables`."""

    census_date: dt.date
    seed: int
    registry: OrgRegistry
    returns: tuple[PracticeReturn, ...]
    workforce: pd.DataFrame  # GPW (real): GP_QUALIFIED headcount/FTE, ADMIN and admin role FTE
    patients: pd.DataFrame  # GPW registered; NHS Payments registered and weighted (real)
    populations: tuple[PublishedPopulation, ...]  # Table 2, as published in the LLR plan
    notes: tuple[DataNote, ...]
    discrepancies: tuple[Discrepancy, ...]
    sources: tuple[Source, ...]

    @property
    def ccg_of(self) -> dict[str, str]:
        """Practice code -> CCG code on the census date."""
        return self.registry.practice_map(self.census_date, OrgType.SUB_ICB)

    def population_of(self, org_code: str) -> int:
        for p in self.populations:
            if p.org_code == org_code:
                return p.population
        raise KeyError(org_code)


def build_registry(real: RealInputs) -> OrgRegistry:
    """Practices (ODS open/close dates), the three CCGs and the STP, with dated links."""
    ods = real.ods_source.source_id
    orgs = [
        Organisation(code, name, OrgType.SUB_ICB, closed=None) for code, name in CCG_NAMES.items()
    ]
    orgs.append(Organisation(LLR, LLR_NAME, OrgType.ICB))
    links = [ParentLink(c, LLR, None, CCG_ERA_END, "ccg_to_icb / LLR plan") for c in CCGS]
    for p in real.practices:
        orgs.append(Organisation(p.code, p.name, OrgType.PRACTICE, p.opened, p.closed))
        links.append(ParentLink(p.code, p.ccg, None, CCG_ERA_END, ods))
    return OrgRegistry.build(orgs, links)


def gpw_frames(real: RealInputs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The real GPW figures as WORKFORCE rows and the list sizes as PATIENTS rows."""
    period = pd.Timestamp(CENSUS)
    gpw_id = real.gpw_source.source_id
    columns = {
        "GP_QUALIFIED": ("TOTAL_GP_EXTGL_HC", "TOTAL_GP_EXTGL_FTE"),
        "ADMIN": (None, "TOTAL_ADMIN_FTE"),
        "ADMIN_MANAGER": (None, "TOTAL_ADMIN_MANAGER_FTE"),
        "ADMIN_RECEPTION": (None, "TOTAL_ADMIN_RECEPT_FTE"),
        "ADMIN_TELEPHONIST": (None, "TOTAL_ADMIN_TELEPH_FTE"),
    }
    rows = []
    for code, g in real.gpw.iterrows():
        for node, (hc_col, fte_col) in columns.items():
            rows.append(
                {
                    "practice_code": code,
                    "period": period,
                    "node": node,
                    "headcount": g[hc_col] if hc_col else pd.NA,
                    "fte": g[fte_col],
                    "source_id": gpw_id,
                }
            )
    workforce = (
        tables.conform(pd.DataFrame(rows), tables.WORKFORCE)
        if rows
        else tables.empty(tables.WORKFORCE)
    )
    pat_rows = [
        {
            "practice_code": code,
            "period": period,
            "registered": g["TOTAL_PATIENTS"],
            "weighted": pd.NA,
            "source_id": gpw_id,
        }
        for code, g in real.gpw.iterrows()
    ]
    pay_id = real.payments_source.source_id
    pat_rows += [
        {
            "practice_code": p.code,
            "period": period,
            "registered": p.registered,
            "weighted": p.weighted,
            "source_id": pay_id,
        }
        for p in real.practices
        if p.registered is not None
    ]
    patients = tables.conform(pd.DataFrame(pat_rows), tables.PATIENTS)
    return workforce, patients


def published_populations() -> tuple[PublishedPopulation, ...]:
    label = "Population (As of Sep 17, NHS E), LLR GP Workforce Plan 2017, Table 2"
    out = [
        PublishedPopulation(org_code=c, population=POPULATION[c], label=label, source=PAPER_SOURCE)
        for c in CCGS
    ]
    out.append(
        PublishedPopulation(
            org_code=LLR, population=POPULATION_LLR, label=label, source=PAPER_SOURCE
        )
    )
    return tuple(out)


def data_notes(real: RealInputs, seed: int) -> tuple[DataNote, ...]:
    ods, gpw, pay = (
        real.ods_source.file_name,
        real.gpw_source.file_name,
        real.payments_source.file_name,
    )
    synth = f"gpworkforce.demo generator, seed {seed}"
    return (
        DataNote(
            figure="practices, names, open/close dates, CCG",
            kind="real",
            source=f"NHS England ODS ({ods})",
            detail="141 GP practices (setting 4) open on 30 Sep 2017 under 03W/04C/04V.",
        ),
        DataNote(
            figure="registered patients (list size)",
            kind="real",
            source=f"NHS Digital GPW ({gpw}, Year 2018 = Sep 2017)",
            detail="137 practices have a row; 4 cost centres have none.",
        ),
        DataNote(
            figure="fully qualified GP headcount and FTE; admin FTE",
            kind="real",
            source=f"NHS Digital GPW ({gpw})",
            detail="In the workforce table (37.5 h = 1 FTE); used only as weights for the synthetic returns.",
        ),
        DataNote(
            figure="registered and weighted patients, contract type",
            kind="real",
            source=f"NHS Digital, NHS Payments to General Practice 2017/18 ({pay})",
            detail="138 practices (the 138 the LLR plan counts).",
        ),
        DataNote(
            figure="CCG and LLR populations",
            kind="published",
            source="LLR GP Workforce Plan 2017, Table 2",
            detail="Held as published figures (not summed from practices); denominators of Table 8.",
        ),
        DataNote(
            figure="practice returns: staff lines (GPs, nurses, other clinical, admin) with hours/sessions, age band, sex, contract",
            kind="synthetic",
            source=synth,
            detail="CCG totals equal the LLR plan's Tables 3 and 8; spread over practices by real GPW/list-size signals; age bands so Table 9 holds.",
        ),
        DataNote(
            figure="locum lines by type",
            kind="synthetic",
            source=synth,
            detail="CCG headcount and WTE (sessions / 9) equal Table 10.",
        ),
        DataNote(
            figure="GP registrars",
            kind="synthetic",
            source=synth,
            detail=f"{sum(sum(v.values()) for v in recipe.REGISTRARS.values())} registrars at training practices; excluded from Table 3 as the paper excluded them.",
        ),
        DataNote(
            figure="vacancies",
            kind="synthetic",
            source=synth,
            detail="Plausible salaried GP, practice nurse and receptionist vacancies; the LLR plan prints no vacancy table.",
        ),
    )


def build_llr_2017(data_dir: Path | None = None, seed: int = recipe.DEFAULT_SEED) -> DemoDataset:
    """Build the LLR 2017 demo from the public files in ``data_dir`` (default: shared data)."""
    real = read_real_inputs(data_dir or shared_data_dir())
    returns = generate_returns(real.practices, seed)
    registry = build_registry(real)
    problems = verify(returns, {p.code: p.ccg for p in real.practices})
    if problems:  # a bug in the recipe, never the user's doing
        raise RuntimeError("demo generation missed the LLR plan's figures: " + "; ".join(problems))
    workforce, patients = gpw_frames(real)
    return DemoDataset(
        census_date=CENSUS,
        seed=seed,
        registry=registry,
        returns=returns,
        workforce=workforce,
        patients=patients,
        populations=published_populations(),
        notes=data_notes(real, seed),
        discrepancies=DISCREPANCIES,
        sources=(real.ods_source, real.gpw_source, real.payments_source, PAPER_SOURCE),
    )
