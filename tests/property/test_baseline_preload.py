"""Figures sliced from a report's preloaded nodes equal those of each table computed alone, and
the vectorised wide layout and coverage notes equal a straightforward per-cell construction."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baseline_fixtures import GPW, MAR17, RET, SEP17, demography, registry, workforce
from gpworkforce.baseline.age import (
    _inside,
    _over_55,
    _rows_within,
    _sources,
    scoped_demography,
    table9_rows,
)
from gpworkforce.baseline.areas import _per_row
from gpworkforce.baseline.data import BaselineData, SourceKind
from gpworkforce.baseline.frames import (
    MEASURE_SUFFIX,
    coverage_notes,
    preload,
    prepare,
    ratio,
    scope_totals,
    scope_values,
    values_of,
    wide,
)
from gpworkforce.baseline.response import _leaf_shares
from gpworkforce.baseline.scope import practice_values, rollup, row_index, scope_rows
from gpworkforce.domain.taxonomy import StaffGroup, load_taxonomy

TAX = load_taxonomy()
NODES = sorted(TAX.nodes)
PRACTICES = ["P00001", "P00002", "P00003"]
SOURCE = GPW.format(p="FY2018", v="2018-02-01")

measure = st.one_of(st.none(), st.floats(0, 40, allow_nan=False).map(lambda x: round(x, 2)))
row = st.tuples(st.sampled_from(PRACTICES), st.sampled_from(NODES), measure, measure)
asks = st.lists(
    st.lists(st.sampled_from(NODES), min_size=1, max_size=8, unique=True), min_size=1, max_size=5
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _data(rows: list[tuple]) -> BaselineData:
    wf = workforce([(p, SEP17, n, hc, fte, SOURCE) for p, n, hc, fte in rows])
    return BaselineData(workforce=wf, registry=registry(), source=SourceKind.GPW)


@SETTINGS
@given(
    rows=st.lists(row, max_size=25, unique_by=lambda r: (r[0], r[1])),
    preloaded=st.lists(st.sampled_from(NODES), min_size=1, max_size=30, unique=True),
    asks=asks,
    org=st.sampled_from(["QQ1", "CC1", "CC2"]),
)
def test_rows_sliced_from_a_preload_equal_each_table_alone(
    rows: list[tuple], preloaded: list[str], asks: list[list[str]], org: str
) -> None:
    at, scope = prepare(_data(rows), org, SEP17)
    preload(at, scope, preloaded)
    for nodes in asks:
        values, org_rows = scope_values(at, scope, nodes)
        mine = at.workforce.loc[at.workforce["practice_code"].isin(list(scope.members))]
        alone = practice_values(mine, nodes, TAX)
        # the same rows in the same order, not only the same figures
        expected_values = alone.sort_values("node", key=lambda s: s.map(nodes.index), kind="stable")
        pd.testing.assert_frame_equal(values, expected_values.reset_index(drop=True))
        pd.testing.assert_frame_equal(org_rows, scope_rows(alone, scope))


def _wide_by_cell(rows: pd.DataFrame, scope, columns, measures) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """The layout cell by cell: each (row, column) looked up in ``rows``, NA when absent."""
    out = row_index(scope)
    for node, label in columns:
        for m in measures:
            cells = []
            for code, kind in zip(out["org_code"], out["row"], strict=True):
                hit = rows.loc[(rows["org_code"] == code) & (rows["row"] == kind)]
                hit = hit.loc[hit["node"] == node, m]
                cells.append(hit.iloc[0] if len(hit) else pd.NA)
            out[f"{label} {MEASURE_SUFFIX[m]}"] = pd.Series(cells, dtype="Float64")
    return out


def _notes_by_row(rows: pd.DataFrame, columns, measures) -> list[str]:  # type: ignore[no-untyped-def]
    notes = []
    total = rows.loc[rows["row"] == "total"]
    for node, label in columns:
        for m in measures:
            for _, r in total.loc[total["node"] == node].iterrows():
                if 0 < r[f"reporting_{m}"] < r["practices"]:
                    notes.append(
                        f"{label} {MEASURE_SUFFIX[m]}: {int(r[f'reporting_{m}'])} of "
                        f"{r['practices']} practices in {r['org_code']} have a figure; "
                        "the total covers those."
                    )
    return notes


@SETTINGS
@given(
    rows=st.lists(row, max_size=25, unique_by=lambda r: (r[0], r[1])),
    nodes=st.lists(st.sampled_from(NODES), min_size=1, max_size=6),
    org=st.sampled_from(["QQ1", "CC1", "CC2"]),
    measures=st.sampled_from([("headcount", "fte"), ("fte",), ("headcount",)]),
)
def test_wide_and_coverage_notes_equal_the_cell_by_cell_construction(
    rows: list[tuple], nodes: list[str], org: str, measures: tuple[str, ...]
) -> None:
    at, scope = prepare(_data(rows), org, SEP17)
    _, org_rows = scope_values(at, scope, nodes)
    columns = [(n, f"Label {i}") for i, n in enumerate(nodes)]  # a node may come twice
    pd.testing.assert_frame_equal(
        wide(org_rows, scope, columns, measures),
        _wide_by_cell(org_rows, scope, columns, measures),
    )
    assert coverage_notes(org_rows, columns, measures) == _notes_by_row(org_rows, columns, measures)


many_practices = [f"P{i:05d}" for i in range(1, 13)]
leaf_row = st.tuples(
    st.sampled_from(many_practices),
    st.sampled_from(sorted(TAX.leaves) + sorted(TAX.nodes)[:6]),
    measure,
    measure,
    st.sampled_from([RET.format(p="2017-09-30", v=v) for v in ("2017-10-02", "2017-10-09")]),
    st.sampled_from([SEP17, MAR17]),
)


@SETTINGS
@given(rows=st.lists(leaf_row, max_size=60, unique_by=lambda r: (r[0], r[1], r[4], r[5])))
def test_leaf_shares_equal_summing_practice_values(rows: list[tuple]) -> None:
    """The returned practices' role mix: the direct sum equals the general route exactly,
    whether or not a practice has several sources or periods (which only the general route
    handles, and the fast one must hand over to)."""
    frame = workforce([(p, period, n, hc, fte, sid) for p, n, hc, fte, sid, period in rows])
    values = practice_values(frame, sorted(TAX.leaves), TAX)
    expected = values.groupby("node")[["headcount", "fte"]].sum(min_count=1)
    pd.testing.assert_frame_equal(_leaf_shares(frame, TAX), expected)


def _scope_rows_by_list(values: pd.DataFrame, scope) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """scope_rows' row counts and names the plain way: a list built row by row."""
    parts = []
    if scope.child_level is not None:
        parts.append(rollup(values, scope.members).assign(row="child"))
    parts.append(rollup(values, dict.fromkeys(scope.members, scope.org_code)).assign(row="total"))
    out = pd.concat(parts, ignore_index=True)
    sizes = pd.Series(list(scope.members.values())).value_counts()
    out["practices"] = [
        len(scope.members) if r == "total" else int(sizes.get(c, 0))
        for c, r in zip(out["org_code"], out["row"], strict=True)
    ]
    out["org_name"] = out["org_code"].map(dict(scope.names)).astype("string")
    return out


@SETTINGS
@given(
    rows=st.lists(row, max_size=25, unique_by=lambda r: (r[0], r[1])),
    nodes=st.lists(st.sampled_from(NODES), min_size=1, max_size=6, unique=True),
    org=st.sampled_from(["QQ1", "CC1", "CC2"]),
)
def test_scope_rows_and_series_totals_equal_the_plain_construction(
    rows: list[tuple], nodes: list[str], org: str
) -> None:
    at, scope = prepare(_data(rows), org, SEP17)
    mine = at.workforce.loc[at.workforce["practice_code"].isin(list(scope.members))]
    values = practice_values(mine, nodes, TAX)
    expected = _scope_rows_by_list(values, scope)
    pd.testing.assert_frame_equal(scope_rows(values, scope), expected)
    # a series period's totals, computed alone, then again once the whole rows are there
    total = expected.loc[expected["row"] == "total"]
    columns = ["org_code", "node", "headcount", "fte", "reporting_headcount", "reporting_fte"]
    alone = scope_totals(at, scope, nodes)
    pd.testing.assert_frame_equal(
        alone.reset_index(drop=True), total[columns].reset_index(drop=True)
    )
    scope_values(at, scope, nodes)
    pd.testing.assert_frame_equal(scope_totals(at, scope, nodes), total)


@SETTINGS
@given(
    rows=st.lists(row, max_size=25, unique_by=lambda r: (r[0], r[1])),
    nodes=st.lists(st.sampled_from(NODES), min_size=1, max_size=6, unique=True),
    some=st.lists(st.sampled_from(PRACTICES), unique=True),
    first=st.lists(st.sampled_from(NODES), max_size=4, unique=True),
)
def test_values_of_some_practices_equal_resolving_their_rows_alone(
    rows: list[tuple], nodes: list[str], some: list[str], first: list[str]
) -> None:
    at, _ = prepare(_data(rows), "QQ1", SEP17)
    if first:  # whatever other nodes the bundle resolved before
        values_of(at, PRACTICES, first)
    theirs = at.workforce.loc[at.workforce["practice_code"].isin(some)]
    pd.testing.assert_frame_equal(values_of(at, some, nodes), practice_values(theirs, nodes, TAX))


def _per_row_by_mask(scope, values: pd.Series, practices: pd.Series) -> list[float]:  # type: ignore[no-untyped-def]
    """Each row's sum the plain way: one mask over every value per row."""
    v = values.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    known = ~np.isnan(v)
    child = np.array([scope.members.get(str(p)) for p in practices], dtype=object)[known]
    v = v[known]
    index = row_index(scope)
    out = []
    for code, kind in zip(index["org_code"], index["row"], strict=True):
        sel = v if kind == "total" else v[child == code]
        out.append(float(sel.sum()) if len(sel) else np.nan)
    return out


@SETTINGS
@given(
    cells=st.lists(
        st.tuples(st.sampled_from([*PRACTICES, "P00004", "X99999"]), measure), max_size=40
    ),
    org=st.sampled_from(["QQ1", "CC1", "CC2", "P00001"]),
)
def test_area_sums_per_row_equal_one_mask_per_row(cells: list[tuple], org: str) -> None:
    _, scope = prepare(_data([]), org, SEP17)
    practices = pd.Series([p for p, _ in cells], dtype="string")
    values = pd.Series([v for _, v in cells], dtype="Float64")
    got = _per_row(scope, values, practices)
    np.testing.assert_array_equal(got, _per_row_by_mask(scope, values, practices))


number = st.one_of(st.none(), st.just(0.0), st.floats(-1e6, 1e6, allow_nan=False))


@SETTINGS
@given(
    pairs=st.lists(st.tuples(number, number), max_size=20),
    scale=st.sampled_from([1.0, 100.0, 1000.0]),
    names=st.sampled_from([("a", "a"), ("a", "b"), (None, None)]),
)
def test_ratio_equals_the_pandas_formula(
    pairs: list[tuple], scale: float, names: tuple[str | None, str | None]
) -> None:
    num = pd.Series([n for n, _ in pairs], dtype="Float64", name=names[0])
    den = pd.Series([d for _, d in pairs], dtype="Float64", name=names[1])
    expected = (num / den.mask(den == 0) * scale).astype("Float64")
    pd.testing.assert_series_equal(ratio(num, den, scale), expected)


def _over_55_row_by_row(at: BaselineData, scope) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """Table 9 the plain way: each row's demography selected as a frame and summed by pandas."""
    demo = scoped_demography(at, scope)
    records = []
    for r in table9_rows(TAX):
        sub = _rows_within(demo, TAX, r.nodes)
        known = sub.loc[sub["age_band"] != "Unknown", "fte"]
        over = sub.loc[sub["age_band"].isin(["55-59", "60-64", "65-69", "70+"]), "fte"]
        unknown = sub.loc[sub["age_band"] == "Unknown", "fte"]
        known_sum = known.sum(min_count=1)
        over_sum = over.sum(min_count=1) if len(over) else (0.0 if len(known) else pd.NA)
        pct = pd.NA
        if not pd.isna(known_sum) and known_sum > 0 and not pd.isna(over_sum):
            pct = over_sum / known_sum * 100.0
        records.append(
            {
                "Staff group": r.group,
                "Job role": r.role,
                "WTE (known age)": known_sum,
                "WTE aged 55+": over_sum,
                "% WTE aged 55+": pct,
                "WTE age unknown": unknown.sum(min_count=1) if len(unknown) else 0.0,
            }
        )
    frame = pd.DataFrame.from_records(records)
    for col in ("WTE (known age)", "WTE aged 55+", "% WTE aged 55+", "WTE age unknown"):
        frame[col] = frame[col].astype("Float64")
    if demo.empty:
        frame.loc[:, "WTE age unknown"] = pd.NA
    return frame


BANDS = ["<30", "40-44", "55-59", "60-64", "70+", "Unknown", None]
demo_row = st.tuples(
    st.sampled_from(PRACTICES),
    st.sampled_from(NODES),
    st.sampled_from(BANDS),
    st.sampled_from(["F", "M", "ALL"]),
    measure,
    st.one_of(st.none(), st.floats(0, 2, allow_nan=False)),
)


@SETTINGS
@given(
    rows=st.lists(demo_row, max_size=40),
    org=st.sampled_from(["QQ1", "CC1", "P00002"]),
)
def test_over_55_equals_summing_each_rows_frame(rows: list[tuple], org: str) -> None:
    demo = demography([(p, SEP17, n, b, s, hc, f, SOURCE) for p, n, b, s, hc, f in rows])
    data = BaselineData(
        workforce=workforce([]), registry=registry(), demography=demo, source=SourceKind.GPW
    )
    at, scope = prepare(data, org, SEP17)
    frame, _ = _over_55(at, scope)
    pd.testing.assert_frame_equal(frame, _over_55_row_by_row(at, scope))


@SETTINGS
@given(
    rows=st.lists(demo_row, max_size=40),
    org=st.sampled_from(["QQ1", "CC1", "P00002"]),
    asked=st.lists(st.sampled_from(NODES), min_size=1, max_size=4, unique=True),
)
def test_rows_within_nodes_by_codes_equal_the_rows_selected_by_name(
    rows: list[tuple], org: str, asked: list[str]
) -> None:
    demo = demography([(p, SEP17, n, b, s, hc, f, SOURCE) for p, n, b, s, hc, f in rows])
    data = BaselineData(
        workforce=workforce([]), registry=registry(), demography=demo, source=SourceKind.GPW
    )
    at, scope = prepare(data, org, SEP17)
    scoped = scoped_demography(at, scope)
    for nodes in (tuple(asked), tuple(g.value for g in StaffGroup)):
        got = scoped.loc[_inside(at, scope, nodes)]
        pd.testing.assert_frame_equal(got, _rows_within(scoped, TAX, nodes))
    assert _sources(at, scope) == tuple(
        sorted(
            str(s)
            for s in demo.loc[demo["practice_code"].isin(list(scope.members)), "source_id"]
            .dropna()
            .unique()
        )
    )
