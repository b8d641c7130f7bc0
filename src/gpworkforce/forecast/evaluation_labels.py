"""Labels of ``gpworkforce evaluate``'s outputs shared by the command that writes them and the
forecast that reads ``evaluation_bands.csv`` back (``gpworkforce forecast --band evaluated``)."""

from __future__ import annotations

from collections.abc import Mapping

METHOD_LABELS: Mapping[str, str] = {
    "persistence": "No change (persistence)",
    "trend-local": "Area's own trend",
    "trend-national": "National trend",
    "hee-linear": "HEE linear (LLR 2017 rates)",
    "cohort": "Cohort engine",
    "ensemble": "Ensemble (equal mix)",
}
LEVELS = {"icb": "ICB", "sub-icb": "sub-ICB location"}

CURRENT_BAND_COLUMNS = {
    "level": "Level",
    "method": "Method",
    "horizon": "Years ahead",
    "origins": "Starting years the band is made from",
    "q0.025": "P2.5 / central",
    "q0.1": "P10 / central",
    "q0.5": "P50 / central",
    "q0.9": "P90 / central",
    "q0.975": "P97.5 / central",
    "coverage_80": "Left-out check: inside P10-P90 (%)",
    "coverage_95": "Left-out check: inside P2.5-P97.5 (%)",
    "coverage_judged": "Enough starting years to judge the band",
    "target_met": "Meets the calibration target",
    "band_from": "Made from",
}
