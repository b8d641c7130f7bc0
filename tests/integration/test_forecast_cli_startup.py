"""`gpworkforce --help` does not import the forecast engines, Altair or the back-test modules."""

from __future__ import annotations

import subprocess
import sys

from gpworkforce.cli import backtest as cli_backtest
from gpworkforce.forecast import backtest

HEAVY = (
    "altair",
    "vl_convert",
    "gpworkforce.forecast.engine",
    "gpworkforce.forecast.runner",
    "gpworkforce.forecast.backtest",
    "gpworkforce.forecast.calibration",
    "gpworkforce.forecast.sensitivity",
    "gpworkforce.forecast.scenario_io",
)


def test_help_imports_no_forecast_machinery() -> None:
    code = (
        "import sys\n"
        "from gpworkforce.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert "backtest" in done.stdout and "forecast" in done.stdout  # the commands are listed
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_cli_defaults_match_the_back_test_module() -> None:
    assert cli_backtest.START_FY == backtest.START_FY
    assert cli_backtest.HISTORY_FROM_FY == backtest.HISTORY_FROM_FY
    assert cli_backtest.END_FY == backtest.END_FY
