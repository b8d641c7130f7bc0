"""A synthetic national "Practice Level - Detailed" file in the current layout (benchmarks, tests).

Every column of :func:`~gpworkforce.loaders.gpw_layouts.current_layout_columns` is filled with
seeded random figures: headcounts 0-12, FTE to 2 dp, about 1 % of cells ``NA``. The figures are
made up; only the shape (one row per practice, the full column set) is that of the real file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gpworkforce.loaders.gpw_layouts import PATIENTS, current_layout_columns

NATIONAL_PRACTICES = 6400


def synthetic_detailed(n_practices: int = NATIONAL_PRACTICES, seed: int = 2017) -> pd.DataFrame:
    """The synthetic file's table (strings for codes, floats with NaN for NA)."""
    rng = np.random.default_rng(seed)
    cols = current_layout_columns()
    codes = [f"X{i:05d}" for i in range(n_practices)]
    data: dict[str, object] = {}
    for col in cols:
        if col in ("PRAC_CODE",):
            data[col] = codes
        elif col.endswith("_CODE"):
            data[col] = [f"Q{i % 42:02d}" for i in range(n_practices)]
        elif col.endswith("_NAME") or col.endswith("_SOURCE"):
            data[col] = [f"SYNTHETIC {col[:3]} {i % 97}" for i in range(n_practices)]
        elif col == PATIENTS or "PATIENTS" in col or col in ("TOTAL_MALE", "TOTAL_FEMALE"):
            data[col] = rng.integers(1000, 30000, n_practices).astype(float)
        elif "_FTE" in col:
            data[col] = np.round(rng.uniform(0, 9, n_practices), 2)
        else:
            data[col] = rng.integers(0, 13, n_practices).astype(float)
    frame = pd.DataFrame(data, columns=cols)
    numeric = [c for c in cols if frame[c].dtype == float and c != PATIENTS]
    mask = rng.random((n_practices, len(numeric))) < 0.01
    values = frame[numeric].to_numpy()
    values[mask] = np.nan
    frame[numeric] = values
    return frame


def synthetic_detailed_csv(n_practices: int = NATIONAL_PRACTICES, seed: int = 2017) -> str:
    """The synthetic file's text as NHS Digital writes it (``NA`` for not available)."""
    return synthetic_detailed(n_practices, seed).to_csv(index=False, na_rep="NA", float_format="%g")
