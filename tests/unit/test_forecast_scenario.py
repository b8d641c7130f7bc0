"""Scenario models and loading: distributions, extends with deep merge, error messages."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from gpworkforce.errors import InputFileError, ValidationFailed
from gpworkforce.forecast.distributions import (
    Interval80,
    LogNormal,
    Normal,
    Triangular,
    Uniform,
    central,
)
from gpworkforce.forecast.scenario import HeeLinearConfig, Scenario, uncertain_fields
from gpworkforce.forecast.scenario_io import deep_merge, load_scenario

HEE = """
name = "base"
method = "hee-linear"
[hee_linear]
baseline_wte = 541
over55_wte = 87
over55_loss_rate = 0.15
session_loss_rate = 0.03
trainees_qualifying = 153
trainee_retention = 0.7
"""


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        ({"kind": "normal", "mean": 0.1, "sd": 0.02}, Normal, 0.1),
        ({"kind": "triangular", "low": 0.1, "mode": 0.12, "high": 0.2}, Triangular, 0.12),
        ({"kind": "uniform", "low": 0.0, "high": 0.1}, Uniform, 0.05),
        ({"kind": "lognormal", "median": 30, "p90": 45}, LogNormal, 30.0),
        ({"kind": "interval80", "p10": 0.02, "p90": 0.06}, Interval80, 0.04),
    ],
)
def test_every_distribution_parses_with_a_central_value(
    raw: dict, kind: type, expected: float
) -> None:
    cfg = HeeLinearConfig.model_validate(
        {
            "baseline_wte": 541,
            "over55_wte": 87,
            "over55_loss_rate": raw,
            "session_loss_rate": 0.03,
            "trainees_qualifying": 153,
            "trainee_retention": 0.7,
        }
    )
    assert isinstance(cfg.over55_loss_rate, kind)
    assert central(cfg.over55_loss_rate) == pytest.approx(expected)
    assert central(cfg.session_loss_rate) == 0.03


def test_lognormal_and_interval80_parameters() -> None:
    ln = LogNormal(kind="lognormal", median=30, p90=45)
    assert ln.mu == pytest.approx(math.log(30))
    assert math.exp(ln.mu + 1.2815515655446004 * ln.sigma) == pytest.approx(45)
    iv = Interval80(kind="interval80", p10=10, p90=20)
    assert iv.mean + 1.2815515655446004 * iv.sd == pytest.approx(20)


def test_deep_merge_merges_tables_and_replaces_the_rest() -> None:
    base = {"a": {"x": 1, "y": {"kind": "normal", "mean": 1, "sd": 1}}, "l": [1, 2]}
    over = {"a": {"x": 2, "y": {"kind": "uniform", "low": 0, "high": 1}}, "l": [3]}
    assert deep_merge(base, over) == {
        "a": {"x": 2, "y": {"kind": "uniform", "low": 0, "high": 1}},
        "l": [3],
    }
    assert deep_merge(base, {"a": {"y": {"sd": 2}}})["a"]["y"] == {
        "kind": "normal",
        "mean": 1,
        "sd": 2,
    }


def test_extends_overrides_only_what_differs(tmp_path: Path) -> None:
    write(tmp_path, "base.toml", HEE)
    (tmp_path / "sub").mkdir()
    child = write(
        tmp_path / "sub",
        "child.toml",
        'extends = "../base.toml"\nname = "child"\n[hee_linear]\nover55_loss_rate = 0.12\n',
    )
    loaded = load_scenario(child)
    s = loaded.scenario
    assert s.name == "child" and s.hee_linear is not None
    assert s.hee_linear.over55_loss_rate == 0.12 and s.hee_linear.baseline_wte == 541
    assert [p.name for p in loaded.chain] == ["child.toml", "base.toml"]


def test_errors_name_the_file_the_field_and_the_value(tmp_path: Path) -> None:
    base = write(
        tmp_path, "base.toml", HEE.replace("trainee_retention = 0.7", 'trainee_retention = "most"')
    )
    child = write(
        tmp_path,
        "child.toml",
        'extends = "base.toml"\n[hee_linear]\nover55_wte = { kind = "triangular", low = 1, mode = 0, high = 2 }\nbogus = 1\n',
    )
    with pytest.raises(ValidationFailed) as err:
        load_scenario(child)
    text = str(err.value)
    # the file, the line the key is on, the field path and the value
    assert f"{base}, line 10, field 'hee_linear.trainee_retention': must be a number" in text
    assert "'most'" in text
    assert (
        f"{child}, line 3, field 'hee_linear.over55_wte': must triangular needs low <= mode <= high"
        in text
    )
    assert f"{child}, line 4, field 'hee_linear.bogus': must be a known field" in text
    assert len(err.value.issues) == 3
    assert err.value.exit_code == 4


def test_unknown_distribution_kind(tmp_path: Path) -> None:
    path = write(tmp_path, "s.toml", HEE.replace("0.15", '{ kind = "beta", a = 1 }'))
    with pytest.raises(
        ValidationFailed, match=r"over55_loss_rate': must have kind normal, triangular"
    ):
        load_scenario(path)


def test_semantic_checks_after_parsing(tmp_path: Path) -> None:
    path = write(tmp_path, "s.toml", HEE.replace("0.15", "1.5"))
    with pytest.raises(
        ValidationFailed, match=r"over55_loss_rate': must be a share between 0 and 1, got 1.5"
    ):
        load_scenario(path)


def test_method_needs_its_section(tmp_path: Path) -> None:
    path = write(tmp_path, "s.toml", 'name = "x"\nmethod = "cohort"\n')
    with pytest.raises(ValidationFailed, match="method 'cohort' needs a \\[cohort\\] section"):
        load_scenario(path)


def test_extends_problems(tmp_path: Path) -> None:
    a = write(tmp_path, "a.toml", 'extends = "b.toml"\n' + HEE)
    write(tmp_path, "b.toml", 'extends = "a.toml"\n' + HEE)
    with pytest.raises(ValidationFailed, match="not form a cycle"):
        load_scenario(a)
    c = write(tmp_path, "c.toml", 'extends = "missing.toml"\n' + HEE)
    with pytest.raises(
        ValidationFailed, match=r"extends': must name an existing file, got 'missing\.toml'"
    ):
        load_scenario(c)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="must exist"):
        load_scenario(tmp_path / "nope.toml")
    bad = write(tmp_path, "bad.toml", "name = \n")
    with pytest.raises(InputFileError, match="must be valid TOML"):
        load_scenario(bad)


def test_uncertain_fields_lists_distribution_paths() -> None:
    s = Scenario.model_validate(
        {
            "name": "x",
            "method": "hee-linear",
            "hee_linear": {
                "baseline_wte": 541,
                "over55_wte": 87,
                "over55_loss_rate": {"kind": "uniform", "low": 0.1, "high": 0.2},
                "session_loss_rate": 0.03,
                "trainees_qualifying": 153,
                "trainee_retention": 0.7,
                "substitutes": [
                    {"role": "NURSE_ANP", "headcount": {"kind": "normal", "mean": 50, "sd": 5}}
                ],
            },
            "costs": {"locum_premium": {"kind": "uniform", "low": 0.2, "high": 0.45}},
        }
    )
    assert sorted(uncertain_fields(s)) == [
        "costs.locum_premium",
        "hee_linear.over55_loss_rate",
        "hee_linear.substitutes[0].headcount",
    ]


def test_canonical_json_ignores_how_the_scenario_was_written(tmp_path: Path) -> None:
    flat = write(tmp_path, "flat.toml", HEE.replace('name = "base"', 'name = "same"'))
    write(tmp_path, "base.toml", HEE)
    child = write(tmp_path, "child.toml", 'extends = "base.toml"\nname = "same"\n')
    assert (
        load_scenario(flat).scenario.canonical_json()
        == load_scenario(child).scenario.canonical_json()
    )


def test_shipped_scenarios_are_found_from_any_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the back-test's default plan comparison reads them: it must not depend on the cwd
    from gpworkforce.forecast.scenario_io import SCENARIOS_ENV, shipped_scenarios_dir

    monkeypatch.delenv(SCENARIOS_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    found = sorted(p.name for p in (shipped_scenarios_dir() / "llr-2017").glob("scenario-*.toml"))
    assert found[:3] == ["scenario-1.toml", "scenario-2-uncertain.toml", "scenario-2.toml"]
    monkeypatch.setenv(SCENARIOS_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(InputFileError, match="GPWORKFORCE_SCENARIOS_DIR"):
        shipped_scenarios_dir()


def test_lines_follow_arrays_of_tables(tmp_path: Path) -> None:
    from gpworkforce.forecast.scenario_io import toml_line

    path = write(
        tmp_path,
        "c.toml",
        "[cohort]\nyears = 3\n\n[[cohort.leaving]]\nannual_rate = 0.1\n\n"
        "[[cohort.leaving]]\nkind = 'early'\nannual_rate = 2\n[cohort.demand]\nper_1000 = 1\n",
    )
    assert toml_line(path, "cohort.leaving[1].annual_rate") == 9
    assert toml_line(path, "cohort.leaving[0].annual_rate") == 5
    assert toml_line(path, "cohort.leaving[1].bands[0]") == 7  # not set: its table's header
    assert toml_line(path, "cohort.demand.per_1000") == 11
    assert toml_line(path, "cohort.years") == 2
