"""``gpworkforce cost`` and ``gpworkforce finance ...`` end to end through the command line."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from gpworkforce.cli import app

ROOT = Path(__file__).resolve().parents[2]
LLR = ROOT / "scenarios" / "llr-2017"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_cost_prints_a_headline_and_writes_csv(tmp_path: Path) -> None:
    code, out, err = invoke("cost", str(LLR / "scenario-1.toml"), "--out", str(tmp_path))
    assert code == 0, err
    assert (
        "Cost of the gap to target, filled by substantive staff: £11.0 million on 30 September 2017"
        in out
    )
    assert "2017/18 prices" in out
    assert {p.name for p in tmp_path.iterdir()} == {
        "costs.csv",
        "cost_per_wte.csv",
        "wte.csv",
        "README.txt",
        "funding_register.csv",  # scenarios/llr-2017/funding.csv is beside the scenario
        "funding_coverage.csv",
        "cost.json",
    }
    record = json.loads((tmp_path / "cost.json").read_text())
    assert record["draws"] == 0 and record["price_base_year"] == "2017/18"
    assert any(k.endswith("costs.toml") for k in record["inputs"])
    assert (
        record["outputs"]["costs.csv"]
        == hashlib.sha256((tmp_path / "costs.csv").read_bytes()).hexdigest()
    )
    rows = _rows(tmp_path / "costs.csv")
    total_2020 = [
        r
        for r in rows
        if r["measure"] == "Cost of the gap to target, filled by locums"
        and r["group"] == "All"
        and r["terms"] == "cash"
        and r["financial_year"] == "2020/21"
    ]
    assert [float(r["central"]) for r in total_2020] == [78 * 157_000]


def test_cost_with_draws_and_xlsx_keeps_numbers_as_numbers(tmp_path: Path) -> None:
    code, out, err = invoke(
        "cost",
        str(LLR / "scenario-2-uncertain.toml"),
        "--draws",
        "40",
        "--xlsx",
        "--out",
        str(tmp_path),
    )
    assert code == 0, err
    assert "(P10 £" in out and ", P90 £" in out
    book = openpyxl.load_workbook(tmp_path / "costs.xlsx")
    sheet = book[book.sheetnames[0]]
    rows = list(sheet.iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if "Central" in r)  # below the title and notes
    header = list(rows[at])  # labelled for people (gpworkforce.labels)
    p90 = "P90 (1 in 10 higher)"
    assert {"Central", "P10 (1 in 10 lower)", "P50 (median)", p90} <= set(header)
    values = [r[header.index(p90)] for r in rows[at + 1 :] if r[header.index("Financial year")]]
    assert len(values) > 50 and all(isinstance(v, int | float) for v in values)


def test_a_bad_cost_model_gives_a_message_and_exit_4(tmp_path: Path) -> None:
    for name in ("scenario-1.toml", "scenario-2.toml"):
        shutil.copy(LLR / name, tmp_path / name)
    text = (
        (LLR / "costs.toml").read_text().replace("pay_per_session = 10000", "pay_per_session = -1")
    )
    (tmp_path / "costs.toml").write_text(text)
    code, _out, err = invoke(
        "cost", str(tmp_path / "scenario-2.toml"), "--out", str(tmp_path / "o")
    )
    assert code == 4
    assert "roles[0].pay_per_session" in err and "costs.toml:" in err and "at least 0" in err
    assert "Traceback" not in err and not (tmp_path / "o").exists()


def test_a_scenario_without_a_cost_model_says_how_to_give_one(tmp_path: Path) -> None:
    shutil.copy(LLR / "scenario-1.toml", tmp_path / "scenario-1.toml")
    code, _, err = invoke("cost", str(tmp_path / "scenario-1.toml"))
    assert code == 3 and "--costs FILE" in err


def test_finance_allocations_regenerates_table_17(tmp_path: Path) -> None:
    code, out, err = invoke(
        "finance", "allocations", str(LLR / "allocations.csv"), "--out", str(tmp_path), "--xlsx"
    )
    assert code == 0, err
    assert "2016/17: all organisations spent 11.23%" in out
    assert "below: West Leicestershire" in out
    assert (
        "45 figures compared, 0 disagree with their inputs, 2 meet a threshold only after rounding"
        in out
    )
    rows = _rows(tmp_path / "allocations.csv")
    assert len(rows) == 20  # 3 CCGs + all organisations, 5 years
    elr = rows[0]
    assert float(elr["total_primary_care_spend_gbp_thousands"]) == 45_979
    assert float(elr["headroom_to_aspiration_wte_salaried_gp_llr_2017"]) == pytest.approx(
        916_860 / 112_000, abs=0.05
    )
    assert (tmp_path / "allocations.xlsx").is_file()


def test_finance_allocations_thresholds_and_role_costs(tmp_path: Path) -> None:
    code, out, err = invoke(
        "finance",
        "allocations",
        str(LLR / "allocations.csv"),
        "--minimum",
        "11.2",
        "--wte-cost",
        "ANP=60000",
        "--out",
        str(tmp_path),
    )
    assert code == 0, err
    assert "the 11.2% minimum" in out
    assert "2019/20: all organisations spent 11.36% of £1,418.9 million;" in out
    header = _rows(tmp_path / "allocations.csv")[0]
    assert "headroom_to_aspiration_wte_ANP" in header
    code, _, err = invoke("finance", "allocations", str(LLR / "allocations.csv"), "--wte-cost", "x")
    assert code == 2 and "LABEL=GBP" in err
    code, _, err = invoke(
        "finance",
        "allocations",
        str(LLR / "allocations.csv"),
        "--minimum",
        "12",
        "--aspiration",
        "11",
    )
    assert code == 2 and "minimum at most the aspiration" in err and "internal" not in err


def test_finance_allocations_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "organisation,financial_year,allocation_gbp_thousands,delegated_primary_care_gbp_thousands\n"
        "A,2017/18,=1+1,5\n"
    )
    code, _, err = invoke("finance", "allocations", str(bad), "--out", str(tmp_path / "o"))
    assert code == 4 and "row 2" in err and "allocation_gbp_thousands" in err
    assert not (tmp_path / "o").exists()


def test_cost_with_the_funding_register_and_funding_command(tmp_path: Path) -> None:
    code, out, err = invoke("cost", str(LLR / "scenario-2.toml"), "--out", str(tmp_path))
    assert code == 0, err
    all_rows = _rows(tmp_path / "funding_coverage.csv")
    cover = {r["financial_year"]: r for r in all_rows if r["scheme"] == "All schemes"}
    schemes = {r["scheme"] for r in all_rows if r["financial_year"] == "2018/19"}
    assert schemes == {
        "All schemes",
        "GP5YFV practice workforce development (administrative staff)",
    }
    # 2018/19: GBP 190,000 of GP5YFV against one year of Scenario 2's added GPs:
    # (541 + 89/3 - 541) x 112,000 = 3,322,667
    assert float(cover["2018/19"]["funding_counted_gbp"]) == 190_000
    assert float(cover["2018/19"]["plan_added_cost_gbp"]) == pytest.approx(89 / 3 * 112_000, abs=1)
    assert float(cover["2018/19"]["share_of_added_cost_pct"]) == pytest.approx(
        100 * 190_000 / (89 / 3 * 112_000), abs=0.05
    )
    code, out, err = invoke("finance", "funding", str(LLR / "funding.csv"), "--out", str(tmp_path))
    assert code == 0, err
    assert "2016/17 £95,000; 2017/18 £190,000; 2018/19 £190,000; 2019/20 £190,000" in out
    # the headline: the four amounts of the register, summed by hand
    assert out.startswith("Headline: £665,000 of funding counted")


def test_cost_cohort_monte_carlo_keeps_every_draw(tmp_path: Path, shared_data: Path) -> None:
    code, _out, err = invoke(
        "cost", str(LLR / "cohort.toml"), "--draws", "30", "--out", str(tmp_path)
    )
    assert code == 0, err
    rows = _rows(tmp_path / "costs.csv")

    def pick(measure: str, group: str, year: str) -> dict[str, str]:
        [row] = [
            r
            for r in rows
            if r["measure"] == measure
            and r["group"] == group
            and r["financial_year"] == year
            and r["terms"] == "cash"
        ]
        return row

    # the plan's 39.44 locum WTE (Table 10, the scenario's starting rows) at 112,000 + 45,000
    locums = pick("Cost of the workforce", "GP locum", "2017/18")  # words, not GP_LOCUM
    assert float(locums["central"]) == pytest.approx(39.44 * 157_000)
    end = pick("Cost of the gap to target, filled by substantive staff", "All", "2027/28")
    assert int(end["draws"]) == 30
    p10, p50, p90 = (float(end[k]) for k in ("p10", "p50", "p90"))
    assert p10 < p50 < p90  # the draws differ: every draw was costed, not the central case
    wte = {r["group"]: r for r in _rows(tmp_path / "wte.csv") if r["date"] == "2027-09-30"}
    gap = next(v for k, v in wte.items() if k.startswith("Gap"))
    # the staff groups in words from the labels catalogue, never the model's codes
    assert {"GPs", "GP locum", "Advanced nurse practitioner"} <= set(wte)
    from gpworkforce.labels import internal_keys_in

    for name in ("costs.csv", "wte.csv"):
        text = (tmp_path / name).read_text(encoding="utf-8-sig")
        assert internal_keys_in(text.split("\n", 1)[1]) == [], name  # the rows (not headers)
    # wte.csv shows 1 decimal place: 0.05 WTE x 112,000
    assert float(end["central"]) == pytest.approx(float(gap["central"]) * 112_000, abs=5_600)


@pytest.mark.parametrize("mode", ["independent", "hierarchical"])
def test_costing_draws_not_shared_by_organisations(
    tmp_path: Path, shared_data: Path, mode: str
) -> None:
    """A Monte Carlo run whose organisations do not share draws is costed (each draw the whole
    system's cost in that draw), by ``cost`` and by ``forecast --costs`` alike: the same tables."""
    text = (LLR / "cohort.toml").read_text(encoding="utf-8")
    extra = '[output]\ngroups = "icb"\n' if mode == "hierarchical" else ""
    scenario = tmp_path / f"{mode}.toml"
    scenario.write_text(f'{text}\n{extra}[correlation]\ndraws = "{mode}"\n', encoding="utf-8")
    shutil.copy(LLR / "costs.toml", tmp_path / "costs.toml")
    out = tmp_path / "out"
    code, _out, err = invoke("cost", str(scenario), "--draws", "8", "--out", str(out))
    assert code == 0, err
    rows = _rows(out / "costs.csv")
    [end] = [
        r
        for r in rows
        if r["measure"] == "Cost of the gap to target, filled by substantive staff"
        and r["group"] == "All"
        and r["terms"] == "cash"
        and r["financial_year"] == "2027/28"
    ]
    assert int(end["draws"]) == 8
    assert float(end["p10"]) < float(end["p50"]) < float(end["p90"])
    fc = tmp_path / "fc"
    code, _out, err = invoke(
        "forecast", str(scenario), "--draws", "8", "--costs", str(LLR / "costs.toml"),
        "--out", str(fc),
    )  # fmt: skip
    assert code == 0, err
    assert _rows(fc / "cost" / "costs.csv") == rows


def test_cost_compares_the_three_llr_scenarios(tmp_path: Path) -> None:
    files = [str(LLR / f"scenario-{n}.toml") for n in (1, 2, 3)]
    code, out, err = invoke("cost", *files, "--out", str(tmp_path))
    assert code == 0, err
    assert "Scenario 3: Scenario 2 plus role substitution" in out and "75,405,575" in out
    rows = _rows(tmp_path / "comparison-costs.csv")
    gap = {
        r["scenario"][:10]: float(r["central_last"])
        for r in rows
        if r["measure"] == "Cost of the gap to target, filled by substantive staff"
    }
    assert gap == {"Scenario 1": 78 * 112_000, "Scenario 2": 9 * 112_000, "Scenario 3": 0}
    workforce = {
        r["scenario"][:10]: float(r["central_last"])
        for r in rows
        if r["measure"] == "Cost of the workforce"
    }
    # Scenario 3: Scenario 2's 630 GPs plus 35 pharmacists and 50 ANPs at costs.toml's centres
    pharmacist = 43_000 + 0.1438 * 43_000 + 0.138 * (43_000 - 8_164)
    anp = 47_000 + 0.1438 * 47_000 + 0.138 * (47_000 - 8_164)
    assert workforce["Scenario 3"] == pytest.approx(630 * 112_000 + 35 * pharmacist + 50 * anp)
    assert {p.name for p in tmp_path.iterdir()} >= {"scenario-1", "scenario-2", "scenario-3"}


def test_outputs_are_safe_from_formula_injection(tmp_path: Path) -> None:
    evil = tmp_path / "alloc.csv"
    evil.write_text(
        "organisation,financial_year,allocation_gbp_thousands,delegated_primary_care_gbp_thousands\n"
        '"=HYPERLINK(""http://x"")",2017/18,100,11\n'
    )
    code, _, err = invoke(
        "finance", "allocations", str(evil), "--out", str(tmp_path / "o"), "--xlsx"
    )
    assert code == 0, err
    text = (tmp_path / "o" / "allocations.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and '\n"=HYPERLINK' not in text and "\n=HYPERLINK" not in text
    book = openpyxl.load_workbook(tmp_path / "o" / "allocations.xlsx")
    cells = [c for row in book[book.sheetnames[0]].iter_rows(values_only=True) for c in row]
    assert '\'=HYPERLINK("http://x")' in cells
    assert not any(isinstance(c, str) and c.startswith("=") for c in cells)


def test_the_same_inputs_give_the_same_bytes(tmp_path: Path) -> None:
    scenario = str(LLR / "scenario-2-uncertain.toml")
    for name in ("a", "b"):
        code, _, err = invoke(
            "cost", scenario, "--draws", "25", "--xlsx", "--out", str(tmp_path / name)
        )
        assert code == 0, err
    names = sorted(p.name for p in (tmp_path / "a").iterdir() if p.name != "cost.json")
    assert "costs.xlsx" in names
    for n in names:
        assert (tmp_path / "a" / n).read_bytes() == (tmp_path / "b" / n).read_bytes(), n
