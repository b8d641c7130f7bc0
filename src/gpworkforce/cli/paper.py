"""``gpworkforce paper``: a committee paper (PDF, Word, Excel data pack) from the tool's figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from gpworkforce import labels
from gpworkforce.cli.choices import RowsChoice, SourceChoice
from gpworkforce.cli.common import (
    DataOption,
    SourceOption,
    data_context,
    echo_written,
    period_option,
    step,
)
from gpworkforce.errors import UserError
from gpworkforce.papers.files import PaperFormat

SOURCE_NOTES = {
    SourceChoice.RETURNS: (
        "Figures come from practices' quarterly workforce returns; practices that did not return are "
        "filled in as the methods appendix describes."
    ),
    SourceChoice.GPW: "Figures come from NHS Digital's General Practice Workforce statistics (GPW).",
}


def paper(
    org: Annotated[str, typer.Option("--org", help="ODS code of the organisation, e.g. QK1.")],
    period: Annotated[
        str, typer.Option("--period", help="Census date of the baseline, e.g. 2017-09-30.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the paper into.")],
    source: SourceOption = SourceChoice.RETURNS,
    data: DataOption = None,
    scenario: Annotated[
        list[Path] | None,
        typer.Option("--scenario", help="A scenario file to forecast and compare (repeatable)."),
    ] = None,
    draws: Annotated[
        int,
        typer.Option("--draws", help="Monte Carlo draws for scenarios with uncertain assumptions."),
    ] = 0,
    evaluation: Annotated[
        Path | None,
        typer.Option(
            "--evaluation",
            help="The output folder of `gpworkforce evaluate` (or its evaluation_bands.csv):"
            " each scenario's P10-P90 is then the band evaluated for --org's level (ICB or"
            " sub-ICB location) and the scenario's method, where its supply counts qualified"
            " GPs only; otherwise the paper shows the model's own band and says so.",
        ),
    ] = None,
    risks: Annotated[
        Path | None, typer.Option("--risks", help="Risk register CSV (LLR Figure 15 columns).")
    ] = None,
    timeline: Annotated[
        Path | None,
        typer.Option("--timeline", help="Implementation plan CSV (LLR Figure 14 layout)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="The day delivery is judged on (default: the meeting date)."),
    ] = None,
    meeting: Annotated[
        str, typer.Option("--meeting", help="The meeting the paper goes to.")
    ] = "Workforce programme board",
    meeting_date: Annotated[
        str | None, typer.Option("--date", help="Date of the meeting (default: today).")
    ] = None,
    author: Annotated[str, typer.Option("--author", help="Author shown on the cover.")] = "",
    fmt: Annotated[
        list[PaperFormat] | None,
        typer.Option("--format", help="pdf, docx or xlsx (repeatable; default all three)."),
    ] = None,
    finance: Annotated[
        bool,
        typer.Option("--finance", help="Cost each scenario with the cost model beside it."),
    ] = False,
    allocations: Annotated[
        Path | None,
        typer.Option("--allocations", help="Allocations table (CSV/XLSX): spend as a share."),
    ] = None,
    plan_file: Annotated[
        Path | None,
        typer.Option("--plan", help="A past plan (TOML) to score against GPW actuals."),
    ] = None,
    full_appendices: Annotated[
        bool,
        typer.Option(
            "--full-appendices",
            help="Print the full appendices: every area's rows, each scenario year by year, the "
            "risk register in full and the implementation plan by workstream (a longer paper).",
        ),
    ] = False,
    history: Annotated[
        Path | None,
        typer.Option(
            "--history",
            help="GPW practice-year CSV or workspace directory whose fully qualified GPs give each"
            " scenario's track record: how well its method has forecast --org before (default:"
            " the --data workspace, else the shared GPW practice-year file).",
        ),
    ] = None,
    rows: Annotated[
        RowsChoice | None,
        typer.Option(
            "--rows",
            help="Areas the baseline tables list: sub-icb, pcn or practice (default: the level "
            "below --org).",
        ),
    ] = None,
) -> None:
    """Build a committee paper: key messages, baseline, scenarios, delivery and risks."""
    from gpworkforce.cli.baseline import build_baseline_report
    from gpworkforce.delivery.plan import read_timeline
    from gpworkforce.delivery.registers import read_risks
    from gpworkforce.exports import atomic_write_bytes
    from gpworkforce.papers.build import AREA_WORDS, PaperInputs, build_paper, scenario_result
    from gpworkforce.papers.headline import quarter_before

    on = period_option(period)
    when = period_option(meeting_date, "--date") if meeting_date else dt.date.today()
    judged = period_option(as_of, "--as-of") if as_of else when
    if out.exists() and not out.is_dir():
        raise UserError(f"--out must be a folder, got the file {out}")
    code = org.strip().upper()
    # read and check every input file before any computation
    register = read_risks(risks) if risks is not None else None
    cells = read_timeline(timeline) if timeline is not None else None
    plan = None
    if plan_file is not None:
        from gpworkforce.plans.io import load_plan

        plan = load_plan(plan_file)
    funding_rows = None
    if allocations is not None:
        from gpworkforce.finance.tables_io import read_allocations

        funding_rows = read_allocations(allocations)
    if scenario:  # each scenario file read and checked now, not after the baselines
        from gpworkforce.forecast.scenario_io import load_scenario

        for path in scenario:
            load_scenario(path)
    if finance and not scenario:
        raise UserError("--finance costs the scenarios: give at least one --scenario")
    band_file = None
    if evaluation is not None:
        from gpworkforce.forecast.evaluated_band import band_path

        if not scenario:
            raise UserError("--evaluation gives the scenarios their band: give a --scenario")
        band_file = band_path(evaluation)
    if history is not None:
        if not scenario:
            raise UserError("--history gives the scenarios their track record: give a --scenario")
        if not history.exists():
            raise UserError(
                f"--history must be a GPW practice-year CSV or a workspace directory, got {history}"
            )
    formats = list(dict.fromkeys(fmt or list(PaperFormat)))
    # the PDF's layout processes are forked now, before any chart is drawn, and load WeasyPrint
    # while this process reads the data and computes the paper
    from gpworkforce.papers.pdf import layout_pool, submitter

    pool = layout_pool() if PaperFormat.PDF in formats or plan is not None else None
    from gpworkforce.reports.svg import start_engine

    start_engine()  # after the fork: the charts' engine starts while the data is read
    # the plan is scored against GPW (which reads GPW's files) in the pool too, while this
    # process reads the data and computes the baselines
    scoring = None
    if plan is not None:
        scoring = submitter(pool)(score_plan_summary, plan)
    try:
        with step("Reading data from " + (str(data) if data else "the built-in LLR 2017 demo")):
            context = data_context(data)
        organisation = context.data.registry.get(code)
        tracking = None
        if scenario:  # scored in the pool while this process computes the baselines
            practices = tuple(context.data.registry.practices_under(code, on))
            tracking = submitter(pool)(history_cases, history or data, practices, code)
        given = history is not None
        with step(f"Computing the baseline for {code} on {on.isoformat()}"):
            from gpworkforce.domain.orgs import OrgType

            level = None if rows is None else OrgType(rows.value.replace("-", "_"))
            report = build_baseline_report(context, code, on, source, child_level=level)
        before = quarter_before(on)
        previous = None
        with step(
            f"Computing the baseline for {code} on {before.isoformat()} (the quarter before)"
        ):
            try:
                previous = build_baseline_report(context, code, before, source, with_charts=False)
            except UserError as exc:  # no figures then: the paper says the change is not available
                typer.echo(f"  no change since then: {exc.message}", err=True)
        skill = None
        with step(f"Computing the skill mix of {code} on {on.isoformat()}"):
            from gpworkforce.papers.build import skill_mix_chapter
            from gpworkforce.skillmix.inputs import baseline_inputs
            from gpworkforce.skillmix.io import load_catalogue
            from gpworkforce.skillmix.mix import skill_mix_view

            try:
                wte, count, missing = baseline_inputs(
                    context.data, code, on, source=source.value, denominators=context.denominators
                )
            except UserError as exc:  # no staff or patients: the paper says it has no skill mix
                typer.echo(f"  no skill-mix chapter: {exc.message}", err=True)
            else:
                view = skill_mix_view(
                    load_catalogue(), wte, count, years=5, growth=1.01, unavailable=missing
                )
                skill = skill_mix_chapter(view)
        results = []
        if scenario:
            from gpworkforce.forecast.runner import RunOptions, run_scenario

            with step("Scoring each method's past forecasts of GPW (the track record)"):
                cases, where, unread = tracking.result() if tracking else (None, "", False)
            if unread and given:  # a file the user named is refused, not passed over
                raise UserError(f"--history {history}: {where}")
            if cases is None:
                typer.echo(f"  no track record: {where}", err=True)
            for path in scenario:
                with step(f"Forecasting {path}"):
                    # the paper draws its own chart of every scenario: no SVG of each run
                    run = run_scenario(path, draws, options=RunOptions(charts=False))
                    run, why = paper_band(run, band_file, organisation.type)
                    results.append(
                        replace(
                            scenario_result(run, why),
                            track_record=paper_track_record(run, organisation.name, cases),
                        )
                    )
        costs = []
        if finance:
            from gpworkforce.finance.runner import cost_scenario
            from gpworkforce.papers.build import cost_summary

            for path in scenario or []:
                with step(f"Costing {path}"):
                    costs.append(cost_summary(cost_scenario(path, draws=draws)))
        allocation_table, allocation_note = None, ""
        if funding_rows is not None:
            from gpworkforce.finance.runner import allocation_tables
            from gpworkforce.papers.build import allocation_message, allocation_summary

            tables = allocation_tables(funding_rows, 0.109, 0.113, {})
            allocation_table = allocation_summary(tables)
            allocation_note = allocation_message(allocation_table, 10.9, 11.3)

        score = None
        if scoring is not None:
            with step("Scoring the plan against GPW (beside the steps above)"):
                score = scoring.result()
        inputs = PaperInputs(
            baseline=report,
            organisation=organisation.name,
            period=on,
            source_note=SOURCE_NOTES[source],
            meeting=meeting,
            date=when,
            as_of=judged,
            scenarios=tuple(results),
            risks=register,
            timeline=cells,
            author=author,
            costs=tuple(costs),
            allocations=allocation_table,
            allocation_note=allocation_note,
            plan_score=score,
            previous=previous,
            previous_period=before,
            rows_label=AREA_WORDS[level] if level is not None else ("area", "areas"),
            skill_mix=skill,
            full_appendices=full_appendices,
        )
        built = build_paper(inputs)
        stem = f"paper-{code.lower()}-{on.isoformat()}"
        out.mkdir(parents=True, exist_ok=True)
        written = render_files(built, formats, out, stem, atomic_write_bytes, pool)
        typer.echo(f"Headline: {built.title}: {built.meeting}, {labels.date_text(when)}")
        typer.echo("  Key messages:")
        for m in built.key_messages:
            typer.echo(f"  - {m}")
        echo_written(written)

    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def paper_band(run: Any, band_file: Path | None, org_type: Any) -> tuple[Any, str]:
    """The run with the evaluated band where it applies (decision 0156's rule, as the web's
    paper: the level from the organisation's kind, qualified GPs only), else the run as it is
    and why it keeps the model's own band. A file without the level or method is refused."""
    from gpworkforce.forecast.evaluated_band import LEVEL_OF_ORG, measure_differs, read_band
    from gpworkforce.forecast.runner import with_evaluated_band

    if band_file is None:
        return run, "no evaluation was given to the paper (--evaluation)"
    level = LEVEL_OF_ORG.get(str(getattr(org_type, "value", org_type)))
    if level is None:
        return run, (
            "bands are evaluated for ICBs and sub-ICB locations; the paper's organisation is"
            " of another kind"
        )
    why = measure_differs(run.loaded.scenario)
    if why:
        return run, why
    return with_evaluated_band(run, read_band(band_file, level, run.loaded.scenario.method)), ""


def history_cases(
    history: Path | None, practices: tuple[str, ...], code: str
) -> tuple[Any, str, bool]:
    """The scored past forecasts of ``code``'s fully qualified GPs (every evaluated method,
    :func:`gpworkforce.forecast.track_record.scored_cases`) from the GPW practice-year panel of
    ``history`` (a CSV or workspace; None: the shared GPW practice-year file) restricted to
    ``practices``; else None and why not; and whether ``history`` could not be read."""
    from gpworkforce.cli.sources import gpw_panel
    from gpworkforce.forecast.track_record import scored_cases, yearly

    try:
        frame, where = gpw_panel(history)
    except (UserError, OSError) as exc:
        return None, getattr(exc, "message", str(exc)), True
    mine = yearly(frame.loc[frame["practice_code"].isin(practices)])
    cases = scored_cases(mine, dict.fromkeys(practices, code))
    if cases is None:
        years = mine["fy"].nunique() if len(mine) else 0
        why = f"{where} holds {years} GPW years of {code}'s practices, too few to score"
        return None, why, False
    return cases, where, False


def paper_track_record(run: Any, org_name: str, cases: Any) -> tuple[str, ...]:
    """How well the scenario's method has done before for the organisation, in the paper's
    sentences (the web paper's, :func:`gpworkforce.forecast.track_record.paper_sentences`), at
    the horizon of the scenario as loaded (a file's ``extends`` resolved, defaults filled in: the
    document the web stores and reads)."""
    from gpworkforce.forecast.track_record import paper_sentences, record, scenario_horizon

    scenario = run.loaded.scenario
    document = scenario.model_dump(mode="json", by_alias=True)
    found = record(org_name, scenario.method, cases, scenario_horizon(document, scenario.method))
    return paper_sentences(scenario.name, found)


def score_plan_summary(plan: Any) -> Any:
    """The plan scored against GPW as the paper shows it."""
    from gpworkforce.papers.build import plan_score_summary
    from gpworkforce.plans.actuals import gpw_actuals
    from gpworkforce.plans.scoring import score_plan

    actuals, label, provenance = gpw_actuals(plan)
    return plan_score_summary(plan, score_plan(plan, actuals, source=label, provenance=provenance))


def render_files(
    built: Any,
    formats: list[PaperFormat],
    out: Path,
    stem: str,
    write: Callable[[Path, bytes], Path],
    pool: Any = None,
) -> list[Path]:
    """Write each format's file, built by :func:`gpworkforce.papers.files.paper_files` (the
    builder the web's task calls too): the PDF's parts are laid out in ``pool`` (forked
    processes, see :func:`gpworkforce.papers.pdf.layout_pool`) while this process writes the Word
    document and the Excel pack; the files are the same bytes without a pool. Nothing is written
    until every file is built."""
    from gpworkforce.papers.files import paper_files

    made = paper_files(built, formats, pool, stage=step)
    return [write(out / f"{stem}.{f.value}", content) for f, content in made.items()]


def register(app: typer.Typer) -> None:
    app.command("paper")(paper)
