"""Staff and per-1,000 tables for every ICB, sub-ICB location and PCN of England at once.

Vectorised: the period's workforce is selected once, every taxonomy node needed is resolved once
for all practices (``tables.resolve_dense``), and each level is one pass of ``numpy.bincount``
over practice -> organisation positions (``OrgRegistry.practice_map`` for the census date). The
same summing rules as the single-organisation tables apply: FTE adds up, headcount is summed
(caveat), an organisation none of whose practices has a figure gets NA.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from gpworkforce.baseline.data import BaselineData, SourceKind, select_patients
from gpworkforce.baseline.frames import (
    DEFAULT_GP_NODE,
    all_staff_totals,
    gp_complement_column,
    group_columns,
)
from gpworkforce.baseline.scope import practice_level_map, tier_label
from gpworkforce.baseline.staff import HEADCOUNT_CAVEAT, role_columns
from gpworkforce.domain.orgs import OrgType
from gpworkforce.domain.report import ReportTable
from gpworkforce.tables import MEASURES, resolve_dense

FALLBACK_GP_NODE = "GP_QUALIFIED"
ALL_LEVELS: tuple[OrgType, ...] = (OrgType.ICB, OrgType.SUB_ICB, OrgType.PCN)
_SUFFIX = {"headcount": "HC", "fte": "WTE"}


def _as_float(series: pd.Series) -> np.ndarray:
    return series.astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def _sum_by(positions: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Sum of ``values`` per position, NaN where no value is available (``sum(min_count=1)``)."""
    ok = (positions >= 0) & ~np.isnan(values)
    total = np.bincount(positions[ok], weights=values[ok], minlength=n)
    count = np.bincount(positions[ok], minlength=n)
    return np.where(count > 0, total, np.nan)


def _positions(codes: pd.Series, practices: pd.Index, org_of: np.ndarray) -> np.ndarray:
    """Organisation position of each practice code (-1 for a practice not in the map)."""
    idx = practices.get_indexer(codes)
    return np.where(idx >= 0, org_of[np.maximum(idx, 0)], -1)


def _divide(num: np.ndarray, den: np.ndarray, scale: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den * scale
    return np.where(np.isnan(den) | (den == 0), np.nan, out)


def all_levels_frames(
    data: BaselineData,
    period: dt.date,
    *,
    levels: Sequence[OrgType] = ALL_LEVELS,
    gp_node: str | None = None,
    source: SourceKind | str | None = None,
    tolerance_days: int = 183,
    roles: bool = False,
) -> dict[OrgType, pd.DataFrame]:
    """Staff (HC, WTE) and WTE per 1,000 registered/weighted patients for every org of each level.

    ``gp_node`` defaults to GPs excluding registrars where any practice has them, else qualified
    GPs. With ``roles`` the frames also get ``<role> HC`` / ``<role> WTE`` for every role. Levels
    with no organisation on the date (e.g. PCNs before 2019) are left out.
    """
    at = data.with_source(source).at(period)
    tax = at.taxonomy
    candidates = [DEFAULT_GP_NODE, FALLBACK_GP_NODE] if gp_node is None else [gp_node]
    groups = group_columns(tax, DEFAULT_GP_NODE)[1:]
    extra = role_columns(tax) if roles else []
    complements = [c for g in candidates if (c := gp_complement_column(tax, g)) is not None]
    nodes = [*candidates, *(n for n, _ in groups), *(n for n, _ in extra)]
    nodes += [n for n, _ in complements if n not in nodes]
    dense = resolve_dense(at.workforce, nodes, tax)  # one period, one source: a key per practice
    fte_row = MEASURES.index("fte")
    if gp_node is None:
        has_detail = not np.isnan(dense.values[DEFAULT_GP_NODE][fte_row]).all()
        gp_node = DEFAULT_GP_NODE if has_detail else FALLBACK_GP_NODE
    columns = group_columns(tax, gp_node)
    complement = gp_complement_column(tax, gp_node)
    if complement is not None and complement not in extra:
        extra = [complement, *extra]
    pats = select_patients(at.patients, period, tolerance_days, at.source_order)
    out: dict[OrgType, pd.DataFrame] = {}
    for level in levels:
        mapping = practice_level_map(at.registry, period, level)
        if not mapping:
            continue
        practices = pd.Index(list(mapping))
        orgs = sorted(set(mapping.values()))
        org_of_practice = pd.Index(orgs).get_indexer(list(mapping.values()))
        n = len(orgs)

        cols: dict[str, np.ndarray] = {}
        pat_pos = _positions(pats["practice_code"], practices, org_of_practice)
        for basis in ("registered", "weighted"):
            cols[f"{basis.capitalize()} patients"] = _sum_by(pat_pos, _as_float(pats[basis]), n)
        pos = _positions(dense.keys["practice_code"], practices, org_of_practice)
        for node, label in [*columns, *extra]:
            for j, measure in enumerate(MEASURES):
                cols[f"{label} {_SUFFIX[measure]}"] = _sum_by(pos, dense.values[node][j], n)
        for suffix, name in (("HC", "Total staff HC"), ("WTE", "Total WTE")):
            cols[name] = np.sum([cols[f"{label} {suffix}"] for _, label in columns], axis=0)
        if complement is not None:
            for suffix, name in zip(("HC", "WTE"), all_staff_totals(complement[1]), strict=True):
                base = cols["Total staff HC" if suffix == "HC" else "Total WTE"]
                cols[name] = base + cols[f"{complement[1]} {suffix}"]
        for label in [*(lab for _, lab in columns), "Total"]:
            for basis in ("registered", "weighted"):
                cols[f"{label} per 1,000 {basis}"] = _divide(
                    cols[f"{label} WTE"], cols[f"{basis.capitalize()} patients"], 1000.0
                )
        counts = np.bincount(org_of_practice, minlength=n)
        head = pd.DataFrame(
            {
                "org_code": pd.Series(orgs, dtype="string"),
                "org_name": pd.Series(
                    [at.registry.get(c).name if c in at.registry else c for c in orgs],
                    dtype="string",
                ),
                "practices": counts,
            }
        )
        body = pd.DataFrame({k: pd.array(v, dtype="Float64") for k, v in cols.items()})
        out[level] = pd.concat([head, body], axis=1)
    return out


def baseline_all_levels(
    data: BaselineData,
    period: dt.date,
    *,
    levels: Sequence[OrgType] = ALL_LEVELS,
    gp_node: str | None = None,
    source: SourceKind | str | None = None,
    roles: bool = False,
) -> list[ReportTable]:
    """One report table per level (ICB, sub-ICB, PCN) with staff and per-1,000 columns."""
    frames = all_levels_frames(
        data, period, levels=levels, gp_node=gp_node, source=source, roles=roles
    )
    tables = []
    for level, frame in frames.items():
        decimals = {
            c: (2 if "per 1,000" in c else 0 if c.endswith(("HC", "patients")) else 1)
            for c in map(str, frame.columns)
            if c.endswith(("HC", "WTE", "patients")) or "per 1,000" in c
        }
        tables.append(
            ReportTable(
                key=f"all_{level.value}",
                title=(
                    f"Staff and WTE per 1,000 patients, every {tier_label(level)}, "
                    f"{period.isoformat()}"
                ),
                frame=frame,
                notes=(
                    HEADCOUNT_CAVEAT,
                    "Sums cover the practices with a figure; NA where none has one.",
                    "Total = sum of the four groups; NA when any group is NA.",
                    "Organisations by the hierarchy in force on the census date.",
                ),
                decimals=decimals,
            )
        )
    return tables
