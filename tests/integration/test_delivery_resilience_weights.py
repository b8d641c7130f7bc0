"""The resilience watch list's weights as a register file (issue 13 items 6 and 7): exported as
the settings page shows them (shares in %), imported from CSV or XLSX as the page saves them
(audited), round-tripping; a file with a problem is refused whole, each problem located."""

from __future__ import annotations

import pytest

from gpworkforce.delivery.resilience import DEFAULT_RESILIENCE, Indicator
from gpworkforce.errors import ValidationFailed
from gpworkforce.web.delivery import registers_io, services
from gpworkforce.web.models import AuditEvent
from gpworkforce.web.testing import build_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_weights_round_trip_and_an_edited_file_changes_them(fmt: str) -> None:
    world = build_world()
    actor = world.users["programme"]
    csv_text = registers_io.export_bytes("resilience-weights", "QK1", "csv").decode("utf-8-sig")
    # the documented defaults (docs/delivery.md), in the page's units
    assert "share of GP WTE aged 55 or over,2,20,50,%" in csv_text
    assert "registered patients per GP WTE,2,2000,3000,patients per GP WTE" in csv_text
    assert "single-handed practice,1,,,yes or no" in csv_text
    assert "Watch threshold,40,,,score out of 100" in csv_text
    data = registers_io.export_bytes("resilience-weights", "QK1", fmt)
    same = registers_io.import_register(actor, "resilience-weights", "QK1", f"w.{fmt}", data)
    assert (same.updated, same.unchanged) == (0, 1)
    assert not AuditEvent.objects.filter(action="resilience.settings").exists()
    # an ICB raises the weight of locum reliance, moves its range, lowers the threshold
    edited = (
        csv_text.replace(
            "GP locum WTE as a share of all GP WTE,1.5,10,30",
            "GP locum WTE as a share of all GP WTE,3,5,25",
        )
        .replace("Watch threshold,40", "Watch threshold,35")
        .encode("utf-8")
    )
    if fmt == "xlsx":
        import io

        import pandas as pd

        from gpworkforce.domain.report import ReportTable
        from gpworkforce.exports import xlsx_bytes

        frame = pd.read_csv(io.BytesIO(edited), dtype=str, keep_default_na=False)
        edited = xlsx_bytes([ReportTable(key="resilience_weights", title="w", frame=frame)])
    result = registers_io.import_register(actor, "resilience-weights", "QK1", f"w.{fmt}", edited)
    assert result.updated == 1
    config = services.resilience_config("QK1")
    rule = config.rules[Indicator.LOCUM_RELIANCE]
    assert (rule.weight, rule.starts, rule.full) == (3.0, 0.05, 0.25)
    assert config.watch_threshold == 35
    assert config.rules[Indicator.OVER55_SHARE] == DEFAULT_RESILIENCE.rules[Indicator.OVER55_SHARE]
    event = AuditEvent.objects.get(action="resilience.settings")
    assert event.actor_username == "programme" and event.after["watch_threshold"] == 35
    # and it exports as it was imported
    again = registers_io.export_bytes("resilience-weights", "QK1", "csv").decode("utf-8-sig")
    assert again == edited.decode("utf-8-sig") if fmt == "csv" else "3,5,25,%" in again


def test_a_bad_weights_file_is_refused_whole_each_problem_located() -> None:
    world = build_world()
    text = registers_io.export_bytes("resilience-weights", "QK1", "csv").decode("utf-8-sig")
    bad = (
        text.replace("vacant GP WTE,1.5,0,2", "vacant GP WTE,-1,0,2")
        .replace(
            "registered patients per GP WTE,2,2000,3000",
            "registered patients per GP WTE,2,2000,2000",
        )
        .replace("Watch threshold,40", "Watch threshold,140")
        + "made-up indicator,1,0,1,\n"
    )
    with pytest.raises(ValidationFailed) as exc:
        registers_io.import_register(
            world.users["programme"], "resilience-weights", "QK1", "w.csv", bad.encode()
        )
    said = [str(i) for i in exc.value.issues]
    assert len(said) == 4, said
    assert any("Weight" in s and "negative" in s for s in said)
    assert any("Full points at" in s and "differ" in s for s in said)
    assert any("from 0 to 100" in s for s in said)
    assert any("made-up indicator" in s for s in said)
    missing = "\n".join(line for line in text.splitlines() if not line.startswith("single-handed"))
    with pytest.raises(ValidationFailed) as exc:
        registers_io.import_register(
            world.users["programme"], "resilience-weights", "QK1", "w.csv", missing.encode()
        )
    assert "no row for single-handed practice" in str(exc.value.issues[0])
    assert services.resilience_config("QK1") == DEFAULT_RESILIENCE
    assert not AuditEvent.objects.filter(action="resilience.settings").exists()
    # a board viewer may not import
    from gpworkforce.web.delivery.actions import FieldError

    with pytest.raises(FieldError, match="may not change the delivery registers"):
        registers_io.import_register(
            world.users["board"], "resilience-weights", "QK1", "w.csv", text.encode()
        )
    assert services.resilience_config("QK1") == DEFAULT_RESILIENCE
