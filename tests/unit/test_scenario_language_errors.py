"""Bad input in the scenario language's demand and supply sections: each problem is reported
with the file, the line the TOML key is on, the field path and what was found."""

from __future__ import annotations

from pathlib import Path

import pytest

from gpworkforce.errors import ValidationFailed
from gpworkforce.forecast.runrecord import make_record
from gpworkforce.forecast.scenario_io import load_scenario

COHORT = """\
name = "language"
method = "cohort"

[cohort]
start = 2017-09-30
years = 3
step = "year"
bands = [{ label = "all" }]
classes = [{ code = "GP", role = "GP_QUALIFIED" }]

[[cohort.initial.rows]]
org = "O"
class = "GP"
band = "all"
headcount = 100
fte = 90

[[cohort.pipeline]]
name = "registrars"
programme_years = 3
in_training = [
  { year = 3, count = 100 },
  { year = 1, count = 60 },
]
completion = 0.9
retention = 0.7
destinations = [{ class = "GP", share = 1.0 }]
band = "all"

[[cohort.inflows]]
name = "recruits"
kind = "recruitment"
per_year = [10, { kind = "uniform", low = 0, high = 20 }]
destinations = [{ class = "GP", share = 1.0 }]
band = "all"

[cohort.demand]
rule = "per_1000_target"
per_1000 = 0.6
need_trend = 0.01
list_factor = 0.97
patients = [{ org = "O", registered = 10000 }]
"""


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationFailed) as err:
        load_scenario(path)
    assert err.value.exit_code == 4
    return [str(i).replace(f"{path}, ", "") for i in err.value.issues]


def test_the_example_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(COHORT, encoding="utf-8")
    s = load_scenario(path).scenario
    assert s.cohort is not None and s.cohort.pipeline[0].in_training[1].year == 1


def test_unknown_parameter_names_its_key_and_line(tmp_path: Path) -> None:
    text = COHORT.replace("need_trend = 0.01", "need_trnd = 0.01")
    assert problems(tmp_path, text) == [
        "line 40, field 'cohort.demand.need_trnd': must be a known field (see"
        " scenarios/schema.json), got 0.01"
    ]


def test_impossible_distribution_names_its_key_and_line(tmp_path: Path) -> None:
    text = COHORT.replace("low = 0, high = 20 }", "low = 20, high = 0 }")
    assert problems(tmp_path, text) == [
        "line 33, field 'cohort.inflows[0].per_year[1]': must uniform needs low <= high, got 20.0,"
        ' 0.0, got {"kind": "uniform", "low": 20, "high": 0}'
    ]


def test_probability_outside_0_1_names_its_key_and_line(tmp_path: Path) -> None:
    text = COHORT.replace("retention = 0.7", "retention = 1.2")
    assert problems(tmp_path, text) == [
        "line 26, field 'cohort.pipeline[0].retention': must be a share (0..1), got 1.2"
    ]
    ranged = COHORT.replace(
        "completion = 0.9", 'completion = { kind = "uniform", low = 0.8, high = 1.1 }'
    )
    assert problems(tmp_path, ranged) == [
        "line 25, field 'cohort.pipeline[0].completion': must stay within 0..1, got range 0.8..1.1"
    ]


def test_pipeline_longer_than_the_horizon_names_its_key_and_line(tmp_path: Path) -> None:
    # a first-year of a 5-year programme completes in forecast year 5, after a 3-year horizon
    text = COHORT.replace("programme_years = 3", "programme_years = 5")
    # (the array of trainees starts on line 21)
    assert problems(tmp_path, text) == [
        "line 21, field 'cohort.pipeline[0].in_training[1].year': must complete within the"
        " 3-year horizon (year 3 or later of the 5-year programme), got year 1 completes in"
        " forecast year 5"
    ]
    beyond = COHORT.replace("{ year = 3, count = 100 }", "{ year = 4, count = 100 }")
    assert problems(tmp_path, beyond) == [
        "line 21, field 'cohort.pipeline[0].in_training[0].year': must be a year of the"
        " programme (1..3), got 4"
    ]


def test_per_year_and_org_csv_are_one_or_the_other(tmp_path: Path) -> None:
    text = COHORT.replace(
        'per_year = [10, { kind = "uniform", low = 0, high = 20 }]',
        'org_csv = "r.csv"\nper_year = [1]',
    )
    assert problems(tmp_path, text) == [
        "line 34, field 'cohort.inflows[0].per_year': must be given, or org_csv instead (one of"
        " the two), got both"
    ]


def test_demand_uncertainty_out_of_range(tmp_path: Path) -> None:
    text = COHORT.replace(
        "list_factor = 0.97", 'list_factor = { kind = "uniform", low = -1, high = 1 }'
    )
    assert problems(tmp_path, text) == [
        "line 41, field 'cohort.demand.list_factor': must stay within 0..2, got range -1.0..1.0"
    ]


def test_hierarchical_draws_need_groups_and_the_record_states_the_mode(tmp_path: Path) -> None:
    text = COHORT + '\n[correlation]\ndraws = "hierarchical"\n'
    assert problems(tmp_path, text) == [
        "line 45, field 'correlation.draws': must name its groups: hierarchical draws need"
        " [output] groups = 'icb', got hierarchical"
    ]
    path = tmp_path / "ok.toml"
    path.write_text(
        COHORT
        + '\n[output]\ngroups = "icb"\n\n[correlation]\ndraws = "hierarchical"\ngroup_share = 0.7\n',
        encoding="utf-8",
    )
    record = make_record(load_scenario(path).scenario, [path], 10, [], [])
    assert record.correlation == (
        "hierarchical: each ICB draws its own values; a practice keeps its ICB's draw in a share"
        " 0.7 of the runs and its own otherwise"
    )
    plain = tmp_path / "plain.toml"
    plain.write_text(COHORT, encoding="utf-8")
    shared = make_record(load_scenario(plain).scenario, [plain], 10, [], [])
    assert shared.correlation.startswith("shared: ")
