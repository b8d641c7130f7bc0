"""Helpers of the plans' tests: a small world's GPW figures, an adopted plan and an accepted
return (tests/spec/test_plans_web_tracking.py works the figures by hand)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from gpworkforce.web.actions.reference import load_reference
from gpworkforce.web.actions.returns import submit_version, transition
from gpworkforce.web.actions.rounds import open_round
from gpworkforce.web.models import PracticeReturnRecord
from gpworkforce.web.plans.actions import adopt, create_plan
from gpworkforce.web.plans.testing import tiny_plan
from gpworkforce.web.testing import sample_return
from gpworkforce.web.workflow import TransitionName

Y2017, Y2018 = dt.date(2017, 9, 30), dt.date(2018, 9, 30)
GPW_SOURCE = "gpw-practice-year-gp-admin:FY2018-FY2019:unknown-vintage:000000000000"
GPW_FTE = {
    ("C82001", Y2017): 4.0,
    ("C82002", Y2017): 3.0,
    ("C82003", Y2017): 3.0,
    ("C82001", Y2018): 5.0,
    ("C82002", Y2018): 3.0,
    ("C82003", Y2018): 3.5,
}


def load_gpw_fte(fte: Mapping[tuple[str, dt.date], float], source: str = GPW_SOURCE) -> None:
    """GPW reference rows of qualified GP FTE (no headcount, no patients) for the given (practice,
    date) pairs, loaded as the reference upload loads them."""
    wf = pd.DataFrame(
        [
            {
                "practice_code": code,
                "period": pd.Timestamp(on),
                "node": "GP_QUALIFIED",
                "headcount": None,
                "fte": value,
                "source_id": source,
            }
            for (code, on), value in fte.items()
        ]
    )
    patients = pd.DataFrame(
        columns=["practice_code", "period", "registered", "weighted", "source_id"]
    )
    load_reference(actor=None, workforce=wf, patients=patients)


def load_gpw() -> None:
    load_gpw_fte(GPW_FTE)


def the_plan() -> int:
    doc = tiny_plan("QK1", points=((Y2017, 10.0), (Y2018, 12.0)), target=12.0, band=1.0)
    plan = create_plan(actor=None, org_code="QK1", document=doc)
    return adopt(actor=None, plan_id=plan.pk).pk


def accept_own_return(world: object, census: dt.date, sessions: float) -> None:
    rnd = open_round(actor=None, census_date=census, org_code="QK1")
    rec = PracticeReturnRecord.objects.get(round=rnd, practice_id="C82001")
    users = world.users  # type: ignore[attr-defined]
    submit_version(
        actor=users["submitter"],
        record_id=rec.pk,
        data=sample_return("C82001", census, gp_sessions=sessions),
        channel="form",
        sha256="d" * 64,
    )
    transition(actor=users["manager"], record_id=rec.pk, name=TransitionName.APPROVE)
    transition(actor=users["analyst"], record_id=rec.pk, name=TransitionName.ACCEPT)
