"""PCN individual-level workforce file (one row per person and role; cp1252) -> PCN-level table.

The WORKFORCE table's ``practice_code`` holds the **PCN code** here (PCN staff belong to no
practice); ``period`` is the month end of ``CENSUS_YEAR``/``CENSUS_MONTH``. Roles map to taxonomy
leaves through :data:`~gpworkforce.loaders.pcn_roles.PCN_ROLE_MAP`; each leaf and staff group gets
a row: FTE summed, headcount = distinct ``UNIQUE_IDENTIFIER`` (a person in two roles counts
once in their group). Rows without an identifier (contracted services) have FTE but no person
to count, so a headcount including any is *not available*.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from gpworkforce import tables
from gpworkforce.domain.provenance import Source
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.errors import Issue, Location, raise_if_issues
from gpworkforce.loaders.files import DEFAULT_MAX_BYTES, read_text
from gpworkforce.loaders.pcn_roles import PCN_ROLE_MAP
from gpworkforce.loaders.result import LoadedWorkforce
from gpworkforce.loaders.tabular import (
    FIRST_DATA_ROW,
    MAX_ISSUES_PER_COLUMN,
    code_issues,
    negative_issues,
    read_table,
    require_rows,
)

ROLE_COLUMNS = ("STAFF_GROUP", "STAFF_ROLE", "DETAILED_STAFF_ROLE")
TEXT = (
    "PCN_CODE",
    "PCN_NAME",
    "SUB_ICB_CODE",
    "SUB_ICB_NAME",
    "ICB_CODE",
    "ICB_NAME",
    "COMM_REGION_CODE",
    "COMM_REGION_NAME",
    *ROLE_COLUMNS,
    "UNIQUE_IDENTIFIER",
    "Data_source",
)
NUMERIC = ("CENSUS_YEAR", "CENSUS_MONTH", "FTE")
# where the file itself places each PCN (its own sub-ICB, ICB and region codes on the census date)
PCN_PLACES: Mapping[str, str] = {
    "practice_code": "string",  # the PCN code
    "period": "datetime64[ns]",
    "pcn_name": "string",
    "sub_icb_code": "string",
    "icb_code": "string",
    "region_code": "string",
    "source_id": "string",
}
REQUIRED = ("CENSUS_YEAR", "CENSUS_MONTH", "PCN_CODE", *ROLE_COLUMNS, "FTE", "UNIQUE_IDENTIFIER")
ATTRIBUTES = {
    "PCN_NAME": "pcn_name",
    "SUB_ICB_CODE": "sub_icb_code",
    "SUB_ICB_NAME": "sub_icb_name",
    "ICB_CODE": "icb_code",
    "ICB_NAME": "icb_name",
    "COMM_REGION_CODE": "region_code",
    "COMM_REGION_NAME": "region_name",
}


def _census(frame: pd.DataFrame, name: str) -> dt.date:
    pairs = frame[["CENSUS_YEAR", "CENSUS_MONTH"]].drop_duplicates()
    ok = len(pairs) == 1 and pairs.notna().all(axis=None)
    if ok:
        year, month = (int(v) for v in pairs.iloc[0])
        ok = 1990 <= year <= 2100 and 1 <= month <= 12
    if not ok:
        raise_if_issues(
            [
                Issue(
                    Location(file=name, column="CENSUS_YEAR/CENSUS_MONTH"),
                    expected="give one census year and month (1-12) for the whole file",
                    found=", ".join(
                        f"{r.CENSUS_YEAR}/{r.CENSUS_MONTH}" for r in pairs.head(5).itertuples()
                    ),
                )
            ],
            f"{name}: census month",
        )
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _headcount(rows: pd.DataFrame, by: list[str]) -> pd.Series:
    """Distinct identifiers per group; NA where any row lacks an identifier."""
    counts = rows.groupby(by, sort=False)["UNIQUE_IDENTIFIER"].nunique()
    anonymous = rows["UNIQUE_IDENTIFIER"].isna().groupby([rows[c] for c in by], sort=False).any()
    return counts.astype("Float64").mask(anonymous.reindex(counts.index).fillna(False).to_numpy())


def load_pcn_individual(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedWorkforce:
    """Load the PCN individual-level workforce CSV (see module docs for the rules)."""
    tf = read_text(path, max_bytes=max_bytes)
    parsed = read_table(tf, text_columns=TEXT, numeric_columns=NUMERIC, required=REQUIRED)
    frame = parsed.frame
    require_rows(frame, tf.name, "staff row")
    for col in ("PCN_CODE", *ROLE_COLUMNS, "UNIQUE_IDENTIFIER"):
        frame[col] = frame[col].str.strip()
    frame.loc[frame["UNIQUE_IDENTIFIER"] == "", "UNIQUE_IDENTIFIER"] = pd.NA
    issues = code_issues(frame["PCN_CODE"], "PCN_CODE", tf.name)
    # NHS Digital publishes a few negative FTEs on contracted-services rows (adjustments); they
    # are part of its totals, so they are kept as published and reported.
    negative = negative_issues(frame, ["FTE"], tf.name)
    no_fte = np.flatnonzero(frame["FTE"].isna().to_numpy())
    issues += [
        Issue(
            Location(tf.name, None, int(p) + FIRST_DATA_ROW, "FTE"),
            "be the person's FTE in this role",
            "nothing",
        )
        for p in no_fte[:MAX_ISSUES_PER_COLUMN]
    ]
    raise_if_issues(issues, f"{tf.name}: not a valid PCN individual-level workforce file")
    census = _census(frame, tf.name)

    keys = list(zip(*(frame[c] for c in ROLE_COLUMNS), strict=True))
    frame["node"] = [PCN_ROLE_MAP.get(k) for k in keys]  # type: ignore[arg-type]
    known = np.array([k in PCN_ROLE_MAP for k in keys], dtype=bool)
    warnings = parsed.warnings(tf.name)
    if negative:
        rows = ", ".join(str(i.location.row) for i in negative[:10])
        warnings.append(
            f"{tf.name}: {len(negative)} negative FTE(s) kept as published (rows {rows})"
        )
    for label, mask in (
        ("are not in the reviewed role map", ~known),
        (
            "are mapped to no taxonomy role (e.g. PCN directors)",
            known & frame["node"].isna().to_numpy(),
        ),
    ):
        if mask.any():
            lost = frame.loc[mask]
            roles = sorted({" / ".join(k) for k, m in zip(keys, mask, strict=True) if m})
            warnings.append(
                f"{tf.name}: {int(mask.sum())} row(s), {lost['FTE'].sum():.1f} FTE, {label} and are left out: {'; '.join(roles[:10])}"
            )
    mapped = frame[frame["node"].notna()].copy()
    tax = load_taxonomy()
    mapped["group"] = [tax.leaves[n].group.value for n in mapped["node"]]
    parts = []
    for level in ("node", "group"):
        by = ["PCN_CODE", level]
        fte = mapped.groupby(by, sort=False)["FTE"].sum()
        parts.append(
            pd.DataFrame({"fte": fte, "headcount": _headcount(mapped, by)})
            .reset_index()
            .rename(columns={level: "node_code"})
        )
    long = pd.concat(parts, ignore_index=True)
    source = Source(
        publisher="NHS Digital",
        dataset="pcn-workforce-individual",
        period=census.isoformat(),
        file_name=tf.name,
        sha256=tf.sha256,
    )
    workforce = long.rename(columns={"PCN_CODE": "practice_code", "node_code": "node"}).assign(
        period=pd.Timestamp(census), source_id=source.source_id
    )
    attr_cols = [c for c in ATTRIBUTES if c in frame.columns]
    attributes = (
        frame.drop_duplicates("PCN_CODE")
        .loc[:, ["PCN_CODE", *attr_cols]]
        .rename(columns={"PCN_CODE": "practice_code", **ATTRIBUTES})
    )
    attributes.insert(1, "period", pd.Timestamp(census))
    return LoadedWorkforce(
        source=source,
        workforce=tables.conform(workforce, tables.WORKFORCE),
        attributes=attributes.reset_index(drop=True),
        warnings=tuple(warnings),
        encoding=tf.encoding,
    )
