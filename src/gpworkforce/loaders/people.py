"""What NHS Digital's person-level workforce files share (one row per person and role).

The PCN individual-level file (:mod:`gpworkforce.loaders.pcn`) and the GPW individual-level file
(:mod:`gpworkforce.loaders.gpw_individual`) both list each person's roles with a pseudonymised
``UNIQUE_IDENTIFIER`` and an ``FTE``, and both are summed to an organisation (a PCN, a sub-ICB
location) and a taxonomy node the same way:

* FTE is summed; headcount is the number of distinct identifiers (a person in two roles counts
  once), and *not available* where any row of the group has no identifier (contracted services:
  hours with no person to count);
* a row without an FTE is refused with its row and column;
* the file holds one census year and month; the census date is that month's last day.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

from gpworkforce.errors import Issue, Location, raise_if_issues
from gpworkforce.loaders.tabular import FIRST_DATA_ROW, MAX_ISSUES_PER_COLUMN

PERSON = "UNIQUE_IDENTIFIER"
FTE = "FTE"


def strip_people(frame: pd.DataFrame, columns: Iterable[str]) -> None:
    """Strip ``columns`` (in place) and read a blank identifier as no person."""
    for col in columns:
        frame[col] = frame[col].str.strip()
    frame.loc[frame[PERSON] == "", PERSON] = pd.NA


def missing_fte_issues(frame: pd.DataFrame, name: str) -> list[Issue]:
    """One issue per row (up to the per-column limit) whose FTE is empty."""
    missing = np.flatnonzero(frame[FTE].isna().to_numpy())
    return [
        Issue(
            Location(name, None, int(p) + FIRST_DATA_ROW, FTE),
            "be the person's FTE in this role",
            "nothing",
        )
        for p in missing[:MAX_ISSUES_PER_COLUMN]
    ]


def census_month(
    frame: pd.DataFrame, year: str, month: str, name: str, *, earliest: int
) -> dt.date:
    """The last day of the one census month the file's ``year``/``month`` columns give.

    Refused (file and columns named, the values found listed) unless every row gives the same
    whole year from ``earliest`` to 2100 and the same month 1-12.
    """
    pairs = frame[[year, month]].drop_duplicates()
    ok = len(pairs) == 1 and bool(pairs.notna().all(axis=None))
    if ok:
        y, m = (float(v) for v in pairs.iloc[0])
        ok = y.is_integer() and m.is_integer() and earliest <= y <= 2100 and 1 <= m <= 12
    if not ok:
        raise_if_issues(
            [
                Issue(
                    Location(file=name, column=f"{year}/{month}"),
                    expected="give one census year and month (1-12) for the whole file",
                    found=", ".join(f"{r[0]}/{r[1]}" for r in pairs.head(5).to_numpy()),
                )
            ],
            f"{name}: census month",
        )
    whole_year, whole_month = int(y), int(m)
    last = calendar.monthrange(whole_year, whole_month)[1]
    return dt.date(whole_year, whole_month, last)


def headcount(rows: pd.DataFrame, by: list[str]) -> pd.Series:
    """Distinct identifiers per group; NA where any row of the group lacks an identifier."""
    counts = rows.groupby(by, sort=False)[PERSON].nunique()
    anonymous = rows[PERSON].isna().groupby([rows[c] for c in by], sort=False).any()
    return counts.astype("Float64").mask(anonymous.reindex(counts.index).fillna(False).to_numpy())


def sum_people(frame: pd.DataFrame, org: str, levels: Iterable[str]) -> pd.DataFrame:
    """FTE and headcount per ``org`` and node, for each column of ``levels`` naming a node.

    Rows whose level column is empty are left out of that level. Returns columns
    ``practice_code`` (the ``org`` code), ``node``, ``fte``, ``headcount``.
    """
    parts = []
    for level in levels:
        rows = frame[frame[level].notna()]
        by = [org, level]
        fte = rows.groupby(by, sort=False)[FTE].sum()
        parts.append(
            pd.DataFrame({"fte": fte, "headcount": headcount(rows, by)})
            .reset_index()
            .rename(columns={level: "node", org: "practice_code"})
        )
    return pd.concat(parts, ignore_index=True)


__all__ = ["census_month", "headcount", "missing_fte_issues", "strip_people", "sum_people"]
