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

from gpworkforce import labels
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


# ---- every command (issue 14, item 8: the audit) --------------------------------------------------
ROOT = Path(__file__).resolve().parents[2]
LLR = ROOT / "scenarios" / "llr-2017"
# Python's own spellings, never meant for a reader
REPR = re.compile(r"np\.float|numpy\.|\bnan\b|\bNone\b|\bTrue\b|\bFalse\b|\['|<[\w.]+ object at")
# a count or amount of 1,000 or more written without a thousands separator
NO_SEPARATOR = re.compile(
    r"(?<![\d,.])\d{4,}(?:\.\d+)? (?:WTE|patients|practices|days|runs)|£\d{4}"
)

# Commands whose headline another test checks against independent figures (file: test).
ELSEWHERE = {
    "backtest": ("test_backtest_cli.py", "test_backtest_writes_tables_chart_and_summary"),
    "evaluate": ("test_evaluate_cli.py", "test_evaluate_scores_every_icb_from_every_origin"),
    "sub-icb-baseline": ("test_loaders_gpw_individual.py", "Headline: NHS Leicester"),
    "pcn-baseline": ("test_cli_pcn_ons_real.py", "test_llr_pcns_match_the_file_own_icb"),
    "delivery resilience": (
        "test_delivery_resilience.py",
        "test_resilience_watch_list_from_the_demo_baseline",
    ),
    "optimise": ("test_skillmix_cli.py", "the cheapest mix costs £"),
    "forecast": ("test_forecast_cli.py", 'lines[0] == "Headline: Scenario 2 with uncertainty'),
    "plan score": ("test_plans_cli.py", "was missed by 102.9 WTE (actual 510.8 WTE)"),
    "sensitivity": ("test_mc_sensitivity_cli.py", "central case: 78.0 WTE"),
    "paper": ("test_cli_headlines.py", "test_paper_headline_leads_with_the_title"),
}


def _commands() -> list[str]:
    import typer.main

    def walk(command, prefix: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
        subs = getattr(command, "commands", None)
        if subs:
            for name, sub in subs.items():
                yield from walk(sub, (*prefix, name))
        else:
            yield " ".join(prefix)

    return sorted(walk(typer.main.get_command(app)))


@pytest.fixture(scope="module")
def spend_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spend") / "spend.csv"
    path.write_text(
        "practice,quarter_end,locum_gbp,agency_gbp\n"
        "C82001,2017-12-31,1200000,300000\n"
        "C82002,2017-12-31,100000,0\n"
        "C82001,2018-03-31,1000000,250000\n"
        "C82002,2018-03-31,150000,0\n",
        encoding="utf-8",
    )
    return path


def _argv(name: str, tmp: Path, files: dict[str, Path]) -> list[str | Path]:
    return {
        "baseline": ["baseline", "--org", "QK1", "--period", "2017-09-30"],
        "cost": ["cost", LLR / "scenario-1.toml", "--out", tmp / "cost"],
        "demo": ["demo", "--out", tmp / "demo"],
        "delivery maturity": ["delivery", "maturity"],
        "delivery risks": ["delivery", "risks", LLR / "delivery" / "risks.csv"],
        # as of today: the milestones are thousands of days overdue (separators)
        "delivery timeline": ["delivery", "timeline", LLR / "delivery" / "implementation.csv"],
        "finance allocations": [
            "finance",
            "allocations",
            LLR / "allocations.csv",
            "--out",
            tmp / "alloc",
        ],
        "finance funding": ["finance", "funding", LLR / "funding.csv", "--out", tmp / "fund"],
        "finance spend": [
            "finance",
            "spend",
            files["spend"],
            "--scenario",
            LLR / "scenario-2.toml",
            "--out",
            tmp / "spend",
        ],
        "plan track": [
            "plan",
            "track",
            LLR / "plan.toml",
            "--source",
            "gpw",
            "--out",
            tmp / "track",
        ],
        "skillmix": ["skillmix", "--org", "03W", "--period", "2017-09-30", "--years", "5"],
        "template": [
            "template",
            "--practice",
            "C82001",
            "--census-date",
            "2017-09-30",
            "--out",
            tmp / "t.xlsx",
        ],
    }[name]


# commands run below (the rest: ELSEWHERE, or the workspace tests above)
RUN_HERE = (
    "baseline",
    "cost",
    "demo",
    "delivery maturity",
    "delivery risks",
    "delivery timeline",
    "finance allocations",
    "finance funding",
    "finance spend",
    "plan track",
    "skillmix",
    "template",
)
ABOVE = (  # the workspace and return commands, the goal seek and the schema: tests above
    "load",
    "validate",
    "data list",
    "data diff",
    "data pin",
    "data remove",
    "goal-seek",
    "scenario-schema",
)


def test_every_command_has_its_headline_checked() -> None:
    """A new command fails here until its headline is audited and tested."""
    assert set(_commands()) == set(RUN_HERE) | set(ABOVE) | set(ELSEWHERE)
    text = Path(__file__).read_text(encoding="utf-8")
    for name in ABOVE:
        assert f'"{name.split()[-1]}"' in text, name
    for file, marker in ELSEWHERE.values():
        assert marker in (Path(__file__).parent / file).read_text(encoding="utf-8"), (file, marker)


@pytest.mark.parametrize("name", RUN_HERE)
def test_every_command_leads_with_a_readable_headline(
    name: str, tmp_path: Path, spend_file: Path, shared_data: Path
) -> None:
    result = run(*_argv(name, tmp_path, {"spend": spend_file}))
    out = result.stdout
    lines = out.splitlines()
    assert lines[0].startswith("Headline: "), lines[:3]
    # the headline block: the first line and the indented lines under it
    block = [lines[0]]
    for line in lines[1:]:
        if not line.startswith("  "):
            break
        block.append(line)
    headline = "\n".join(block)
    assert labels.internal_keys_in(out) == [], labels.internal_keys_in(out)
    assert not REPR.search(out), REPR.findall(out)
    assert "GBP" not in headline and not NO_SEPARATOR.search(headline), headline
    # dates in words (a path may hold an ISO date; the words may not)
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", re.sub(r"\S*/\S*", "", headline)), headline
    assert not re.search(r"\b0\.\d{3,}\b", lines[0]), lines[0]  # no probability as 0.150
    # detail follows: the command printed more than its headline or wrote files
    assert len(lines) > 1 or "wrote " in result.stderr


def test_allocations_headline_from_the_file(tmp_path: Path) -> None:
    """The latest year's share, the sum of the allocations and who is below the minimum, from
    the allocations file with pandas (spend = delegated + discretionary)."""
    raw = pd.read_csv(LLR / "allocations.csv")
    year = sorted(raw["financial_year"])[-1]
    part = raw[raw["financial_year"] == year]
    spend = part["delegated_primary_care_gbp_thousands"] + part["discretionary_gbp_thousands"]
    share = 100 * spend.sum() / part["allocation_gbp_thousands"].sum()
    below = part.loc[100 * spend / part["allocation_gbp_thousands"] < 10.9, "organisation"]
    millions = part["allocation_gbp_thousands"].sum() / 1000
    result = run("finance", "allocations", LLR / "allocations.csv", "--out", tmp_path)
    assert result.stdout.splitlines()[0] == (
        f"Headline: primary care spend in {year}: all organisations spent {share:.2f}% of "
        f"£{millions:,.1f} million on primary care; below the 10.9% minimum: "
        f"{', '.join(below) or 'none'} (aspiration 11.3%)"
    )


def test_spend_headline_sums_the_practices_of_the_latest_quarter(
    tmp_path: Path, spend_file: Path
) -> None:
    rows = pd.read_csv(spend_file)
    last = rows[rows["quarter_end"] == rows["quarter_end"].max()]
    actual = float(last["locum_gbp"].sum() + last["agency_gbp"].sum())
    result = run("finance", "spend", spend_file, "--scenario", LLR / "scenario-2.toml",
                 "--out", tmp_path)  # fmt: skip
    first = result.stdout.splitlines()[0]
    assert first.startswith(
        f"Headline: locum and agency spend in 2017/18 Q4: £{actual / 1e6:,.1f} million against "
    ), first
    assert "(4 practice-quarters, 2 practices at most)" in first
    assert "special_cause" not in result.stdout and "common_cause" not in result.stdout


def test_plan_track_headline_is_the_latest_actual_against_the_plan(tmp_path: Path) -> None:
    # GPW qualified GP FTE for LLR (QK1) in Year 2021 (Sep 2020): 510.8 (test_plans_cli); the
    # adopted Scenario 3 on GPW's definition: 658 x 519.6 / 541 = 632.0; 121.2 below, 19.2%
    result = run("plan", "track", LLR / "plan.toml", "--source", "gpw", "--out", tmp_path)
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "Headline: LLR GP Workforce Plan 2017: GPs 510.8 WTE on 30 September 2020 against "
        "632.0 WTE planned (121.2 WTE, 19.2% below the plan); 1 alert"
    )
    assert "\n  Alert: Target unlikely to be met, GPs 2020/21 Q2: " in result.stdout
    assert "target_unreachable" not in result.stdout


def test_cost_headline_prices_the_plans_gap(tmp_path: Path) -> None:
    # LLR plan Scenario 1: a gap of 98 WTE at the start, priced at a salaried GP's £112,000
    result = run("cost", LLR / "scenario-1.toml", "--out", tmp_path)
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "Headline: Scenario 1: Base position: the cost of the workforce is £"
    )
    assert lines[0].endswith(" a year on 30 September 2020, 2017/18 prices (real terms)")
    assert (
        f"  Cost of the gap to target, filled by substantive staff: £{98 * 112_000 / 1e6:.1f} "
        "million on 30 September 2017; "
    ) in "\n".join(lines)


def test_paper_headline_leads_with_the_title(tmp_path: Path) -> None:
    """The committee paper's headline is its title and meeting, then its key messages (the
    first: GP WTE, 542.0 on Table 3 of the LLR plan, rounded to 542)."""
    result = run("paper", "--org", "QK1", "--period", "2017-09-30", "--out", tmp_path,
                 "--format", "xlsx", "--date", "2018-01-15")  # fmt: skip
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Headline: General practice workforce: NHS Leicester, ")
    assert lines[0].endswith(", 15 January 2018")
    assert lines[1] == "  Key messages:"
    assert " had 542.0 WTE GPs (excluding registrars) on 30 September 2017" in lines[2]
    assert "wrote " in result.stderr and "wrote " not in result.stdout


def test_cost_of_several_scenarios_has_one_headline_and_a_readable_comparison(
    tmp_path: Path,
) -> None:
    result = run("cost", LLR / "scenario-1.toml", LLR / "scenario-2.toml", "--out", tmp_path)
    out = result.stdout
    lines = out.splitlines()
    assert lines[0].startswith("Headline: 2 scenarios costed: the cost of the workforce a year ")
    assert sum(line.startswith("Headline:") for line in lines) == 1
    # Scenario 1 ends with 78 WTE more gap than Scenario 2 (LLR plan: 561 and 630 WTE in 2020
    # against 639), so Scenario 1's workforce is the cheaper one at the end
    assert "(Scenario 1: Base position, 30 September 2020) to £" in lines[0]
    assert "  Gap to target priced: 98.0 WTE on 30 September 2017, 78.0 WTE on" in out
    assert "central_last" not in out and "Central at the" in out  # labelled (and wrapped)
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", re.sub(r"\S*/\S*", "", out))
