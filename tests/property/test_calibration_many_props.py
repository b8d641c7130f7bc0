"""``calibrate_many`` calibrates every organisation from one practice x year grid; the oracle is
:func:`calibrate`, which joins each organisation's years one pair at a time. On random panels
(practices opening and closing, measures not available, zero headcounts, year windows) both
give the same intervals, and the same organisations are left out or refused."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gpworkforce.errors import UserError
from gpworkforce.forecast import calibration as c


def _panel(seed: int, n_practices: int, gaps: float, nan: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_practices):
        for fy in range(2016, 2022):
            if rng.random() < gaps:
                continue
            hc = float(rng.integers(0, 12))
            fte = hc * rng.uniform(0.4, 1.0)
            rows.append(
                (
                    f"P{i}",
                    fy,
                    float("nan") if rng.random() < nan else hc,
                    float("nan") if rng.random() < nan else fte,
                )
            )
    return pd.DataFrame(rows, columns=["practice_code", "fy", "headcount", "fte"])


def _one_by_one(panel, practice_org, first_fy, last_fy):  # type: ignore[no-untyped-def]
    out, refused = {}, {}
    members: dict[str, list[str]] = {}
    for practice, org in practice_org.items():
        members.setdefault(org, []).append(practice)
    for org, codes in members.items():
        if not panel["practice_code"].isin(codes).any():
            continue
        try:
            out[org] = c.calibrate(panel, codes, org, first_fy=first_fy, last_fy=last_fy)
        except UserError as exc:
            refused[org] = str(exc)
    return out, refused


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    n_practices=st.integers(1, 25),
    n_orgs=st.integers(1, 5),
    gaps=st.floats(0.0, 0.5),
    nan=st.floats(0.0, 0.3),
    window=st.sampled_from([(None, None), (2017, None), (None, 2019), (2018, 2020)]),
)
def test_the_grid_gives_what_calibrate_gives_one_organisation_at_a_time(
    seed: int,
    n_practices: int,
    n_orgs: int,
    gaps: float,
    nan: float,
    window: tuple[int | None, int | None],
) -> None:
    panel = _panel(seed, n_practices, gaps, nan)
    rng = np.random.default_rng(seed + 1)
    practice_org = {f"P{i}": f"O{rng.integers(0, n_orgs)}" for i in range(n_practices + 2)}
    first_fy, last_fy = window
    many = c.calibrate_many(
        panel, practice_org, first_fy=first_fy, last_fy=last_fy, skip_unusable=True
    )
    single, refused = _one_by_one(panel, practice_org, first_fy, last_fy)
    spans = panel.groupby("practice_code")["fy"].agg(["min", "max"])
    for org, cal in single.items():
        codes = [p for p, o in practice_org.items() if o == org]
        span = spans.reindex(codes).dropna()
        if span["min"].min() == span["max"].max():
            assert org not in many  # one year in the whole series: left out before calibrating
            continue
        assert org in many
        got = [dataclasses.asdict(iv) for iv in many[org].intervals]
        want = [dataclasses.asdict(iv) for iv in cal.intervals]
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            assert g == pytest.approx(w)
    assert not set(refused) & set(many)
    for org, message in refused.items():
        codes = [p for p, o in practice_org.items() if o == org]
        span = spans.reindex(codes).dropna()
        if span["min"].min() == span["max"].max():
            continue
        # without skip_unusable the same organisation is refused with the same message
        with pytest.raises(UserError) as err:
            c.calibrate_many(panel, dict.fromkeys(codes, org), first_fy=first_fy, last_fy=last_fy)
        assert str(err.value) == message
