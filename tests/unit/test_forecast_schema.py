"""The published JSON Schema is up to date and every field is described."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gpworkforce.forecast.scenario_io import load_scenario, schema_text

ROOT = Path(__file__).resolve().parents[2]


def test_schema_file_is_up_to_date() -> None:
    shipped = (ROOT / "scenarios" / "schema.json").read_text(encoding="utf-8")
    assert shipped == schema_text(), "run: gpworkforce scenario-schema --out scenarios/schema.json"


def _undescribed(schema: dict[str, Any]) -> list[str]:
    missing = []
    for name, definition in [("Scenario", schema), *schema["$defs"].items()]:
        for prop, spec in definition.get("properties", {}).items():
            if not spec.get("description"):
                missing.append(f"{name}.{prop}")
    return missing


def test_every_field_has_a_description() -> None:
    schema = json.loads(schema_text())
    assert len(schema["$defs"]) > 15
    assert _undescribed(schema) == []


def test_sample_scenario_is_valid_and_uses_every_section() -> None:
    s = load_scenario(ROOT / "scenarios" / "sample.toml").scenario
    assert s.cohort is not None and s.cohort.demand is not None
    kinds = {f.kind for f in s.cohort.inflows}
    assert kinds == {"trainees", "international", "returners", "recruitment"}
    assert s.cohort.transitions and s.cohort.participation and s.cohort.leaving
