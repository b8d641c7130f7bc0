"""Registered patients by age band for each area: the share aged 65+ and 75+ (a demand indicator).

Reads the PATIENT_AGES rows of "Patients Registered at a GP Practice" files (loaded with the
``patients-age-sex`` kind). For a report on census date ``period`` the extract nearest to it
within :data:`TOLERANCE_DAYS` is used (earlier wins a tie; the extract is the 1st of a month, so
the 1 October 2017 extract serves the 30 September 2017 census). Where two files give the same
practice, sex and extract (a single-year and a five-year file), the one loaded later is used, so
no patient is counted twice.

The list size the age file gives is **reconciled** with the workforce file's ``TOTAL_PATIENTS``
(GPW's registered list, PATIENTS rows from GPW sources) over the practices both give: the
difference is shown per row, never hidden. Pure computation: no file is read here.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from gpworkforce import labels
from gpworkforce.baseline.data import BaselineData, SourceKind, select_patients, source_kind
from gpworkforce.baseline.frames import ratio, title_suffix
from gpworkforce.baseline.scope import TOTAL, Scope, row_index
from gpworkforce.domain.report import ReportTable

TOLERANCE_DAYS = 92
BANDS = (("0 to 14", 0, 14), ("15 to 64", 15, 64), ("65 to 74", 65, 74), ("75 and over", 75, None))
KEY = "registered_by_age"
GPW_LIST = "GPW registered list"


def nearest_extract(ages: pd.DataFrame, period: dt.date) -> pd.Timestamp | None:
    """The extract date nearest ``period`` within :data:`TOLERANCE_DAYS` (earlier on a tie)."""
    if ages.empty:
        return None
    target = pd.Timestamp(period)
    dates = sorted(pd.Timestamp(d) for d in ages["period"].dropna().unique())
    near = [d for d in dates if abs(d - target) <= pd.Timedelta(days=TOLERANCE_DAYS)]
    if not near:
        return None
    return min(near, key=lambda d: (abs(d - target), d > target))


def ages_at(data: BaselineData, period: dt.date) -> tuple[pd.DataFrame, pd.Timestamp | None]:
    """The PATIENT_AGES rows of the nearest extract, one source per practice and sex."""
    on = nearest_extract(data.patient_ages, period)
    if on is None:
        return data.patient_ages.iloc[0:0], None
    rows = data.patient_ages.loc[data.patient_ages["period"] == on]
    order = data.source_order
    rank = rows["source_id"].map(lambda s: order.get(str(s), -1)).astype(int)
    first = pd.Series(np.arange(len(rows)), index=rows.index)
    best = (
        pd.DataFrame({"p": rows["practice_code"], "s": rows["sex"], "r": rank, "f": first})
        .sort_values(["r", "f"])
        .groupby(["p", "s"])["r"]
        .transform("last")
    )
    chosen = rank == best
    # of equal rank (e.g. two unknown sources) keep the one appearing last for that practice/sex
    last_source = rows.loc[chosen].groupby(["practice_code", "sex"])["source_id"].transform("last")
    keep = rows.loc[chosen].loc[lambda f: f["source_id"] == last_source]
    return keep, on


def _per_row(scope: Scope, index: pd.DataFrame, values: pd.Series, codes: pd.Series) -> np.ndarray:
    """Sum ``values`` by the scope row of each practice in ``codes`` (NaN where none)."""
    by_practice = (
        pd.Series(values.to_numpy(dtype=float), index=codes.to_numpy()).groupby(level=0).sum()
    )
    out = []
    for code, row in zip(index["org_code"], index["row"], strict=True):
        members = [p for p, child in scope.members.items() if row == TOTAL or child == code]
        present = by_practice.reindex(members).dropna()
        out.append(float(present.sum()) if len(present) else np.nan)
    return np.array(out, dtype=float)


def registered_by_age(data: BaselineData, scope: Scope) -> ReportTable | None:
    """The table, or None when no age file covers the report's date and practices."""
    ages, on = ages_at(data, scope.period)
    if on is None:
        return None
    ages = ages.loc[ages["practice_code"].isin(list(scope.members))]
    if ages.empty:
        return None
    index = row_index(scope)
    codes = ages["practice_code"].astype(str)
    count = ages["patients"].astype("Float64").fillna(0.0)
    with_ages = pd.Series(1.0, index=codes.unique())
    frame = index.loc[:, ["org_code", "org_name", "row", "practices"]].copy()
    frame["Practices with ages"] = _per_row(scope, index, with_ages, pd.Series(with_ages.index))
    total = _per_row(scope, index, count, codes)
    frame["Registered patients"] = total
    for label, lo, hi in BANDS:
        inside = (ages["age_from"] >= lo) & (
            (ages["age_to"].fillna(10_000) <= hi) if hi is not None else True
        )
        frame[f"Aged {label}"] = _per_row(scope, index, count[inside], codes[inside])
    over_65 = frame["Aged 65 to 74"].fillna(0) + frame["Aged 75 and over"].fillna(0)
    registered = pd.Series(total, dtype="Float64")
    frame["Aged 65+ %"] = ratio(pd.Series(over_65.to_numpy(), dtype="Float64"), registered, 100.0)
    frame["Aged 75+ %"] = ratio(
        pd.Series(frame["Aged 75 and over"].fillna(0).to_numpy(), dtype="Float64"),
        registered,
        100.0,
    )
    # reconciliation with the workforce file's TOTAL_PATIENTS over the practices both give
    gpw = data.patients.loc[
        data.patients["source_id"].map(lambda s: source_kind(str(s)) is SourceKind.GPW)
    ]
    lists = select_patients(gpw, scope.period, source_order=data.source_order)
    lists = lists.loc[lists["registered"].notna()]
    both = lists.loc[lists["practice_code"].isin(list(codes.unique()))]
    both_codes = both["practice_code"].astype(str)
    frame[GPW_LIST] = _per_row(scope, index, both["registered"].astype("Float64"), both_codes)
    in_both = codes.isin(list(both_codes))
    age_same = _per_row(scope, index, count[in_both], codes[in_both])
    frame["Difference (age file - GPW)"] = age_same - frame[GPW_LIST]
    missing = sorted(set(scope.members) - set(codes))
    notes = [
        f"Registered patients by age from NHS Digital's 'Patients Registered at a GP Practice' "
        f"extract of {on:%-d %B %Y} (the one nearest the census date).",
        "Aged 65+ % and Aged 75+ % = patients of that age / registered patients x 100: the "
        "older the list, the more consultations it needs.",
        "Difference = the age file's patients minus GPW's registered list (total patients), both over only the "
        "practices that both give (the list sizes are counted on different dates).",
    ]
    if missing:
        shown = ", ".join(missing[:10]) + (
            f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        )
        notes.append(
            f"{labels.plural(len(missing), 'practice')} in the area with no age rows: {shown}."
        )
    no_gpw = sorted(set(codes) - set(both_codes))
    if no_gpw:
        notes.append(
            f"{labels.plural(len(no_gpw), 'practice')} with age rows but no GPW list size to "
            "compare."
        )
    decimals = {c: 0 for c in frame.columns[4:] if not str(c).endswith("%")}
    decimals |= {"Aged 65+ %": 1, "Aged 75+ %": 1}
    return ReportTable(
        key=KEY,
        title=f"Registered patients by age: {title_suffix(scope)}",
        frame=frame,
        notes=tuple(notes),
        decimals=decimals,
        sources=tuple(sorted(str(s) for s in ages["source_id"].unique())),
    )
