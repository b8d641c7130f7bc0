"""Load the LLR delivery plan, implementation plan, risk log and initiatives for an organisation."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gpworkforce.errors import UserError
from gpworkforce.web.delivery.seed import seed_delivery
from gpworkforce.web.models import Organisation


class Command(BaseCommand):
    help = "Load the LLR 2017 delivery registers (scenarios/llr-2017/delivery) for an organisation."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--org", default="QK1", help="organisation code (default QK1, LLR)")

    def handle(self, *args: Any, **opts: Any) -> None:
        code = opts["org"].strip().upper()
        if not Organisation.objects.filter(code=code).exists():
            raise CommandError(f"--org must be a known organisation code, got {code!r}")
        try:
            counts = seed_delivery(code)
        except UserError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            "Delivery registers for "
            + code
            + ": "
            + ", ".join(f"{n} {what}" for what, n in counts.items())
            + " added"
        )
