"""The cohort engine back-tested on the real GPW series: every ICB from September 2017."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gpworkforce.forecast.backtest import summarise
from gpworkforce.forecast.backtest_cohort import backtest_cohort, start_stocks
from gpworkforce.forecast.calibration import GP_ADMIN_FILE, icb_map, load_panel


@pytest.fixture(scope="module")
def panel(shared_data: Path) -> pd.DataFrame:
    return load_panel(shared_data / "nhs" / GP_ADMIN_FILE)


@pytest.fixture(scope="module")
def practice_icb(shared_data: Path) -> dict[str, str]:
    return icb_map()


def test_every_icb_by_the_engine_without_look_ahead(
    panel: pd.DataFrame, practice_icb: dict[str, str]
) -> None:
    got = backtest_cohort(panel, practice_icb, n_draws=200, seed=7)
    scores = got.result.scores_frame()
    assert len(scores) == 42 and "QK1" in set(scores["org"])
    assert set(scores["method"]) == {"cohort-pooled"}
    assert (scores["n"] == 6).all() and scores["coverage"].between(0, 1).all()
    bands = got.result.bands_frame()
    start = bands[bands.fy == 2018]
    assert np.allclose(start["central"], start["actual"])  # starts at September 2017's actual
    # LLR starts from GPW Year 2018's qualified GPs: 519.6 FTE (docs/model.md)
    assert start_stocks(panel, practice_icb, 2018).loc["QK1", "fte"] == pytest.approx(519.6)
    # no look-ahead: with every row after the start removed, the forecast is the same
    cut = backtest_cohort(panel[panel.fy <= 2018], practice_icb, n_draws=200, seed=7)
    pd.testing.assert_frame_equal(
        cut.result.bands_frame()[["org", "fy", "central", "p10", "p50", "p90"]],
        bands[["org", "fy", "central", "p10", "p50", "p90"]],
    )
    pooled = got.rates[got.rates.rate == "leaver_rate"]
    assert pooled["mean"].nunique() == 1  # one pooled rate for every area
    summary = summarise(got.result.scores)
    assert 0 < summary["median_mape_p50"] < 15
    area = backtest_cohort(panel, practice_icb, mode="area", n_draws=200, seed=7)
    own = area.rates[area.rates.rate == "leaver_rate"]
    assert own["mean"].nunique() > 30  # each area its own rate
    assert set(area.result.scores_frame()["method"]) == {"cohort-area"}
