"""Readers for the organisation files: ODS ``epraccur``, the practice maps, CCG -> ICB.

Each returns a small typed frame (or raises a user error naming file, row and column); the
registry is assembled from these frames by :mod:`gpworkforce.loaders.registry`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from gpworkforce.errors import Issue, Location, ValidationFailed, raise_if_issues
from gpworkforce.loaders.files import read_text
from gpworkforce.loaders.tabular import (
    FIRST_DATA_ROW,
    PRACTICE_CODE,
    code_issues,
    read_table,
    require_rows,
)

# ODS epraccur: headerless; position -> our name (ODS "GP practice" file layout).
EPRACCUR_COLUMNS: dict[int, str] = {
    0: "code",
    1: "name",
    2: "national_grouping",
    3: "health_geography",
    9: "postcode",
    10: "opened",
    11: "closed",
    12: "status",
    13: "sub_type",
    14: "commissioner",
    15: "joined",
    16: "left",
    25: "setting",
}
EPRACCUR_MIN_FIELDS = 26
GP_PRACTICE_SETTING = "4"  # ODS prescribing setting 4 = GP practice
_EPRACCUR_DATES = ("opened", "closed", "joined", "left")

MAP_COLUMNS: tuple[str, ...] = (
    "EXTRACT_DATE",
    "PRACTICE_CODE",
    "PRACTICE_NAME",
    "PCN_CODE",
    "PCN_NAME",
    "CCG_CODE",
    "CCG_NAME",
    "STP_CODE",
    "STP_NAME",
    "COMM_REGION_CODE",
    "COMM_REGION_NAME",
)
# The layout published since ICBs replaced CCGs and STPs (July 2022): the same tiers renamed.
SUB_ICB_MAP_COLUMNS: dict[str, str] = {
    "EXTRACT_DATE": "EXTRACT_DATE",
    "PRACTICE_CODE": "PRACTICE_CODE",
    "PRACTICE_NAME": "PRACTICE_NAME",
    "PCN_CODE": "PCN_CODE",
    "PCN_NAME": "PCN_NAME",
    "SUB_ICB_LOCATION_CODE": "CCG_CODE",
    "SUB_ICB_LOCATION_NAME": "CCG_NAME",
    "ICB_CODE": "STP_CODE",
    "ICB_NAME": "STP_NAME",
    "COMM_REGION_CODE": "COMM_REGION_CODE",
    "COMM_REGION_NAME": "COMM_REGION_NAME",
}
UNALLOCATED_PCN = "U"
_MAP_DATE_FORMATS = ("%d-%b-%y", "%d%b%Y", "%Y-%m-%d", "%d/%m/%Y", "%d-%b-%Y")

CCG_ICB_COLUMNS: tuple[str, ...] = ("CCG Code", "ICB Code", "ICB NAME")
# Integrated care boards replaced STPs/CCGs on 1 July 2022 (Health and Care Act 2022).
ICB_ESTABLISHED = dt.date(2022, 7, 1)


@dataclass(frozen=True)
class OdsExtract:
    """One ODS epraccur extract loaded by a user, with its extract date (the file has none)."""

    extract_date: dt.date
    frame: pd.DataFrame  # read_epraccur's columns
    file_name: str


@dataclass(frozen=True)
class PracticeMap:
    """One 'Patients Registered at a GP Practice' mapping extract."""

    extract_date: dt.date
    frame: pd.DataFrame  # MAP_COLUMNS, strings
    file_name: str


def _dates(
    frame: pd.DataFrame, columns: Sequence[str], file_name: str, positions: dict[str, int]
) -> list[Issue]:
    issues: list[Issue] = []
    for col in columns:
        raw = frame[col].fillna("").str.strip()
        parsed = pd.to_datetime(raw.where(raw != ""), format="%Y%m%d", errors="coerce")
        bad = parsed.isna().to_numpy() & (raw != "").to_numpy()
        for pos in np.flatnonzero(bad)[:50]:
            issues.append(
                Issue(
                    Location(
                        file=file_name,
                        row=int(pos) + 1,
                        column=f"{positions[col] + 1} ({col})",
                    ),
                    expected="be a date YYYYMMDD or blank",
                    found=repr(raw.iloc[pos]),
                )
            )
        frame[col] = parsed
    return issues


def read_epraccur(path: Path) -> pd.DataFrame:
    """ODS epraccur (no header row) -> one row per organisation, dates parsed.

    Columns: ``code, name, national_grouping, health_geography, postcode, opened, closed,
    status, sub_type, commissioner, joined, left, setting`` (dates ``datetime64``, blank = NaT).
    Rows are numbered from 1 (the file has no header).
    """
    tf = read_text(path)
    names = [str(i) for i in EPRACCUR_COLUMNS]
    parsed = read_table(
        tf,
        text_columns=names,
        numeric_columns=(),
        required=names,
        header=False,
        ncols=EPRACCUR_MIN_FIELDS,
    )
    frame = parsed.frame.rename(columns={str(k): v for k, v in EPRACCUR_COLUMNS.items()})
    frame = frame.loc[:, list(EPRACCUR_COLUMNS.values())]
    for col in frame.columns:
        frame[col] = frame[col].str.strip()
    positions = {v: k for k, v in EPRACCUR_COLUMNS.items()}
    issues = code_issues(frame["code"], "1 (code)", tf.name, first_row=1)
    issues += _dates(frame, _EPRACCUR_DATES, tf.name, positions)
    commissioner = frame["commissioner"].where(frame["commissioner"] != "")
    has_commissioner = commissioner.notna().to_numpy()
    issues += [
        i
        for i in code_issues(commissioner, "15 (commissioner)", tf.name, first_row=1)
        if has_commissioner[(i.location.row or 1) - 1]
    ]
    raise_if_issues(issues, f"{tf.name}: not a valid ODS epraccur file")
    for first, last, label in (
        ("opened", "closed", "12 (closed)"),
        ("joined", "left", "17 (left)"),
    ):
        backwards = (frame[last] < frame[first]).to_numpy()
        issues += [
            Issue(
                Location(file=tf.name, row=int(p) + 1, column=label),
                expected=f"not be before the {first} date {frame[first].iloc[p]:%Y%m%d}",
                found=f"{frame[last].iloc[p]:%Y%m%d}",
            )
            for p in np.flatnonzero(backwards)[:50]
        ]
    raise_if_issues(issues, f"{tf.name}: not a valid ODS epraccur file")
    return frame


def _extract_date(values: pd.Series, file_name: str) -> dt.date:
    distinct = sorted(set(values.dropna().str.strip()))
    if len(distinct) != 1:
        raise ValidationFailed(
            issues=[
                Issue(
                    Location(file=file_name, column="EXTRACT_DATE"),
                    expected="hold one extract date for the whole file",
                    found=", ".join(distinct[:5]) or "nothing",
                )
            ],
            summary=f"{file_name}: not a valid practice map",
        )
    text = distinct[0]
    for fmt in _MAP_DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationFailed(
        issues=[
            Issue(
                Location(file=file_name, row=FIRST_DATA_ROW, column="EXTRACT_DATE"),
                expected="be a date like 01-Sep-20 or 01Jan2022",
                found=repr(text),
            )
        ],
        summary=f"{file_name}: not a valid practice map",
    )


# each tier's ODS code format, as every row of the real 2020 and 2022 maps has it
MAP_CODE_FORMATS: dict[str, tuple[str, str]] = {
    "PRACTICE_CODE": (PRACTICE_CODE, "be a GP practice's ODS code (a letter and five digits)"),
    "PCN_CODE": (r"^U([0-9]{5})?$", "be a PCN's ODS code (U and five digits), or U for none"),
    "CCG_CODE": (
        r"^[0-9A-Z]{3}$|^[0-9A-Z]{5}$",
        "be a CCG's or sub-ICB location's ODS code (three or five letters or digits)",
    ),
    "STP_CODE": (r"^Q[0-9A-Z]{2}$", "be an STP's or ICB's ODS code (Q and two letters or digits)"),
    "COMM_REGION_CODE": (r"^Y[0-9]{2}$", "be an NHS England region's ODS code (Y and two digits)"),
}


def read_practice_map(path: Path) -> PracticeMap:
    """A ``gp_reg_pat_prac_map`` extract: practice -> PCN -> CCG -> STP -> region.

    Both published layouts are read: CCG/STP columns (to 2022) and sub-ICB location/ICB
    columns (since), the latter renamed to the former (a sub-ICB is the CCG tier, an ICB the
    STP tier)."""
    tf = read_text(path)
    first = tf.text.split("\n", 1)[0]
    if "SUB_ICB_LOCATION_CODE" in first and "CCG_CODE" not in first:
        names = tuple(SUB_ICB_MAP_COLUMNS)
        parsed = read_table(tf, text_columns=names, numeric_columns=(), required=names)
        frame = parsed.frame.rename(columns=SUB_ICB_MAP_COLUMNS).loc[:, list(MAP_COLUMNS)]
        label = {ours: theirs for theirs, ours in SUB_ICB_MAP_COLUMNS.items()}
    else:
        label = {c: c for c in MAP_COLUMNS}
        parsed = read_table(tf, text_columns=MAP_COLUMNS, numeric_columns=(), required=MAP_COLUMNS)
        frame = parsed.frame
    require_rows(frame, tf.name, "practice row")
    for col in MAP_COLUMNS:
        frame[col] = frame[col].str.strip()
    # PCN code "U" (name "Unallocated") marks a practice in no PCN: no link, not an organisation.
    frame.loc[frame["PCN_CODE"] == UNALLOCATED_PCN, "PCN_CODE"] = pd.NA
    issues: list[Issue] = []
    for col, (pattern, expected) in MAP_CODE_FORMATS.items():
        # a blank PCN code, like "U", is a practice in no PCN
        values = frame[col].fillna(UNALLOCATED_PCN) if col == "PCN_CODE" else frame[col]
        issues += code_issues(values, label[col], tf.name, pattern=pattern, expected=expected)
    raise_if_issues(issues, f"{tf.name}: not a valid practice map")
    return PracticeMap(_extract_date(frame["EXTRACT_DATE"], tf.name), frame, tf.name)


def read_ccg_to_icb(path: Path) -> pd.DataFrame:
    """CCG -> ICB lookup (2022): columns ``ccg, icb, icb_name``."""
    tf = read_text(path)
    parsed = read_table(
        tf, text_columns=CCG_ICB_COLUMNS, numeric_columns=(), required=CCG_ICB_COLUMNS
    )
    frame = parsed.frame.rename(
        columns={"CCG Code": "ccg", "ICB Code": "icb", "ICB NAME": "icb_name"}
    )
    for col in frame.columns:
        frame[col] = frame[col].str.strip()
    # The published lookup has a note in place of a code ("n/a not SBS client at present"):
    # such rows name no CCG and are skipped; anything else must be a code.
    note = frame["ccg"].isna() | frame["ccg"].str.lower().str.startswith("n/a").fillna(False)
    frame = frame.loc[~note.to_numpy(dtype=bool)]
    issues = code_issues(frame["ccg"], "CCG Code", tf.name) + code_issues(
        frame["icb"], "ICB Code", tf.name
    )
    raise_if_issues(issues, f"{tf.name}: not a valid CCG to ICB lookup")
    return frame


PAYMENTS_CCG_COLUMNS: tuple[str, ...] = ("Practice Code", "CCG Code", "CCG NAME")


def read_payments_ccgs(path: Path) -> pd.DataFrame:
    """Practice -> CCG (code, name) from NHS Payments to General Practice: ``practice, ccg, ccg_name``.

    Only these columns are read (the loader of the whole file is
    :func:`gpworkforce.loaders.payments.load_payments`). Blank CCG codes are dropped.
    """
    tf = read_text(path, replace_errors=True)
    parsed = read_table(
        tf, text_columns=PAYMENTS_CCG_COLUMNS, numeric_columns=(), required=PAYMENTS_CCG_COLUMNS[:2]
    )
    frame = parsed.frame.rename(
        columns={"Practice Code": "practice", "CCG Code": "ccg", "CCG NAME": "ccg_name"}
    )
    for col in frame.columns:
        frame[col] = frame[col].str.strip()
    frame = frame.dropna(subset=["ccg"])
    issues = code_issues(frame["practice"], "Practice Code", tf.name) + code_issues(
        frame["ccg"], "CCG Code", tf.name
    )
    raise_if_issues(issues, f"{tf.name}: not a valid NHS Payments file")
    if "ccg_name" not in frame:
        frame["ccg_name"] = frame["ccg"]
    return frame
