"""Change since the quarter before (issue 14): the paper's figure and key message, the dashboard's
headline and the quarter arithmetic, on hand-made baselines whose differences are known."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from gpworkforce.domain.report import ReportTable
from gpworkforce.papers.build import PaperInputs, build_paper
from gpworkforce.papers.headline import (
    baseline_headline,
    comparable,
    fmt_signed,
    headline_change,
    quarter_before,
)
from gpworkforce.reports.model import Report

SEP, JUN = dt.date(2017, 9, 30), dt.date(2017, 6, 30)


def _report(gp: float, total: float, returned: int, patients: float = 1_000_000.0) -> Report:
    staff = pd.DataFrame(
        {
            "row": ["total"],
            "org_name": ["Somewhere ICB"],
            "practices": [10],
            "GPs excl. registrars WTE": [gp],
            "Nurses WTE": [50.0],
            "Other clinical (DPC) WTE": [40.0],
            "Admin/non-clinical WTE": [total - gp - 90.0],
            "Total WTE": [total],
        }
    )
    gap = pd.DataFrame(
        {
            "row": ["total"],
            "org_name": ["Somewhere ICB"],
            "WTE": [gp],
            "Registered patients": [patients],
            "WTE per 1,000": [gp / patients * 1000],
            "Target per 1,000": [0.58],
            "WTE needed": [580.0],
            "Gap (WTE)": [580.0 - gp],
        }
    )
    response = pd.DataFrame(
        {"Expected practices": [10], "Returned": [returned], "Response rate %": [returned * 10.0]}
    )
    return Report(
        title="baseline",
        tables=(
            ReportTable(key="staff_by_group", title="Staff", frame=staff),
            ReportTable(key="target_gap", title="Gap", frame=gap),
            ReportTable(key="response_rate", title="Response", frame=response),
        ),
    )


def _paper(previous: Report | None):
    return build_paper(
        PaperInputs(
            baseline=_report(542.0, 2674.0, 10),
            organisation="Somewhere ICB",
            period=SEP,
            source_note="Figures from returns.",
            previous=previous,
            previous_period=JUN,
        )
    )


@pytest.mark.parametrize(
    ("day", "before"),
    [
        (SEP, JUN),
        (dt.date(2017, 3, 31), dt.date(2016, 12, 31)),
        (dt.date(2018, 2, 28), dt.date(2017, 11, 30)),
        (dt.date(2017, 12, 31), SEP),
        (dt.date(2020, 5, 31), dt.date(2020, 2, 29)),
    ],
)
def test_quarter_before_is_the_month_end_three_months_earlier(day, before):
    assert quarter_before(day) == before


def test_signed_figures_read_as_people_write_them():
    assert fmt_signed(12.04) == "+12.0"
    assert fmt_signed(-1234.5) == "\u22121,234.5"
    assert fmt_signed(-0.04) == "0.0" and fmt_signed(0.0) == "0.0"
    assert fmt_signed(None) == "not available"


def test_change_is_now_minus_then_for_each_figure():
    now = baseline_headline(_report(542.0, 2674.0, 10), "X", SEP)
    then = baseline_headline(_report(530.0, 2650.0, 8), "X", JUN)
    c = headline_change(now, then)
    assert c.since == JUN and c.gp_wte == pytest.approx(12.0)
    assert c.total_wte == pytest.approx(24.0)
    assert c.gp_per_1000 == pytest.approx(0.012)
    assert c.gap == pytest.approx(-12.0)
    assert c.response_points == pytest.approx(20.0)


def test_a_quarter_with_no_returns_is_not_compared():
    # every practice filled in from GPW: another source, not that quarter's returns
    assert not comparable(baseline_headline(_report(519.6, 2600.0, 0), "X", JUN))
    assert comparable(baseline_headline(_report(519.6, 2600.0, 1), "X", JUN))


def test_paper_states_the_change_in_a_figure_and_a_key_message():
    paper = _paper(_report(530.0, 2650.0, 8))
    message = next(m for m in paper.key_messages if "since 30 June 2017" in m)
    assert message == (
        "GP WTE rose by 12.0 WTE since 30 June 2017 (from 530.0 WTE); all staff changed by "
        "+24.0 WTE."
    )
    figure = next(f for f in paper.sections[0].figures if f.label.startswith("GP WTE change"))
    assert (figure.label, figure.value) == ("GP WTE change since 30 June 2017", "+12.0")


def test_paper_says_when_there_is_no_change_to_show():
    for previous in (None, _report(519.6, 2600.0, 0)):
        paper = _paper(previous)
        assert any(
            m.startswith("Change since 30 June 2017: not available") for m in paper.key_messages
        )
        figure = next(f for f in paper.sections[0].figures if f.label.startswith("GP WTE change"))
        assert figure.value == "not available"
    fall = _paper(_report(550.5, 2700.0, 9))
    assert any(m.startswith("GP WTE fell by 8.5 WTE since 30 June 2017") for m in fall.key_messages)


def test_dashboard_headline_shows_the_change_by_staff_group():
    from gpworkforce.web.dashboard_html import headline_view
    from gpworkforce.web.dashboards import Dashboard

    now = _report(542.0, 2674.0, 10)
    before = baseline_headline(_report(530.0, 2650.0, 8), "X", JUN)
    view = headline_view(Dashboard("X", SEP, (JUN, SEP), now.tables, previous=before))
    assert view is not None and view["quarter"] == "30 June 2017"
    assert view["quarter_change"]["value"] == "+12.0 WTE"
    assert "from 530.0 on 30 June 2017 to 542.0" in view["quarter_change"]["context"]
    assert "response rate 80% then, 100% now" in view["quarter_change"]["context"]
    groups = {label: change for label, _value, change in view["groups"]}
    assert groups["GPs excl. registrars"] == "+12.0" and groups["All staff"] == "+24.0"
    assert groups["Nurses"] == "0.0"
    alone = headline_view(Dashboard("X", SEP, (JUN, SEP), now.tables))
    assert alone is not None and alone["quarter_change"] is None
    assert "no practice of this organisation has an accepted return" in alone["quarter_text"]


def test_provenance_lists_the_tables_sources_when_the_baseline_states_none():
    now = _report(542.0, 2674.0, 10)
    table = now.tables[0]
    sourced = Report(
        title="baseline",
        tables=(
            ReportTable(
                key=table.key,
                title=table.title,
                frame=table.frame,
                sources=("practice-return:2017-09-30:2017-10-20:05926d38d5c5",) * 3,
            ),
            *now.tables[1:],
        ),
    )
    paper = build_paper(
        PaperInputs(baseline=sourced, organisation="X", period=SEP, source_note="Returns.")
    )
    appendix = paper.appendices[-1]
    assert appendix.title == "Appendix B: Where these figures come from"
    assert len(appendix.paragraphs) == 1 and "3 returns" in appendix.paragraphs[0]
    assert "05926d38d5c5" not in appendix.paragraphs[0]
    bare = build_paper(PaperInputs(baseline=now, organisation="X", period=SEP, source_note="R."))
    assert bare.appendices[-1].paragraphs == (
        "The figures' sources were not recorded with the baseline.",
    )
