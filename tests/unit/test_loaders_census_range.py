"""A census date the publication never had is refused with the file and the range, nothing
loaded: GPW files (detailed, high-level, individual) by month end and series start, NHS Payments
by financial year end and series start (issue 10, item 5)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gpworkforce.cli import app
from gpworkforce.cli.workspace import read_manifest
from gpworkforce.errors import ValidationFailed
from gpworkforce.loaders import load_gpw_detailed, load_payments
from gpworkforce.loaders.gpw_high_level import load_gpw_high_level
from gpworkforce.loaders.gpw_individual import load_gpw_individual

PAYMENTS = Path(__file__).resolve().parents[1] / "data" / "payments_2015_2017"
NEXT_YEAR_BUT_ONE = dt.date.today().year + 2


# one small file of each GPW publication, as its loader reads it
SAMPLES = {
    "high_level": (
        "PRAC_CODE,PRAC_NAME,STAFF_GROUP,DETAILED_STAFF_ROLE,MEASURE,VALUE\n"
        "C82001,S,GP,Total,FTE,5\nC82001,S,GP,Total,Headcount,6\n"
    ),
    "detailed": (
        "PRAC_CODE,SUB_ICB_CODE,ICB_CODE,TOTAL_PATIENTS,TOTAL_GP_EXTGL_HC,TOTAL_GP_EXTGL_FTE,"
        "TOTAL_GP_HC,TOTAL_GP_FTE,"
        "TOTAL_NURSES_HC,TOTAL_NURSES_FTE,TOTAL_DPC_HC,TOTAL_DPC_FTE,TOTAL_ADMIN_HC,"
        "TOTAL_ADMIN_FTE\nC82001,03W,QK1,9000,5,4,6,5,2,1.5,1,1,8,6\n"
    ),
    "individual": (
        "SUB_ICB_CODE,SUB_ICB_NAME,UNIQUE_IDENTIFIER,STAFF_GROUP,DETAILED_STAFF_ROLE,STAFF_ROLE,"
        "FTE\n03W,Sub-ICB 03W,1,GP,Partner/Provider,GP Partners,0.8\n"
    ),
}


def sample(folder: Path, kind: str) -> Path:
    """The sample file of ``kind`` written as ``<kind>.csv`` in ``folder``."""
    path = folder / f"{kind}.csv"
    path.write_text(SAMPLES[kind], encoding="utf-8")
    return path


def refused(load, path: Path, period: dt.date | None = None) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as info:
        load(path, period=period) if period else load(path)
    [issue] = info.value.issues
    assert issue.location.file == path.name
    return str(issue)


@pytest.mark.parametrize(
    ("kind", "load", "first"),
    [
        ("high_level", load_gpw_high_level, dt.date(2023, 1, 31)),
        ("detailed", load_gpw_detailed, dt.date(2015, 9, 30)),
    ],
)
def test_gpw_census_before_the_series_after_next_year_or_not_a_month_end(
    tmp_path: Path, kind: str, load, first: dt.date
) -> None:  # type: ignore[no-untyped-def]
    path = sample(tmp_path, kind)
    assert load(path, period=first).periods == [first]  # the first census is accepted
    before = first.replace(day=1) - dt.timedelta(days=1)  # the month before: refused
    assert f"from {first.isoformat()}" in refused(load, path, before)
    late = dt.date(NEXT_YEAR_BUT_ONE, 1, 31)
    assert f"got {late.isoformat()}" in refused(load, path, late)
    assert "last day of a month" in refused(load, path, dt.date(2023, 9, 15))


def test_gpw_individual_census_given_is_checked(tmp_path: Path) -> None:
    path = sample(tmp_path, "individual")
    assert "from 2015-09-30" in refused(load_gpw_individual, path, dt.date(2014, 9, 30))
    assert "last day of a month" in refused(load_gpw_individual, path, dt.date(2023, 9, 1))


def test_payments_year_must_be_a_financial_year_of_the_series(tmp_path: Path) -> None:
    sample = PAYMENTS / "nhspaymentsgp-15-16-csv.csv"
    plain = tmp_path / "payments.csv"
    shutil.copyfile(sample, plain)
    assert load_payments(plain, period=dt.date(2014, 3, 31)).periods == [dt.date(2014, 3, 31)]
    assert "from 2014-03-31" in refused(load_payments, plain, dt.date(2013, 3, 31))
    assert "31 March" in refused(load_payments, plain, dt.date(2017, 3, 15))
    # a published name far in the future: 2031-32 is no year of the series yet
    future = (
        tmp_path / f"nhspaymentsgp-{NEXT_YEAR_BUT_ONE % 100}-{NEXT_YEAR_BUT_ONE % 100 + 1}-csv.csv"
    )
    shutil.copyfile(sample, future)
    assert f"got {NEXT_YEAR_BUT_ONE + 1}-03-31" in refused(load_payments, future)


def test_the_command_refuses_and_loads_nothing(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    path = sample(tmp_path, "high_level")
    result = CliRunner().invoke(
        app, ["load", "gpw-detailed", str(path), "--data", str(ws), "--period", "1999-01-31"]
    )
    assert result.exit_code == 4
    assert "high_level.csv: must be within the range" in result.stderr
    assert not (ws / "manifest.json").exists() or not read_manifest(ws).entries
