"""The resilience watch list end to end on the LLR 2017 demo: every practice scored from the
baseline's own tables, the watch list feeding proposed risks to the register."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from gpworkforce.cli import app
from gpworkforce.delivery.registers import read_risks

DEMO = Path(__file__).resolve().parents[2] / "scenarios" / "llr-2017" / "delivery"


def test_resilience_watch_list_from_the_demo_baseline(tmp_path):
    risks = DEMO / "risks.csv"
    result = CliRunner().invoke(
        app,
        [
            "delivery",
            "resilience",
            "--org",
            "QK1",
            "--period",
            "2017-09-30",
            "--risks",
            str(risks),
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    ranked = (tmp_path / "resilience.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(ranked) == 1 + 141  # every LLR practice of September 2017 is scored
    first = ranked[1].split(",")
    # C82620 is single-handed in the demo returns: 1.0 of the weight 10 (plus its other indicators)
    assert "single-handed practice" in ranked[1]
    assert float(first[3]) >= 40 and first[4] == "yes"
    watched = sum(1 for line in ranked[1:] if ",yes," in line)
    assert result.stdout.startswith(
        f"Headline: {watched} of 141 practices on the resilience watch list"
    )
    assert f"{watched} risk{'' if watched == 1 else 's'} proposed" in result.stdout
    proposed = read_risks(tmp_path / "proposed-risks.csv")
    assert all(
        r.status.value == "proposed" and r.trigger.startswith("resilience:") for r in proposed
    )
    assert (
        "change in GP WTE over the last year" in result.stdout
    )  # no earlier census: said, not hidden
