"""The national view: every practice in England from GPW 2023-2025, grouped by ICB.

Loads ``gpw_practice_fy2023_2025_staff_groups.csv`` through the loaders
(:func:`gpworkforce.loaders.load_practice_year_staff_groups`) and builds a small registry of
practices under their 42 ICBs (as the file names them, coded from ``ccg_to_icb.csv``) under
England, so national dashboards can aggregate at ICB and England level. All figures are real.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gpworkforce.domain.names import display_name
from gpworkforce.domain.orgs import ENGLAND_CODE, Organisation, OrgRegistry, OrgType, ParentLink
from gpworkforce.domain.provenance import Source
from gpworkforce.errors import InputFileError
from gpworkforce.loaders import load_practice_year_staff_groups
from gpworkforce.paths import shared_data_dir

STAFF_GROUPS_FILE = "gpw_practice_fy2023_2025_staff_groups.csv"
CCG_TO_ICB_FILE = "ccg_to_icb.csv"


@dataclass(frozen=True)
class NationalDataset:
    """GPW practice-year figures for England (real) with a practice -> ICB -> England registry."""

    registry: OrgRegistry
    workforce: pd.DataFrame  # tables.WORKFORCE
    patients: pd.DataFrame  # tables.PATIENTS
    icb_of: dict[str, str]  # practice code -> ICB code (latest year the practice appears)
    periods: tuple[dt.date, ...]
    source: Source
    warnings: tuple[str, ...]


def _norm(name: str) -> str:
    name = re.sub(r"^NHS\s+|\s*Integrated Care Board$", "", name.strip(), flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", name).strip().lower()


def icb_codes(path: Path) -> dict[str, tuple[str, str]]:
    """Normalised ICB name -> (ICB code, official name) from ``ccg_to_icb.csv``."""
    with path.open("r", encoding="utf-8-sig") as fh:
        frame = pd.read_csv(fh, dtype=str)
    needed = {"ICB Code", "ICB NAME"}
    if not needed <= set(frame.columns):
        raise InputFileError(
            f"{path.name}: must have columns {sorted(needed)}, got {list(frame.columns)}"
        )
    return {
        _norm(n): (c.strip(), n.strip())
        for c, n in zip(frame["ICB Code"], frame["ICB NAME"], strict=True)
    }


def build_national(data_dir: Path | None = None) -> NationalDataset:
    """Load the national practice-year file and group its practices by ICB."""
    nhs = (data_dir or shared_data_dir()) / "nhs"
    loaded = load_practice_year_staff_groups(nhs / STAFF_GROUPS_FILE)
    codes = icb_codes(nhs / CCG_TO_ICB_FILE)
    attrs = loaded.attributes.dropna(subset=["icb_name"]).sort_values(["practice_code", "period"])
    latest = attrs.groupby("practice_code", sort=True).tail(1)
    unknown = sorted({n for n in latest["icb_name"] if _norm(n) not in codes})
    if unknown:
        raise InputFileError(
            f"{STAFF_GROUPS_FILE}: ICB names must be in {CCG_TO_ICB_FILE}, got {unknown}"
        )
    orgs = [Organisation(ENGLAND_CODE, "England", OrgType.ENGLAND)]
    icbs = sorted({codes[_norm(n)] for n in latest["icb_name"]})
    orgs += [Organisation(code, display_name(name), OrgType.ICB) for code, name in icbs]
    links = [ParentLink(code, ENGLAND_CODE, source=CCG_TO_ICB_FILE) for code, _ in icbs]
    icb_of: dict[str, str] = {}
    for code, name in zip(latest["practice_code"], latest["icb_name"], strict=True):
        icb_of[code] = codes[_norm(name)][0]
        orgs.append(Organisation(code, code, OrgType.PRACTICE))
        links.append(ParentLink(code, icb_of[code], source=loaded.source_id))
    return NationalDataset(
        registry=OrgRegistry.build(orgs, links),
        workforce=loaded.workforce,
        patients=loaded.patients,
        icb_of=icb_of,
        periods=tuple(loaded.periods),
        source=loaded.source,
        warnings=loaded.warnings,
    )
