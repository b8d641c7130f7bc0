"""Starting stocks and patients for the cohort engine from the canonical tables (no I/O).

Two ways in:

* :func:`stocks_from_demography`: a DEMOGRAPHY table (role x age band x sex, e.g. from practice
  returns) mapped onto the scenario's classes and bands; people of unknown age are spread over
  the known bands of their organisation and class in proportion;
* :func:`stocks_from_workforce`: one WORKFORCE node (e.g. NHS Digital's qualified GPs from the
  practice-year file) with an *assumed* age split, for when no age breakdown exists.

Both return columns ``org, class, band, headcount, fte`` (what ``[cohort.initial] csv`` holds) and
the practices left out because a figure was not available (never read as zero). Headcount summed
over practices counts posts: a GP in two practices counts twice (FTE adds up exactly).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from gpworkforce import tables
from gpworkforce.domain.demography import AgeBand
from gpworkforce.domain.taxonomy import Taxonomy
from gpworkforce.errors import Issue, Location, ValidationFailed
from gpworkforce.forecast.cohort_config import AgeBandSpec, StockClassSpec

STOCKS = ["org", "class", "band", "headcount", "fte"]


@dataclass(frozen=True)
class StockBuild:
    """Stocks built from a table, and the practices left out (with why)."""

    stocks: pd.DataFrame
    dropped: tuple[tuple[str, str], ...] = ()


def two_band_map(under: str = "under55", over: str = "55+") -> dict[str, str]:
    """GPW age bands onto two bands: under 55 and 55 and over (the LLR plan's split)."""
    return {b.value: (over if b.over_55 else under) for b in AgeBand if b is not AgeBand.UNKNOWN}


def gpw_band_specs(youngest_width: float = 5.0) -> list[AgeBandSpec]:
    """The ten GPW age bands as scenario bands. ``<30`` is taken as 25-29 (5 years) for GPs by
    default (few GPs qualify before 25); every other band is 5 years; ``70+`` is open-ended."""
    specs = []
    for band in AgeBand:
        if band is AgeBand.UNKNOWN:
            continue
        width = (
            None
            if band is AgeBand.A70_PLUS
            else (youngest_width if band is AgeBand.UNDER_30 else 5.0)
        )
        specs.append(AgeBandSpec(label=band.value, width_years=width))
    return specs


def _at(frame: pd.DataFrame, period: dt.date) -> pd.DataFrame:
    return frame[frame["period"] == pd.Timestamp(period)]


def _org(codes: pd.Series, org_of: Mapping[str, str] | None) -> pd.Series:
    if org_of is None:
        return codes.astype("string")
    return codes.map(lambda c: org_of.get(str(c), pd.NA)).astype("string")


def _check_split(age_split: Mapping[str, float]) -> None:
    total = sum(age_split.values())
    if abs(total - 1.0) > 1e-9 or any(v < 0 for v in age_split.values()):
        raise ValidationFailed(
            issues=[
                Issue(
                    Location(field="age_split"), "be shares >= 0 summing to 1", f"{dict(age_split)}"
                )
            ],
            summary="age split is invalid",
        )


def stocks_from_workforce(
    workforce: pd.DataFrame,
    *,
    node: str,
    period: dt.date,
    class_code: str,
    age_split: Mapping[str, float],
    tax: Taxonomy,
    org_of: Mapping[str, str] | None = None,
    practices: Collection[str] | None = None,
) -> StockBuild:
    """One taxonomy node's headcount and FTE per organisation, split by an assumed age mix."""
    _check_split(age_split)
    rows = tables.resolve(_at(workforce, period), node, tax)
    if practices is not None:
        rows = rows[rows["practice_code"].isin(list(practices))]
    rows = rows.assign(org=_org(rows["practice_code"], org_of))
    missing = rows["fte"].isna() | rows["headcount"].isna()
    unmapped = rows["org"].isna()
    dropped = [(str(p), "figure not available") for p in rows.loc[missing, "practice_code"]]
    dropped += [(str(p), "no organisation") for p in rows.loc[unmapped & ~missing, "practice_code"]]
    kept = rows[~missing & ~unmapped]
    per_org = kept.groupby("org", sort=True)[["headcount", "fte"]].sum()
    out = []
    for org, r in per_org.iterrows():
        for band, share in age_split.items():
            out.append(
                (str(org), class_code, band, float(r["headcount"]) * share, float(r["fte"]) * share)
            )
    return StockBuild(pd.DataFrame(out, columns=STOCKS), tuple(sorted(dropped)))


def stocks_from_demography(
    demography: pd.DataFrame,
    *,
    period: dt.date,
    classes: Sequence[StockClassSpec],
    band_of: Mapping[str, str],
    tax: Taxonomy,
    org_of: Mapping[str, str] | None = None,
) -> StockBuild:
    """Age-band x sex rows mapped onto classes (by taxonomy role and sex) and scenario bands."""
    rows = _at(demography, period)
    rows = rows.assign(org=_org(rows["practice_code"], org_of))
    dropped = [
        (str(p), "no organisation") for p in rows.loc[rows["org"].isna(), "practice_code"].unique()
    ]
    na = rows["fte"].isna() | rows["headcount"].isna()
    dropped += [(str(p), "figure not available") for p in rows.loc[na, "practice_code"].unique()]
    rows = rows[rows["org"].notna() & ~na]
    parts = []
    for spec in classes:
        leaves = tax.leaves_of(spec.role)
        mine = rows[
            rows["node"].map(lambda n, lv=leaves: n in tax.nodes and tax.leaves_of(n) <= lv)
        ]
        if spec.sex is not None:
            mine = mine[mine["sex"] == spec.sex.value]
        if mine.empty:
            continue
        mine = mine.assign(
            band=mine["age_band"].map(lambda b: band_of.get(str(b), pd.NA)), cls=spec.code
        )
        parts.append(mine)
    if not parts:
        return StockBuild(pd.DataFrame(columns=STOCKS), tuple(sorted(set(dropped))))
    allrows = pd.concat(parts, ignore_index=True)
    known = allrows[allrows["band"].notna()]
    unknown = allrows[allrows["band"].isna()]
    grouped = (
        known.groupby(["org", "cls", "band"], sort=True)[["headcount", "fte"]].sum().reset_index()
    )
    if not unknown.empty:
        extra = unknown.groupby(["org", "cls"])[["headcount", "fte"]].sum()
        for (org, cls), r in extra.iterrows():
            mask = (grouped["org"] == org) & (grouped["cls"] == cls)
            for col in ("headcount", "fte"):
                total = grouped.loc[mask, col].sum()
                if total > 0:
                    grouped.loc[mask, col] += grouped.loc[mask, col] / total * r[col]
                elif r[col] > 0:
                    dropped.append((str(org), f"{cls}: {col} with unknown age only"))
    stocks = grouped.rename(columns={"cls": "class"}).loc[:, STOCKS]
    return StockBuild(stocks.reset_index(drop=True), tuple(sorted(set(dropped))))


def patients_frame(
    patients: pd.DataFrame, *, period: dt.date, org_of: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Registered and weighted patients per organisation (``org, registered, weighted``).

    A weighted total is given only where every practice of the organisation has one."""
    rows = _at(patients, period)
    rows = rows.assign(org=_org(rows["practice_code"], org_of)).dropna(subset=["org", "registered"])
    out = rows.groupby("org", sort=True).agg(
        registered=("registered", "sum"),
        weighted=("weighted", lambda s: s.sum() if s.notna().all() else pd.NA),
    )
    return out.reset_index()
