"""``gpworkforce data list | diff | pin | remove`` and the vintage rule end to end (issue 10, 2).

A revised publication of a period wins over the original, a corrected return (version 2) over
version 1, whatever their checksums; a report names the vintages it read and, pinned to them,
is reproduced byte for byte after newer files are loaded.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gpworkforce.cli import app
from gpworkforce.cli.choices import Kind
from gpworkforce.cli.sources import workspace_context
from gpworkforce.cli.workspace import read_manifest

pytestmark = pytest.mark.integration

runner = CliRunner()
STAFF_GROUPS = "gpw_practice_fy2023_2025_staff_groups.csv"
ROW = '"C82001","2024","Leicester, Leicestershire and Rutland",24722.5833333333,11.1,'


def run(*args: str | Path) -> Result:
    return runner.invoke(app, [str(a) for a in args])


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def _revised(shared_data: Path, tmp: Path, name: str, fte: str) -> Path:
    text = (shared_data / "nhs" / STAFF_GROUPS).read_text(encoding="utf-8")
    assert ROW in text
    path = tmp / name
    path.write_text(text.replace(ROW, ROW.replace(",11.1,", f",{fte},")), encoding="utf-8")
    return path


def _c82001_fte(directory: Path, **pinning: object) -> float:
    data = workspace_context(directory, **pinning).data.select("gpw")  # type: ignore[arg-type]
    wf = data.workforce
    row = wf.loc[
        (wf["practice_code"] == "C82001")
        & (wf["node"] == "GP_QUALIFIED")
        & (wf["period"] == "2024-03-31")
    ]
    return float(row["fte"].iloc[0])


@pytest.fixture(scope="module")
def files(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("in")
    return {
        "original": shared_data / "nhs" / STAFF_GROUPS,
        "revised": _revised(shared_data, tmp, "revised.csv", "21.1"),
        "third": _revised(shared_data, tmp, "third.csv", "31.1"),
    }


@pytest.mark.parametrize("revised_first", [True, False])
def test_the_later_publication_wins_in_either_load_order(
    files: dict[str, Path], tmp_path: Path, revised_first: bool
) -> None:
    loads = [("revised", "2025-06-01"), ("original", "2024-06-01")]
    for name, published in loads if revised_first else loads[::-1]:
        ok(
            run(
                "load",
                "gpw-practice-year",
                files[name],
                "--data",
                tmp_path,
                "--published",
                published,
            )
        )
    assert _c82001_fte(tmp_path) == pytest.approx(21.1)
    listing = ok(run("data", "list", "--data", tmp_path)).stdout
    assert "published 2025-06-01" in listing and "published 2024-06-01" in listing
    revised = next(e for e in read_manifest(tmp_path).entries if e.vintage == "2025-06-01")
    (original_line,) = [ln for ln in listing.splitlines() if "2024-06-01" in ln]
    assert original_line.endswith(f"{revised.short_id} instead")


@pytest.mark.parametrize("order", [("revised", "third"), ("third", "revised")])
def test_unknown_publication_dates_the_latest_load_wins(
    files: dict[str, Path], tmp_path: Path, order: tuple[str, str]
) -> None:
    for name in order:
        ok(run("load", "gpw-practice-year", files[name], "--data", tmp_path))
    assert _c82001_fte(tmp_path) == pytest.approx({"revised": 21.1, "third": 31.1}[order[1]])


def test_pinned_report_is_reproduced_byte_for_byte(files: dict[str, Path], tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ok(
        run(
            "load",
            "gpw-practice-year",
            files["original"],
            "--data",
            ws,
            "--published",
            "2024-06-01",
        )
    )
    report = ["baseline", "--org", "04C", "--period", "2024-03-31", "--source", "gpw"]
    ok(run(*report, "--data", ws, "--format", "html", "--out", tmp_path / "first.html"))
    ok(run(*report, "--data", ws, "--format", "csv", "--out", tmp_path / "first-csv"))
    ok(run("data", "pin", "--data", ws, "--out", tmp_path / "pin.json"))
    state = json.loads((tmp_path / "pin.json").read_text())["state"]
    first = (tmp_path / "first.html").read_text()
    assert f"data state {state}" in first and "published 2024-06-01" in first

    ok(
        run(
            "load", "gpw-practice-year", files["revised"], "--data", ws, "--published", "2025-06-01"
        )
    )
    ok(run(*report, "--data", ws, "--format", "html", "--out", tmp_path / "now.html"))
    assert (tmp_path / "now.html").read_bytes() != (tmp_path / "first.html").read_bytes()
    for how in (("--pin", tmp_path / "pin.json"), ("--state", state)):
        again = tmp_path / f"again{how[0]}.html"
        ok(run(*report, "--data", ws, *how, "--format", "html", "--out", again))
        assert again.read_bytes() == (tmp_path / "first.html").read_bytes()
        again_csv = tmp_path / f"again{how[0]}-csv"
        ok(run(*report, "--data", ws, *how, "--format", "csv", "--out", again_csv))
        for f in (tmp_path / "first-csv").iterdir():
            assert (again_csv / f.name).read_bytes() == f.read_bytes(), f.name


def test_diff_names_the_changed_figure(files: dict[str, Path], tmp_path: Path) -> None:
    ok(run("load", "gpw-practice-year", files["original"], files["revised"], "--data", tmp_path))
    a, b = (e.short_id for e in read_manifest(tmp_path).entries)
    out = ok(run("data", "diff", a, b, "--data", tmp_path)).stdout
    assert "0 only in A, 0 only in B, 1 with a different FTE or headcount" in out
    assert "C82001    2024-03-31  Fully qualified GPs  11.1   21.1" in out
    assert "+10.0" in out


def test_remove_then_the_other_vintage_is_read(files: dict[str, Path], tmp_path: Path) -> None:
    ok(
        run(
            "load",
            "gpw-practice-year",
            files["original"],
            "--data",
            tmp_path,
            "--published",
            "2024-06-01",
        )
    )
    ok(
        run(
            "load",
            "gpw-practice-year",
            files["revised"],
            "--data",
            tmp_path,
            "--published",
            "2025-06-01",
        )
    )
    ok(run("data", "pin", "--data", tmp_path, "--out", tmp_path / "pin.json"))
    revised = read_manifest(tmp_path).entries[1]
    before = (tmp_path / "manifest.json").read_bytes()
    bad = run("data", "remove", "nosuch", "--data", tmp_path)
    assert bad.exit_code != 0 and "got 'nosuch': no such file" in bad.stderr
    assert (tmp_path / "manifest.json").read_bytes() == before
    ok(run("data", "remove", revised.short_id, "--data", tmp_path))
    assert not (tmp_path / revised.file).exists()
    assert _c82001_fte(tmp_path) == pytest.approx(11.1)
    pinned = run("baseline", "--org", "04C", "--period", "2024-03-31", "--source", "gpw",
                 "--data", tmp_path, "--pin", tmp_path / "pin.json")  # fmt: skip
    assert pinned.exit_code != 0 and "1 removed" in pinned.stderr


def test_corrected_return_wins_by_version(tmp_path: Path) -> None:
    """Version 2 of a practice's return is read, whichever of the two checksums is larger."""
    from gpworkforce.demo import build_llr_2017
    from gpworkforce.returns import write_return_xlsx

    v1 = build_llr_2017().returns[0]
    line = v1.staff[0]
    v2 = dataclasses.replace(v1, staff=(dataclasses.replace(line, headcount=line.headcount + 1),
                                        *v1.staff[1:]))  # fmt: skip
    p1 = write_return_xlsx(v1, tmp_path / "v1.xlsx")
    p2 = write_return_xlsx(v2, tmp_path / "v2.xlsx")
    for first, second, want in ((p1, p2, v2), (p2, p1, v1)):
        ws = tmp_path / f"ws-{first.stem}"
        ok(run("load", "returns", first, "--data", ws))
        ok(run("load", "returns", second, "--data", ws))
        entries = read_manifest(ws).entries
        assert [e.version for e in entries] == [1, 2]
        assert "version 2" in ok(run("data", "list", "--data", ws)).stdout
        data = workspace_context(ws).data.select("returns")
        wf = data.workforce
        hc = wf.loc[(wf["practice_code"] == v1.practice_code) & (wf["node"] == line.role)]
        assert hc["headcount"].sum() == sum(s.headcount for s in want.staff if s.role == line.role)
    refused = run("load", "returns", p1, "--data", tmp_path / "x", "--published", "2024-01-01")
    assert refused.exit_code != 0 and "a return's vintage is its version" in refused.stderr


def test_published_is_recorded_for_every_kind(shared_data: Path, tmp_path: Path) -> None:
    path = shared_data / "nhs" / "nhs_payments_to_general_practice_2017-18.csv"
    ok(run("load", Kind.PAYMENTS.value, path, "--data", tmp_path, "--published", "2018-09-13"))
    (entry,) = read_manifest(tmp_path).entries
    assert entry.vintage == "2018-09-13" and ":2018-09-13:" in entry.source_id
    sources = set(workspace_context(tmp_path).data.patients["source_id"])
    assert sources == {entry.source_id}
