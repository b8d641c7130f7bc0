"""Cost a scenario end to end: run the forecast, price it, build tables. What the CLI calls.

:func:`cost_scenario` returns a :class:`CostedRun` (no printing, no files); :func:`headline`
is the human summary; :func:`write_costed` writes the tables (CSV, or XLSX as well) through
:mod:`gpworkforce.exports`.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from gpworkforce import __version__, labels
from gpworkforce.domain.report import ReportTable
from gpworkforce.errors import UserError
from gpworkforce.exports import atomic_write_text, write_csv_files, write_xlsx
from gpworkforce.finance.allocations import ALL_ORGS, FundingRow, Thresholds, checks, derive
from gpworkforce.finance.cost_io import central_role_costs as central_role_costs  # re-exported
from gpworkforce.finance.cost_io import find_cost_model, load_cost_model
from gpworkforce.finance.costing import (
    ALL,
    MEASURES,
    CostRows,
    Workforce,
    cost_run,
    quantile_columns,
    role_cost_table,
    summarise,
)
from gpworkforce.finance.funding import FundingEntry, by_scheme, coverage, register_table
from gpworkforce.finance.model import CostModel
from gpworkforce.finance.prices import uncertain
from gpworkforce.finance.runs import run_workforce, workforce_of
from gpworkforce.finance.tables_io import read_funding
from gpworkforce.forecast.runner import ForecastRun
from gpworkforce.forecast.runrecord import file_sha256, run_timestamp
from gpworkforce.forecast.scenario_io import LoadedScenario
from gpworkforce.forecast.uncertainty import draw_parameters
from gpworkforce.labels import cost_group

Progress = Callable[[str], None]


@dataclass(frozen=True)
class CostedRun:
    loaded: LoadedScenario
    model: CostModel
    costs_path: Path
    workforce: Workforce
    rows: CostRows
    tables: tuple[ReportTable, ...]
    funding_path: Path | None = None


def cost_values(model: CostModel, draws: int, seed: int) -> dict[str, np.ndarray] | None:
    """Draws of the cost model's uncertain fields (run 0 central), keyed by field path."""
    dists = uncertain(model)
    if draws <= 0 or not dists:
        return None
    drawn = draw_parameters(dists, draws, seed)
    return {n: drawn.column(n) for n in drawn.names}


def group_words(loaded: LoadedScenario | None) -> Callable[[str], str]:
    """How the costed tables name a run's staff groups: the labels catalogue's words for a
    taxonomy code; a cohort model's own class code (``ANP``) by the role it stands for
    (``NURSE_ANP``: "Advanced nurse practitioner"), with its contract type and sex when classes
    of one role are split by them, so that no two classes share a name."""
    cohort = loaded.scenario.cohort if loaded is not None else None
    if cohort is None:
        return cost_group
    named: dict[str, str] = {}
    for c in cohort.classes:
        own = cost_group(c.code)
        named[c.code] = own if own != c.code else cost_group(c.role)
    first = dict(named)
    for c in cohort.classes:
        if sum(1 for v in first.values() if v == first[c.code]) > 1:
            split = [str(x.value).replace("_", " ") for x in (c.contract, c.sex) if x is not None]
            named[c.code] += f" ({', '.join(split)})" if split else f" ({c.code})"
    return lambda group: named.get(group) or cost_group(group)


def _wte_table(wf: Workforce, words: Callable[[str], str] = cost_group) -> pd.DataFrame:
    """WTE by staff group and date (and the gap priced), central and P10/P50/P90."""
    runs = np.moveaxis(wf.wte, 2, 0)  # [G, D, Y]
    labels = list(wf.groups)
    if wf.gap is not None:
        runs = np.concatenate([runs, np.clip(wf.gap, 0.0, None)[None]], axis=0)
        labels.append(wf.gap_label)
    Y = len(wf.dates)
    return pd.DataFrame(
        {
            "scenario": wf.scenario,
            "date": np.tile(np.array(wf.dates, dtype=object), len(labels)),
            "group": np.repeat(np.array([words(g) for g in labels], dtype=object), Y),
            **quantile_columns(runs),
        }
    )


def build_tables(
    model: CostModel,
    wf: Workforce,
    rows: CostRows,
    sources: tuple[str, ...],
    words: Callable[[str], str] = cost_group,
) -> tuple[ReportTable, ...]:
    """The costed run's tables; staff groups named by ``words`` (:func:`group_words`), never
    by their codes."""
    frame = summarise(rows, wf.scenario)
    frame["group"] = frame["group"].map(words)
    money = [c for c in ("central", "p10", "p50", "p90") if c in frame.columns]
    costs = ReportTable(
        key="costs",
        title=f"{wf.scenario}: costs by year, staff group and payer (GBP a year)",
        frame=frame,
        notes=(
            f"Price base year {model.prices.base_year}; cash terms include the pay uplift, real"
            " terms are cash deflated to base-year prices.",
            "Each figure is the annual cost of the WTE at that date (GBP a year).",
            "central = every assumption at its central value; p10/p50/p90 over the draws (totals"
            " summed per draw before percentiles).",
            f"Cost model: {model.name}.",
        ),
        sources=sources,
        decimals=dict.fromkeys(money, 0),
    )
    per_wte = ReportTable(
        key="cost_per_wte",
        title=f"Cost of one WTE a year by role, {model.prices.base_year} prices (central)",
        frame=role_cost_table(rows),
        notes=tuple(f"{r.label}: {r.source}" for r in model.roles if r.source),
        decimals={"gbp_a_year": 0},
    )
    wte = _wte_table(wf, words)
    wte_t = ReportTable(
        key="wte",
        title=f"{wf.scenario}: WTE by staff group and the gap priced",
        frame=wte,
        decimals=dict.fromkeys([c for c in ("central", "p10", "p50", "p90") if c in wte], 1),
    )
    return (costs, per_wte, wte_t)


def cost_scenario(
    scenario: str | Path,
    costs: Path | None = None,
    draws: int = 0,
    progress: Progress | None = None,
    funding: Path | None = None,
) -> CostedRun:
    """Run ``scenario`` (central + ``draws``) and cost it with the cost model; with a funding
    register, add what share of the plan's cost it covers."""
    path = find_cost_model(Path(scenario), costs)
    model = load_cost_model(path)  # validated before the forecast runs
    entries = read_funding(funding) if funding is not None else None
    loaded, wf = workforce_of(scenario, draws, progress)
    return price(loaded, wf, model, path, entries, funding, progress)


def price(
    loaded: LoadedScenario,
    wf: Workforce,
    model: CostModel,
    path: Path,
    entries: Sequence[FundingEntry] | None = None,
    funding: Path | None = None,
    progress: Progress | None = None,
) -> CostedRun:
    """Cost a workforce (every draw) with a loaded cost model: rows and tables."""
    say = progress or (lambda _m: None)
    say("costing")
    seed = model.seed if model.seed is not None else loaded.scenario.seed
    values = cost_values(model, wf.draws - 1, seed)
    rows = cost_run(model, wf, values)
    sources = (str(path), *(str(p) for p in loaded.chain))
    tables = build_tables(model, wf, rows, sources, group_words(loaded))
    if entries is not None:
        tables = (*tables, *funding_tables(entries, rows, str(funding)))
    return CostedRun(loaded, model, path, wf, rows, tables, funding)


def cost_forecast(
    run: ForecastRun,
    costs: Path,
    funding: Path | None = None,
    progress: Progress | None = None,
) -> CostedRun:
    """Cost a forecast run already made (what ``gpworkforce forecast`` does with a cost model):
    the same draws, no second run."""
    model = load_cost_model(costs)
    entries = read_funding(funding) if funding is not None else None
    return price(run.loaded, run_workforce(run), model, costs, entries, funding, progress)


def headline(c: CostedRun, *, first: bool = True) -> str:
    """A few lines a person reads first: the workforce's cost at the end (central, and P10-P90
    with draws), then each measure at the start and end. With ``first`` the opening line is the
    command's headline ("Headline: ..."); ``gpworkforce forecast`` prints it under its own."""
    rows, wf = c.rows, c.workforce
    start, end = rows.dates[0], rows.dates[-1]
    prices = f"{c.model.prices.base_year} prices (real terms)"
    D = rows.values.shape[1]

    def band(arr: np.ndarray) -> str:
        if D <= 1:
            return ""
        lo, hi = np.quantile(arr[1:, -1], [0.1, 0.9])
        return f" (P10 {labels.money(lo)}, P90 {labels.money(hi)})"

    measures = [(m, t) for m, t in MEASURES.items() if (m, ALL, ALL, "real") in rows.keys]
    lines = [f"{wf.scenario}: costs a year, {prices}"]
    if first and measures:
        m, title = measures[0]
        arr = rows.get(m, terms="real")
        lines = [
            f"Headline: {wf.scenario}: the {title[0].lower()}{title[1:]} is "
            f"{labels.money(arr[0, -1])} a year on {labels.date_text(end)}{band(arr)}, "
            f"{prices}"
        ]
    elif first:
        lines[0] = f"Headline: {lines[0]}"
    for m, title in measures:
        arr = rows.get(m, terms="real")
        lines.append(
            f"  {title}: {labels.money(arr[0, 0])} on {labels.date_text(start)}; "
            f"{labels.money(arr[0, -1])} on {labels.date_text(end)}{band(arr)}"
        )
    if wf.gap is not None:
        g = np.clip(wf.gap[0], 0.0, None)
        lines.append(
            f"  Gap to target priced: {g[0]:,.1f} WTE on {labels.date_text(start)}, "
            f"{g[-1]:,.1f} WTE on {labels.date_text(end)}"
        )
    return "\n".join(lines)


def write_tables(
    tables: Sequence[ReportTable], out: Path, stem: str, xlsx: bool = False
) -> list[Path]:
    """CSV files (+ README) and, with ``xlsx``, ``<stem>.xlsx``, through gpworkforce.exports."""
    out.mkdir(parents=True, exist_ok=True)
    paths = write_csv_files(list(tables), out)
    if xlsx:
        paths.append(write_xlsx(list(tables), out / f"{stem}.xlsx"))
    return paths


def write_costed(c: CostedRun, out: Path, xlsx: bool = False) -> list[Path]:
    """The tables and ``cost.json``: what was costed with what (files with SHA-256), draws,
    seeds, versions, a UTC timestamp (``SOURCE_DATE_EPOCH`` fixes it) and every output's hash."""
    paths = write_tables(c.tables, out, "costs", xlsx)
    s = c.loaded.scenario
    inputs = [*c.loaded.chain, c.costs_path, *([c.funding_path] if c.funding_path else [])]
    record = {
        "scenario": s.name,
        "method": s.method,
        "draws": c.workforce.draws - 1,
        "scenario_seed": s.seed,
        "cost_model": c.model.name,
        "cost_seed": c.model.seed if c.model.seed is not None else s.seed,
        "price_base_year": c.model.prices.base_year,
        "inputs": {str(p): file_sha256(Path(p)) for p in inputs},
        "gpworkforce": __version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "created_utc": run_timestamp(),
        "outputs": {p.name: file_sha256(p) for p in sorted(paths)},
    }
    text = json.dumps(record, indent=2, sort_keys=True) + "\n"
    paths.append(atomic_write_text(out / "cost.json", text))
    return paths


def allocation_tables(
    rows: Sequence[FundingRow], minimum: float, aspiration: float, wte_costs: dict[str, float]
) -> tuple[ReportTable, ...]:
    if not 0 < minimum <= aspiration < 1:
        raise UserError(
            "--minimum and --aspiration must be percentages above 0 and below 100 with the"
            f" minimum at most the aspiration, got {100 * minimum:g} and {100 * aspiration:g}"
        )
    th = Thresholds(minimum=minimum, aspiration=aspiration)
    frame = derive(rows, th, wte_costs)
    money = [c for c in frame.columns if c.endswith("_gbp_thousands")]
    derived = ReportTable(
        key="allocations",
        title="Primary care spend as a share of allocation (GBP thousands)",
        frame=frame,
        notes=(
            "Total primary care spend = delegated primary care funding + discretionary spend +"
            " other funding; shares are of the organisation's allocation.",
            f"Thresholds: minimum {100 * minimum:g}%, aspiration {100 * aspiration:g}%.",
            "Headroom = spend - threshold x allocation (negative: below the threshold)"
            + (
                "; in WTE it is divided by the cost of one WTE a year: "
                + ", ".join(f"{k} GBP {v:,.0f}" for k, v in wte_costs.items())
                if wte_costs
                else ""
            )
            + ".",
        ),
        decimals={**dict.fromkeys(money, 0)}
        | {c: 2 for c in frame.columns if c.endswith("_pct")}
        | {c: 1 for c in frame.columns if "_wte_" in c},
    )
    check = checks(rows, th)
    checked = ReportTable(
        key="allocation_checks",
        title="The source's printed figures against the figures regenerated from its inputs",
        frame=check,
        notes=("Compared at the printed precision: whole thousands, percentages to 1 dp.",),
        decimals={"regenerated": 3},
    )
    return (derived, checked)


def allocation_headline(tables: Sequence[ReportTable], minimum: float, aspiration: float) -> str:
    """The latest year's share of allocation spent on primary care (all organisations) and who
    is below the minimum, first; then every year; then where a source's printed figures
    disagree with their inputs."""
    frame, check = tables[0].frame, tables[1].frame
    thresholds = f"minimum {minimum:g}%, aspiration {aspiration:g}%"

    def below(part: pd.DataFrame) -> str:
        names = part[(part["meets_minimum"] == "no") & (part["organisation"] != ALL_ORGS)]
        return ", ".join(names["organisation"]) or "none"

    def share(part: pd.DataFrame) -> str:
        total = part[part["organisation"] == ALL_ORGS]
        if not len(total):
            return ""
        t = total.iloc[0]
        allocation = labels.money(1000 * float(t["allocation_gbp_thousands"]))
        return f"all organisations spent {t['spend_share_pct']:.2f}% of {allocation}"

    years = list(frame.groupby("financial_year", sort=True))
    if not years:
        return f"Headline: no allocation rows ({thresholds})"
    year, part = years[-1]
    spent = share(part)
    lines = [
        f"Headline: primary care spend in {year}: "
        + (f"{spent} on primary care; " if spent else "")
        + f"below the {minimum:g}% minimum: {below(part)} (aspiration {aspiration:g}%)"
    ]
    for year, part in years:
        spent = share(part)
        lines.append(f"  {year}: " + (f"{spent}; " if spent else "") + f"below: {below(part)}")
    if len(check):
        bad = check[check["agrees_at_paper_precision"] == "no"]
        noted = check[(check["note"] != "") & (check["agrees_at_paper_precision"] == "yes")]
        lines.append(
            f"  The source's printed figures: {labels.plural(len(check), 'figure')} compared, "
            f"{len(bad)} disagree with their inputs, {len(noted)} meet a threshold only after "
            "rounding"
        )
        for _, r in pd.concat([bad, noted]).iterrows():
            lines.append(
                f"    {r['organisation']} {r['financial_year']}: {r['figure']}: {r['note']}"
            )
    return "\n".join(lines)


def funding_tables(
    entries: Sequence[FundingEntry], rows: CostRows | None = None, source: str = ""
) -> tuple[ReportTable, ...]:
    register = ReportTable(
        key="funding_register",
        title="Funding register: amount, period, conditions and status per scheme and year",
        frame=register_table(entries),
        notes=(
            "counted = allocated, secured or received; bids and plans are not counted.",
            "A blank amount is not known (e.g. 'TBC'), never zero.",
        ),
        sources=(source,) if source else (),
        decimals={"amount_gbp": 0},
    )
    if rows is None:
        return (register,)
    cover = coverage(entries, rows)
    covered = ReportTable(
        key="funding_coverage",
        title="Share of the plan's cost the funding counted covers (cash, central case)",
        frame=cover,
        notes=(
            "plan added cost = cost of the workforce that year - its cost at the start.",
            "gap cost = cost of the gap to target filled by substantive staff.",
            "Funding is matched to the run's dates by financial year; years without a run date"
            " are not shown.",
        ),
        decimals={
            c: (1 if c.endswith("_pct") else 0)
            for c in cover.columns
            if c not in ("financial_year", "date", "entries_amount_not_known")
        },
    )
    return (register, covered)


def funding_headline(entries: Sequence[FundingEntry]) -> str:
    """The money counted (allocated, secured or received) over all years, first; then each
    scheme by year and the total by year."""
    frame = by_scheme(entries)
    counted = frame[frame["counted"] == "yes"].groupby("financial_year")["amount_gbp"].sum()
    schemes = frame["scheme"].nunique()
    if len(counted):
        lines = [
            f"Headline: {labels.money(float(counted.sum()))} of funding counted (allocated, "
            f"secured or received) from {labels.plural(int(schemes), 'scheme')}, "
            f"{counted.index[0]} to {counted.index[-1]}"
        ]
    else:
        lines = [
            f"Headline: no funding counted (allocated, secured or received) in "
            f"{labels.plural(int(schemes), 'scheme')}"
        ]
    for scheme, part in frame.groupby("scheme", sort=True):
        cells = []
        for _, r in part.iterrows():
            amount = "not known" if pd.isna(r["amount_gbp"]) else labels.money(r["amount_gbp"])
            tag = "" if r["counted"] == "yes" else " (not counted)"
            cells.append(f"{r['financial_year']} {amount}{tag}")
        lines.append(f"  {scheme}: " + "; ".join(cells))
    if len(counted):
        lines.append(
            "  Total counted: " + "; ".join(f"{y} {labels.money(v)}" for y, v in counted.items())
        )
    return "\n".join(lines)


def comparison(runs: Sequence[CostedRun]) -> ReportTable:
    """What each scenario costs: every measure's total at the first and last date, real terms,
    central (and P10/P90 at the last date with draws)."""
    records = []
    for c in runs:
        rows = c.rows
        for m, title in MEASURES.items():
            if (m, ALL, ALL, "real") not in rows.keys:
                continue
            arr = rows.get(m, terms="real")
            rec: dict[str, object] = {
                "scenario": c.workforce.scenario,
                "measure": title,
                "first": rows.dates[0],
                "central_first": float(arr[0, 0]),
                "last": rows.dates[-1],
                "central_last": float(arr[0, -1]),
            }
            if arr.shape[0] > 1:
                lo, hi = np.quantile(arr[1:, -1], [0.1, 0.9])
                rec |= {"p10_last": lo, "p90_last": hi}
            records.append(rec)
    frame = pd.DataFrame.from_records(records)
    bases = sorted({c.model.prices.base_year for c in runs})
    return ReportTable(
        key="costs",
        title="Scenarios compared: what each costs (GBP a year, real terms)",
        frame=frame,
        notes=(f"Price base {'year' if len(bases) == 1 else 'years'}: {', '.join(bases)}.",),
        decimals={c: 0 for c in frame.columns if c.startswith(("central", "p10", "p90"))},
    )
