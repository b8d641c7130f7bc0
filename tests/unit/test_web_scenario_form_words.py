"""The scenario editor speaks to analysts (issue 14): for the LLR scenarios (the published
arithmetic and the cohort model), no hint or choice shows the scenario file's terms (TOML, field
keys such as ``per_1000`` or ``target_year``, raw values such as ``truncate``) or a raw ISO
date, and the rounding choices say what they do."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gpworkforce.forecast.scenario_io import load_scenario
from gpworkforce.web.scenarios import schemaform
from gpworkforce.web.scenarios.compute import json_document

LLR = Path(__file__).resolve().parents[2] / "scenarios" / "llr-2017"
FILE_TERMS = re.compile(
    r"toml|\b[a-z]+_[a-z0-9_]+\b|\[\{|'[a-z_-]+'(?=[:;,)])|\b\d{4}-\d{2}-\d{2}\b", re.IGNORECASE
)


def _fields(name: str) -> list[schemaform.FormField]:
    document = json_document(load_scenario(LLR / name).scenario)
    return schemaform.all_fields(schemaform.build_fields(document))


@pytest.mark.parametrize("name", ["scenario-1.toml", "scenario-2-uncertain.toml", "cohort.toml"])
def test_hints_and_choices_are_written_for_analysts(name: str) -> None:
    wrong = []
    for ff in _fields(name):
        for text in (ff.hint, ff.label, ff.unit, *(words for _, words in ff.choices)):
            if FILE_TERMS.search(text):
                wrong.append(f"{ff.path}: {text!r}")
    assert not wrong, "\n".join(wrong)


def test_rounding_choices_say_what_they_do() -> None:
    (rounding,) = [f for f in _fields("scenario-1.toml") if f.path == "hee_linear.rounding"]
    assert rounding.value == "truncate"  # the value kept in the file
    assert dict(rounding.choices) == {
        "truncate": "Round down to whole WTE (as the LLR plan's tables do)",
        "nearest": "Round to the nearest whole WTE",
        "none": "Do not round",
    }
