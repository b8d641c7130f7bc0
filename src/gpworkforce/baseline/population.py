"""ONS population as the per-1,000 denominator of named organisations.

An organisation's population is the sum, over the local authority areas the user names for it,
of the ONS projection's people of every age and sex in the **mid-year of the census date's
year** (ONS figures are for 30 June). Formula (per organisation ``o``, census year ``y``)::

    population(o) = sum over areas a of o, ages, sexes of population(a, y, age, sex)

The result is a :class:`~gpworkforce.baseline.per_thousand.Denominators` whose registered-basis
figures replace the summed practice list sizes for those organisations only (other rows keep
list sizes; a total whose children are all given is their sum). Areas are named by the user:
ONS areas are local authorities, which match an ICB only where their boundaries coincide (LLR:
Leicester E06000016, Rutland E06000017, Leicestershire E10000018 = QK1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd

from gpworkforce.baseline.per_thousand import Denominators
from gpworkforce.errors import UserError


def ons_denominators(
    population: pd.DataFrame, areas: Mapping[str, Sequence[str]], period: dt.date
) -> Denominators:
    """Registered-basis denominators for the organisations in ``areas`` (org code -> ONS area
    codes) from ``population`` (``area_code, area_name, year, age, sex, population``).

    A :class:`UserError` names what is missing: no population at all, the census year, or an
    area the projection does not hold in that year."""
    if population.empty:
        raise UserError(
            "--ons-area needs an ONS population projection in the workspace, got none "
            "(add one with 'gpworkforce load ons-population FILE --data DIR')"
        )
    year = period.year
    in_year = population.loc[population["year"] == year]
    if in_year.empty:
        years = sorted(int(y) for y in population["year"].unique())
        raise UserError(
            f"--ons-area needs ONS figures for mid-{year} (the census date's year), got years "
            f"{years[0]}-{years[-1]}"
        )
    totals = in_year.groupby("area_code")["population"].sum()
    names = dict(zip(in_year["area_code"], in_year["area_name"], strict=True))
    given: dict[str, float] = {}
    described: list[str] = []
    for org, codes in areas.items():
        missing = [c for c in codes if c not in totals.index]
        if missing:
            raise UserError(
                f"--ons-area {org}: every area must be in the ONS projection for {year}, got "
                f"{', '.join(missing)} (it holds {', '.join(sorted(totals.index))})"
            )
        given[org] = float(sum(totals[c] for c in codes))
        described.append(f"{org} = " + " + ".join(f"{names[c]} ({c})" for c in codes))
    label = f"ONS population projection, mid-{year}: " + "; ".join(described)
    return Denominators(registered=given, label=label)


def parse_ons_areas(values: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """``--ons-area ORG=AREA,AREA`` options -> {org: areas} (a :class:`UserError` if malformed)."""
    out: dict[str, tuple[str, ...]] = {}
    for value in values:
        org, sep, rest = value.partition("=")
        codes = tuple(c.strip().upper() for c in rest.split(",") if c.strip())
        org = org.strip().upper()
        if not sep or not org or not codes:
            raise UserError(
                f"--ons-area must look like QK1=E06000016,E06000017,E10000018, got {value!r}"
            )
        if org in out:
            raise UserError(f"--ons-area must name each organisation once, got {org} twice")
        out[org] = codes
    return out
