"""Costing a run whose organisations have their own draws (issue 12 item 2, decision 0103).

The shipped LLR cohort scenario (``scenarios/llr-2017/cohort.toml``) extended by
``[correlation] draws = "independent"``, 1,000 draws, through the CLI (one process each, CPU
seconds of the child, best of 2, interleaved): ``forecast --no-costs`` (the forecast alone),
``forecast --costs`` (the same run costed: each class gathered per organisation and draw) and
``cost`` (money only: one streamed summary run). Issue 12's target: costing adds at most 20%.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.bench_finance import COSTS, DRAWS, SCENARIO, _cli_seconds
from benchmarks.common import Result, load_average


def run() -> list[Result]:
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        scenario = Path(tmp) / "independent.toml"
        scenario.write_text(
            f'extends = "{SCENARIO}"\nname = "LLR cohort, independent draws"\n'
            '[correlation]\ndraws = "independent"\n',
            encoding="utf-8",
        )
        commands = {
            "forecast --no-costs": ["forecast", "--no-costs"],
            "forecast --costs": ["forecast", "--costs", str(COSTS)],
            "cost": ["cost", "--costs", str(COSTS)],
        }
        cli: dict[str, tuple[float, float]] = {}
        load = [load_average()]
        for _ in range(2):
            for name, (command, *extra) in commands.items():
                wall, cpu = _cli_seconds([command, str(scenario), "--draws", str(DRAWS), *extra])
                best = cli.get(name, (wall, cpu))
                cli[name] = (min(best[0], wall), min(best[1], cpu))
        load.append(load_average())
    for name in commands:
        results.append(
            Result(
                f"CLI gpworkforce {name}, LLR cohort independent draws, 1,000 draws",
                cli[name][1],
                "s CPU",
                note=f"best of 2; wall {cli[name][0]:.2f} s; {load[0]} -> {load[1]}",
            )
        )
    alone, costed = cli["forecast --no-costs"], cli["forecast --costs"]
    results.append(
        Result(
            "CLI: costing adds to the forecast, LLR independent draws, CPU",
            100 * (costed[1] / alone[1] - 1),
            "% more",
            target=20,
            note=f"wall: {100 * (costed[0] / alone[0] - 1):+.1f}%",
        )
    )
    return results
