"""NHS Digital GPW "Practice Level - Detailed" CSV, exactly as published (both layouts).

The columns are described as data in :mod:`gpworkforce.loaders.gpw_layouts`. Reading is one
vectorised pass (only the recognised columns are parsed, numbers by pandas' C parser); long
tables are built with numpy, without per-row Python. See ``docs/loaders.md``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from gpworkforce import labels, tables
from gpworkforce.domain.provenance import Source
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.errors import Issue, Location, ValidationFailed, raise_if_issues
from gpworkforce.loaders import gpw_layouts as spec
from gpworkforce.loaders.census_range import check_census
from gpworkforce.loaders.files import DEFAULT_MAX_BYTES, read_text
from gpworkforce.loaders.result import LoadedWorkforce, checked
from gpworkforce.loaders.tabular import (
    FIRST_DATA_ROW,
    MAX_ISSUES_PER_COLUMN,
    code_issues,
    header_of,
    negative_matrix_issues,
    read_table,
    require_rows,
)

_BANDS = "|".join(spec.AGE_SUFFIXES)
_MEASURE = re.compile(
    rf"^(?P<scope>TOTAL|MALE|FEMALE)_(?P<stem>.+?)_(?P<m>HC|FTE)(?:_(?P<band>{_BANDS}))?$"
)
_HC, _FTE = "headcount", "fte"


@dataclass(frozen=True)
class ColumnPlan:
    """What each header column of a file is for (computed from the header alone)."""

    layout: str
    org: dict[str, str]  # file column -> attribute name
    text: dict[str, str]  # other text attributes
    date_column: str | None
    workforce: dict[tuple[str, str], list[str]]  # (node, measure) -> columns summed
    demography: dict[tuple[str, str, str, str], str]  # (node, band, sex, measure) -> column
    unmapped: list[str]  # measure columns whose stem maps to no taxonomy node
    unknown: list[str]  # columns not recognised at all

    @property
    def numeric(self) -> list[str]:
        cols = [spec.PATIENTS]
        for group in self.workforce.values():
            cols += group
        cols += list(self.demography.values())
        return list(dict.fromkeys(cols))

    @property
    def text_columns(self) -> list[str]:
        cols = [*self.org, *self.text]
        return cols + ([self.date_column] if self.date_column else [])


def detect_layout(header: Sequence[str], file_name: str) -> str:
    for marker, layout in spec.LAYOUT_MARKERS:
        if marker in header:
            return layout
    raise ValidationFailed(
        issues=[
            Issue(
                Location(file=file_name, row=1),
                expected="have organisation columns of a GPW practice-level file "
                "(SUB_ICB_CODE / ICB_CODE / PCN_CODE, or CCG_CODE for 2015-2020)",
                found="none of them",
            )
        ],
        summary=f"{file_name}: not a GPW 'Practice Level - Detailed' file",
    )


def plan_columns(header: Sequence[str], file_name: str) -> ColumnPlan:
    """Classify every header column (organisation, measure -> node, ignored)."""
    layout = detect_layout(header, file_name)
    stems = {**load_taxonomy().gpw_stems(), **spec.STEM_ALIASES}
    org = {c: spec.ORG_COLUMNS[layout][c] for c in header if c in spec.ORG_COLUMNS[layout]}
    text = {c: a for c, a in spec.TEXT_ATTRIBUTES.items() if c in header}
    date_col = next((c for c in spec.DATE_COLUMNS if c in header), None)
    known = {*org, *text, spec.PATIENTS, *spec.PATIENT_COLUMNS, *([date_col] if date_col else [])}
    workforce: dict[tuple[str, str], list[str]] = {}
    demography: dict[tuple[str, str, str, str], str] = {}
    unmapped: list[str] = []
    unknown: list[str] = []
    present_stems: set[tuple[str, str]] = set()
    for col in header:
        if col in known:
            continue
        m = _MEASURE.match(col)
        if m is None:
            unknown.append(col)
            continue
        measure = _HC if m["m"] == "HC" else _FTE
        if m["scope"] == "TOTAL" and m["band"] is None:
            present_stems.add((m["stem"], measure))
        node = stems.get(m["stem"])
        if node is None:
            if m["stem"] not in spec.KNOWN_UNMAPPED:
                unmapped.append(col)
            continue
        if m["scope"] == "TOTAL" and m["band"] is None:
            workforce.setdefault((node, measure), []).append(col)
        else:
            band = spec.AGE_SUFFIXES[m["band"]] if m["band"] else spec.ALL_AGES
            demography[(node, band, spec.SEX_SCOPES[m["scope"]], measure)] = col
    for role, alternatives in spec.ROLE_TOTALS.items():
        for measure, suffix in ((_HC, "HC"), (_FTE, "FTE")):
            if (role, measure) in workforce:
                continue  # the file has the role total itself
            for parts in alternatives:
                if all((p, measure) in present_stems for p in parts):
                    workforce[(role, measure)] = [f"TOTAL_{p}_{suffix}" for p in parts]
                    break
    return ColumnPlan(layout, org, text, date_col, workforce, demography, unmapped, unknown)


@dataclass(frozen=True)
class _Matrix:
    """The numeric columns as one float matrix (NaN = not available), by column name."""

    values: np.ndarray
    index: dict[str, int]

    def total(self, cols: Sequence[str] | None) -> np.ndarray | None:
        """Sum of ``cols`` (any part NaN -> NaN); None when no column is given."""
        if not cols:
            return None
        out = self.values[:, self.index[cols[0]]]
        for c in cols[1:]:
            out = out + self.values[:, self.index[c]]
        return out


def long_table(
    codes: np.ndarray,
    period: pd.Timestamp,
    keys: Sequence[tuple[str, ...]],
    key_names: Sequence[str],
    hc: Sequence[np.ndarray | None],
    fte: Sequence[np.ndarray | None],
    source_id: str,
) -> pd.DataFrame:
    """Key-major long rows from per-key value columns; rows with neither measure are dropped."""
    n, k = len(codes), len(keys)
    nan = np.full(n, np.nan)
    hc_all = np.concatenate([h if h is not None else nan for h in hc]) if k else np.empty(0)
    fte_all = np.concatenate([f if f is not None else nan for f in fte]) if k else np.empty(0)
    keep = np.flatnonzero(~(np.isnan(hc_all) & np.isnan(fte_all)))
    data: dict[str, object] = {
        "practice_code": pd.array(codes, dtype="string").take(keep % max(n, 1)),
        "period": np.full(keep.size, period.as_unit("ns").to_datetime64()),
    }
    for i, name in enumerate(key_names):
        labels = pd.array([key[i] for key in keys], dtype="string")
        data[name] = labels.take(keep // max(n, 1))
    data["headcount"] = float_array(hc_all[keep])
    data["fte"] = float_array(fte_all[keep])
    data["source_id"] = pd.array([source_id], dtype="string").take(
        np.zeros(keep.size, dtype=np.intp)
    )
    return pd.DataFrame(data)


def float_array(values: np.ndarray) -> pd.arrays.FloatingArray:
    """Nullable ``Float64`` from floats, NaN -> ``<NA>`` (no per-element coercion)."""
    return pd.arrays.FloatingArray(values.astype(np.float64, copy=False), np.isnan(values))


def _parse_census(text: str) -> dt.date | None:
    for fmt in spec.DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _date_error(name: str, column: str | None, expected: str, found: str) -> ValidationFailed:
    return ValidationFailed(
        issues=[Issue(Location(file=name, column=column), expected, found)],
        summary=f"{name}: census date",
    )


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_WORDS = sorted(
    {*_MONTHS, "sept", *(calendar.month_name[i].lower() for i in range(1, 13))},
    key=len,
    reverse=True,
)
_MONTH_IN_NAME = re.compile(rf"(?i)\b({'|'.join(_MONTH_WORDS)})[\s_.-]+(20\d\d)\b")


def period_from_file_name(name: str) -> dt.date | None:
    """Census date named by a published file, e.g. "General Practice - September 2017 Practice
    Level - Detailed.csv" -> 2017-09-30 (the month's last day); None if it names no month."""
    m = _MONTH_IN_NAME.search(name.replace("_", " "))
    if m is None:
        return None
    year, month = int(m[2]), _MONTHS.index(m[1][:3].lower()) + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


# GPW's time series begins with the September 2015 census (the first workforce Minimum Data Set)
GPW_FIRST_CENSUS = dt.date(2015, 9, 30)


def period_or_name(period: dt.date | None, name: str, *, named: str, given: str) -> dt.date:
    """``period`` if given, else the month in the file's published name; a file with neither is
    refused, showing a published name (``named``) and a census date (``given``) as examples."""
    census = period or period_from_file_name(name)
    if census is None:
        raise ValidationFailed(
            issues=[
                Issue(
                    Location(file=name),
                    f"be named with its month as published (e.g. {named}) or be loaded with "
                    f"the census date given (--period {given})",
                    "neither",
                )
            ],
            summary=f"{name}: census date",
        )
    return census


def _census(frame: pd.DataFrame, plan: ColumnPlan, period: dt.date | None, name: str) -> dt.date:
    """The census date: the file's date column (checked against ``period``), else ``period``,
    else the month and year in the file's published name."""
    if plan.date_column is None:
        period = period or period_from_file_name(name)
        if period is None:
            raise _date_error(
                name,
                None,
                "carry a census-date column (EXTRACT_DATE), be named with its month as "
                "published (e.g. 'September 2017') or be loaded with the census date given "
                "(e.g. period=2017-09-30)",
                "neither",
            )
        return period
    values = sorted(set(frame[plan.date_column].dropna().str.strip()))
    parsed = {_parse_census(v) for v in values}
    if len(parsed) != 1 or None in parsed:
        raise _date_error(
            name,
            plan.date_column,
            "hold one census date like 30SEP2017 for the whole file",
            ", ".join(values[:5]) or "nothing",
        )
    census = parsed.pop()
    assert census is not None  # checked above
    if period is not None and census != period:
        raise _date_error(
            name, plan.date_column, f"agree with the census date given ({period})", values[0]
        )
    return census


def load_gpw_detailed(
    path: Path,
    *,
    period: dt.date | None = None,
    published: dt.date | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> LoadedWorkforce:
    """Load one raw "Practice Level - Detailed" CSV into WORKFORCE, DEMOGRAPHY and PATIENTS.

    ``period`` is the census date when the file has no date column (it must agree when it has);
    ``published`` is the publication (vintage) date, recorded in the source.
    """
    tf = read_text(path, max_bytes=max_bytes)
    header = [h.strip() for h in header_of(tf)]
    plan = plan_columns(header, tf.name)
    required = [*spec.REQUIRED_ORG[plan.layout], *spec.REQUIRED_MEASURES]
    parsed = read_table(
        tf,
        text_columns=plan.text_columns,
        numeric_columns=plan.numeric,
        required=required,
        nullable=False,
    )
    frame = parsed.frame
    require_rows(frame, tf.name, "practice row")
    numeric = [c for c in plan.numeric if c in frame.columns]
    matrix = _Matrix(frame[numeric].to_numpy(dtype=float), {c: i for i, c in enumerate(numeric)})
    codes = frame[spec.PRACTICE].str.strip().str.upper()
    issues = code_issues(codes, spec.PRACTICE, tf.name)
    issues += negative_matrix_issues(matrix.values, numeric, tf.name)
    dup = np.flatnonzero(codes.duplicated().to_numpy())
    issues += [
        Issue(
            Location(file=tf.name, row=int(p) + FIRST_DATA_ROW, column=spec.PRACTICE),
            expected="appear once in a practice-level file",
            found=f"a second row for {codes.iloc[p]}",
        )
        for p in dup[:MAX_ISSUES_PER_COLUMN]
    ]
    raise_if_issues(issues, f"{tf.name}: not a valid GPW practice-level file")
    census = check_census(
        _census(frame, plan, period, tf.name),
        tf.name,
        publication="GPW's practice-level files",
        first=GPW_FIRST_CENSUS,
        first_text="GPW's first practice-level census, September 2015",
    )
    stamp = pd.Timestamp(census)
    source = Source(
        publisher="NHS Digital",
        dataset=f"gpw-practice-detailed-{plan.layout}",
        period=census.isoformat(),
        published=published,
        file_name=tf.name,
        sha256=tf.sha256,
    )
    sid = source.source_id
    code_arr = codes.to_numpy(dtype=object)

    wf_keys = sorted({node for node, _ in plan.workforce})
    workforce = long_table(
        code_arr,
        stamp,
        [(n,) for n in wf_keys],
        ["node"],
        [matrix.total(plan.workforce.get((n, _HC))) for n in wf_keys],
        [matrix.total(plan.workforce.get((n, _FTE))) for n in wf_keys],
        sid,
    )
    demo_keys = sorted({k[:3] for k in plan.demography})
    demography = long_table(
        code_arr,
        stamp,
        demo_keys,
        ["node", "age_band", "sex"],  # the DEMOGRAPHY column order
        [matrix.total(_one(plan.demography.get((*k, _HC)))) for k in demo_keys],
        [matrix.total(_one(plan.demography.get((*k, _FTE)))) for k in demo_keys],
        sid,
    )
    patients = pd.DataFrame(
        {
            "practice_code": code_arr,
            "period": np.full(len(code_arr), stamp.as_unit("ns").to_datetime64()),
            "registered": float_array(matrix.total([spec.PATIENTS])),  # type: ignore[arg-type]
            "weighted": pd.NA,
            "source_id": sid,
        }
    )
    attributes = frame.loc[:, [*plan.org, *plan.text]].rename(columns={**plan.org, **plan.text})
    attributes = attributes.loc[:, ~attributes.columns.duplicated()]
    attributes["practice_code"] = code_arr
    attributes.insert(1, "period", np.full(len(code_arr), stamp.as_unit("ns").to_datetime64()))
    warnings = []
    if plan.unknown:
        shown = ", ".join(plan.unknown[:20])
        warnings.append(
            f"{tf.name}: {labels.plural(len(plan.unknown), 'column')} not recognised and not "
            f"used: {shown}"
        )
    if plan.unmapped:
        warnings.append(
            f"{tf.name}: {labels.plural(len(plan.unmapped), 'measure column')} with no role the "
            f"service knows, counted only in their staff group's total: "
            f"{', '.join(plan.unmapped[:20])}"
        )
    return LoadedWorkforce(
        source=source,
        workforce=checked(workforce, tables.WORKFORCE),
        demography=checked(demography, tables.DEMOGRAPHY),
        patients=tables.conform(patients, tables.PATIENTS),
        attributes=attributes.reset_index(drop=True),
        warnings=tuple(warnings),
        encoding=tf.encoding,
    )


def _one(col: str | None) -> list[str] | None:
    return [col] if col else None


__all__ = ["ColumnPlan", "load_gpw_detailed", "plan_columns"]
