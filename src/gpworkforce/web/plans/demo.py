"""The demo's plan: the LLR GP Workforce Plan 2017 (``scenarios/llr-2017/plan.toml``) with its
three scenarios, adopted (Scenario 3, as LLR did), so the demo shows tracking against the
practices' returns and GPW, and scores the three scenarios against GPW to 2024."""

from __future__ import annotations

from pathlib import Path

from gpworkforce.forecast.scenario_io import shipped_scenarios_dir
from gpworkforce.plans.io import load_plan
from gpworkforce.web.plans import actions
from gpworkforce.web.plans.models import Plan, PlanState


def llr_plan_file() -> Path:
    return shipped_scenarios_dir() / "llr-2017" / "plan.toml"


def seed_llr_plan(org_code: str) -> Plan:
    """The LLR 2017 plan for ``org_code`` (the demo's ICB), adopted; once (idempotent)."""
    document = load_plan(llr_plan_file())
    existing = Plan.objects.filter(organisation_id=org_code, name=document.name).first()
    if existing is not None:
        return existing
    plan = actions.create_plan(
        actor=None,
        org_code=org_code,
        document=document,
        imported_from="scenarios/llr-2017/plan.toml",
    )
    if plan.state == PlanState.DRAFT:
        plan = actions.adopt(actor=None, plan_id=plan.pk)
    return plan
