"""The scenario pages' charts fit the page's column at 1,280 px (960 px) with every label and
legend entry whole, and the comparison's finding judges each scenario against its own target
(issue 14, item 6). Drawn by vl-convert, the Vega-Lite the pages' vega-embed draws."""

from __future__ import annotations

import json
import re

import vl_convert

from gpworkforce.web.scenarios.charts import PALETTE, _fan_finding, fan_spec, tornado_spec

COLUMN = 960  # the NHS.UK page column at 1,280 px


def _drawn(spec: str) -> str:
    return vl_convert.vegalite_to_svg(json.loads(spec))


def _width(svg: str) -> float:
    match = re.search(r'<svg[^>]*\bwidth="([\d.]+)"', svg)
    assert match is not None
    return float(match.group(1))


def test_the_tornado_fits_the_column_with_its_longest_label_whole() -> None:
    longest = "Hours worked (GPs and GP locums): change in WTE per head a year"
    tornado = {
        "outcome": "WTE GP gap (demand - supply) on 30 September 2020",
        "central": 87.9,
        "bars": [
            {"label": longest, "outcome_at_p10": 72.2, "outcome_at_p90": 103.4},
            {"label": "Leaving (early, everyone, under 55): rate a year", "outcome_at_p10": 74.0, "outcome_at_p90": 101.0},
        ],
    }  # fmt: skip
    svg = _drawn(tornado_spec(tornado))
    assert _width(svg) <= COLUMN
    assert f">{longest}<" in svg  # not cut short with an ellipsis


def _line(name: str, i: int) -> dict[str, object]:
    rows = [
        {"date": "2017-09-30", "central": 540.0 + i},
        {"date": "2020-09-30", "central": 600.0 + 10 * i},
    ]
    return {"name": name, "color": PALETTE[i % len(PALETTE)], "rows": rows}


def test_the_comparison_fits_the_column_and_its_legend_names_every_scenario() -> None:
    names = [
        "LLR 2017 cohort: Scenario 2 assumptions",
        "Scenario 1: Base position",
        "Scenario 2 with uncertainty",
        "Scenario 2: International recruitment and improved retention",
        "Scenario 3: Scenario 2 plus role substitution",
    ]
    target = {"date": "2020-09-30", "wte": 639.0, "label": "Target"}
    svg = _drawn(
        fan_spec([_line(n, i) for i, n in enumerate(names)], [target], "GP supply", "WTE GPs")
    )
    assert _width(svg) <= COLUMN
    for name in names:
        assert f">{name}<" in svg, name


def test_scenarios_with_different_targets_are_each_judged_against_their_own() -> None:
    """Scenario 3 meets its own 639 WTE: the finding must not say no scenario reaches 'the
    target' because the first run's target (669.3) is higher."""
    low = {"date": "2020-09-30", "wte": 639.0, "label": "Target", "gap": -19.0}
    high = {"date": "2020-09-30", "wte": 669.3, "label": "Target", "gap": 87.9}
    lines = [_line("Cohort", 0) | {"target": high}, _line("Scenario 3", 1) | {"target": low}]
    assert _fan_finding(lines, [high, low], "WTE GPs") == (
        "1 of 2 scenarios reaches its own target; the targets differ (639.0 to 669.3 WTE GPs)"
    )
    missed = {"date": "2020-09-30", "wte": 639.0, "label": "Target", "gap": 9.0}
    lines = [_line("Cohort", 0) | {"target": high}, _line("Scenario 2", 1) | {"target": missed}]
    assert _fan_finding(lines, [high, missed], "WTE GPs") == (
        "No scenario reaches its own target; the closest, Scenario 2, is 9.0 short of 639.0"
        " WTE GPs; the targets differ (639.0 to 669.3 WTE GPs)"
    )


def test_the_chance_says_none_of_the_draws_rather_than_a_bare_zero() -> None:
    from gpworkforce.web.scenarios.charts import target_sentence

    target = {
        "date": "2020-09-30",
        "label": "Target",
        "wte": 669.3,
        "supply_central": 581.3,
        "gap": 88.0,
        "probability": 0.0,
        "draws": 1000,
    }
    said = target_sentence(target, 1000)["chance"]
    assert said.endswith("0% of 1,000 Monte Carlo draws (none of them) reach it."), said
    said = target_sentence(target | {"probability": 0.15}, 1000)["chance"]
    assert said.endswith("15% of 1,000 Monte Carlo draws (150) reach it."), said
