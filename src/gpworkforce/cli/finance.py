"""``gpworkforce cost`` and ``gpworkforce finance ...``: the money side, from files.

``cost SCENARIO.toml [--costs FILE] [--draws N] [--out DIR] [--xlsx]`` runs the scenario's forecast
and prices it with the cost model (``costs.toml`` beside the scenario unless ``--costs``): the
cost of the workforce, of the gap to target (substantive and locum), and the locum-conversion
saving, by financial year, staff group and payer, cash and real terms. Prints a headline and
writes CSV tables (and ``costs.xlsx`` with ``--xlsx``) into DIR (default ``cost-<file stem>``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from gpworkforce.cli.common import echo_written, step
from gpworkforce.errors import UserError

finance_app = typer.Typer(
    help="Allocations and funding: primary care spend against thresholds, headroom in WTE.",
    no_args_is_help=True,
)

# the cost model of ``gpworkforce cost`` and ``gpworkforce finance spend``
CostsOption = Annotated[
    Path | None,
    typer.Option("--costs", help="Cost model TOML (default: costs.toml beside the scenario)."),
]


def cost(
    scenarios: Annotated[
        list[Path],
        typer.Argument(help="Scenario TOML file(s) (hee-linear or cohort); several = compared."),
    ],
    costs: CostsOption = None,
    draws: Annotated[
        int,
        typer.Option("--draws", "-n", min=0, help="Monte Carlo draws besides the central case."),
    ] = 0,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output directory.")] = None,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Also write costs.xlsx.")] = False,
    funding: Annotated[
        Path | None,
        typer.Option(
            "--funding",
            help="Funding register CSV/XLSX (default: funding.csv beside the scenario).",
        ),
    ] = None,
) -> None:
    """Cost a scenario: workforce, gap to target, locum cover and locum conversion, by year,
    staff group and payer, with P10/P50/P90 over draws. With several scenarios each goes to
    DIR/<file stem>/ and DIR/comparison-costs.csv sets them side by side."""
    from gpworkforce.exports import write_csv_files
    from gpworkforce.finance.cost_io import find_cost_model, load_cost_model
    from gpworkforce.finance.runner import comparison, cost_scenario, headline, write_costed

    stems = [p.stem for p in scenarios]
    if len(set(stems)) != len(stems):
        raise UserError(f"scenario file names must differ (outputs go to DIR/<stem>), got {stems}")
    for path in scenarios:  # every cost model validated before anything runs
        load_cost_model(find_cost_model(path, costs))
    several = len(scenarios) > 1
    target = out or Path(f"cost-{scenarios[0].stem}" if not several else "cost-comparison")
    done = []
    texts = []
    for path in scenarios:
        register = funding if funding is not None else path.parent / "funding.csv"
        with step(f"costing {path.name}"):
            costed = cost_scenario(
                path,
                costs,
                draws,
                progress=lambda m: typer.echo(f"  {m}", err=True),
                funding=register if funding is not None or register.is_file() else None,
            )
        text = headline(costed, first=not several)
        if not several:
            typer.echo(text)
        texts.append(text)
        echo_written(write_costed(costed, target / path.stem if several else target, xlsx=xlsx))
        done.append(costed)
    if several:
        from dataclasses import replace

        from gpworkforce.finance.costing import MEASURES
        from gpworkforce.labels import date_text, money, plural
        from gpworkforce.reports.text import render_text

        table = comparison(done)
        cost = table.frame[table.frame["measure"] == MEASURES["workforce"]]
        if len(cost):
            lo, hi = (
                cost.loc[cost["central_last"].idxmin()],
                cost.loc[cost["central_last"].idxmax()],
            )
            typer.echo(
                f"Headline: {plural(len(done), 'scenario')} costed: the cost of the workforce a"
                f" year at the end is {money(lo['central_last'])} ({lo['scenario']}, "
                f"{date_text(lo['last'])}) to {money(hi['central_last'])} ({hi['scenario']}, "
                f"{date_text(hi['last'])}), real terms"
            )
        else:
            typer.echo(f"Headline: {plural(len(done), 'scenario')} costed")
        for text in texts:
            typer.echo("\n".join(f"  {line}" for line in text.splitlines()))
        shown = table.frame.copy()
        for key in ("first", "last"):
            shown[key] = [date_text(d) for d in shown[key]]
        typer.echo(render_text([replace(table, frame=shown)], width=140), nl=False)
        echo_written(write_csv_files([table], target, prefix="comparison-"))


def _wte_costs(costs: Path | None, given: list[str]) -> dict[str, float]:
    from gpworkforce.finance.cost_io import central_role_costs

    out: dict[str, float] = {}
    if costs is not None:
        out.update(central_role_costs(costs))
    for item in given:
        label, sep, amount = item.partition("=")
        try:
            value = float(amount)
        except ValueError:
            value = -1.0
        if not sep or not label.strip() or not value > 0:
            raise UserError(f"--wte-cost must be LABEL=GBP with GBP above 0, got {item!r}")
        out[label.strip()] = value
    return out or {"salaried_gp_llr_2017": 112_000.0}


@finance_app.command("allocations")
def allocations(
    file: Annotated[Path, typer.Argument(help="Allocations CSV or XLSX (docs/finance.md).")],
    minimum: Annotated[
        float, typer.Option("--minimum", min=0.0, max=100.0, help="Minimum share, %.")
    ] = 10.9,
    aspiration: Annotated[
        float, typer.Option("--aspiration", min=0.0, max=100.0, help="Aspiration share, %.")
    ] = 11.3,
    wte_cost: Annotated[
        list[str] | None,
        typer.Option("--wte-cost", help="LABEL=GBP a year per WTE for headroom (repeatable)."),
    ] = None,
    costs: Annotated[
        Path | None,
        typer.Option("--costs", help="Cost model TOML: headroom in WTE of each of its roles."),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output directory.")] = None,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Also write allocations.xlsx.")] = False,
) -> None:
    """Primary care spend as a share of each allocation against the thresholds, headroom in WTE,
    and where a paper's printed figures disagree with their inputs (LLR Table 17)."""
    from gpworkforce.finance.runner import allocation_headline, allocation_tables, write_tables
    from gpworkforce.finance.tables_io import read_allocations

    rows = read_allocations(file)
    tables = allocation_tables(
        rows, minimum / 100, aspiration / 100, _wte_costs(costs, wte_cost or [])
    )
    typer.echo(allocation_headline(tables, minimum, aspiration))
    echo_written(write_tables(tables, out or Path(f"allocations-{file.stem}"), "allocations", xlsx))


@finance_app.command("funding")
def funding_register(
    file: Annotated[Path, typer.Argument(help="Funding register CSV or XLSX (docs/finance.md).")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output directory.")] = None,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Also write funding.xlsx.")] = False,
) -> None:
    """Check a funding register and print the money per scheme and year."""
    from gpworkforce.finance.runner import funding_headline, funding_tables, write_tables
    from gpworkforce.finance.tables_io import read_funding

    entries = read_funding(file)
    tables = funding_tables(entries)
    typer.echo(funding_headline(entries))
    echo_written(write_tables(tables, out or Path(f"funding-{file.stem}"), "funding", xlsx))


def register(app: typer.Typer) -> None:
    app.command("cost")(cost)
    app.add_typer(finance_app, name="finance")


def workspace_spend(directory: Path) -> list[Any]:
    """The spend section of every practice return loaded (accepted) into the workspace, one row
    per practice and quarter (a later load of the same practice and quarter replaces an
    earlier one, as in the manifest's order); returns without a spend section give none."""
    from gpworkforce.cli.choices import Kind
    from gpworkforce.cli.workspace import read_file, require_entries, workspace_registry
    from gpworkforce.domain.provenance import sha256_of_file
    from gpworkforce.errors import InputFileError
    from gpworkforce.finance.spend import SpendRow

    entries = require_entries(directory)
    returns = [e for e in entries if e.kind is Kind.RETURNS]
    if not returns:
        raise UserError(
            f"--data {directory} holds no practice returns; load them with `gpworkforce load"
            " returns FILE... --data DIR`"
        )
    registry = workspace_registry(directory, entries)
    rows: dict[tuple[str, Any], SpendRow] = {}
    for entry in returns:
        path = directory / entry.file
        if not path.is_file() or sha256_of_file(path) != entry.sha256:
            raise InputFileError(
                f"{path}: must be the file recorded in the workspace's manifest (sha256"
                f" {entry.sha256[:12]}), got a missing or changed file"
            )
        ret = read_file(entry.kind, path, registry, entry.options).payload
        if ret is None or ret.spend is None:
            continue
        row = SpendRow(
            practice=ret.practice_code,
            quarter_end=ret.census_date,
            locum_gbp=ret.spend.locum_gbp,
            agency_gbp=ret.spend.agency_gbp,
        )
        rows[(row.practice, row.quarter_end)] = row
    return [rows[k] for k in sorted(rows)]


@finance_app.command("spend")
def spend(
    scenario: Annotated[
        Path,
        typer.Option("--scenario", help="The plan's adopted scenario (TOML), costed as the plan."),
    ],
    file: Annotated[
        Path | None,
        typer.Argument(help="Locum and agency spend by practice and quarter (CSV or XLSX)."),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="Workspace: read the spend section of the practice returns loaded into it.",
        ),
    ] = None,
    costs: CostsOption = None,
    draws: Annotated[
        int,
        typer.Option("--draws", "-n", min=0, help="Monte Carlo draws for the plan's P10/P90."),
    ] = 0,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output directory.")] = None,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Also write spend.xlsx.")] = False,
) -> None:
    """Locum and agency spend actuals by quarter against the plan's costed trajectory:
    variance, percentile in the plan's fan and the SPC chart (lower spend better). Spend comes
    from FILE, from the returns in a workspace (--data), or both (a return's figures are used
    where both give a practice's quarter)."""
    import pandas as pd

    from gpworkforce.domain.report import ReportTable
    from gpworkforce.finance.cost_io import find_cost_model, load_cost_model
    from gpworkforce.finance.runner import cost_scenario, write_tables
    from gpworkforce.finance.spend import planned_quarterly, quarterly
    from gpworkforce.finance.tables_io import read_spend
    from gpworkforce.labels import plural
    from gpworkforce.plans.spend import track_spend

    if file is None and data is None:
        raise UserError(
            "give the spend: a FILE (CSV or XLSX), --data WORKSPACE (the practice returns"
            " loaded into it), or both"
        )
    # checked before anything runs
    by_key = {(r.practice, r.quarter_end): r for r in (read_spend(file) if file else [])}
    if data is not None:
        returned = workspace_spend(data)
        if not returned and not by_key:
            raise UserError(
                f"--data {data}: none of its practice returns has a spend section (Locum spend,"
                " Agency spend), and no FILE was given"
            )
        by_key.update({(r.practice, r.quarter_end): r for r in returned})
    rows = [by_key[k] for k in sorted(by_key)]
    load_cost_model(find_cost_model(scenario, costs))
    with step(f"costing {scenario.name}"):
        costed = cost_scenario(scenario, costs, draws)
    actual = quarterly(rows)
    try:
        planned = planned_quarterly(costed.rows, list(actual["quarter_end"]))
    except ValueError as exc:
        raise UserError(f"{scenario}: {exc}") from None
    table, spc, why = track_spend(actual, planned)
    by_practice = ReportTable(
        key="spend_by_practice",
        title="Locum and agency spend by practice and quarter (GBP, as reported)",
        frame=pd.DataFrame([r.model_dump() for r in rows]),
        decimals={"locum_gbp": 0, "agency_gbp": 0},
    )
    frame = table.frame
    from gpworkforce.labels import money
    from gpworkforce.plans.spc import VARIATION_LABELS

    what = (
        f"{costed.workforce.scenario}'s costed plan ({plural(len(rows), 'practice-quarter')},"
        f" {plural(int(actual['practices'].max()), 'practice')} at most)"
    )
    if len(frame):
        last = frame.iloc[-1]
        typer.echo(
            f"Headline: locum and agency spend in {last['Quarter']}: "
            f"{money(last['Locum and agency spend (GBP)'])} against "
            f"{money(last['Plan (GBP)'])} in {what} ({last['Variance %']:+.1f}%)"
        )
    else:
        typer.echo(f"Headline: no quarter of locum and agency spend within {what}")
    outside = len(actual) - len(frame)
    for _, r in frame.iterrows():
        inside = r.get("Inside the plan's band")
        band = f"; inside the plan's P10-P90: {inside}" if inside else ""
        typer.echo(
            f"  {r['Quarter']}: actual {money(r['Locum and agency spend (GBP)'])}, plan"
            f" {money(r['Plan (GBP)'])}, variance {'+' if r['Variance (GBP)'] > 0 else ''}"
            f"{money(r['Variance (GBP)'])} ({r['Variance %']:+.1f}%){band}"
        )
    if outside:
        typer.echo(f"  {plural(outside, 'quarter')} outside the plan's dates left out")
    if spc is not None:
        typer.echo(f"  SPC: latest point {VARIATION_LABELS[spc.variation]}")
    elif why:
        typer.echo(f"  {why}")
    stem = file.stem if file is not None else "returns"
    echo_written(write_tables([table, by_practice], out or Path(f"spend-{stem}"), "spend", xlsx))
