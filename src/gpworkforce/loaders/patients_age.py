"""NHS Digital "Patients Registered at a GP Practice" by age and sex -> PATIENT_AGES.

Two published layouts, told apart by their age column (names as in NHS Digital's metadata for
the publication and the files as published):

* single year of age (``gp-reg-pat-prac-sing-age-female.csv`` / ``-male.csv``, one sex a file):
  ``PUBLICATION, EXTRACT_DATE, TYPE|ORG_TYPE, CCG_CODE|SUB_ICB_LOCATION_CODE, ONS_..._CODE,
  ORG_CODE, POSTCODE, SEX, AGE, NUMBER_OF_PATIENTS``; ``AGE`` is ``0`` ... ``94``, ``95+`` or
  ``ALL``;
* five-year bands (``gp-reg-pat-prac-quin-age.csv``, both sexes and their total):
  ``PUBLICATION, EXTRACT_DATE, ORG_TYPE, ORG_CODE, ONS_CODE, POSTCODE, SEX, AGE_GROUP_5,
  NUMBER_OF_PATIENTS``; ``AGE_GROUP_5`` is ``0_4`` ... ``90_94``, ``95+`` or ``ALL``.

Only practice rows are kept (``ORG_TYPE``/``TYPE`` ``GP`` where the column is there). Rows by
sex (``FEMALE``/``MALE``) and age become PATIENT_AGES rows (``age_to`` ``<NA>`` for the open
``95+`` band); the ``ALL`` rows are totals: each is checked against the sum of its rows and a
disagreement is reported as a warning, never silently used. ``period`` is the single
``EXTRACT_DATE`` of the file (e.g. ``01OCT2017``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from gpworkforce import tables
from gpworkforce.domain.provenance import Source
from gpworkforce.errors import Issue, Location, ValidationFailed, raise_if_issues
from gpworkforce.loaders.files import DEFAULT_MAX_BYTES, read_text
from gpworkforce.loaders.tabular import (
    FIRST_DATA_ROW,
    MAX_ISSUES_PER_COLUMN,
    PRACTICE_CODE,
    code_issues,
    header_of,
    negative_issues,
    read_table,
    require_rows,
)

PATIENT_AGES: Mapping[str, str] = {
    "practice_code": "string",
    "period": "datetime64[ns]",
    "sex": "string",  # F or M
    "age_from": "int64",
    "age_to": "Int64",  # <NA>: open band (95+)
    "patients": "Float64",
    "source_id": "string",
}
OPEN_AGE = 95  # the publication groups every age from 95 in "95+"
CODE = "ORG_CODE"
DATE = "EXTRACT_DATE"
SEX = "SEX"
COUNT = "NUMBER_OF_PATIENTS"
SINGLE_AGE = "AGE"
QUINARY_AGE = "AGE_GROUP_5"
TYPE_COLUMNS = ("ORG_TYPE", "TYPE")
OTHER = (
    "PUBLICATION",
    "CCG_CODE",
    "ONS_CCG_CODE",
    "SUB_ICB_LOCATION_CODE",
    "ONS_SUB_ICB_LOCATION_CODE",
    "ONS_CODE",
    "POSTCODE",
)
SEXES = {"FEMALE": "F", "MALE": "M"}
DATE_FORMATS = ("%d%b%Y", "%Y-%m-%d", "%d-%b-%Y", "%d/%m/%Y", "%d-%b-%y")
_SINGLE = re.compile(r"^(\d{1,2})$")
_BAND = re.compile(r"^(\d{1,2})[_-](\d{1,2})$")


@dataclass(frozen=True)
class LoadedPatientAges:
    """Registered patients by practice, sex and age from one file (PATIENT_AGES rows)."""

    source: Source
    ages: pd.DataFrame
    warnings: tuple[str, ...] = ()
    encoding: str = ""


def _parse_age(text: str, quinary: bool) -> tuple[int, int | None] | None:
    """``(from, to)`` of an age label (``to`` None for ``95+``); None if not an age label."""
    if text == f"{OPEN_AGE}+":
        return OPEN_AGE, None
    if not quinary:
        m = _SINGLE.match(text)
        if m and int(m[1]) < OPEN_AGE:
            return int(m[1]), int(m[1])
        return None
    m = _BAND.match(text)
    if m and int(m[1]) % 5 == 0 and int(m[2]) == int(m[1]) + 4 and int(m[2]) < OPEN_AGE:
        return int(m[1]), int(m[2])
    return None


def _parse_date(text: str) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def load_patients_age_sex(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedPatientAges:
    """Load one "Patients Registered at a GP Practice" age file (either layout; see module)."""
    tf = read_text(path, max_bytes=max_bytes)
    header = [h.strip() for h in header_of(tf)]
    quinary = QUINARY_AGE in header
    age_col = QUINARY_AGE if quinary else SINGLE_AGE
    type_col = next((c for c in TYPE_COLUMNS if c in header), None)
    text = [CODE, DATE, SEX, age_col, *TYPE_COLUMNS, *OTHER]
    parsed = read_table(
        tf, text_columns=text, numeric_columns=(COUNT,), required=(CODE, DATE, SEX, age_col, COUNT)
    )
    frame = parsed.frame
    require_rows(frame, tf.name, "row")
    rows = pd.Series(np.arange(len(frame)) + FIRST_DATA_ROW, index=frame.index)
    if type_col is not None:  # the quinary file also lists sub-ICB locations, ICBs, regions
        keep = frame[type_col].str.strip().str.upper().eq("GP").fillna(False).astype(bool)
        frame, rows = frame[keep], rows[keep]
        if frame.empty:
            raise ValidationFailed(
                issues=[Issue(Location(file=tf.name, column=type_col), "hold GP rows", "none")],
                summary=f"{tf.name}: no practice rows",
            )
    codes = frame[CODE].str.strip().str.upper()
    issues: list[Issue] = []
    issues += _located(
        code_issues(
            codes.reset_index(drop=True),
            CODE,
            tf.name,
            pattern=PRACTICE_CODE,
            expected="be a GP practice's ODS code (a letter and five digits)",
        ),
        rows,
    )
    issues += _located(negative_issues(frame.reset_index(drop=True), [COUNT], tf.name), rows)
    missing = frame[COUNT].isna().to_numpy()
    for pos in np.flatnonzero(missing)[:MAX_ISSUES_PER_COLUMN]:
        issues.append(
            Issue(
                Location(file=tf.name, row=int(rows.iloc[pos]), column=COUNT),
                "be a count of patients",
                "nothing (not available)",
            )
        )
    sex_text = frame[SEX].str.strip().str.upper()
    age_text = frame[age_col].str.strip().str.upper()
    sexes: list[str | None] = []
    ages: list[tuple[int, int | None] | None] = []
    for pos, (s, a) in enumerate(zip(sex_text.fillna(""), age_text.fillna(""), strict=True)):
        if s not in (*SEXES, "ALL"):
            issues.append(
                Issue(
                    Location(file=tf.name, row=int(rows.iloc[pos]), column=SEX),
                    "be FEMALE, MALE or ALL",
                    repr(s),
                )
            )
        sexes.append(SEXES.get(s))
        age = None if a == "ALL" else _parse_age(a, quinary)
        if a != "ALL" and age is None:
            shape = "0_4 ... 90_94, 95+" if quinary else "a whole age 0 ... 94, 95+"
            issues.append(
                Issue(
                    Location(file=tf.name, row=int(rows.iloc[pos]), column=age_col),
                    f"be {shape} or ALL",
                    repr(a),
                )
            )
        ages.append(age)
    dates = sorted(set(frame[DATE].dropna().str.strip()))
    census = {_parse_date(d) for d in dates}
    if len(census) != 1 or None in census:
        issues.append(
            Issue(
                Location(file=tf.name, column=DATE),
                "hold one extract date like 01OCT2017 for the whole file",
                ", ".join(dates[:5]) or "nothing",
            )
        )
    raise_if_issues(issues, f"{tf.name}: not a valid Patients Registered at a GP Practice file")
    period = census.pop()
    assert period is not None  # checked above
    source = Source(
        publisher="NHS Digital",
        dataset="patients-registered-" + ("quinary-age" if quinary else "single-age"),
        period=period.isoformat(),
        file_name=tf.name,
        sha256=tf.sha256,
    )
    work = pd.DataFrame(
        {
            "practice_code": codes.to_numpy(),
            "sex": sexes,
            "age": ages,
            "patients": frame[COUNT].to_numpy(dtype=float, na_value=np.nan),
            "row": rows.to_numpy(),
        }
    )
    banded = work[work["sex"].notna() & work["age"].notna()].copy()
    banded["age_from"] = [a[0] for a in banded["age"]]
    banded["age_to"] = pd.array([a[1] for a in banded["age"]], dtype="Int64")
    dup = banded.duplicated(["practice_code", "sex", "age_from"], keep="first")
    issues = [
        Issue(
            Location(file=tf.name, row=int(r), column=age_col),
            "appear once per practice, sex and age",
            "a repeat of an earlier row",
        )
        for r in banded.loc[dup, "row"].head(MAX_ISSUES_PER_COLUMN)
    ]
    raise_if_issues(issues, f"{tf.name}: repeated rows")
    out = pd.DataFrame(
        {
            "practice_code": banded["practice_code"].to_numpy(),
            "period": pd.Timestamp(period),
            "sex": banded["sex"].to_numpy(),
            "age_from": banded["age_from"].to_numpy(dtype=np.int64),
            "age_to": banded["age_to"].array,
            "patients": banded["patients"].to_numpy(),
            "source_id": source.source_id,
        }
    )
    warnings = [*parsed.warnings(tf.name), *_total_warnings(work, tf.name)]
    return LoadedPatientAges(
        source=source,
        ages=tables.conform(out, PATIENT_AGES),
        warnings=tuple(warnings),
        encoding=tf.encoding,
    )


def _located(issues: list[Issue], rows: pd.Series) -> list[Issue]:
    """Issues numbered by position in a filtered frame, renumbered to the file's rows."""
    out = []
    for issue in issues:
        loc = issue.location
        row = loc.row
        if row is not None:
            row = int(rows.iloc[row - FIRST_DATA_ROW])
        out.append(
            Issue(Location(file=loc.file, row=row, column=loc.column), issue.expected, issue.found)
        )
    return out


def _total_warnings(work: pd.DataFrame, name: str) -> list[str]:
    """The file's ALL rows compared with the sums of the rows they total."""
    totals = work[work["age"].isna()]
    if totals.empty:
        return []
    parts = work[work["age"].notna() & work["sex"].notna()]
    by_sex = parts.groupby(["practice_code", "sex"])["patients"].sum()
    overall = parts.groupby("practice_code")["patients"].sum()
    both = parts.groupby("practice_code")["sex"].nunique()
    out: list[str] = []
    for t in totals.itertuples(index=False):
        if t.sex is None:  # SEX ALL, AGE ALL: total of both sexes (when both are in the file)
            if int(both.get(t.practice_code, 0)) < 2:
                continue
            summed = float(overall.get(t.practice_code, 0.0))
        else:
            summed = float(by_sex.get((t.practice_code, t.sex), 0.0))
        if abs(summed - float(t.patients)) > 0.5:
            out.append(
                f"{name}, row {t.row}: the total {t.patients:,.0f} differs from the sum of its "
                f"age rows {summed:,.0f} for practice {t.practice_code}"
            )
    if len(out) > 20:
        out = [*out[:20], f"{name}: and {len(out) - 20} more totals that differ"]
    return out
