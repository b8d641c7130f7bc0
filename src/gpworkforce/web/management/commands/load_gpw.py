"""Load an NHS Digital GPW practice-level file (through the library's loaders) for the dashboards."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gpworkforce.errors import UserError
from gpworkforce.loaders import (
    load_gpw_detailed,
    load_practice_year_gp_admin,
    load_practice_year_staff_groups,
)
from gpworkforce.web.actions.reference import load_reference
from gpworkforce.web.models import Organisation, descendant_codes


class Command(BaseCommand):
    help = "Load GPW workforce and list sizes from a practice-level CSV (practice-year or detailed layout)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--layout",
            choices=["gp-admin", "staff-groups", "detailed"],
            default="gp-admin",
            help="which published layout the file has",
        )
        parser.add_argument(
            "--org", default=None, help="keep only practices ever under this ODS code"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        loader = {
            "gp-admin": load_practice_year_gp_admin,
            "staff-groups": load_practice_year_staff_groups,
            "detailed": load_gpw_detailed,
        }[opts["layout"]]
        practices = None
        if opts["org"]:
            code = opts["org"].strip().upper()
            if not Organisation.objects.filter(code=code).exists():
                raise CommandError(
                    f"--org must be a known ODS code (load the registry first), got {code!r}"
                )
            practices = set(descendant_codes(code, dt.date.today()))
            practices |= _ever_under(code)
        try:
            loaded = loader(opts["path"])
            counts = load_reference(
                actor=None,
                workforce=loaded.workforce,
                patients=loaded.patients,
                practices=practices,
                source=loaded.source,
                warnings=loaded.warnings,
            )
        except UserError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"GPW: {counts['workforce_rows']} workforce rows, {counts['patient_rows']} list-size rows"
        )
        from gpworkforce.web.scenarios.bands import evaluation_status

        # asked for once the load committed (web.scenarios.hooks): a task, not this command
        self.stdout.write(f"Forecast bands from the figures loaded: {evaluation_status()['text']}")
        for warning in loaded.warnings:  # also kept for the data page (/data/)
            self.stdout.write(f"  warning: {warning}")


def _ever_under(code: str) -> set[str]:
    """Practices under ``code`` by any link ever in force (for a history of September figures)."""
    from gpworkforce.web.models import ParentLink

    seen, frontier = {code}, {code}
    while frontier:
        kids = set(
            ParentLink.objects.filter(parent_id__in=frontier).values_list("child_id", flat=True)
        )
        frontier = kids - seen
        seen |= frontier
    return seen
