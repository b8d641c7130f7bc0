"""Correlation of draws on the user's path: ``gpworkforce forecast`` on the national benchmark
scenario with shared, independent and hierarchical draws in the same run (issue 9, item 4).

Each run is the CLI as a user runs it (a subprocess) on ``scenarios/england/practices-mc.toml``
(every practice in GPW Year 2024 x 120 months x 1,000 draws) extended by a ``[correlation]``
section; hierarchical draws are by ICB (the scenario already groups practices by ICB) with
``group_share = 0.5``. Compute is the CLI's own "computed in" line; peak memory the child's
maximum RSS. Shared draws are the obvious alternative (and the default) measured beside them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.bench_forecast_cli import SCENARIO, _cli
from benchmarks.common import Result

MODES = {
    "shared": '[correlation]\ndraws = "shared"\n',
    "independent": '[correlation]\ndraws = "independent"\n',
    "hierarchical": '[correlation]\ndraws = "hierarchical"\ngroup_share = 0.5\n',
}


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
            note = f"CPU {cpu:.2f} s; whole command {total:.1f} s; load {load}"
            out.append(
                Result(f"forecast national MC, {mode} draws: compute", wall, "s", 5.0, note=note)
            )
            out.append(
                Result(f"forecast national MC, {mode} draws: peak", peak, "MB", 2048.0, note=load)
            )
    return out
