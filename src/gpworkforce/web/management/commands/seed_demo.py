"""Load the LLR 2017 demo (library ``gpworkforce.demo``) with one demo user per role, and print logins.

Real registry, GPW figures and list sizes; the practices' September 2017 returns are the demo's
synthetic ones (see docs/demo.md), imported as accepted by the system import account, except one
practice's, left as a draft so the demo users can walk the workflow. Idempotent.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gpworkforce.demo.dataset import build_llr_2017
from gpworkforce.domain.orgs import OrgType
from gpworkforce.errors import UserError
from gpworkforce.loaders import load_practice_year_gp_admin
from gpworkforce.paths import nhs_file
from gpworkforce.web.actions.reference import load_reference
from gpworkforce.web.actions.registry import load_registry
from gpworkforce.web.actions.returns import import_accepted
from gpworkforce.web.actions.rounds import open_round
from gpworkforce.web.actions.users import create_user, set_password, system_account
from gpworkforce.web.delivery.seed import seed_delivery, seed_maturity_demo
from gpworkforce.web.finance.seed import seed_llr_finance
from gpworkforce.web.models import CollectionRound, PracticeReturnRecord, User
from gpworkforce.web.payload import payload_sha256, to_payload
from gpworkforce.web.plans.demo import seed_llr_plan
from gpworkforce.web.roles import Role
from gpworkforce.web.scenarios.demo import seed_llr_scenarios

IMPORT_ACCOUNT = "system-import"
GP_ADMIN_FILE = "gpw_practice_fy2016_2024_gp_admin.csv"


class Command(BaseCommand):
    help = "Load the LLR 2017 demo ICS with one demo user per role; print the address and logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--password", default=None, help="password for every demo user (default: random)"
        )
        parser.add_argument("--address", default="http://127.0.0.1:8000/", help="address to print")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            demo = build_llr_2017()
            logins = self._seed(demo, opts["password"] or secrets.token_urlsafe(12))
            seed_llr_scenarios(demo.registry.of_type(OrgType.ICB)[0].code)
        except UserError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"GP workforce demo (LLR, {demo.census_date:%-d %B %Y}) at {opts['address']}"
        )
        self.stdout.write("Logins (username / password / role / organisation):")
        for username, password, role, org in logins:
            self.stdout.write(f"  {username:<16} {password}  {role.label:<20} {org}")

    @transaction.atomic
    def _seed(self, demo: Any, password: str) -> list[tuple[str, str, Role, str]]:
        load_registry(demo.registry, actor=None, source="seed_demo")
        practices = {p.code for p in demo.registry.of_type(OrgType.PRACTICE)}
        # The demo's GPW rows come from the practice-year file; loading the whole file second
        # replaces them (same source_id) with every year, for the September-to-September series.
        load_reference(
            actor=None, workforce=demo.workforce, patients=demo.patients, practices=practices
        )
        history = load_practice_year_gp_admin(nhs_file(GP_ADMIN_FILE))
        load_reference(
            actor=None,
            workforce=history.workforce,
            patients=history.patients,
            practices=practices,
            source=history.source,
            warnings=history.warnings,
        )
        icb = demo.registry.of_type(OrgType.ICB)[0].code
        demo_practice = sorted(r.practice_code for r in demo.returns)[0]
        users = {
            "demo-submitter": (Role.PRACTICE_SUBMITTER, demo_practice),
            "demo-manager": (Role.PRACTICE_MANAGER, demo_practice),
            "demo-analyst": (Role.ICB_ANALYST, icb),
            "demo-board": (Role.BOARD_VIEWER, icb),
            "demo-admin": (Role.ADMINISTRATOR, icb),
            "demo-programme": (Role.PROGRAMME_OFFICE, icb),
        }
        logins = []
        for username, (role, org) in users.items():
            existing = User.objects.filter(username=username).first()
            if existing is None:
                create_user(
                    actor=None, username=username, password=password, role=role, org_code=org
                )
            else:
                set_password(actor=None, user=existing, password=password)
            logins.append((username, password, role, org))
        seed_llr_finance(icb)  # Table 17, GP5YFV funding and the plan's scenarios (/finance/)
        importer = system_account(username=IMPORT_ACCOUNT)
        rnd = CollectionRound.objects.filter(
            census_date=demo.census_date, organisation_id=icb
        ).first()
        if rnd is None:
            rnd = open_round(actor=None, census_date=demo.census_date, org_code=icb)
        records = {r.practice_id: r for r in PracticeReturnRecord.objects.filter(round=rnd)}
        for ret in demo.returns:
            rec = records.get(ret.practice_code)
            if rec is None or ret.practice_code == demo_practice or rec.state != "draft":
                continue
            import_accepted(
                importer=importer,
                record_id=rec.pk,
                data=ret,
                sha256=payload_sha256(to_payload(ret)),
                file_name="demo: synthetic LLR 2017 return",
            )
        # the LLR 2017 plan (three scenarios, Scenario 3 adopted): tracking and scoring pages
        seed_llr_plan(icb)
        seed_delivery(icb)  # LLR's delivery plan, implementation plan, risk log and initiatives
        seed_maturity_demo(icb)  # self-assessments of practices and PCNs, two periods
        return logins
