"""The CLI end to end on the real public files: baseline, load, validate, template, demo.

Every user mistake must end with a message on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from gpworkforce.cli import app

runner = CliRunner()
GP_ADMIN = "gpw_practice_fy2016_2024_gp_admin.csv"
QUALIFIED_WTE = "Fully qualified GPs (excluding trainees and locums) WTE"


def run(*args: str | Path) -> Result:
    return runner.invoke(app, [str(a) for a in args])


def assert_user_error(result: Result, code: int, *fragments: str) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert any(line.startswith("error: ") or " problem" in line for line in lines)
    for fragment in fragments:
        assert fragment in result.stderr


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """A workspace holding the real GPW practice-year file (GPs and admin, 2016-2024)."""
    directory = tmp_path_factory.mktemp("ws")
    result = run("load", "gpw-practice-year", shared_data / "nhs" / GP_ADMIN, "--data", directory)
    assert result.exit_code == 0, result.output
    return directory


@pytest.fixture(scope="module")
def demo_return(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One synthetic practice return written by the demo (a valid XLSX return)."""
    from gpworkforce.demo import build_llr_2017
    from gpworkforce.returns import write_return_xlsx

    ret = build_llr_2017().returns[0]
    return write_return_xlsx(ret, tmp_path_factory.mktemp("ret") / "return.xlsx")


# --- load and the workspace ------------------------------------------------------------------


def test_load_copies_the_file_unchanged_and_records_it(workspace: Path, shared_data: Path) -> None:
    manifest = json.loads((workspace / "manifest.json").read_text())
    [entry] = manifest["entries"]
    assert entry["kind"] == "gpw-practice-year"
    assert entry["original_name"] == GP_ADMIN
    stored = workspace / entry["file"]
    assert stored.read_bytes() == (shared_data / "nhs" / GP_ADMIN).read_bytes()
    assert stored.name == GP_ADMIN  # the original name, in a folder naming the vintage
    assert stored.parent.parent == workspace / "raw" / "gpw-practice-year"
    assert entry["dataset"] in stored.parent.name and entry["sha256"][:12] in stored.parent.name


def test_load_same_file_twice_is_skipped(workspace: Path, shared_data: Path) -> None:
    result = run("load", "gpw-practice-year", shared_data / "nhs" / GP_ADMIN, "--data", workspace)
    assert result.exit_code == 0
    assert "skipped" in result.stdout
    assert len(json.loads((workspace / "manifest.json").read_text())["entries"]) == 1


def test_load_rejects_all_when_one_file_is_bad(tmp_path: Path, shared_data: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Practice.Code,Year\nC82001,not a year\n")
    result = run(
        "load", "gpw-practice-year", shared_data / "nhs" / GP_ADMIN, bad, "--data", tmp_path / "ws"
    )
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "bad.csv" in result.stderr and "nothing was loaded" in result.stderr
    assert not (tmp_path / "ws" / "manifest.json").exists()
    assert not list((tmp_path / "ws").rglob("*.csv")) if (tmp_path / "ws").exists() else True


def test_load_missing_file(tmp_path: Path) -> None:
    result = run("load", "returns", tmp_path / "nope.xlsx", "--data", tmp_path / "ws")
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "nope.xlsx" in result.stderr
    assert not (tmp_path / "ws" / "manifest.json").exists()


def test_load_corrupt_return_keeps_nothing(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 this is not a workbook")
    result = run("load", "returns", corrupt, "--data", tmp_path / "ws")
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "corrupt.xlsx" in result.stderr
    assert not (tmp_path / "ws" / "manifest.json").exists()


def test_changed_workspace_file_is_refused(workspace: Path, tmp_path: Path) -> None:
    copy = tmp_path / "ws"
    shutil.copytree(workspace, copy)
    entry = json.loads((copy / "manifest.json").read_text())["entries"][0]
    with (copy / entry["file"]).open("a") as fh:
        fh.write("\n")
    result = run("baseline", "--org", "QK1", "--period", "2017-09-30", "--data", copy)
    assert_user_error(result, 3, "changed file")


def test_empty_workspace_says_how_to_load(tmp_path: Path) -> None:
    result = run("baseline", "--org", "QK1", "--period", "2017-09-30", "--data", tmp_path)
    assert_user_error(result, 2, "gpworkforce load")


# --- baseline --------------------------------------------------------------------------------


def test_baseline_from_gpw_reproduces_the_published_llr_figures(
    workspace: Path, tmp_path: Path
) -> None:
    """Issue 2 acceptance: LLR Sep 2017 (GPW Year 2018) qualified GP FTE by CCG and patients."""
    out = tmp_path / "csv"
    result = run(
        "baseline",
        *("--org", "QK1", "--period", "2017-09-30", "--source", "gpw"),
        *("--data", workspace, "--format", "csv", "--out", out),
    )
    assert result.exit_code == 0, result.output
    staff = pd.read_csv(out / "staff_by_group.csv").set_index("org_code")
    assert staff[QUALIFIED_WTE].round(1).to_dict() == {
        "03W": 177.4,
        "04C": 153.9,
        "04V": 188.3,
        "QK1": 519.6,
    }
    per_1000 = pd.read_csv(out / "per_thousand.csv").set_index("org_code")
    assert per_1000.loc["QK1", "Registered patients"] == 1_120_132
    assert (out / "README.txt").read_text().count(".csv:") == len(list(out.glob("*.csv")))


def test_baseline_text_table_on_stdout(workspace: Path) -> None:
    result = run(
        "baseline", "--org", "QK1", "--period", "2017-09", "--source", "gpw", "--data", workspace
    )
    assert result.exit_code == 0, result.output
    assert "Staff headcount and WTE by staff group" in result.stdout
    assert "519.6" in result.stdout and "1,120,132" in result.stdout
    assert "done" in result.stderr  # progress goes to stderr, not into the table


def test_baseline_demo_html_and_xlsx(tmp_path: Path) -> None:
    html, xlsx = tmp_path / "r.html", tmp_path / "r.xlsx"
    for fmt, out in (("html", html), ("xlsx", xlsx)):
        result = run(
            "baseline", "--org", "QK1", "--period", "2017-09-30", "--format", fmt, "--out", out
        )
        assert result.exit_code == 0, result.output
    text = html.read_text()
    book = openpyxl.load_workbook(xlsx)
    assert text.count("<table>") == len(book.sheetnames) >= 5
    assert text.count("<svg") >= 4
    for sheet in ("staff_by_group", "per_thousand", "locums", "over_55"):
        assert sheet in book.sheetnames
        assert f'id="table-{sheet}"' in text
    assert "Synthetic: locum lines by type" in text  # real vs synthetic statement


def test_baseline_pdf(workspace: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "r.pdf"
    result = run(
        "baseline", "--org", "QK1", "--period", "2017-09-30", "--source", "gpw",
        "--data", workspace, "--format", "pdf", "--out", pdf,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 10_000


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (("--org", "ZZZ99", "--period", "2017-09-30"), 5, "ZZZ99"),
        (("--org", "QK1", "--period", "30/09/2017"), 2, "2017-09-30"),
        (("--org", "QK1", "--period", "2017-13-01"), 2, "--period"),
    ],
)
def test_baseline_bad_arguments(args: tuple[str, ...], code: int, fragment: str) -> None:
    assert_user_error(run("baseline", *args), code, fragment)


def test_baseline_unknown_format_is_a_usage_error() -> None:
    result = run("baseline", "--org", "QK1", "--period", "2017-09-30", "--format", "docx")
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "docx" in result.stderr


def test_baseline_csv_with_several_tables_needs_a_directory(
    workspace: Path, tmp_path: Path
) -> None:
    result = run(
        "baseline", "--org", "QK1", "--period", "2017-09-30", "--source", "gpw",
        "--data", workspace, "--format", "csv", "--out", tmp_path / "one.csv",
    )  # fmt: skip
    assert_user_error(result, 2, "must be a directory")
    assert not (tmp_path / "one.csv").exists()


def test_baseline_unwritable_output(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run(
        "baseline", "--org", "QK1", "--period", "2017-09-30", "--format", "html",
        "--out", blocker / "r.html",
    )  # fmt: skip
    assert_user_error(result, 3)


# --- template and validate -------------------------------------------------------------------


def test_template_xlsx_and_csv_round_trip_through_validate(tmp_path: Path) -> None:
    for fmt in ("xlsx", "csv"):
        out = tmp_path / f"t.{fmt}"
        result = run(
            "template", "--practice", "c82001", "--census-date", "2017-09-30", "--format", fmt,
            "--out", out,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    values = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert "C82001" in values
    assert "C82001" in (tmp_path / "t.csv").read_text()
    for fmt in ("xlsx", "csv"):  # the pre-filled practice sheet is valid; only staff are missing
        result = run("validate", tmp_path / f"t.{fmt}")
        assert_user_error(result, 4)
        issues = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
        assert len(issues) == 1 and "at least one staff line" in issues[0]


def test_template_unknown_practice(tmp_path: Path) -> None:
    result = run(
        "template", "--practice", "X99999", "--census-date", "2017-09-30", "--out", tmp_path / "t"
    )
    assert_user_error(result, 5, "X99999")
    assert not (tmp_path / "t").exists()


def test_validate_good_return(demo_return: Path) -> None:
    result = run("validate", demo_return)
    assert result.exit_code == 0, result.output
    assert "valid returns file" in result.stdout


def test_validate_prints_every_issue_with_location(demo_return: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(demo_return)
    staff = next(ws for ws in book.worksheets if "staff" in ws.title.lower())
    header = [c.value for c in staff[1]]
    bad_rows = 0
    for row in staff.iter_rows(min_row=2, max_row=4):
        for cell, name in zip(row, header, strict=False):
            if name and "headcount" in str(name).lower():
                cell.value = -1
                bad_rows += 1
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    result = run("validate", bad)
    assert_user_error(result, 4)
    issues = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    assert len(issues) >= bad_rows >= 1
    assert all("bad.xlsx" in line and "row" in line for line in issues)


def test_validate_corrupt_and_missing_files(tmp_path: Path) -> None:
    corrupt = tmp_path / "c.xlsx"
    corrupt.write_bytes(b"\x00\x01garbage")
    result = run("validate", corrupt)
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "c.xlsx" in result.stderr
    missing = run("validate", tmp_path / "none.csv")
    assert missing.exit_code != 0 and "Traceback" not in missing.output
    assert "none.csv" in missing.stderr


# --- demo and the installed script -----------------------------------------------------------


def test_demo_writes_report_returns_and_says_what_is_real(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = run("demo", "--out", out)
    assert result.exit_code == 0, result.output
    html = out / "baseline-qk1-2017-09-30.html"
    assert "<svg" in html.read_text()
    assert openpyxl.load_workbook(out / "baseline-qk1-2017-09-30.xlsx").sheetnames
    assert (out / "baseline-qk1-2017-09-30-csv" / "staff_by_group.csv").exists()
    assert len(list((out / "returns").glob("*.xlsx"))) == 141
    assert str(html) in result.stdout
    assert "Real: " in result.stdout and "Synthetic: " in result.stdout
    # the headline first (issue 14, item 8): GP WTE 542.0 (LLR plan Table 3) before the files
    head = "Current GP WTE (GPs excluding registrars): 542.0 WTE"
    assert head in result.stdout
    assert result.stdout.index(head) < result.stdout.index(str(html))
    staff = pd.read_csv(out / "baseline-qk1-2017-09-30-csv" / "staff_by_group.csv")
    total = staff.set_index("org_code").loc["QK1"]
    assert total["Total staff HC"] == 3751  # LLR plan Table 3


def test_installed_script_reports_user_errors_without_traceback() -> None:
    script = Path(sys.executable).with_name("gpworkforce")
    done = subprocess.run(
        [script, "baseline", "--org", "QK1", "--period", "2017-02-30"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "error: --period must be a date like 2017-09-30" in done.stderr
    version = subprocess.run([script, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("gpworkforce ")


def test_baseline_from_returns_loaded_into_a_workspace(tmp_path: Path) -> None:
    from gpworkforce.demo import build_llr_2017
    from gpworkforce.returns import write_return_xlsx

    demo = build_llr_2017()
    ccg_of = demo.ccg_of
    city = [r for r in demo.returns if ccg_of[r.practice_code] == "04C"][:2]
    files = [write_return_xlsx(r, tmp_path / f"{r.practice_code}.xlsx") for r in city]
    loaded = run("load", "returns", *files, "--data", tmp_path / "ws")
    assert loaded.exit_code == 0, loaded.output
    out = tmp_path / "out"
    result = run(
        "baseline", "--org", "04C", "--period", "2017-09-30", "--data", tmp_path / "ws",
        "--format", "csv", "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    response = pd.read_csv(out / "response_rate.csv")
    assert response.loc[0, "Returned"] == 2
    staff = pd.read_csv(out / "staff_by_group.csv").set_index("org_code")
    assert set(staff.index) >= {r.practice_code for r in city}
