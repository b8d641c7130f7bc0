"""A GPW baseline reads the series' other dates as stored staff-group figures (decision 0150)
and gets the report it got from their rows; a newer vintage still wins, and a store without the
figures (older, or another taxonomy) is read from the rows and completed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from gpworkforce.cli import app, parsed
from gpworkforce.cli.baseline import build_baseline_report
from gpworkforce.cli.choices import SourceChoice
from gpworkforce.cli.sources import Focus, workspace_context
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.loaders.key_figures import figures_name

pytestmark = pytest.mark.integration

runner = CliRunner()
STAFF_GROUPS = "gpw_practice_fy2023_2025_staff_groups.csv"
ROW = '"C82001","2024","Leicester, Leicestershire and Rutland",24722.5833333333,11.1,'
ON = dt.date(2025, 3, 31)


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def _load(directory: Path, path: Path, published: str) -> None:
    args = ["load", "gpw-practice-year", str(path), "--data", str(directory)]
    ok(runner.invoke(app, [*args, "--published", published]))


def _series(directory: Path, focus: bool) -> pd.DataFrame:
    """The report's series: read as a report reads it (``focus``: the other dates as key
    figures), or with every row of every date (how reports read before decision 0150)."""
    context = workspace_context(directory, focus=Focus("QK1", ON, "gpw") if focus else None)
    tables = build_baseline_report(context, "QK1", ON, SourceChoice.GPW, with_charts=False)
    (series,) = [t for t in tables.tables if t.key == "series"]
    return series.frame


def _stores(directory: Path) -> list[Path]:
    return sorted((directory / parsed.PARSED).glob(f"*/v{parsed.PARSE_VERSION}"))


def test_the_series_from_key_figures_equals_the_one_from_rows(
    shared_data: Path, tmp_path: Path
) -> None:
    _load(tmp_path, shared_data / "nhs" / STAFF_GROUPS, "2024-06-01")
    (store,) = _stores(tmp_path)
    assert (store / figures_name(load_taxonomy())).is_file()  # written by the load
    wanted = Focus("QK1", ON, "gpw")
    context = workspace_context(tmp_path, focus=wanted)
    # only the report's own date is read as rows; the others as figures
    assert set(context.data.workforce["period"].unique()) == {pd.Timestamp(ON)}
    assert len(context.data.figures) and pd.Timestamp(ON) not in set(context.data.figures["period"])
    # on its own date, the report's practices' rows and every practice's key figures (whose
    # practices it counts when it says how many it could not place)
    census = context.data.census
    assert set(census["period"]) == {pd.Timestamp(ON)}
    assert set(context.data.workforce["practice_code"]) < set(census["practice_code"])
    series = _series(tmp_path, focus=True)
    assert len(series) >= 2
    pd.testing.assert_frame_equal(series, _series(tmp_path, focus=False), check_exact=True)


def test_a_newer_vintage_changes_the_series(shared_data: Path, tmp_path: Path) -> None:
    original = shared_data / "nhs" / STAFF_GROUPS
    _load(tmp_path, original, "2024-06-01")
    before = _series(tmp_path, focus=True)
    text = original.read_text(encoding="utf-8")
    assert ROW in text
    revised = tmp_path / "revised.csv"
    revised.write_text(text.replace(ROW, ROW.replace(",11.1,", ",21.1,")), encoding="utf-8")
    _load(tmp_path, revised, "2025-06-01")
    after = _series(tmp_path, focus=True)
    pd.testing.assert_frame_equal(after, _series(tmp_path, focus=False), check_exact=True)
    column = next(c for c in after.columns if c.endswith("WTE"))  # the GP column
    year = after["Period"] == "2024-03-31"
    change = float(after.loc[year, column].iloc[0]) - float(before.loc[year, column].iloc[0])
    assert change == pytest.approx(10.0)


def test_a_store_without_figures_is_read_from_its_rows_and_completed(
    shared_data: Path, tmp_path: Path
) -> None:
    _load(tmp_path, shared_data / "nhs" / STAFF_GROUPS, "2024-06-01")
    (store,) = _stores(tmp_path)
    figures = store / figures_name(load_taxonomy())
    expected = _series(tmp_path, focus=True)
    # a store written before the figures, and one holding figures of another taxonomy
    figures.rename(store / "figures-v1-000000000000.parquet")
    pd.testing.assert_frame_equal(_series(tmp_path, focus=True), expected, check_exact=True)
    assert figures.is_file()  # computed from the rows and written for the next report
    pd.testing.assert_frame_equal(_series(tmp_path, focus=True), expected, check_exact=True)
