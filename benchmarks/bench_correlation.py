"""Correlation of draws on the user's path: ``gpworkforce forecast`` on the national benchmark
scenario with shared, independent and hierarchical draws in the same run (issue 9, item 4).

Each run is the CLI as a user runs it (a subprocess) on ``scenarios/england/practices-mc.toml``
(every practice in GPW Year 2024 x 120 months x 1,000 draws) extended by a ``[correlation]``
section; hierarchical draws are by ICB (the scenario already groups practices by ICB) with
``group_share = 0.5``. Compute is the CLI's own "computed in" line; peak memory the child's
maximum RSS. Shared draws (the default) are measured beside them.

The obvious alternative for correlated draws, measured in the same run: the previous path, which
forms every practice's values each step and measure, gathers each practice's own run and sums
them to ICBs (still used when the weights would have hundreds of directions, decision 0113),
forced in one process on the same scenario with independent draws, against the group sums from
each run's weights in the same process (compute = the runner's own "computed in" line).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.bench_forecast_cli import COMPUTED, DRAWS, SCENARIO, _cli
from benchmarks.common import Result, load_average

MODES = {
    "shared": '[correlation]\ndraws = "shared"\n',
    "independent": '[correlation]\ndraws = "independent"\n',
    "hierarchical": '[correlation]\ndraws = "hierarchical"\ngroup_share = 0.5\n',
}


def _in_process(path: Path, gather: bool) -> tuple[float, float]:
    """(compute wall s, compute CPU s) of ``run_scenario`` in this process; ``gather``: the
    previous path (every practice's values gathered each step) instead of the weights' sums."""
    from gpworkforce.forecast import cohort_mc
    from gpworkforce.forecast.runner import run_scenario

    saved = cohort_mc.GATHER_COST
    if gather:
        cohort_mc.GATHER_COST = -(10**9)  # never the weights: always the gather
    said: list[str] = []
    try:
        run_scenario(path, draws=DRAWS, progress=said.append)
    finally:
        cohort_mc.GATHER_COST = saved
    match = COMPUTED.search("\n".join(said))
    assert match is not None, said
    return float(match[1]), float(match[2])


def run() -> list[Result]:
    out: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        for mode, section in MODES.items():
            path = Path(tmp) / f"{mode}.toml"
            path.write_text(
                f'extends = "{SCENARIO}"\nname = "England, {mode} draws"\n{section}',
                encoding="utf-8",
            )
            wall, cpu, total, peak, load = _cli(path, Path(tmp) / mode)
            note = f"CPU {cpu:.2f} s; whole command {total:.1f} s; {load}"
            out.append(
                Result(f"forecast national MC, {mode} draws: compute", wall, "s", 5.0, note=note)
            )
            out.append(
                Result(f"forecast national MC, {mode} draws: peak", peak, "MB", 2048.0, note=load)
            )
        path = Path(tmp) / "independent.toml"
        for label, gather in (("weights' sums", False), ("previous gather", True)):
            before = load_average()
            wall, cpu = _in_process(path, gather)
            note = f"CPU {cpu:.2f} s; {before}; after: {load_average()}"
            out.append(
                Result(
                    f"in one process, independent draws, {label}: compute",
                    wall,
                    "s",
                    5.0,
                    note=note,
                )
            )
    return out
