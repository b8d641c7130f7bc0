"""NHS Payments to General Practice (annual, one row per practice) -> PATIENTS + attributes.

Read as UTF-8 with byte-order mark; invalid bytes are replaced (and counted in a warning).
``registered`` and ``weighted`` are the "last known figure" list sizes (weighted = Carr-Hill
global-sum weighting). A practice whose patient quarter is "NO KNOWN PATIENTS" publishes 0 for
both: that is *not available*, not an empty list, so it becomes ``<NA>``.
``period`` is the end of the financial year (2018-03-31 for 2017/18), taken from the file name
(``..._2017-18...``) unless given.

The published file names (``nhspaymentsgp-22-23-prac-csv.csv``) give the year too.

Layouts, told apart by the header: 2017-18 gives the *last known* list sizes (``Number of
Registered/Weighted Patients (Last Known Figure)``, with ``Quarter used for patient data``);
2018-19 gives the year's *average* list sizes instead (``Average Number of Registered/Weighted
Patients``, no quarter column). A later year in either naming loads the same way; the columns
read are named in a warning for the second.

2015-16 and 2016-17 (``nhspaymentsgp-15-16-csv.csv``, ``nhspaymentsgp-16-17-csv.csv``) give the
same last known list sizes under names written without spaces: ``PracticeCode``,
``NumberOfRegisteredPatientsLastKnownFigure`` (2016-17: ``NumberofRegistered...``, lower-case
"of"), ``QuarterUsedForPatientData``, ``ContractType``, ``DispensingPractice``, and from 2016-17
``PracticeRurality``; their payment columns end ``_£`` and the files are Windows-1252 text, not
UTF-8. The names come from public code that reads the published files (cited in
``tests/data/payments_2015_2017/README.md``); no file of either year is in ``../shared/data``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gpworkforce import labels, tables
from gpworkforce.domain.provenance import Source
from gpworkforce.errors import Issue, Location, ValidationFailed, raise_if_issues
from gpworkforce.loaders.census_range import check_census
from gpworkforce.loaders.files import DEFAULT_MAX_BYTES, read_text
from gpworkforce.loaders.result import LoadedWorkforce
from gpworkforce.loaders.tabular import (
    code_issues,
    header_of,
    negative_issues,
    read_table,
    require_rows,
)

PRACTICE = "Practice Code"
REGISTERED = "Number of Registered Patients (Last Known Figure)"
WEIGHTED = "Number of Weighted Patients (Last Known Figure)"
QUARTER = "Quarter used for patient data"
NO_PATIENTS = "NO KNOWN PATIENTS"
# file column -> attribute column (text)
ATTRIBUTES: dict[str, str] = {
    "Practice Name": "practice_name",
    "CCG Code": "ccg_code",
    "Contract Type": "contract_type",
    "Dispensing Practice": "dispensing",
    "Practice Type": "practice_type",
    "Practice type": "practice_type",  # so spelt since 2022-23
    "Practice Rurality": "rurality",
    "Atypical Characteristics": "atypical",
    QUARTER: "patient_quarter",
}
AVERAGE_REGISTERED = "Average Number of Registered Patients"
AVERAGE_WEIGHTED = "Average Number of Weighted Patients"
REQUIRED = (
    PRACTICE,
    REGISTERED,
    WEIGHTED,
    "Contract Type",
    "Dispensing Practice",
    "Practice Rurality",
)
# the 2018-19 layout: yearly average list sizes; rurality is not required there
REQUIRED_AVERAGE = (
    PRACTICE,
    AVERAGE_REGISTERED,
    AVERAGE_WEIGHTED,
    "Contract Type",
    "Dispensing Practice",
)
# 2015-16 and 2016-17: the same figures under names without spaces (both years' spellings)
COMPACT_PRACTICE = "PracticeCode"
COMPACT_REGISTERED = (
    "NumberOfRegisteredPatientsLastKnownFigure",  # 2015-16
    "NumberofRegisteredPatientsLastKnownFigure",  # 2016-17
)
COMPACT_WEIGHTED = (
    "NumberOfWeightedPatientsLastKnownFigure",
    "NumberofWeightedPatientsLastKnownFigure",
)
COMPACT_QUARTER = "QuarterUsedForPatientData"
COMPACT_ATTRIBUTES: dict[str, str] = {
    "PracticeName": "practice_name",
    "CCGCode": "ccg_code",
    "ContractType": "contract_type",
    "DispensingPractice": "dispensing",
    "PracticeRurality": "rurality",  # from 2016-17
    COMPACT_QUARTER: "patient_quarter",
}


@dataclass(frozen=True, slots=True)
class _Layout:
    """The columns one year's layout gives its figures under."""

    practice: str
    registered: str
    weighted: str
    quarter: str | None
    attributes: Mapping[str, str]
    required: tuple[str, ...]
    average: bool = False


def _layout(header: set[str]) -> _Layout:
    """The layout a header is in (the 2017-18 one when it is none: its columns are then named
    as missing)."""
    if REGISTERED not in header and AVERAGE_REGISTERED in header:
        return _Layout(
            PRACTICE, AVERAGE_REGISTERED, AVERAGE_WEIGHTED, None, ATTRIBUTES, REQUIRED_AVERAGE, True
        )
    if PRACTICE not in header and COMPACT_PRACTICE in header:
        # the year whose spelling the header uses (2015-16 when neither): both columns in it
        year = next(
            (
                i
                for i, pair in enumerate(zip(COMPACT_REGISTERED, COMPACT_WEIGHTED, strict=True))
                if set(pair) & header
            ),
            0,
        )
        registered, weighted = COMPACT_REGISTERED[year], COMPACT_WEIGHTED[year]
        required = (COMPACT_PRACTICE, registered, weighted, "ContractType", "DispensingPractice")
        return _Layout(
            COMPACT_PRACTICE, registered, weighted, COMPACT_QUARTER, COMPACT_ATTRIBUTES, required
        )
    return _Layout(PRACTICE, REGISTERED, WEIGHTED, QUARTER, ATTRIBUTES, REQUIRED)


# NHS Digital's series starts with 2013-14, when NHAIS payments data were first available
FIRST_YEAR_END = dt.date(2014, 3, 31)
_FY_IN_NAME = re.compile(r"(20\d\d)[-_](\d\d)(?!\d)")
# the names NHS Digital publishes the files under: nhspaymentsgp-17-18-csv.csv,
# nhspaymentsgp-22-23-prac-csv.csv (two-digit years)
_FY_PUBLISHED = re.compile(r"nhspaymentsgp[-_](\d\d)[-_](\d\d)(?!\d)", re.IGNORECASE)


def _period_from_name(name: str) -> dt.date | None:
    """The end of the financial year a file's name gives (``2017-18`` or, as published,
    ``nhspaymentsgp-17-18``: 31 March 2018); None when it gives none."""
    m = _FY_IN_NAME.search(name)
    if m and (int(m[1]) + 1) % 100 == int(m[2]):
        return dt.date(int(m[1]) + 1, 3, 31)
    m = _FY_PUBLISHED.search(name)
    if m and (int(m[1]) + 1) % 100 == int(m[2]):
        return dt.date(2000 + int(m[1]) + 1, 3, 31)
    return None


def load_payments(
    path: Path, *, period: dt.date | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> LoadedWorkforce:
    """Load "NHS Payments to General Practice": list sizes and practice attributes."""
    tf = read_text(path, max_bytes=max_bytes, replace_errors=True)
    census = period or _period_from_name(tf.name)
    if census is None:
        raise ValidationFailed(
            issues=[
                Issue(
                    Location(file=tf.name),
                    expected=(
                        "name its financial year like 2017-18 or, as published, "
                        "nhspaymentsgp-17-18, or be loaded with period given"
                    ),
                    found="neither",
                )
            ],
            summary=f"{tf.name}: financial year unknown",
        )
    census = check_census(
        census,
        tf.name,
        publication="NHS Payments to General Practice",
        first=FIRST_YEAR_END,
        first_text="the end of 2013-14, the first year published",
        year_end=True,
    )
    layout = _layout({h.strip() for h in header_of(tf)})
    registered, weighted = layout.registered, layout.weighted
    parsed = read_table(
        tf,
        text_columns=[layout.practice, *layout.attributes],
        numeric_columns=(registered, weighted),
        required=layout.required,
    )
    frame = parsed.frame
    require_rows(frame, tf.name, "practice row")
    practice = layout.practice
    frame[practice] = frame[practice].str.strip().str.upper()
    issues = code_issues(frame[practice], practice, tf.name)
    issues += negative_issues(frame, [registered, weighted], tf.name)
    raise_if_issues(issues, f"{tf.name}: not a valid NHS Payments to General Practice file")
    none_known = pd.Series(False, index=frame.index)
    if layout.quarter is not None and layout.quarter in frame:
        none_known = (
            (frame[layout.quarter].str.strip().str.upper() == NO_PATIENTS)
            .fillna(False)
            .astype(bool)
        )
    source = Source(
        publisher="NHS England",
        dataset="nhs-payments-to-general-practice",
        period=f"FY{census.year}",
        file_name=tf.name,
        sha256=tf.sha256,
    )
    stamp = pd.Timestamp(census)
    patients = pd.DataFrame(
        {
            "practice_code": frame[practice],
            "period": stamp,
            "registered": frame[registered].mask(none_known),
            "weighted": frame[weighted].mask(none_known),
            "source_id": source.source_id,
        }
    )
    present = {c: a for c, a in layout.attributes.items() if c in frame.columns}
    attributes = frame.loc[:, [practice, *present]].rename(
        columns={practice: "practice_code", **present}
    )
    for col in attributes.columns[1:]:
        values = attributes[col].str.strip()
        # not known: "UNKNOWN" to 2017-18, "Unknown" in later years
        attributes[col] = values.mask(values.str.upper() == "UNKNOWN", pd.NA)
    if "dispensing" in attributes:
        attributes["dispensing"] = (
            attributes["dispensing"].str.lower().map({"yes": True, "no": False}).astype("boolean")
        )
    attributes.insert(1, "period", stamp)
    warnings: list[str] = []  # the many payment columns are known and deliberately not loaded
    if layout.average:
        warnings.append(
            f"{tf.name}: list sizes are the year's averages ('{AVERAGE_REGISTERED}', "
            f"'{AVERAGE_WEIGHTED}'), not the last known figures"
        )
    if tf.replaced:
        warnings.append(
            f"{tf.name}: {labels.plural(tf.replaced, 'invalid byte')} replaced by '\ufffd' "
            "(not UTF-8)"
        )
    if bool(none_known.any()):
        warnings.append(
            f"{tf.name}: {labels.plural(int(none_known.sum()), 'practice')} with no known "
            "patients: their list sizes are not available"
        )
    return LoadedWorkforce(
        source=source,
        patients=tables.conform(patients, tables.PATIENTS),
        attributes=attributes.reset_index(drop=True),
        warnings=tuple(warnings),
        encoding=tf.encoding,
    )
