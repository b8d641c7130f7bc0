"""``tables.resolve_many`` gives exactly what ``tables.resolve`` gives, node by node."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.tables import WORKFORCE, conform, resolve, resolve_many

TAX = load_taxonomy()
NODES = sorted(TAX.nodes)
KEYS = ["practice_code", "period", "source_id"]

measure = st.one_of(st.none(), st.floats(0, 50, allow_nan=False).map(lambda x: round(x, 2)))
row = st.tuples(
    st.sampled_from(["P1", "P2", "P3"]),
    st.sampled_from(["2017-09-30", "2018-09-30"]),
    st.sampled_from(NODES),
    measure,
    measure,
    st.sampled_from(["s:a:2020-01-01:x", "s:a:2021-01-01:y"]),
)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(row, min_size=0, max_size=40), st.lists(st.sampled_from(NODES), min_size=1, max_size=6)
)
def test_resolve_many_matches_resolve(rows, nodes):
    frame = conform(
        pd.DataFrame(
            rows, columns=["practice_code", "period", "node", "headcount", "fte", "source_id"]
        ),
        WORKFORCE,
    )
    many = resolve_many(frame, nodes, TAX)
    assert list(many) == list(dict.fromkeys(nodes))
    for node in nodes:
        expected = resolve(frame, node, TAX).sort_values(KEYS).reset_index(drop=True)
        got = many[node].sort_values(KEYS).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected, check_index_type=False)
