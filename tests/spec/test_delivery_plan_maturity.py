"""Spec: the implementation timeline's periods and overdue milestones (LLR Figure 14), the delivery
plan (Figure 13), maturity matrices and their progress summary; the ``delivery`` commands."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gpworkforce.cli import app
from gpworkforce.delivery.maturity import Assessment, load_template, progress, template_names
from gpworkforce.delivery.plan import (
    CellStatus,
    overdue_milestones,
    parse_period,
    read_delivery_plan,
    read_timeline,
)
from gpworkforce.errors import ValidationFailed

DEMO = Path(__file__).resolve().parents[2] / "scenarios" / "llr-2017" / "delivery"
D = dt.date


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("Jul-17", D(2017, 7, 1), D(2017, 7, 31)),
        ("Feb-18", D(2018, 2, 1), D(2018, 2, 28)),
        ("Q1 18-20", D(2018, 4, 1), D(2018, 6, 30)),  # financial-year quarters of 2018/19
        ("Q3 18-20", D(2018, 10, 1), D(2018, 12, 31)),
        ("Q4 18-20", D(2019, 1, 1), D(2019, 3, 31)),
    ],
)
def test_period_labels(label, start, end):
    assert parse_period(label) == (start, end)


def test_llr_figure_14_critical_milestones_and_what_is_overdue():
    cells = read_timeline(DEMO / "implementation.csv")
    assert len({c.number for c in cells}) == 13
    assert len(cells) == 13 * 13  # every deliverable has a status in each of the 13 periods
    # Figure 14 row 1: Complete Jul-Sep 17, Critical Milestone Oct-17 and Mar-18
    row1 = [c for c in cells if c.number == 1]
    assert [c.period for c in row1 if c.status is CellStatus.CRITICAL] == ["Oct-17", "Mar-18"]
    # on 31 October 2017 nothing is overdue yet; on 1 November, the four October milestones are
    assert overdue_milestones(cells, D(2017, 10, 31)) == ()
    late = overdue_milestones(cells, D(2017, 11, 1))
    assert sorted(n for n, _ in late) == [1, 5, 9]  # rows with a Critical Milestone in Oct-17
    assert all(m.due == D(2017, 10, 31) for _, m in late)


def test_timeline_errors_name_row_and_column(tmp_path):
    bad = tmp_path / "plan.csv"
    bad.write_text("Number,Detail,Jul-17,Month 2\n1,Data,Done,Planned\nx,Other,Planned,Planned\n")
    with pytest.raises(ValidationFailed) as err:
        read_timeline(bad)
    text = "\n".join(str(i) for i in err.value.issues)
    assert "row 1, column 'Month 2'" in text
    assert (
        "row 2, column 'Jul-17': must be Planned, Complete, Critical Milestone, Issue or empty, got 'Done'"
        in text
    )
    assert "row 3, column 'Number': must be a whole number, got 'x'" in text


def test_llr_figure_13_delivery_plan():
    plan = read_delivery_plan(DEMO / "delivery-plan.toml")
    assert [d.number for d in plan.deliverable] == list(range(1, 14))
    first = plan.deliverable[0]
    assert (first.name, first.position, first.owner) == (
        "Workforce Data",
        "Commenced",
        "GP Programme Board",
    )
    assert "Continuous Data Collection - Quarterly basis" in first.actions
    assert plan.deliverable[11].owner == "CCG Chief Finance Officers"


def test_shipped_maturity_templates_and_progress():
    assert template_names() == ("pcn-nhse-2018", "primary-care-five-pillars")
    pcn = load_template("pcn-nhse-2018")
    assert pcn.levels == ("Foundation", "Step 1", "Step 2", "Step 3")
    dims = [d.key for d in pcn.dimensions]
    levels = dict.fromkeys(dims, "Foundation")
    a = Assessment(matrix=pcn.key, organisation="P1", period_end=D(2018, 8, 31), levels=levels)
    b = Assessment(
        matrix=pcn.key,
        organisation="P2",
        period_end=D(2018, 8, 31),
        levels=levels | {"plan_partnership": "Step 2"},
        moderated={"plan_partnership": "Step 1"},  # the reviewer's level counts
        reviewer="ICB",
    )
    cells = progress(pcn, [a, b], {"P1": "Bedford", "P2": "Bedford"})
    first = next(c for c in cells if c.dimension == "plan_partnership")
    assert first.counts == (1, 1, 0, 0)
    assert first.mean_rank == 0.5
    with pytest.raises(ValidationFailed, match="problem"):
        Assessment(
            matrix=pcn.key,
            organisation="P3",
            period_end=D(2018, 8, 31),
            levels={"plan_partnership": "Step 9"},
        ).check(pcn)


def test_delivery_commands(tmp_path):
    runner = CliRunner()
    result = runner.invoke(
        app, ["delivery", "risks", str(DEMO / "risks.csv"), "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Headline: 10 live risks of 10: 7 significant, 3 high")
    assert (tmp_path / "risk-heat-map.svg").read_text().startswith("<svg")
    assert (
        (tmp_path / "risks.csv").read_text(encoding="utf-8-sig").splitlines()[1].startswith("R001,")
    )
    result = runner.invoke(
        app,
        [
            "delivery",
            "timeline",
            str(DEMO / "implementation.csv"),
            "--as-of",
            "2017-11-01",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "on 1 November 2017: 3 critical milestones overdue" in result.stdout.splitlines()[0]
    assert result.stdout.startswith("Headline: ")
    assert "3 critical milestones overdue" in (tmp_path / "implementation-timeline.svg").read_text()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        (DEMO / "risks.csv")
        .read_text(encoding="utf-8")
        .replace(
            "R003,Nurses in training who work in practice,4,3,12",
            "R003,Nurses in training who work in practice,4,3,13",
        )
    )
    result = runner.invoke(app, ["delivery", "risks", str(bad)])
    assert result.exit_code == 4
    assert (
        "row 4, column 'Original rating': must equal likelihood x impact (4 x 3 = 12), got 13"
        in result.stderr
    )
