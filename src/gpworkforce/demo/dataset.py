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
    CCGS,
    DISCREPANCIES,
    LLR,
    PAPER_SOURCE,
    POPULATION,
    POPULATION_LLR,
    Discrepancy,
)
from gpworkforce.demo.real import CENSUS, RealInputs, read_real_inputs
from gpworkforce.demo.synth import generate_returns
from gpworkforce.domain.orgs import OrgRegistry, OrgType
from gpworkforce.domain.provenance import Source
from gpworkforce.domain.returns import PracticeReturn
from gpworkforce.paths import shared_data_dir


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


def patients_frame(real: RealInputs) -> pd.DataFrame:
    """GPW list sizes (registered only) and NHS Payments registered and weighted, as PATIENTS."""
    pay_id = real.payments_source.source_id
    rows = [
        {
            "practice_code": p.code,
            "period": pd.Timestamp(CENSUS),
            "registered": p.registered,
            "weighted": p.weighted,
            "source_id": pay_id,
        }
        for p in real.practices
        if p.registered is not None
    ]
    payments = tables.conform(pd.DataFrame(rows), tables.PATIENTS)
    gpw = tables.conform(real.gpw_patients, tables.PATIENTS)
    return pd.concat([gpw, payments], ignore_index=True)


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
    synth = f"the gpworkforce demo generator (seed {seed})"
    return (
        DataNote(
            figure="practices, names, open/close dates, CCG",
            kind="real",
            source=f"NHS England ODS ({ods}) and NHS Digital practice maps",
            detail=(
                "141 GP practices open on 30 September 2017 in the three CCGs (East "
                "Leicestershire and Rutland, Leicester City, West Leicestershire)."
            ),
        ),
        DataNote(
            figure="registered patients (list size)",
            kind="real",
            source=f"NHS Digital GPW ({gpw}, Year 2018 = September 2017)",
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
    problems = verify(returns, {p.code: p.ccg for p in real.practices})
    if problems:  # a bug in the recipe, never the user's doing
        raise RuntimeError("demo generation missed the LLR plan's figures: " + "; ".join(problems))
    return DemoDataset(
        census_date=CENSUS,
        seed=seed,
        registry=real.registry,
        returns=returns,
        workforce=tables.conform(real.gpw_workforce, tables.WORKFORCE),
        patients=patients_frame(real),
        populations=published_populations(),
        notes=data_notes(real, seed),
        discrepancies=DISCREPANCIES,
        sources=(real.ods_source, real.gpw_source, real.payments_source, PAPER_SOURCE),
    )
