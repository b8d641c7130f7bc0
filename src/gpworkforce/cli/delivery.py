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

from gpworkforce.cli.common import echo_written, period_option

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
        f"{len(live)} live risk{'s' if len(live) != 1 else ''} of {len(register)}: {by_level or 'none'}"
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
        f"{len(rows)} deliverables; on {today:%-d %B %Y}: {len(late)} critical milestone{'s' if len(late) != 1 else ''} overdue, "
        f"{len(issues)} deliverable{'s' if len(issues) != 1 else ''} with an issue reported"
    )
    for _number, m in late:
        typer.echo(f"  overdue {m.days_overdue(today):>4} days: {m.name}")
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
        for name in template_names():
            m = load_template(name)
            typer.echo(
                f"{name}: {m.name} ({len(m.dimensions)} dimensions, levels {' / '.join(m.levels)})"
            )
        return
    m = load_template(template)
    typer.echo(f"{m.name}\nSource: {m.source}\nLevels: {' / '.join(m.levels)}")
    for d in m.dimensions:
        typer.echo(f"\n{d.name}")
        for level in m.levels:
            if level in d.descriptors:
                typer.echo(f"  {level}: {d.descriptors[level]}")


def register(app: typer.Typer) -> None:
    app.add_typer(delivery_app, name="delivery")
