"""``gpworkforce plan track|score PLAN``: a plan against its actuals, from files, no server.

``track``  the adopted scenario against actuals per staff group and period: variance, percentile
           in the fan, SPC (Making Data Count) and alerts.
``score``  every scenario of a past plan against the actuals of every year that has them.

Both write CSV tables (XLSX with ``--xlsx``) and an SVG chart per staff group into ``--out`` and
print a headline. See docs/plans.md.
"""

from __future__ import annotations

import datetime as dt
import math
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gpworkforce.cli.common import echo_written, step
from gpworkforce.errors import UserError

if TYPE_CHECKING:
    from gpworkforce.plans.actuals import Actuals
    from gpworkforce.plans.model import Plan, Target
    from gpworkforce.plans.scoring import PlanScore
    from gpworkforce.plans.tracking import Tracking

plan_app = typer.Typer(
    help="Track a plan against actuals (SPC, alerts) or score a past plan.",
    no_args_is_help=True,
)


class ActualsSource(StrEnum):
    GPW = "gpw"
    RETURNS = "returns"


PlanArg = Annotated[
    Path, typer.Argument(help="Plan file (TOML), e.g. scenarios/llr-2017/plan.toml.")
]
OutOpt = Annotated[Path, typer.Option("--out", help="Directory for tables and charts.")]
XlsxOpt = Annotated[bool, typer.Option("--xlsx", help="Also write the tables as one XLSX.")]
DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="Workspace directory with accepted returns (--source returns), or a GPW"
        " practice-year CSV (--source gpw; default: the shared data file).",
    ),
]


def _actuals(
    plan: Plan, source: ActualsSource, data: Path | None
) -> tuple[Actuals, str, dict[dt.date, str]]:
    from gpworkforce.cli.sources import workspace_context
    from gpworkforce.plans.actuals import gpw_actuals, returns_actuals

    if source is ActualsSource.RETURNS:
        if data is None:
            raise UserError("--source returns must be given a workspace with --data DIR")
        with step(f"reading accepted returns from the workspace {data}"):
            return returns_actuals(plan, workspace_context(data).data, f"the workspace {data}")
    if data is not None and not data.is_file():
        raise UserError(f"--data must be a GPW practice-year CSV with --source gpw, got {data}")
    with step("reading GPW practice-year series"):
        return gpw_actuals(plan, data)


def _target_label(plan: Plan, target: Target, value: float) -> str:
    text = f"Target by {target.date:%b %Y}: {value:,.1f} WTE"
    if plan.comparison.mode == "absolute":
        return text
    return f"{text} (the plan's {target.value:,.0f} like for like)"


def _load(path: Path) -> Plan:
    from gpworkforce.plans.io import load_plan

    with step(f"reading plan {path}"):
        return load_plan(path)


def _prepare_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise UserError(f"--out must be a directory, got the file {out}")
    out.mkdir(parents=True, exist_ok=True)


def _write(tables: list, out: Path, xlsx: bool, stem: str) -> list[Path]:
    from gpworkforce.exports import write_csv_files, write_xlsx

    written = write_csv_files(tables, out)
    if xlsx:
        written.append(write_xlsx(tables, out / f"{stem}.xlsx"))
    return written


@plan_app.command("track")
def track(
    plan_file: PlanArg,
    out: OutOpt = Path("plan-tracking"),
    source: Annotated[
        ActualsSource,
        typer.Option("--source", help="Actuals from a workspace's accepted returns or GPW."),
    ] = ActualsSource.RETURNS,
    data: DataOpt = None,
    xlsx: XlsxOpt = False,
) -> None:
    """Actual vs plan vs target per staff group and period, with SPC signals and alerts."""
    from gpworkforce.exports import atomic_write_text
    from gpworkforce.plans import outputs
    from gpworkforce.plans.model import STAFF_GROUP_LABELS
    from gpworkforce.plans.tracking import track as track_plan

    plan = _load(plan_file)
    actuals, label, provenance = _actuals(plan, source, data)
    result = track_plan(plan, actuals, source=label, provenance=provenance)
    _prepare_out(out)
    written = _write(outputs.tracking_tables(plan, result), out, xlsx, "plan-tracking")
    for g in result.groups:
        target = plan.target_for(g.staff_group)
        frame = outputs.tracking_chart_frame(result, g.staff_group)
        goal = g.rows[-1].target if g.rows else None
        mark = (
            None
            if target is None or goal is None
            else (target.date, goal, _target_label(plan, target, goal))
        )
        chart = outputs.plan_chart(
            f"{plan.name}: {STAFF_GROUP_LABELS[g.staff_group]}, actual vs plan", frame, mark
        )
        path = out / f"plan_tracking_{g.staff_group.value}.svg"
        svg = outputs.chart_svg(
            chart,
            key=path.stem,
            title=f"{STAFF_GROUP_LABELS[g.staff_group]}: actual vs plan",
            description=(
                f"{STAFF_GROUP_LABELS[g.staff_group]} WTE by period: the plan"
                " (with its P10-P90 fan where it has one), the actuals with special-cause points"
                " coloured, the SPC mean and process limits, and the target."
            ),
        )
        written.append(atomic_write_text(path, svg))
    typer.echo("\n".join(track_lines(plan, result, label)))
    echo_written(written)


def track_lines(plan: Plan, result: Tracking, label: str) -> list[str]:
    """``plan track``'s headline (the adopted scenario's latest actual against the plan, per
    staff group, and how many alerts), then one line per group and per alert."""
    from gpworkforce.labels import ALERT_KINDS, date_text, plural
    from gpworkforce.plans import outputs
    from gpworkforce.plans.model import STAFF_GROUP_LABELS

    latest = [g for g in result.groups if g.rows]
    if latest:
        g = latest[0]
        r = g.rows[-1]
        word = "below" if r.variance < 0 else "above"
        first = (
            f"Headline: {plan.name}: {STAFF_GROUP_LABELS[g.staff_group]} "
            f"{r.actual:,.1f} WTE on {date_text(r.date)} against {r.plan:,.1f} WTE planned "
            f"({abs(r.variance):,.1f} WTE, {abs(r.variance_pct):.1f}% {word} the plan); "
            f"{plural(len(result.alerts), 'alert')}"
        )
    else:
        first = f"Headline: {plan.name}: no actual within the plan's period yet"
    lines = [
        first,
        f"  Plan version {plan.version}, adopted scenario: {plan.adopted}",
        f"  Actuals: {label}",
    ]
    for g in result.groups:
        name = STAFF_GROUP_LABELS[g.staff_group]
        if not g.rows:
            why = f" ({g.spc_note})" if g.spc_note else ""
            lines.append(f"  {name}: no actual within the plan's period{why}")
            continue
        r = g.rows[-1]
        variation = outputs.VARIATION_LABELS[g.spc.variation] if g.spc else g.spc_note
        lines.append(
            f"  {name}, {r.period}: actual {r.actual:,.1f} WTE vs plan {r.plan:,.1f} WTE"
            f" ({r.variance:+,.1f} WTE, {r.variance_pct:+.1f}%)"
            + ("" if r.percentile is None else f", P{r.percentile:.0f} of the plan's fan")
            + f"; {variation}; {plural(len(g.alerts), 'alert')}"
        )
        lines.append(f"    actual from: {r.actual_from}")
    for a in result.alerts:
        lines.append(
            f"  Alert: {ALERT_KINDS.get(a.kind.value, a.kind.value)}, "
            f"{STAFF_GROUP_LABELS[a.staff_group]} {a.period}: {a.message}"
        )
    return lines


@plan_app.command("score")
def score(
    plan_file: PlanArg,
    out: OutOpt = Path("plan-score"),
    source: Annotated[
        ActualsSource,
        typer.Option("--source", help="Actuals from GPW or a workspace's accepted returns."),
    ] = ActualsSource.GPW,
    data: DataOpt = None,
    xlsx: XlsxOpt = False,
) -> None:
    """Every scenario of a past plan against the actuals of every year that has them."""
    from gpworkforce.exports import atomic_write_text
    from gpworkforce.plans import outputs
    from gpworkforce.plans.model import STAFF_GROUP_LABELS
    from gpworkforce.plans.scoring import score_plan

    plan = _load(plan_file)
    actuals, label, provenance = _actuals(plan, source, data)
    result = score_plan(plan, actuals, source=label, provenance=provenance)
    if not result.scenarios:
        raise UserError(
            f"the actuals ({label}) must include the plan's start ({plan.start}) and a later"
            " date to score the plan, got none"
        )
    _prepare_out(out)
    written = _write(outputs.score_tables(plan, result), out, xlsx, "plan-score")
    for group in sorted({s.staff_group for s in result.scenarios}):
        sub = result.model_copy(
            update={"rows": tuple(r for r in result.rows if r.staff_group is group)}
        )
        first = next(s for s in result.scenarios if s.staff_group is group)
        target = plan.target_for(group)
        mark = (
            None
            if target is None or first.target is None
            else (target.date, first.target, _target_label(plan, target, first.target))
        )
        chart = outputs.plan_chart(
            f"{plan.name}: {STAFF_GROUP_LABELS[group]}, scenarios vs actuals",
            outputs.score_chart_frame(sub),
            mark,
        )
        path = out / f"plan_score_{group.value}.svg"
        svg = outputs.chart_svg(
            chart,
            key=path.stem,
            title=f"{STAFF_GROUP_LABELS[group]}: scenarios vs actuals",
            description=(
                f"{STAFF_GROUP_LABELS[group]} WTE by year: each scenario of the plan (held at its"
                " final position after the plan's end, with its P10-P90 fan where it has one),"
                " the actuals, and the target."
            ),
        )
        written.append(atomic_write_text(path, svg))
    typer.echo("\n".join(score_lines(plan, result, label)))
    echo_written(written)


def score_lines(plan: Plan, result: PlanScore, label: str) -> list[str]:
    """``plan score``'s headline (whether the target was met, and the scenario that came
    closest to what happened), then one line per scenario."""
    from gpworkforce.labels import date_text
    from gpworkforce.plans.model import STAFF_GROUP_LABELS

    s0 = result.scenarios[0]
    closest = min(result.scenarios, key=lambda s: s.mape_horizon)
    best = (
        f"the closest scenario was {closest.scenario} (average error {closest.mape_horizon:.1f}%"
        " within the plan's horizon)"
    )
    if s0.target is not None and s0.actual_at_target_date is not None:
        got = s0.actual_at_target_date
        verdict = "met" if got >= s0.target else f"missed by {s0.target - got:,.1f} WTE"
        first = (
            f"Headline: {plan.name}: the target of {s0.target:,.1f} WTE "
            f"{STAFF_GROUP_LABELS[s0.staff_group]} (like for like) by "
            f"{s0.target_date:%B %Y} was {verdict} (actual {got:,.1f} WTE); {best}"
        )
    elif s0.target is not None and not math.isnan(s0.target):
        first = (
            f"Headline: {plan.name}: no actual on the date of its target of {s0.target:,.1f} "
            f"WTE; {best}"
        )
    else:
        first = f"Headline: {plan.name}: {best}"
    lines = [first, f"  Scenarios scored against {label}"]
    for s in result.scenarios:
        band = (
            ""
            if s.inside_band_share is None
            else f"; inside its P10-P90 in {s.inside_band_share:.0%} of years"
        )
        lines.append(
            f"  {s.scenario} ({STAFF_GROUP_LABELS[s.staff_group]}): average error (MAPE)"
            f" {s.mape_horizon:.1f}% within the plan's horizon, {s.mape_all:.1f}% over"
            f" {s.years} years; on {date_text(s.last_date)} plan {s.last_plan:,.1f} WTE vs"
            f" actual {s.last_actual:,.1f} WTE ({s.last_error_pct:+.1f}%){band}"
        )
    return lines


def register(app: typer.Typer) -> None:
    app.add_typer(plan_app, name="plan")
