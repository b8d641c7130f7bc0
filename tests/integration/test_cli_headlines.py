"""Every workspace command prints its headline first (issue 14, item 8): what it found or did,
with readable numbers (thousands separators, units) and the labels catalogue's names, before any
detail. Each expected figure is computed here from the files themselves with pandas, not by the
headline code."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from gpworkforce.cli import app
from gpworkforce.cli.choices import Kind
from gpworkforce.cli.workspace import read_file
from gpworkforce.loaders import build_registry

pytestmark = pytest.mark.integration

runner = CliRunner()
STAFF_GROUPS = "gpw_practice_fy2023_2025_staff_groups.csv"
ROW = '"C82001","2024","Leicester, Leicestershire and Rutland",24722.5833333333,11.1,'
GPW_LABEL = "NHS Digital GPW, practice level (staff groups, by year)"
CODE = re.compile(r"\b[A-Z]+_[A-Z0-9_]+\b")  # a taxonomy code such as GP_SALARIED


def run(*args: str | Path) -> Result:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


def head(result: Result, n: int) -> list[str]:
    lines = result.stdout.splitlines()
    assert lines and lines[0].startswith("Headline: "), result.stdout
    assert not CODE.search("\n".join(lines[:n])), lines[:n]
    return lines[:n]


@pytest.fixture(scope="module")
def demo_return(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from gpworkforce.demo import build_llr_2017
    from gpworkforce.returns import write_return_xlsx

    ret = build_llr_2017().returns[0]
    return write_return_xlsx(ret, tmp_path_factory.mktemp("ret") / "return.xlsx")


@pytest.fixture(scope="module")
def revised(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    text = (shared_data / "nhs" / STAFF_GROUPS).read_text(encoding="utf-8")
    assert ROW in text
    path = tmp_path_factory.mktemp("in") / "revised.csv"
    path.write_text(text.replace(ROW, ROW.replace(",11.1,", ",21.1,")), encoding="utf-8")
    return path


def test_validate_headline_names_the_practice_and_its_wte_by_group(demo_return: Path) -> None:
    wf = read_file(Kind.RETURNS, demo_return, build_registry()).workforce
    code = str(wf["practice_code"].iloc[0])
    name = build_registry().get(code).name
    fte = pd.to_numeric(wf["fte"])
    by_group = fte.groupby(wf["node"].str.split("_").str[0]).sum()
    lines = head(run("validate", demo_return), 7)
    assert lines[0] == f"Headline: a valid practice return from {name} ({code})"
    assert lines[1] == "  1 practice, census date 30 September 2017"
    assert lines[2] == f"  Staff in post on 30 September 2017: {fte.sum():,.1f} WTE in total"
    assert f"    GPs: {by_group['GP']:,.1f} WTE" in lines
    assert f"    Admin/non-clinical: {by_group['ADMIN']:,.1f} WTE" in lines


def test_validate_headline_of_a_published_file_in_thousands(shared_data: Path) -> None:
    # the rows the loader keeps (it leaves out practices it cannot place, and says so)
    file = shared_data / "nhs" / STAFF_GROUPS
    wf = read_file(Kind.GPW_PRACTICE_YEAR, file, build_registry()).workforce
    practices = wf["practice_code"].nunique()
    lines = head(run("validate", file, "--kind", "gpw-practice-year"), 3)
    assert lines[0].startswith(f"Headline: a valid file of {GPW_LABEL}")
    assert lines[1] == (
        f"  {practices:,} practices, 3 census dates from 31 March 2023 to 31 March 2025"
    )
    # on the latest date, each member of staff once: qualified GPs (partners among them, not
    # again), locums and trainees, nurses, DPC, admin (admin partners among admin)
    raw = pd.read_csv(file)
    latest = raw.loc[raw["Year"] == raw["Year"].max()]
    kept = latest.loc[latest["Practice.Code"].isin(set(wf["practice_code"]))]
    columns = ("GP_EXTGL", "LOCUUM_TRN", "NURSES", "DPC", "ADMIN")
    total = sum(pd.to_numeric(kept[f"TOTAL_{c}_FTE"], errors="coerce").sum() for c in columns)
    assert lines[2] == f"  Staff in post on 31 March 2025: {total:,.1f} WTE in total"


def test_template_headline(tmp_path: Path) -> None:
    name = build_registry().get("C82001").name
    result = run("template", "--practice", "c82001", "--census-date", "2017-09-30", "--out",
                 tmp_path / "t.xlsx")  # fmt: skip
    [line] = head(result, 1)
    assert line == (
        f"Headline: a blank return for {name} (C82001), census date 30 September 2017, "
        "ready for its staff (XLSX)"
    )


def test_workspace_commands_headlines(shared_data: Path, revised: Path, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    original = shared_data / "nhs" / STAFF_GROUPS
    first = head(run("load", "gpw-practice-year", original, "--data", ws), 2)
    assert first[0] == f"Headline: 1 file added to the workspace {ws}"
    assert first[1].startswith(f"  {GPW_LABEL}, financial years 2022/23 to 2024/25: 1 file")
    again = head(run("load", "gpw-practice-year", original, "--data", ws), 1)
    assert (
        again[0] == f"Headline: 0 files added to the workspace {ws}; 1 file already there, skipped"
    )
    run("load", "gpw-practice-year", revised, "--data", ws, "--published", "2025-06-01")

    listing = head(run("data", "list", "--data", ws), 2)
    assert listing[0] == (
        "Headline: 2 files in the workspace; reports read 1 file "
        "(1 file replaced by a later version)"
    )
    assert (
        listing[1]
        == f"  {GPW_LABEL}, financial years 2022/23 to 2024/25: 1 file, published or received 1 June 2025"
    )

    # the qualified-GP WTE of the original file, from the file itself: the change is the edit
    total = pd.read_csv(original)["TOTAL_GP_EXTGL_FTE"].sum()
    a, b = (hashlib.sha256(p.read_bytes()).hexdigest()[:12] for p in (original, revised))
    diff = head(run("data", "diff", a, b, "--data", ws), 3)
    assert (
        diff[0]
        == "Headline: 1 row with a different WTE or headcount; 0 rows only in A, 0 rows only in B"
    )
    assert diff[1] == "  Total WTE changed for 1 role; the largest:"
    assert diff[2] == (
        f"    Fully qualified GPs: +10.0 WTE ({total:,.1f} WTE in A, {total + 10:,.1f} WTE in B)"
    )

    pinned = head(run("data", "pin", "--data", ws, "--out", tmp_path / "pin.json"), 2)
    assert pinned[0] == (
        f"Headline: reports run with --pin {tmp_path / 'pin.json'} will read exactly these 2 files:"
    )
    removed = head(run("data", "remove", b, "--data", ws), 2)
    assert removed[0] == f"Headline: 1 file removed from the workspace {ws}"
    assert removed[1].startswith(
        f"  {GPW_LABEL}, financial years 2022/23 to 2024/25: 1 file, published or received 1 June"
    )


def test_goal_seek_headline_gives_the_change_the_chance_and_p10_p50_p90() -> None:
    """The figures come from the engine's own goal seek (same scenario, seed and draws); the test
    checks the command leads with them, readably, under the lever's name."""
    from gpworkforce.forecast.goalseek import goal_seek
    from gpworkforce.forecast.io import load_cohort_data
    from gpworkforce.forecast.methods import CohortSpec
    from gpworkforce.forecast.scenario_io import load_scenario

    scenario = Path(__file__).resolve().parents[2] / "scenarios" / "llr-2017" / "cohort.toml"
    param = "cohort.inflows[0].volume_factor"
    loaded = load_scenario(scenario)
    s = loaded.scenario
    assert s.cohort is not None and s.correlation.draws == "shared"
    spec = CohortSpec(s.cohort, load_cohort_data(loaded), s.costs)
    r = goal_seek(spec, s.target, param, 0.5, 0.0, 20.0, draws=40, seed=s.seed)
    result = run("goal-seek", scenario, "--parameter", param, "--probability", "0.5",
                 "--low", "0", "--high", "20", "--draws", "40")  # fmt: skip
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"Headline: to meet the target of {r.target_wte:,.1f} WTE with a 50% chance, "
        f"Joiners (rule 1): volume (scale on the planned numbers) must change by "
        f"{r.delta:+.4f}, to a central value of {r.central_value:.4f}"
    )
    assert lines[1].startswith(
        f"  Chance of meeting the target with that change: {100 * r.probability:.1f}% (+/- "
    )
    assert lines[1].endswith("percentage points, Monte Carlo, 40 draws)")
    assert lines[2] == (
        f"  GP-equivalent WTE at the target date with that change: P10 {r.supply_p10:,.1f} WTE, "
        f"P50 {r.supply_p50:,.1f} WTE, P90 {r.supply_p90:,.1f} WTE"
    )
    assert "cohort." not in result.stdout and "volume_factor" not in result.stdout


def test_scenario_schema_headline_counts_the_schema_it_prints() -> None:
    import json

    result = runner.invoke(app, ["scenario-schema"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)  # the headline must not spoil the JSON
    line = result.stderr.splitlines()[0]
    assert line.startswith("Headline: the scenario file schema has ")
    assert f" {len(schema['properties'])} top-level settings" in line
    assert f" {len(schema['$defs'])} definitions" in line
    assert all(name in line for name in schema["properties"])


def test_maturity_headlines_count_matrices_and_dimensions() -> None:
    import tomllib

    folder = Path(__file__).parents[2] / "src" / "gpworkforce" / "data" / "maturity"
    files = sorted(folder.glob("*.toml"))
    listed = run("delivery", "maturity")
    assert head(listed, 1)[0].startswith(f"Headline: {len(files)} maturity matrices shipped")
    raw = tomllib.loads(files[0].read_text(encoding="utf-8"))
    one = run("delivery", "maturity", files[0].stem)
    first = head(one, 1)[0]
    assert f": {len(raw['dimensions'])} dimensions" in first
    assert (
        f"one of {len(raw['levels'])} levels, from {raw['levels'][0]} to {raw['levels'][-1]}"
        in first
    )
