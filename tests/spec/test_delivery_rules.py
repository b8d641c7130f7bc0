"""Spec: risk scoring, level bands and movement; KPI RAG derivation; the resilience score.

Expected values are worked by hand in the tables below (the arithmetic is in each row), or
copied from the LLR plan's risk log (Figure 15), never computed by the code under test.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gpworkforce.delivery.kpis import (
    Direction,
    Kpi,
    KpiValue,
    MeasureRef,
    Milestone,
    Override,
    Rag,
    kpi_rag,
)
from gpworkforce.delivery.registers import read_initiatives, read_risks
from gpworkforce.delivery.resilience import (
    DEFAULT_RESILIENCE,
    Indicator,
    PracticeMeasures,
    score_practice,
    watch_list,
)
from gpworkforce.delivery.risks import (
    DEFAULT_BANDS,
    Movement,
    Review,
    Risk,
    close_risk,
    movement,
    review_risk,
)

DEMO = Path(__file__).resolve().parents[2] / "scenarios" / "llr-2017" / "delivery"
D = dt.date

# --- risks --------------------------------------------------------------------------------------

# (likelihood, impact, rating, level): every rating the LLR log uses, with the level it prints
LLR_LOG = [
    ("R001", 4, 4, 16, "Significant"),
    ("R002", 5, 5, 25, "Significant"),
    ("R003", 4, 3, 12, "High"),
    ("R004", 4, 4, 16, "Significant"),
    ("R005", 5, 3, 15, "Significant"),
    ("R006", 4, 4, 16, "Significant"),
    ("R007", 3, 3, 9, "High"),
    ("R008", 4, 4, 16, "Significant"),
    ("R009", 3, 4, 12, "High"),
    ("R010", 5, 4, 20, "Significant"),
]


def test_the_llr_risk_log_is_reproduced_from_likelihood_and_impact():
    risks = {r.ref: r for r in read_risks(DEMO / "risks.csv")}
    assert sorted(risks) == [row[0] for row in LLR_LOG]
    for ref, likelihood, impact, rating, level in LLR_LOG:
        risk = risks[ref]
        assert (risk.original_likelihood, risk.original_impact) == (likelihood, impact)
        assert risk.original_rating == rating
        assert DEFAULT_BANDS.level(risk.rating) == level
        # the log prints "◀ ▶" (no movement) for every risk
        assert movement(risk) is Movement.SAME


@pytest.mark.parametrize(
    ("rating", "level"),
    [
        (1, "Low"),
        (3, "Low"),
        (4, "Moderate"),
        (6, "Moderate"),
        (8, "High"),
        (12, "High"),
        (15, "Significant"),
        (25, "Significant"),
    ],
)
def test_level_bands(rating, level):
    assert DEFAULT_BANDS.level(rating) == level


def _risk(**kw):
    base = {
        "ref": "R1",
        "description": "x",
        "added": D(2024, 1, 1),
        "original_likelihood": 3,
        "original_impact": 3,
    }
    return Risk(**(base | kw))


@pytest.mark.parametrize(
    ("reviews", "expected"),
    [
        ((), Movement.NEW),  # never reviewed
        (((2, 4, 4),), Movement.UP),  # 16 after the original 9
        (((2, 2, 4),), Movement.DOWN),  # 8 after the original 9
        (((2, 3, 3),), Movement.SAME),  # 9 after 9
        (((2, 5, 5), (3, 4, 4)), Movement.DOWN),  # 16 after 25: compared with the last review
        (((2, 1, 1), (3, 1, 2)), Movement.UP),  # 2 after 1
    ],
)
def test_movement_compares_the_latest_review_with_the_one_before(reviews, expected):
    risk = _risk()
    for month, likelihood, impact in reviews:
        risk = review_risk(risk, Review(on=D(2024, month, 1), likelihood=likelihood, impact=impact))
    assert movement(risk) is expected
    assert len(risk.reviews) == len(reviews)  # history kept


def test_reviews_must_be_in_date_order_and_a_closed_risk_needs_a_reason():
    risk = review_risk(_risk(), Review(on=D(2024, 3, 1), likelihood=2, impact=2))
    with pytest.raises(ValueError, match="date order"):
        review_risk(risk, Review(on=D(2024, 2, 1), likelihood=2, impact=2))
    with pytest.raises(ValueError, match="needs a date and a reason"):
        close_risk(risk, D(2024, 4, 1), "  ")
    closed = close_risk(risk, D(2024, 4, 1), "mitigated")
    with pytest.raises(ValueError, match="reopen"):
        review_risk(closed, Review(on=D(2024, 5, 1), likelihood=1, impact=1))


# --- KPI RAG ------------------------------------------------------------------------------------

KPI = Kpi(
    ref="3a",
    name="GP WTE",
    measure=MeasureRef(kind="baseline", measure="gp_fte", organisation="QK1"),
    unit="WTE",
    target=600,
    amber_tolerance=20,
)
LOWER = KPI.model_copy(
    update={"direction": Direction.LOWER_IS_BETTER, "target": 10, "amber_tolerance": 2}
)
TODAY = D(2024, 6, 30)


MARCH = D(2024, 3, 31)


def _v(value, on=MARCH):
    return KpiValue(period_end=on, value=value, source="test")


RAG_CASES = [
    # name, kpi, values, milestones, expected computed RAG
    ("no value", KPI, [], [], Rag.NOT_REPORTED),
    ("meets target", KPI, [_v(600)], [], Rag.GREEN),
    ("above target", KPI, [_v(640)], [], Rag.GREEN),
    ("short by 20 = tolerance", KPI, [_v(580)], [], Rag.AMBER),
    ("short by 20.5", KPI, [_v(579.5)], [], Rag.RED),
    ("latest value counts, not the best", KPI, [_v(650, D(2023, 12, 31)), _v(500)], [], Rag.RED),
    ("future value ignored", KPI, [_v(500), _v(650, D(2024, 9, 30))], [], Rag.RED),
    ("lower is better: 10 meets 10", LOWER, [_v(10)], [], Rag.GREEN),
    ("lower is better: 12 is amber", LOWER, [_v(12)], [], Rag.AMBER),
    ("lower is better: 12.5 is red", LOWER, [_v(12.5)], [], Rag.RED),
    ("stale green is amber (121 days)", KPI, [_v(600, D(2024, 3, 1))], [], Rag.AMBER),
    (
        "green, milestone 30 days late",
        KPI,
        [_v(600)],
        [Milestone(name="m", due=D(2024, 5, 31))],
        Rag.AMBER,
    ),
    (
        "green, milestone 91 days late",
        KPI,
        [_v(600)],
        [Milestone(name="m", due=D(2024, 3, 31))],
        Rag.RED,
    ),
    (
        "milestone done on time",
        KPI,
        [_v(600)],
        [Milestone(name="m", due=D(2024, 3, 31), done=D(2024, 3, 1))],
        Rag.GREEN,
    ),
    ("no value, milestone late", KPI, [], [Milestone(name="m", due=D(2024, 5, 31))], Rag.AMBER),
]


@pytest.mark.parametrize(
    ("name", "kpi", "values", "milestones", "expected"), RAG_CASES, ids=[c[0] for c in RAG_CASES]
)
def test_rag_derivation(name, kpi, values, milestones, expected):
    result = kpi_rag(kpi, values, TODAY, milestones)
    assert result.computed is expected
    assert result.rag is expected
    assert result.reasons


def test_an_override_shows_until_its_expiry_and_the_computed_rag_is_kept():
    override = Override(
        rag=Rag.GREEN,
        reason="recruits start in July",
        by="PMO",
        set_on=D(2024, 6, 1),
        expires=D(2024, 6, 30),
    )
    during = kpi_rag(KPI, [_v(500)], D(2024, 6, 30), override=override)
    assert (during.rag, during.computed, during.override) == (Rag.GREEN, Rag.RED, override)
    after = kpi_rag(KPI, [_v(500)], D(2024, 7, 1), override=override)
    assert (after.rag, after.override) == (Rag.RED, None)


# --- resilience ---------------------------------------------------------------------------------


def test_resilience_score_worked_by_hand():
    # default weights: over-55 2, locum 1.5, vacancies 1.5, patients/GP 2, trend 1.5,
    # single-handed 1, return 0.5: total 10
    practice = PracticeMeasures(
        code="P1",
        values={
            Indicator.OVER55_SHARE: 0.38,  # (0.38-0.2)/(0.5-0.2) = 0.6 -> 0.6 x 2 = 1.2
            Indicator.LOCUM_RELIANCE: 0.05,  # below 0.1 -> 0
            Indicator.GP_VACANCIES: 1,  # 1/2 = 0.5 -> 0.75
            Indicator.PATIENTS_PER_GP: 3500,  # capped at 1 -> 2.0
            Indicator.GP_WTE_CHANGE: -0.05,  # -0.05/-0.2 = 0.25 -> 0.375
            Indicator.SINGLE_HANDED: True,  # 1.0
            Indicator.RETURN_PROBLEM: None,  # missing -> 0, listed
        },
    )
    s = score_practice(practice, DEFAULT_RESILIENCE)
    assert s.score == pytest.approx(100 * (1.2 + 0.75 + 2.0 + 0.375 + 1.0) / 10)  # 53.25
    assert s.watch  # 53.25 >= 40
    assert s.missing == (Indicator.RETURN_PROBLEM,)
    assert s.reasons[0] == "registered patients per GP WTE: 3,500"
    assert [c.indicator for c in s.contributions] == [
        Indicator.PATIENTS_PER_GP,
        Indicator.OVER55_SHARE,
        Indicator.SINGLE_HANDED,
        Indicator.GP_VACANCIES,
        Indicator.GP_WTE_CHANGE,
    ]


def test_watch_list_ranks_least_resilient_first():
    a = PracticeMeasures(code="A", values={Indicator.SINGLE_HANDED: True})  # 1/10 -> 10
    b = PracticeMeasures(code="B", values={Indicator.PATIENTS_PER_GP: 3000})  # 2/10 -> 20
    c = PracticeMeasures(code="C", values={Indicator.SINGLE_HANDED: False})  # 0
    ranked = watch_list([a, b, c])
    assert [(s.code, s.rank, s.score) for s in ranked] == [
        ("B", 1, 20.0),
        ("A", 2, 10.0),
        ("C", 3, 0.0),
    ]


# --- initiatives (LLR Table 16) -----------------------------------------------------------------


def test_llr_table_16_national_and_local_counts():
    items = read_initiatives(DEMO / "initiatives.csv")
    assert len(items) == 21
    # Table 16 ticks "FYFV" (national) for 8 initiatives and "Local" for 13
    assert sum(i.national for i in items) == 8
    assert sum(i.local for i in items) == 13
    levers = {i.name: i.lever for i in items if i.lever}
    assert levers["International Recruitment"] == "international_recruits"
    assert levers["Think Tank - Locum conversion to Substantive"] == "locum_conversion"
