"""Return files on disk: writing, reading by path, all-or-nothing batches, atomic writes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import pandas as pd
import pytest

from gpworkforce.errors import ValidationFailed
from gpworkforce.returns import (
    ReturnLimits,
    UnreadableReturn,
    load_returns,
    read_return,
    write_return_csv,
    write_return_xlsx,
    write_template_csv,
    write_template_xlsx,
)
from gpworkforce.returns import atomic as atomic_mod
from returns_support import REGISTRY, TAXONOMY, base_return


def _good_files(tmp_path: Path) -> list[Path]:
    return [
        write_return_xlsx(base_return("C82001"), tmp_path / "in" / "C82001.xlsx"),
        write_return_csv(base_return("C82002"), tmp_path / "in" / "C82002.csv"),
    ]


def test_written_files_read_back_equal(tmp_path: Path) -> None:
    xlsx, csv = _good_files(tmp_path)
    assert read_return(xlsx, REGISTRY, TAXONOMY) == base_return("C82001")
    assert read_return(csv, REGISTRY, TAXONOMY) == base_return("C82002")


def test_templates_are_written(tmp_path: Path) -> None:
    x = write_template_xlsx(tmp_path / "t.xlsx", practice_code="C82001", census_date=None)
    c = write_template_csv(tmp_path / "t.csv")
    assert x.read_bytes().startswith(b"PK\x03\x04")
    assert c.read_text(encoding="utf-8").splitlines()[1].startswith("practice,,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv", "t.xlsx"]


def test_good_batch_is_loaded_and_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    batch = load_returns(_good_files(tmp_path), REGISTRY, TAXONOMY, out_dir=out)
    assert [r.practice_code for r in batch.returns] == ["C82001", "C82002"]
    assert sorted(p.name for p in out.iterdir()) == [
        "demography.csv",
        "vacancies.csv",
        "workforce.csv",
    ]
    wf = pd.read_csv(out / "workforce.csv")
    assert len(wf) == 2 * len(TAXONOMY.leaves)
    assert set(wf["practice_code"]) == {"C82001", "C82002"}


def test_one_bad_file_rejects_the_whole_batch(tmp_path: Path) -> None:
    files = _good_files(tmp_path)
    bad = tmp_path / "in" / "bad.csv"
    text = files[1].read_text(encoding="utf-8").replace("C82002", "C82003")  # closed practice
    bad.write_text(text.replace("22.5", "-1"), encoding="utf-8")
    corrupt = tmp_path / "in" / "corrupt.xlsx"
    corrupt.write_bytes(files[0].read_bytes()[:300])
    out = tmp_path / "out"
    with pytest.raises(ValidationFailed) as info:
        load_returns([*files, bad, corrupt], REGISTRY, TAXONOMY, out_dir=out)
    assert info.value.summary == "2 of 4 return files rejected; nothing was loaded"
    assert {i.location.file for i in info.value.issues} == {"bad.csv", "corrupt.xlsx"}
    assert len(info.value.issues) == 3  # closed practice, negative sessions, damaged zip
    assert not out.exists()  # nothing written, not even the good files' tables


def test_two_returns_for_one_practice_and_date_are_rejected(tmp_path: Path) -> None:
    files = _good_files(tmp_path)
    again = write_return_csv(base_return("C82001"), tmp_path / "in" / "again.csv")
    with pytest.raises(ValidationFailed) as info:
        load_returns([*files, again], REGISTRY, TAXONOMY, out_dir=tmp_path / "out")
    (issue,) = info.value.issues
    assert issue.location.file == "again.csv"
    assert "be the only return for C82001 on 2017-09-30" in issue.expected
    assert not (tmp_path / "out").exists()


def test_census_date_of_the_collection_is_enforced(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed) as info:
        load_returns(_good_files(tmp_path), REGISTRY, TAXONOMY, census_date=dt.date(2017, 12, 31))
    assert len(info.value.issues) == 2


def test_missing_oversized_and_directory_paths(tmp_path: Path) -> None:
    with pytest.raises(UnreadableReturn) as info:
        read_return(tmp_path / "nope.xlsx", REGISTRY, TAXONOMY)
    assert info.value.issues[0].expected == "exist"
    with pytest.raises(UnreadableReturn) as info:
        read_return(tmp_path, REGISTRY, TAXONOMY)
    assert info.value.issues[0].expected == "be a file"
    big = _good_files(tmp_path)[0]
    with pytest.raises(UnreadableReturn) as info:
        read_return(big, REGISTRY, TAXONOMY, limits=ReturnLimits(max_bytes=100))
    assert info.value.issues[0].expected == "be at most 100 bytes"


def test_writer_goes_through_a_temporary_file_and_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    renames: list[tuple[Path, Path]] = []
    real_replace = os.replace

    def spy(src: str | Path, dst: str | Path) -> None:
        src, dst = Path(src), Path(dst)
        assert src.exists() and not dst.exists()  # fully written before it takes the name
        assert src.parent == dst.parent  # same directory: the rename is atomic
        renames.append((src, dst))
        real_replace(src, dst)

    monkeypatch.setattr(atomic_mod.os, "replace", spy)
    load_returns(_good_files(tmp_path), REGISTRY, TAXONOMY, out_dir=tmp_path / "out")
    names = [dst.name for _, dst in renames]
    assert names == [
        "C82001.xlsx",
        "C82002.csv",
        "workforce.csv",
        "demography.csv",
        "vacancies.csv",
    ]
    assert all(src.name.startswith(f".{dst.name}.") for src, dst in renames)


def test_failed_write_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "r.csv"
    target.write_text("previous version", encoding="utf-8")

    def fail(src: str | Path, dst: str | Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(atomic_mod.os, "replace", fail)
    changed = dataclasses.replace(base_return(), practice_code="C82002")
    with pytest.raises(OSError, match="disk full"):
        write_return_csv(changed, target)
    assert target.read_text(encoding="utf-8") == "previous version"
    assert [p.name for p in tmp_path.iterdir()] == ["r.csv"]  # no temporary file left
