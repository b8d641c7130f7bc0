"""The age tables computed on each distinct node, band and source once equal their reference
forms on the rows themselves: the % aged 55+ per sub-area and the demography's source ids."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baseline_fixtures import SEP17, demography, registry, workforce
from gpworkforce.baseline.age import (
    _SEX_LABELS,
    ALL_STAFF,
    NOT_SPLIT,
    _inside,
    _pyramid,
    _sources,
    scoped_demography,
)
from gpworkforce.baseline.areas import _over_55_by_area_rows, over_55_by_area_parts
from gpworkforce.baseline.data import BaselineData
from gpworkforce.baseline.frames import prepare
from gpworkforce.domain.demography import AgeBand, Sex
from gpworkforce.domain.taxonomy import StaffGroup, load_taxonomy

TAX = load_taxonomy()
NODES = sorted(TAX.nodes)
PRACTICES = ["P00001", "P00002", "P00003", "P00009"]  # (P00009: in no organisation)
SOURCES = [f"gpw-detailed:2017-09-30:2017-11-0{i}:d{i}" for i in (1, 2)]
measure = st.one_of(st.none(), st.floats(0, 3, allow_nan=False).map(lambda x: round(x, 2)))
band = st.sampled_from([b.value for b in AgeBand])
row = st.tuples(
    st.sampled_from(PRACTICES),
    st.sampled_from(NODES),
    band,
    st.sampled_from([s.value for s in Sex]),
    measure,
    measure,
    st.sampled_from(SOURCES),
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _at(rows: list[tuple], org: str):  # type: ignore[no-untyped-def]
    demo = demography([(p, SEP17, n, b, s, hc, fte, src) for p, n, b, s, hc, fte, src in rows])
    wf = workforce([(p, SEP17, "GP_PARTNER", 1.0, 1.0, SOURCES[0]) for p in PRACTICES])
    data = BaselineData(workforce=wf, registry=registry(), demography=demo)
    return prepare(data, org, SEP17)


@SETTINGS
@given(rows=st.lists(row, max_size=40), org=st.sampled_from(["QQ1", "CC1", "CC2"]))
def test_over_55_by_area_on_codes_equals_the_rows(rows: list[tuple], org: str) -> None:
    at, scope = _at(rows, org)
    fast, fast_notes = over_55_by_area_parts(at, scope)
    slow, slow_notes = _over_55_by_area_rows(at, scope)
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    assert fast_notes == slow_notes


@SETTINGS
@given(rows=st.lists(row, max_size=40), org=st.sampled_from(["QQ1", "CC1", "CC2"]))
def test_demography_sources_are_those_of_the_scope_rows(rows: list[tuple], org: str) -> None:
    at, scope = _at(rows, org)
    demo = at.demography
    mine = demo.loc[demo["practice_code"].isin(list(scope.members)), "source_id"]
    assert _sources(at, scope) == tuple(sorted(str(s) for s in mine.dropna().unique()))
    assert len(scoped_demography(at, scope)) <= len(mine)


def _pyramid_by_text(at, scope, node: str) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """The pyramid as a group-by on the text of each row (the form it replaced)."""
    nodes = tuple(g.value for g in StaffGroup) if node == ALL_STAFF else (node,)
    demo = scoped_demography(at, scope).loc[_inside(at, scope, nodes)]
    bands = [b.value for b in AgeBand]
    columns = [*_SEX_LABELS.values(), NOT_SPLIT]
    sex = demo["sex"].map(
        lambda s: _SEX_LABELS.get(str(s), NOT_SPLIT) if pd.notna(s) else NOT_SPLIT
    )
    counts = (
        demo.assign(_sex=sex.astype("string"))
        .groupby(["age_band", "_sex"])["headcount"]
        .sum(min_count=1)
        .unstack("_sex")
        .reindex(index=bands, columns=columns)
    )
    frame = pd.DataFrame({"Age band": bands})
    for col in columns:
        frame[col] = pd.Series(counts[col].astype("Float64").to_numpy(), dtype="Float64")
        if not demo.empty:
            frame[col] = frame[col].fillna(0)
    total = frame[columns[0]]
    for col in columns[1:]:
        total = total + frame[col]
    frame["Total"] = total.astype("Float64")
    return frame


ragged = st.tuples(
    st.sampled_from(PRACTICES),
    st.sampled_from(NODES),
    st.one_of(st.none(), band, st.just("Other")),
    st.one_of(st.none(), st.sampled_from([s.value for s in Sex]), st.just("X")),
    st.one_of(measure, st.integers(0, 3)),
    measure,
    st.sampled_from(SOURCES),
)


@SETTINGS
@given(
    rows=st.lists(ragged, max_size=40),
    org=st.sampled_from(["QQ1", "CC1", "CC2"]),
    node=st.sampled_from([ALL_STAFF, "GP", *NODES]),
)
def test_pyramid_on_codes_equals_the_group_by_on_text(
    rows: list[tuple], org: str, node: str
) -> None:
    at, scope = _at(rows, org)
    pd.testing.assert_frame_equal(
        _pyramid(at, scope, node), _pyramid_by_text(at, scope, node), check_exact=True
    )
