"""The registry kept on disk (issue 10, item 6): read back equal to one built from the files,
rebuilt when an input or the building code changes, ignored when damaged or turned off."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gpworkforce.domain.orgs import OrgRegistry, OrgType
from gpworkforce.errors import UnknownOrganisation
from gpworkforce.loaders import build_registry, registry_cache
from gpworkforce.loaders.registry import _cached_registry, _registry_from_files

pytestmark = pytest.mark.integration


def _stamp(shared_data: Path) -> tuple[tuple[str, int, int], ...]:
    from gpworkforce.loaders.registry import PAYMENTS_FILE, registry_files

    ods, maps, icb = registry_files(shared_data)
    paths = [ods, *maps, icb, shared_data / "nhs" / PAYMENTS_FILE]
    return tuple((str(p.resolve()), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)


@pytest.fixture(scope="module")
def from_files(shared_data: Path) -> OrgRegistry:
    return _registry_from_files(_stamp(shared_data))


def test_the_cached_registry_equals_the_one_built_from_the_files(
    shared_data: Path, from_files: OrgRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(registry_cache.ENV_VAR, str(tmp_path))
    key = registry_cache.cache_key(_stamp(shared_data))
    assert registry_cache.read_cached(key) is None
    registry_cache.write_cached(key, from_files)
    cached = registry_cache.read_cached(key)
    assert cached is not None and cached is not from_files
    assert dict(cached.organisations) == dict(from_files.organisations)
    assert cached.links == from_files.links  # the same links in the same order
    on = dt.date(2021, 3, 31)
    assert cached.practice_map(on, OrgType.SUB_ICB) == from_files.practice_map(on, OrgType.SUB_ICB)


def test_build_registry_writes_the_cache_and_reads_it_in_the_next_process(
    shared_data: Path, from_files: OrgRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(registry_cache.ENV_VAR, str(tmp_path))
    _cached_registry.cache_clear()  # as in a fresh process
    try:
        first = build_registry(shared_data)
        (folder,) = (tmp_path / "registry").iterdir()
        _cached_registry.cache_clear()
        second = build_registry(shared_data)
    finally:
        _cached_registry.cache_clear()
    assert first.links == second.links == from_files.links
    assert {p.name for p in folder.iterdir()} == {"organisations.parquet", "links.parquet"}


def test_a_changed_input_file_or_code_gives_another_key(shared_data: Path) -> None:
    stamp = _stamp(shared_data)
    path, mtime, size = stamp[0]
    assert registry_cache.cache_key(stamp) != registry_cache.cache_key(
        ((path, mtime + 1, size), *stamp[1:])
    )
    assert registry_cache.cache_key(stamp) != registry_cache.cache_key(stamp[1:])


def test_a_damaged_cache_is_not_used(
    shared_data: Path, from_files: OrgRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(registry_cache.ENV_VAR, str(tmp_path))
    key = registry_cache.cache_key(_stamp(shared_data))
    registry_cache.write_cached(key, from_files)
    (tmp_path / "registry" / key / "links.parquet").write_bytes(b"not parquet")
    assert registry_cache.read_cached(key) is None


def test_the_cache_can_be_turned_off(
    from_files: OrgRegistry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(registry_cache.ENV_VAR, "off")
    monkeypatch.chdir(tmp_path)
    registry_cache.write_cached("k", from_files)
    assert registry_cache.read_cached("k") is None
    assert not any(tmp_path.iterdir())


@settings(max_examples=40, deadline=None)
@given(
    on=st.dates(dt.date(2012, 1, 1), dt.date(2027, 12, 31)),
    tier=st.sampled_from([OrgType.PCN, OrgType.SUB_ICB, OrgType.ICB, OrgType.REGION]),
)
def test_practice_map_is_parent_of_type_for_every_open_practice(
    from_files: OrgRegistry, on: dt.date, tier: OrgType
) -> None:
    expected = {}
    for org in from_files.organisations.values():
        if org.type is OrgType.PRACTICE and org.is_open(on):
            parent = from_files.parent_of_type(org.code, tier, on)
            if parent is not None:
                expected[org.code] = parent.code
    got = from_files.practice_map(on, tier)
    assert got == expected
    got.clear()  # the caller's copy: the registry's own answer is unchanged
    assert from_files.practice_map(on, tier) == expected


@pytest.fixture(scope="module")
def read_back(
    shared_data: Path, from_files: OrgRegistry, tmp_path_factory: pytest.TempPathFactory
) -> OrgRegistry:
    folder = tmp_path_factory.mktemp("columns")
    registry_cache.write_registry(folder, from_files)
    registry = registry_cache.read_registry(folder)
    assert registry is not None
    return registry


def test_the_registry_read_from_columns_makes_objects_only_when_asked(
    from_files: OrgRegistry, read_back: OrgRegistry, tmp_path: Path
) -> None:
    """Decision 0152: read back, the registry is columns; the answers are the registry's."""
    registry_cache.write_registry(tmp_path, from_files)
    fresh = registry_cache.read_registry(tmp_path)
    assert fresh is not None and type(fresh) is not OrgRegistry
    fresh.practice_map(dt.date(2024, 3, 31), OrgType.ICB)
    assert fresh.get("QK1").name == from_files.get("QK1").name
    made = fresh.organisations._made  # type: ignore[attr-defined]
    assert sum(org is not None for org in made) == 1  # QK1's, not one per organisation
    assert read_back == from_files and from_files == read_back
    assert len(read_back.organisations) == len(from_files.organisations)
    assert list(read_back.organisations) == list(from_files.organisations)  # same order
    assert "NOPE1" not in read_back.organisations and "NOPE1" not in read_back
    for tier in OrgType:
        assert read_back.of_type(tier) == from_files.of_type(tier)
    assert read_back.get(" qk1 ") == from_files.get("QK1")
    with pytest.raises(UnknownOrganisation):
        read_back.get("NOPE1")


@settings(max_examples=60, deadline=None)
@given(
    on=st.dates(dt.date(2012, 1, 1), dt.date(2027, 12, 31)),
    tier=st.sampled_from(list(OrgType)),
    pick=st.integers(0, 10**9),
)
def test_the_registry_read_from_columns_answers_as_the_registry(
    from_files: OrgRegistry, read_back: OrgRegistry, on: dt.date, tier: OrgType, pick: int
) -> None:
    codes = list(from_files.organisations)
    code = codes[pick % len(codes)]
    assert read_back.parents(code, on) == from_files.parents(code, on)
    assert read_back.parent_of_type(code, tier, on) == from_files.parent_of_type(code, tier, on)
    assert read_back.practice_map(on, tier) == from_files.practice_map(on, tier)
    if from_files.get(code).type is not OrgType.PRACTICE:
        assert read_back.practices_under(code, on) == from_files.practices_under(code, on)
