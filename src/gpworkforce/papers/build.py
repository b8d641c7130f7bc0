"""Assemble a committee paper from what the tool computed: baseline, scenarios, delivery, risks.

Key messages are written from the figures by fixed sentences (no free text is generated), so the
same inputs always give the same paper. Sections without inputs are left out, and the paper says
what it does not cover.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from gpworkforce.baseline.scope import TOTAL
from gpworkforce.delivery.charts import risk_heat_map, timeline_chart
from gpworkforce.delivery.plan import CellStatus, TimelineCell, overdue_milestones
from gpworkforce.delivery.risks import DEFAULT_BANDS, Risk, movement
from gpworkforce.domain.orgs import OrgType
from gpworkforce.domain.report import ReportTable
from gpworkforce.labels import money
from gpworkforce.papers.headline import (
    BaselineHeadline,
    HeadlineChange,
    baseline_headline,
    comparable,
    fmt_number,
    fmt_pct,
    fmt_signed,
    headline_change,
)
from gpworkforce.papers.model import Figure, Paper, Section
from gpworkforce.reports.chart_checks import title_text
from gpworkforce.reports.model import Report, ReportChart

__all__ = [
    "PaperInputs",
    "ScenarioResult",
    "SkillMixChapter",
    "build_paper",
    "scenario_result",
    "skill_mix_chapter",
]


@dataclass(frozen=True)
class ScenarioResult:
    """What the paper needs of one forecast run."""

    name: str
    description: str
    series: pd.DataFrame  # date, line, central[, p10, p90]
    target_label: str | None = None
    target_wte: float | None = None
    target_date: dt.date | None = None
    probability: float | None = None  # of meeting the target (Monte Carlo runs)
    draws: int = 0  # draws that vary an uncertain assumption (none: no range, no chance)
    # draws were asked for but no assumption is uncertain: every draw is the central case
    nothing_uncertain: bool = False
    # which band P10/P90 are (decision 0166): "evaluated", "model" (the model's own draws) or
    # "" (no range); ``band_note`` says so in a sentence, ``chance_text`` is the chance of
    # meeting the target read from the evaluated band
    band: str = ""
    band_note: str = ""
    chance_text: str | None = None
    track_record: tuple[str, ...] = ()  # how well the method has done here before


MODEL_BAND_WORDS = (
    "the model's own band: the spread of its draws over the scenario's uncertain assumptions,"
    " not checked against what happened; past forecasts found such bands too wide and"
    " lopsided, so read it with caution"
)


def band_note(name: str, entry: dict[str, Any] | None, drawn: bool) -> tuple[str, str]:
    """Which band a scenario's P10 and P90 are, from its run record's ``band`` entry (the same
    entry from ``gpworkforce forecast`` and a web run): ``(kind, sentence)``; kind "evaluated",
    "model" or "" (no range: no draws of an uncertain assumption)."""
    from gpworkforce.forecast.evaluation_labels import LEVELS, METHOD_LABELS

    entry = entry or {}
    if entry.get("kind") == "evaluated":
        years = sorted({y for h in entry.get("horizons", []) for y in h.get("starting_years", [])})
        span = f"{years[0]} to {years[-1]}" if len(years) > 1 else "".join(map(str, years))
        reach = max((h["years_ahead"] for h in entry.get("horizons", [])), default=0)
        return "evaluated", (
            f"{name}: P10 to P90 is the evaluated band"
            f" ({LEVELS.get(entry.get('level', ''), '')}, {METHOD_LABELS.get(entry.get('method', ''), '')},"
            f" made from the starting years {span or 'none'}): the central case times how far"
            " this method's past forecasts of fully qualified GPs were from what GPW later"
            f" showed, up to {_plural(reach, 'year')} ahead."
        )
    if not drawn:
        return "", ""
    why = entry.get("why_not_evaluated") or "none was asked for"
    return "model", f"{name}: P10 to P90 is {MODEL_BAND_WORDS} (no evaluated band: {why})."


def scenario_result(run: Any, why_not_evaluated: str = "") -> ScenarioResult:
    """A :class:`ScenarioResult` from a :class:`gpworkforce.forecast.runner.ForecastRun`; with
    the evaluated band when the run has one (``runner.with_evaluated_band``), else the model's
    own, ``why_not_evaluated`` saying why."""
    from gpworkforce.forecast.evaluated_band import band_along, band_at_target

    s = run.loaded.scenario
    t = s.target
    probability = None
    drawn = run.varied_draws
    for table in run.tables:
        if table.key == "target" and "probability_meeting_target" in table.frame.columns and drawn:
            probability = float(table.frame["probability_meeting_target"].iloc[0])
    target_wte = None
    if t is not None and t.wte is not None:
        target_wte = float(t.wte)
    elif t is not None and t.per_1000 is not None:
        for table in run.tables:
            if table.key == "target" and "target_wte" in table.frame.columns:
                target_wte = float(table.frame["target_wte"].iloc[0])
    series = run.series if run.series is not None else pd.DataFrame()
    entry = dict(run.record.band or {})
    if entry.get("kind") != "evaluated" and why_not_evaluated:
        entry = {"kind": "draws", "why_not_evaluated": why_not_evaluated}
    kind, note = band_note(s.name, entry, bool(drawn))
    chance_text = None
    if kind == "evaluated" and not series.empty:
        series = _with_band(series, run.band, band_along)
        if target_wte is not None and t is not None:
            at = band_at_target(run.band, t.date, target_wte)
            chance_text = at.chance_text() if at is not None else None
        probability = None  # the draws' chance is not the band's
    elif not drawn:  # a range of draws that vary nothing is the central case again: none shown
        series = series.drop(columns=["p10", "p50", "p90"], errors="ignore")
    return ScenarioResult(
        name=s.name,
        description=s.description,
        series=series,
        target_label=t.label if t is not None else None,
        target_wte=target_wte,
        target_date=t.date if t is not None else None,
        probability=probability,
        draws=drawn,
        nothing_uncertain=bool(run.draws) and not drawn,
        band=kind,
        band_note=note,
        chance_text=chance_text,
    )


def _with_band(series: pd.DataFrame, band: pd.DataFrame, along: Any) -> pd.DataFrame:
    """The forecast's supply rows with the evaluated band's P10/P90 (``band_along``) in place of
    the draws'; none where the band gives none."""
    out = series.copy()
    supply = out["measure"] == "supply" if "measure" in out.columns else out.index == out.index
    rows = out.loc[supply]
    start = rows["date"].iloc[0] if len(rows) else None
    values = along(list(zip(rows["date"], rows["central"], strict=True)), start, band)
    for q in ("p10", "p90"):
        out[q] = float("nan")
        out.loc[supply, q] = [b[q] if b is not None else float("nan") for b in values]
    return out.drop(columns=[c for c in ("p50",) if c in out.columns])


Measure = tuple[str, float, float | None, float | None]  # title, central, p10, p90


@dataclass(frozen=True)
class SkillMixChapter:
    """The skill-mix chapter (issue 16): the headline, the table and chart of the current mix by
    skill level against the optimum for the task demand and after N years (LLR plan Graph 1),
    and, where one was run, the headline of the cheapest mix of levers."""

    headline: tuple[str, ...]
    table: ReportTable
    chart: ReportChart
    notes: tuple[str, ...] = ()
    optimisation: tuple[str, ...] = ()


def skill_mix_chapter(view: Any, optimisation: Sequence[str] = ()) -> SkillMixChapter:
    """The chapter of a :class:`gpworkforce.skillmix.mix.SkillMixView`."""
    from gpworkforce.skillmix.report import mix_chart, mix_headline, mix_table

    return SkillMixChapter(
        headline=mix_headline(view),
        table=mix_table(view),
        chart=mix_chart(view),
        notes=(
            "Skill levels are the SWiPe levels of the LLR GP Workforce Plan (Table 7). The optimum"
            " does every task at the least skilled level able to do it: the most substitution the"
            " task catalogue allows, not a costed plan. Its task rates, minutes and productive"
            " hours are illustrative defaults to be replaced with local figures.",
        ),
        optimisation=tuple(optimisation),
    )


@dataclass(frozen=True)
class CostSummary:
    """One costed scenario: each measure's cost a year at the end of the forecast, in real terms
    (``base_year`` prices) and in cash terms (with the cost model's pay uplifts)."""

    scenario: str
    base_year: str  # the price base year, a financial year ("2017/18")
    end: dt.date
    measures: tuple[Measure, ...]  # real terms
    gap_wte_end: float | None = None
    cash: tuple[Measure, ...] = ()  # cash terms, the same measures


def cost_summary(costed: Any) -> CostSummary:
    """A :class:`CostSummary` from :func:`gpworkforce.finance.runner.cost_scenario`'s result."""
    import numpy as np

    from gpworkforce.finance.costing import ALL, MEASURES

    rows, wf = costed.rows, costed.workforce

    def at_end(terms: str) -> tuple[Measure, ...]:
        out = []
        for key, title in MEASURES.items():
            if (key, ALL, ALL, terms) not in rows.keys:
                continue
            arr = rows.get(key, terms=terms)
            lo = hi = None
            if arr.shape[0] > 1:
                lo, hi = (float(x) for x in np.quantile(arr[1:, -1], [0.1, 0.9]))
            out.append((title, float(arr[0, -1]), lo, hi))
        return tuple(out)

    gap = None
    if wf.gap is not None:
        gap = float(max(wf.gap[0][-1], 0.0))
    return CostSummary(
        scenario=wf.scenario,
        base_year=str(costed.model.prices.base_year),
        end=rows.dates[-1],
        measures=at_end("real"),
        gap_wte_end=gap,
        cash=at_end("cash"),
    )


@dataclass(frozen=True)
class PlanScoreSummary:
    """A past plan scored against actuals (:func:`gpworkforce.plans.scoring.score_plan`)."""

    plan_name: str
    source: str
    table: ReportTable
    chart: ReportChart | None
    messages: tuple[str, ...]


def plan_score_summary(plan: Any, result: Any) -> PlanScoreSummary:
    """The scored plan as the paper shows it: one row per scenario, the chart of the GP series."""
    from gpworkforce.plans import outputs
    from gpworkforce.plans.model import STAFF_GROUP_LABELS

    rows = []
    for sc in result.scenarios:
        rows.append(
            {
                "Scenario": sc.scenario,
                "Staff group": STAFF_GROUP_LABELS[sc.staff_group],
                "Years scored": sc.years,
                "Average error within the plan's years %": sc.mape_horizon,
                "Latest actual": sc.last_date,
                "Actual WTE": sc.last_actual,
                "Plan WTE": sc.last_plan,
                "Plan above actual by %": sc.last_error_pct,
            }
        )
    table = ReportTable(
        key="plan_score",
        title=f"{plan.name}: each scenario against the actuals",
        frame=pd.DataFrame(rows),
        notes=(
            "Average error = mean absolute percentage error over the years within the plan's horizon. "
            "Actuals are counted on the same definition as the plan (like for like).",
        ),
        decimals={
            "Average error within the plan's years %": 1,
            "Actual WTE": 1,
            "Plan WTE": 1,
            "Plan above actual by %": 1,
        },
    )
    messages = []
    if result.scenarios:
        best = min(result.scenarios, key=lambda sc: sc.mape_horizon)
        messages.append(
            f"Of the {_plural(len(result.scenarios), 'scenario')} of {plan.name}, {best.scenario} came closest to what "
            f"happened, with an average error of {best.mape_horizon:.1f}% over the plan's years; "
            f"by {_date(best.last_date)} the actual was {best.last_actual:,.1f} WTE against {best.last_plan:,.1f} planned."
        )
        first = result.scenarios[0]
        if first.target is not None and first.target_date is not None:
            actual = next((r.actual for r in result.rows if r.date == first.target_date), None)
            if actual is not None:
                short = first.target - actual
                messages.append(
                    f"The target of {first.target:,.1f} WTE (on the same definition) for {_date(first.target_date)} was "
                    + (
                        f"missed by {short:,.1f} WTE: the actual was {actual:,.1f}."
                        if short > 0
                        else f"met: the actual was {actual:,.1f}."
                    )
                )
    chart = None
    groups = sorted({sc.staff_group for sc in result.scenarios}, key=lambda g: g.value)
    if groups:
        group = groups[0]
        sub = result.model_copy(
            update={"rows": tuple(r for r in result.rows if r.staff_group is group)}
        )
        first = next(sc for sc in result.scenarios if sc.staff_group is group)
        target = plan.target_for(group)
        mark = None
        if target is not None and first.target is not None:
            mark = (target.date, first.target, f"Target {first.target:,.0f} WTE")
        title = f"{plan.name}: scenarios against what happened"
        layered = outputs.plan_chart(title, outputs.score_chart_frame(sub), mark)
        description = f"{STAFF_GROUP_LABELS[group]} WTE planned by each scenario and the actual each year, with the target."
        spec = layered.properties(width=560, description=description).to_dict(validate=False)
        chart = ReportChart(
            key="plan_score_chart", title=title_text(spec), spec=spec, description=description
        )
    return PlanScoreSummary(
        plan_name=plan.name,
        source=result.source,
        table=table,
        chart=chart,
        messages=tuple(messages),
    )


ALLOCATION_COLUMNS = {
    "organisation": "Organisation",
    "financial_year": "Year",
    "allocation_gbp_thousands": "Allocation £k",
    "total_primary_care_spend_gbp_thousands": "Primary care spend £k",
    "spend_share_pct": "Share of allocation %",
    "meets_minimum": "Meets the minimum",
    "meets_aspiration": "Meets the aspiration",
}


def allocation_summary(tables: Sequence[ReportTable]) -> ReportTable:
    """The allocations table (:func:`gpworkforce.finance.runner.allocation_tables`) for a board."""
    t = tables[0]
    frame = t.frame.loc[:, [c for c in ALLOCATION_COLUMNS if c in t.frame.columns]].rename(
        columns=ALLOCATION_COLUMNS
    )
    return ReportTable(
        key="allocations",
        title="Primary care spend as a share of allocation",
        frame=frame.reset_index(drop=True),
        notes=tuple(humanise(n) for n in t.notes[:2]),
        decimals={"Allocation £k": 0, "Primary care spend £k": 0, "Share of allocation %": 2},
    )


def allocation_message(table: ReportTable, minimum_pct: float, aspiration_pct: float) -> str:
    """One sentence a board reads from :func:`allocation_summary`'s table: the latest year's share
    across all organisations against the two thresholds, and who was below the minimum."""
    frame = table.frame
    if frame.empty or "Year" not in frame.columns:
        return ""
    year = max(frame["Year"])
    part = frame[frame["Year"] == year]
    total = part[part["Organisation"] == "All organisations"]
    below = [
        str(o)
        for o, m in zip(part["Organisation"], part["Meets the minimum"], strict=True)
        if m == "no" and o != "All organisations"
    ]
    text = f"In {year}, "
    if len(total):
        text += (
            f"primary care spend was {float(total['Share of allocation %'].iloc[0]):.2f}% of the "
            f"allocation across all organisations (minimum {minimum_pct:g}%, aspiration "
            f"{aspiration_pct:g}%); "
        )
    return text + (
        f"below the minimum: {', '.join(below)}."
        if below
        else "no organisation was below the minimum."
    )


@dataclass(frozen=True)
class PaperInputs:
    baseline: Report
    organisation: str  # name as people know it
    period: dt.date
    source_note: str  # which source the baseline used and why
    meeting: str = "Workforce programme board"
    date: dt.date | None = None  # the meeting date; default: the as-of date
    as_of: dt.date | None = None  # the day delivery and risks are judged on
    scenarios: Sequence[ScenarioResult] = ()
    risks: Sequence[Risk] | None = None
    timeline: Sequence[TimelineCell] | None = None
    author: str = ""
    extra_sources: Sequence[str] = field(default_factory=tuple)
    costs: Sequence[CostSummary] = ()
    allocations: ReportTable | None = None
    allocation_note: str = ""
    plan_score: PlanScoreSummary | None = None
    # the baseline of the quarter before (same source and definitions), for the change since then;
    # ``previous_period`` is the date asked for, also when it has no figures (``previous`` None)
    previous: Report | None = None
    previous_period: dt.date | None = None
    # what the area tables' rows are, one and many (``--rows``): "practice", "practices"
    rows_label: tuple[str, str] = ("area", "areas")
    skill_mix: SkillMixChapter | None = None
    # the full appendices (``--full-appendices``): every area's rows, each scenario year by year,
    # the risk register's reviews and mitigations, the implementation plan's deliverables
    full_appendices: bool = False


# what the area tables' rows are called, one and many, by the level they list (``--rows``, the web's
# "Areas the tables list")
AREA_WORDS: dict[OrgType, tuple[str, str]] = {
    OrgType.SUB_ICB: ("sub-ICB area", "sub-ICB areas"),
    OrgType.PCN: ("PCN", "PCNs"),
    OrgType.PRACTICE: ("practice", "practices"),
}


# --- helpers ------------------------------------------------------------------------------------

_INTERNAL = ("org_code", "row")
_CODE_IN_BRACKETS = re.compile(r"\s*\((?:[A-Z][A-Z0-9]*_)+[A-Z0-9]+\)")


def humanise(text: str) -> str:
    """Text without internal taxonomy codes in brackets, e.g. "GPs (GP_EXCL_REGISTRARS)" -> "GPs"."""
    return _CODE_IN_BRACKETS.sub("", text)


def board_table(
    table: ReportTable,
    key: str,
    title: str,
    columns: Sequence[str] | None = None,
    rename: dict[str, str] | None = None,
    rows: pd.Series | None = None,
    notes: Sequence[str] | None = None,
) -> ReportTable:
    """A baseline table as a board reads it: no internal columns, human headers, fewer columns."""
    frame = table.frame if rows is None else table.frame.loc[rows]
    keep = [c for c in (columns or frame.columns) if c not in _INTERNAL and c in frame.columns]
    names = {"org_name": "Organisation", "practices": "Practices"} | (rename or {})
    out = frame.loc[:, keep].rename(columns=names).reset_index(drop=True)
    decimals = {names.get(c, c): d for c, d in dict(table.decimals).items() if c in keep}
    return ReportTable(
        key=key,
        title=title,
        frame=out,
        notes=tuple(humanise(n) for n in (table.notes if notes is None else notes)),
        decimals=decimals,
    )


# A table longer than this prints its total and the SHOWN_ROWS rows that matter most; the whole
# table is in the Excel data pack only (decision 0097: a board reads the few rows that stand out,
# and every printed row costs layout time).
PRINT_ROWS = 25
SHOWN_ROWS = 10


def printed(
    source: ReportTable, table: ReportTable, rank: str, phrase: str, words: tuple[str, str]
) -> tuple[ReportTable, ReportTable | None]:
    """The table as printed and, when it is longer than :data:`PRINT_ROWS`, the whole table for
    the data pack. The printed one keeps the total rows (``row`` = total in the baseline table)
    and the :data:`SHOWN_ROWS` others with the largest ``rank``, largest first."""
    frame = table.frame
    if len(frame) <= PRINT_ROWS or rank not in frame.columns:
        return table, None
    if "row" in source.frame.columns and len(source.frame) == len(frame):
        total = (source.frame["row"] == TOTAL).to_numpy()
    else:
        total = pd.Series(False, index=frame.index).to_numpy()
    children = frame.loc[~total]
    top = children.sort_values(rank, ascending=False, kind="stable", na_position="last")
    shown = pd.concat([top.head(SHOWN_ROWS), frame.loc[total]]).reset_index(drop=True)
    one, many = words
    short = replace(
        table,
        title=f"{table.title}: the {SHOWN_ROWS} {many} {phrase}",
        frame=shown,
        notes=(
            f"All {_plural(len(children), one, many)} are in the Excel data pack "
            f'("{table.title}, every {one}").',
            *table.notes,
        ),
    )
    whole = replace(table, key=f"{table.key}_all", title=f"{table.title}, every {one}")
    return short, whole


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


def _date(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


def _strip_suffix(title: str) -> str:
    return re.sub(r":\s.*\d{4}-\d{2}-\d{2}$", "", title)


# --- sections -----------------------------------------------------------------------------------


def _baseline_messages(h: BaselineHeadline) -> list[str]:
    out = []
    if h.gp_wte is not None:
        text = f"{h.organisation} had {fmt_number(h.gp_wte)} WTE GPs (excluding registrars) on {_date(h.period)}"
        if h.gp_per_1000 is not None:
            text += f", {h.gp_per_1000:.3f} per 1,000 registered patients"
        if h.target_per_1000 is not None and h.gap is not None:
            side = "short of" if h.gap > 0 else "above"
            text += (
                f" against a target of {h.target_per_1000:.2f}: {fmt_number(abs(h.gap))} WTE {side} "
                f"the {fmt_number(h.wte_needed)} WTE the target needs"
            )
        out.append(text + ".")
    if h.gp_over55_pct is not None:
        out.append(
            f"{fmt_pct(h.gp_over55_pct)} of partner and salaried GP WTE ({fmt_number(h.gp_over55_wte)} WTE) "
            "is aged 55 or over and could retire within the plan period."
        )
    if h.locum_wte is not None and h.locum_pct is not None:
        out.append(
            f"Locums provided {fmt_number(h.locum_wte)} WTE, {fmt_pct(h.locum_pct)} of GP WTE."
        )
    if h.gp_vacant_wte is not None:
        out.append(
            f"Practices reported {fmt_number(h.gp_vacant_wte)} WTE of GP vacancies, "
            f"{fmt_number(h.gp_vacant_3m_wte)} WTE of them open for 3 months or more."
        )
    if h.expected is not None and h.returned is not None:
        who = (
            f"All {h.expected:,} practices"
            if h.returned == h.expected
            else f"{_plural(h.returned, 'practice')} of {h.expected:,}"
        )
        out.append(f"{who} returned workforce data ({fmt_pct(h.response_pct)}).")
    return out


def _change(inputs: PaperInputs, h: BaselineHeadline) -> HeadlineChange | None:
    if inputs.previous is None or inputs.previous_period is None:
        return None
    before = baseline_headline(inputs.previous, inputs.organisation, inputs.previous_period)
    return headline_change(h, before) if comparable(before) else None


def _change_message(inputs: PaperInputs, change: HeadlineChange | None) -> str | None:
    """One sentence on the change since the quarter before (or why there is none)."""
    if inputs.previous_period is None:
        return None
    if change is None or change.gp_wte is None:
        return (
            f"Change since {_date(inputs.previous_period)}: not available (no accepted returns "
            "or figures from the same source for that date)."
        )
    word = "rose" if change.gp_wte > 0 else "fell" if change.gp_wte < 0 else "did not change"
    text = f"GP WTE {word}"
    if change.gp_wte != 0:
        text += f" by {fmt_number(abs(change.gp_wte))} WTE"
    text += f" since {_date(change.since)} (from {fmt_number(change.gp_wte_before)} WTE)"
    if change.total_wte is not None:
        text += f"; all staff changed by {fmt_signed(change.total_wte)} WTE"
    return text + "."


def _baseline_sections(
    inputs: PaperInputs, h: BaselineHeadline, change: HeadlineChange | None = None
) -> list[Section]:
    t = {x.key: x for x in inputs.baseline.tables}
    charts = {c.key: c for c in inputs.baseline.charts}
    figures = [Figure(label, fmt_number(v), "WTE") for label, v in h.wte]
    if inputs.previous_period is not None:
        figures.append(
            Figure(
                f"GP WTE change since {_date(inputs.previous_period)}",
                fmt_signed(change.gp_wte if change is not None else None),
                f"WTE, from {fmt_number(change.gp_wte_before)}"
                if change is not None and change.gp_wte is not None
                else "no figures for that date",
            )
        )
    if h.gp_per_1000 is not None:
        figures.append(
            Figure(
                "GP WTE per 1,000 patients",
                f"{h.gp_per_1000:.3f}",
                f"target {h.target_per_1000:.2f}" if h.target_per_1000 is not None else "",
            )
        )
    if h.gap is not None:
        figures.append(
            Figure(
                "Shortfall against target" if h.gap > 0 else "Above target",
                fmt_number(abs(h.gap)),
                "WTE GPs",
            )
        )
    if h.response_pct is not None:
        figures.append(
            Figure(
                "Practices that returned data",
                fmt_pct(h.response_pct),
                f"{h.returned} of {h.expected}",
            )
        )
    sections = []
    tables = []
    whole_tables: list[ReportTable | None] = []
    if "staff_by_group" in t:
        cols = [
            "org_name",
            "practices",
            "GPs excl. registrars WTE",
            "Nurses WTE",
            "Other clinical (DPC) WTE",
            "Admin/non-clinical WTE",
            "Total WTE",
        ]
        short, whole = printed(
            t["staff_by_group"],
            board_table(
                t["staff_by_group"],
                "staff_wte",
                "Staff WTE by staff group",
                cols,
                {
                    "GPs excl. registrars WTE": "GPs WTE",
                    "Other clinical (DPC) WTE": "Other clinical WTE",
                    "Admin/non-clinical WTE": "Admin WTE",
                },
            ),
            "Total WTE",
            "with the most staff (WTE)",
            inputs.rows_label,
        )
        tables.append(short)
        whole_tables.append(whole)
    if "target_gap" in t:
        short, whole = printed(
            t["target_gap"],
            board_table(
                t["target_gap"],
                "target_gap",
                "GP WTE against the per-1,000 target",
                [
                    "org_name",
                    "Registered patients",
                    "WTE",
                    "WTE per 1,000",
                    "Target per 1,000",
                    "WTE needed",
                    "Gap (WTE)",
                ],
                {"WTE": "GP WTE", "Gap (WTE)": "Shortfall (WTE)"},
            ),
            "Shortfall (WTE)",
            "furthest below the target",
            inputs.rows_label,
        )
        tables.append(short)
        whole_tables.append(whole)
    sections.append(
        Section(
            key="baseline",
            title="The workforce today",
            paragraphs=(
                f"Figures for {inputs.organisation} on {_date(inputs.period)}. {inputs.source_note}",
                *_baseline_messages(h),
            ),
            figures=tuple(figures),
            tables=tuple(tables),
            # a bar a row: unreadable on A4 when the table is long (its top rows are printed)
            charts=tuple(
                c
                for k, c in charts.items()
                if k == "target_gap_chart" and not any(w is not None for w in whole_tables)
            ),
            data_tables=tuple(x for x in whole_tables if x is not None),
        )
    )
    risk_tables = []
    whole_tables = []
    if "over_55" in t:
        frame = t["over_55"].frame
        risk_tables.append(
            board_table(
                t["over_55"],
                "over_55",
                "WTE aged 55 and over by role",
                ["Staff group", "Job role", "WTE (known age)", "WTE aged 55+", "% WTE aged 55+"],
                rows=frame["Staff group"].isin(["GP", "Nurses", "Total"]),
            )
        )
    if "over_55_by_area" in t:
        short, whole = printed(
            t["over_55_by_area"],
            board_table(
                t["over_55_by_area"],
                "over_55_by_area",
                "Staff aged 55 and over",
                [
                    "org_name",
                    "GPs % aged 55+",
                    "Nurses % aged 55+",
                    "Other clinical (DPC) % aged 55+",
                    "Admin/non-clinical % aged 55+",
                    "All staff % aged 55+",
                ],
                {
                    "GPs % aged 55+": "GPs %",
                    "Nurses % aged 55+": "Nurses %",
                    "Other clinical (DPC) % aged 55+": "Other clinical %",
                    "Admin/non-clinical % aged 55+": "Admin and non-clinical %",
                    "All staff % aged 55+": "All staff %",
                },
            ),
            "GPs %",
            "with the largest share of GPs aged 55 and over",
            inputs.rows_label,
        )
        risk_tables.append(short)
        whole_tables.append(whole)
    if "locums" in t:
        short, whole = printed(
            t["locums"],
            board_table(
                t["locums"],
                "locums",
                "GP locums",
                [
                    "org_name",
                    "All locums HC",
                    "All locums WTE",
                    "All locums sessions/week",
                    "Locum share of GP WTE %",
                ],
                {
                    "All locums HC": "Locums (headcount)",
                    "All locums WTE": "Locum WTE",
                    "All locums sessions/week": "Sessions a week",
                    "Locum share of GP WTE %": "Share of GP WTE %",
                },
            ),
            "Share of GP WTE %",
            "relying most on locums",
            inputs.rows_label,
        )
        risk_tables.append(short)
        whole_tables.append(whole)
    if "vacancies" in t:
        frame = t["vacancies"].frame
        risk_tables.append(
            board_table(
                t["vacancies"],
                "vacancies",
                "Vacancies by staff group",
                ["Role", "In post WTE", "Vacant WTE", "Vacant 3+ months WTE", "Vacancy rate %"],
                {"Role": "Staff group"},
                rows=frame["Level"].isin(["group", "total"]),
            )
        )
    sections.append(
        Section(
            key="pressures",
            title="Retirement risk, locums and vacancies",
            paragraphs=tuple(m for m in _baseline_messages(h)[1:4]),
            tables=tuple(risk_tables),
            charts=tuple(c for k, c in charts.items() if k in ("pyramid_gp_chart",)),
            data_tables=tuple(x for x in whole_tables if x is not None),
        )
    )
    return sections


def _scenario_section(inputs: PaperInputs) -> Section | None:
    runs = list(inputs.scenarios)
    if not runs:
        return None
    rows = []
    for r in runs:
        if r.series.empty:
            continue
        last = r.series.iloc[-1]
        rows.append(
            {
                "Scenario": r.name,
                "By": pd.Timestamp(last["date"]).strftime("%b %Y"),
                "GP WTE (central)": float(last["central"]),
                "P10": float(last["p10"])
                if "p10" in r.series.columns and pd.notna(last.get("p10"))
                else None,
                "P90": float(last["p90"])
                if "p90" in r.series.columns and pd.notna(last.get("p90"))
                else None,
                "Target WTE": r.target_wte,
                "Shortfall (WTE)": (r.target_wte - float(last["central"]))
                if r.target_wte is not None
                else None,
                "Band": {"evaluated": "evaluated", "model": "model's own"}.get(r.band, "no range"),
                "Chance of meeting the target": (
                    r.chance_text
                    if r.chance_text is not None
                    else (
                        f"{r.probability:.0%}"
                        if r.probability is not None
                        else (
                            "not estimated: no assumption is uncertain"
                            if r.nothing_uncertain
                            else "not estimated"
                        )
                    )
                ),
            }
        )
    frame = pd.DataFrame(rows)
    table = ReportTable(
        key="scenarios",
        title="Scenarios compared at the end of the forecast",
        frame=frame,
        notes=(
            "Shortfall = target - central forecast (positive: below target). P10/P90: the evaluated band where"
            " the scenario has one (8 in 10 past forecasts of its method, scaled to it, fell between them), else the"
            " model's own band (8 in 10 draws of its uncertain assumptions fall between them; not checked against"
            " what happened). The paragraphs below say which each scenario has.",
        ),
        decimals={"GP WTE (central)": 0, "P10": 0, "P90": 0, "Target WTE": 0, "Shortfall (WTE)": 0},
    )
    messages = []
    with_target = [row for row in rows if row["Target WTE"] is not None]
    if with_target:
        best = min(with_target, key=lambda row: row["Shortfall (WTE)"])
        met = [row for row in with_target if row["Shortfall (WTE)"] <= 0]
        if met:
            messages.append(
                f"{_plural(len(met), 'scenario')} of {len(with_target)} {'reaches' if len(met) == 1 else 'reach'} "
                f"the plan's target of {best['Target WTE']:,.0f} WTE by {best['By']}."
            )
        else:
            messages.append(
                f"No scenario reaches the target of {best['Target WTE']:,.0f} WTE by {best['By']}; "
                f"the closest, {best['Scenario']}, forecasts {best['GP WTE (central)']:,.0f} WTE, "
                f"{best['Shortfall (WTE)']:,.0f} short."
            )
    for r in runs:
        if r.chance_text is not None and r.target_wte is not None:
            messages.append(
                f"{r.name}: read from its evaluated band, the chance of reaching "
                f"{r.target_wte:,.0f} WTE by {_date(r.target_date)} is {r.chance_text}."
            )
        elif r.probability is not None and r.target_wte is not None:
            messages.append(
                f"{r.name}: over {r.draws:,} draws of its uncertain assumptions, the chance of reaching "
                f"{r.target_wte:,.0f} WTE is {r.probability:.0%} (the model's own band: read with caution)."
            )
    messages += [r.band_note for r in runs if r.band_note]
    for r in runs:
        messages += list(r.track_record)
    charts = []
    dated = [r for r in runs if not r.series.empty]
    if dated:
        from gpworkforce.forecast.outputs import trajectory_chart

        series = pd.concat([r.series for r in dated], ignore_index=True)
        target = next(
            ((r.target_date, r.target_wte) for r in dated if r.target_wte is not None), None
        )
        label = (
            "GP WTE forecast by scenario"
            + (", the target dashed" if target else "")
            + ("; shaded: P10 to P90" if any(r.band for r in dated) else "")
        )
        layered = trajectory_chart(series, target, label)
        title = title_text(layered.to_dict(validate=False))
        description = (
            "GP WTE forecast by scenario over time"
            + (f", with the target of {target[1]:,.0f} WTE as a dashed line" if target else "")
            + (
                ". Shaded bands show P10 to P90: the evaluated band where a scenario has one, else the model's own."
                if any("p10" in r.series and r.series["p10"].notna().any() for r in dated)
                else ". No scenario has a range (none has an uncertain assumption or an evaluated band)."
            )
        )
        spec = layered.properties(width=560, description=description).to_dict(validate=False)
        charts.append(
            ReportChart(key="scenarios_chart", title=title, spec=spec, description=description)
        )
    return Section(
        key="scenarios",
        title="Scenarios and uncertainty",
        paragraphs=(*messages, *(f"{r.name}: {r.description}" for r in runs if r.description)),
        tables=(table,),
        charts=tuple(charts),
    )


def _skill_mix_section(inputs: PaperInputs) -> Section | None:
    chapter = inputs.skill_mix
    if chapter is None:
        return None
    return Section(
        key="skill_mix",
        title="Skill mix: who will provide care",
        paragraphs=(*chapter.headline, *chapter.optimisation, *chapter.notes),
        tables=(chapter.table,),
        charts=(chapter.chart,),
    )


def _delivery_section(inputs: PaperInputs, today: dt.date) -> Section | None:
    if not inputs.timeline:
        return None
    cells = list(inputs.timeline)
    late = overdue_milestones(cells, today)
    issues = sorted(
        {c.detail for c in cells if c.status.value == "Issue" and c.start <= today <= c.end}
    )
    frame = pd.DataFrame(
        [
            {
                "Deliverable": f"{n}. {m.name.rsplit(' (', 1)[0]}",
                "Milestone due": m.due,
                "Days overdue": m.days_overdue(today),
            }
            for n, m in late
        ],
        columns=["Deliverable", "Milestone due", "Days overdue"],
    )
    messages = [
        f"On {_date(today)}, {_plural(len(late), 'critical milestone')} of the implementation plan "
        f"{'is' if len(late) == 1 else 'are'} overdue"
        + (
            f" and {_plural(len(issues), 'deliverable')} report{'s' if len(issues) == 1 else ''} an issue this month."
            if issues
            else "."
        )
    ]
    return Section(
        key="delivery",
        title="Delivery against the implementation plan",
        paragraphs=tuple(messages),
        tables=(ReportTable(key="overdue", title="Critical milestones overdue", frame=frame),),
        charts=(timeline_chart(cells, today),),
    )


def _risk_section(inputs: PaperInputs) -> Section | None:
    if inputs.risks is None:
        return None
    risks = list(inputs.risks)
    live = [r for r in risks if r.is_live]
    levels = Counter(DEFAULT_BANDS.level(r.rating) for r in live)
    top = DEFAULT_BANDS.bands[-1].name
    moves = Counter(movement(r).value for r in live)
    frame = pd.DataFrame(
        [
            {
                "Risk": r.ref,
                "Description": r.description,
                "Rating": r.rating,
                "Level": DEFAULT_BANDS.level(r.rating),
                "Since last review": {
                    "up": "Higher",
                    "down": "Lower",
                    "same": "No change",
                    "new": "Not yet reviewed",
                }[movement(r).value],
                "Responsible": r.organisation,
            }
            for r in sorted(live, key=lambda r: (-r.rating, r.ref))
        ]
    )
    messages = [
        f"{_plural(levels.get(top, 0), 'live risk')} of {len(live)} {'is' if levels.get(top, 0) == 1 else 'are'} rated {top.lower()}; "
        f"since the last review {_moves(moves.get('up', 0), moves.get('down', 0))}."
    ]
    return Section(
        key="risks",
        title="Workforce risks",
        paragraphs=tuple(messages),
        tables=(ReportTable(key="risks", title="Live risks, highest rated first", frame=frame),),
        charts=(risk_heat_map(risks),),
    )


def _same_terms(c: CostSummary) -> bool:
    """Whether cash and real terms are equal (a cost model with no uplift or inflation)."""
    real = {t: v for t, v, _lo, _hi in c.measures}
    return all(abs(v - real.get(t, float("nan"))) <= 0.5 for t, v, _lo, _hi in c.cash)


def _finance_section(inputs: PaperInputs) -> Section | None:
    if not inputs.costs and inputs.allocations is None:
        return None
    paragraphs: list[str] = []
    tables = []
    if inputs.costs:
        bases = sorted({c.base_year for c in inputs.costs})
        real_col = (
            f"Real terms (£, {bases[0]} prices)"
            if len(bases) == 1
            else "Real terms (£, the cost model's base-year prices)"
        )
        rows = []
        for c in inputs.costs:
            cash = {t: v for t, v, _lo, _hi in c.cash}
            for title, value, _lo, _hi in c.measures:
                rows.append(
                    {
                        "Scenario": c.scenario,
                        "By": c.end.strftime("%b %Y"),
                        "Cost a year": title,
                        real_col: value,
                        "Cash terms (£)": cash.get(title),
                    }
                )
        same = [c.scenario for c in inputs.costs if c.cash and _same_terms(c)]
        notes = [
            f"Price base year {' and '.join(bases)} (financial year, April to March). Real terms:"
            " cash deflated to base-year prices; cash terms: with each year's pay uplift.",
            "Each figure is the annual cost of the WTE at that date. Costs per WTE, on-costs and"
            " the locum premium come from the cost model beside each scenario.",
        ]
        if same:
            notes.append(
                f"{', '.join(same)}: the cost model states no pay uplift or inflation, so cash"
                " and real terms are equal."
            )
        tables.append(
            ReportTable(
                key="costs",
                title=f"Cost a year at the end of each scenario (£, real terms at {' and '.join(bases)} prices and cash terms)",
                frame=pd.DataFrame(rows),
                notes=tuple(notes),
                decimals={real_col: 0, "Cash terms (£)": 0},
            )
        )
        for c in inputs.costs:
            values = {t: v for t, v, _lo, _hi in c.measures}
            cash = {t: v for t, v, _lo, _hi in c.cash}
            sub = values.get("Cost of the gap to target, filled by substantive staff")
            loc = values.get("Cost of the gap to target, filled by locums")
            if sub is not None and loc is not None and c.gap_wte_end:
                text = (
                    f"{c.scenario}: closing the remaining gap of {c.gap_wte_end:,.1f} WTE by {c.end:%b %Y} would cost "
                    f"{money(sub)} a year with substantive staff, or {money(loc)} with locums ({c.base_year} prices"
                )
                csub = cash.get("Cost of the gap to target, filled by substantive staff")
                cloc = cash.get("Cost of the gap to target, filled by locums")
                if csub is not None and cloc is not None and not _same_terms(c):
                    text += f"; {money(csub)} and {money(cloc)} in cash terms"
                paragraphs.append(text + ").")
            elif c.gap_wte_end == 0:
                paragraphs.append(f"{c.scenario}: no gap to cost by {c.end:%b %Y}.")
    if inputs.allocations is not None:
        tables.append(inputs.allocations)
        if inputs.allocation_note:
            paragraphs.append(inputs.allocation_note)
    return Section(
        key="finance", title="Finance", paragraphs=tuple(paragraphs), tables=tuple(tables)
    )


def _plan_section(inputs: PaperInputs) -> Section | None:
    p = inputs.plan_score
    if p is None:
        return None
    return Section(
        key="trajectory",
        title="The plan against what happened",
        paragraphs=(*p.messages, f"Actuals: {p.source}."),
        tables=(p.table,),
        charts=(p.chart,) if p.chart is not None else (),
    )


def _methods(inputs: PaperInputs) -> Section:
    paragraphs = [
        "Headcount is the number of people; a person working in two practices counts in each. "
        "WTE (whole-time equivalent) adds up across practices: 37.5 hours a week is 1 WTE, and for GPs 9 sessions a week.",
        "GP WTE excludes GP registrars and includes partners, salaried GPs, retainers and locums, as the per-1,000 target counts them.",
        "Where a practice did not return its figures, the last return is carried forward, else the national GP workforce "
        "statistics are used; each figure says which.",
    ]
    if inputs.scenarios:
        paragraphs.append(
            "Scenarios are forecasts of GP WTE under stated assumptions. Central figures use each assumption's central value; "
            "scenarios with uncertain assumptions are run many times with values drawn from their ranges, and P10 and P90 "
            "give the range 8 in 10 runs fall within (the model's own band). Where the loaded GPW history has been "
            "evaluated, P10 and P90 are instead the evaluated band: the central case times how far the method's past "
            "forecasts of fully qualified GPs, made from each earlier year, were from what GPW later showed."
        )
    if any(r.track_record for r in inputs.scenarios):
        from gpworkforce.forecast.evaluation import MIN_ORIGINS_TO_JUDGE

        paragraphs.append(
            "Track record: each scenario's method, and \u201cno change\u201d (next year as this year), "
            "forecast the organisation's fully qualified GPs from every earlier GPW year its history allows, "
            "each forecast checked against what GPW later showed. Errors relative to no change below 1 mean "
            "the method did better; it has shown skill when the 95% interval of that ratio (resampling the "
            f"years forecast from) lies wholly below 1 over at least {MIN_ORIGINS_TO_JUDGE} starting years."
        )
    if inputs.skill_mix is not None:
        paragraphs.append(
            "Skill mix: staff WTE by role are placed at the four SWiPe skill levels; task demand is "
            "tasks a year per 1,000 registered patients by type, each with minutes at the levels able to do it "
            "and the supervision it costs. WTE on tasks = hours a year on tasks / 1,612.5 productive hours."
        )
    if inputs.risks is not None:
        paragraphs.append(
            "Risks are rated likelihood x impact on a 5 x 5 matrix: 1-3 low, 4-6 moderate, 8-12 high, 15-25 significant."
        )
    paragraphs.append(
        "Full definitions: the gpworkforce documentation (glossary, baseline, model and delivery pages)."
    )
    return Section(
        key="methods", title="Appendix A: Methods and definitions", paragraphs=tuple(paragraphs)
    )


def _provenance(inputs: PaperInputs) -> Section:
    statements = list(inputs.baseline.statements)
    if not statements:  # no statement of the data read (the web's baseline): its tables' sources
        from gpworkforce import labels

        sources = [s for t in inputs.baseline.tables for s in t.sources]
        statements = [line + "." for line in labels.sources_summary(sources)] or [
            "The figures' sources were not recorded with the baseline."
        ]
    statements += list(inputs.extra_sources)
    return Section(
        key="provenance",
        title="Appendix B: Where these figures come from",
        paragraphs=tuple(statements),
    )


FULL_NOTE = "are in the Excel data pack ("


def _full_appendices(inputs: PaperInputs, sections: list[Section]) -> list[Section]:
    """The appendices a full board paper carries (C onwards), in the order they are referred to;
    the long tables move from the Excel pack only into Appendix C (and stay in the pack)."""
    out: list[Section] = []
    # lettered in the order printed, from C (A and B are the methods and the sources): a paper
    # whose baseline tables are short has no Appendix C, and the next one takes its letter
    letter = iter("CDEFGH")
    whole = [t for s in sections for t in s.data_tables]
    if whole:
        one = inputs.rows_label[0]
        out.append(
            Section(
                key="every_row",
                title=f"Appendix {next(letter)}: Every {one}'s figures",
                paragraphs=(
                    f"The tables of sections 1 and 2 with every {one}, in the order of the "
                    "tables there; the total is the last row.",
                ),
                tables=tuple(whole),
            )
        )
        for i, s in enumerate(sections):
            if s.data_tables:
                sections[i] = replace(
                    s,
                    data_tables=(),
                    tables=tuple(
                        replace(
                            t,
                            notes=tuple(
                                n.replace(FULL_NOTE, "are in Appendix C and the Excel data pack (")
                                for n in t.notes
                            ),
                        )
                        for t in s.tables
                    ),
                )
    years = [r for r in inputs.scenarios if not r.series.empty]
    if years:
        out.append(_scenario_years(inputs, years, next(letter)))
    if inputs.risks:
        out.append(_risk_register(inputs.risks, next(letter)))
    if inputs.timeline:
        out.append(_deliverables(inputs.timeline, next(letter)))
    return out


def _scenario_years(inputs: PaperInputs, runs: Sequence[ScenarioResult], letter: str) -> Section:
    tables = []
    for i, r in enumerate(runs, start=1):
        f = r.series.assign(date=pd.to_datetime(r.series["date"]))
        frame = pd.DataFrame({"Date": f["date"].dt.date, "GP WTE (central)": f["central"]})
        for q in ("p10", "p90"):
            if q in f.columns and f[q].notna().any():
                frame[q.upper()] = f[q].to_numpy()
        if r.target_wte is not None:
            frame["Shortfall against the target (WTE)"] = r.target_wte - frame["GP WTE (central)"]
        tables.append(
            ReportTable(
                key=f"scenario_years_{i}",
                title=f"{r.name}: GP WTE at each date of the forecast",
                frame=frame.reset_index(drop=True),
                notes=(
                    (
                        f"Target: {r.target_wte:,.1f} WTE by {_date(r.target_date)}."
                        if r.target_wte is not None and r.target_date is not None
                        else "No target set in the scenario."
                    ),
                    *((r.description,) if r.description else ()),
                ),
                decimals=dict.fromkeys(frame.columns[1:], 1),
            )
        )
    return Section(
        key="scenario_years",
        title=f"Appendix {letter}: Each scenario year by year",
        paragraphs=(
            "Each scenario's forecast at every date it was run to (section 3 gives its end); "
            "P10 and P90 of the band section 3 names for it (evaluated, or the model's own).",
        ),
        tables=tuple(tables),
    )


def _moves(up: int, down: int) -> str:
    """How many live risks went up and down since their last review, in words ("none went up or
    down" rather than "0 went up and 0 down")."""
    if not up and not down:
        return "none went up or down"
    return f"{up or 'none'} went up and {down or 'none'} down"


def _risk_register(risks: Sequence[Risk], letter: str) -> Section:
    rows = []
    for r in sorted(risks, key=lambda r: r.ref):
        for m in r.mitigations or ():
            rows.append(
                {
                    "Risk": r.ref,
                    "Mitigating action": m.action,
                    "Owner": m.owner,
                    "Due": m.due,
                    "Done": m.done if m.done is not None else "open",
                }
            )
    reviews = [
        {
            "Risk": r.ref,
            "Reviewed": v.on,
            "Likelihood": v.likelihood,
            "Impact": v.impact,
            "Rating": v.rating,
            "Note": v.note,
        }
        for r in sorted(risks, key=lambda r: r.ref)
        for v in r.reviews
    ]
    register = pd.DataFrame(
        [
            {
                "Risk": r.ref,
                "Description": r.description,
                "Workstream": r.workstream,
                "Owner": r.owner or r.organisation,
                "Added": r.added,
                "Status": r.status.value.capitalize(),
                "Rating": r.rating,
            }
            for r in sorted(risks, key=lambda r: r.ref)
        ]
    )
    tables = [ReportTable(key="risk_register", title="The risk register", frame=register)]
    if reviews:
        tables.append(
            ReportTable(
                key="risk_reviews", title="Reviews of each risk", frame=pd.DataFrame(reviews)
            )
        )
    if rows:
        tables.append(
            ReportTable(
                key="risk_mitigations", title="Mitigating actions", frame=pd.DataFrame(rows)
            )
        )
    return Section(
        key="risk_register",
        title=f"Appendix {letter}: The risk register in full",
        paragraphs=(
            f"Every risk on the register ({_plural(len(risks), 'risk')}, live and closed), its "
            "reviews and its mitigating actions; section 8 gives the live risks by rating.",
        ),
        tables=tuple(tables),
    )


def _deliverables(cells: Sequence[TimelineCell], letter: str) -> Section:
    """One row per workstream: when it runs, its periods done, its critical milestones and its
    issues by period (the section's chart has every period; a month-by-month list would not
    tell the board more)."""
    rows = []
    for number in dict.fromkeys(c.number for c in cells):
        mine = sorted((c for c in cells if c.number == number), key=lambda c: c.start)

        def periods(status: CellStatus, cs: list[TimelineCell] = mine) -> str:
            return ", ".join(c.period for c in cs if c.status is status) or "none"

        rows.append(
            {
                "Workstream": f"{number}. {mine[0].detail}",
                "From": mine[0].start,
                "To": mine[-1].end,
                "Periods complete": sum(c.status is CellStatus.COMPLETE for c in mine),
                "Periods planned": sum(c.status is CellStatus.PLANNED for c in mine),
                "Critical milestones": periods(CellStatus.CRITICAL),
                "Issues": periods(CellStatus.ISSUE),
            }
        )
    return Section(
        key="deliverables",
        title=f"Appendix {letter}: The implementation plan by workstream",
        paragraphs=(
            "Each workstream of the implementation plan: when it runs, how many of its periods "
            "are complete and planned, and the periods of its critical milestones and issues.",
        ),
        tables=(
            ReportTable(
                key="deliverables",
                title="Implementation plan by workstream",
                frame=pd.DataFrame(rows),
            ),
        ),
    )


def build_paper(inputs: PaperInputs) -> Paper:
    today = inputs.as_of or inputs.period
    h = baseline_headline(inputs.baseline, inputs.organisation, inputs.period)
    change = _change(inputs, h)
    sections = _baseline_sections(inputs, h, change)
    for extra in (
        _scenario_section(inputs),
        _skill_mix_section(inputs),
        _finance_section(inputs),
        _plan_section(inputs),
        _delivery_section(inputs, today),
        _risk_section(inputs),
    ):
        if extra is not None:
            sections.append(extra)
    key_messages = [_baseline_messages(h)[0]] if _baseline_messages(h) else []
    change_message = _change_message(inputs, change)
    if change_message is not None:
        key_messages.append(change_message)
    for s in sections[2:]:
        key_messages.extend(s.paragraphs[:1])
    key_messages.extend(_baseline_messages(h)[1:])
    missing = []
    if not inputs.scenarios:
        missing.append("scenarios")
    if inputs.skill_mix is None:
        missing.append("skill mix")
    if inputs.timeline is None:
        missing.append("delivery against the implementation plan")
    if inputs.risks is None:
        missing.append("risks")
    if not inputs.costs and inputs.allocations is None:
        missing.append("finance")
    if inputs.plan_score is None:
        missing.append("the plan against actuals")
    notes = (f"This paper does not cover: {', '.join(missing)}.",) if missing else ()
    extra_appendices = _full_appendices(inputs, sections) if inputs.full_appendices else []
    return Paper(
        title=f"General practice workforce: {inputs.organisation}",
        organisation=inputs.organisation,
        meeting=inputs.meeting,
        date=inputs.date or today,
        purpose=(
            f"To update the board on the general practice workforce of {inputs.organisation}: the position on "
            f"{_date(inputs.period)}"
            + (", the forecast under each scenario" if inputs.scenarios else "")
            + (
                ", delivery of the implementation plan and the workforce risks"
                if inputs.timeline or inputs.risks is not None
                else ""
            )
            + "."
        ),
        key_messages=tuple(key_messages),
        recommendations=(
            "The board is asked to NOTE the workforce position and the key messages above.",
            "The board is asked to [complete: decisions sought, e.g. approve a scenario as the plan].",
        ),
        sections=tuple(sections),
        appendices=(
            _methods(inputs),
            _provenance(inputs),
            *extra_appendices,
        ),
        author=inputs.author,
        notes=notes,
    )
