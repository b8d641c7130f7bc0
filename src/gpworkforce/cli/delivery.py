"""``gpworkforce delivery ...``: the risk register, the implementation timeline, maturity matrices.

Each command reads the board's own files (CSV / TOML, the columns the LLR plan uses), checks them,
prints a headline a person can read, and with ``--out`` writes the register and its chart.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from gpworkforce.cli.choices import SourceChoice
from gpworkforce.cli.common import (
    DataOption,
    SourceOption,
    data_context,
    echo_written,
    period_option,
    step,
)
from gpworkforce.labels import plural

delivery_app = typer.Typer(
    help="Delivery assurance: risk register, implementation timeline, maturity matrices.",
    no_args_is_help=True,
)


def _today(text: str | None) -> dt.date:
    return period_option(text, "--as-of") if text else dt.date.today()


def _write_svg(chart, out: Path) -> Path:
    from gpworkforce.exports import atomic_write_text
    from gpworkforce.reports.svg import chart_svg

    return atomic_write_text(out / f"{chart.key.replace('_', '-')}.svg", chart_svg(chart))


@delivery_app.command("risks")
def risks(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="Risk register CSV (LLR Figure 15 columns).")
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for the checked register (CSV) and its heat map (SVG)."),
    ] = None,
) -> None:
    """Check a risk register and summarise it: live risks by level, movement since last review."""
    from gpworkforce.delivery.charts import risk_heat_map
    from gpworkforce.delivery.registers import read_risks, write_risks
    from gpworkforce.delivery.risks import DEFAULT_BANDS, Movement, movement

    register = read_risks(file)
    live = [r for r in register if r.is_live]
    levels = Counter(DEFAULT_BANDS.level(r.rating) for r in live)
    moves = Counter(movement(r) for r in live)
    by_level = ", ".join(
        f"{levels[b.name]} {b.name.lower()}"
        for b in reversed(DEFAULT_BANDS.bands)
        if levels[b.name]
    )
    typer.echo(
        f"Headline: {len(live)} live risk{'s' if len(live) != 1 else ''} of {len(register)}: "
        f"{by_level or 'none'}"
    )
    typer.echo(
        f"Since the last review: {moves[Movement.UP]} up, {moves[Movement.DOWN]} down, "
        f"{moves[Movement.SAME]} unchanged, {moves[Movement.NEW]} not yet reviewed"
    )
    for r in sorted(live, key=lambda r: (-r.rating, r.ref)):
        typer.echo(
            f"  {r.ref}  {r.rating:>2} {DEFAULT_BANDS.level(r.rating):<11} {movement(r).value:<5} {r.description}"
        )
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        echo_written(
            [write_risks(register, out / "risks.csv"), _write_svg(risk_heat_map(register), out)]
        )


@delivery_app.command("timeline")
def timeline(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="Implementation plan CSV (LLR Figure 14 layout).")
    ],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="The day to judge overdue milestones (default today), e.g. 2017-12-31."
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for the timeline chart (SVG).")
    ] = None,
) -> None:
    """Check an implementation plan and list the critical milestones overdue on a day."""
    from gpworkforce.delivery.charts import timeline_chart
    from gpworkforce.delivery.plan import overdue_milestones, read_timeline

    today = _today(as_of)
    cells = read_timeline(file)
    late = overdue_milestones(cells, today)
    rows = {c.number for c in cells}
    issues = sorted(
        {(c.number, c.detail) for c in cells if c.status.value == "Issue" and c.start <= today}
    )
    typer.echo(
        f"Headline: {len(rows)} deliverables; on {today:%-d %B %Y}: {len(late)} critical milestone{'s' if len(late) != 1 else ''} overdue, "
        f"{len(issues)} deliverable{'s' if len(issues) != 1 else ''} with an issue reported"
    )
    for _number, m in late:
        typer.echo(f"  overdue {m.days_overdue(today):>5,} days: {m.name}")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        echo_written([_write_svg(timeline_chart(cells, today), out)])


@delivery_app.command("maturity")
def maturity(
    template: Annotated[
        str | None, typer.Argument(metavar="TEMPLATE", help="A shipped matrix; omit to list them.")
    ] = None,
) -> None:
    """List the shipped maturity matrices, or print one: its levels, dimensions and descriptors."""
    from gpworkforce.delivery.maturity import load_template, template_names

    if template is None:
        names = template_names()
        typer.echo(
            f"Headline: {len(names)} maturity {'matrix' if len(names) == 1 else 'matrices'}"
            " shipped; give a matrix's name to print its levels and descriptors."
        )
        for name in names:
            m = load_template(name)
            typer.echo(
                f"{name}: {m.name} ({len(m.dimensions)} dimensions, levels {' / '.join(m.levels)})"
            )
        return
    m = load_template(template)
    dims = len(m.dimensions)
    typer.echo(
        f"Headline: {m.name}: {dims} {'dimension' if dims == 1 else 'dimensions'}, each assessed"
        f" at one of {len(m.levels)} levels, from {m.levels[0]} to {m.levels[-1]}."
    )
    typer.echo(f"{m.name}\nSource: {m.source}\nLevels: {' / '.join(m.levels)}")
    for d in m.dimensions:
        typer.echo(f"\n{d.name}")
        for level in m.levels:
            if level in d.descriptors:
                typer.echo(f"  {level}: {d.descriptors[level]}")


@delivery_app.command("resilience")
def resilience(
    org: Annotated[str, typer.Option("--org", help="ODS code: an ICB, sub-ICB location or PCN.")],
    period: Annotated[str, typer.Option("--period", help="Census date, e.g. 2017-09-30.")],
    source: SourceOption = SourceChoice.RETURNS,
    data: DataOption = None,
    previous: Annotated[
        str | None,
        typer.Option("--previous", help="An earlier census date for the change in GP WTE."),
    ] = None,
    risks: Annotated[
        Path | None,
        typer.Option("--risks", help="Risk register CSV: propose a risk per practice on the list."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for the ranked list (and proposals).")
    ] = None,
) -> None:
    """Rank practices by the resilience score (docs/delivery.md) and list the watch list."""
    import pandas as pd

    from gpworkforce.cli.baseline import build_baseline_report
    from gpworkforce.delivery.registers import read_risks, write_risks
    from gpworkforce.delivery.resilience import DEFAULT_RESILIENCE, LABELS, watch_list
    from gpworkforce.delivery.resilience_data import practice_measures
    from gpworkforce.delivery.triggers import Trigger, TriggerKind, propose_risks
    from gpworkforce.domain.orgs import OrgType
    from gpworkforce.exports import atomic_write_text

    on = period_option(period)
    before = period_option(previous, "--previous") if previous else None
    register = read_risks(risks) if risks is not None else None
    code = org.strip().upper()
    context = data_context(data)
    registry = context.data.registry
    registry.get(code)  # unknown code: a user error
    measures = []

    def practices_of(area: str) -> None:
        report = build_baseline_report(context, area, on, source)
        prior = build_baseline_report(context, area, before, source) if before else None
        measures.extend(practice_measures(report, prior))

    top = build_baseline_report(context, code, on, source)
    children = [
        str(c)
        for c in next(t for t in top.tables if t.key == "staff_by_group").frame.query(
            "row == 'child'"
        )["org_code"]
    ]
    if children and all(
        c in registry and registry.get(c).type is OrgType.PRACTICE for c in children
    ):
        measures.extend(
            practice_measures(
                top, build_baseline_report(context, code, before, source) if before else None
            )
        )
    else:
        for child in children:
            with step(f"Scoring the practices of {child}"):
                practices_of(child)
    ranked = watch_list(measures, DEFAULT_RESILIENCE)
    on_list = [s for s in ranked if s.watch]
    typer.echo(
        f"Headline: {len(on_list)} of {plural(len(ranked), 'practice')} on the resilience watch list "
        f"(score {DEFAULT_RESILIENCE.watch_threshold:g} or more of 100) on {on:%-d %B %Y}"
    )
    for s in ranked[:10]:
        mark = "WATCH" if s.watch else "     "
        typer.echo(
            f"  {s.rank:>3}. {mark} {s.score:5.1f}  {s.name} ({s.code}): {'; '.join(s.reasons) or 'no pressure indicator'}"
        )
    missing = sorted({LABELS[i] for s in ranked for i in s.missing})
    if missing:
        typer.echo("Not available for some practices (scored 0): " + ", ".join(missing))
    proposals = ()
    if register is not None:
        triggers = [
            Trigger(
                key=f"resilience:{s.code}",
                kind=TriggerKind.RESILIENCE_WATCH,
                raised_on=on,
                subject=f"{s.name} ({s.code})",
                evidence=f"Resilience score {s.score:.1f} of 100: " + "; ".join(s.reasons) + ".",
                likelihood=3,
                impact=3,
            )
            for s in on_list
        ]
        proposals = propose_risks(triggers, register)
        typer.echo(f"{plural(len(proposals), 'risk')} proposed to the register's owners")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        frame = pd.DataFrame(
            [
                {
                    "Rank": s.rank,
                    "Practice": s.code,
                    "Name": s.name,
                    "Score": round(s.score, 1),
                    "On watch list": "yes" if s.watch else "no",
                    "Reasons": "; ".join(s.reasons),
                    "Not available": ", ".join(LABELS[i] for i in s.missing),
                }
                for s in ranked
            ]
        )
        from gpworkforce.domain.report import ReportTable
        from gpworkforce.exports import csv_bytes

        table = ReportTable(key="resilience", title="Practice resilience watch list", frame=frame)
        written = [atomic_write_text(out / "resilience.csv", csv_bytes(table).decode("utf-8-sig"))]
        if proposals:
            written.append(write_risks(proposals, out / "proposed-risks.csv"))
        echo_written(written)


def register(app: typer.Typer) -> None:
    app.add_typer(delivery_app, name="delivery")
