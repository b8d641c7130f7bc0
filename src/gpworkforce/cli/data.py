"""``gpworkforce load`` (validate files and add them, unchanged, to a workspace directory) and
``gpworkforce data list | diff | pin | remove`` (the vintages a workspace holds)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from gpworkforce.cli.choices import Kind
from gpworkforce.cli.common import echo_warnings, period_option, step


def load(
    kind: Annotated[
        Kind, typer.Argument(metavar="KIND", help="What the files are.", case_sensitive=False)
    ],
    files: Annotated[
        list[Path],
        typer.Argument(metavar="FILE", help="The files, exactly as published or returned."),
    ],
    data: Annotated[
        Path, typer.Option("--data", help="The workspace directory (created if needed).")
    ],
    period: Annotated[
        str | None,
        typer.Option(
            "--period", help="Census date, when the file does not say (gpw-detailed, payments)."
        ),
    ] = None,
    published: Annotated[
        str | None,
        typer.Option(
            "--published",
            help="Publication (vintage) date of the files (any kind but returns, whose vintage "
            "is their version).",
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", help="Print every loader warning in full.")
    ] = False,
) -> None:
    """Validate FILES as KIND and, only if every one is valid, copy them into the workspace.

    Each file is stored unchanged, with its own name, under raw/KIND/ in a folder naming its
    dataset, period, vintage and checksum, and is recorded in manifest.json. A file already
    loaded (same bytes) is skipped.
    """
    from gpworkforce.cli.workspace import (
        LoadOptions,
        load_into,
        read_manifest,
        workspace_registry,
    )
    from gpworkforce.labels import plural

    options = LoadOptions(
        period=period_option(period) if period else None,
        published=period_option(published, "--published") if published else None,
    )

    registry = None
    # returns are checked against the registry; practice-year files and ePCN workbooks compared
    # with it (the workspace's own ODS extracts and practice maps included, decision 0078; an
    # ePCN with the maps and extracts only, which it overrides, decision 0153)
    if kind in (Kind.RETURNS, Kind.GPW_PRACTICE_YEAR, Kind.PCN_MEMBERSHIP):
        with step("Reading the organisation registry"):
            existing = read_manifest(data).entries if data.is_dir() else ()
            if kind is Kind.PCN_MEMBERSHIP:
                existing = tuple(e for e in existing if e.kind is not Kind.PCN_MEMBERSHIP)
            registry = workspace_registry(data, existing)
    with step(f"Validating {plural(len(files), kind.value + ' file')}"):
        outcome = load_into(data, kind, files, registry, options)
    from gpworkforce import labels

    skipped = len(outcome.already_present)
    typer.echo(
        f"Headline: {labels.plural(len(outcome.added), 'file')} added to the workspace {data}"
        + (f"; {labels.plural(skipped, 'file')} already there, skipped" if skipped else "")
    )
    for line in labels.sources_summary(e.source_id for e in outcome.added):
        typer.echo(f"  {line}")
    for entry in outcome.added:
        encoding = f"; {entry.encoding}" if entry.encoding else ""
        typer.echo(
            f"loaded {entry.original_name} -> {data / entry.file} "
            f"({labels.source(entry.source_id)}; file id {labels.file_id(entry.source_id)}"
            f"{encoding})"
        )
        echo_warnings(entry.original_name, entry.warnings, verbose=verbose)
    for name in outcome.already_present:
        typer.echo(f"skipped {name}: the same file is already in {data}")
    if outcome.added and kind in PLACING_KINDS:
        _keep_placement(data)


# the kinds whose files place practices themselves (loaders.own_orgs): loading one changes
# where the workspace's reports place practices
PLACING_KINDS = frozenset({Kind.GPW_DETAILED, Kind.GPW_PRACTICE_YEAR})


def _keep_placement(data: Path) -> None:
    """Place the workspace's practices where its workforce files place them, now, and keep the
    answer (decision 0169): the next report reads it instead of placing them itself."""
    from gpworkforce.cli.sources import files_placement
    from gpworkforce.cli.workspace import require_entries

    with step("Placing practices where the files place them"):
        files_placement(data, require_entries(data))


DataDir = Annotated[Path, typer.Option("--data", help="The workspace directory.")]


def list_files(data: DataDir) -> None:
    """List the files in the workspace: id, kind, period, vintage, and which one reports read."""
    from gpworkforce.cli.headlines import list_lines
    from gpworkforce.cli.vintages import winners
    from gpworkforce.cli.workspace import require_entries, state_digest
    from gpworkforce.labels import plural

    entries = require_entries(data)
    wins = winners(entries)
    read = [e for e in entries if wins[e.sha256].sha256 == e.sha256]
    for line in list_lines(len(entries), len(read), [e.source_id for e in read]):
        typer.echo(line)
    rows = [("id", "kind", "period", "vintage", "loaded (UTC)", "file", "reports read")]
    for e in entries:
        winner = wins[e.sha256]
        status = "this" if winner.sha256 == e.sha256 else f"{winner.short_id} instead"
        loaded = e.loaded_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M")
        rows.append(
            (e.short_id, e.kind.value, e.period, e.vintage_label, loaded, e.original_name, status)
        )
    typer.echo(_columns(rows))
    typer.echo(f"data state {state_digest(entries)} ({plural(len(entries), 'file')})")


def diff(
    a: Annotated[str, typer.Argument(metavar="A", help="Id of the first file (data list).")],
    b: Annotated[str, typer.Argument(metavar="B", help="Id of the second file.")],
    data: DataDir,
    limit: Annotated[int, typer.Option("--limit", help="Changed rows to show.", min=0)] = 20,
) -> None:
    """What changed between two files of the workspace (e.g. two vintages of one period)."""
    from gpworkforce.cli.headlines import diff_lines, role_label
    from gpworkforce.cli.vintages import diff_workforce
    from gpworkforce.cli.workspace import find_entry, read_workspace, require_entries
    from gpworkforce.loaders import build_registry

    entries = require_entries(data)
    ea, eb = find_entry(entries, a), find_entry(entries, b)
    with step("Reading both files"):
        fa, fb = read_workspace(data, build_registry(), (ea, eb))
    d = diff_workforce(fa.workforce, fb.workforce)
    for line in diff_lines(d.totals, d.only_a, d.only_b, len(d.changed)):
        typer.echo(line)
    typer.echo(f"A = {ea.original_name} ({ea.kind.value}, {ea.period}, {ea.vintage_label})")
    typer.echo(f"B = {eb.original_name} ({eb.kind.value}, {eb.period}, {eb.vintage_label})")
    typer.echo(
        f"workforce rows: {d.only_a:,} only in A, {d.only_b:,} only in B, "
        f"{len(d.changed):,} with a different FTE or headcount"
    )
    if len(d.totals):
        rows = [("role", "WTE in A", "WTE in B", "change")]
        for r in d.totals.itertuples(index=False):
            rows.append(
                (role_label(str(r.node)), _num(r.fte_a), _num(r.fte_b), _num(r.change, sign=True))
            )
        typer.echo(_columns(rows))
    if len(d.changed) and limit:
        rows = [("practice", "period", "role", "WTE A", "WTE B", "headcount A", "headcount B")]
        for r in d.changed.head(limit).itertuples(index=False):
            rows.append(
                (
                    str(r.practice_code),
                    f"{r.period:%Y-%m-%d}",
                    role_label(str(r.node)),
                    _num(r.fte_a),
                    _num(r.fte_b),
                    _num(r.headcount_a),
                    _num(r.headcount_b),
                )
            )
        typer.echo(_columns(rows))
        if len(d.changed) > limit:
            typer.echo(f"... and {len(d.changed) - limit:,} more (--limit)")


def pin(
    data: DataDir,
    out: Annotated[Path, typer.Option("--out", help="The pin file to write (JSON).")],
    state: Annotated[
        str | None,
        typer.Option("--state", help="An earlier data state a report printed (default: now)."),
    ] = None,
) -> None:
    """Write a pin file naming the workspace's files now (or at an earlier data state), so a
    report can be rerun on exactly those vintages with --pin."""
    from gpworkforce.cli.workspace import make_pin, require_entries, state_entries, write_pin
    from gpworkforce.labels import plural

    entries = state_entries(data, state) if state else require_entries(data)
    p = make_pin(entries)
    write_pin(out, p)
    from gpworkforce import labels

    typer.echo(
        f"Headline: reports run with --pin {out} will read exactly "
        f"{'this' if len(entries) == 1 else 'these'} {labels.plural(len(entries), 'file')}:"
    )
    for line in labels.sources_summary(e.source_id for e in entries):
        typer.echo(f"  {line}")
    typer.echo(f"pinned data state {p.state} ({plural(len(entries), 'file')}) -> {out}")


def remove(
    ids: Annotated[list[str], typer.Argument(metavar="ID", help="Ids of the files (data list).")],
    data: DataDir,
) -> None:
    """Remove files from the workspace (reports then read the next vintage, if any)."""
    from gpworkforce import labels
    from gpworkforce.cli.workspace import remove_entries

    removed = remove_entries(data, ids)
    typer.echo(f"Headline: {labels.plural(len(removed), 'file')} removed from the workspace {data}")
    for line in labels.sources_summary(e.source_id for e in removed):
        typer.echo(f"  {line}")
    for e in removed:
        typer.echo(f"removed {e.short_id} {e.original_name} ({e.kind.value}, {e.period})")


def _num(value: object, *, sign: bool = False) -> str:
    import pandas as pd

    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return "n/a"
    return f"{float(value):+,.1f}" if sign else f"{float(value):,.1f}"  # type: ignore[arg-type]


def _columns(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    )


def register(app: typer.Typer) -> None:
    app.command("load")(load)
    group = typer.Typer(
        name="data",
        help="The files a workspace holds: list, diff, pin and remove vintages.",
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    group.command("list")(list_files)
    group.command("diff")(diff)
    group.command("pin")(pin)
    group.command("remove")(remove)
    app.add_typer(group, name="data")
