"""A Vensim model typed in as a system-dynamics user writes it, run by PySD, against the same
equations written as a scenario with ``integration = "system-dynamics"`` (Euler, every flow on the
stocks at the start of the step): every quarter of three years agrees to 1e-9 relative.

The same scenario with the default sequential integration and the rates read as annual
probabilities does not agree (the difference the issue reported), which shows the comparison can
fail.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

from gpworkforce.forecast.cohort import run_cohort
from gpworkforce.forecast.io import load_cohort_data
from gpworkforce.forecast.scenario_io import load_scenario

pytestmark = pytest.mark.integration
DATA = Path(__file__).resolve().parents[1] / "data"


def _pysd_paths(tmp_path: Path) -> tuple[np.ndarray, np.ndarray]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import pysd

        mdl = tmp_path / "two_band_sd.mdl"
        shutil.copy(DATA / "two_band_sd.mdl", mdl)  # PySD writes its .py beside the .mdl
        model = pysd.read_vensim(str(mdl))
        out = model.run(return_columns=["Under 55 FTE", "Over 55 FTE"])
    return out["Under 55 FTE"].to_numpy(), out["Over 55 FTE"].to_numpy()


def _ours() -> np.ndarray:
    loaded = load_scenario(DATA / "two_band_sd.toml")
    data = load_cohort_data(loaded)
    fc = run_cohort(loaded.scenario.cohort, data.stocks)
    return fc.engine.fte[0, :, 0, 0, :]  # [steps + 1, bands]


def test_vensim_model_and_scenario_agree(tmp_path: Path) -> None:
    under, over = _pysd_paths(tmp_path)
    ours = _ours()
    assert ours.shape == (13, 2) and under.shape == (13,)  # 0, 0.25, ..., 3 years
    np.testing.assert_allclose(ours[:, 0], under, rtol=1e-9, atol=0)
    np.testing.assert_allclose(ours[:, 1], over, rtol=1e-9, atol=0)
    assert abs(under[-1] / under[0] - 1) > 0.05  # the model moves: the check is not trivial


def test_sequential_reading_of_the_same_numbers_differs(tmp_path: Path) -> None:
    _, over = _pysd_paths(tmp_path)
    text = (DATA / "two_band_sd.toml").read_text(encoding="utf-8")
    text = text.replace('integration = "system-dynamics"', "")
    text = text.replace('rate_kind = "continuous"', "").replace('change_kind = "continuous"', "")
    (tmp_path / "seq.toml").write_text(text, encoding="utf-8")
    loaded = load_scenario(tmp_path / "seq.toml")
    fc = run_cohort(loaded.scenario.cohort, load_cohort_data(loaded).stocks)
    seq = fc.engine.fte[0, -1, 0, 0, :]
    assert abs(seq[1] / over[-1] - 1) > 1e-3  # over-55 FTE off by more than 0.1% after 3 years


def test_participation_by_age_band_agrees_with_pysd(tmp_path: Path) -> None:
    """Over-55s cutting sessions faster (-8% a year, under-55s -2%), written in Vensim as a user
    would (each band's sessions flow on its own stock and rate) and as a scenario with one
    participation rule per band: every quarter agrees to 1e-9."""
    mdl = (DATA / "two_band_sd.mdl").read_text(encoding="utf-8")
    old = "Over 55 FTE*Participation change rate"
    assert old in mdl
    mdl = mdl.replace(old, "Over 55 FTE*Over 55 participation change rate").replace(
        "Participation change rate=\n",
        "Over 55 participation change rate=\n\t-0.08\n\t~\t1/Year\n\t~\t|\n\n"
        "Participation change rate=\n",
    )
    (tmp_path / "by_band.mdl").write_text(mdl, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pysd

        out = pysd.read_vensim(str(tmp_path / "by_band.mdl")).run(
            return_columns=["Under 55 FTE", "Over 55 FTE"]
        )
    text = (DATA / "two_band_sd.toml").read_text(encoding="utf-8")
    rule = '[[cohort.participation]]\nannual_change = -0.02\nchange_kind = "continuous"\n'
    assert rule in text
    by_band = (
        '[[cohort.participation]]\nbands = ["under55"]\nannual_change = -0.02\n'
        'change_kind = "continuous"\n\n'
        '[[cohort.participation]]\nbands = ["55+"]\nannual_change = -0.08\n'
        'change_kind = "continuous"\n'
    )
    (tmp_path / "by_band.toml").write_text(text.replace(rule, by_band), encoding="utf-8")
    loaded = load_scenario(tmp_path / "by_band.toml")
    fc = run_cohort(loaded.scenario.cohort, load_cohort_data(loaded).stocks)
    ours = fc.engine.fte[0, :, 0, 0, :]
    np.testing.assert_allclose(ours[:, 0], out["Under 55 FTE"].to_numpy(), rtol=1e-9, atol=0)
    np.testing.assert_allclose(ours[:, 1], out["Over 55 FTE"].to_numpy(), rtol=1e-9, atol=0)
    # and it differs from one rate for both bands: the band's rule is used
    assert abs(ours[-1, 1] / _ours()[-1, 1] - 1) > 0.05
