"""Properties of the skill-mix arithmetic: the flat substitution ratio is a special case of the task
model for any numbers, and more hours at any level never lower the capacity for a task."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gpworkforce.domain.taxonomy import SkillLevel as L
from gpworkforce.skillmix.mix import (
    flat_ratio_gp_equivalent,
    gp_equivalent_wte,
    supply_hours,
    task_capacity,
)
from skillmix_support import one_task

WTE = st.floats(min_value=0.0, max_value=2000.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    gps=WTE,
    subs=WTE,
    ratio=st.floats(min_value=1.0, max_value=6.0),
    gp_minutes=st.floats(min_value=3.0, max_value=30.0),
    sup_share=st.floats(min_value=0.0, max_value=0.9),
)
def test_flat_ratio_equals_the_one_task_special_case(
    gps: float, subs: float, ratio: float, gp_minutes: float, sup_share: float
) -> None:
    # supervision minutes per substitute task, kept below a GP's own time for the task
    supervision = sup_share * gp_minutes
    cat = one_task(gp_minutes, ratio * gp_minutes, supervision=supervision)
    hours = supply_hours(cat, {"GP_SALARIED": gps, "NURSE_ANP": subs})
    if supervision * subs / (ratio * gp_minutes) > gps:  # not enough GPs to supervise
        return
    got = gp_equivalent_wte(cat, hours, "consult", gp_hours=1600)
    # supervision as GP WTE per substitute WTE: (tasks a substitute does) x supervision / GP time
    expected = flat_ratio_gp_equivalent(gps, subs, ratio, supervision / (ratio * gp_minutes))
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-7)


@settings(max_examples=60, deadline=None)
@given(
    a=WTE,
    e=WTE,
    extra=st.floats(min_value=0.0, max_value=500.0),
    level=st.sampled_from([L.AUTONOMOUS, L.ENHANCED]),
)
def test_more_hours_never_lower_capacity(a: float, e: float, extra: float, level: L) -> None:
    cat = one_task(10, 20, supervision=1)
    hours = {L.AUTONOMOUS: a, L.ENHANCED: e}
    more = {**hours, level: hours[level] + extra}
    # with supervision unmet, capacity may stop growing but must never fall
    assert task_capacity(cat, more, "consult") >= task_capacity(cat, hours, "consult") - 1e-9
