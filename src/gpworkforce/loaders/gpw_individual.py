"""NHS Digital's GPW "Individual Level" CSV: one row per person and role, placed in a sub-ICB
location (not a practice); see ``docs/loaders.md``.

Layout, as published monthly ("General Practice - <Month YYYY> Individual Level.csv"): ``YEAR,
Month, COMM_REGION_CODE, COMM_REGION_NAME, ICB_CODE, ICB_NAME, SUB_ICB_CODE, SUB_ICB_NAME,
DATA_SOURCE, UNIQUE_IDENTIFIER, STAFF_GROUP, DETAILED_STAFF_ROLE, STAFF_ROLE,
COUNTRY_QUALIFICATION_AREA, COUNTRY_QUALIFICATION_GROUP, AGE_BAND, AGE_YEARS, GENDER, FTE``. It is
told from the PCN individual-level file by its header (``SUB_ICB_CODE`` and no ``PCN_CODE``).

The WORKFORCE table's ``practice_code`` holds the **sub-ICB location code** (as the PCN file's
holds the PCN code): one row per sub-ICB location and staff group, and per sub-ICB location and
staff role where the role is in :data:`ROLE_NODES`; FTE summed, headcount = distinct
``UNIQUE_IDENTIFIER`` (a person in two roles counts once). Roles not in the table count only in
their group and are listed in a warning with their FTE. The file's own sub-ICB, ICB and region
codes place each sub-ICB location on its census date (``PCN_PLACES`` columns).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from gpworkforce import labels, tables
from gpworkforce.domain.provenance import Source
from gpworkforce.errors import Issue, Location, ValidationFailed, raise_if_issues
from gpworkforce.loaders.census_range import check_census
from gpworkforce.loaders.files import DEFAULT_MAX_BYTES, read_text
from gpworkforce.loaders.gpw_detailed import GPW_FIRST_CENSUS, period_from_file_name
from gpworkforce.loaders.gpw_high_level import GROUPS
from gpworkforce.loaders.pcn import PCN_PLACES
from gpworkforce.loaders.people import census_month, missing_fte_issues, strip_people, sum_people
from gpworkforce.loaders.result import LoadedWorkforce
from gpworkforce.loaders.tabular import (
    FIRST_DATA_ROW,
    MAX_ISSUES_PER_COLUMN,
    code_issues,
    negative_issues,
    read_table,
    require_rows,
)

SUB_ICB = "SUB_ICB_CODE"
REQUIRED: tuple[str, ...] = (
    SUB_ICB,
    "UNIQUE_IDENTIFIER",
    "STAFF_GROUP",
    "STAFF_ROLE",
    "DETAILED_STAFF_ROLE",
    "FTE",
)
TEXT: tuple[str, ...] = (
    "COMM_REGION_CODE",
    "COMM_REGION_NAME",
    "ICB_CODE",
    "ICB_NAME",
    SUB_ICB,
    "SUB_ICB_NAME",
    "DATA_SOURCE",
    "UNIQUE_IDENTIFIER",
    "STAFF_GROUP",
    "DETAILED_STAFF_ROLE",
    "STAFF_ROLE",
    "COUNTRY_QUALIFICATION_AREA",
    "COUNTRY_QUALIFICATION_GROUP",
    "AGE_BAND",
    "GENDER",
)
NUMERIC: tuple[str, ...] = ("YEAR", "Month", "AGE_YEARS", "FTE")
# Reviewed: published STAFF_ROLE names (as seen in the file) -> taxonomy role.
ROLE_NODES: Mapping[tuple[str, str], str] = {
    ("GP", "GP Partners"): "GP_PARTNER",
    ("GP", "Salaried GPs"): "GP_SALARIED",
    ("GP", "GPs in Training Grades"): "GP_REGISTRAR",
}


def is_gpw_individual(header: list[str]) -> bool:
    """Whether a header is the GPW individual-level layout's."""
    names = {h.strip().strip('"').lstrip("\ufeff") for h in header}
    return {SUB_ICB, "UNIQUE_IDENTIFIER", "STAFF_ROLE"} <= names and "PCN_CODE" not in names


def _census(frame: pd.DataFrame, period: dt.date | None, name: str) -> dt.date:
    if "YEAR" not in frame.columns or "Month" not in frame.columns:
        found = period or period_from_file_name(name)
        if found is None:
            raise ValidationFailed(
                issues=[
                    Issue(
                        Location(file=name, column="YEAR/Month"),
                        "be present, or the file named with its month as published, or the "
                        "census date given (--period 2025-09-30)",
                        "none of them",
                    )
                ],
                summary=f"{name}: census date",
            )
        return check_census(
            found,
            name,
            publication="GPW's individual-level files",
            first=GPW_FIRST_CENSUS,
            first_text="GPW's first census, September 2015",
        )
    census = census_month(frame, "YEAR", "Month", name, earliest=2015)
    if period is not None and period != census:
        raise ValidationFailed(
            issues=[
                Issue(
                    Location(file=name, column="YEAR/Month"),
                    f"agree with the census date given ({period})",
                    census.isoformat(),
                )
            ],
            summary=f"{name}: census month",
        )
    return census


def load_gpw_individual(
    path: Path,
    *,
    period: dt.date | None = None,
    published: dt.date | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[LoadedWorkforce, pd.DataFrame]:
    """Load the GPW individual-level CSV (see the module docs for the rules): the tables, and
    where the file places each sub-ICB location (``PCN_PLACES`` columns)."""
    tf = read_text(path, max_bytes=max_bytes)
    parsed = read_table(tf, text_columns=TEXT, numeric_columns=NUMERIC, required=REQUIRED)
    frame = parsed.frame
    require_rows(frame, tf.name, "staff row")
    strip_people(frame, [c for c in TEXT if c in frame.columns])
    issues = code_issues(frame[SUB_ICB], SUB_ICB, tf.name)
    bad_group = np.flatnonzero(~frame["STAFF_GROUP"].isin(list(GROUPS)).fillna(False).to_numpy())
    issues += [
        Issue(
            Location(tf.name, None, int(p) + FIRST_DATA_ROW, "STAFF_GROUP"),
            f"be one of {', '.join(GROUPS)}",
            repr(frame["STAFF_GROUP"].iloc[p])
            if pd.notna(frame["STAFF_GROUP"].iloc[p])
            else "nothing",
        )
        for p in bad_group[:MAX_ISSUES_PER_COLUMN]
    ]
    issues += negative_issues(frame, ["FTE"], tf.name)
    issues += missing_fte_issues(frame, tf.name)
    raise_if_issues(issues, f"{tf.name}: not a valid GPW individual-level file")
    census = _census(frame, period, tf.name)
    stamp = pd.Timestamp(census)
    source = Source(
        publisher="NHS Digital",
        dataset="gp-workforce-individual",  # not "gpw...": no practice rows
        period=census.isoformat(),
        published=published,
        file_name=tf.name,
        sha256=tf.sha256,
    )
    frame["group"] = frame["STAFF_GROUP"].map(GROUPS)
    keys = list(zip(frame["STAFF_GROUP"], frame["STAFF_ROLE"], strict=True))
    frame["role"] = [ROLE_NODES.get(k) for k in keys]  # type: ignore[arg-type]
    long = sum_people(frame, SUB_ICB, ("group", "role"))
    workforce = long.assign(period=stamp, source_id=source.source_id)
    warnings = parsed.warnings(tf.name)
    other = frame[frame["role"].isna()]
    if len(other):
        by_role = other.groupby(["STAFF_GROUP", "STAFF_ROLE"], sort=True)["FTE"].sum()
        shown = "; ".join(f"{g} / {r} ({v:.1f} FTE)" for (g, r), v in by_role.head(12).items())
        warnings.append(
            f"{tf.name}: {labels.plural(len(by_role), 'staff role')} with no role the service "
            f"knows, counted only in their staff group's total: {shown}"
            + (" ..." if len(by_role) > 12 else "")
        )
    first = frame.drop_duplicates(SUB_ICB)
    places = pd.DataFrame(
        {
            "practice_code": first[SUB_ICB].to_numpy(),
            "period": stamp,
            "pcn_name": first["SUB_ICB_NAME"].to_numpy() if "SUB_ICB_NAME" in first else pd.NA,
            "sub_icb_code": first[SUB_ICB].to_numpy(),
            "icb_code": first["ICB_CODE"].to_numpy() if "ICB_CODE" in first else pd.NA,
            "region_code": (
                first["COMM_REGION_CODE"].to_numpy() if "COMM_REGION_CODE" in first else pd.NA
            ),
            "source_id": source.source_id,
        }
    )
    attributes = places.loc[:, ["practice_code", "period"]].copy()
    return LoadedWorkforce(
        source=source,
        workforce=tables.conform(workforce, tables.WORKFORCE),
        attributes=attributes.assign(sub_icb_name=places["pcn_name"], icb_code=places["icb_code"]),
        warnings=tuple(warnings),
        encoding=tf.encoding,
    ), tables.conform(places, PCN_PLACES)


__all__ = ["ROLE_NODES", "is_gpw_individual", "load_gpw_individual"]
