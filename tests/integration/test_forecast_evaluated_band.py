"""``gpworkforce forecast --band evaluated``: the central case times the band ``gpworkforce
evaluate`` measured (decision 0148), checked by hand; the run record says which calibration was
used; bad input is refused before anything is written."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gpworkforce.cli import app

ROOT = Path(__file__).resolve().parents[2]
HEE_1 = ROOT / "scenarios" / "llr-2017" / "scenario-1.toml"  # 541 -> 561 WTE over 3 years
COHORT = ROOT / "scenarios" / "llr-2017" / "cohort.toml"

HEADER = [
    "Level",
    "Method",
    "Years ahead",
    "Starting years the band is made from",
    "P2.5 / central",
    "P10 / central",
    "P50 / central",
    "P90 / central",
    "P97.5 / central",
    "Left-out check: inside P10-P90 (%)",
    "Left-out check: inside P2.5-P97.5 (%)",
    "Enough starting years to judge the band",
    "Meets the calibration target",
    "Made from",
]
FROM_7 = (
    "errors of every origin 2018, 2019, 2020, 2021, 2022, 2023, 2024 (n=294, 7 national"
    " shifts, centre -0.4%, shifts' spread x 1.15)"
)
FROM_3 = "errors of every origin 2018, 2019, 2020 (n=126, 3 national shifts, centre -1.0%, x 1.41)"
HEE = "HEE linear (LLR 2017 rates)"


def _row(level: str, method: str, years: int, ratios: str, check: str, judged: str) -> list[str]:
    """A row as `gpworkforce evaluate` writes it: ratios "P2.5 P10 P50 P90 P97.5", the
    left-out check "inside P10-P90 / inside P2.5-P97.5", judged "yes"/"no" and met or not."""
    made_from = FROM_7 if judged != "no" else FROM_3
    origins = "7" if judged != "no" else "3"
    met = {"yes": "yes", "missed": "no", "no": "not judged"}[judged]
    enough = "no" if judged == "no" else "yes"
    return [level, method, str(years), origins, *ratios.split(), *check.split(), enough, met,
            made_from]  # fmt: skip


ROWS = [
    # the rows the forecast must pick: ICB, HEE linear, 1 and 2 years ahead
    _row("ICB", HEE, 1, "0.950 0.970 1.000 1.030 1.050", "80.5 94.9", "yes"),
    _row("ICB", HEE, 2, "0.900 0.940 0.990 1.040 1.080", "73.0 90.0", "no"),
    # decoys: another method and another level with other ratios
    _row("ICB", "Cohort engine", 1, "0.500 0.600 0.700 0.800 0.900", "79.0 95.0", "missed"),
    _row("sub-ICB location", HEE, 1, "1.500 1.600 1.700 1.800 1.900", "79.0 95.0", "yes"),
]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _band(out: Path) -> list[dict[str, str]]:
    with (out / "evaluated_band.csv").open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_hand_worked_band_is_the_central_case_times_the_evaluated_ratios(
    tmp_path: Path,
) -> None:
    ev = tmp_path / "ev"
    _write(ev / "evaluation_bands.csv", HEADER, ROWS)
    out = tmp_path / "fc"
    code, stdout, err = _invoke(
        "forecast", str(HEE_1), "--out", str(out), "--band", "evaluated",
        "--evaluation", str(ev), "--band-level", "icb",
    )  # fmt: skip
    assert code == 0, err
    # By hand: the HEE line 541 -> 561 over 3 years is 547.667 and 554.333 WTE after 1 and 2
    # years. 1 year: x 0.95 / 0.97 / 1.00 / 1.03 / 1.05; 2 years: x 0.90 / 0.94 / 0.99 / 1.04
    # / 1.08. 3 years: the file has no band, so none is given.
    one, two, three = _band(out)
    assert one["date"] == "2018-09-30" and one["years_ahead"] == "1"
    assert [one[k] for k in ("central", "p2_5", "p10", "p50", "p90", "p97_5")] == [
        "547.7", "520.3", "531.2", "547.7", "564.1", "575.0",
    ]  # fmt: skip
    assert [two[k] for k in ("central", "p2_5", "p10", "p50", "p90", "p97_5")] == [
        "554.3", "498.9", "521.1", "548.8", "576.5", "598.7",
    ]  # fmt: skip
    assert three["central"] == "561.0" and three["p10"] == three["p90"] == ""
    assert one["starting_years"] == "2018, 2019, 2020, 2021, 2022, 2023, 2024"
    assert (
        one["band"] == "judged: meets the calibration target, left-out check 80.5% inside P10-P90"
    )
    assert two["band"] == "not judged: made from 3 starting years, too few to judge"
    assert three["band"].startswith("not judged: the evaluation has no band 3 years ahead")
    # the headline prints the band as a person reads it
    assert "Central 561.0 WTE (no Monte Carlo draws: the evaluated band is below)" in stdout
    assert (
        "30 Sep 2018 (1 year ahead): central 547.7; P10 531.2, P50 547.7, P90 564.1;"
        " P2.5 520.3, P97.5 575.0; judged: meets the calibration target, left-out check 80.5%"
        " inside P10-P90" in stdout
    )
    assert "30 Sep 2019 (2 years ahead): central 554.3; P10 521.1, P50 548.8, P90 576.5" in stdout
    assert (
        "3 years ahead: not judged, the evaluation has bands only to 2 years; no band given"
        in stdout
    )


def test_the_run_record_says_which_calibration_the_run_used(tmp_path: Path) -> None:
    ev = tmp_path / "ev"
    bands = _write(ev / "evaluation_bands.csv", HEADER, ROWS)
    digest = hashlib.sha256(bands.read_bytes()).hexdigest()
    out = tmp_path / "fc"
    code, _out, err = _invoke(
        "forecast", str(HEE_1), "--out", str(out), "--band", "evaluated",
        "--evaluation", str(bands), "--band-level", "icb",
    )  # fmt: skip
    assert code == 0, err
    record = json.loads((out / "run.json").read_text())["band"]
    assert record["kind"] == "evaluated" and record["sha256"] == digest
    assert Path(record["file"]) == bands
    assert (record["level"], record["method"]) == ("icb", "hee-linear")
    first, second = record["horizons"]
    assert first["years_ahead"] == 1 and first["starting_years"] == list(range(2018, 2025))
    assert first["ratios"] == {"p2_5": 0.95, "p10": 0.97, "p50": 1.0, "p90": 1.03, "p97_5": 1.05}
    assert second["starting_years"] == [2018, 2019, 2020] and second["starting_years_count"] == 3
    assert record["not_judged"] == [3]
    readme = (out / "README.txt").read_text()
    assert f"SHA-256 {digest}" in readme and str(bands) in readme
    assert "Band: the evaluated band of ICB, HEE linear (LLR 2017 rates)" in readme
    assert "Not judged 3 years ahead: the evaluation has bands only to 2 years" in readme
    assert "evaluated_band.csv" in json.loads((out / "run.json").read_text())["outputs"]


def test_without_the_option_the_run_has_no_evaluated_band(tmp_path: Path) -> None:
    code, _out, err = _invoke("forecast", str(HEE_1), "--out", str(tmp_path))
    assert code == 0, err
    assert not (tmp_path / "evaluated_band.csv").exists()
    assert "band" not in json.loads((tmp_path / "run.json").read_text())


def _gp_only(tmp_path: Path) -> Path:
    """LLR's cohort scenario counting only its fully qualified GPs in supply (locums and
    substitutes weighted 0): the measure the band was evaluated on (decision 0156)."""
    path = tmp_path / "gp-only.toml"
    path.write_text(
        f'extends = "{COHORT.as_posix()}"\nname = "LLR cohort, qualified GPs only"\n[cohort]\n'
        "classes = [\n"
        '  { code = "GP", role = "GP_QUALIFIED", gp_equivalent = 1.0 },\n'
        '  { code = "GP_LOCUM", role = "GP_LOCUM", contract = "locum", gp_equivalent = 0.0 },\n'
        '  { code = "PHARMACIST", role = "DPC_PHARMACIST", gp_equivalent = 0.0 },\n'
        '  { code = "ANP", role = "NURSE_ANP", gp_equivalent = 0.0 },\n'
        "]\n",
        encoding="utf-8",
    )
    return path


def test_a_cohort_forecast_gets_the_band_at_whole_years_only_as_far_as_evaluated(
    tmp_path: Path, shared_data: Path
) -> None:
    ev = _write(tmp_path / "ev" / "evaluation_bands.csv", HEADER, ROWS)
    out = tmp_path / "fc"
    code, _out, err = _invoke(
        "forecast", str(_gp_only(tmp_path)), "--out", str(out), "--band", "evaluated",
        "--evaluation", str(ev), "--band-level", "icb",
    )  # fmt: skip
    assert code == 0, err
    with (out / "forecast.csv").open(encoding="utf-8-sig", newline="") as fh:
        supply = {
            r["date"]: float(r["central"])
            for r in csv.DictReader(fh)
            if r["org"] == "TOTAL" and r["measure"] == "supply_gp_equiv"
        }
    rows = _band(out)
    assert [r["years_ahead"] for r in rows] == [str(h) for h in range(1, 11)]  # 10 years
    one = rows[0]
    assert one["date"] == "2018-09-30"
    assert float(one["central"]) == pytest.approx(supply["2018-09-30"], abs=0.05)
    # the cohort engine's row of the file (0.6 / 0.7 / 0.8), not HEE linear's
    assert float(one["p10"]) == pytest.approx(0.6 * supply["2018-09-30"], abs=0.05)
    assert float(one["p90"]) == pytest.approx(0.8 * supply["2018-09-30"], abs=0.05)
    assert all(r["p10"] == "" and r["band"].startswith("not judged") for r in rows[1:])


def _bad(tmp_path: Path, *args: str) -> str:
    out = tmp_path / "fc"
    code, _stdout, err = _invoke("forecast", str(HEE_1), "--out", str(out), *args)
    assert code == 2, err
    assert not out.exists()  # nothing written
    assert "Traceback" not in err
    return err


def test_a_missing_evaluation_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    err = _bad(tmp_path, "--band", "evaluated", "--evaluation", str(tmp_path / "empty"),
               "--band-level", "icb")  # fmt: skip
    assert "has no evaluation_bands.csv" in err and "gpworkforce evaluate" in err
    err = _bad(tmp_path, "--band", "evaluated", "--evaluation", str(tmp_path / "nowhere.csv"),
               "--band-level", "icb")  # fmt: skip
    assert "nowhere.csv does not exist" in err


def test_the_options_must_go_together(tmp_path: Path) -> None:
    assert "needs --evaluation DIR" in _bad(tmp_path, "--band", "evaluated", "--band-level", "icb")
    assert "used only with --band evaluated" in _bad(tmp_path, "--evaluation", str(tmp_path))
    assert "--band must be draws or evaluated" in _bad(tmp_path, "--band", "conformal")


@pytest.mark.parametrize(
    ("header", "rows", "level", "message"),
    [
        (
            [h for h in HEADER if h != "P90 / central"],
            [r[:7] + r[8:] for r in ROWS],
            "icb",
            "missing column 'P90 / central'",
        ),
        (
            HEADER,
            ROWS[:1],
            "sub-icb",
            "no band for level 'sub-ICB location' (--band-level sub-icb)",
        ),
        (HEADER, ROWS[2:3], "icb", "no band for method 'HEE linear (LLR 2017 rates)'"),
        (HEADER, [[*ROWS[0][:5], "n/a", *ROWS[0][6:]]], "icb", "row 2, column 'P10 / central':"),
        (
            HEADER,
            [[*ROWS[0][:6], "1.100", *ROWS[0][7:]]],
            "icb",
            "row 2: the ratios must rise from 'P2.5 / central' to 'P97.5 / central'",
        ),
        (HEADER, [ROWS[0], ROWS[0]], "icb", "row 3: a second band for 1 year ahead"),
        (
            HEADER,
            [[*ROWS[0][:9], "most", *ROWS[0][10:]]],
            "icb",
            "row 2, column 'Left-out check: inside P10-P90 (%)': expected a positive number",
        ),
        (HEADER, ROWS, "england", "--band-level must be one of icb, sub-icb"),
    ],
    ids=[
        "layout",
        "level",
        "method",
        "not-a-number",
        "out-of-order",
        "duplicate",
        "check",
        "bad-level",
    ],
)
def test_a_bad_band_file_is_refused_before_anything_runs(
    tmp_path: Path, header: list[str], rows: list[list[str]], level: str, message: str
) -> None:
    bands = _write(tmp_path / "ev" / "evaluation_bands.csv", header, rows)
    err = _bad(tmp_path, "--band", "evaluated", "--evaluation", str(bands), "--band-level", level)
    assert message in err, err
    assert str(bands) in err or "--band-level" in err


@pytest.mark.parametrize(
    ("scenario", "counted"),
    [
        (COHORT, "GP_LOCUM (GP locum, not a fully qualified GP)"),
        (ROOT / "scenarios" / "llr-2017" / "scenario-3.toml", "adds substitutes (Pharmacist"),
    ],
)
def test_a_scenario_of_another_measure_is_refused_the_evaluated_band(
    tmp_path: Path, scenario: Path, counted: str, shared_data: Path
) -> None:
    """The band was measured on qualified GP FTE; a supply that counts locums or substitutes
    is another measure, so the band is refused before anything runs (decision 0156)."""
    ev = _write(tmp_path / "ev" / "evaluation_bands.csv", HEADER, ROWS)
    out = tmp_path / "fc"
    code, _stdout, err = _invoke(
        "forecast", str(scenario), "--out", str(out), "--band", "evaluated",
        "--evaluation", str(ev), "--band-level", "icb",
    )  # fmt: skip
    assert code == 2 and not out.exists() and "Traceback" not in err
    text = " ".join(err.split())
    assert "the band is measured on the FTE of fully qualified GPs" in text
    assert counted in text and "use --band draws" in text


def test_the_headline_reads_the_target_from_the_evaluated_band(tmp_path: Path) -> None:
    """LLR scenario 1 (541 -> 561 WTE over 3 years, target 639 WTE in 2020) with a band to 3
    years: P10 / P50 / P90 are the central case times the ratios, and the chance of reaching the
    target is read off the band (here above its P97.5: 2.5% or less)."""
    rows = [
        _row("ICB", HEE, 1, "0.950 0.970 1.000 1.030 1.050", "80.5 94.9", "yes"),
        _row("ICB", HEE, 2, "0.900 0.940 0.990 1.040 1.080", "80.5 94.9", "yes"),
        _row("ICB", HEE, 3, "0.900 0.930 0.990 1.050 1.070", "80.5 94.9", "yes"),
    ]
    ev = _write(tmp_path / "ev" / "evaluation_bands.csv", HEADER, rows)
    code, out, err = _invoke(
        "forecast", str(HEE_1), "--out", str(tmp_path / "fc"), "--band", "evaluated",
        "--evaluation", str(ev), "--band-level", "icb",
    )  # fmt: skip
    assert code == 0, err
    band = _band(tmp_path / "fc")
    three = band[2]
    central = float(three["central"])
    line = next(x for x in out.splitlines() if "Target from the evaluated band" in x)
    assert (
        f"P10 {0.93 * central:,.1f}, P50 {0.99 * central:,.1f}, P90 {1.05 * central:,.1f}" in line
    )
    assert central * 1.07 < 639  # the target is above the band's P97.5
    assert "chance of reaching 639.0 WTE: 2.5% or less" in line
