"""A finished scenario run made directly (no forecast), for the plans' tests."""

from __future__ import annotations

from django.utils import timezone

from gpworkforce.web.scenarios.models import Run, Scenario

QUARTERS = (
    ("2017-09-30", 10.0, 9.0, 11.0),
    ("2017-12-31", 10.5, 9.4, 11.6),
    ("2018-03-31", 11.0, 9.8, 12.2),
)


def finished_run(org_code: str, name: str = "Scenario 3") -> Run:
    now = timezone.now()
    scenario = Scenario.objects.create(
        organisation_id=org_code,
        name=name,
        method="hee-linear",
        document={},
        toml="",
        scenario_hash="a" * 64,
        created_at=now,
        updated_at=now,
    )
    return Run.objects.create(
        scenario=scenario,
        organisation_id=org_code,
        scenario_version=1,
        scenario_name=name,
        scenario_toml="",
        scenario_hash="a" * 64,
        method="hee-linear",
        seed=1,
        draws=100,
        status="done",
        requested_at=now,
        finished_at=now,
        record={},
        results={
            "quarterly": [
                {"date": d, "staff_group": "gp", "central": c, "p10": lo, "p50": c, "p90": hi}
                for d, c, lo, hi in QUARTERS
            ],
            "uncertain": ["hee_linear.local_assumptions"],  # its draws vary an assumption
        },
    )
