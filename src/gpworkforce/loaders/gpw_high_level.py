"""NHS Digital's GPW "Practice Level - High level" CSV: one row per practice, staff group, role
and measure (published monthly since January 2023; see ``docs/loaders.md``).

The layout is the file's as published in the practice-level ZIP ("General Practice - <Month
YYYY> Practice Level - High level.csv"): ``PRAC_CODE, PRAC_NAME, STAFF_GROUP,
DETAILED_STAFF_ROLE, MEASURE, VALUE``; ``STAFF_GROUP`` is one of ``GP``, ``Nurses``, ``Direct
Patient Care``, ``Admin/Non-Clinical``; ``MEASURE`` is ``FTE`` or ``Headcount``; each group has a
``Total`` role row; ``NA`` means not available (the role is estimated at sub-ICB level only).
It is told apart from the detailed layout by its header (``DETAILED_STAFF_ROLE``, ``MEASURE``,
``VALUE``), and its values are read by the one strict number parser (:mod:`gpworkforce.numbers`).

Each group's ``Total`` becomes the group's WORKFORCE row (GP, NURSE, DPC, ADMIN). Roles whose
published name is in :data:`ROLE_NODES` (a reviewed table) also become rows of their taxonomy
role; every other role counts only in its group's total and is listed in a warning with its FTE,
never dropped silently. Where a practice's roles do not add up to its published total the
difference is warned about (the published total is what is loaded).

GP roles whose name starts ``GP in Training`` (the training grades) give each practice two more
rows: ``GP_REGISTRAR`` (their sum) and ``GP_EXCL_REGISTRARS`` (the GP total less that sum: GPs
excluding trainees, locums included, the detailed file's ``TOTAL_GP_EXTG``), which the baseline
reports as "GPs excl. registrars".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from gpworkforce import labels, tables
from gpworkforce.domain.provenance import Source
from gpworkforce.errors import Issue, Location, raise_if_issues
from gpworkforce.loaders.census_range import check_census
from gpworkforce.loaders.files import DEFAULT_MAX_BYTES, read_text
from gpworkforce.loaders.gpw_detailed import period_or_name
from gpworkforce.loaders.result import LoadedWorkforce, checked
from gpworkforce.loaders.tabular import (
    FIRST_DATA_ROW,
    MAX_ISSUES_PER_COLUMN,
    PRACTICE_CODE,
    code_issues,
    negative_issues,
    read_table,
    require_rows,
)

PRACTICE = "PRAC_CODE"
GROUP = "STAFF_GROUP"
ROLE = "DETAILED_STAFF_ROLE"
MEASURE = "MEASURE"
VALUE = "VALUE"
REQUIRED: tuple[str, ...] = (PRACTICE, GROUP, ROLE, MEASURE, VALUE)
TEXT: tuple[str, ...] = (PRACTICE, "PRAC_NAME", GROUP, ROLE, MEASURE)
TOTAL = "Total"
# published staff group -> taxonomy group
GROUPS: Mapping[str, str] = {
    "GP": "GP",
    "Nurses": "NURSE",
    "Direct Patient Care": "DPC",
    "Admin/Non-Clinical": "ADMIN",
}
MEASURES: Mapping[str, str] = {"FTE": "fte", "Headcount": "headcount"}
# Reviewed: published role names (as seen in the file) -> taxonomy leaf. Other roles count in
# their group's total only (warned).
ROLE_NODES: Mapping[tuple[str, str], str] = {
    ("GP", "Senior Partner"): "GP_SENIOR_PARTNER",
    ("GP", "Partner/Provider"): "GP_PARTNER_PROVIDER",
    ("GP", "Salaried By Practice"): "GP_SALARIED_BY_PRACTICE",
    ("GP", "Salaried By Other"): "GP_SALARIED_BY_OTHER",
    ("Nurses", "Practice Nurse"): "NURSE_PRACTICE",
    ("Nurses", "Advanced Nurse Practitioner"): "NURSE_ANP",
}
FIRST_CENSUS = dt.date(2023, 1, 31)  # the high-level file is published from January 2023
_TOLERANCE = 0.05  # FTE: the file rounds each figure
# GP roles of doctors in training: every published GP role whose name starts so ("GP in Training
# Grade ST3", ...; five such roles in the 2026 files). Read by prefix, as public code reading the
# published files does, because the full list of their names is not confirmed.
TRAINEE_PREFIX = "GP in Training"
TRAINEES = "GP_REGISTRAR"  # their total
EXCLUDING_TRAINEES = "GP_EXCL_REGISTRARS"  # the GP total less them (TOTAL_GP_EXTG)


def is_high_level(header: Sequence[str]) -> bool:
    """Whether a header is the high-level layout's (rather than the detailed one's)."""
    names = {h.strip().lstrip("\ufeff") for h in header}
    return {PRACTICE, ROLE, MEASURE, VALUE} <= names


def _value_issues(
    frame: pd.DataFrame, column: str, allowed: Sequence[str], name: str
) -> list[Issue]:
    bad = np.flatnonzero(~frame[column].isin(allowed).fillna(False).to_numpy(dtype=bool))
    return [
        Issue(
            Location(file=name, row=int(p) + FIRST_DATA_ROW, column=column),
            expected=f"be one of {', '.join(allowed)}",
            found=repr(frame[column].iloc[p]) if pd.notna(frame[column].iloc[p]) else "nothing",
        )
        for p in bad[:MAX_ISSUES_PER_COLUMN]
    ]


def load_gpw_high_level(
    path: Path,
    *,
    period: dt.date | None = None,
    published: dt.date | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> LoadedWorkforce:
    """Load one "Practice Level - High level" CSV into WORKFORCE (see the module docs).

    The file carries no date: the census date is ``period`` or the month in its published name.
    """
    tf = read_text(path, max_bytes=max_bytes)
    parsed = read_table(tf, text_columns=TEXT, numeric_columns=(VALUE,), required=REQUIRED)
    frame = parsed.frame
    require_rows(frame, tf.name, "practice row")
    for col in (c for c in TEXT if c in frame.columns):
        frame[col] = frame[col].str.strip()
    frame[PRACTICE] = frame[PRACTICE].str.upper()
    issues = code_issues(
        frame[PRACTICE],
        PRACTICE,
        tf.name,
        pattern=PRACTICE_CODE,
        expected="be a GP practice's ODS code (a letter and five digits, like C82001)",
    )
    issues += _value_issues(frame, GROUP, list(GROUPS), tf.name)
    issues += _value_issues(frame, MEASURE, list(MEASURES), tf.name)
    no_role = np.flatnonzero(frame[ROLE].fillna("").eq("").to_numpy(dtype=bool))
    issues += [
        Issue(Location(tf.name, None, int(p) + FIRST_DATA_ROW, ROLE), "name the role", "nothing")
        for p in no_role[:MAX_ISSUES_PER_COLUMN]
    ]
    issues += negative_issues(frame, [VALUE], tf.name)
    keys = [PRACTICE, GROUP, ROLE, MEASURE]
    if not issues:
        dup = np.flatnonzero(frame.duplicated(keys).to_numpy())
        issues += [
            Issue(
                Location(file=tf.name, row=int(p) + FIRST_DATA_ROW, column=ROLE),
                expected="appear once per practice, staff group, role and measure",
                found="a second row for " + " / ".join(str(frame[k].iloc[p]) for k in keys),
            )
            for p in dup[:MAX_ISSUES_PER_COLUMN]
        ]
    raise_if_issues(issues, f"{tf.name}: not a valid GPW high-level practice file")
    census = check_census(
        period_or_name(period, tf.name, named="'January 2023'", given="2023-01-31"),
        tf.name,
        publication="GPW's high-level practice files",
        first=FIRST_CENSUS,
        first_text="the month the high-level file was first published for, January 2023",
    )
    stamp = pd.Timestamp(census)
    source = Source(
        publisher="NHS Digital",
        dataset="gpw-practice-high-level",
        period=census.isoformat(),
        published=published,
        file_name=tf.name,
        sha256=tf.sha256,
    )
    pairs = list(zip(frame[GROUP], frame[ROLE], strict=True))
    is_total = frame[ROLE].eq(TOTAL).to_numpy(dtype=bool)
    node = np.array(
        [
            GROUPS[g] if t else ROLE_NODES.get((g, r))
            for (g, r), t in zip(pairs, is_total, strict=True)
        ],
        dtype=object,
    )
    frame["node"] = node
    frame["measure"] = frame[MEASURE].map(MEASURES)
    mapped = frame[pd.notna(node)]
    wide = mapped.pivot_table(
        index=[PRACTICE, "node"], columns="measure", values=VALUE, aggfunc="first", dropna=False
    )
    wide = wide.reindex(columns=["headcount", "fte"])
    wide = wide[wide.notna().any(axis=1)].reset_index()
    workforce = pd.DataFrame(
        {
            "practice_code": wide[PRACTICE].astype("string"),
            "period": stamp,
            "node": wide["node"].astype("string"),
            "headcount": wide["headcount"].astype("Float64"),
            "fte": wide["fte"].astype("Float64"),
            "source_id": source.source_id,
        }
    )
    trainee = frame[GROUP].eq("GP").to_numpy(dtype=bool) & frame[ROLE].str.startswith(
        TRAINEE_PREFIX
    ).fillna(False).to_numpy(dtype=bool)
    qualified = _gp_excluding_trainees(frame, trainee, stamp, source.source_id)
    workforce = pd.concat([workforce, qualified], ignore_index=True)
    warnings = parsed.warnings(tf.name) + _role_warnings(frame, is_total | trainee, tf.name)
    with_gps = set(frame.loc[frame[GROUP].eq("GP").to_numpy(dtype=bool), PRACTICE])
    has_fte = qualified.loc[qualified["node"].eq(EXCLUDING_TRAINEES), ["practice_code", "fte"]]
    unknown = sorted(with_gps - set(has_fte.loc[has_fte["fte"].notna(), "practice_code"]))
    if unknown:
        warnings.append(
            f"{tf.name}: {labels.plural(len(unknown), 'practice')} with GP rows whose WTE of GPs "
            "excluding "
            "trainees is not available (their GP total or a training grade is NA, or no GP "
            f"total is given): {', '.join(unknown[:20])}"
        )
    names = frame.drop_duplicates(PRACTICE)
    attributes = pd.DataFrame(
        {
            "practice_code": names[PRACTICE].to_numpy(),
            "period": stamp,
            **({"practice_name": names["PRAC_NAME"].to_numpy()} if "PRAC_NAME" in names else {}),
        }
    )
    return LoadedWorkforce(
        source=source,
        workforce=checked(tables.conform(workforce, tables.WORKFORCE), tables.WORKFORCE),
        attributes=attributes,
        warnings=tuple(warnings),
        encoding=tf.encoding,
    )


def _gp_excluding_trainees(
    frame: pd.DataFrame, trainee: np.ndarray, stamp: pd.Timestamp, source_id: str
) -> pd.DataFrame:
    """Per practice with a GP total: GPs in training (the sum of their roles) and GPs excluding
    them (the GP total less that sum, FTE and headcount: the total counts a person once, and a
    doctor in training holds no other GP role in the practice).

    A practice with no trainee role row has none; a trainee role or a total not available
    (``NA``) makes both figures not available (no row)."""
    gp_total = frame[GROUP].eq("GP").to_numpy(dtype=bool) & frame[ROLE].eq(TOTAL).to_numpy(
        dtype=bool
    )
    cols = [PRACTICE, MEASURE, VALUE]
    totals = frame.loc[gp_total, cols].pivot_table(
        index=PRACTICE, columns=MEASURE, values=VALUE, aggfunc="first", dropna=False
    )
    totals = totals.reindex(columns=list(MEASURES))
    grouped = frame.loc[trainee, cols].groupby([PRACTICE, MEASURE])[VALUE]
    summed = grouped.sum(min_count=1).where(grouped.count() == grouped.size())
    trainees = summed.unstack(MEASURE).reindex(index=totals.index, columns=list(MEASURES))
    none = ~trainees.index.isin(frame.loc[trainee, PRACTICE].unique())
    trainees.loc[none] = 0.0  # a practice with no trainee role row has no trainees
    # the total counts each person once; a doctor in training holds no other GP role there
    excluding = (totals - trainees).where(lambda v: v > -_TOLERANCE).clip(lower=0)
    rows = [
        pd.DataFrame(
            {
                "practice_code": totals.index.astype("string"),
                "node": TRAINEES,
                "headcount": trainees["Headcount"].to_numpy(),
                "fte": trainees["FTE"].to_numpy(),
            }
        ),
        pd.DataFrame(
            {
                "practice_code": totals.index.astype("string"),
                "node": EXCLUDING_TRAINEES,
                "headcount": excluding["Headcount"].to_numpy(),
                "fte": excluding["FTE"].to_numpy(),
            }
        ),
    ]
    out = pd.concat(rows, ignore_index=True)
    out = out[out["headcount"].notna() | out["fte"].notna()]
    return tables.conform(out.assign(period=stamp, source_id=source_id), tables.WORKFORCE)


def _role_warnings(frame: pd.DataFrame, counted: np.ndarray, name: str) -> list[str]:
    """Roles that count only in their group's total, and totals their roles do not add up to
    (``counted``: group totals and roles counted otherwise, e.g. GPs in training)."""
    out: list[str] = []
    is_fte = frame[MEASURE].eq("FTE").to_numpy(dtype=bool)
    is_total = frame[ROLE].eq(TOTAL).to_numpy(dtype=bool)
    fte = frame[is_fte]
    roles = fte[~is_total[is_fte]]
    only_total = fte[~counted[is_fte] & fte["node"].isna().to_numpy(dtype=bool)]
    if len(only_total):
        by_role = only_total.groupby([GROUP, ROLE], sort=True)[VALUE].sum()
        shown = "; ".join(f"{g} / {r} ({v:.1f} FTE)" for (g, r), v in by_role.head(12).items())
        more = " ..." if len(by_role) > 12 else ""
        out.append(
            f"{name}: {labels.plural(len(by_role), 'role')} with no role the service knows, "
            f"counted only in their staff group's total: {shown}{more}"
        )
    summed = roles.groupby([PRACTICE, GROUP], sort=True)[VALUE].sum(min_count=1)
    totals = fte[fte[ROLE].eq(TOTAL)].set_index([PRACTICE, GROUP])[VALUE]
    both = pd.concat([summed.rename("roles"), totals.rename("total")], axis=1, join="inner")
    off = both[(both["roles"] - both["total"]).abs() > _TOLERANCE].dropna()
    if len(off):
        shown = "; ".join(
            f"{p} {g}: roles {r:.2f}, total {t:.2f}"
            for (p, g), r, t in zip(off.index, off["roles"], off["total"], strict=True)
        )
        out.append(
            f"{name}: {labels.plural(len(off), 'practice staff group')} whose roles do not add up "
            "to the "
            f"published total (the total is used): {shown[:600]}"
        )
    return out


__all__ = ["ROLE_NODES", "is_high_level", "load_gpw_high_level"]
