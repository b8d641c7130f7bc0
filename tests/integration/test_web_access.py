"""The access policy in executable form: every URL pattern x every HTTP method x every role x
(own, another, unknown, historic organisation).

The table is keyed on the URL pattern as the resolver holds it (not on its name, which another
pattern may reuse) and on the method. :func:`test_every_pattern_and_method_is_in_the_table`
fails on a pattern without an entry, on a stale entry, on a pattern listed twice and on a method
not covered; each case builds its URL from the pattern and checks that the resolver sends it to
that pattern, so a pattern inserted earlier that shadows it fails too
(:func:`test_the_matrix_fails_when_a_pattern_is_added_or_reused` proves both).

To add a page: add a ``Route`` under its pattern (copy a similar one), with one policy per group
of methods (``"GET"``, ``"POST"``, ``"PUT PATCH DELETE"``; every method in :data:`METHODS` exactly
once). Codes: 200 shown, 302 redirected (to log in, or after an action), 400 a form with errors,
403 the role lacks the permission, 404 unknown or outside the user's organisations (existence is
not revealed), 405 method not allowed.

Roles: ``anonymous``; ``inactive`` (an ICB analyst whose account was deactivated while signed in:
treated as signed out); one user per role in the QK1 world. Variants: ``own`` (an object in the
user's organisation), ``other`` (another ICB's), ``unknown`` (no such object), ``historic`` (a
practice that was under QK1 on the 2017 census date and has since moved to the other ICB).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path, resolve
from django.urls.exceptions import Resolver404

import scenario_support
from gpworkforce.domain.orgs import Organisation, OrgRegistry, OrgType, ParentLink
from gpworkforce.web import urls as project_urls
from gpworkforce.web.actions.registry import load_registry
from gpworkforce.web.actions.returns import submit_version
from gpworkforce.web.actions.rounds import open_round
from gpworkforce.web.actions.users import create_user, set_active
from gpworkforce.web.finance.testing import finance_world
from gpworkforce.web.models import PracticeReturnRecord, User
from gpworkforce.web.plans.actions import create_plan
from gpworkforce.web.plans.testing import tiny_plan
from gpworkforce.web.roles import Role
from gpworkforce.web.testing import (
    CENSUS,
    OTHER_PRACTICE,
    OWN_PRACTICE,
    PASSWORD,
    USERS,
    sample_return,
    small_registry,
)
from gpworkforce.web.views import returns as return_views
from runs_support import finished_run

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
ROLES = ("anonymous", "inactive", "submitter", "manager", "analyst", "board", "admin", "programme")
SIGNED_IN = ROLES[2:]
VARIANTS = ("own", "other", "unknown", "historic")
HISTORIC_PRACTICE = "C82009"  # under 03W (QK1) until 1 April 2019, then under 99A (QXX)
MOVED_ON = dt.date(2019, 4, 1)

Policy = dict[str, dict[str, int]]  # role -> variant -> status
Args = Callable[[dict[str, Any], str], list[object]]  # (ids, variant) -> URL arguments


@dataclass(frozen=True)
class Route:
    args: Args
    methods: dict[str, Policy]  # "GET" or "PUT PATCH DELETE" -> policy

    def policy(self, method: str) -> Policy:
        return next(p for group, p in self.methods.items() if method in group.split())


# ---- policy helpers ----------------------------------------------------------------------------
def same(code: int) -> dict[str, int]:
    return dict.fromkeys(VARIANTS, code)


def scoped(own: int, historic: int = 404) -> dict[str, int]:
    """``own`` for the user's organisation; another ICB's or an unknown object is not found."""
    return {"own": own, "other": 404, "unknown": 404, "historic": historic}


def only(role_codes: dict[str, dict[str, int]], default: int = 403) -> Policy:
    """Signed-out users are sent to log in; roles not named lack the permission."""
    out: Policy = {"anonymous": same(302), "inactive": same(302)}
    out |= {role: same(default) for role in ROLES[2:]}
    return out | role_codes


# ---- URL arguments per variant -----------------------------------------------------------------
def no_object(_ids: dict[str, Any], _variant: str) -> list[object]:
    return []


def round_args(ids: dict[str, Any], v: str) -> list[object]:
    return [ids["rounds"][v]]


def return_args(ids: dict[str, Any], v: str) -> list[object]:
    return [ids["returns"][v]]


def transition_args(ids: dict[str, Any], v: str) -> list[object]:
    return [*return_args(ids, v), "approve"]


def version_args(ids: dict[str, Any], v: str) -> list[object]:
    return [ids["returns"]["own"], 99] if v == "unknown" else [*return_args(ids, v), 1]


def org_args(_ids: dict[str, Any], v: str) -> list[object]:
    codes = {"own": OWN_PRACTICE, "other": OTHER_PRACTICE, "unknown": "ZZZ999"}
    return [codes.get(v, HISTORIC_PRACTICE)]


def user_args(ids: dict[str, Any], v: str) -> list[object]:
    return [ids["users"][v]]


def download_args(ids: dict[str, Any], v: str) -> list[object]:
    return [*org_args(ids, v), "staff_by_group", "csv"]


FINANCE_ORGS = {"own": "QK1", "other": "QXX", "unknown": "ZZZ999"}


def paper_world() -> dict[str, int]:
    """A built committee paper of QK1's and one of QXX's (their files a few bytes)."""
    import django.utils.timezone as tz

    from gpworkforce.web.models import Organisation as OrgRow
    from gpworkforce.web.papers.models import PaperJob

    out = {}
    for code in ("QK1", "QXX"):
        job = PaperJob.objects.create(
            organisation=OrgRow.objects.get(code=code),
            census_date=CENSUS,
            meeting="Board",
            meeting_date=CENSUS,
            requested_at=tz.now(),
            status="done",
            pdf=b"%PDF-1.7",
            docx=b"PK",
            xlsx=b"PK",
        )
        out[code] = job.pk
    return out


def paper_args(ids: dict[str, Any], v: str) -> list[object]:
    if v == "unknown":
        return ["QK1", 999999]
    if v == "other":
        return ["QXX", ids["papers"]["QXX"]]
    return [*finance_org_args(ids, v), ids["papers"]["QK1"]]


def paper_download_args(ids: dict[str, Any], v: str) -> list[object]:
    return [*paper_args(ids, v), "pdf"]


def finance_org_args(_ids: dict[str, Any], v: str) -> list[object]:
    """Finance pages are an organisation's (not a practice's): the historic practice is none."""
    return [FINANCE_ORGS.get(v, HISTORIC_PRACTICE)]


def finance_item_args(kind: str) -> Args:
    def args(ids: dict[str, Any], v: str) -> list[object]:
        if v == "unknown":  # the own organisation, an object that does not exist
            return ["QK1", 999999 if kind != "scenario" else "no-such-scenario"]
        if v == "other":
            return ["QXX", ids["finance"]["QXX"][kind]]
        return [*finance_org_args(ids, v), ids["finance"]["QK1"][kind]]

    return args


def finance_run_args(ids: dict[str, Any], v: str) -> list[object]:
    """A run of the scenarios app under its organisation's finance pages (queued: the page says
    it has not finished)."""
    if v == "unknown":
        return ["QK1", 999999]
    return [*finance_org_args(ids, v), ids["scenarios"]["runs"]["other" if v == "other" else "own"]]


def finance_download_args(ids: dict[str, Any], v: str) -> list[object]:
    return [*finance_org_args(ids, v), "allocations", "csv"]


def finance_scenario_download_args(ids: dict[str, Any], v: str) -> list[object]:
    return [*finance_item_args("scenario")(ids, v), "costs_by_year", "xlsx"]


def plan_args(ids: dict[str, Any], v: str) -> list[object]:
    return [ids["plans"][v]]


def plan_run_args(ids: dict[str, Any], v: str) -> list[object]:
    return [ids["runs"][v]]


def plan_group_args(ids: dict[str, Any], v: str) -> list[object]:
    return [*plan_args(ids, v), "gp"]


def plan_download_args(ids: dict[str, Any], v: str) -> list[object]:
    return [*plan_args(ids, v), "plan", "toml"]


def delivery_args(kind: str, *extra: object) -> Args:
    """A delivery register object (``ids["delivery"][kind]``) of each variant, then ``extra``."""
    return lambda ids, v: [ids["delivery"][kind][v], *extra]


def export_args(_ids: dict[str, Any], v: str) -> list[object]:
    return {"unknown": ["no-such-register", "csv"], "other": ["risks", "xlsx"]}.get(
        v, ["risks", "csv"]
    )


def scenario_args(ids: dict[str, Any], v: str) -> list[object]:
    return [ids["scenarios"]["scenarios"][v]]


def scenario_run_args(ids: dict[str, Any], v: str) -> list[object]:
    return [ids["scenarios"]["runs"][v]]


def skillmix_world() -> dict[str, int]:
    """A queued skill-mix optimisation of QK1, of QXX and of the practice that moved to QXX."""
    import django.utils.timezone as tz

    from gpworkforce.web.skillmix.models import Optimisation

    out = {"unknown": 999999}
    for variant, code in (("own", "QK1"), ("other", "QXX"), ("historic", HISTORIC_PRACTICE)):
        out[variant] = Optimisation.objects.create(
            organisation_id=code, census_date=CENSUS, choices={"target_year": 2020},
            problem={}, requested_at=tz.now(),
        ).pk  # fmt: skip
    return out


def skillmix_job_args(ids: dict[str, Any], v: str) -> list[object]:
    return [ids["skillmix"][v]]


def icb_args(_ids: dict[str, Any], v: str) -> list[object]:
    return [{"own": "QK1", "other": "QXX", "unknown": "ZZZ999"}.get(v, "99A")]


ALL = "GET POST PUT PATCH DELETE"
NOT_POST = "GET PUT PATCH DELETE"
WRITES = "PUT PATCH DELETE"

# Returns: the own and the historic return are submitted (so their form and upload pages redirect
# to the return); the manager may approve the own one; the historic practice's return is seen by
# QK1's analyst and administrator (its hierarchy on the census date), not by the practice roles of
# another practice.
RETURN_VIEW = only(
    {
        "submitter": scoped(200),
        "manager": scoped(200),
        "analyst": scoped(200, historic=200),
        "admin": scoped(200, historic=200),
    }
)
RETURN_EDIT = only({"submitter": scoped(302), "manager": scoped(302)})
ACCOUNT = only({"admin": scoped(200)})
# A dashboard without a period is scoped by today's hierarchy: the practice that moved away is
# no longer QK1's (scoping on an earlier date: tests/integration/test_web_permissions.py).
PLAN_VIEW = only({"analyst": scoped(200), "board": scoped(200)})
DASHBOARD = {"anonymous": same(302), "inactive": same(302), **{r: scoped(200) for r in SIGNED_IN}}
# Delivery assurance: programme office and analysts edit, board viewers read, practices see and
# answer their own practice's items (the "own" risk and assessment are the own practice's; the
# "own" KPI and milestone are QK1's, which a practice does not see); administrators are refused.
VIEWERS = ("submitter", "manager", "analyst", "board", "programme")
EDITORS = ("analyst", "programme")
DELIVERY_PAGE = only(dict.fromkeys(VIEWERS, same(200)))
DELIVERY_ICB_OBJECT = only(
    {**dict.fromkeys(VIEWERS, scoped(200)), "submitter": same(404), "manager": same(404)}
)
DELIVERY_PRACTICE_OBJECT = only(dict.fromkeys(VIEWERS, scoped(200)))


def editors(code: dict[str, int]) -> Policy:
    return only(dict.fromkeys(EDITORS, code))


SCENARIO_VIEW = only({"analyst": scoped(200), "board": scoped(200)})

# Finance: analysts and board viewers read their organisation's pages (others 403); analysts
# alone change them (an empty POST is a form with errors: 400; an upload without a file too).
# Reading pages answer other methods 405; another ICB's organisation or object is not found.
FIN_READ = {
    "GET": only({"analyst": scoped(200), "board": scoped(200)}),
    "POST PUT PATCH DELETE": only({"analyst": scoped(405), "board": scoped(405)}),
}
FIN_EDIT = {
    "GET": only({"analyst": scoped(200)}),
    "POST": only({"analyst": scoped(400)}),
    "PUT PATCH DELETE": only({"analyst": scoped(405)}),
}
FIN_DOWNLOAD = only({"analyst": scoped(200), "board": scoped(200)})

TABLE: dict[str, Route] = {
    "": Route(no_object, {ALL: {"anonymous": same(302), "inactive": same(302), **dict.fromkeys(SIGNED_IN, same(200))}}),
    "healthz": Route(no_object, {ALL: dict.fromkeys(ROLES, same(200))}),
    "accounts/login/": Route(no_object, {
        "GET": {"anonymous": same(200), "inactive": same(200), **dict.fromkeys(SIGNED_IN, same(302))},
        "POST": {"anonymous": same(200), "inactive": same(200), **dict.fromkeys(SIGNED_IN, same(302))},
        "PUT": {"anonymous": same(200), "inactive": same(200), **dict.fromkeys(SIGNED_IN, same(302))},
        "PATCH DELETE": {"anonymous": same(405), "inactive": same(405), **dict.fromkeys(SIGNED_IN, same(302))},
    }),
    "accounts/logout/": Route(no_object, {
        "GET": {"anonymous": same(302), "inactive": same(302), **dict.fromkeys(SIGNED_IN, same(200))},
        "POST": dict.fromkeys(ROLES, same(302)),
        WRITES: dict.fromkeys(ROLES, same(405)),
    }),
    "accounts/password/": Route(no_object, {
        "GET PUT PATCH DELETE": {"anonymous": same(302), "inactive": same(302), **dict.fromkeys(SIGNED_IN, same(200))},
        "POST": {"anonymous": same(302), "inactive": same(302), **dict.fromkeys(SIGNED_IN, same(400))},
    }),
    "rounds/": Route(no_object, {ALL: only({"analyst": same(200), "admin": same(200)})}),
    "rounds/new/": Route(no_object, {
        ALL: only({"analyst": same(200)}),  # an empty POST shows the form again
    }),
    "rounds/<int:round_id>/": Route(round_args, {
        NOT_POST: only({"analyst": scoped(200, historic=200), "admin": scoped(200, historic=200)}),
        # a reminder: back to the page (the action refuses whoever may not chase, with a message)
        "POST": only({"analyst": scoped(302, historic=302), "admin": scoped(302, historic=302)}),
    }),
    "returns/<int:return_id>/": Route(return_args, {ALL: RETURN_VIEW}),
    "returns/<int:return_id>/form/": Route(return_args, {ALL: RETURN_EDIT}),
    "returns/<int:return_id>/upload/": Route(return_args, {ALL: RETURN_EDIT}),
    "returns/<int:return_id>/template.xlsx": Route(return_args, {
        ALL: only({"submitter": scoped(200), "manager": scoped(200)}),
    }),
    # The own return was submitted by the submitter: the manager may approve it (then 302 back);
    # the others see it but may not approve (403); approval is by POST only.
    "returns/<int:return_id>/transition/<str:transition>/": Route(transition_args, {
        "POST": only({
            "submitter": {**scoped(403)},
            "manager": scoped(302),
            "analyst": scoped(403, historic=403),
            "admin": scoped(403, historic=403),
        }),
        "GET PUT PATCH DELETE": only({
            "submitter": scoped(405),
            "manager": scoped(405),
            "analyst": scoped(405, historic=405),
            "admin": scoped(405, historic=405),
        }),
    }),
    "returns/<int:return_id>/versions/<int:number>/": Route(version_args, {ALL: RETURN_VIEW}),
    "dashboards/<str:org_code>/": Route(org_args, {ALL: DASHBOARD}),
    "dashboards/<str:org_code>/queries/": Route(org_args, {ALL: DASHBOARD}),
    "dashboards/<str:org_code>/<str:table_key>.<str:fmt>": Route(download_args, {ALL: DASHBOARD}),
    "audit/": Route(no_object, {ALL: only({"analyst": same(200), "admin": same(200)})}),
    # the published files loaded (national reference data) and their loader warnings
    "data/": Route(no_object, {ALL: {"anonymous": same(302), "inactive": same(302), **dict.fromkeys(SIGNED_IN, same(200))}}),
    "users/": Route(no_object, {ALL: only({"admin": same(200)})}),
    "users/new/": Route(no_object, {
        ALL: only({"admin": same(200)}),  # an empty POST shows the form again
    }),
    # Accounts are scoped by today's hierarchy: the historic practice's user is now QXX's.
    # An empty POST is a form with errors (400), except unlocking, which needs no fields.
    "users/<int:user_id>/": Route(user_args, {"POST": only({"admin": scoped(400)}), NOT_POST: ACCOUNT}),
    "users/<int:user_id>/active/": Route(user_args, {"POST": only({"admin": scoped(400)}), NOT_POST: ACCOUNT}),
    "users/<int:user_id>/password/": Route(user_args, {"POST": only({"admin": scoped(400)}), NOT_POST: ACCOUNT}),
    "users/<int:user_id>/unlock/": Route(user_args, {"POST": only({"admin": scoped(302)}), NOT_POST: ACCOUNT}),
    "finance/": Route(no_object, {ALL: only({"analyst": same(302), "board": same(302)})}),
    "finance/<str:org_code>/": Route(finance_org_args, FIN_READ),
    "finance/<str:org_code>/allocations/": Route(finance_org_args, FIN_READ),
    "finance/<str:org_code>/allocations/new/": Route(finance_org_args, FIN_EDIT),
    "finance/<str:org_code>/allocations/upload/": Route(finance_org_args, FIN_EDIT),
    "finance/<str:org_code>/allocations/<int:row_id>/": Route(finance_item_args("allocation"), FIN_EDIT),
    "finance/<str:org_code>/thresholds/": Route(finance_org_args, FIN_EDIT),
    "finance/<str:org_code>/funding/": Route(finance_org_args, FIN_READ),
    "finance/<str:org_code>/funding/new/": Route(finance_org_args, FIN_EDIT),
    "finance/<str:org_code>/funding/<int:entry_id>/": Route(finance_item_args("funding"), FIN_EDIT),
    "finance/<str:org_code>/spend/": Route(finance_org_args, FIN_READ),
    "finance/<str:org_code>/runs/<int:run_id>/": Route(finance_run_args, FIN_READ),
    "finance/<str:org_code>/spend/upload/": Route(finance_org_args, FIN_EDIT),
    "finance/<str:org_code>/scenarios/<slug:key>/": Route(finance_item_args("scenario"), FIN_READ),
    "finance/<str:org_code>/scenarios/<slug:key>/<str:table_key>.<str:fmt>": Route(
        finance_scenario_download_args, {ALL: FIN_DOWNLOAD}
    ),
    "finance/<str:org_code>/<str:table_key>.<str:fmt>": Route(finance_download_args, {ALL: FIN_DOWNLOAD}),
    # Plans: analysts and board viewers read their organisations' plans; analysts change them (the
    # board viewer reaches the plan, then lacks the permission: 403); the historic variant is a
    # plan of the practice that has moved to the other ICB (scoped by today's hierarchy).
    "plans/": Route(no_object, {ALL: only({"analyst": same(200), "board": same(200)})}),
    "plans/new/": Route(no_object, {"POST": only({"analyst": same(400)}), NOT_POST: only({"analyst": same(200)})}),
    "plans/<int:plan_id>/": Route(plan_args, {ALL: PLAN_VIEW}),
    "plans/<int:plan_id>/groups/<str:group>/": Route(plan_group_args, {ALL: PLAN_VIEW}),
    "plans/<int:plan_id>/score/": Route(plan_args, {ALL: PLAN_VIEW}),
    "plans/<int:plan_id>/download/<str:key>.<str:fmt>": Route(plan_download_args, {ALL: PLAN_VIEW}),
    "plans/<int:plan_id>/revise/": Route(plan_args, {
        "POST": only({"analyst": scoped(400), "board": scoped(403)}),
        NOT_POST: only({"analyst": scoped(200), "board": scoped(403)}),
    }),
    "plans/<int:plan_id>/adopt/": Route(plan_args, {
        "POST": only({"analyst": scoped(302), "board": scoped(403)}),
        NOT_POST: only({"analyst": scoped(405), "board": scoped(403)}),
    }),
    "plans/<int:plan_id>/close/": Route(plan_args, {
        "POST": only({"analyst": scoped(400), "board": scoped(403)}),
        NOT_POST: only({"analyst": scoped(200), "board": scoped(403)}),
    }),
    "plans/<int:plan_id>/recalculations/": Route(plan_args, {
        "POST": only({"analyst": scoped(302), "board": scoped(403)}),
        NOT_POST: only({"analyst": scoped(405), "board": scoped(403)}),
    }),
    # a finished scenario run adopted as a plan's trajectory (analysts; the run's organisation)
    "plans/from-run/<int:run_id>/": Route(plan_run_args, {
        "POST": only({"analyst": scoped(400)}), NOT_POST: only({"analyst": scoped(200)}),
    }),
    # a practice's own figures against its share of the plans above it
    "plans/practice/<str:org_code>/": Route(org_args, {ALL: only({
        "submitter": scoped(200), "manager": scoped(200), "analyst": scoped(200), "board": scoped(200),
    })}),
    "delivery/": Route(no_object, {ALL: DELIVERY_PAGE}),
    "delivery/board/": Route(no_object, {ALL: DELIVERY_PAGE}),
    "delivery/timeline/": Route(no_object, {ALL: DELIVERY_PAGE}),
    "delivery/initiatives/": Route(no_object, {ALL: DELIVERY_PAGE}),
    # the plan's forms: editors only; an empty POST is a form with errors
    "delivery/workstreams/new/": Route(no_object, {"POST": editors(same(400)), NOT_POST: editors(same(200))}),
    "delivery/workstreams/<int:workstream_id>/edit/": Route(delivery_args("workstream"), {"POST": editors(scoped(400)), NOT_POST: editors(scoped(200))}),
    "delivery/kpis/new/": Route(no_object, {"POST": editors(same(400)), NOT_POST: editors(same(200))}),
    "delivery/kpis/<int:kpi_id>/edit/": Route(delivery_args("kpi"), {"POST": editors(scoped(400)), NOT_POST: editors(scoped(200))}),
    "delivery/initiatives/new/": Route(no_object, {"POST": editors(same(400)), NOT_POST: editors(same(200))}),
    "delivery/initiatives/<int:initiative_id>/edit/": Route(delivery_args("initiative"), {"POST": editors(scoped(400)), NOT_POST: editors(scoped(200))}),
    "delivery/kpis/<int:kpi_id>/": Route(delivery_args("kpi"), {ALL: DELIVERY_ICB_OBJECT}),
    # an empty POST is a form with errors (400); other methods are not allowed (405)
    "delivery/kpis/<int:kpi_id>/value/": Route(delivery_args("kpi"), {"POST": editors(scoped(400)), NOT_POST: editors(scoped(405))}),
    "delivery/kpis/<int:kpi_id>/override/": Route(delivery_args("kpi"), {"POST": editors(scoped(400)), NOT_POST: editors(scoped(405))}),
    "delivery/kpis/<int:kpi_id>/withdraw/": Route(delivery_args("kpi"), {"POST": editors(scoped(302)), NOT_POST: editors(scoped(405))}),
    "delivery/milestones/new/": Route(no_object, {"POST": editors(same(400)), NOT_POST: editors(same(200))}),
    "delivery/milestones/<int:milestone_id>/edit/": Route(delivery_args("milestone"), {"POST": editors(scoped(400)), NOT_POST: editors(scoped(200))}),
    "delivery/milestones/<int:milestone_id>/done/": Route(delivery_args("milestone"), {"POST": editors(scoped(302)), NOT_POST: editors(scoped(405))}),
    "delivery/registers/": Route(no_object, {"POST": editors(same(400)), NOT_POST: DELIVERY_PAGE}),
    "delivery/registers/<str:register>.<str:fmt>": Route(export_args, {ALL: only({r: {**same(200), "unknown": 404} for r in VIEWERS})}),
    "risks/": Route(no_object, {ALL: DELIVERY_PAGE}),
    "risks/new/": Route(no_object, {"POST": editors(same(400)), NOT_POST: editors(same(200))}),
    "risks/check/": Route(no_object, {"POST": editors(same(302)), NOT_POST: editors(same(405))}),
    "risks/<int:risk_id>/": Route(delivery_args("risk"), {ALL: DELIVERY_PRACTICE_OBJECT}),
    "risks/<int:risk_id>/answer/": Route(delivery_args("risk"), {
        "POST": only({"submitter": scoped(400), "manager": scoped(400)}),
        NOT_POST: only({"submitter": scoped(405), "manager": scoped(405)}),
    }),
    "risks/<int:risk_id>/<str:action>/": Route(delivery_args("risk", "review"), {"POST": editors(scoped(400)), NOT_POST: editors(scoped(405))}),
    "maturity/": Route(no_object, {ALL: DELIVERY_PAGE}),
    "maturity/assess/": Route(no_object, {
        "POST": only({**dict.fromkeys(VIEWERS, same(400)), "board": same(403)}),
        NOT_POST: DELIVERY_PAGE,
    }),
    "maturity/<int:assessment_id>/": Route(delivery_args("assessment"), {ALL: DELIVERY_PRACTICE_OBJECT}),
    # the analyst and the programme office moderate the practice's self-assessment (both agree: 302)
    "maturity/<int:assessment_id>/moderate/": Route(delivery_args("assessment"), {"POST": editors(scoped(302)), NOT_POST: editors(scoped(405))}),
    # evidence files: added by those who assess or edit (an empty POST: "Choose a file", 400; a
    # board viewer reads but adds nothing), downloaded by everyone who sees the assessment
    "maturity/<int:assessment_id>/evidence/": Route(delivery_args("assessment"), {
        "POST": only({**dict.fromkeys(VIEWERS, scoped(400)), "board": scoped(403)}),
        NOT_POST: only(dict.fromkeys(VIEWERS, scoped(405))),
    }),
    # a measure as evidence: the same people (an empty POST: "Choose the dimension", 400)
    "maturity/<int:assessment_id>/measure/": Route(delivery_args("assessment"), {
        "POST": only({**dict.fromkeys(VIEWERS, scoped(400)), "board": scoped(403)}),
        NOT_POST: only(dict.fromkeys(VIEWERS, scoped(405))),
    }),
    "maturity/evidence/<int:file_id>/": Route(delivery_args("evidence"), {ALL: DELIVERY_PRACTICE_OBJECT}),
    "resilience/": Route(no_object, {ALL: DELIVERY_PAGE}),
    "resilience/review/": Route(no_object, {"POST": editors(same(302)), NOT_POST: editors(same(405))}),
    "resilience/settings/": Route(no_object, {"POST": editors(same(400)), NOT_POST: editors(same(200))}),
    # Committee papers: analysts and board viewers ask for one (an empty POST: 400) and read it.
    "papers/<str:org_code>/": Route(finance_org_args, {
        "GET": only({"analyst": scoped(200), "board": scoped(200)}),
        "POST": only({"analyst": scoped(400), "board": scoped(400)}),
        WRITES: only({"analyst": scoped(405), "board": scoped(405)}),
    }),
    "papers/<str:org_code>/<int:job_id>/": Route(paper_args, {
        "GET": only({"analyst": scoped(200), "board": scoped(200)}),
        "POST PUT PATCH DELETE": only({"analyst": scoped(405), "board": scoped(405)}),
    }),
    "papers/<str:org_code>/<int:job_id>/paper.<str:fmt>": Route(paper_download_args, {
        "GET": only({"analyst": scoped(200), "board": scoped(200)}),
        "POST PUT PATCH DELETE": only({"analyst": scoped(405), "board": scoped(405)}),
    }),
    # Scenarios (issue 11): analysts change and run, board viewers read; an empty POST is a form
    # with errors (400); the run page is by POST (other methods go back to the scenario).
    "scenarios/": Route(no_object, {ALL: only({"analyst": same(200), "board": same(200)})}),
    "scenarios/new/": Route(no_object, {"POST": only({"analyst": same(400)}), NOT_POST: only({"analyst": same(200)})}),
    "scenarios/import/": Route(no_object, {"POST": only({"analyst": same(400)}), NOT_POST: only({"analyst": same(200)})}),
    "scenarios/<int:scenario_id>/": Route(scenario_args, {ALL: SCENARIO_VIEW}),
    "scenarios/<int:scenario_id>/edit/": Route(scenario_args, {"POST": only({"analyst": scoped(400)}), NOT_POST: only({"analyst": scoped(200)})}),
    "scenarios/<int:scenario_id>/copy/": Route(scenario_args, {"POST": only({"analyst": scoped(400)}), NOT_POST: only({"analyst": scoped(200)})}),
    "scenarios/<int:scenario_id>/run/": Route(scenario_args, {"POST": only({"analyst": scoped(400)}), NOT_POST: only({"analyst": scoped(302)})}),
    "scenarios/<int:scenario_id>/scenario.toml": Route(scenario_args, {ALL: SCENARIO_VIEW}),
    "scenarios/runs/<int:run_id>/": Route(scenario_run_args, {ALL: SCENARIO_VIEW}),
    "scenarios/compare/<str:org_code>/": Route(icb_args, {ALL: SCENARIO_VIEW}),
    # Skill mix (issue 16): whoever sees an organisation's dashboard sees its skill mix (practices
    # their own); analysts set up and run optimisations and adopt them (an empty POST: 400), board
    # viewers read them. Reading pages answer other methods 405.
    "skill-mix/<str:org_code>/": Route(org_args, {
        "GET": DASHBOARD,
        "POST PUT PATCH DELETE": {"anonymous": same(302), "inactive": same(302), **{r: scoped(405) for r in SIGNED_IN}},
    }),
    "skill-mix/<str:org_code>/optimise/": Route(finance_org_args, {
        "GET": only({"analyst": scoped(200)}),
        "POST": only({"analyst": scoped(400)}),
        WRITES: only({"analyst": scoped(405)}),
    }),
    "skill-mix/<str:org_code>/plan/": Route(finance_org_args, {
        "GET": only({"analyst": scoped(200)}),
        "POST": only({"analyst": scoped(400)}),
        WRITES: only({"analyst": scoped(405)}),
    }),
    "skill-mix/optimisations/<int:job_id>/": Route(skillmix_job_args, {
        "GET": SCENARIO_VIEW,
        "POST PUT PATCH DELETE": only({"analyst": scoped(405), "board": scoped(405)}),
    }),
    "skill-mix/optimisations/<int:job_id>/adopt/": Route(skillmix_job_args, {
        "POST": only({"analyst": scoped(400)}),
        NOT_POST: only({"analyst": scoped(405)}),
    }),
}  # fmt: skip


# ---- Content-Security-Policy on every response (decision record 0040) ----------------------------
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def assert_content_security_policy(response: Any) -> None:
    """Every response carries the policy: scripts from this site with this response's nonce, no
    inline script, no eval; an HTML page has no inline script or event-handler attribute, and its
    scripts carry the header's nonce."""
    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    script_src = directives["script-src"]
    assert "'self'" in script_src and "'unsafe-inline'" not in script_src, policy
    assert "'unsafe-eval'" not in policy and "'unsafe-inline'" not in policy, policy
    assert directives["frame-ancestors"] == ["'none'"], policy
    if not response.get("Content-Type", "").startswith("text/html") or not response.content:
        return
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html).group(0)
    assert not INLINE_HANDLER.search(html), INLINE_HANDLER.search(html).group(0)
    nonces = set(re.findall(r'<script[^>]*\bnonce="([^"]*)"', html))
    if "<script" in html:
        assert len(nonces) == 1 and f"'nonce-{nonces.pop()}'" in script_src, policy


# ---- the resolver's patterns -------------------------------------------------------------------
def project_patterns(
    patterns: list[URLPattern | URLResolver] | None = None, prefix: str = ""
) -> list[URLPattern]:
    """Every URL pattern (with included ones flattened), in the resolver's order."""
    out: list[URLPattern] = []
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            out += project_patterns(p.url_patterns, prefix + str(p.pattern))
        else:
            out.append(p)
    return out


def route_of(p: URLPattern) -> str:
    return str(p.pattern)


def table_problems(patterns: list[URLPattern], table: dict[str, Route]) -> list[str]:
    """What keeps ``table`` from covering exactly ``patterns`` x :data:`METHODS`."""
    routes = [route_of(p) for p in patterns]
    problems = [f"unlisted pattern {r!r}" for r in routes if r not in table]
    problems += [f"stale entry {r!r}" for r in table if r not in routes]
    problems += [
        f"pattern {r!r} appears {routes.count(r)} times" for r in set(routes) if routes.count(r) > 1
    ]
    for r, route in table.items():
        listed = [m for group in route.methods for m in group.split()]
        for m in METHODS:
            if listed.count(m) != 1:
                problems.append(f"{r!r}: method {m} listed {listed.count(m)} times")
        problems += [f"{r!r}: unknown method {m}" for m in listed if m not in METHODS]
        for group, policy in route.methods.items():
            if set(policy) != set(ROLES):
                problems.append(f"{r!r} {group}: roles {sorted(policy)}")
    return problems  # fmt: skip


def url_for(route: str, args: list[object]) -> str:
    """The URL of ``route`` with ``args`` in place of its converters, in order."""
    values = iter(args)
    return "/" + re.sub(r"<(?:\w+:)?\w+>", lambda _m: str(next(values)), route)


def test_every_pattern_and_method_is_in_the_table() -> None:
    assert table_problems(project_patterns(), TABLE) == []


def test_every_view_declares_an_access_rule() -> None:
    from gpworkforce.web.permissions import GUARD_ATTR

    for p in project_patterns():
        view = getattr(p.callback, "view_class", p.callback)
        assert getattr(p.callback, GUARD_ATTR, None) or getattr(view, GUARD_ATTR, None), p.pattern


def test_the_matrix_fails_when_a_pattern_is_added_or_reused() -> None:
    """The bypasses an access table keyed on URL names missed: a new path reusing an existing
    name (inserted first), and an existing route given to another view ahead of the original."""
    peek = path("returns/<int:return_id>/peek/", return_views.return_detail, name="return-template")
    added = project_patterns([peek, *project_urls.urlpatterns])
    assert "unlisted pattern 'returns/<int:return_id>/peek/'" in table_problems(added, TABLE)

    reused = path("returns/<int:return_id>/template.xlsx", return_views.return_detail)
    twice = project_patterns([reused, *project_urls.urlpatterns])
    assert "pattern 'returns/<int:return_id>/template.xlsx' appears 2 times" in table_problems(
        twice, TABLE
    )

    shadow = path("returns/<int:return_id>/<str:anything>", return_views.return_detail)
    urlconf = ModuleType("shadowed_urls")
    urlconf.urlpatterns = [shadow, *project_urls.urlpatterns]  # type: ignore[attr-defined]
    with override_settings(ROOT_URLCONF=urlconf):
        url = url_for("returns/<int:return_id>/template.xlsx", [1])
        assert resolve(url).route != "returns/<int:return_id>/template.xlsx"


# ---- the world -----------------------------------------------------------------------------------
def registry_with_a_moved_practice() -> OrgRegistry:
    base = small_registry()
    orgs = [
        *base.organisations.values(),
        Organisation(HISTORIC_PRACTICE, "Moved Surgery", OrgType.PRACTICE, dt.date(1980, 1, 1)),
    ]
    links = [
        *base.links,
        ParentLink(HISTORIC_PRACTICE, "03W", end=MOVED_ON),
        ParentLink(HISTORIC_PRACTICE, "99A", start=MOVED_ON),
    ]
    return OrgRegistry.build(orgs, links)  # fmt: skip


def build_access_world() -> dict[str, Any]:
    """The world of the access matrix: the users of every role, a round and returns, plans,
    delivery registers, runs, finance, papers, scenarios and skill-mix jobs for each variant;
    the ids as :data:`TABLE`'s argument builders read them. Also seeded into the browser tests'
    server (tests/browser/test_web_pages_fit_browser.py)."""
    load_registry(registry_with_a_moved_practice(), actor=None, source="tests")
    users = {
        name: create_user(actor=None, username=name, password=PASSWORD, role=role, org_code=org)
        for name, (role, org) in USERS.items()
    }
    users["historic_submitter"] = create_user(
        actor=None,
        username="historic_submitter",
        password=PASSWORD,
        role=Role.PRACTICE_SUBMITTER,
        org_code=HISTORIC_PRACTICE,
    )
    users["inactive"] = create_user(
        actor=None,
        username="inactive",
        password=PASSWORD,
        role=Role.ICB_ANALYST,
        org_code="QK1",
    )
    rnd = open_round(actor=users["analyst"], census_date=CENSUS, org_code="QK1")
    other = open_round(actor=None, census_date=CENSUS, org_code="QXX")
    returns = {
        "own": PracticeReturnRecord.objects.get(round=rnd, practice_id=OWN_PRACTICE),
        "other": PracticeReturnRecord.objects.get(round=other, practice_id=OTHER_PRACTICE),
        "historic": PracticeReturnRecord.objects.get(round=rnd, practice_id=HISTORIC_PRACTICE),
    }
    for variant, submitter, code in (
        ("own", "submitter", OWN_PRACTICE),
        ("other", "other_submitter", OTHER_PRACTICE),
        ("historic", "historic_submitter", HISTORIC_PRACTICE),
    ):
        submit_version(
            actor=users[submitter],
            record_id=returns[variant].pk,
            data=sample_return(code),
            channel="form",
            sha256=str(len(variant)) * 64,
        )
    plans = {
        variant: create_plan(actor=None, org_code=code, document=tiny_plan(code)).pk
        for variant, code in (("own", "QK1"), ("other", "QXX"), ("historic", HISTORIC_PRACTICE))
    }
    delivery = delivery_world(users["submitter"])
    runs = {
        variant: finished_run(code).pk
        for variant, code in (("own", "QK1"), ("other", "QXX"), ("historic", HISTORIC_PRACTICE))
    }
    ids = {
        "plans": {**plans, "unknown": 999999},
        "runs": {**runs, "unknown": 999999},
        "delivery": delivery,
        "rounds": {"own": rnd.pk, "other": other.pk, "unknown": 999999, "historic": rnd.pk},
        "returns": {**{v: r.pk for v, r in returns.items()}, "unknown": 999999},
        "users": {
            "own": users["submitter"].pk,
            "other": users["other_submitter"].pk,
            "unknown": 999999,
            "historic": users["historic_submitter"].pk,
        },
        "user_pks": {name: u.pk for name, u in users.items()},
        "finance": finance_world("QK1", "QXX"),
        "papers": paper_world(),
        "scenarios": scenario_support.access_world(users),
        "skillmix": skillmix_world(),
    }
    return ids


@pytest.fixture(scope="module")
def world_ids(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """One world for the whole module (committed once; each request runs in a savepoint rolled
    back after it), removed again at the end so other modules start from an empty database."""
    with django_db_blocker.unblock():
        ids = build_access_world()
    yield ids
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def delivery_world(practice_user: User) -> dict[str, dict[str, int]]:
    """A KPI, milestone, risk and maturity self-assessment for each variant (own, other ICB's,
    the historic practice's, unknown)."""
    from django.utils import timezone

    from gpworkforce.delivery.maturity import load_template
    from gpworkforce.web.delivery import actions as delivery_actions
    from gpworkforce.web.delivery.models import (
        EvidenceFile,
        Initiative,
        KpiRecord,
        MilestoneRecord,
        Workstream,
    )

    matrix = load_template("primary-care-five-pillars")
    levels = {d.key: matrix.levels[0] for d in matrix.dimensions}
    out: dict[str, dict[str, int]] = {
        "kpi": {}, "milestone": {}, "risk": {}, "assessment": {}, "workstream": {}, "initiative": {},
        "evidence": {},
    }  # fmt: skip
    for variant, icb, practice in (
        ("own", "QK1", OWN_PRACTICE),
        ("other", "QXX", OTHER_PRACTICE),
        ("historic", "QXX", HISTORIC_PRACTICE),
    ):
        ws = Workstream.objects.create(
            organisation_id=icb if variant != "historic" else practice,
            number=1 if variant != "historic" else 2,
            name="Workforce data",
            start_year=2017,
            end_year=2020,
        )
        out["workstream"][variant] = ws.pk
        out["initiative"][variant] = Initiative.objects.create(
            organisation_id=ws.organisation_id, name="International recruitment", national=True
        ).pk
        out["kpi"][variant] = KpiRecord.objects.create(
            organisation_id=ws.organisation_id, ref=f"K{variant}", name="Response", target=100
        ).pk
        out["milestone"][variant] = MilestoneRecord.objects.create(
            workstream=ws, name="Baseline", due=CENSUS
        ).pk
        out["risk"][variant] = delivery_actions.raise_risk(
            actor=None,
            org_code=practice,
            description="GP vacancies",
            likelihood=3,
            impact=4,
            added=CENSUS,
        ).pk
        out["assessment"][variant] = delivery_actions.submit_assessment(
            actor=practice_user if variant == "own" else None,
            matrix=matrix,
            org_code=practice,
            period_end=CENSUS,
            levels=levels,
            evidence={},
        ).pk
        out["evidence"][variant] = EvidenceFile.objects.create(
            assessment_id=out["assessment"][variant],
            dimension=matrix.dimensions[0].key,
            name="minutes.txt",
            size=5,
            sha256="0" * 64,
            data=b"hello",
            uploaded_by="tests",
            uploaded_at=timezone.now(),
        ).pk
    for kind in out:
        out[kind]["unknown"] = 999999
    return out


def client_for(role: str, ids: dict[str, Any]) -> Client:
    client = Client(raise_request_exception=False)
    if role == "inactive":  # signed in, then deactivated by an administrator
        user = User.objects.get(pk=ids["user_pks"]["inactive"])
        client.force_login(user)
        set_active(actor=None, user_id=user.pk, active=False)
    elif role != "anonymous":
        client.force_login(User.objects.get(pk=ids["user_pks"][role]))
    return client


CASES = [(route, method) for route in TABLE for method in METHODS]


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method"), CASES, ids=[f"{m}-{r or '/'}" for r, m in CASES])
def test_access(world_ids: dict[str, Any], fast_dashboards: None, route: str, method: str) -> None:
    entry = TABLE[route]
    policy = entry.policy(method)
    variants = VARIANTS if entry.args is not no_object else ("own",)
    wrong: list[str] = []
    for role in ROLES:
        with transaction.atomic():
            client = client_for(role, world_ids)
            for variant in variants:
                url = url_for(route, entry.args(world_ids, variant))
                try:
                    match = resolve(url)
                except Resolver404:
                    match = None
                assert match is not None and match.route == route, f"{url} does not reach {route!r}"
                with transaction.atomic():
                    response = getattr(client, method.lower())(url)
                    assert_content_security_policy(response)
                    transaction.set_rollback(True)
                expected = policy[role][variant]
                if response.status_code != expected:
                    wrong.append(f"{role}/{variant}: {response.status_code}, table says {expected}")
                elif response.status_code == 302 and role in ("anonymous", "inactive"):
                    to_login = response["Location"].startswith("/accounts/login/")
                    assert to_login or route.startswith("accounts/"), url
            transaction.set_rollback(True)
    assert not wrong, f"{method} {route!r}: " + "; ".join(wrong)
