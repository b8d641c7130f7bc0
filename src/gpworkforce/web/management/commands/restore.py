"""``python -m gpworkforce.web restore FILE --replace``: the database becomes the backup's
(docs/deploy.md). Stop the web server and the task workers first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from gpworkforce.web.backup import BackupError, restore


class Command(BaseCommand):
    help = "Replace the database's contents by the backup in FILE (needs --replace)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a file written by the backup command")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="confirm that the database's current contents are to be replaced",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["replace"]:
            raise CommandError(
                "restore replaces the whole database: add --replace to confirm (nothing changed)"
            )
        connections["default"].close()  # nothing of ours holds the database while it is replaced
        try:
            restore(connections["default"].settings_dict, options["file"])
        except BackupError as exc:
            raise CommandError(exc.message) from None
        from gpworkforce.web.jobs.models import new_series
        from gpworkforce.web.jobs.tasks import enqueue_refresh
        from gpworkforce.web.models import AuditEvent, ReturnVersion

        # the restored data get a data version of their own (a cache may hold figures computed
        # under the restored version's number after the backup was taken), and their dashboards
        # are queued for the task workers
        new_series()
        enqueue_refresh()

        self.stdout.write(
            f"restored from {options['file']}: {ReturnVersion.objects.count()} return versions, "
            f"{AuditEvent.objects.count()} audit events"
        )
