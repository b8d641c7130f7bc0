"""The files' own placements kept on disk (issue 10, item 6; decision 0152): the kept answer
equals the one placed afresh, a changed set of files or registry gives another key, and a
damaged, missing or turned-off cache places afresh."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gpworkforce.cli import app
from gpworkforce.cli.sources import files_placement
from gpworkforce.cli.workspace import read_manifest
from gpworkforce.domain.orgs import Organisation, OrgRegistry, OrgType, ParentLink
from gpworkforce.loaders import placement_cache, registry_cache
from gpworkforce.loaders.own_orgs import FilePlacement, Moved

pytestmark = pytest.mark.integration

FILE = "nhs/gpw_practice_fy2023_2025_staff_groups.csv"


@pytest.fixture(scope="module")
def workspace(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("placed") / "ws"
    loaded = CliRunner().invoke(app, ["load", "gpw-practice-year", str(shared_data / FILE),
                                      "--data", str(ws)])  # fmt: skip
    assert loaded.exit_code == 0, loaded.output
    return ws


def _same(a: FilePlacement, b: FilePlacement) -> None:
    assert dict(a.registry.organisations) == dict(b.registry.organisations)
    assert a.registry.links == b.registry.links  # the same links in the same order
    assert a.changes == b.changes
    assert a.unresolved == b.unresolved


def test_the_kept_placement_equals_the_one_placed_afresh(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = read_manifest(workspace).entries
    monkeypatch.setenv(registry_cache.ENV_VAR, "off")
    afresh = files_placement(workspace, entries)
    assert any(m.practice == "C83653" for m in afresh.changes)  # the file moves practices
    monkeypatch.setenv(registry_cache.ENV_VAR, str(tmp_path))
    first = files_placement(workspace, entries)  # placed and kept
    (folder,) = (tmp_path / "placed").iterdir()
    assert {p.name for p in folder.iterdir()} == {
        "placement.json",
        "organisations.parquet",
        "links.parquet",
    }
    kept = files_placement(workspace, entries)  # read back
    assert kept.registry is not first.registry
    _same(first, afresh)
    _same(kept, afresh)
    on = dt.date(2024, 3, 31)
    assert kept.registry.practice_map(on, OrgType.ICB) == afresh.registry.practice_map(
        on, OrgType.ICB
    )


def test_a_damaged_placement_is_placed_afresh(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = read_manifest(workspace).entries
    monkeypatch.setenv(registry_cache.ENV_VAR, str(tmp_path))
    first = files_placement(workspace, entries)
    (folder,) = (tmp_path / "placed").iterdir()
    (folder / "placement.json").write_text("{not json", encoding="utf-8")
    _same(files_placement(workspace, entries), first)
    (folder / "placement.json").write_text('{"same_registry": false}', encoding="utf-8")
    _same(files_placement(workspace, entries), first)


def test_another_file_set_or_registry_gives_another_key() -> None:
    files = ["parsed v5", "gpw-detailed\0aa\0None\0None\0src-1\0" + "0"]
    key = placement_cache.placement_key("registry-a", files)
    assert key == placement_cache.placement_key("registry-a", list(files))
    assert key != placement_cache.placement_key("registry-b", files)
    assert key != placement_cache.placement_key("registry-a", [files[0], files[1][:-1] + "1"])
    assert key != placement_cache.placement_key("registry-a", ["parsed v6", files[1]])
    assert key != placement_cache.placement_key("registry-a", files[:1])


def _registry() -> OrgRegistry:
    orgs = [
        Organisation("Q01", "NHS North ICB", OrgType.ICB),
        Organisation("A00001", "One", OrgType.PRACTICE, dt.date(2010, 1, 1)),
    ]
    return OrgRegistry.build(orgs, [ParentLink("A00001", "Q01", None, None, "map")])


def test_when_the_files_move_no_practice_the_registry_is_not_written_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(registry_cache.ENV_VAR, str(tmp_path))
    registry = _registry()
    placement_cache.write_placement("k", FilePlacement(registry, unresolved=("Q99",)), registry)
    assert {p.name for p in (tmp_path / "placed" / "k").iterdir()} == {"placement.json"}
    kept = placement_cache.read_placement("k", lambda: registry)
    assert kept == FilePlacement(registry, (), ("Q99",))
    moved = FilePlacement(
        OrgRegistry.build(registry.organisations.values(), ()),
        (Moved("A00001", dt.date(2024, 3, 31), None, "NHS North ICB"),),
    )
    placement_cache.write_placement("m", moved, registry)
    back = placement_cache.read_placement("m", lambda: pytest.fail("the base is not read"))
    assert back is not None
    assert back.changes == moved.changes and back.registry.links == ()
    assert dict(back.registry.organisations) == dict(registry.organisations)
    assert placement_cache.read_placement("missing", lambda: registry) is None


def test_turned_off_nothing_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(registry_cache.ENV_VAR, "off")
    monkeypatch.chdir(tmp_path)
    registry = _registry()
    placement_cache.write_placement("k", FilePlacement(registry), registry)
    assert placement_cache.read_placement("k", lambda: registry) is None
    assert not any(tmp_path.iterdir())


def test_a_load_places_the_files_so_the_next_report_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Decision 0169: ``load`` of a workforce file places the workspace's practices and keeps
    the answer, so the first report after it reads the kept placement instead of placing."""
    from gpworkforce.loaders import build_registry
    from gpworkforce.loaders.synthetic_gpw import synthetic_detailed

    on = dt.date(2025, 3, 31)
    codes = sorted(p for p, icb in build_registry().practice_map(on, OrgType.ICB).items()
                   if icb == "QK1")  # fmt: skip
    frame = synthetic_detailed(len(codes), seed=11)
    frame["PRAC_CODE"] = codes
    raw = tmp_path / "General Practice - March 2025 Practice Level - Detailed.csv"
    frame.to_csv(raw, index=False, na_rep="NA", float_format="%g")
    monkeypatch.setenv(registry_cache.ENV_VAR, str(tmp_path / "cache"))
    ws = tmp_path / "ws"
    loaded = CliRunner().invoke(app, ["load", "gpw-detailed", str(raw), "--data", str(ws)])
    assert loaded.exit_code == 0, loaded.output
    assert len(list((tmp_path / "cache" / "placed").iterdir())) == 1  # kept by the load

    def placed_again(*_args: object) -> FilePlacement:
        raise AssertionError("the report placed the practices again")

    monkeypatch.setattr("gpworkforce.loaders.own_orgs.place_as_files_do", placed_again)
    out = tmp_path / "out"
    report = CliRunner().invoke(app, ["baseline", "--org", "QK1", "--period", on.isoformat(),
                                      "--source", "gpw", "--data", str(ws), "--format", "csv",
                                      "--out", str(out)])  # fmt: skip
    assert report.exit_code == 0, report.output
    assert (out / "staff_by_group.csv").is_file()
