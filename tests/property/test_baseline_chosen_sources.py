"""The vintage rule per practice and period (decision 0047) against a plain reference, on random
frames with one or several sources per period (one source per period takes a short cut)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from gpworkforce.baseline.data import BaselineData, SourceKind, _select_sources, chosen_mask
from gpworkforce.domain.orgs import OrgRegistry

SOURCES = [
    "gpw-practice-detailed:2024-09-30:2024-11-01:aa",
    "gpw-practice-detailed:2024-09-30:2025-01-01:bb",
    "gpw-practice-detailed:2024-09-30:unknown-vintage:cc",
    "practice-return:2024-09-30:unknown-vintage:dd",
]
DATES = [dt.date(2023, 9, 30), dt.date(2024, 9, 30)]


def reference(frame: pd.DataFrame, kind: SourceKind, order: dict[str, int]) -> np.ndarray:
    appear = {s: i for i, s in enumerate(dict.fromkeys(frame["source_id"]))}

    def preference(source: str) -> tuple[str, int, int]:
        vintage = source.rsplit(":", 3)[2]
        return (
            "" if vintage == "unknown-vintage" else vintage,
            order.get(source, -1),
            appear[source],
        )

    def of_kind(source: str) -> bool:
        return source.startswith("gpw" if kind is SourceKind.GPW else "practice-return")

    chosen = {}
    for (practice, period), rows in frame.groupby(["practice_code", "period"]):
        mine = [s for s in rows["source_id"] if of_kind(s)]
        if mine:
            chosen[(practice, period)] = max(mine, key=preference)
    return np.array(
        [
            chosen.get((p, d)) == s
            for p, d, s in zip(
                frame["practice_code"], frame["period"], frame["source_id"], strict=True
            )
        ],
        dtype=bool,
    )


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["P1", "P2", "P3"]),
            st.sampled_from(DATES),
            st.sampled_from(SOURCES),
        ),
        min_size=1,
        max_size=25,
    ),
    one_per_period=st.booleans(),
    kind=st.sampled_from([SourceKind.GPW, SourceKind.RETURNS]),
    loaded=st.permutations(SOURCES),
    listed=st.integers(0, len(SOURCES)),
)
def test_chosen_rows_follow_the_vintage_rule(
    rows: list[tuple[str, dt.date, str]],
    one_per_period: bool,
    kind: SourceKind,
    loaded: list[str],
    listed: int,
) -> None:
    if one_per_period:  # every row of a period from the first source drawn for it
        first: dict[dt.date, str] = {}
        rows = [(p, d, first.setdefault(d, s)) for p, d, s in rows]
    frame = pd.DataFrame(
        {
            "practice_code": pd.array([r[0] for r in rows], dtype="string"),
            "period": pd.to_datetime([r[1] for r in rows]),
            "source_id": pd.array([r[2] for r in rows], dtype="string"),
        }
    )
    order = {s: i for i, s in enumerate(loaded[:listed])}
    got = chosen_mask(frame, kind, order)
    np.testing.assert_array_equal(got, reference(frame, kind, order))
    # the distinct sources kept come out of the same pass, as the plain unique of the kept rows
    kept, sources = _select_sources(frame, kind, order)
    assert sources == tuple(sorted({str(s) for s in kept["source_id"].unique()}))
    assert sources == tuple(sorted(set(frame.loc[got, "source_id"])))
    # and a selected bundle reports them without looking again
    bundle = BaselineData(
        workforce=frame.assign(
            node=pd.array(["GP"] * len(frame), dtype="string"),
            headcount=pd.array([1.0] * len(frame), dtype="Float64"),
            fte=pd.array([1.0] * len(frame), dtype="Float64"),
        ),
        registry=OrgRegistry.build([], []),
        source_order=order,
    )
    selected = bundle.select(kind)
    assert selected is bundle.select(kind)  # selected once per bundle and kind
    assert selected.workforce_sources() == sources
    fresh = BaselineData(workforce=selected.workforce, registry=selected.registry)
    assert fresh.workforce_sources() == sources
