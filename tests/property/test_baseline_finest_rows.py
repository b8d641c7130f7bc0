"""``finest_rows`` (age tables) drops exactly the rows whose node has a descendant given by the
same practice, period and source: checked against a plain reference on random frames."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from gpworkforce import tables
from gpworkforce.baseline.age import finest_rows
from gpworkforce.domain.taxonomy import load_taxonomy

TAXONOMY = load_taxonomy()
NODES = ["GP", "GP_QUALIFIED", "GP_PARTNER", "GP_SALARIED", "NURSE", "NURSE_PRACTICE", "ADMIN"]
NODES = [n for n in NODES if n in TAXONOMY.nodes]
DATES = [dt.date(2023, 9, 30), dt.date(2024, 9, 30)]


def reference(frame: pd.DataFrame) -> list[int]:
    """Positions of the rows kept: a row goes when another row of its practice, period and
    source has a node whose leaves are a proper subset of its node's leaves."""
    keep = []
    for i, row in enumerate(frame.itertuples(index=False)):
        same = frame.loc[
            (frame["practice_code"] == row.practice_code)
            & (frame["period"] == row.period)
            & (frame["source_id"] == row.source_id)
        ]
        mine = TAXONOMY.leaves_of(row.node)
        if not any(TAXONOMY.leaves_of(str(o)) < mine for o in same["node"]):
            keep.append(i)
    return keep


rows = st.tuples(
    st.sampled_from(["P00001", "P00002", "P00003"]),
    st.sampled_from(DATES),
    st.sampled_from(NODES),
    st.sampled_from(["s:a", "s:b"]),
    st.integers(0, 5),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(rows, max_size=30))
def test_finest_rows_keeps_what_the_plain_rule_keeps(drawn: list[tuple]) -> None:
    frame = tables.conform(
        pd.DataFrame(
            {
                "practice_code": [r[0] for r in drawn],
                "period": pd.to_datetime([r[1] for r in drawn]),
                "node": [r[2] for r in drawn],
                "age_band": ["55-59"] * len(drawn),
                "sex": ["M"] * len(drawn),
                "headcount": [float(r[4]) for r in drawn],
                "fte": [float(r[4]) / 2 for r in drawn],
                "source_id": [r[3] for r in drawn],
            }
        ),
        tables.DEMOGRAPHY,
    )
    kept = finest_rows(frame, TAXONOMY)
    pd.testing.assert_frame_equal(kept, frame.iloc[reference(frame)])
