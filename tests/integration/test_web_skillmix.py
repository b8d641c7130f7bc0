"""Skill mix in the web (issue 16 items 4-6): the view of a practice and its ICB, an optimisation
set through the form and run on the task queue (the test settings run tasks as they are
enqueued), its result kept unchanged, bad choices refused field by field, and the round trip:
the result adopted as a scenario, the scenario run, the run made a plan.

The oracle of the figures is the library on the same inputs: the view's figures are those of
``skill_mix_view`` for the WTE and patients seeded here (sums worked out below), the result's
those of ``optimise.solve`` on the problem the form made; the adoption's arithmetic is tested
by hand in tests/spec/test_skillmix_adopt.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client, TestCase

from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.skillmix.io import load_catalogue
from gpworkforce.skillmix.optimise import solve
from gpworkforce.skillmix.problem import Problem
from gpworkforce.web.models import AuditEvent, ImmutableRecord
from gpworkforce.web.plans.models import Plan
from gpworkforce.web.scenarios.models import Run, Scenario
from gpworkforce.web.skillmix.models import Optimisation
from gpworkforce.web.testing import OWN_PRACTICE, World, build_world
from skillmix_web_support import PATIENTS, STAFF, seed_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None) -> World:
    w = build_world()
    seed_figures()
    return w


def client_for(world: World, name: str) -> Client:
    client = Client()
    client.force_login(world.users[name])
    return client


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


FORM = {
    "target_year": "2020",
    "probability": "90",
    "budget": "",
    "training_places": "2",
    "min_gp_per_1000": "0.6",
    "staff_share": "90",
    "levers": ["recruit", "upskill", "release", "locum_conversion"],
}


def test_the_view_of_a_practice_and_of_its_icb(world: World) -> None:
    cat = load_catalogue()
    staff_hours = sum(wte * cat.roles[c].productive_hours for c, wte in STAFF.items())
    for code, who in ((OWN_PRACTICE, "submitter"), ("QK1", "analyst"), ("QK1", "board")):
        page = text_of(client_for(world, who).get(f"/skill-mix/{code}/?years=3"))
        # the practice is the ICB's only one with figures: the same hours on tasks
        assert f"Staff in post give {staff_hours / cat.productive_hours:,.1f} WTE on tasks" in page
        assert "12,000 patients" in page and "after 3 years of demographic change" in page
        assert "WTE on tasks by skill level" in page  # the table beside the chart
    board = text_of(client_for(world, "board").get("/skill-mix/QK1/"))
    assert "Set up an optimisation" not in board  # board viewers read, analysts run
    practice = client_for(world, "submitter")
    assert practice.get("/skill-mix/QK1/").status_code == 404  # only their own practice
    assert practice.get("/skill-mix/C82002/").status_code == 404
    analyst = client_for(world, "analyst")
    assert analyst.get("/skill-mix/QK1/?years=99").status_code == 400
    assert analyst.get("/skill-mix/QK1/?period=2001-01-01").status_code == 404


def test_bad_choices_are_refused_field_by_field(world: World) -> None:
    analyst = client_for(world, "analyst")
    bad = FORM | {"target_year": "2017", "probability": "100", "training_places": "x", "levers": []}
    response = analyst.post("/skill-mix/QK1/optimise/", bad)
    assert response.status_code == 400
    page = text_of(response)
    for message in (
        "Enter a target year from 2018 to 2037 (the figures are of 2017)",
        "Enter a probability from 1 to 99 per cent",
        "Enter the training places as a whole number, like 20",
        "Choose at least one lever",
    ):
        assert message in page
    assert not Optimisation.objects.exists()


def test_an_optimisation_is_solved_kept_and_adopted_as_a_scenario_then_a_plan(
    world: World,
) -> None:
    analyst = client_for(world, "analyst")
    with TestCase.captureOnCommitCallbacks(execute=True):  # the task runs (immediate backend)
        response = analyst.post("/skill-mix/QK1/optimise/", FORM)
    assert response.status_code == 302
    job = Optimisation.objects.get()
    assert response["Location"] == f"/skill-mix/optimisations/{job.pk}/"
    assert job.status == "done", job.message
    # the oracle: the library's solver on the problem the form made
    problem = Problem.model_validate(job.problem)
    assert problem.staff == pytest.approx({c: 0.9 * w for c, w in STAFF.items()})
    assert (problem.patients, problem.probability, problem.training_places) == (PATIENTS, 0.9, 2)
    solution = solve(problem, load_catalogue(), load_taxonomy())
    assert job.result["cost"] == pytest.approx(solution.cost)
    page = text_of(analyst.get(f"/skill-mix/optimisations/{job.pk}/"))
    assert f"with probability 90% costs £{solution.cost:,.0f} a year" in page
    binding = [c for c in solution.binding() if not c.key.startswith("demand")]
    assert binding, "the problem is set so that limits bind"
    assert "The minimum GP cover binds" in page  # 0.6 x 12,000 patients: 7.2 GP WTE > 6.3
    assert "GP_" not in page and "practice_nurse_to_anp" not in page  # names, not codes
    with pytest.raises(ImmutableRecord):
        job.save()
    # board viewers read it and cannot adopt it
    board = client_for(world, "board")
    assert (
        "Adopt as a scenario</button>"
        not in board.get(f"/skill-mix/optimisations/{job.pk}/").content.decode()
    )
    assert board.post(f"/skill-mix/optimisations/{job.pk}/adopt/", {"name": "x"}).status_code == 403
    # adopt: a name is needed; then a scenario through the scenario app's own creation path
    adopt_url = f"/skill-mix/optimisations/{job.pk}/adopt/"
    assert analyst.post(adopt_url, {"name": ""}).status_code == 400
    response = analyst.post(adopt_url, {"name": "Cheapest mix 2020"})
    scenario = Scenario.objects.get(name="Cheapest mix 2020")
    assert response.status_code == 302 and response["Location"] == f"/scenarios/{scenario.pk}/"
    assert (
        scenario.organisation_id == "QK1" and scenario.source == f"skill-mix optimisation {job.pk}"
    )
    hee = scenario.document["hee_linear"]
    gp_added = sum(w for c, w in solution.recruits.items() if c.startswith("GP_"))
    assert hee["international_recruits"] == pytest.approx(gp_added, abs=0.01)
    assert hee["years"] == 3 and scenario.document["target"]["date"].startswith("2020")
    assert AuditEvent.objects.filter(action="skillmix.adopt").count() == 1
    assert AuditEvent.objects.filter(action="skillmix.optimise").count() == 1
    assert "Cheapest mix 2020" in analyst.get("/scenarios/").content.decode()
    # run it (the scenario app's run), then make the run a plan (the plans app's adopt path)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert analyst.post(f"/scenarios/{scenario.pk}/run/", {"draws": "0"}).status_code == 302
    run = Run.objects.get(scenario=scenario)
    assert run.status == "done", run.error
    job_page = analyst.get(f"/skill-mix/optimisations/{job.pk}/").content.decode()
    assert f"/plans/from-run/{run.pk}/" in job_page  # offered where the result is
    response = analyst.post(
        f"/plans/from-run/{run.pk}/",
        {"plan": "new", "name": "Skill-mix plan", "reason": "cheapest mix agreed"},
    )
    assert response.status_code == 302
    plan = Plan.objects.get(name="Skill-mix plan")
    doc = plan.latest_version().library_plan()
    assert doc.adopted == "Cheapest mix 2020"
    points = doc.scenarios[0].points
    quarters = run.quarterly_trajectory("gp")
    assert [(p.date, p.central) for p in points] == [(q.date, q.central) for q in quarters]
    # the run starts from the GP WTE the optimisation read (partners + salaried, 6 x 90% / 90%)
    # and its line for GPs recruited from outside training carries the GPs the result adds
    assert hee["baseline_wte"] == pytest.approx(6.0)
    table = next(t for t in run.results["tables"] if t["key"] == "hee_linear")
    line = next(r for r in table["rows"] if str(r[0]).startswith("International"))
    assert float(line[3]) == pytest.approx(gp_added, abs=0.01)


def test_an_infeasible_problem_says_why(world: World) -> None:
    analyst = client_for(world, "analyst")
    with TestCase.captureOnCommitCallbacks(execute=True):
        analyst.post(
            "/skill-mix/QK1/optimise/", FORM | {"min_gp_per_1000": "3", "levers": ["release"]}
        )
    job = Optimisation.objects.get()
    assert job.status == "failed" and "no mix of the levers meets the task demand" in job.message
    page = text_of(analyst.get(f"/skill-mix/optimisations/{job.pk}/"))
    assert "No mix of the levers could be found" in page and "lower the minimum GP cover" in page
    raw = analyst.get(f"/skill-mix/optimisations/{job.pk}/").content.decode()
    assert "http-equiv" not in raw  # finished: nothing reloads the page
    # while a job is being solved, the page says it updates itself, and does so without
    # JavaScript too (the browser reloads it)
    Optimisation.objects.filter(pk=job.pk).update(status="running")
    raw = analyst.get(f"/skill-mix/optimisations/{job.pk}/").content.decode()
    assert "This page updates itself" in raw
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in raw


PLAN_FORM = {
    "years": "4",
    "by_practice": "yes",
    "probability": "90",
    "training_places": "2",
    "min_gp_per_1000": "0.6",
    "budget": "",
}


def test_a_multi_year_plan_is_solved_on_the_task_queue_and_adopted_as_a_cohort_scenario(
    world: World,
) -> None:
    from gpworkforce.skillmix.multiyear import solve as solve_plan
    from gpworkforce.skillmix.plan_problem import PlanProblem
    from gpworkforce.web.skillmix.compute import practices_from

    analyst = client_for(world, "analyst")
    assert "Run the plan" in analyst.get("/skill-mix/QK1/plan/").content.decode()
    bad = analyst.post("/skill-mix/QK1/plan/", PLAN_FORM | {"years": "40", "by_practice": ""})
    assert bad.status_code == 400
    assert "Enter from 1 to 15 plan years" in text_of(bad)
    assert "Choose whether to plan the practices one by one or as one" in text_of(bad)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the task runs (immediate backend)
        response = analyst.post("/skill-mix/QK1/plan/", PLAN_FORM)
    assert response.status_code == 302
    job = Optimisation.objects.get()
    assert job.status == "done", job.message
    assert job.choices["kind"] == "plan" and job.choices["last_year"] == job.census_date.year + 4
    # the oracle: the library's multi-year solver on the problem and practices the form made
    problem = PlanProblem.model_validate(job.problem["plan"])
    practices = practices_from(job.problem["practices"])
    assert practices.codes == (OWN_PRACTICE,) and practices.patients[0] == PATIENTS
    assert {k: float(v[0]) for k, v in practices.staff.items() if v[0]} == STAFF
    assert (problem.years, problem.probability, problem.min_gp_per_1000) == (4, 0.9, 0.6)
    solution = solve_plan(problem, practices, load_catalogue(), load_taxonomy())
    assert job.result["cost"] == pytest.approx(solution.cost)
    page = text_of(analyst.get(f"/skill-mix/optimisations/{job.pk}/"))
    assert f"cost £{solution.cost:,.0f} over the plan" in page
    assert "The minimum GP cover binds" in page  # 0.6 x 12,000: 7.2 GP WTE > 6 in post
    assert "GP_" not in page and "practice_nurse_to_anp" not in page  # names, not codes
    recruited = solution.recruits["GP_SALARIED"].sum(axis=0)
    row = re.search(r"Recruit Salaried GP((?: [\d,.]+){4}) WTE", page)
    assert row is not None
    assert [float(v.replace(",", "")) for v in row.group(1).split()] == pytest.approx(
        recruited, abs=0.051
    )
    # adopted as a cohort scenario: its run gives the plan's salaried GPs year by year
    response = analyst.post(f"/skill-mix/optimisations/{job.pk}/adopt/", {"name": "Plan levers"})
    scenario = Scenario.objects.get(name="Plan levers")
    assert response.status_code == 302 and scenario.document["method"] == "cohort"
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert analyst.post(f"/scenarios/{scenario.pk}/run/", {"draws": "0"}).status_code == 302
    run = Run.objects.get(scenario=scenario)
    assert run.status == "done", run.error
    gp = sum(solution.stock[k].sum(axis=0) for k in ("GP_PARTNER", "GP_SALARIED", "GP_LOCUM"))
    headline = text_of(analyst.get(f"/scenarios/runs/{run.pk}/"))
    assert f"{gp[-1]:,.1f}" in headline


def test_a_plan_of_the_practices_as_one_sums_them(world: World) -> None:
    analyst = client_for(world, "analyst")
    with TestCase.captureOnCommitCallbacks(execute=True):
        analyst.post("/skill-mix/QK1/plan/", PLAN_FORM | {"by_practice": "no", "years": "2"})
    job = Optimisation.objects.get()
    assert job.status == "done", job.message
    assert job.problem["practices"]["patients"] == [PATIENTS]
    assert job.result["years"] == [job.census_date.year + 1, job.census_date.year + 2]
    # the committee paper's skill-mix chapter reads the latest solved one, a plan as well
    from gpworkforce.web.papers.sources import latest_optimisation

    lines = latest_optimisation("QK1")
    assert lines[0].startswith(f"Skill-mix plan {job.pk} (")
    assert (
        f"the cheapest levers {job.result['years'][0]}-{job.result['years'][1]} cost £" in lines[0]
    )
