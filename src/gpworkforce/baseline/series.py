"""Time series across census dates (September to September) and inequality between sub-areas.

Each period aggregates by the hierarchy in force on that period's census date, so an organisation's
series follows the practices that were under it at the time. Compare September with September:
GP trainees rotate each August (``september_only``). Changes: ``change = value - previous``,
``% change = change / previous x 100`` (NA when either is NA), and the same against the first
period.

Inequality compares the children of an organisation on WTE per 1,000 patients: the highest and
lowest child, ``ratio = highest / lowest`` and ``gap = highest - lowest``; on weighted patients
the comparison is need-adjusted (Carr-Hill weighting reflects age, need, rurality and turnover).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from gpworkforce.baseline.data import BaselineData, SourceKind
from gpworkforce.baseline.frames import (
    GROUP_COLUMNS,
    prepare,
    ratio,
    scope_totals,
    scope_values,
    title_suffix,
)
from gpworkforce.baseline.per_thousand import PATIENT_BASES, Denominators, population_rows
from gpworkforce.baseline.scope import CHILD, TOTAL, row_index
from gpworkforce.domain.orgs import OrgType
from gpworkforce.domain.report import ReportTable


def series_frame(
    data: BaselineData,
    org_code: str,
    *,
    periods: Sequence[dt.date] | None = None,
    nodes: Sequence[tuple[str, str]] = GROUP_COLUMNS,
    measure: str = "fte",
    september_only: bool = False,
    source: SourceKind | str | None = None,
) -> pd.DataFrame:
    """Long series for the org total: period, node, label, value, changes.

    ``periods`` defaults to every census date in the selected workforce table.
    """
    data = data.with_source(source)
    chosen = sorted(periods) if periods is not None else data.select().periods()
    if september_only:
        chosen = [p for p in chosen if p.month == 9]
    records = []
    for period in chosen:
        at, scope = prepare(data, org_code, period)
        total = scope_totals(at, scope, [n for n, _ in nodes]).set_index("node")
        for node, label in nodes:
            value = total[measure].get(node, pd.NA) if len(total) else pd.NA
            records.append(
                {
                    "period": pd.Timestamp(period),
                    "node": node,
                    "label": label,
                    "value": value,
                    "practices": len(scope.members),
                }
            )
    frame = pd.DataFrame.from_records(
        records, columns=["period", "node", "label", "value", "practices"]
    )
    frame["value"] = frame["value"].astype("Float64")
    frame = frame.sort_values(["node", "period"], kind="stable").reset_index(drop=True)
    previous = frame.groupby("node", sort=False)["value"].shift(1)
    first = frame.groupby("node", sort=False)["value"].transform("first")
    frame["change"] = (frame["value"] - previous).astype("Float64")
    frame["% change"] = ratio(frame["change"], previous, 100.0)
    frame["change since first"] = (frame["value"] - first).astype("Float64")
    frame["% change since first"] = ratio(frame["change since first"], first, 100.0)
    return frame.sort_values(["period", "node"], kind="stable").reset_index(drop=True)


def series(
    data: BaselineData,
    org_code: str,
    *,
    periods: Sequence[dt.date] | None = None,
    nodes: Sequence[tuple[str, str]] = GROUP_COLUMNS,
    september_only: bool = False,
    source: SourceKind | str | None = None,
) -> ReportTable:
    """Wide series of WTE for the org total: one row per period, value and change per node."""
    long = series_frame(
        data,
        org_code,
        periods=periods,
        nodes=nodes,
        september_only=september_only,
        source=source,
    )
    periods_seen = sorted(long["period"].unique())
    frame = pd.DataFrame({"Period": [pd.Timestamp(p).date().isoformat() for p in periods_seen]})
    for node, label in nodes:
        sub = long.loc[long["node"] == node].set_index("period")
        frame[f"{label} WTE"] = sub["value"].reindex(periods_seen).to_numpy()
        frame[f"{label} change"] = sub["change"].reindex(periods_seen).to_numpy()
        frame[f"{label} WTE"] = frame[f"{label} WTE"].astype("Float64")
        frame[f"{label} change"] = frame[f"{label} change"].astype("Float64")
    notes = ["Each period aggregates by the hierarchy in force on its census date."]
    non_sep = [p for p in periods_seen if pd.Timestamp(p).month != 9]
    if non_sep:
        notes.append(
            "Not all periods are September censuses (e.g. GPW practice-year figures from FY2021 "
            "are annual means dated 31 March); compare like with like."
        )
    org = data.registry.get(org_code) if org_code in data.registry else None
    name = f"{org.name} ({org.code})" if org else org_code
    return ReportTable(
        key="series",
        title=f"WTE over time: {name}",
        frame=frame,
        notes=tuple(notes),
        sources=data.with_source(source).select().workforce_sources(),
        decimals={c: 1 for c in frame.columns if c != "Period"},
    )


def inequality_frame(
    data: BaselineData,
    org_code: str,
    period: dt.date,
    *,
    node: str = "GP_EXCL_REGISTRARS",
    denominators: Denominators | None = None,
    source: SourceKind | str | None = None,
    child_level: OrgType | None = None,
) -> pd.DataFrame:
    """Highest vs lowest child per 1,000 registered and per 1,000 weighted patients.

    One row per basis: highest and lowest child (code, name, value), ratio, gap, the org's own
    figure and the number of children compared (children with a figure).
    """
    at, scope = prepare(data, org_code, period, source=source, child_level=child_level)
    _, rows = scope_values(at, scope, [node])
    pops = population_rows(at, scope, denominators)
    wte = rows.loc[rows["node"] == node].set_index(["org_code", "row"])["fte"]
    key = pd.MultiIndex.from_frame(pops[["org_code", "row"]])
    pops["wte"] = pd.Series(wte.reindex(key).to_numpy(), dtype="Float64")
    records = []
    for basis in PATIENT_BASES:
        pops["rate"] = ratio(pops["wte"], pops[f"{basis.capitalize()} patients"], 1000.0)
        kids = pops.loc[(pops["row"] == CHILD) & pops["rate"].notna()]
        own = pops.loc[pops["row"] == TOTAL, "rate"].iloc[0]
        if kids.empty:
            records.append(
                {"Basis": f"per 1,000 {basis}", "Children compared": 0, "Organisation": own}
            )
            continue
        hi = kids.loc[kids["rate"].astype(float).idxmax()]
        lo = kids.loc[kids["rate"].astype(float).idxmin()]
        records.append(
            {
                "Basis": f"per 1,000 {basis}",
                "Children compared": len(kids),
                "Highest": f"{hi['org_name']} ({hi['org_code']})",
                "Highest value": hi["rate"],
                "Lowest": f"{lo['org_name']} ({lo['org_code']})",
                "Lowest value": lo["rate"],
                "Organisation": own,
            }
        )
    frame = pd.DataFrame.from_records(
        records,
        columns=[
            "Basis",
            "Children compared",
            "Highest",
            "Highest value",
            "Lowest",
            "Lowest value",
            "Organisation",
        ],
    )
    for col in ("Highest value", "Lowest value", "Organisation"):
        frame[col] = frame[col].astype("Float64")
    frame["Ratio highest/lowest"] = ratio(frame["Highest value"], frame["Lowest value"])
    frame["Gap per 1,000"] = (frame["Highest value"] - frame["Lowest value"]).astype("Float64")
    return frame


def inequality(
    data: BaselineData,
    org_code: str,
    period: dt.date,
    *,
    node: str = "GP_EXCL_REGISTRARS",
    denominators: Denominators | None = None,
    source: SourceKind | str | None = None,
    child_level: OrgType | None = None,
) -> ReportTable:
    frame = inequality_frame(
        data,
        org_code,
        period,
        node=node,
        denominators=denominators,
        source=source,
        child_level=child_level,
    )
    _, scope = prepare(data, org_code, period, source=source, child_level=child_level)
    label = data.taxonomy.node(node).name
    return ReportTable(
        key="inequality",
        title=f"Inequality between sub-areas, {label} WTE per 1,000: {title_suffix(scope)}",
        frame=frame,
        notes=(
            "Ratio = highest / lowest child; gap = highest - lowest (WTE per 1,000 patients).",
            "Per 1,000 weighted patients adjusts for need (Carr-Hill weighting).",
            f"Children without a figure are not compared ({len(row_index(scope)) - 1} in scope).",
        ),
        decimals={
            "Highest value": 3,
            "Lowest value": 3,
            "Organisation": 3,
            "Ratio highest/lowest": 2,
            "Gap per 1,000": 3,
        },
    )
