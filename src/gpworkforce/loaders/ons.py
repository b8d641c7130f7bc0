"""ONS subnational population projections by single year of age and sex.

Columns ``area_code, area_name, year, age, sex, population``; ages 0-100 (ONS's 90+ group may be
split to single years), sex ``f``/``m``, population positive. The result is a typed frame in
:class:`LoadedPopulation` (not a workforce table), with the file's :class:`Source`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from gpworkforce.domain.provenance import Source
from gpworkforce.errors import Issue, Location, raise_if_issues
from gpworkforce.loaders.files import DEFAULT_MAX_BYTES, read_text
from gpworkforce.loaders.tabular import (
    FIRST_DATA_ROW,
    MAX_ISSUES_PER_COLUMN,
    code_issues,
    read_table,
    require_rows,
)

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
    """Load and validate an ONS single-year-of-age projection CSV."""
    tf = read_text(path, max_bytes=max_bytes)
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
