"""The roll-up grouped on integer codes equals the group-by on the text it replaced: the same
groups in the same order, the same sums (each group's rows in the same order), the same dtypes."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gpworkforce.baseline.scope import _rollup_on_codes, rollup

PRACTICES = ["P1", "P2", "P3", "P10", "Q7"]
ORGS = ["B2", "A1", "b1", "C"]
measure = st.one_of(st.none(), st.floats(-5, 50, allow_nan=False, allow_subnormal=False))
row = st.tuples(
    st.one_of(st.none(), st.sampled_from(PRACTICES)),
    st.sampled_from(["GP", "NURSE", "ADMIN", "Gp"]),
    measure,
    measure,
)
mapping = st.dictionaries(st.sampled_from(PRACTICES), st.sampled_from(ORGS), max_size=5)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _by_text(values: pd.DataFrame, mapping: dict[str, str], measures, by) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """The roll-up as a group-by on the text (the form it replaced)."""
    frame = values.loc[values["practice_code"].isin(list(mapping))].copy()
    frame["org_code"] = frame["practice_code"].map(dict(mapping)).astype("string")
    keys = ["org_code", *by]
    grouped = frame.groupby(keys, sort=True, dropna=False)
    out = grouped[list(measures)].sum(min_count=1)
    counts = grouped[list(measures)].count()
    counts.columns = [f"reporting_{m}" for m in measures]
    return pd.concat([out, counts], axis=1).reset_index()


def _values(rows: list[tuple], text: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["practice_code", "node", "headcount", "fte"])
    frame["practice_code"] = frame["practice_code"].astype("string")
    frame["node"] = frame["node"].astype(text)
    for m in ("headcount", "fte"):
        frame[m] = frame[m].astype("Float64")
    return frame


@SETTINGS
@given(rows=st.lists(row, max_size=40), mapping=mapping, text=st.sampled_from(["string", object]))
def test_rollup_on_codes_equals_the_group_by_on_text(
    rows: list[tuple], mapping: dict[str, str], text: object
) -> None:
    values = _values(rows, text)  # type: ignore[arg-type]
    kept = values["practice_code"].isin(list(mapping))
    if kept.any():  # the integer codes are what is compared, not the fall-back
        assert _rollup_on_codes(values, mapping, ("fte",), ("node",)) is not None
    for measures in (("headcount", "fte"), ("fte",)):
        pd.testing.assert_frame_equal(
            rollup(values, mapping, measures),
            _by_text(values, mapping, measures, ("node",)),
            check_exact=True,
        )


def test_a_missing_key_falls_back_to_the_text() -> None:
    values = _values([("P1", "GP", 1.0, 2.0), ("P1", None, 3.0, None)], "string")
    assert _rollup_on_codes(values, {"P1": "A1"}, ("fte",), ("node",)) is None
    pd.testing.assert_frame_equal(
        rollup(values, {"P1": "A1"}),
        _by_text(values, {"P1": "A1"}, ("headcount", "fte"), ("node",)),
    )
