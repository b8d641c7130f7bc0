"""The report's shared per-bundle results (node values resolved once, then sliced) are exactly the
figures each table would resolve on its own, whatever order the tables ask in."""

from __future__ import annotations

import dataclasses

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baseline_fixtures import GPW, SEP17, registry, workforce
from gpworkforce.baseline.data import BaselineData, SourceKind
from gpworkforce.baseline.frames import prepare, scope_values
from gpworkforce.baseline.scope import practice_values, scope_rows
from gpworkforce.domain.taxonomy import load_taxonomy

TAX = load_taxonomy()
NODES = sorted(TAX.nodes)
PRACTICES = ["P00001", "P00002", "P00003"]
SOURCE = GPW.format(p="FY2018", v="2018-02-01")

measure = st.one_of(st.none(), st.floats(0, 40, allow_nan=False).map(lambda x: round(x, 2)))
row = st.tuples(st.sampled_from(PRACTICES), st.sampled_from(NODES), measure, measure)
asks = st.lists(
    st.lists(st.sampled_from(NODES), min_size=1, max_size=6, unique=True), min_size=1, max_size=5
)


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys).reset_index(drop=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(row, max_size=25, unique_by=lambda r: (r[0], r[1])),
    asks=asks,
    org=st.sampled_from(["QQ1", "CC1", "CC2"]),
)
def test_shared_node_values_equal_resolving_each_table_alone(
    rows: list[tuple], asks: list[list[str]], org: str
) -> None:
    wf = workforce([(p, SEP17, n, hc, fte, SOURCE) for p, n, hc, fte in rows])
    data = BaselineData(workforce=wf, registry=registry(), source=SourceKind.GPW)
    at, scope = prepare(data, org, SEP17)
    for nodes in asks:
        values, org_rows = scope_values(at, scope, nodes)
        mine = at.workforce.loc[at.workforce["practice_code"].isin(list(scope.members))]
        alone = practice_values(mine, nodes, TAX)
        pd.testing.assert_frame_equal(
            _sorted(values, ["practice_code", "node"]), _sorted(alone, ["practice_code", "node"])
        )
        pd.testing.assert_frame_equal(
            _sorted(org_rows, ["org_code", "row", "node"]),
            _sorted(scope_rows(alone, scope), ["org_code", "row", "node"]),
        )


def test_a_bundle_reuses_its_period_copy_and_a_changed_bundle_does_not() -> None:
    wf = workforce([("P00001", SEP17, "GP_PARTNER", 1.0, 1.0, SOURCE)])
    data = BaselineData(workforce=wf, registry=registry(), source=SourceKind.GPW)
    assert data.at(SEP17) is data.at(SEP17)
    other = dataclasses.replace(data, workforce=workforce([]))
    assert other.at(SEP17) is not data.at(SEP17)
    assert other.at(SEP17).workforce.empty
    assert len(data.at(SEP17).workforce) == 1
