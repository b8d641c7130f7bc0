"""ONS subnational population projections by single year of age and sex.

Columns ``area_code, area_name, year, age, sex, population``; ages 0-100 (ONS's 90+ group may be
split to single years), sex ``f``/``m``, population positive. The result is a typed frame in
:class:`LoadedPopulation` (not a workforce table), with the file's :class:`Source`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from gpworkforce.domain.provenance import Source
from gpworkforce.errors import InputFileError, Issue, Location, ValidationFailed, raise_if_issues
from gpworkforce.loaders.files import DEFAULT_MAX_BYTES, TextFile, read_text
from gpworkforce.loaders.tabular import (
    FIRST_DATA_ROW,
    MAX_ISSUES_PER_COLUMN,
    code_issues,
    header_of,
    read_table,
    require_rows,
)
from gpworkforce.numbers import parse_number_column

POPULATION: Mapping[str, str] = {
    "area_code": "string",
    "area_name": "string",
    "year": "int64",
    "age": "int64",
    "sex": "string",
    "population": "float64",
}
MAX_AGE = 100
SEXES = ("f", "m")
# what a scenario's demand reads (sex f, m or p for persons)
POPULATION_COLUMNS = ("area_code", "year", "age", "sex", "population")


@dataclass(frozen=True)
class LoadedPopulation:
    """A population projection: ``frame`` has the :data:`POPULATION` columns."""

    frame: pd.DataFrame
    source: Source
    warnings: tuple[str, ...] = ()
    encoding: str = ""  # the file's text encoding as detected


def _rule_issues(
    frame: pd.DataFrame, col: str, bad: np.ndarray, expected: str, name: str
) -> list[Issue]:
    return [
        Issue(
            Location(file=name, row=int(p) + FIRST_DATA_ROW, column=col),
            expected=expected,
            found="nothing" if pd.isna(frame[col].iloc[p]) else repr(str(frame[col].iloc[p])),
        )
        for p in np.flatnonzero(bad)[:MAX_ISSUES_PER_COLUMN]
    ]


def load_ons_population(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedPopulation:
    """Load and validate an ONS single-year-of-age projection CSV: the long layout (``area_code,
    area_name, year, age, sex, population``) or the subnational projection as ONS publishes it
    (``AREA_CODE, AREA_NAME, COMPONENT, SEX, AGE_GROUP`` and a column per year)."""
    tf = read_text(path, max_bytes=max_bytes)
    if {"AREA_CODE", "AGE_GROUP"} <= {h.strip() for h in header_of(tf)}:
        return _published_snpp(tf)
    parsed = read_table(
        tf,
        text_columns=("area_code", "area_name", "sex"),
        numeric_columns=("year", "age", "population"),
        required=tuple(POPULATION),
    )
    f = parsed.frame
    require_rows(f, tf.name, "area, year, age and sex row")
    f["sex"] = f["sex"].str.strip().str.lower()
    year, age, pop = (
        f[c].to_numpy(dtype=float, na_value=np.nan) for c in ("year", "age", "population")
    )
    issues = code_issues(f["area_code"].str.strip(), "area_code", tf.name)
    with np.errstate(invalid="ignore"):
        issues += _rule_issues(
            f,
            "year",
            ~((year % 1 == 0) & (year >= 1900) & (year <= 2200)),
            "be a year like 2018",
            tf.name,
        )
        issues += _rule_issues(
            f,
            "age",
            ~((age % 1 == 0) & (age >= 0) & (age <= MAX_AGE)),
            f"be a whole age 0-{MAX_AGE}",
            tf.name,
        )
        issues += _rule_issues(
            f, "population", ~(pop > 0), "be a positive number of people", tf.name
        )
    issues += _rule_issues(
        f, "sex", ~f["sex"].isin(SEXES).fillna(False).to_numpy(dtype=bool), "be f or m", tf.name
    )
    raise_if_issues(issues, f"{tf.name}: not a valid ONS population projection")
    dup = f.duplicated(["area_code", "year", "age", "sex"]).to_numpy()
    raise_if_issues(
        _rule_issues(f, "area_code", dup, "appear once per area, year, age and sex", tf.name),
        f"{tf.name}: duplicated rows",
    )
    out = pd.DataFrame(
        {
            "area_code": f["area_code"].str.strip(),
            "area_name": f["area_name"].str.strip(),
            "year": year.astype("int64"),
            "age": age.astype("int64"),
            "sex": f["sex"],
            "population": pop,
        }
    ).astype(dict(POPULATION))
    years = f"{out['year'].min()}-{out['year'].max()}" if len(out) else "empty"
    source = Source(
        publisher="ONS",
        dataset="snpp-single-year-of-age",
        period=years,
        file_name=tf.name,
        sha256=tf.sha256,
    )
    return LoadedPopulation(
        frame=out, source=source, warnings=tuple(parsed.warnings(tf.name)), encoding=tf.encoding
    )


# --- the layouts ONS publishes (a scenario's demand; the wide SNPP also as a workspace kind) ---


def _bad(path: Path, issues: list[Issue]) -> ValidationFailed:
    return ValidationFailed(issues=issues, summary=f"population file {path.name} is invalid")


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputFileError(f"{path}: population file must exist, not found") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        raise InputFileError(f"{path}: must be a readable CSV, got {exc}") from None


def _numbers(path: Path, frame: pd.DataFrame, columns: Sequence[str]) -> list[Issue]:
    """Each column parsed as numbers >= 0 by the one strict reading (:mod:`gpworkforce.numbers`;
    ONS tables may write thousands as ``1,234``; ``1,5`` and ``inf`` are refused)."""
    issues = []
    for col in columns:
        parsed = parse_number_column(frame[col], na_tokens=(), thousands=True, limit=5)
        for pos, why in parsed.bad:
            where = Location(file=path.name, row=pos + FIRST_DATA_ROW, column=str(col))
            issues.append(
                Issue(
                    where,
                    why.expected.replace("be a number", "be a number >= 0")
                    if why.expected == "be a number"
                    else why.expected,
                    why.found,
                )
            )
        for pos in np.flatnonzero(parsed.values < 0)[:5].tolist():
            where = Location(file=path.name, row=pos + FIRST_DATA_ROW, column=str(col))
            issues.append(Issue(where, "be a number >= 0", repr(frame[col].iloc[pos])))
        frame[col] = parsed.values
    return issues


def _need_columns(path: Path, frame: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise _bad(
            path,
            [
                Issue(
                    Location(file=path.name), f"have columns {list(columns)}", f"missing {missing}"
                )
            ],
        )


SEX_WORDS = {
    "f": "f",
    "female": "f",
    "females": "f",
    "2": "f",
    "m": "m",
    "male": "m",
    "males": "m",
    "1": "m",
}
SEX_WORDS |= {"persons": "p", "person": "p", "all": "p", "p": "p"}


def _age(text: str) -> float:
    """``'0'``..``'104'``, ``'90 and over'``, ``'105 - 109'``, ``'110 and over'``: the first whole
    number (an open or grouped top age counts as its youngest age); NaN for anything else."""
    head = text.strip().split(" ")[0].split("-")[0]
    return float(head) if head.isdigit() else float("nan")


def _wide(path: Path, frame: pd.DataFrame, ids: dict[str, str]) -> pd.DataFrame:
    """A wide ONS table (one column per projection year) as long rows."""
    _need_columns(path, frame, list(ids))
    years = [c for c in frame.columns if str(c).strip().isdigit()]
    if not years:
        issue = Issue(Location(file=path.name), "have a column per projection year", "none")
        raise _bad(path, [issue])
    if "COMPONENT" in frame.columns:  # the SNPP's component files: the population only
        frame = frame[frame["COMPONENT"].str.strip().str.lower() == "population"]
    age_col = next(c for c, v in ids.items() if v == "age")
    frame = frame[~frame[age_col].str.strip().str.lower().isin(["all ages", "all"])].copy()
    issues = _numbers(path, frame, years)
    if issues:
        raise _bad(path, issues)
    ages = frame[age_col].map(_age)
    if ages.isna().any():
        row = int(np.flatnonzero(ages.isna().to_numpy())[0])
        where = Location(file=path.name, row=int(frame.index[row]) + 2, column=age_col)
        found = repr(frame[age_col].iloc[row])
        raise _bad(path, [Issue(where, "be an age (0, 89, '90 and over', '105 - 109')", found)])
    frame = frame.rename(columns=ids).assign(age=ages)
    if "area_code" not in frame.columns:
        frame["area_code"] = "*"
    long = frame.melt(
        id_vars=["area_code", "sex", "age"],
        value_vars=years,
        var_name="year",
        value_name="population",
    )
    long["year"] = long["year"].astype(str).str.strip().astype(int)
    return long.loc[:, list(POPULATION_COLUMNS)]


SPREADSHEETS = (".xml", ".xlsx", ".xls", ".ods")  # how ONS ships the NPP open data


def read_projection(path: Path, layout: str = "long") -> pd.DataFrame:
    """An ONS population projection as ``area_code, year, age, sex, population`` rows (sex
    ``f``/``m``/``p`` for persons). Layouts: ``long`` (area_code,area_name,year,age,sex,
    population), ``snpp`` (the subnational projection as published: AREA_CODE, AREA_NAME,
    COMPONENT, SEX, AGE_GROUP and a column per year; "All ages" rows dropped) and ``npp`` (the
    national projection's machine-readable table: Sex, Age and a column per year; area ``*``)."""
    if Path(path).suffix.lower() in SPREADSHEETS:
        raise InputFileError(
            f"{path}: population file must be a CSV, got a {Path(path).suffix} spreadsheet: ONS"
            " publishes the national projection's open data as a spreadsheet; save its"
            " 'Population' sheet (Sex, Age and a column per year) as CSV and give that file"
        )
    frame = _read_csv(path)
    if layout == "snpp":
        ids = {"AREA_CODE": "area_code", "SEX": "sex", "AGE_GROUP": "age"}
        out = _wide(path, frame, ids)
    elif layout == "npp":
        out = _wide(path, frame, {"Sex": "sex", "Age": "age"})
    else:
        _need_columns(path, frame, POPULATION_COLUMNS)
        issues = _numbers(path, frame, ("year", "age", "population"))
        if issues:
            raise _bad(path, issues)
        out = frame.loc[:, ["area_code", "year", "age", "sex", "population"]].copy()
    sex = out["sex"].astype(str).str.strip().str.lower().map(SEX_WORDS)
    if sex.isna().any():
        bad = out["sex"][sex.isna()].iloc[0]
        raise _bad(
            path,
            [
                Issue(
                    Location(file=path.name, column="sex"),
                    "be female/male/persons (f, m, 2, 1)",
                    repr(bad),
                )
            ],
        )
    out["sex"] = sex
    out["area_code"] = out["area_code"].astype(str).str.strip()
    return out.reset_index(drop=True)


def _published_snpp(tf: TextFile) -> LoadedPopulation:
    """The SNPP's wide layout as a workspace population: females and males by single year of
    age (``90 and over`` counts as 90), every area it lists, named as the file names them."""
    long = read_projection(tf.path, "snpp")
    issues = []
    if (long["sex"] == "p").any():
        issues.append(
            Issue(
                Location(file=tf.name, column="SEX"),
                "be females or males (load the published females and males files; a persons "
                "table cannot be split by sex)",
                "persons",
            )
        )
    if not (long["population"] > 0).all():
        bad = long.loc[~(long["population"] > 0)].iloc[0]
        issues.append(
            Issue(
                Location(file=tf.name, column=str(int(bad["year"]))),
                f"be a positive number of people (area {bad['area_code']}, age {int(bad['age'])})",
                repr(float(bad["population"])),
            )
        )
    codes = long["area_code"].drop_duplicates().reset_index(drop=True)
    issues += code_issues(codes.astype("string"), "AREA_CODE", tf.name)
    raise_if_issues(issues, f"{tf.name}: not a valid ONS population projection")
    require_rows(long, tf.name, "area, age and sex row")
    names = pd.read_csv(
        tf.path, usecols=["AREA_CODE", "AREA_NAME"], dtype=str, encoding="utf-8-sig"
    ).drop_duplicates("AREA_CODE")
    named = dict(zip(names["AREA_CODE"].str.strip(), names["AREA_NAME"].str.strip(), strict=True))
    out = pd.DataFrame(
        {
            "area_code": long["area_code"],
            "area_name": long["area_code"].map(named),
            "year": long["year"].astype("int64"),
            "age": long["age"].astype("int64"),
            "sex": long["sex"],
            "population": long["population"].astype(float),
        }
    ).astype(dict(POPULATION))
    source = Source(
        publisher="ONS",
        dataset="snpp-single-year-of-age",
        period=f"{out['year'].min()}-{out['year'].max()}",
        file_name=tf.name,
        sha256=tf.sha256,
    )
    return LoadedPopulation(frame=out, source=source, encoding=tf.encoding)
