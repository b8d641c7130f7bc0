"""Helpers shared by the command modules: progress on stderr, dates, output paths."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gpworkforce.cli.choices import SourceChoice
from gpworkforce.domain.periods import parse_date
from gpworkforce.errors import UserError
from gpworkforce.reports.formats import OutputFormat

if TYPE_CHECKING:
    from gpworkforce.cli.sources import DataContext
    from gpworkforce.reports.model import Report

# the options every command reading the baseline's data takes, written once
SourceOption = Annotated[
    SourceChoice, typer.Option("--source", help="Practices' returns or NHS Digital GPW.")
]
DataOption = Annotated[
    Path | None,
    typer.Option("--data", help="Workspace directory (default: the built-in LLR 2017 demo)."),
]

# the GPW practice-year series the back-test and the evaluation read
PracticeYearDataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="A workspace directory (its loaded practice-year files) or a GPW practice-year"
        " CSV; default: the shared data file.",
    ),
]


def data_context(data: Path | None) -> DataContext:
    """The data a ``--data`` option names: its workspace, or the built-in LLR 2017 demo."""
    from gpworkforce.cli.sources import demo_context, workspace_context

    return workspace_context(data) if data is not None else demo_context()


@contextlib.contextmanager
def step(message: str) -> Iterator[None]:
    """Show a long step's progress on stderr: ``message ...`` then ``done (1.2 s; CPU 0.8 s)``:
    the wall time and this process's CPU time, which on a busy machine can be much less."""
    typer.echo(f"{message} ...", err=True)
    started, cpu = time.perf_counter(), time.process_time()
    yield
    typer.echo(
        f"  done ({time.perf_counter() - started:.1f} s; CPU {time.process_time() - cpu:.1f} s)",
        err=True,
    )


def period_option(text: str, what: str = "--period") -> dt.date:
    return parse_date(text, what=what)


def default_output(stem: str, fmt: OutputFormat) -> Path:
    """``<stem>.<ext>`` in the current directory (a directory ``<stem>-csv`` for CSV)."""
    from gpworkforce.reports.output import slug

    name = slug(stem)
    return Path(f"{name}-csv") if fmt is OutputFormat.CSV else Path(f"{name}{fmt.suffix}")


def emit_report(report: Report, fmt: OutputFormat, out: Path | None, stem: str) -> list[Path]:
    """Print a text report to stdout (no ``--out``) or write any format; list the files written."""
    from gpworkforce.reports.output import write_report
    from gpworkforce.reports.text import render_text

    if fmt is OutputFormat.TABLE and out is None:
        columns = shutil.get_terminal_size((120, 24)).columns
        typer.echo(render_text(report.tables, width=columns), nl=False)
        return []
    target = out if out is not None else default_output(stem, fmt)
    several_csv = fmt is OutputFormat.CSV and len(report.tables) > 1
    if target.is_dir() and not several_csv:
        raise UserError(
            f"--out must be a file for --format {fmt.value}, got the directory {target}"
        )
    if several_csv and (target.suffix.lower() == ".csv" or target.is_file()):
        raise UserError(
            f"--out must be a directory for --format csv with {len(report.tables)} tables "
            f"(one file per table), got {target}"
        )
    paths = write_report(report, fmt, target)
    echo_written(paths)
    return paths


SHORT_WARNING = 160  # characters of a warning shown without --verbose


def echo_warnings(name: str, warnings: Sequence[str], *, verbose: bool) -> None:
    """A file's loader warnings on stderr: each shortened, or in full with ``verbose``."""
    from gpworkforce.labels import plural

    if not warnings:
        return
    typer.echo(f"{name}: {plural(len(warnings), 'warning')}", err=True)
    cut = False
    for text in warnings:
        if not verbose and len(text) > SHORT_WARNING:
            text, cut = text[: SHORT_WARNING - 3] + "...", True
        typer.echo(f"  - {text}", err=True)
    if cut:
        typer.echo("  (--verbose shows every warning in full)", err=True)


def echo_written(paths: Sequence[Path]) -> None:
    for path in paths:
        typer.echo(f"wrote {path}", err=True)
