"""``python -m gpworkforce.web backup FILE``: a consistent backup of the database (docs/deploy.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from gpworkforce.web.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database to FILE (pg_dump custom format, or an SQLite copy)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the backup file to write (must not exist)")

    def handle(self, *args: Any, **options: Any) -> None:
        target: Path = options["file"]
        try:
            backup(connections["default"].settings_dict, target)
        except BackupError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"backed up to {target} ({target.stat().st_size:,} bytes)")
