"""`gpworkforce baseline --format csv` on a workspace imports only what it uses (issue 10, item
6): none of the libraries of charts, Excel, Word, PDF, the web app, the solvers or the forecast
engines, and neither the demo nor the returns machinery, so its start-up is pandas, pyarrow and
the project's own modules."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gpworkforce.cli import app
from gpworkforce.domain.orgs import OrgType
from gpworkforce.loaders import build_registry
from gpworkforce.loaders.synthetic_gpw import synthetic_detailed

pytestmark = pytest.mark.integration

UNUSED = (
    "altair",
    "vl_convert",
    "openpyxl",
    "xlsxwriter",
    "docx",
    "weasyprint",
    "PIL",
    "django",
    "scipy",
    "highspy",
    "pysd",
    "jinja2",
    "pyarrow.dataset",
    "gpworkforce.forecast.engine",
    "gpworkforce.demo",
    "gpworkforce.returns",
    "gpworkforce.reports.baseline_charts",
    "gpworkforce.web",
)


def test_a_csv_baseline_from_a_workspace_imports_nothing_it_does_not_use(
    shared_data: Path, tmp_path: Path
) -> None:
    on = dt.date(2025, 3, 31)
    codes = sorted(p for p, icb in build_registry().practice_map(on, OrgType.ICB).items()
                   if icb == "QK1")  # fmt: skip
    frame = synthetic_detailed(len(codes), seed=7)
    frame["PRAC_CODE"] = codes
    raw = tmp_path / "General Practice - March 2025 Practice Level - Detailed.csv"
    frame.to_csv(raw, index=False, na_rep="NA", float_format="%g")
    ws = tmp_path / "ws"
    loaded = CliRunner().invoke(app, ["load", "gpw-detailed", str(raw), "--data", str(ws)])
    assert loaded.exit_code == 0, loaded.output
    code = (
        "import sys\n"
        "from gpworkforce.cli import main\n"
        "try:\n"
        f"    main(['baseline', '--org', 'QK1', '--period', '{on}', '--source', 'gpw',\n"
        f"          '--data', {str(ws)!r}, '--format', 'csv', '--out', {str(tmp_path / 'out')!r}])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        f"print(sorted(m for m in {UNUSED!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "staff_by_group.csv").is_file()  # the report was made
    assert done.stdout.strip().splitlines()[-1] == "[]"
