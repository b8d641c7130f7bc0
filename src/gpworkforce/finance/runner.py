"""Cost a scenario end to end: run the forecast, price it, build tables. What the CLI calls.

:func:`cost_scenario` returns a :class:`CostedRun` (no printing, no files); :func:`headline`
is the human summary; :func:`write_costed` writes the tables (CSV, or XLSX as well) through
:mod:`gpworkforce.exports`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from gpworkforce.domain.report import ReportTable
from gpworkforce.exports import write_csv_files, write_xlsx
from gpworkforce.finance.cost_io import find_cost_model, load_cost_model
from gpworkforce.finance.costing import (
    ALL,
    MEASURES,
    CostRows,
    Workforce,
    cost_run,
    role_cost_table,
    summarise,
)
from gpworkforce.finance.model import CostModel
from gpworkforce.finance.prices import uncertain
from gpworkforce.finance.runs import workforce_of
from gpworkforce.forecast.runner import ForecastRun, run_scenario
from gpworkforce.forecast.uncertainty import draw_parameters

Progress = Callable[[str], None]


@dataclass(frozen=True)
class CostedRun:
    run: ForecastRun
    model: CostModel
    costs_path: Path
    workforce: Workforce
    rows: CostRows
    tables: tuple[ReportTable, ...]


def cost_values(model: CostModel, draws: int, seed: int) -> dict[str, np.ndarray] | None:
    """Draws of the cost model's uncertain fields (run 0 central), keyed by field path."""
    dists = uncertain(model)
    if draws <= 0 or not dists:
        return None
    drawn = draw_parameters(dists, draws, seed)
    return {n: drawn.column(n) for n in drawn.names}


def _wte_table(wf: Workforce) -> pd.DataFrame:
    records = []
    D = wf.draws
    for gi, g in enumerate(wf.groups):
        for y, date in enumerate(wf.dates):
            a = wf.wte[:, y, gi]
            rec = {"scenario": wf.scenario, "date": date, "group": g, "central": float(a[0])}
            if D > 1:
                q = np.quantile(a[1:], [0.1, 0.5, 0.9])
                rec |= {"p10": q[0], "p50": q[1], "p90": q[2]}
            records.append(rec)
        if wf.gap is not None and gi == len(wf.groups) - 1:
            for y, date in enumerate(wf.dates):
                a = np.clip(wf.gap[:, y], 0.0, None)
                rec = {"scenario": wf.scenario, "date": date, "group": wf.gap_label}
                rec["central"] = float(a[0])
                if D > 1:
                    q = np.quantile(a[1:], [0.1, 0.5, 0.9])
                    rec |= {"p10": q[0], "p50": q[1], "p90": q[2]}
                records.append(rec)
    return pd.DataFrame.from_records(records)


def build_tables(
    model: CostModel, wf: Workforce, rows: CostRows, sources: tuple[str, ...]
) -> tuple[ReportTable, ...]:
    frame = summarise(rows, wf.scenario)
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
    wte = _wte_table(wf)
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
) -> CostedRun:
    """Run ``scenario`` (central + ``draws``) and cost it with the cost model."""
    say = progress or (lambda _m: None)
    path = find_cost_model(Path(scenario), costs)
    model = load_cost_model(path)  # validated before the forecast runs
    run = run_scenario(scenario, draws=draws, progress=progress)
    say("costing")
    wf = workforce_of(run)
    seed = model.seed if model.seed is not None else run.loaded.scenario.seed
    values = cost_values(model, wf.draws - 1, seed)
    rows = cost_run(model, wf, values)
    sources = (str(path), *run.record.scenario_files)
    return CostedRun(run, model, path, wf, rows, build_tables(model, wf, rows, sources))


def headline(c: CostedRun) -> str:
    """A few lines a person reads first: the figures at the start and end, central and P10-P90."""
    rows, wf = c.rows, c.workforce
    first, last = rows.dates[0], rows.dates[-1]
    lines = [f"{wf.scenario}: costs in GBP a year, {c.model.prices.base_year} prices (real terms)"]
    D = rows.values.shape[1]
    for m, title in MEASURES.items():
        if (m, ALL, ALL, "real") not in rows.keys:
            continue
        arr = rows.get(m, terms="real")
        text = f"  {title}: {first:%b %Y} {arr[0, 0]:,.0f}; {last:%b %Y} {arr[0, -1]:,.0f}"
        if D > 1:
            lo, hi = np.quantile(arr[1:, -1], [0.1, 0.9])
            text += f" (P10-P90 {lo:,.0f} to {hi:,.0f})"
        lines.append(text)
    if wf.gap is not None:
        g = np.clip(wf.gap[0], 0.0, None)
        lines.append(
            f"  Gap priced: {g[0]:,.1f} WTE at {first:%b %Y}, {g[-1]:,.1f} at {last:%b %Y}"
        )
    return "\n".join(lines)


def write_costed(c: CostedRun, out: Path, xlsx: bool = False) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = write_csv_files(list(c.tables), out)
    if xlsx:
        paths.append(write_xlsx(list(c.tables), out / "costs.xlsx"))
    return paths
