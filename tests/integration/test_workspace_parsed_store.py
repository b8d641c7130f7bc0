"""The parsed store: reports read each loaded file's tables from Parquet, never re-parsing it
(issue 10, item 6), and fall back to the raw file only when the store cannot be used."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from gpworkforce.cli import parsed, workspace
from gpworkforce.cli.choices import Kind
from gpworkforce.cli.workspace import load_into, read_file, read_manifest, read_workspace
from gpworkforce.domain.orgs import OrgRegistry
from gpworkforce.errors import InputFileError
from gpworkforce.loaders import build_registry

pytestmark = pytest.mark.integration

FILES = {
    Kind.GPW_PRACTICE_YEAR: "nhs/gpw_practice_fy2023_2025_staff_groups.csv",
    Kind.PCN_INDIVIDUAL: "nhs/pcn_workforce_individual_2022-09_cp1252.csv",
}


@pytest.fixture(scope="module")
def registry(shared_data: Path) -> OrgRegistry:
    return build_registry(shared_data)


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a raw file was parsed")

    monkeypatch.setattr(workspace, "ADAPTERS", dict.fromkeys(Kind, refuse))


@pytest.mark.parametrize("kind", list(FILES))
def test_reports_read_the_store_and_get_the_loaders_tables(
    kind: Kind, shared_data: Path, registry: OrgRegistry, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    raw = shared_data / FILES[kind]
    load_into(tmp_path, kind, [raw], registry)
    direct = read_file(kind, raw, registry)
    _no_parsing(monkeypatch)
    (stored,) = read_workspace(tmp_path, registry)
    assert stored.source == direct.source
    assert stored.warnings == direct.warnings and stored.encoding == direct.encoding
    for name in ("workforce", "demography", "patients", "vacancies"):
        pd.testing.assert_frame_equal(getattr(stored, name), getattr(direct, name))


def test_a_changed_raw_file_is_still_refused(
    shared_data: Path, registry: OrgRegistry, tmp_path: Path
) -> None:
    load_into(
        tmp_path, Kind.GPW_PRACTICE_YEAR, [shared_data / FILES[Kind.GPW_PRACTICE_YEAR]], registry
    )
    (entry,) = read_manifest(tmp_path).entries
    with (tmp_path / entry.file).open("a") as fh:
        fh.write("\n")
    with pytest.raises(InputFileError, match="changed file"):
        read_workspace(tmp_path, registry)


def test_a_missing_or_older_store_is_rebuilt_from_the_raw_file(
    shared_data: Path, registry: OrgRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = shared_data / FILES[Kind.GPW_PRACTICE_YEAR]
    load_into(tmp_path, Kind.GPW_PRACTICE_YEAR, [raw], registry)
    (entry,) = read_manifest(tmp_path).entries
    first = next((tmp_path / parsed.PARSED).glob(f"{entry.sha256}-*/v{parsed.PARSE_VERSION}"))
    (first / parsed.META).write_text("{damaged")
    (again,) = read_workspace(tmp_path, registry)  # re-parsed, store written again
    assert parsed.read_store(first) is not None
    monkeypatch.setattr(parsed, "PARSE_VERSION", parsed.PARSE_VERSION + 1)  # a loader changed
    read_workspace(tmp_path, registry)
    assert (first.parent / f"v{parsed.PARSE_VERSION}" / parsed.META).is_file()
    _no_parsing(monkeypatch)
    (stored,) = read_workspace(tmp_path, registry)
    pd.testing.assert_frame_equal(stored.workforce, again.workforce)


def test_remove_deletes_the_store(shared_data: Path, registry: OrgRegistry, tmp_path: Path) -> None:
    load_into(tmp_path, Kind.PCN_INDIVIDUAL, [shared_data / FILES[Kind.PCN_INDIVIDUAL]], registry)
    (entry,) = read_manifest(tmp_path).entries
    assert list((tmp_path / parsed.PARSED).glob(f"{entry.sha256}-*"))
    workspace.remove_entries(tmp_path, [entry.short_id])
    assert not list((tmp_path / parsed.PARSED).glob(f"{entry.sha256}-*"))


@pytest.mark.parametrize(
    ("org", "period", "source"),
    [("QK1", "2024-03-31", "gpw"), ("04C", "2025-03-31", "gpw"), ("QK1", "2024-03-31", "returns")],
)
def test_a_focused_read_gives_the_same_report(
    shared_data: Path, tmp_path: Path, org: str, period: str, source: str
) -> None:
    """Reading only the rows a report needs (one organisation's practices, the census date's
    month) gives exactly the report that reading every row gives."""
    import datetime as dt

    from gpworkforce.cli.baseline import build_baseline_report
    from gpworkforce.cli.choices import SourceChoice
    from gpworkforce.cli.sources import Focus, workspace_context
    from gpworkforce.reports.formats import OutputFormat
    from gpworkforce.reports.output import write_report

    for kind, name in ((Kind.GPW_PRACTICE_YEAR, FILES[Kind.GPW_PRACTICE_YEAR]),
                       (Kind.GPW_PRACTICE_YEAR, "nhs/gpw_practice_fy2016_2024_gp_admin.csv"),
                       (Kind.PAYMENTS, "nhs/nhs_payments_to_general_practice_2017-18.csv")):  # fmt: skip
        load_into(tmp_path / "ws", kind, [shared_data / name], None)
    on = dt.date.fromisoformat(period)
    full = workspace_context(tmp_path / "ws")
    focused = workspace_context(tmp_path / "ws", focus=Focus(org, on, source))
    # one census date for every practice (to count those it cannot place), others for its own
    assert len(focused.data.workforce) < len(full.data.workforce) / 5
    outputs = []
    for i, context in enumerate((full, focused)):
        report = build_baseline_report(context, org, on, SourceChoice(source))
        outputs.append(write_report(report, OutputFormat.XLSX, tmp_path / f"r{i}.xlsx"))
    assert (tmp_path / "r0.xlsx").read_bytes() == (tmp_path / "r1.xlsx").read_bytes()


def test_text_read_back_from_the_store_is_the_canonical_string_dtype_with_its_gaps(
    tmp_path: Path,
) -> None:
    """Text comes back from Parquet dictionaries as pandas "string" (Python storage, as the
    loaders give it), each row its own value and a missing value still missing."""
    from gpworkforce import tables
    from gpworkforce.domain.provenance import Source

    rows = pd.DataFrame(
        {
            "practice_code": ["A1", "B2", "A1", "C3"],
            "period": pd.to_datetime(["2024-09-30"] * 3 + ["2023-09-30"]),
            "node": ["GP", None, "NURSE", "GP"],
            "headcount": [1.0, 2.0, None, 4.0],
            "fte": [0.5, 1.5, 2.5, None],
            "source_id": ["s:1", "s:1", "s:1", "s:2"],
        }
    )
    frame = tables.conform(rows, tables.WORKFORCE)
    source = Source(publisher="x", dataset="gpw-x", period="2024-09-30", file_name="f.csv")
    parsed.write_store(
        tmp_path / "store",
        parsed.StoredFile(
            kind=Kind.GPW_DETAILED,
            source=source,
            frames={"workforce": frame},
            warnings=(),
            encoding="utf-8",
            raw_size=1,
            raw_mtime_ns=1,
        ),
    )
    whole = parsed.read_store(tmp_path / "store")
    assert whole is not None
    pd.testing.assert_frame_equal(whole.frames["workforce"], frame)
    assert whole.frames["workforce"]["node"].dtype == pd.StringDtype("python")
    wanted = parsed.Wanted(periods={"workforce": frozenset({"2024-09-30"})}, practices=None)
    part = parsed.read_store(tmp_path / "store", wanted)
    assert part is not None
    pd.testing.assert_frame_equal(part.frames["workforce"], frame.iloc[:3])


def _copied(source: Path, target: Path) -> Path:
    """``source`` copied as ``cp -r`` does (new modification times), checked to have new times."""
    shutil.copytree(source, target, copy_function=shutil.copy)
    for entry in read_manifest(target).entries:
        before = (source / entry.file).stat().st_mtime_ns
        os.utime(target / entry.file, ns=(before + 10**9, before + 10**9))  # whatever the clock
        assert (target / entry.file).stat().st_mtime_ns != before
    return target


def _no_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a raw file was hashed")

    monkeypatch.setattr(workspace, "sha256_of_file", refuse)


def test_a_copied_workspace_reads_its_store_hashing_once_and_never_parsing(
    shared_data: Path, registry: OrgRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workspace copied without its files' times (``cp -r``, a restore) holds the same bytes:
    the next read hashes each raw file, finds the checksum it parsed, uses the store and records
    the new time; the read after it neither hashes nor parses (issue 10)."""
    for kind, name in FILES.items():
        load_into(tmp_path / "ws", kind, [shared_data / name], registry)
    original = read_workspace(tmp_path / "ws", registry)
    copy = _copied(tmp_path / "ws", tmp_path / "copy")
    with monkeypatch.context() as patch:
        _no_parsing(patch)
        first = read_workspace(copy, registry)
        _no_hashing(patch)
        again = read_workspace(copy, registry)
    for read in (first, again):
        for mine, theirs in zip(read, original, strict=True):
            assert mine.source == theirs.source and mine.warnings == theirs.warnings
            for table in ("workforce", "demography", "patients", "vacancies"):
                pd.testing.assert_frame_equal(getattr(mine, table), getattr(theirs, table))


def test_a_copied_workspace_gives_the_same_baseline_without_parsing(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user's path: a baseline from a ``cp -r`` copy is byte for byte the original's, and
    parses no raw file."""
    import datetime as dt

    from gpworkforce.cli.baseline import build_baseline_report
    from gpworkforce.cli.choices import SourceChoice
    from gpworkforce.cli.sources import Focus, workspace_context
    from gpworkforce.reports.formats import OutputFormat
    from gpworkforce.reports.output import write_report

    load_into(
        tmp_path / "ws", Kind.GPW_PRACTICE_YEAR, [shared_data / FILES[Kind.GPW_PRACTICE_YEAR]], None
    )
    on = dt.date(2024, 3, 31)
    copy = _copied(tmp_path / "ws", tmp_path / "copy")
    for i, where in enumerate((tmp_path / "ws", copy)):
        with monkeypatch.context() as patch:
            if i:
                _no_parsing(patch)
            context = workspace_context(where, focus=Focus("QK1", on, "gpw"))
            report = build_baseline_report(context, "QK1", on, SourceChoice("gpw"))
            write_report(report, OutputFormat.CSV, tmp_path / f"r{i}.csv")
    first, second = (
        {p.name: p.read_bytes() for p in (tmp_path / f"r{i}.csv").iterdir()} for i in (0, 1)
    )
    assert len(first) > 1 and first == second


@pytest.mark.parametrize("later", [False, True])
def test_a_changed_file_of_the_same_size_is_refused_whatever_its_time(
    shared_data: Path, registry: OrgRegistry, tmp_path: Path, later: bool
) -> None:
    """Bytes changed in place, the size kept and the time set earlier (or later) than the one
    recorded: any other time means the file is hashed, and the changed checksum refused."""
    load_into(
        tmp_path, Kind.GPW_PRACTICE_YEAR, [shared_data / FILES[Kind.GPW_PRACTICE_YEAR]], registry
    )
    (entry,) = read_manifest(tmp_path).entries
    raw = tmp_path / entry.file
    recorded = raw.stat().st_mtime_ns
    data = bytearray(raw.read_bytes())
    at = data.rindex(b"1")
    data[at : at + 1] = b"2"  # one digit of the last figure: the same size
    raw.write_bytes(bytes(data))
    when = recorded + (10**9 if later else -(10**9))
    os.utime(raw, ns=(when, when))
    with pytest.raises(InputFileError, match="changed file"):
        read_workspace(tmp_path, registry)


def test_a_copy_whose_times_cannot_be_recorded_still_reads_its_store(
    shared_data: Path, registry: OrgRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only copy (its store's metadata cannot be replaced) is read from the store, not
    parsed, hashing its raw files each time as their new times stay unrecorded."""
    raw = shared_data / FILES[Kind.GPW_PRACTICE_YEAR]
    load_into(tmp_path / "ws", Kind.GPW_PRACTICE_YEAR, [raw], registry)
    (original,) = read_workspace(tmp_path / "ws", registry)
    copy = _copied(tmp_path / "ws", tmp_path / "copy")

    def read_only(*_args: object, **_kwargs: object) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(parsed, "restamp", read_only)
    _no_parsing(monkeypatch)
    hashed: list[Path] = []
    real = workspace.sha256_of_file
    monkeypatch.setattr(workspace, "sha256_of_file", lambda p: hashed.append(p) or real(p))
    for _ in range(2):
        (stored,) = read_workspace(copy, registry)
        pd.testing.assert_frame_equal(stored.workforce, original.workforce)
    assert len(hashed) == 2
