"""Load the national organisation registry (ODS + practice maps) with the library's loader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gpworkforce.errors import UserError
from gpworkforce.loaders import build_registry
from gpworkforce.web.actions.registry import load_registry


class Command(BaseCommand):
    help = "Load organisations and effective-dated parent links from the public ODS/NHS files."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--data-dir", type=Path, default=None, help="folder holding nhs/ (default: shared data)"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            registry = build_registry(opts["data_dir"])
            counts = load_registry(registry, actor=None, source="load_registry")
        except UserError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"registry: {counts['created']} created, {counts['updated']} updated, {counts['links']} links"
        )
        from gpworkforce.web.scenarios.bands import evaluation_status

        # asked for once the load committed (web.scenarios.hooks): a task, not this command
        self.stdout.write(f"Forecast bands from the figures loaded: {evaluation_status()['text']}")
