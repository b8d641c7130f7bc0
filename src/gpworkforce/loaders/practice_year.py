"""GPW practice-year files: one row per practice per financial year (see ``docs/loaders.md``).

``Year`` is the financial year ending; its census date is
:func:`~gpworkforce.domain.periods.gpw_practice_year_census` (Year 2018 = 30 September 2017; from
2021 a Year is the mean of that year's snapshots, dated 31 March). Measure columns are named as
NHS Digital names them (``TOTAL_<stem>_HC`` / ``_FTE``) and mapped to taxonomy nodes through
``Taxonomy.gpw_stems()``: ``GP_EXTGL`` -> GP_QUALIFIED, ``LOCUUM_TRN`` -> GP_LOCUM_AND_TRAINEE
(all GPs minus qualified), ``NURSES`` -> NURSE, ``ADMIN_RECEPT`` -> ADMIN_RECEPTION, ...
``TOTAL_PATIENTS`` goes to the PATIENTS table (``weighted`` is not in these files: ``<NA>``).
IMD score and quintile (and the ICB name, partners per GP) go to the attributes frame.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from gpworkforce import labels, tables
from gpworkforce.domain.measures import MAX_FTE_PER_HEAD
from gpworkforce.domain.periods import gpw_practice_year_census
from gpworkforce.domain.provenance import Source
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.errors import Issue, Location, ValidationFailed, raise_if_issues
from gpworkforce.loaders.files import DEFAULT_MAX_BYTES, read_text
from gpworkforce.loaders.result import LoadedWorkforce, melt_measures, stem_columns
from gpworkforce.loaders.tabular import (
    FIRST_DATA_ROW,
    MAX_ISSUES_PER_COLUMN,
    PRACTICE_CODE,
    code_issues,
    header_of,
    negative_issues,
    read_table,
)

PRACTICE = "Practice.Code"
YEAR = "Year"
PATIENTS = "TOTAL_PATIENTS"
# attribute columns: file column -> attributes-frame column
ATTRIBUTES: dict[str, str] = {
    "IMD": "imd_score",
    "IMD_quintile": "imd_quintile",
    "TOTAL_PTNR_PER_GP_FTE": "partners_per_gp_fte",
    "TOTAL_PTNR_PER_GP_HC": "partners_per_gp_hc",
}
TEXT_ATTRIBUTES: dict[str, str] = {"ICB_NAME": "icb_name"}

GP_ADMIN_REQUIRED: tuple[str, ...] = (
    PRACTICE,
    YEAR,
    PATIENTS,
    "TOTAL_GP_EXTGL_HC",
    "TOTAL_GP_EXTGL_FTE",
    "TOTAL_ADMIN_FTE",
)
STAFF_GROUPS_REQUIRED: tuple[str, ...] = (
    PRACTICE,
    YEAR,
    PATIENTS,
    *(
        f"TOTAL_{s}_{m}"
        for s in ("GP_EXTGL", "LOCUUM_TRN", "NURSES", "DPC", "ADMIN")
        for m in ("HC", "FTE")
    ),
)


def load_practice_year_gp_admin(
    path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> LoadedWorkforce:
    """``gpw_practice_fy2016_2024_gp_admin.csv``: qualified GPs, admin (with split), patients, IMD."""
    return load_practice_year(
        path, GP_ADMIN_REQUIRED, dataset="gpw-practice-year-gp-admin", max_bytes=max_bytes
    )


def load_practice_year_staff_groups(
    path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> LoadedWorkforce:
    """``gpw_practice_fy2023_2025_staff_groups.csv``: all staff groups, partners, patients, IMD."""
    return load_practice_year(
        path, STAFF_GROUPS_REQUIRED, dataset="gpw-practice-year-staff-groups", max_bytes=max_bytes
    )


# GPW's first practice-level census was September 2015 (Year 2016); a Year after the next
# financial year cannot have been published yet.
FIRST_YEAR = 2016


def _year_issues(years: pd.Series, file_name: str) -> list[Issue]:
    last = dt.date.today().year + 1
    ok = years.notna() & (years % 1 == 0) & years.between(FIRST_YEAR, last)
    bad = np.flatnonzero(~ok.fillna(False).to_numpy(dtype=bool))
    return [
        Issue(
            Location(file=file_name, row=int(p) + FIRST_DATA_ROW, column=YEAR),
            expected=f"be a financial year ending from {FIRST_YEAR} (GPW's first practice-level "
            f"census, September 2015) to {last}",
            found="nothing" if pd.isna(years.iloc[p]) else f"{years.iloc[p]:g}",
        )
        for p in bad[:MAX_ISSUES_PER_COLUMN]
    ]


def _duplicate_issues(frame: pd.DataFrame, file_name: str) -> list[Issue]:
    dup = frame.duplicated([PRACTICE, YEAR], keep="first").to_numpy()
    return [
        Issue(
            Location(file=file_name, row=int(p) + FIRST_DATA_ROW, column=PRACTICE),
            expected="appear once per practice and Year",
            found=f"a second row for {frame[PRACTICE].iloc[p]} in {frame[YEAR].iloc[p]:g}",
        )
        for p in np.flatnonzero(dup)[:MAX_ISSUES_PER_COLUMN]
    ]


def _implausible(frame: pd.DataFrame, measures: dict[str, tuple[str, str]], name: str) -> list[str]:
    """Warnings for FTE above what the headcount could work (kept: published figures)."""
    out = []
    by_node: dict[str, dict[str, str]] = {}
    for col, (node, measure) in measures.items():
        by_node.setdefault(node, {})[measure] = col
    for node, cols in by_node.items():
        if {"headcount", "fte"} <= cols.keys():
            over = (frame[cols["fte"]] > MAX_FTE_PER_HEAD * frame[cols["headcount"]]).fillna(False)
            if over.any():
                who = labels.role(node)
                who = who if who[1:2].isupper() else who[:1].lower() + who[1:]  # "GPs", "nurses"
                out.append(
                    f"{name}: {labels.plural(int(over.sum()), 'practice-year')} where the WTE of "
                    f"{who} is more than {MAX_FTE_PER_HEAD:g} times their headcount "
                    f"(kept as published)"
                )
    return out


def load_practice_year(
    path: Path, required: Sequence[str], *, dataset: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> LoadedWorkforce:
    """Load a GPW practice-year file whose ``required`` columns must be present."""
    tf = read_text(path, max_bytes=max_bytes)
    stems = load_taxonomy().gpw_stems()
    header = [h.strip() for h in header_of(tf)]
    measures = stem_columns(header, stems)
    numeric = [YEAR, PATIENTS, *measures, *(c for c in ATTRIBUTES if c in header)]
    text = [PRACTICE, *(c for c in TEXT_ATTRIBUTES if c in header)]
    parsed = read_table(tf, text_columns=text, numeric_columns=numeric, required=required)
    frame = parsed.frame
    frame[PRACTICE] = frame[PRACTICE].str.strip().str.upper()
    if frame.empty:
        raise ValidationFailed(
            issues=[
                Issue(
                    Location(file=tf.name, row=FIRST_DATA_ROW),
                    "hold at least one practice row",
                    "none (a header only)",
                )
            ],
            summary=f"{tf.name}: an empty dataset",
        )
    issues = code_issues(
        frame[PRACTICE],
        PRACTICE,
        tf.name,
        pattern=PRACTICE_CODE,
        expected="be a GP practice's ODS code (a letter and five digits, like C82001)",
    )
    issues += _year_issues(frame[YEAR], tf.name)
    issues += negative_issues(frame, [PATIENTS, *measures], tf.name)
    if not issues:
        issues += _duplicate_issues(frame, tf.name)
    raise_if_issues(issues, f"{tf.name}: not a valid GPW practice-year file")

    years = frame[YEAR].astype("int64")
    census = {y: pd.Timestamp(gpw_practice_year_census(int(y))) for y in years.unique()}
    frame["period"] = years.map(census).astype("datetime64[ns]")
    frame["practice_code"] = frame[PRACTICE]
    source = Source(
        publisher="NHS Digital",
        dataset=dataset,
        period=f"FY{years.min()}-FY{years.max()}" if len(years) else "empty",
        file_name=tf.name,
        sha256=tf.sha256,
    )
    sid = source.source_id
    workforce = melt_measures(frame, measures, sid)
    patients = tables.conform(
        frame.assign(registered=frame[PATIENTS], weighted=pd.NA, source_id=sid), tables.PATIENTS
    )
    attr_cols = {**ATTRIBUTES, **TEXT_ATTRIBUTES}
    present = {c: a for c, a in attr_cols.items() if c in frame.columns}
    attributes = frame.loc[:, ["practice_code", "period", *present]].rename(columns=present)
    attributes = attributes.reset_index(drop=True)
    warnings = parsed.warnings(tf.name) + _implausible(frame, measures, tf.name)
    return LoadedWorkforce(
        source=source,
        workforce=workforce,
        patients=patients,
        attributes=attributes,
        warnings=tuple(warnings),
        encoding=tf.encoding,
    )
