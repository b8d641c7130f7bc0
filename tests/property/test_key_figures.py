"""A date read as each key's staff-group figures (decision 0150) gives a series exactly as its
rows do: the same node values, in the same order, the same totals, periods and sources, for
random files, vintages, duplicate rows and missing figures."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baseline_fixtures import SEP16, SEP17, registry, workforce
from gpworkforce.baseline.data import BaselineData, SourceKind
from gpworkforce.baseline.frames import group_columns, node_values
from gpworkforce.baseline.placement import placement
from gpworkforce.baseline.series import series_frame
from gpworkforce.domain.orgs import OrgType
from gpworkforce.domain.taxonomy import load_taxonomy, parse_taxonomy
from gpworkforce.loaders.key_figures import (
    FIGURE_NODES,
    ROW,
    figures_name,
    key_figures,
    stack,
    taxonomy_digest,
)

TAX = load_taxonomy()
NODES = sorted(TAX.nodes)
PRACTICES = ["P00001", "P00002", "P00003", "P00004"]
SEP18 = dt.date(2018, 9, 30)
DATES = [SEP16, SEP17, SEP18]
VINTAGES = ["2018-01-01", "2019-06-01", "unknown-vintage"]

measure = st.one_of(st.none(), st.floats(0, 40, allow_nan=False).map(lambda x: round(x, 2)))
row = st.tuples(
    st.sampled_from(PRACTICES), st.sampled_from(DATES), st.sampled_from(NODES), measure, measure
)
a_file = st.tuples(st.sampled_from(VINTAGES), st.lists(row, min_size=1, max_size=30))
SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _files(files: list[tuple[str, list[tuple]]]) -> list[pd.DataFrame]:
    return [
        workforce(
            [(p, d, n, hc, fte, f"gpw-detailed:{d}:{vintage}:file{i}") for p, d, n, hc, fte in rows]
        )
        for i, (vintage, rows) in enumerate(files)
    ]


def _bundles(frames: list[pd.DataFrame], own: dt.date) -> tuple[BaselineData, BaselineData]:
    """(every date as rows, ``own`` as rows and the other dates as key figures)."""
    rows = pd.concat(frames, ignore_index=True)
    order = {s: i for i, f in enumerate(frames) for s in f["source_id"].unique()}
    mine = rows.loc[rows["period"] == pd.Timestamp(own)].reset_index(drop=True)
    parts = []
    for f in frames:  # as the store reads them: each file's figures, other dates only
        figures = key_figures(f, TAX)
        parts.append(figures.loc[figures["period"] != pd.Timestamp(own)])
    kwargs = {"registry": registry(), "source": SourceKind.GPW, "source_order": order}
    return (
        BaselineData(workforce=rows, **kwargs),
        BaselineData(workforce=mine, figures=stack(parts), **kwargs),
    )


@SETTINGS
@given(
    files=st.lists(a_file, min_size=1, max_size=4),
    own=st.sampled_from(DATES),
    org=st.sampled_from(["QQ1", "CC1", "CC2"]),
    gp=st.sampled_from(["GP_EXCL_REGISTRARS", "GP_QUALIFIED"]),
)
def test_a_series_from_key_figures_equals_one_from_rows(
    files: list[tuple[str, list[tuple]]], own: dt.date, org: str, gp: str
) -> None:
    by_rows, by_figures = _bundles(_files(files), own)
    assert by_figures.select().periods() == by_rows.select().periods()
    assert by_figures.select().workforce_sources() == by_rows.select().workforce_sources()
    nodes = tuple(n for n, _ in group_columns(TAX, gp))
    for date in DATES:
        expected = node_values(by_rows.select().at(date), nodes)
        got = node_values(by_figures.select().at(date), nodes)
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
    columns = group_columns(TAX, gp)
    pd.testing.assert_frame_equal(
        series_frame(by_figures.select(), org, nodes=columns),
        series_frame(by_rows.select(), org, nodes=columns),
        check_exact=True,
    )


def test_key_figures_hold_each_key_once_with_its_first_row() -> None:
    frame = workforce(
        [
            ("P00002", SEP17, "GP_PARTNER", 2.0, 1.5, "gpw-detailed:2017-09-30:x:a"),
            ("P00001", SEP17, "NURSE_PRACTICE", 1.0, None, "gpw-detailed:2017-09-30:x:a"),
            ("P00002", SEP17, "GP_SALARIED", 1.0, 0.5, "gpw-detailed:2017-09-30:x:a"),
        ]
    )
    figures = key_figures(frame, TAX)
    assert list(figures["practice_code"]) == ["P00002", "P00001"]
    assert list(figures[ROW]) == [0, 1]
    assert list(figures["GP_EXCL_REGISTRARS|exists"]) == [True, False]
    assert list(figures["NURSE|exists"]) == [False, True]
    # a group with parts that have no row is not available (resolve's rule), not their sum
    assert figures["NURSE|fte"].isna().all()
    assert set(FIGURE_NODES) <= set(TAX.nodes)


def test_figures_of_another_taxonomy_are_stored_under_another_name() -> None:
    import tomllib
    from importlib import resources

    text = resources.files("gpworkforce.data").joinpath("taxonomy.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    raw["aggregate"] = [a for a in raw["aggregate"] if a["code"] != "GP_QUALIFIED"]
    other = parse_taxonomy(raw)
    assert taxonomy_digest(other) != taxonomy_digest(TAX)
    assert figures_name(other) != figures_name(TAX)


# a practice the registry does not know: unplaced at every tier, with figures
UNKNOWN = "Y99999"
census_row = st.tuples(
    st.sampled_from([*PRACTICES, UNKNOWN]),
    st.sampled_from(DATES),
    st.sampled_from(NODES),
    measure,
    measure,
)
census_file = st.tuples(st.sampled_from(VINTAGES), st.lists(census_row, min_size=1, max_size=30))


@SETTINGS
@given(
    files=st.lists(census_file, min_size=1, max_size=4),
    own=st.sampled_from(DATES),
    tier=st.sampled_from([OrgType.ICB, OrgType.SUB_ICB, OrgType.PRACTICE, OrgType.ENGLAND]),
    some=st.sets(st.sampled_from([*PRACTICES, UNKNOWN])),
)
def test_placement_from_census_figures_equals_the_one_from_rows(
    files: list[tuple[str, list[tuple]]], own: dt.date, tier: OrgType, some: set[str]
) -> None:
    """A report that reads its date's rows for some practices only and every practice's key
    figures (``census``) counts the same unplaced practices and WTE as from every row."""
    frames = _files(files)
    rows = pd.concat(frames, ignore_index=True)
    order = {s: i for i, f in enumerate(frames) for s in f["source_id"].unique()}
    kwargs = {"registry": registry(), "source": SourceKind.GPW, "source_order": order}
    on_own = rows["period"] == pd.Timestamp(own)
    mine = rows.loc[on_own & rows["practice_code"].isin(sorted(some))].reset_index(drop=True)
    census = stack([key_figures(f.loc[f["period"] == pd.Timestamp(own)], TAX) for f in frames])
    by_rows = BaselineData(workforce=rows, **kwargs)
    by_census = BaselineData(workforce=mine, census=census, **kwargs)
    expected = placement(by_rows, own, tier, SourceKind.GPW)
    got = placement(by_census, own, tier, SourceKind.GPW)
    assert (got.in_source, got.unplaced) == (expected.in_source, expected.unplaced)
    assert got.unplaced_wte == expected.unplaced_wte or (
        math.isnan(got.unplaced_wte) and math.isnan(expected.unplaced_wte)
    )
    assert got.statement() == expected.statement()
    assert by_census.select().workforce_sources() == by_rows.select().at(own).workforce_sources()
