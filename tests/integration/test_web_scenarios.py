"""Scenarios in the web app (issue 11 item 1): the form round trip (form -> TOML -> run equals
the CLI's run of the same file, output file for output file), field errors, import, runs as
immutable records, the quarterly trajectory other areas read, and the demo's LLR scenarios.

The oracle of the round trip is the command line: ``gpworkforce forecast`` on the shipped LLR
files and on the exported TOML, in its own process."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gpworkforce.web.models import AuditEvent, ImmutableRecord
from gpworkforce.web.scenarios import actions, schemaform
from gpworkforce.web.scenarios.demo import seed_llr_scenarios
from gpworkforce.web.scenarios.models import Run, Scenario, Sensitivity
from gpworkforce.web.testing import World, build_world
from scenario_support import LLR, llr

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def client_for(world: World, name: str = "analyst") -> Client:
    client = Client()
    client.force_login(world.users[name])
    return client


def form_data(document: dict[str, Any]) -> dict[str, str]:
    """What a browser posts for the form as rendered (every input with its shown value)."""
    data: dict[str, str] = {}
    for ff in schemaform.all_fields(schemaform.build_fields(document)):
        data[ff.path] = ff.value
        if ff.kind == "num":
            data[ff.path + "__kind"] = ff.dist_kind
            for p, v in ff.dist.items():
                data[f"{ff.path}__{p}"] = v
    return data


def cli_forecast(path: Path, draws: int, out: Path) -> dict[str, Any]:
    """``gpworkforce forecast PATH --draws N --out OUT`` in its own process; its run.json."""
    done = subprocess.run(
        [str(Path(sys.executable).with_name("gpworkforce")), "forecast", str(path), "--draws", str(draws),
         "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads((out / "run.json").read_text(encoding="utf-8"))


def post_run(client: Client, scenario_id: int, draws: int) -> Run:
    """Press "Run": the run is queued when its transaction commits, and the test settings' task
    backend (immediate) runs it then."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("scenario-run", args=[scenario_id]), {"draws": str(draws)})
    assert response.status_code == 302
    run_id = int(re.search(r"/scenarios/runs/(\d+)/", response["Location"])[1])
    return Run.objects.get(pk=run_id)


# ---- the round trip ------------------------------------------------------------------------------
def test_form_to_toml_to_run_equals_the_cli_run(world: World, tmp_path: Path) -> None:
    """LLR Scenario 2 with ranges, imported, saved unchanged through the form, exported and run
    with 200 draws: the web run's scenario hash and every output file's SHA-256 equal those of
    the CLI's run of the shipped file (which extends two others) and of the exported file."""
    client = client_for(world)
    row = actions.create_scenario(world.users["analyst"], "QK1", llr("scenario-2-uncertain.toml"))
    response = client.post(reverse("scenario-edit", args=[row.pk]), form_data(row.document))
    assert response.status_code == 302, response.content.decode()[:2000]

    exported = client.get(reverse("scenario-toml", args=[row.pk]))
    assert exported.status_code == 200
    toml_file = tmp_path / "exported.toml"
    toml_file.write_bytes(exported.content)
    cli_exported = cli_forecast(toml_file, 200, tmp_path / "cli-exported")
    cli_shipped = cli_forecast(LLR / "scenario-2-uncertain.toml", 200, tmp_path / "cli-shipped")

    run = post_run(client, row.pk, 200)  # the test settings' task backend runs it at once
    assert run.status == "done", run.error
    assert run.scenario_toml.encode("utf-8") == exported.content
    for cli in (cli_exported, cli_shipped):
        assert run.record["scenario_hash"] == cli["scenario_hash"]
        assert run.record["outputs"] == cli["outputs"]
    assert run.scenario_hash == cli_shipped["scenario_hash"]
    assert {"trajectory.csv", "target.csv", "hee_linear.csv"} <= set(run.record["outputs"])


def test_a_changed_lever_changes_the_run_as_the_cli_does(world: World, tmp_path: Path) -> None:
    """Scenario 1 with the over-55 loss at 12% instead of 15%: 541 - 31 - 48 + 107 = 569 WTE
    (LLR Table 12's arithmetic with Table 13's retirement rate), by the form and by the CLI."""
    client = client_for(world)
    row = actions.create_scenario(world.users["analyst"], "QK1", llr())
    data = form_data(row.document) | {"hee_linear.over55_loss_rate": "0.12"}
    assert client.post(reverse("scenario-edit", args=[row.pk]), data).status_code == 302
    row.refresh_from_db()
    assert row.version == 2
    run = post_run(client, row.pk, 0)
    assert run.results["target"]["supply_central"] == 569.0
    (tmp_path / "s.toml").write_text(row.toml, encoding="utf-8")
    cli = cli_forecast(tmp_path / "s.toml", 0, tmp_path / "cli")
    assert run.record["outputs"] == cli["outputs"]
    assert AuditEvent.objects.filter(action="scenario.update", object_id=str(row.pk)).count() == 1


# ---- form errors ---------------------------------------------------------------------------------
def test_bad_values_are_named_by_field_and_nothing_is_written(world: World) -> None:
    client = client_for(world)
    row = actions.create_scenario(world.users["analyst"], "QK1", llr())
    events = AuditEvent.objects.count()
    data = form_data(row.document) | {
        "hee_linear.baseline_wte": "many",
        "hee_linear.trainee_retention": "1.5",
        "target.date": "30/09/2020",
    }
    response = client.post(reverse("scenario-edit", args=[row.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "GPs at the baseline: enter a number, got &#39;many&#39;" in html
    assert "Newly qualified GPs who stay in the local workforce: must be from 0 to 1" in html
    assert "Date the target should be met by: enter a date like 2017-09-30" in html
    row.refresh_from_db()
    assert row.version == 1 and AuditEvent.objects.count() == events


def test_the_librarys_rules_come_back_on_the_field(world: World) -> None:
    """A triangular range whose lowest is above its highest is refused by the library's own
    validation (the CLI's), shown on the field it names."""
    client = client_for(world)
    row = actions.create_scenario(world.users["analyst"], "QK1", llr())
    data = form_data(row.document) | {
        "hee_linear.over55_loss_rate__kind": "triangular",
        "hee_linear.over55_loss_rate__low": "0.2",
        "hee_linear.over55_loss_rate__mode": "0.15",
        "hee_linear.over55_loss_rate__high": "0.1",
    }
    response = client.post(reverse("scenario-edit", args=[row.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Over-55s lost each year: must" in html
    assert 'href="#f-hee-linear-over55-loss-rate"' in html


def test_a_distribution_and_a_substitute_added_through_the_form(world: World) -> None:
    client = client_for(world)
    row = actions.create_scenario(world.users["analyst"], "QK1", llr())
    data = form_data(row.document) | {
        "hee_linear.international_recruits__kind": "triangular",
        "hee_linear.international_recruits__low": "10",
        "hee_linear.international_recruits__mode": "30",
        "hee_linear.international_recruits__high": "39",
        "hee_linear.substitutes[0].role": "NURSE_ANP",
        "hee_linear.substitutes[0].headcount": "50",
        "hee_linear.substitutes[0].basis": "50 additional ANPs",
    }
    assert client.post(reverse("scenario-edit", args=[row.pk]), data).status_code == 302
    row.refresh_from_db()
    hee = row.document["hee_linear"]
    assert hee["international_recruits"] == {
        "kind": "triangular",
        "low": 10.0,
        "mode": 30.0,
        "high": 39.0,
    }
    assert hee["substitutes"] == [
        {"role": "NURSE_ANP", "headcount": 50.0, "basis": "50 additional ANPs"}
    ]
    assert 'international_recruits = { kind = "triangular"' in row.toml or (
        "[hee_linear.international_recruits]" in row.toml
    )


def test_the_correlation_of_draws_is_chosen_on_the_form_stored_and_stated_by_the_run(
    world: World,
) -> None:
    """Issue 9: the cohort form offers shared, independent and by-ICB draws (with the share),
    refuses bad input in words on the field and saves nothing, stores the choice in the TOML,
    and the run record on the run page says how the draws were shared."""
    from gpworkforce.forecast.scenario_io import load_scenario

    client = client_for(world)
    hee = actions.create_scenario(world.users["analyst"], "QK1", llr())
    page = client.get(reverse("scenario-edit", args=[hee.pk])).content.decode()
    assert "Uncertainty between organisations" not in page  # HEE linear: one organisation
    sample = load_scenario(LLR.parent / "sample.toml").scenario
    row = actions.create_scenario(world.users["analyst"], "QK1", sample)
    page = client.get(reverse("scenario-edit", args=[row.pk])).content.decode()
    assert "Uncertainty between organisations" in page
    for words in (
        "Shared: every organisation takes the same draw of each assumption",
        "Independent: each organisation draws every assumption on its own",
        "By ICB: each ICB draws its own, and its practices follow it in part",
    ):
        assert words in page
    base = form_data(row.document)
    bad = {
        "1.5": "Share of draws in which a practice follows its ICB: must be from 0 to 1, got 1.5",
        "half": "Share of draws in which a practice follows its ICB: enter a number, got &#39;half&#39;",
    }
    for share, message in bad.items():
        data = base | {"correlation.draws": "hierarchical", "correlation.group_share": share}
        response = client.post(reverse("scenario-edit", args=[row.pk]), data)
        assert response.status_code == 400
        assert message in response.content.decode()
    data = base | {"correlation.draws": "sometimes"}
    response = client.post(reverse("scenario-edit", args=[row.pk]), data)
    assert response.status_code == 400
    assert "How organisations share each draw: choose one of the options" in (
        response.content.decode()
    )
    row.refresh_from_db()
    assert row.version == 1 and row.document["correlation"]["draws"] == "shared"

    data = base | {"correlation.draws": "independent"}
    assert client.post(reverse("scenario-edit", args=[row.pk]), data).status_code == 302
    row.refresh_from_db()
    assert row.document["correlation"] == {"draws": "independent", "group_share": 0.5}
    assert re.search(r'\[correlation\]\ndraws = "independent"', row.toml), row.toml
    run = post_run(client, row.pk, 20)
    assert run.status == "done", run.progress_text
    assert run.record["correlation"].startswith("independent")
    page = client.get(reverse("scenario-run-detail", args=[run.pk])).content.decode()
    assert "How organisations share each draw" in page
    assert "Independent: each organisation draws every parameter on its own" in page

    data = base | {"correlation.draws": "hierarchical", "correlation.group_share": "0.7"}
    assert client.post(reverse("scenario-edit", args=[row.pk]), data).status_code == 302
    row.refresh_from_db()
    assert row.document["correlation"] == {"draws": "hierarchical", "group_share": 0.7}
    assert row.document["output"]["groups"] == "icb"  # by ICB needs the practices' ICBs


def test_an_uncertain_band_width_is_given_on_the_form_and_checked_in_words(world: World) -> None:
    """Issue 9: an age band's width may be a range; one whose lowest draw is below a step is
    refused on its field in words (the library's rule), and a good one is stored."""
    from gpworkforce.forecast.scenario_io import load_scenario

    client = client_for(world)
    sample = load_scenario(LLR.parent / "sample.toml").scenario  # quarterly steps
    row = actions.create_scenario(world.users["analyst"], "QK1", sample)
    path = "cohort.bands[0].width_years"
    bad = form_data(row.document) | {
        f"{path}__kind": "uniform",
        f"{path}__low": "0",
        f"{path}__high": "20",
    }
    response = client.post(reverse("scenario-edit", args=[row.pk]), bad)
    assert response.status_code == 400
    assert (
        "Years a person spends in the band: must have every draw at least one step (0.25 years),"
        " got draws down to 0" in response.content.decode()
    )
    good = bad | {f"{path}__low": "10"}
    assert client.post(reverse("scenario-edit", args=[row.pk]), good).status_code == 302
    row.refresh_from_db()
    assert row.document["cohort"]["bands"][0]["width_years"] == {
        "kind": "uniform",
        "low": 10.0,
        "high": 20.0,
    }


# ---- import, copy, new ---------------------------------------------------------------------------
def test_import_refuses_extends_and_bad_toml_and_accepts_a_whole_file(world: World) -> None:
    client = client_for(world)
    url = reverse("scenario-import")
    shipped = (LLR / "scenario-2.toml").read_bytes()
    for content, message in (
        (shipped, "field extends: must be left out"),
        (b"name = [", "must be valid TOML"),
        (
            b'name = "x"\nmethod = "hee-linear"\n',
            "The scenario: method &#39;hee-linear&#39; needs a [hee_linear] section",
        ),
    ):
        upload = _file("s.toml", content)
        response = client.post(url, {"organisation": "QK1", "file": upload})
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not Scenario.objects.exists()
    upload = _file("s1.toml", (LLR / "scenario-1.toml").read_bytes())
    response = client.post(url, {"organisation": "QXX", "file": upload})  # not theirs
    assert response.status_code == 400 and not Scenario.objects.exists()
    response = client.post(
        url,
        {"organisation": "QK1", "file": _file("s1.toml", (LLR / "scenario-1.toml").read_bytes())},
    )
    assert response.status_code == 302
    row = Scenario.objects.get()
    assert row.name == "Scenario 1: Base position" and row.organisation_id == "QK1"
    assert AuditEvent.objects.filter(action="scenario.import").count() == 1


def _file(name: str, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/toml")


def test_copy_keeps_every_assumption_under_a_new_name(world: World) -> None:
    client = client_for(world)
    row = actions.create_scenario(world.users["analyst"], "QK1", llr("scenario-3.toml"))
    response = client.post(reverse("scenario-copy", args=[row.pk]), {"name": "Scenario 3b"})
    assert response.status_code == 302
    copy = Scenario.objects.exclude(pk=row.pk).get()
    assert copy.name == "Scenario 3b" and copy.copied_from_id == row.pk
    assert copy.document | {"name": row.name} == row.document


def test_new_scenario_starts_from_the_organisations_gpw_baseline(world: World) -> None:
    import datetime as dt

    import pandas as pd

    from gpworkforce.web.actions.reference import load_reference

    workforce = pd.DataFrame(
        {
            "practice_code": ["C82001", "C82003", "Y00001"],
            "period": [dt.date(2024, 9, 30)] * 3,
            "node": ["GP_QUALIFIED"] * 3,
            "headcount": [5.0, 7.0, 9.0],
            "fte": [4.5, 6.0, 8.0],
            "source_id": ["gpw-test"] * 3,
        }
    )
    patients = pd.DataFrame(
        {
            "practice_code": ["C82001", "C82003"],
            "period": [dt.date(2024, 9, 30)] * 2,
            "registered": [10_000.0, 5_000.0],
            "weighted": [None, None],
            "source_id": ["gpw-test"] * 2,
        }
    )
    load_reference(actor=None, workforce=workforce, patients=patients, practices=None)
    client = client_for(world)
    response = client.post(reverse("scenario-new"), {"organisation": "QK1", "name": "Base 2024"})
    assert response.status_code == 302
    row = Scenario.objects.get()
    hee = row.document["hee_linear"]
    assert hee["baseline_wte"] == 10.5  # 4.5 + 6.0: QK1's practices only
    assert hee["baseline_date"] == "2024-09-30"
    assert row.document["target"]["wte"] == 8.7  # 15,000 patients x 0.58 / 1,000
    assert "GPW 30 September 2024" in row.description


# ---- runs ----------------------------------------------------------------------------------------
def test_a_finished_run_never_changes(world: World) -> None:
    client = client_for(world)
    row = actions.create_scenario(world.users["analyst"], "QK1", llr())
    run = post_run(client, row.pk, 0)
    assert run.status == "done" and run.progress == 100
    run.progress_text = "changed"
    with pytest.raises(ImmutableRecord):
        run.save()
    with pytest.raises(ImmutableRecord):
        run.delete()
    # editing the scenario afterwards leaves the run as it ran
    data = form_data(row.document) | {"hee_linear.international_recruits": "12"}
    client.post(reverse("scenario-edit", args=[row.pk]), data)
    run.refresh_from_db()
    assert run.scenario_version == 1 and "international_recruits = 0" in run.scenario_toml


def test_quarterly_trajectory_of_scenario_1(world: World) -> None:
    """541 WTE on 30 Sep 2017 to 561 on 30 Sep 2020 in a straight line (LLR Table 12): 13
    quarter ends, 31 Dec 2017 = 541 + 20 x (92 / 365) / 3 = 542.680 (hand-worked)."""
    client = client_for(world)
    row = actions.create_scenario(world.users["analyst"], "QK1", llr())
    run = post_run(client, row.pk, 0)
    points = run.quarterly_trajectory("gp")
    assert run.staff_groups() == ["gp"]
    assert len(points) == 13
    assert str(points[0].date) == "2017-09-30" and points[0].central == 541.0
    assert str(points[1].date) == "2017-12-31" and points[1].central == pytest.approx(542.680365)
    assert str(points[4].date) == "2018-09-30" and points[4].central == pytest.approx(541 + 20 / 3)
    assert str(points[-1].date) == "2020-09-30" and points[-1].central == 561.0
    assert all(p.p10 == p.p50 == p.p90 == p.central and not p.has_band for p in points)


def test_a_run_with_draws_has_its_fan_target_and_tornado(world: World) -> None:
    client = client_for(world)
    row = actions.create_scenario(world.users["analyst"], "QK1", llr("scenario-2-uncertain.toml"))
    run = post_run(client, row.pk, 1000)
    target = run.results["target"]
    assert target["supply_central"] == 630.0 and target["wte"] == 639.0 and target["gap"] == 9.0
    assert 0 < target["probability"] < 0.5
    last = run.quarterly_trajectory()[-1]
    assert last.has_band and last.p10 < last.p50 < last.p90
    assert "tornado" not in run.results  # decision 0080: it follows in its own task
    assert Sensitivity.objects.get(run=run).status == "done"
    labels = [b["parameter"] for b in run.tornado()["bars"]]
    assert sorted(labels) == sorted(
        [
            "hee_linear.international_recruits",
            "hee_linear.over55_loss_rate",
            "hee_linear.session_loss_rate",
            "hee_linear.trainee_retention",
        ]
    )
    html = client.get(reverse("scenario-detail", args=[row.pk])).content.decode()
    assert (
        "Central case: 630.0 WTE GPs by 30 September 2020, 9.0 WTE short of the target of 639.0"
        in html
    )
    assert f"{target['probability']:.0%} of 1,000 Monte Carlo draws" in html
    # one figure: the headline boxes above the sentence show the same numbers, to 1 decimal place
    boxes = html.split('id="headline"')[1].split("</section>")[0]
    for figure in ("630.0 WTE", "639.0 WTE", "9.0 WTE"):
        assert f'app-headline__value">{figure}' in boxes, figure
    # the charts state their findings with the same figures (issue 14, item 6)
    import json

    from gpworkforce.reports.chart_checks import chart_problems, title_text
    from gpworkforce.web.scenarios.charts import run_view

    view = run_view(run)
    fan = json.loads(view["fan_spec"])
    assert title_text(fan) == (
        f"{run.scenario_name}: 630.0 WTE GPs by Sep 2020, 9.0 short of the target of 639.0"
    )
    tornado = json.loads(view["tornado_spec"])
    assert " moves the result most: " in title_text(tornado)
    assert chart_problems(fan) == [] and chart_problems(tornado) == []
    # the tornado in words (the labels catalogue's), never a field path
    assert "Share of GP WTE lost a year to fewer sessions or early leaving" in html
    assert "hee_linear." not in html.split("<main", 1)[1]  # no field paths shown
    from gpworkforce.labels import internal_keys_in

    for url in (
        reverse("scenario-detail", args=[row.pk]),
        reverse("scenario-run-detail", args=[run.pk]),
        reverse("scenario-compare", args=["QK1"]),
        reverse("scenario-list"),
    ):
        assert internal_keys_in(client.get(url).content.decode()) == [], url


def test_the_run_is_finished_before_its_tornado_which_follows_in_its_own_task(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Decision 0080: the run is done (fan, target, probability on the page) with the tornado
    still queued; the page's tornado panel polls until the follow-up task has finished, then
    shows the chart and its table; the finished tornado never changes."""
    from gpworkforce.web.scenarios import tasks

    queued: list[int] = []
    monkeypatch.setattr(tasks, "enqueue_tornado", queued.append)  # the worker has not got to it
    client = client_for(world, "board")
    row = actions.create_scenario(world.users["analyst"], "QK1", llr("scenario-2-uncertain.toml"))
    run = post_run(client_for(world), row.pk, 300)
    assert run.status == "done" and run.results["target"]["draws"] == 300
    assert queued == [run.pk]
    sens = Sensitivity.objects.get(run=run)
    assert sens.status == "queued" and run.tornado() is None

    page = client.get(reverse("scenario-detail", args=[row.pk])).content.decode()
    assert "of 300 Monte Carlo draws" in page  # the results are there already
    panel_url = reverse("scenario-run-detail", args=[run.pk]) + "?panel=tornado"
    assert f'hx-get="{panel_url}"' in page and "Being worked out" in page
    assert "Assumptions ranked by how far" not in page
    htmx = {"HX-Request": "true"}
    pending = client.get(panel_url, headers=htmx).content.decode()
    assert 'id="tornado-panel"' in pending and 'hx-trigger="every 1s"' in pending

    assert tasks.tornado.call(run.pk) == "done"
    assert tasks.tornado.call(run.pk) == "not queued"  # it finishes once
    done = client.get(panel_url, headers=htmx).content.decode()
    assert "every 1s" not in done and "Assumptions ranked by how far" in done
    assert "GPs recruited internationally over the forecast" in done
    bars = run.tornado()["bars"]
    assert len(bars) == 4 and bars[0]["swing"] >= bars[-1]["swing"] > 0
    page = client.get(reverse("scenario-detail", args=[row.pk])).content.decode()
    assert "Assumptions ranked by how far" in page and "Being worked out" not in page

    sens = Sensitivity.objects.get(run=run)
    sens.error = "changed"
    with pytest.raises(ImmutableRecord):
        sens.save()
    with pytest.raises(ImmutableRecord):
        sens.delete()


def test_a_run_without_uncertain_assumptions_has_no_tornado_to_follow(world: World) -> None:
    row = actions.create_scenario(world.users["analyst"], "QK1", llr())
    run = post_run(client_for(world), row.pk, 100)
    assert run.status == "done" and not Sensitivity.objects.filter(run=run).exists()
    page = client_for(world).get(reverse("scenario-detail", args=[row.pk])).content.decode()
    assert "What moves the result most" not in page and "tornado=" not in page


def test_a_tornado_that_fails_says_why_on_the_page(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gpworkforce.errors import UserError
    from gpworkforce.web.scenarios import compute, tasks

    def refuse(text: str, labels: object) -> None:
        raise UserError("the outcome year is outside the forecast")

    monkeypatch.setattr(compute, "tornado_toml", refuse)
    row = actions.create_scenario(world.users["analyst"], "QK1", llr("scenario-2-uncertain.toml"))
    run = post_run(client_for(world), row.pk, 50)
    assert run.status == "done"
    assert Sensitivity.objects.get(run=run).status == "failed"
    url = reverse("scenario-run-detail", args=[run.pk]) + "?panel=tornado"
    html = client_for(world).get(url, headers={"HX-Request": "true"}).content.decode()
    assert "could not be worked out: the outcome year is outside the forecast" in html
    assert "every 1s" not in html and tasks.tornado.call(run.pk) == "not queued"


def test_a_scenario_the_library_refuses_at_run_time_fails_with_its_message(world: World) -> None:
    row = actions.create_scenario(world.users["analyst"], "QK1", llr())
    Scenario.objects.filter(pk=row.pk).update(
        toml=row.toml.replace("baseline_wte = 541", "baseline_wte = -1")
    )
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        run = actions.request_run(world.users["analyst"], row.pk, 0)
    run.refresh_from_db()
    assert run.status == "failed" and "baseline_wte" in run.error
    assert "Traceback" not in run.error


# ---- the demo ------------------------------------------------------------------------------------
def test_the_demo_holds_the_llr_2017_scenarios_and_their_runs(world: World) -> None:
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        seed_llr_scenarios("QK1")
        seed_llr_scenarios("QK1")  # once only
    names = sorted(Scenario.objects.values_list("name", flat=True))
    assert len(names) == 5 and "Scenario 3: Scenario 2 plus role substitution" in names
    ends = {
        r.scenario_name: r.results["target"]["supply_central"]
        for r in Run.objects.filter(status="done", method="hee-linear")
    }
    assert ends == {
        "Scenario 1: Base position": 561.0,
        "Scenario 2: International recruitment and improved retention": 630.0,
        "Scenario 3: Scenario 2 plus role substitution": 658.0,
        "Scenario 2 with uncertainty": 630.0,
    }
    assert Run.objects.filter(status="done").count() == 5
    client = client_for(world, "board")
    html = client.get(reverse("scenario-compare", args=["QK1"])).content.decode()
    for name in ends:
        assert name in html


def test_the_progress_panel_asks_again_until_the_run_is_finished(world: World) -> None:
    from scenario_support import queued_run

    client = client_for(world, "board")
    row = actions.create_scenario(world.users["analyst"], "QK1", llr())
    run = queued_run(row, draws=1000)
    page = client.get(reverse("scenario-detail", args=[row.pk])).content.decode()
    assert f'hx-get="/scenarios/runs/{run.pk}/?panel=progress"' in page
    # without JavaScript the browser reloads the page while the run is unfinished
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    run_page = client.get(reverse("scenario-run-detail", args=[run.pk])).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in run_page
    url = reverse("scenario-run-detail", args=[run.pk]) + "?panel=progress"
    response = client.get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Waiting for the task worker" in html and 'hx-trigger="every 500ms"' in html
    assert "HX-Refresh" not in response
    Run.objects.filter(pk=run.pk).update(status="failed", error="The run could not be queued.")
    response = client.get(url, headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true" and "every 500ms" not in response.content.decode()
    page = client.get(reverse("scenario-detail", args=[row.pk])).content.decode()
    assert "http-equiv" not in page  # finished: nothing reloads it


@pytest.mark.parametrize(
    "file",
    [
        "llr-2017/scenario-1.toml",
        "llr-2017/scenario-3.toml",
        "llr-2017/scenario-2-uncertain.toml",
        "llr-2017/cohort.toml",
        "sample.toml",
        "england/practices-mc.toml",
    ],
)
def test_the_form_saved_unchanged_keeps_every_shipped_scenario(file: str) -> None:
    """Every shipped scenario (both methods, every section) shown in the form and posted back as
    shown resolves to the same scenario hash as the CLI's loader gives the file."""
    from gpworkforce.forecast.runrecord import scenario_hash
    from gpworkforce.forecast.scenario_io import load_scenario
    from gpworkforce.web.scenarios import compute

    shipped = load_scenario(LLR.parent / file).scenario
    document = compute.json_document(shipped)
    result = schemaform.apply_form(document, form_data(document))
    assert result.errors == []
    assert result.scenario is not None
    assert scenario_hash(result.scenario) == scenario_hash(shipped)
    assert result.document == document


def test_progress_is_written_at_most_every_half_second(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each progress write is a transaction the run waits for: the task's writer keeps one per
    0.5 s (the page asks every 0.5 s), dropping the messages in between."""
    from gpworkforce.web.scenarios import tasks
    from scenario_support import queued_run

    row = actions.create_scenario(world.users["analyst"], "QK1", llr())
    run = queued_run(row, draws=0)
    Run.objects.filter(pk=run.pk).update(status="running")
    clock = [100.0]
    monkeypatch.setattr(tasks.time, "monotonic", lambda: clock[0])
    say = tasks._progress_writer(run.pk)
    seen = []
    for at, percent, text in (
        (100.1, 10, "reading"),  # 0.1 s after the start: dropped
        (100.5, 20, "central case"),  # 0.5 s: written
        (100.9, 30, "draws"),  # 0.4 s after the last write: dropped
        (101.2, 40, "summary"),  # 0.7 s: written
    ):
        clock[0] = at
        say(percent, text)
        run.refresh_from_db()
        seen.append((run.progress, run.progress_text))
    assert seen == [(0, ""), (20, "central case"), (20, "central case"), (40, "summary")]
