"""The scheduled full mutation run is really scheduled, and runs every core module with the gate.

docs/testing.md promises a nightly run of every core module failing under 90%; these checks fail
when the schedule, the script it calls or the gate are taken away.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _mutation_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("mutation_script", ROOT / "scripts/mutation.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_workflow_runs_the_nightly_script_on_a_daily_schedule() -> None:
    text = (ROOT / ".github/workflows/mutation-nightly.yml").read_text(encoding="utf-8")
    crons = re.findall(r'^\s*-\s*cron:\s*"([^"]+)"', text, flags=re.M)
    assert len(crons) == 1
    minute, hour, day, month, weekday = crons[0].split()
    assert (day, month, weekday) == ("*", "*", "*"), "every night"
    assert 0 <= int(minute) < 60 and 0 <= int(hour) < 24
    assert re.search(r"^\s*- run: \.ci/nightly\s*$", text, flags=re.M)


def test_the_nightly_script_mutates_every_module_and_fails_under_ninety_percent() -> None:
    script = ROOT / ".ci/nightly"
    assert script.stat().st_mode & 0o111, ".ci/nightly must be executable"
    calls = [
        shlex.split(line)
        for line in script.read_text(encoding="utf-8").splitlines()
        if "scripts/mutation.py" in line and not line.lstrip().startswith("#")
    ]
    assert len(calls) == 1
    args = calls[0][calls[0].index("scripts/mutation.py") + 1 :]
    # no module names and no --changed-since / --budget: the whole set
    assert args == ["--min-score", "0.9"]
    assert "set -euo pipefail" in script.read_text(encoding="utf-8")
    mutation = _mutation_script()
    assert set(mutation.MODULES) >= {
        "workflow", "permissions", "exports", "rules", "validate", "per_thousand",
        "hee_linear", "cohort",
    }  # fmt: skip
