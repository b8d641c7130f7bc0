"""``gpworkforce forecast`` end to end on the shipped scenarios, with the real ONS projection.

Also: the same inputs give bit-identical outputs; user mistakes give a message and exit code.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from typer.testing import CliRunner

from gpworkforce import labels
from gpworkforce.cli import app
from gpworkforce.forecast.runner import run_scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def forecast_llr(name: str, draws: int, out: Path, *more: str) -> tuple[int, str, str]:
    """``gpworkforce forecast`` of a shipped LLR 2017 scenario with ``draws`` draws into ``out``."""
    scenario = str(SCENARIOS / "llr-2017" / name)
    return invoke("forecast", scenario, "--draws", str(draws), "--out", str(out), *more)


def test_hee_linear_prints_the_table_and_writes_outputs(tmp_path: Path) -> None:
    code, out, err = invoke(
        "forecast", str(SCENARIOS / "llr-2017" / "scenario-3.toml"), "--out", str(tmp_path)
    )
    assert code == 0, err
    assert "Position in 2020" in out and "658" in out and "85 with a ratio of 3:1" in out
    written = {p.name for p in tmp_path.iterdir()}
    assert written >= {"hee_linear.csv", "trajectory.svg", "run.json"}
    assert "forecast.xlsx" not in written  # CSV by default; the workbook with --xlsx
    record = json.loads((tmp_path / "run.json").read_text())
    assert record["method"] == "hee-linear"
    assert record["scenario_files"] == ["scenario-3.toml", "scenario-2.toml", "scenario-1.toml"]
    assert (tmp_path / "trajectory.svg").read_text().startswith("<svg")
    target = (tmp_path / "target.csv").read_text(encoding="utf-8-sig").splitlines()
    # LLR target 639 WTE by Sep 2020; Scenario 3 reaches 658: met in the central case
    assert target[1].startswith('2020-09-30,"Target (0.58 WTE per 1,000)",639.0,658.0,')
    assert target[1].split(",")[-2] == "1.000"


def test_cohort_with_draws_uses_real_population_projection(
    tmp_path: Path, shared_data: Path
) -> None:
    code, out, err = forecast_llr("cohort.toml", 50, tmp_path, "--xlsx", "--flows", "total")
    assert code == 0, err
    assert "running 50 draws" in err  # progress is shown
    record = json.loads((tmp_path / "run.json").read_text())
    assert record["draws"] == 50 and len(record["uncertain_parameters"]) == 10
    assert any(s.startswith("population-projection:") for s in record["data_sources"])
    lines = (tmp_path / "forecast.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "date,org,measure,central,p10,p50,p90"
    registered = [r for r in lines if ",TOTAL,registered," in r]
    # GPW Sep 2017 list of the three CCGs: 1,120,132 patients at the start
    assert registered[0].startswith("2017-09-30,TOTAL,registered,1120132.00")
    # ONS 2018-based projection: LLR's population grows, so the list does too
    assert float(registered[-1].split(",")[3]) > 1_150_000
    # on screen, patients are whole: "1,120,132", never "1,120,132.0"
    (shown,) = [line for line in out.splitlines() if line.strip().startswith("Registered patients")]
    first, last = shown.split()[-2:]
    assert first == "1,120,132" and re.fullmatch(r"\d{1,3}(,\d{3})+", last), shown
    with (tmp_path / "target.csv").open(encoding="utf-8-sig", newline="") as fh:
        (values,) = list(csv.DictReader(fh))
    assert values["date"] == "2020-09-30" and values["draws"] == "50"
    assert 0.0 <= float(values["probability_meeting_target"]) <= 1.0
    assert float(values["supply_p10"]) <= float(values["supply_p50"]) <= float(values["supply_p90"])
    book = openpyxl.load_workbook(tmp_path / "forecast.xlsx", read_only=True)
    assert {"forecast", "stocks", "flows"} <= set(book.sheetnames)


def test_sample_scenario_runs(tmp_path: Path) -> None:
    code, out, err = invoke(
        "forecast", str(SCENARIOS / "sample.toml"), "--draws", "20", "--out", str(tmp_path)
    )
    assert code == 0, err
    assert "Demand (WTE)" in out and "Cost of the gap filled by locums" in out


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_same_inputs_give_bit_identical_outputs(tmp_path: Path, shared_data: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        code, _, err = invoke(
            "forecast", str(SCENARIOS / "sample.toml"), "--draws", "30", "--out", str(out), "--xlsx"
        )
        assert code == 0, err
    a, b = _files(first), _files(second)
    assert {"forecast.xlsx", "forecast.csv", "trajectory.svg", "run.json"} <= set(a)
    assert set(a) == set(b)
    for name in a:  # every output file, the workbook included, byte for byte
        if name != "run.json":
            assert a[name] == b[name], name
    rec_a, rec_b = json.loads(a["run.json"]), json.loads(b["run.json"])
    # run.json hashes every other file, the workbook too
    assert set(rec_a["outputs"]) == set(a) - {"run.json"}
    rec_a.pop("timestamp"), rec_b.pop("timestamp")
    assert rec_a == rec_b  # the timestamp is the only field that may differ


def test_source_date_epoch_makes_the_run_record_identical_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1506729600")  # 30 Sep 2017 00:00 UTC
    scenarios = [str(SCENARIOS / "llr-2017" / f"scenario-{i}.toml") for i in (1, 2, 3)]
    for out in ("a", "b"):
        code, _, err = invoke(
            "forecast", *scenarios, "--draws", "20", "--out", str(tmp_path / out), "--xlsx"
        )
        assert code == 0, err
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert "scenario-1/run.json" in a and "comparison.svg" in a and "scenario-2/forecast.xlsx" in a
    assert a == b
    assert json.loads(a["scenario-1/run.json"])["timestamp"] == "2017-09-30T00:00:00+00:00"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    code, out, err = invoke("forecast", scenarios[0], "--out", str(tmp_path / "c"))
    assert code != 0 and "SOURCE_DATE_EPOCH must be whole seconds" in out + err
    assert "Traceback" not in out + err


def test_draws_change_with_the_seed_but_not_the_central_case() -> None:
    a = run_scenario(SCENARIOS / "sample.toml", draws=20)
    b = run_scenario(SCENARIOS / "sample.toml", draws=20)
    assert a.summary is not None and b.summary is not None and a.cohort is not None
    paths_a = a.summary.group_paths["supply_gp_equiv"]  # [runs, steps, TOTAL]
    assert (paths_a == b.summary.group_paths["supply_gp_equiv"]).all()
    assert paths_a.shape[0] == 21  # run 0 = central + 20 draws
    assert paths_a[1:, -1].std() > 0
    # run 0 of the draws is the central run
    np.testing.assert_allclose(
        paths_a[0, :, 0], a.cohort.supply_gp_equiv[0].sum(axis=1), rtol=1e-12
    )


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ('name = "x"\nmethod = "cohort"\n', 4, "method 'cohort' needs a [cohort] section"),
        ("name = [\n", 3, "must be valid TOML"),
    ],
)
def test_user_errors_exit_with_a_message(
    tmp_path: Path, text: str, code: int, message: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    exit_code, _out, err = invoke("forecast", str(path), "--out", str(tmp_path / "out"))
    assert exit_code == code
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_bad_stocks_csv_names_row_and_column(tmp_path: Path) -> None:
    (tmp_path / "stocks.csv").write_text(
        "org,class,band,headcount,fte\nA,GP,all,ten,1\nA,XX,all,1,1\n"
    )
    base = (SCENARIOS / "sample.toml").read_text()
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        'extends = "'
        + str(SCENARIOS / "sample.toml")
        + '"\n[cohort.initial]\nrows = []\ncsv = "stocks.csv"\n'
    )
    assert "rows" in base
    code, _out, err = invoke("forecast", str(scenario), "--out", str(tmp_path / "out"))
    assert code == 4
    assert "stocks.csv, row 2, column 'headcount': must be a number >= 0, got 'ten'" in err


def test_scenario_schema_command(tmp_path: Path) -> None:
    code, out, _ = invoke("scenario-schema")
    assert code == 0 and json.loads(out)["title"] == "gpworkforce forecast scenario"
    target = tmp_path / "schema.json"
    assert invoke("scenario-schema", "--out", str(target))[0] == 0
    assert target.read_text() == (SCENARIOS / "schema.json").read_text()


def test_several_scenarios_are_compared_on_one_chart(tmp_path: Path) -> None:
    files = [str(SCENARIOS / "llr-2017" / f"scenario-{i}.toml") for i in (1, 2, 3)]
    code, out, err = invoke("forecast", *files, "--out", str(tmp_path))
    assert code == 0, err
    assert out.count("Position in 2020") == 3
    for i in (1, 2, 3):
        assert (tmp_path / f"scenario-{i}" / "run.json").is_file()
    with (tmp_path / "comparison.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    ends = {r["line"]: float(r["central"]) for r in rows if r["date"] == "2020-09-30"}
    # the end points of LLR Figure 9's three trajectories (Tables 12-14)
    assert sorted(ends.values()) == [561.0, 630.0, 658.0]
    assert (tmp_path / "comparison.svg").read_text().startswith("<svg")


def test_every_scenario_is_validated_before_any_runs(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nmethod = "hee-linear"\n', encoding="utf-8")
    good = str(SCENARIOS / "llr-2017" / "scenario-1.toml")
    code, _out, err = invoke("forecast", good, str(bad), "--out", str(tmp_path / "out"))
    assert code == 4 and "needs a [hee_linear] section" in err
    assert not (tmp_path / "out").exists()


def test_hee_linear_with_uncertainty_keeps_the_central_case(tmp_path: Path) -> None:
    run = run_scenario(SCENARIOS / "llr-2017" / "scenario-2-uncertain.toml", draws=400)
    assert run.hee is not None and run.hee.position == 630  # the plan's figure, Table 13
    position = next(t for t in run.tables if t.key == "position").frame.iloc[0]
    assert position["central"] == 630
    assert position["p10"] < 630 < position["p90"]
    assert run.series is not None and {"p10", "p90"} <= set(run.series.columns)
    target = next(t for t in run.tables if t.key == "target").frame.iloc[0]
    assert 0.0 < target["probability_meeting_target"] < 0.5  # 639 is above the central 630


def test_a_run_over_the_memory_limit_is_refused_before_it_starts(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["forecast", str(SCENARIOS / "sample.toml"), "--draws", "20", "--out", str(out)]
    code, stdout, err = invoke(*args, "--memory-limit", "64")
    assert code == 6
    assert "over the limit of 64 MB" in stdout + err and "Traceback" not in stdout + err
    assert not out.exists()  # nothing half-written
    code, _, err = invoke(*args)
    assert code == 0, err
    assert "memory estimate" in err


def test_flows_only_when_asked_and_at_the_level_asked(tmp_path: Path) -> None:
    base = ["forecast", str(SCENARIOS / "sample.toml"), "--out"]
    code, _, err = invoke(*base, str(tmp_path / "none"))
    assert code == 0, err
    assert not (tmp_path / "none" / "flows.csv").exists()
    for level in ("total", "org"):
        code, _, err = invoke(*base, str(tmp_path / level), "--flows", level)
        assert code == 0, err
        with (tmp_path / level / "flows.csv").open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert ("org" in rows[0]) == (level == "org")
        if level == "org":
            assert len({r["org"] for r in rows}) > 1
        total = {r["year"]: 0.0 for r in rows}
        for r in rows:
            total[r["year"]] += float(r["leavers_hc"])
        if level == "total":
            by_total = total
        else:  # per-organisation flows add up to the total (2 decimals each)
            for year, value in total.items():
                assert value == pytest.approx(by_total[year], abs=0.01 * len(rows))
    code, out, err = invoke(*base, str(tmp_path / "bad"), "--flows", "all")
    assert code == 2 and "--flows must be none, total or org" in out + err


def test_uncertain_forecast_prints_its_headline_first(tmp_path: Path) -> None:
    """P10/P50/P90 and the chance of meeting the target on screen, as target.csv holds them."""
    code, out, err = forecast_llr("scenario-2-uncertain.toml", 40, tmp_path, "--xlsx")
    assert code == 0, err
    book = openpyxl.load_workbook(tmp_path / "forecast.xlsx")
    cells = "\n".join(str(c) for s in book for r in s.iter_rows(values_only=True) for c in r if c)
    assert labels.internal_keys_in(cells) == []  # the workbook is labelled for people
    target = list(book["target"].iter_rows(values_only=True))
    chance = target[3][target[2].index("Chance of meeting the target (%)")]
    assert isinstance(target[3][0], dt.datetime) and chance > 1  # a date, and a per cent
    with (tmp_path / "target.csv").open(encoding="utf-8-sig", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    lines = out.splitlines()
    assert lines[0] == "Headline: Scenario 2 with uncertainty, GP WTE on 30 September 2020"
    p10, p50, p90 = (f"{float(row[k]):,.1f}" for k in ("supply_p10", "supply_p50", "supply_p90"))
    assert f"P10 {p10}, P50 {p50}, P90 {p90} WTE" in lines[1]
    chance = float(row["probability_meeting_target"])
    assert lines[3] == (
        f"  Chance of meeting the target: {100 * chance:.0f}% ({round(chance * 40)} of 40 runs)"
    )
    assert "Target (0.58 WTE per 1,000): 639.0 WTE" in lines[2]


def test_draws_over_no_uncertain_assumption_show_no_range_and_no_chance(tmp_path: Path) -> None:
    """Scenario 3 has no uncertain assumption: its 40 draws are each the central case, so the
    headline says there is no range instead of 'P10 658.0, P50 658.0, P90 658.0' and '100% (40 of
    40 runs)'."""
    code, out, err = forecast_llr("scenario-3.toml", 40, tmp_path)
    assert code == 0, err
    record = json.loads((tmp_path / "run.json").read_text())
    assert record["draws"] == 40 and record["uncertain_parameters"] == []
    lines = out.splitlines()
    assert lines[0].startswith("Headline: ") and "P10" not in "\n".join(lines[:4])
    assert lines[1] == (
        "  Central 658.0 WTE (no range: no assumption of the scenario is uncertain, so every"
        " draw is the central case)"
    )
    assert lines[3] == (
        "  Chance of meeting the target: not estimated, as no assumption is uncertain; give one"
        " a range to see how likely the target is"
    )
    assert "of 40 runs" not in out
