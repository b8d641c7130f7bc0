"""The skill-mix view as report tables and a chart (Lakeside Surgery's Graph 1, LLR plan 3.3.2)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gpworkforce.domain.report import ReportTable
from gpworkforce.labels import plural
from gpworkforce.reports.charts import stacked_bars
from gpworkforce.reports.model import ReportChart
from gpworkforce.skillmix.catalogue import Catalogue
from gpworkforce.skillmix.mix import MINUTES, SkillMixView
from gpworkforce.skillmix.multiyear import PlanSolution
from gpworkforce.skillmix.optimise import Solution

SMALL = 1e-6

SOURCES = (
    "Skill levels: SWiPe framework as defined in the LLR GP Workforce Plan 2017, Table 7.",
    "Task categories: NHS England national GP appointment categories (Appointments in General"
    " Practice); rates, minutes and productive hours: the skill-mix catalogue (docs/skillmix.md).",
)


def _known(values: list[float], known: list[bool]) -> pd.Series:
    """Values with those not known as NA (Float64), never as a partial sum."""
    return pd.Series(
        [v if k else pd.NA for v, k in zip(values, known, strict=True)], dtype="Float64"
    )


def _bars(view: SkillMixView) -> tuple[str, str, str]:
    return (
        "Current staff",
        "Optimum for today's demand",
        f"Optimum after {view.years} years of demographic change",
    )


def mix_headline(view: SkillMixView) -> tuple[str, ...]:
    """The few figures that matter: staff on tasks today against the optimum, now and after N
    years, and the level with the largest gap."""
    current = view.wte_equivalent(view.supply)
    optimum = view.wte_equivalent(view.optimum)
    future = view.wte_equivalent(view.future)
    out = []
    known = [lv for lv in view.levels if lv not in view.unknown]
    if len(known) == len(view.levels):
        now = sum(current.values())
        out.append(
            f"Staff in post give {now:,.1f} WTE on tasks; the task demand of"
            f" {view.patients:,.0f} patients needs {sum(optimum.values()):,.1f} WTE with every task"
            f" at the least skilled level able to do it, and {sum(future.values()):,.1f} WTE after"
            f" {plural(view.years, 'year')} of demographic change."
        )
    else:
        out.append(
            f"The task demand of {view.patients:,.0f} patients needs"
            f" {sum(optimum.values()):,.1f} WTE on tasks at the least skilled able level, and"
            f" {sum(future.values()):,.1f} WTE after {plural(view.years, 'year')}."
        )
    if known:
        gaps = {lv: future[lv] - current[lv] for lv in known}
        short = max(gaps, key=lambda lv: gaps[lv])
        over = min(gaps, key=lambda lv: gaps[lv])
        if gaps[short] > SMALL:
            out.append(
                f"The largest shortfall after {plural(view.years, 'year')} is at the"
                f" {short.value} level: {gaps[short]:,.1f} WTE more than today."
            )
        if gaps[over] < -SMALL:
            out.append(
                f"The {over.value} level has {-gaps[over]:,.1f} WTE more on tasks today than the"
                " optimum needs then."
            )
    return tuple(out)


def mix_table(view: SkillMixView) -> ReportTable:
    current = view.wte_equivalent(view.supply)
    optimum = view.wte_equivalent(view.optimum)
    future = view.wte_equivalent(view.future)
    known = [lv not in view.unknown for lv in view.levels]
    frame = pd.DataFrame(
        {
            "Skill level": [lv.value for lv in view.levels],
            "WTE employed": _known([view.wte[lv] for lv in view.levels], known),
            "Current (task WTE)": _known([current[lv] for lv in view.levels], known),
            "Optimum (task WTE)": [optimum[lv] for lv in view.levels],
            f"After {view.years} years (task WTE)": [future[lv] for lv in view.levels],
        }
    )
    frame["Optimum minus current"] = frame["Optimum (task WTE)"] - frame["Current (task WTE)"]
    total = {"Skill level": "Total", **{c: frame[c].sum(skipna=False) for c in frame.columns[1:]}}
    total_row = pd.DataFrame([total]).astype(frame.dtypes.to_dict())
    frame = pd.concat([frame, total_row], ignore_index=True)
    return ReportTable(
        key="skill_mix",
        title="Skill mix: current staff, the optimum for task demand, and after demographic change",
        frame=frame,
        notes=(
            f"Task WTE = hours a year on tasks / {view.standard_hours:,.1f} productive hours of a"
            " standard WTE. Current: staff in post at their productive hours. Optimum: every task"
            " at the least skilled level able to do it, plus the supervision it costs.",
            f"Patients {view.patients:,.0f}; demand grows by a factor of"
            f" {view.growth:g} a year for {view.years} years.",
        ),
        sources=SOURCES,
        decimals=dict.fromkeys(frame.columns[1:], 1),
    )


def demand_table(view: SkillMixView, catalogue: Catalogue) -> ReportTable:
    rows = []
    for task in catalogue.tasks:
        level = catalogue.lowest_level(task)
        n = view.demand[task.key]
        rows.append(
            {
                "Task": task.name,
                "Per 1,000 patients a year": task.per_1000,
                "Tasks a year": n,
                f"Tasks a year after {view.years} years": view.future_demand[task.key],
                "Least skilled level able": level.value,
                "Hours a year at that level": n * task.minutes[level] / MINUTES,
            }
        )
    frame = pd.DataFrame(rows)
    return ReportTable(
        key="task_demand",
        title="Demand in tasks a year, by type",
        frame=frame,
        notes=("Hours exclude supervision, which is counted at the supervising level.",),
        sources=SOURCES,
        decimals={c: 0 for c in frame.columns[1:] if c != "Least skilled level able"},
    )


def mix_chart(view: SkillMixView) -> ReportChart:
    bars = _bars(view)
    hours = (view.supply, view.optimum, view.future)
    frame = pd.DataFrame(
        [
            {
                "bar": bar,
                **{
                    lv.value: pd.NA
                    if i == 0 and lv in view.unknown
                    else h[lv] / view.standard_hours
                    for lv in view.levels
                },
            }
            for i, (bar, h) in enumerate(zip(bars, hours, strict=True))
        ]
    )
    cur, opt, fut = (
        sum(h[lv] for lv in view.levels if not (i == 0 and lv in view.unknown))
        / view.standard_hours
        for i, h in enumerate(hours)
    )
    finding = (
        f"Today's staff give {cur:,.1f} WTE on tasks; the optimum mix for today's demand "
        f"needs {opt:,.1f}, and {fut:,.1f} after {view.years} years"
    )
    return stacked_bars(
        frame,
        key="skill_mix_chart",
        finding=finding,
        title="Skill mix by level (task WTE)",
        category="bar",
        series={lv.value: lv.value for lv in view.levels},
        value_title="WTE on tasks",
        series_title="Skill level",
        description=(
            "Three stacked bars of WTE on tasks by skill level: current staff, the optimum mix for"
            f" today's task demand and the optimum after {view.years} years of demographic change."
        ),
        after_table="skill_mix",
    )


def solution_tables(solution: Solution, catalogue: Catalogue) -> tuple[ReportTable, ...]:
    """The levers chosen, what the tasks are done by, and every constraint explained in words."""
    names = {code: role.name for code, role in catalogue.roles.items()}
    levers = [
        {"Lever": f"Recruit {names[code]}", "Amount": wte, "Unit": "WTE"}
        for code, wte in solution.recruits.items()
    ]
    levers += [
        {"Lever": f"Upskill: {name}", "Amount": wte, "Unit": "WTE trained"}
        for name, wte in solution.upskills.items()
    ]
    levers += [
        {"Lever": f"Workload release: {name}", "Amount": wte, "Unit": "GP WTE covered"}
        for name, wte in solution.releases.items()
    ]
    levers.append(
        {"Lever": "Locum conversion", "Amount": solution.locums_converted, "Unit": "locum WTE"}
    )
    lever_table = ReportTable(
        key="levers",
        title=f"Cheapest mix of levers: GBP {solution.cost:,.0f} a year",
        frame=pd.DataFrame(levers),
        notes=(
            "Costs are GBP a year in the target year at the problem's prices.",
            f"Task demand: {solution.demand_basis}.",
        ),
        decimals={"Amount": 2},
    )
    rows = []
    for task in catalogue.tasks:
        done = solution.allocation[task.key]
        rows.append(
            {
                "Task": task.name,
                "Tasks a year": solution.demand[task.key],
                **{lv.code.value: done.get(lv.code, 0.0) for lv in catalogue.levels},
            }
        )
    frame = pd.DataFrame(rows)
    allocation = ReportTable(
        key="task_allocation",
        title="Who does the tasks in the target year (tasks a year by skill level)",
        frame=frame,
        sources=SOURCES,
        decimals=dict.fromkeys(frame.columns[1:], 0),
    )
    constraints = ReportTable(
        key="constraints",
        title="Constraints: which bind and what more of each is worth",
        frame=pd.DataFrame(
            [
                {
                    "Constraint": c.label,
                    "Binding": "yes" if c.binding else "no",
                    "Shadow price (GBP a year per unit)": abs(c.dual) if c.binding else 0.0,
                    "In words": c.explanation,
                }
                for c in solution.constraints
            ]
        ),
        notes=(
            "A shadow price is the change in the optimal yearly cost for one unit more of the"
            " constraint's limit, valid at the margin (small changes).",
        ),
        decimals={"Shadow price (GBP a year per unit)": 2},
    )
    return lever_table, allocation, constraints


def plan_tables(solution: PlanSolution, catalogue: Catalogue) -> tuple[ReportTable, ...]:
    """A multi-year practice solution: the levers a year across the ICS, the WTE by level a year,
    the levers by practice, and the binding constraints in words."""
    names = {code: role.name for code, role in catalogue.roles.items()}
    years = [str(y) for y in solution.years]
    rows: list[dict[str, object]] = []
    for code, cols in solution.recruits.items():
        rows.append({"Lever": f"Recruit {names[code]}", "Unit": "WTE", **_by_year(cols, years)})
    for code, cols in solution.retained.items():
        rows.append({"Lever": f"Retain {names[code]}", "Unit": "WTE", **_by_year(cols, years)})
    for name, cols in solution.starts.items():
        rows.append({"Lever": f"Start {name}", "Unit": "WTE", **_by_year(cols, years)})
    for name, cols in solution.releases.items():
        rows.append(
            {
                "Lever": f"Workload release: {name}",
                "Unit": "GP WTE covered",
                **_by_year(cols, years),
            }
        )
    rows.append(
        {
            "Lever": "Cost of the levers",
            "Unit": "GBP",
            **dict(zip(years, solution.cost_by_year.tolist(), strict=True)),
        }
    )
    levers = ReportTable(
        key="plan_levers",
        title=f"Cheapest levers year by year across {len(solution.practices)} practices:"
        f" GBP {solution.cost:,.0f} over the plan",
        frame=pd.DataFrame(rows),
        notes=(
            "Cost of the levers: the pay of the staff the levers add or keep, training, retention"
            " and workload release, less the pay saved by staff who move role; a year, and over the"
            " plan (discounted at the problem's rate).",
            f"Task demand: {solution.demand_basis}.",
        ),
        decimals=dict.fromkeys(years, 2),
    )
    wte = [
        {
            "Skill level": level.value,
            **_by_year(hours / catalogue.productive_hours, years),
        }
        for level, hours in solution.level_hours.items()
    ]
    by_level = ReportTable(
        key="plan_levels",
        title="Task WTE by skill level a year (hours on tasks / standard productive hours)",
        frame=pd.DataFrame(wte),
        sources=SOURCES,
        decimals=dict.fromkeys(years, 1),
    )
    last = len(years) - 1
    practice_rows = []
    for j, (code, name) in enumerate(
        zip(solution.practices.codes, solution.practices.names, strict=True)
    ):
        row: dict[str, object] = {"Practice": name, "Code": code}
        for role, cols in solution.recruits.items():
            row[f"Recruit {names[role]} (WTE, all years)"] = float(cols[j].sum())
        for path, cols in solution.starts.items():
            row[f"Start {path} (WTE, all years)"] = float(cols[j].sum())
        for role, cols in solution.stock.items():
            row[f"{names[role]} WTE {years[last]}"] = float(cols[j, last])
        practice_rows.append(row)
    frame = pd.DataFrame(practice_rows)
    practices = ReportTable(
        key="plan_practices",
        title="Levers by practice",
        frame=frame,
        decimals=dict.fromkeys(frame.columns[2:], 2),
    )
    constraints = ReportTable(
        key="plan_constraints",
        title="Binding constraints and what one more of each is worth",
        frame=pd.DataFrame(
            [
                {
                    "Constraint": e.label,
                    "Practices (of rows)": f"{e.binding} of {e.rows}",
                    "Shadow price (GBP over the plan per unit)": abs(e.dual),
                    "In words": e.explanation,
                }
                for e in solution.binding()
            ],
            columns=[
                "Constraint",
                "Practices (of rows)",
                "Shadow price (GBP over the plan per unit)",
                "In words",
            ],
        ),
        notes=(
            "Shadow price: the change in the optimal cost over the plan for one unit more of the"
            " constraint's limit, valid for small changes; per-practice constraints show the mean"
            " over the practices where they bind.",
        ),
        decimals={"Shadow price (GBP over the plan per unit)": 0},
    )
    return levers, by_level, practices, constraints


def _by_year(cols: object, years: list[str]) -> dict[str, float]:
    """ICS totals a year of a (practices, years) array, or a (years,) array as it is."""
    values = np.asarray(cols, dtype=float)
    if values.ndim == 2:
        values = values.sum(axis=0)
    return dict(zip(years, values.tolist(), strict=True))
