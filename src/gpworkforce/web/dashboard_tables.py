"""The dashboard's own tables and charts besides the library's baseline report.

- A September-to-September series of GPW figures (:func:`gpw_series`).
- Each accepted return against the practice's GPW figures, flagging large differences as
  data-quality queries (:func:`gpw_comparison`).
- Static SVG charts of the staff and series tables (:func:`charts_for`).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from gpworkforce import labels
from gpworkforce.baseline import BaselineData, SourceKind
from gpworkforce.baseline.series import series
from gpworkforce.domain.report import ReportTable
from gpworkforce.errors import UserError
from gpworkforce.reports.charts import grouped_bars, time_series
from gpworkforce.reports.svg import chart_svg
from gpworkforce.tables import resolve_many

COMPARE_NODES = tuple((node, labels.role(node)) for node in ("GP_QUALIFIED", "ADMIN"))
QUERY_ABS_WTE = 1.0  # a difference is queried when above both of these
QUERY_REL = 0.20
MAX_GPW_DISTANCE_DAYS = 366  # the nearest GPW period must be within a year


def charts_for(tables: tuple[ReportTable, ...]) -> tuple[tuple[str, str], ...]:
    """Static SVG charts (Altair via the reports package) for the staff and series tables."""
    out: list[tuple[str, str]] = []
    by_key = {t.key: t for t in tables}
    staff = by_key.get("staff_by_group")
    if staff is not None:
        frame = staff.frame
        # the areas only: a total on the same axis would make each area look tiny
        if "row" in frame.columns and (frame["row"] == "child").any():
            frame = frame.loc[frame["row"] == "child"]
        category = "org_name" if "org_name" in frame.columns else str(frame.columns[0])
        wte = {
            c: c.removesuffix(" WTE")
            for c in map(str, frame.columns)
            if c.endswith(" WTE") and not c.startswith("Total")
        }
        if wte and frame[list(wte)].notna().any().any():
            chart = grouped_bars(
                frame,
                key="staff_wte",
                title="WTE by staff group in each area",
                category=category,
                series=wte,
                value_title="WTE",
                description="Whole-time equivalent staff by staff group in each area (the total is in the table).",
            )
            out.append(("staff_by_group", chart_svg(chart)))
    trend = by_key.get("gpw_series")
    if trend is not None:
        wide = trend.frame
        period = str(wide.columns[0])
        labels = {c: c.removesuffix(" WTE") for c in map(str, wide.columns) if c.endswith(" WTE")}
        if labels and wide[list(labels)].notna().any().any():
            chart = time_series(
                wide,
                key="gpw_trend",
                title="GPW WTE, September to September",
                period=period,
                series=labels,
                value_title="WTE",
                description="NHS Digital GPW whole-time equivalent staff each September.",
            )
            out.append(("gpw_series", chart_svg(chart)))
    return tuple(out)


def gpw_series(data: BaselineData, org_code: str, census: dt.date) -> ReportTable | None:
    """September-to-September WTE of the GPW groups, by the hierarchy of each September."""
    gpw = data if data.selected else data.select(SourceKind.GPW)
    septembers = [p for p in gpw.periods() if p.month == census.month and p.day == census.day]
    if len(septembers) < 2:
        return None
    try:
        table = series(gpw, org_code, periods=septembers, nodes=list(COMPARE_NODES))
    except UserError:
        return None
    return ReportTable(
        key="gpw_series",
        title=f"NHS Digital GPW WTE, {census:%B} to {census:%B}: {org_code}",
        frame=table.frame,
        notes=(*table.notes, "Source: NHS Digital General Practice Workforce (practice level)."),
        sources=table.sources,
        decimals=table.decimals,
    )


def gpw_comparison(data: BaselineData, org_code: str, census: dt.date) -> ReportTable | None:
    """Each accepted return against the practice's GPW figure for the nearest period (<= 1 year)."""
    practices = set(data.registry.practices_under(org_code, census))
    wf = data.workforce.loc[data.workforce["practice_code"].isin(practices)]
    target = pd.Timestamp(census)
    own = wf.loc[wf["source_id"].str.startswith("practice-return:") & (wf["period"] == target)]
    # resolve works per practice, period and source, so rows outside the window can go first
    near = (wf["period"] - target).abs() <= pd.Timedelta(days=MAX_GPW_DISTANCE_DAYS)
    gpw = wf.loc[wf["source_id"].str.startswith("gpw") & near]
    if own.empty or gpw.empty:
        return None
    nodes = [node for node, _ in COMPARE_NODES]
    returned = resolve_many(own, nodes, data.taxonomy)
    published = resolve_many(gpw, nodes, data.taxonomy)
    names = {code: org.name for code, org in data.registry.organisations.items()}
    rows: list[tuple[object, ...]] = []
    for node, label in COMPARE_NODES:
        ret = returned[node].drop_duplicates("practice_code").set_index("practice_code")["fte"]
        pub = published[node]
        pub = pub.loc[pub["fte"].notna()].copy()
        pub["distance"] = (pub["period"] - target).abs()
        pub = pub.sort_values(["practice_code", "distance", "source_id"]).drop_duplicates(
            "practice_code"
        )
        pub = pub.loc[pub["practice_code"].isin(ret.index)]
        for code, period, gpw_fte in zip(
            pub["practice_code"], pub["period"], pub["fte"], strict=True
        ):
            mine = ret[code]
            diff = None if pd.isna(mine) else float(mine) - float(gpw_fte)
            query = diff is not None and abs(diff) > max(QUERY_ABS_WTE, QUERY_REL * float(gpw_fte))
            rows.append(
                (
                    code,
                    names.get(code, ""),
                    label,
                    mine,
                    float(gpw_fte),
                    period.date(),
                    diff,
                    "Query" if query else "",
                )
            )
    if not rows:
        return None
    frame = pd.DataFrame(
        rows,
        columns=[
            "Practice",
            "Name",
            "Staff group",
            "Return WTE",
            "GPW WTE",
            "GPW period",
            "Difference WTE",
            "Data quality",
        ],
    )
    for col in ("Return WTE", "GPW WTE", "Difference WTE"):
        frame[col] = frame[col].astype("Float64")
    frame = frame.sort_values(["Data quality", "Practice"], ascending=[False, True], kind="stable")
    return ReportTable(
        key="gpw_comparison",
        title=f"Accepted returns against NHS Digital GPW: {org_code}, {labels.date_text(census)}",
        frame=frame.reset_index(drop=True),
        notes=(
            f"'Query' marks a difference of more than {QUERY_ABS_WTE:g} WTE and more than "
            f"{QUERY_REL:.0%} of the GPW figure: a data-quality question for the practice.",
            "GPW figure: the nearest GPW period within a year of the census date.",
        ),
        decimals={"Return WTE": 1, "GPW WTE": 1, "Difference WTE": 1},
    )
