"""Practice returns as the canonical long tables (WORKFORCE, DEMOGRAPHY, VACANCIES).

A return is complete: a leaf role it does not list has no staff, so WORKFORCE gets a row for
*every* taxonomy leaf, zero where nothing was returned (unlike GPW, where a missing figure is not
available). Staff lines convert to FTE with the declared :class:`FteConvention` (hours / 37.5, GP
sessions / 9 by default); locum lines become the GP_LOCUM_* leaves with sessions / sessions-per-WTE.
DEMOGRAPHY has one row per leaf, age band and sex that has people (absent combinations are zero).
VACANCIES has one row per vacancy line plus a zero row for each leaf with none.

:func:`returns_to_tables` converts many returns at once: lines are flattened into arrays and
aggregated with one group-by per table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gpworkforce.domain.measures import DEFAULT_CONVENTION, FteConvention
from gpworkforce.domain.returns import PracticeReturn
from gpworkforce.domain.taxonomy import Taxonomy, load_taxonomy
from gpworkforce.tables import DEMOGRAPHY, VACANCIES, WORKFORCE, conform

_LEAF_KEYS = ["ret", "node"]


@dataclass(frozen=True)
class ReturnTables:
    """The canonical tables built from one or more returns."""

    workforce: pd.DataFrame
    demography: pd.DataFrame
    vacancies: pd.DataFrame


def default_source_id(ret: PracticeReturn) -> str:
    """The return's ``source_id``, or a stable one naming the practice and census date."""
    if ret.source is not None:
        return ret.source.source_id
    return f"practice-return:{ret.census_date.isoformat()}:{ret.practice_code}"


def return_to_tables(
    ret: PracticeReturn,
    source_id: str | None = None,
    convention: FteConvention = DEFAULT_CONVENTION,
    taxonomy: Taxonomy | None = None,
) -> ReturnTables:
    """One return as canonical tables (see the module docstring for what each holds)."""
    ids = None if source_id is None else [source_id]
    return returns_to_tables([ret], convention, taxonomy, source_ids=ids)


def returns_to_tables(
    returns: Sequence[PracticeReturn],
    convention: FteConvention = DEFAULT_CONVENTION,
    taxonomy: Taxonomy | None = None,
    *,
    source_ids: Sequence[str] | None = None,
) -> ReturnTables:
    """Many returns as canonical tables, concatenated, in a handful of vectorised steps."""
    tax = taxonomy or load_taxonomy()
    if source_ids is not None and len(source_ids) != len(returns):
        raise ValueError("source_ids must have one id per return")
    ids = list(source_ids) if source_ids is not None else [default_source_id(r) for r in returns]
    meta = pd.DataFrame(
        {
            "practice_code": [r.practice_code for r in returns],
            "period": pd.to_datetime([r.census_date for r in returns]),
            "source_id": ids,
        }
    )
    leaves = np.array(sorted(tax.leaves), dtype=object)
    people = _people(returns, convention)
    workforce = _workforce(people, leaves, len(returns))
    demography = (
        people.groupby(["ret", "node", "age_band", "sex"], sort=True)[["headcount", "fte"]]
        .sum()
        .reset_index()
    )
    vacancies = _vacancies(returns, leaves)
    return ReturnTables(
        workforce=conform(_with_meta(workforce, meta), WORKFORCE),
        demography=conform(_with_meta(demography, meta), DEMOGRAPHY),
        vacancies=conform(_with_meta(vacancies, meta), VACANCIES),
    )


def _people(returns: Sequence[PracticeReturn], conv: FteConvention) -> pd.DataFrame:
    """Every staff and locum line as one row: return index, leaf, age band, sex, headcount, FTE."""
    ret_i: list[int] = []
    node: list[str] = []
    age: list[str] = []
    sex: list[str] = []
    heads: list[int] = []
    hours: list[float] = []
    sessions: list[float] = []
    for i, r in enumerate(returns):
        for s in r.staff:
            ret_i.append(i)
            node.append(s.role)
            age.append(s.age_band.value)
            sex.append(s.sex.value)
            heads.append(s.headcount)
            hours.append(np.nan if s.hours_per_week is None else s.hours_per_week)
            sessions.append(np.nan if s.sessions_per_week is None else s.sessions_per_week)
        for lc in r.locums:
            ret_i.append(i)
            node.append(lc.locum_type)
            age.append(lc.age_band.value)
            sex.append(lc.sex.value)
            heads.append(lc.headcount)
            hours.append(np.nan)
            sessions.append(lc.sessions_per_week)
    h = np.asarray(hours, dtype=float)
    se = np.asarray(sessions, dtype=float)
    fte = np.where(np.isnan(h), se / conv.gp_sessions_per_wte, h / conv.hours_per_fte)
    return pd.DataFrame(
        {
            "ret": np.asarray(ret_i, dtype=np.int64),
            "node": np.asarray(node, dtype=object),
            "age_band": np.asarray(age, dtype=object),
            "sex": np.asarray(sex, dtype=object),
            "headcount": np.asarray(heads, dtype=float),
            "fte": fte,
        }
    )


def _workforce(people: pd.DataFrame, leaves: np.ndarray, n_returns: int) -> pd.DataFrame:
    """Headcount and FTE for every (return, leaf), zero where the return lists nobody."""
    grid = pd.MultiIndex.from_product([np.arange(n_returns), leaves], names=_LEAF_KEYS)
    summed = people.groupby(_LEAF_KEYS, sort=False)[["headcount", "fte"]].sum()
    return summed.reindex(grid, fill_value=0.0).reset_index()


def _vacancies(returns: Sequence[PracticeReturn], leaves: np.ndarray) -> pd.DataFrame:
    """One row per vacancy line, and a zero-WTE row (months open NA) for each leaf with none."""
    lines = pd.DataFrame(
        [
            (i, v.role, v.wte, float(v.months_open))
            for i, r in enumerate(returns)
            for v in r.vacancies
        ],
        columns=["ret", "node", "vacancy_wte", "months_open"],
    )
    grid = pd.MultiIndex.from_product([np.arange(len(returns)), leaves], names=_LEAF_KEYS)
    have = pd.MultiIndex.from_frame(lines[_LEAF_KEYS]) if len(lines) else grid[:0]
    none = grid.difference(have).to_frame(index=False)
    none["vacancy_wte"] = 0.0
    none["months_open"] = np.nan
    parts = [p for p in (lines, none) if len(p)]
    if not parts:
        return none
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    return out.sort_values(_LEAF_KEYS, kind="stable").reset_index(drop=True)


def _with_meta(frame: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    idx = frame["ret"].to_numpy(dtype=np.int64)
    out = frame.drop(columns="ret")
    for col in meta.columns:
        out[col] = meta[col].to_numpy()[idx]
    return out


def concat_tables(parts: Sequence[ReturnTables]) -> ReturnTables:
    """Stack tables from several conversions (e.g. two quarters)."""
    if not parts:
        return returns_to_tables([])
    return ReturnTables(
        workforce=pd.concat([p.workforce for p in parts], ignore_index=True),
        demography=pd.concat([p.demography for p in parts], ignore_index=True),
        vacancies=pd.concat([p.vacancies for p in parts], ignore_index=True),
    )
