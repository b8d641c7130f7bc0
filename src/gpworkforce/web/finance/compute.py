"""From the stored rows to the finance library's objects and to the pages' tables (labelled for
people, the same tables the downloads write). Costing a scenario runs
:func:`gpworkforce.finance.runner.cost_scenario` on its files; the result is kept per process,
keyed by the files' contents, so a page shows it again without recomputing."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings

from gpworkforce.domain.report import ReportTable
from gpworkforce.errors import UserError
from gpworkforce.finance.allocations import ALL_ORGS, FundingRow, Thresholds, checks, derive
from gpworkforce.finance.cost_io import find_cost_model, load_cost_model
from gpworkforce.finance.costing import ALL, MEASURES, quantile_columns, summarise
from gpworkforce.finance.funding import FundingEntry, coverage, register_table
from gpworkforce.finance.model import fy_label
from gpworkforce.finance.prices import Values, fy_of, role_costs
from gpworkforce.finance.runner import CostedRun, cost_scenario, group_words
from gpworkforce.forecast.scenario_io import load_scenario
from gpworkforce.web.finance.cohort_runs import STATE_SECONDS, toml_file, workforce_key
from gpworkforce.web.finance.models import (
    AllocationRecord,
    CostedScenario,
    FundingRecord,
    SpendRecord,
)
from gpworkforce.web.finance.models import Thresholds as ThresholdsRecord

DEFAULT_HEADROOM_COST = ("Salaried GP (LLR plan, GBP 112,000 a year)", 112_000.0)


def scenarios_dir() -> Path:
    """Where the costed scenarios' files are (setting ``GPWORKFORCE_SCENARIOS_DIR``, else the
    checkout's ``scenarios/``)."""
    given = getattr(settings, "GPWORKFORCE_SCENARIOS_DIR", None)
    return Path(given) if given else Path(__file__).resolve().parents[4] / "scenarios"


def scenario_path(s: CostedScenario) -> Path:
    return scenarios_dir() / s.scenario_file


def costs_path(s: CostedScenario) -> Path:
    path = scenario_path(s)
    return find_cost_model(path, scenarios_dir() / s.costs_file if s.costs_file else None)


# -- allocations -----------------------------------------------------------------------------------
def funding_row(rec: AllocationRecord) -> FundingRow:
    return FundingRow(
        organisation=rec.organisation,
        financial_year=rec.financial_year,
        allocation=rec.allocation,
        delegated=rec.delegated,
        discretionary=rec.discretionary,
        other=dict(rec.other or {}),
        reported_total=rec.reported_total,
        reported_delegated_pct=rec.reported_delegated_pct,
        reported_spend_pct=rec.reported_spend_pct,
    )


def thresholds_of(owner_code: str) -> Thresholds:
    rec = ThresholdsRecord.objects.filter(owner_id=owner_code).first()
    if rec is None:
        return Thresholds()
    return Thresholds(minimum=rec.minimum_pct / 100, aspiration=rec.aspiration_pct / 100)


def headroom_costs(owner_code: str) -> dict[str, float]:
    """Cost of one WTE a year (central, base-year prices) of every role in the cost model of the
    organisation's first costed scenario, by role label; the LLR salaried GP without one."""
    first = CostedScenario.objects.filter(owner_id=owner_code).first()
    if first is None:
        return dict([DEFAULT_HEADROOM_COST])
    try:
        path = costs_path(first)
        return dict(_role_costs(str(path), _digest(path)))
    except UserError:  # the cost model is missing or invalid: the plan's GP cost instead
        return dict([DEFAULT_HEADROOM_COST])


@functools.lru_cache(maxsize=16)
def _role_costs(path: str, _digest: str) -> tuple[tuple[str, float], ...]:
    model = load_cost_model(Path(path))
    labels = {r.key: r.label for r in model.roles}
    costs = role_costs(model, Values(1, {}))
    return tuple((labels[k], float(rc.total[0])) for k, rc in costs.items())


ALLOCATION_LABELS = {
    "organisation": "Organisation",
    "financial_year": "Financial year",
    "allocation_gbp_thousands": "Allocation (GBP thousands)",
    "delegated_primary_care_gbp_thousands": "Delegated primary care funding (GBP thousands)",
    "discretionary_gbp_thousands": "Discretionary spend (GBP thousands)",
    "total_primary_care_spend_gbp_thousands": "Total primary care spend (GBP thousands)",
    "delegated_share_pct": "Delegated funding as % of allocation",
    "spend_share_pct": "Primary care spend as % of allocation",
    "meets_minimum": "Meets the minimum",
    "meets_aspiration": "Meets the aspiration",
    "headroom_to_minimum_gbp_thousands": "Headroom to the minimum (GBP thousands)",
    "headroom_to_aspiration_gbp_thousands": "Headroom to the aspiration (GBP thousands)",
}


@dataclass(frozen=True)
class AllocationView:
    table: ReportTable  # Table 17 regenerated, human labels
    headroom: ReportTable  # headroom to the aspiration in WTE by role
    checks: ReportTable  # the printed figures against the regenerated ones
    thresholds: Thresholds
    records: tuple[AllocationRecord, ...]
    below_minimum: tuple[str, ...]  # "organisation financial year" below the minimum


def allocations_view(owner_code: str) -> AllocationView:
    records = tuple(AllocationRecord.objects.filter(owner_id=owner_code))
    th = thresholds_of(owner_code)
    costs = headroom_costs(owner_code)
    rows = [funding_row(r) for r in records]
    lo, hi = f"{100 * th.minimum:g}%", f"{100 * th.aspiration:g}%"
    if rows:
        frame = derive(rows, th, costs)
        check = checks(rows, th)
    else:
        frame = pd.DataFrame(columns=[*ALLOCATION_LABELS, *(f"w_{k}" for k in costs)])
        check = pd.DataFrame(columns=["organisation", "financial_year", "figure"])
    other = {
        c: f"Other funding: {c[len('other_') : -len('_gbp_thousands')].replace('_', ' ')}"
        " (GBP thousands)"
        for c in frame.columns
        if c.startswith("other_")
    }
    main_cols = [c for c in frame.columns if c in ALLOCATION_LABELS or c in other]
    main = frame[main_cols].rename(columns={**ALLOCATION_LABELS, **other})
    main = main.rename(
        columns={
            "Meets the minimum": f"Meets the minimum ({lo})",
            "Meets the aspiration": f"Meets the aspiration ({hi})",
            "Headroom to the minimum (GBP thousands)": f"Headroom to {lo} (GBP thousands)",
            "Headroom to the aspiration (GBP thousands)": f"Headroom to {hi} (GBP thousands)",
        }
    )
    money = [c for c in main.columns if "GBP thousands" in c]
    table = ReportTable(
        key="allocations",
        title="Primary care spend as a share of allocation",
        frame=main.reset_index(drop=True),
        notes=(
            "Total primary care spend = delegated primary care funding + discretionary spend +"
            " other funding; shares are of the organisation's allocation. Money in GBP thousands.",
            f"Thresholds: minimum {lo}, aspiration {hi}. Headroom = spend - threshold x"
            " allocation; negative means below the threshold.",
        ),
        decimals={**dict.fromkeys(money, 0)} | {c: 2 for c in main.columns if "%" in c[-15:]},
    )
    wte_cols = [c for c in frame.columns if c.startswith("headroom_to_aspiration_wte_")]
    head = frame[["organisation", "financial_year", *wte_cols]].rename(
        columns={
            "organisation": "Organisation",
            "financial_year": "Financial year",
            **{c: c[len("headroom_to_aspiration_wte_") :] for c in wte_cols},
        }
    )
    headroom = ReportTable(
        key="headroom",
        title=f"Headroom to the {hi} aspiration in WTE: how many of each role it would buy",
        frame=head.reset_index(drop=True),
        notes=(
            "Headroom (GBP thousands) x 1,000 / the cost of one WTE a year (central, base-year"
            " prices) from the cost model: "
            + "; ".join(f"{k} GBP {v:,.0f}" for k, v in costs.items())
            + ". Negative: the WTE the shortfall to the aspiration would pay for.",
        ),
        decimals=dict.fromkeys(head.columns[2:], 1),
    )
    check_t = ReportTable(
        key="allocation_checks",
        title="The printed figures against the figures regenerated from their inputs",
        frame=check.rename(
            columns={
                "organisation": "Organisation",
                "financial_year": "Financial year",
                "figure": "Figure",
                "paper": "Printed",
                "regenerated": "Regenerated",
                "agrees_at_paper_precision": "Agrees at the printed precision",
                "note": "Note",
            }
        ),
        notes=("Compared at the printed precision: whole thousands, percentages to 1 dp.",),
        decimals={"Regenerated": 3} if len(check) else {},
    )
    below = tuple(
        f"{r['organisation']} {r['financial_year']}"
        for _, r in frame.iterrows()
        if r.get("meets_minimum") == "no" and r["organisation"] != ALL_ORGS
    )
    return AllocationView(table, headroom, check_t, th, records, below)


# -- funding ---------------------------------------------------------------------------------------
def funding_entry(rec: FundingRecord) -> FundingEntry:
    return FundingEntry(
        scheme=rec.scheme,
        organisation=rec.organisation,
        financial_year=rec.financial_year,
        amount_gbp=rec.amount_gbp,
        period_start=rec.period_start,
        period_end=rec.period_end,
        conditions=rec.conditions,
        status=rec.status,  # type: ignore[arg-type]
        rag=rec.rag,  # type: ignore[arg-type]
        pays_for=rec.pays_for,
        source=rec.source,
    )


REGISTER_LABELS = {
    "scheme": "Scheme",
    "organisation": "Organisation",
    "financial_year": "Financial year",
    "amount_gbp": "Amount (GBP)",
    "period_start": "From",
    "period_end": "To",
    "conditions": "Conditions",
    "status": "Status",
    "rag": "RAG",
    "counted": "Counted",
    "pays_for": "Pays for",
    "source": "Source",
}


def register(owner_code: str) -> tuple[tuple[FundingRecord, ...], ReportTable]:
    records = tuple(FundingRecord.objects.filter(owner_id=owner_code))
    frame = register_table([funding_entry(r) for r in records]) if records else pd.DataFrame()
    frame = frame.rename(columns=REGISTER_LABELS)
    table = ReportTable(
        key="funding_register",
        title="Funding register: amount, period, conditions and status per scheme and year",
        frame=frame,
        notes=(
            "Counted = allocated, secured or received; bids and plans are not counted.",
            "A blank amount is not known (e.g. 'TBC'), never zero.",
        ),
        decimals={"Amount (GBP)": 0} if len(frame) else {},
    )
    return records, table


COVERAGE_LABELS = {
    "financial_year": "Financial year",
    "date": "Date costed",
    "scheme": "Scheme",
    "funding_counted_gbp": "Funding counted (GBP)",
    "funding_in_pipeline_gbp": "Bids and plans (GBP)",
    "entries_amount_not_known": "Entries with the amount not known",
    "plan_added_cost_gbp": "Plan's added cost (GBP)",
    "share_of_added_cost_pct": "Share of the plan's added cost (%)",
    "gap_cost_gbp": "Cost of the gap, substantive (GBP)",
    "share_of_gap_cost_pct": "Share of the gap's cost (%)",
}


def coverage_table(owner_code: str, costed: CostedRun) -> ReportTable:
    entries = [funding_entry(r) for r in FundingRecord.objects.filter(owner_id=owner_code)]
    frame = coverage(entries, costed.rows) if entries else pd.DataFrame()
    frame = frame.drop(columns=[c for c in ("date",) if c in frame])
    frame = frame.rename(columns={k: v for k, v in COVERAGE_LABELS.items() if k in frame})
    return ReportTable(
        key="funding_coverage",
        title=(
            f"Share of {costed.workforce.scenario}'s cost the funding counted covers"
            " (cash terms, central case)"
        ),
        frame=frame,
        notes=(
            "Plan's added cost = the cost of the workforce that year minus its cost at the start.",
            "Funding is matched to the scenario's dates by financial year.",
        ),
        decimals={
            c: (1 if "%" in c else 0)
            for c in frame.columns
            if c
            not in ("Financial year", "Date costed", "Scheme", "Entries with the amount not known")
        },
    )


# -- the cost of a scenario ------------------------------------------------------------------------
def _digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(str(p).encode())
        h.update(p.read_bytes() if p.is_file() else b"")
    return h.hexdigest()


def cost_of(s: CostedScenario) -> CostedRun:
    """The scenario costed with its cost model (every draw), cached per files' contents."""
    path, model = scenario_path(s), costs_path(s)
    return _cost(str(path), str(model), s.draws, _digest(path, model))


@functools.lru_cache(maxsize=16)
def _cost(path: str, costs: str, draws: int, _digest: str) -> CostedRun:
    return cost_scenario(Path(path), Path(costs), draws)


class CostingPending(Exception):
    """A cohort run's workforce is being worked out by the task queue (:mod:`.tasks`)."""


def cost_stored_run(run: Any, owner_code: str) -> CostedRun:
    """A finished run of the scenarios app (its exact TOML, seed and draws) costed with the
    cost model of the organisation's first costed scenario; cached per TOML and cost model.

    A cohort run needs its data files and seconds of the engine to give the WTE of each staff
    group per draw, so that part is worked out by the task queue (:func:`cohort_workforce`,
    kept in the shared cache): until it is there, :class:`CostingPending` is raised and the
    task queued (once); pricing it is quick and done here."""
    first = CostedScenario.objects.filter(owner_id=owner_code).first()
    if first is None:
        raise UserError("this organisation has no costed scenario, so no cost model to use")
    costs = costs_path(first)
    digest = hashlib.sha256(run.scenario_toml.encode() + _digest(costs).encode()).hexdigest()
    if run.method == "cohort":
        return _cost_cohort(run.scenario_toml, int(run.draws), str(costs), digest)
    return _cost_toml(run.scenario_toml, str(costs), int(run.draws), digest)


def _cost_cohort(toml: str, draws: int, costs: str, digest: str) -> CostedRun:
    from django.core.cache import cache

    key = workforce_key(toml, draws)
    wf = cache.get(key)
    if wf is None:
        state = cache.get(f"{key}:state")
        if isinstance(state, str) and state.startswith("failed:"):
            raise UserError(state.removeprefix("failed:"))
        if state == "done":  # worked out, then dropped from the cache: again
            cache.delete(f"{key}:state")
        if cache.add(f"{key}:state", "queued", timeout=STATE_SECONDS):
            from gpworkforce.web.finance.tasks import cost_cohort_run  # needs Django's tasks

            cost_cohort_run.enqueue(toml, draws)
        wf = cache.get(key)  # an immediate queue (tests) has already worked it out
        if wf is None:
            state = cache.get(f"{key}:state")
            if isinstance(state, str) and state.startswith("failed:"):
                raise UserError(state.removeprefix("failed:"))
            raise CostingPending()
    return _price_cohort(toml, costs, draws, digest)


@functools.lru_cache(maxsize=16)
def _price_cohort(toml: str, costs: str, draws: int, _digest: str) -> CostedRun:
    from django.core.cache import cache

    from gpworkforce.finance.runner import price

    wf = cache.get(workforce_key(toml, draws))
    if wf is None:  # gone from the cache since the caller looked: worked out again
        raise CostingPending()
    with toml_file(toml) as path:
        loaded = load_scenario(path)
    return price(loaded, wf, load_cost_model(Path(costs)), Path(costs))


@functools.lru_cache(maxsize=16)
def _cost_toml(toml: str, costs: str, draws: int, _digest: str) -> CostedRun:
    with toml_file(toml) as path:
        return cost_scenario(path, Path(costs), draws)


TERMS = ("real", "cash")


def _terms_label(terms: str, base_year: str) -> str:
    return "cash" if terms == "cash" else f"real ({base_year} prices)"


def cost_tables(c: CostedRun, terms: str) -> tuple[ReportTable, ...]:
    """The scenario's cost tables in ``terms`` (real or cash), labelled for people:
    every measure by year (all groups and payers), by staff group, by payer, cost per WTE."""
    frame = summarise(c.rows, c.workforce.scenario)
    base = c.model.prices.base_year
    frame = frame[frame["terms"] == _terms_label(terms, base)]
    q = [k for k in ("central", "p10", "p50", "p90") if k in frame.columns]
    qlabels = {"central": "Central", "p10": "P10", "p50": "P50", "p90": "P90"}
    word = "real terms, " + base + " prices" if terms == "real" else "cash terms"

    def pick(mask: Any, cols: Sequence[str]) -> pd.DataFrame:
        part = frame[mask][[*cols, *q]].rename(
            columns={
                "financial_year": "Financial year",
                "date": "Date",
                "measure": "Measure",
                "group": "Staff group",
                "payer": "Payer",
                **qlabels,
            }
        )
        return part.reset_index(drop=True)

    def money(df: pd.DataFrame) -> dict[str, int]:
        return dict.fromkeys([qlabels[k] for k in q], 0)

    totals = pick(
        (frame["group"] == ALL) & (frame["payer"] == ALL), ["measure", "financial_year", "date"]
    )
    groups = pick(
        (frame["measure"] == MEASURES["workforce"]) & (frame["group"] != ALL),
        ["group", "payer", "financial_year"],
    )
    groups["Staff group"] = groups["Staff group"].map(group_words(c.loaded))
    payers = payer_totals(c, terms)
    draws = c.workforce.draws - 1
    band = (
        f"P10/P50/P90 over {draws:,} draws (totals summed per draw first)."
        if draws
        else "Central case only (the scenario is costed without draws)."
    )
    note = f"GBP a year, {word}. {band}"
    per_wte = summarise_roles(c)
    return (
        ReportTable(
            "costs_by_year",
            f"Cost by year: workforce, gap, locum premium and locum conversion ({word})",
            totals,
            (note,),
            decimals=money(totals),
        ),
        ReportTable(
            "costs_by_group",
            f"Cost of the workforce by staff group ({word})",
            groups,
            (note,),
            decimals=money(groups),
        ),
        ReportTable(
            "costs_by_payer",
            f"Cost of the workforce by payer ({word})",
            payers,
            (note, "Reimbursement schemes (e.g. ARRS) change who pays up to their caps."),
            decimals=money(payers),
        ),
        per_wte,
    )


def payer_totals(c: CostedRun, terms: str) -> pd.DataFrame:
    """Cost of the workforce by payer and year over every staff group, summed per draw before
    the percentiles are taken."""
    rows = c.rows
    by_payer: dict[str, np.ndarray] = {}
    for (m, g, p, t), arr in zip(rows.keys, rows.values, strict=True):
        if m == "workforce" and g != ALL and p != ALL and t == terms:
            by_payer[p] = by_payer.get(p, 0) + arr
    if not by_payer:
        return pd.DataFrame(columns=["Payer", "Financial year", "Central"])
    names = sorted(by_payer)
    stacked = np.stack([by_payer[p] for p in names])  # [P, D, Y]
    Y = len(rows.dates)
    frame = pd.DataFrame(
        {
            "Payer": np.repeat(np.array(names, dtype=object), Y),
            "Financial year": np.tile(
                np.array([fy_label(fy_of(d)) for d in rows.dates], dtype=object), len(names)
            ),
            **{
                {"central": "Central", "p10": "P10", "p50": "P50", "p90": "P90"}[k]: v
                for k, v in quantile_columns(stacked).items()
            },
        }
    )
    return frame


def summarise_roles(c: CostedRun) -> ReportTable:
    from gpworkforce.finance.costing import role_cost_table

    frame = role_cost_table(c.rows)
    labels = {r.key: r.label for r in c.model.roles}
    if "role" in frame.columns:
        frame = frame.assign(role=frame["role"].map(lambda k: labels.get(k, k)))
    frame = frame.rename(columns={"role": "Role", "line": "Line", "gbp_a_year": "GBP a year"})
    return ReportTable(
        "cost_per_wte",
        f"Cost of one WTE a year by role, {c.model.prices.base_year} prices (central)",
        frame,
        tuple(f"{r.label}: {r.source}" for r in c.model.roles if r.source),
        decimals={"GBP a year": 0} if "GBP a year" in frame.columns else {},
    )


def headline(c: CostedRun, terms: str) -> list[dict[str, str]]:
    """One line per measure: the figure at the first and last date, central and P10-P90."""
    rows = c.rows
    out = []
    for m, title in MEASURES.items():
        if (m, ALL, ALL, terms) not in rows.keys:
            continue
        arr = rows.get(m, terms=terms)
        band = ""
        if arr.shape[0] > 1:
            lo, hi = np.quantile(arr[1:, -1], [0.1, 0.9])
            band = f"GBP {lo:,.0f} to {hi:,.0f}"
        out.append(
            {
                "measure": title,
                "first": f"GBP {arr[0, 0]:,.0f}",
                "last": f"GBP {arr[0, -1]:,.0f}",
                "band": band,
            }
        )
    return out


# -- spend actuals ---------------------------------------------------------------------------------
def returned_spend(owner_code: str) -> list[Any]:
    """Spend from the optional spend section of the accepted returns (their current version) of
    the practices under ``owner_code`` on each return's census date (issue 12 item 4)."""
    from gpworkforce.finance.spend import SpendRow
    from gpworkforce.web.models import PracticeReturnRecord, ReturnVersion
    from gpworkforce.web.models.orgs import descendant_codes

    recs = list(
        PracticeReturnRecord.objects.filter(state="accepted", current_version__isnull=False)
        .select_related("round")
        .values_list("id", "current_version", "practice_id", "round__census_date")
    )
    if not recs:
        return []
    current = {(rid, v) for rid, v, _p, _d in recs}
    under = {
        rid
        for rid, _v, practice, census in recs
        if practice in descendant_codes(owner_code, census)
    }
    out = []
    for rid, number, payload in ReturnVersion.objects.filter(
        practice_return_id__in=list(under)
    ).values_list("practice_return_id", "number", "payload"):
        spend = payload.get("spend") if (rid, number) in current else None
        if spend:
            out.append(
                SpendRow(
                    practice=payload["practice_code"],
                    quarter_end=payload["census_date"],
                    locum_gbp=spend.get("locum_gbp"),
                    agency_gbp=spend.get("agency_gbp"),
                )
            )
    return out


def spend_rows(owner_code: str) -> list[Any]:
    """The owner's spend actuals: rows loaded from files, and the spend section of accepted
    returns; where both give a practice's quarter, the accepted return's figures are used (the
    practice's own statement, checked through the return's workflow)."""
    from gpworkforce.finance.spend import SpendRow

    rows = {
        (r.practice, r.quarter_end): SpendRow(
            practice=r.practice,
            quarter_end=r.quarter_end,
            locum_gbp=r.locum_gbp,
            agency_gbp=r.agency_gbp,
        )
        for r in SpendRecord.objects.filter(owner_id=owner_code)
    }
    for row in returned_spend(owner_code):
        rows[(row.practice, row.quarter_end)] = row
    return [rows[k] for k in sorted(rows)]


def spend_tracking(owner_code: str, costed: CostedRun) -> tuple[ReportTable, str, int]:
    """Locum and agency spend per quarter against the scenario's costed trajectory; a note
    (why there is no SPC chart, or no plan) and how many quarters fall outside the scenario."""
    from gpworkforce.finance.spend import planned_quarterly, quarterly
    from gpworkforce.plans.spend import track_spend

    actual = quarterly(spend_rows(owner_code))
    try:
        planned = planned_quarterly(costed.rows, list(actual["quarter_end"]))
    except ValueError as exc:
        empty = ReportTable("spend_tracking", "Locum and agency spend", pd.DataFrame())
        return empty, str(exc), len(actual)
    table, _spc, why = track_spend(actual, planned)
    return table, why, len(actual) - len(table.frame)


# -- the finance chapter of the web's committee paper ---------------------------------------------
@dataclass(frozen=True)
class PaperFinance:
    """What the web's committee paper shows in its finance chapter (as ``gpworkforce paper
    --finance --allocations`` does): each costed scenario's cost a year at its end, real and
    cash terms, and primary care spend as a share of allocation against the thresholds."""

    costs: tuple[Any, ...]  # gpworkforce.papers.build.CostSummary
    allocations: ReportTable | None
    allocation_note: str


def paper_finance(owner_code: str) -> PaperFinance:
    """The organisation's costed scenarios (in their order, named by their titles) and its
    allocations; a scenario that cannot be costed is left out."""
    import dataclasses

    from gpworkforce.finance.runner import allocation_tables
    from gpworkforce.papers.build import allocation_message, allocation_summary, cost_summary

    costs = []
    for s in CostedScenario.objects.filter(owner_id=owner_code):
        try:
            summary = cost_summary(cost_of(s))
        except UserError:
            continue
        costs.append(dataclasses.replace(summary, scenario=s.title))
    rows = [funding_row(r) for r in AllocationRecord.objects.filter(owner_id=owner_code)]
    table, note = None, ""
    if rows:
        th = thresholds_of(owner_code)
        tables = allocation_tables(rows, th.minimum, th.aspiration, {})
        table = allocation_summary(tables)
        note = allocation_message(table, 100 * th.minimum, 100 * th.aspiration)
    return PaperFinance(tuple(costs), table, note)
