"""Properties of the delivery registers (issue 13): overrides expire, closed risks stay closed
unless a new trigger arrives, registers round-trip through CSV, the resilience score is monotone."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from gpworkforce.delivery.kpis import Kpi, KpiValue, MeasureRef, Override, Rag, kpi_rag
from gpworkforce.delivery.registers import read_risks, write_risks
from gpworkforce.delivery.resilience import (
    DEFAULT_RESILIENCE,
    Indicator,
    PracticeMeasures,
    score_practice,
)
from gpworkforce.delivery.risks import Mitigation, Review, Risk, RiskStatus, close_risk
from gpworkforce.delivery.triggers import Trigger, TriggerKind, propose_risks

dates = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2030, 12, 31))
KPI = Kpi(
    ref="k",
    name="k",
    measure=MeasureRef(kind="entered"),
    target=100,
    amber_tolerance=10,
)


@given(
    value=st.floats(0, 200, allow_nan=False),
    set_on=dates,
    days=st.integers(0, 400),
    today=dates,
    rag=st.sampled_from([Rag.RED, Rag.AMBER, Rag.GREEN]),
)
def test_an_override_never_outlives_its_expiry(value, set_on, days, today, rag):
    override = Override(
        rag=rag, reason="r", by="b", set_on=set_on, expires=set_on + dt.timedelta(days=days)
    )
    values = [KpiValue(period_end=dt.date(2015, 1, 1), value=value, source="s")]
    with_override = kpi_rag(KPI, values, today, override=override)
    without = kpi_rag(KPI, values, today)
    if today > override.expires or today < override.set_on:
        assert with_override.rag is without.rag
        assert with_override.override is None
    else:
        assert with_override.rag is rag
    assert with_override.computed is without.computed


@st.composite
def registers_and_triggers(draw):
    keys = draw(st.lists(st.sampled_from(["kpi:a", "kpi:b", "plan:c", "watch:d"]), max_size=6))
    register = []
    for i, key in enumerate(keys):
        added = draw(dates)
        risk = Risk(
            ref=f"R{i:03d}",
            description="d",
            added=added,
            original_likelihood=3,
            original_impact=3,
            trigger=key,
            trigger_on=added,
            status=RiskStatus.OPEN,
        )
        if draw(st.booleans()):
            risk = close_risk(risk, added + dt.timedelta(days=draw(st.integers(0, 200))), "done")
        register.append(risk)
    triggers = [
        Trigger(
            key=draw(st.sampled_from(["kpi:a", "kpi:b", "plan:c", "watch:d"])),
            kind=TriggerKind.KPI_RED,
            raised_on=draw(dates),
            subject="s",
            evidence="e",
        )
        for _ in range(draw(st.integers(0, 6)))
    ]
    return register, triggers


@given(registers_and_triggers())
def test_a_closed_risk_is_never_reraised_without_a_new_trigger(data):
    register, triggers = data
    before = [r.model_dump() for r in register]
    proposals = propose_risks(triggers, register)
    assert [r.model_dump() for r in register] == before  # the register itself is never changed
    for p in proposals:
        assert p.status is RiskStatus.PROPOSED
        same = [r for r in register if r.trigger == p.trigger]
        # never a second live risk for one condition
        assert not any(r.status in (RiskStatus.OPEN, RiskStatus.PROPOSED) for r in same)
        # a closed one only comes back for a trigger dated after its closure
        assert all(p.trigger_on > r.closed_on for r in same)
    # each condition proposed at most once
    assert len({p.trigger for p in proposals}) == len(proposals)
    # and every trigger newer than all closures of its key, with no live risk, is proposed
    for key in {t.key for t in triggers}:
        same = [r for r in register if r.trigger == key]
        newest = max(t.raised_on for t in triggers if t.key == key)
        live = any(r.status is RiskStatus.OPEN for r in same)
        handled = any(r.closed_on is not None and newest <= r.closed_on for r in same)
        assert (key in {p.trigger for p in proposals}) == (not live and not handled)


text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30
).filter(lambda s: s.strip() == s and ";" not in s and not s.startswith("•"))


@given(
    description=text,
    organisation=st.one_of(st.just(""), text),
    mitigations=st.lists(text, max_size=3),
    scores=st.tuples(*[st.integers(1, 5)] * 4),
    added=dates,
    reviewed_days=st.one_of(st.none(), st.integers(0, 300)),
)
def test_risk_register_round_trips_through_csv(
    tmp_path_factory, description, organisation, mitigations, scores, added, reviewed_days
):
    reviews = ()
    if reviewed_days is not None:
        reviews = (
            Review(
                on=added + dt.timedelta(days=reviewed_days), likelihood=scores[2], impact=scores[3]
            ),
        )
    risk = Risk(
        ref="R1",
        description=description,
        organisation=organisation,
        added=added,
        original_likelihood=scores[0],
        original_impact=scores[1],
        mitigations=tuple(Mitigation(action=m) for m in mitigations),
        reviews=reviews,
    )
    path = tmp_path_factory.mktemp("rt") / "risks.csv"
    write_risks([risk], path)
    assert read_risks(path) == (risk,)


shares = st.floats(0, 1, allow_nan=False)


@given(
    a=st.tuples(shares, shares, st.integers(0, 5), st.floats(0, 5000, allow_nan=False)),
    bump=st.floats(0, 1, allow_nan=False),
    which=st.integers(0, 3),
)
def test_a_worse_indicator_never_lowers_the_score(a, bump, which):
    keys = [
        Indicator.OVER55_SHARE,
        Indicator.LOCUM_RELIANCE,
        Indicator.GP_VACANCIES,
        Indicator.PATIENTS_PER_GP,
    ]
    base = dict(zip(keys, a, strict=True))
    worse = dict(base)
    worse[keys[which]] = base[keys[which]] + bump * (
        1000 if keys[which] is Indicator.PATIENTS_PER_GP else 1
    )
    s0 = score_practice(PracticeMeasures(code="p", values=base), DEFAULT_RESILIENCE).score
    s1 = score_practice(PracticeMeasures(code="p", values=worse), DEFAULT_RESILIENCE).score
    assert s1 >= s0
    assert 0 <= s0 <= 100
