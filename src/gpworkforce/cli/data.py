"""``gpworkforce load``: validate files and add them, unchanged, to a workspace directory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gpworkforce.cli.choices import Kind
from gpworkforce.cli.common import period_option, step


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
        typer.Option("--published", help="Publication (vintage) date of a gpw-detailed file."),
    ] = None,
) -> None:
    """Validate FILES as KIND and, only if every one is valid, copy them into the workspace.

    Each file is stored unchanged, with its own name, under raw/KIND/ in a folder naming its
    dataset, period, vintage and checksum, and is recorded in manifest.json. A file already
    loaded (same bytes) is skipped.
    """
    from gpworkforce.cli.workspace import LoadOptions, load_into
    from gpworkforce.loaders import build_registry

    options = LoadOptions(
        period=period_option(period) if period else None,
        published=period_option(published, "--published") if published else None,
    )

    with step("Reading the organisation registry"):
        registry = build_registry()
    with step(f"Validating {len(files)} {kind.value} file(s)"):
        outcome = load_into(data, kind, files, registry, options)
    for entry in outcome.added:
        typer.echo(f"loaded {entry.original_name} -> {data / entry.file} ({entry.source_id})")
    for name in outcome.already_present:
        typer.echo(f"skipped {name}: the same file is already in {data}")


def register(app: typer.Typer) -> None:
    app.command("load")(load)
