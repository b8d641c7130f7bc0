"""Run the Vensim two-age-band GP model (``benchmarks/gp_two_band.mdl``) with PySD.

Used only by the benchmark and the equivalence test: PySD is in the ``bench`` extra, so it is
imported lazily. The model's ``Practice`` subscript range is fixed in the ``.mdl`` text
(``(P1-P6300)``); :func:`load_model` writes a copy with the range re-sized to the number of
practices asked for into a scratch directory (PySD writes its translated ``.py`` beside the
``.mdl``, so the repository copy is never translated in place).

PySD conventions checked: integration is explicit Euler with ``TIME STEP``; the value reported at
time ``t`` is the stock at ``t`` (row 0 = the initial values), flows are evaluated on the stocks
at ``t`` and the stock at ``t + dt`` is ``stock + dt * net_flow``; every saved time from
``INITIAL TIME`` to ``FINAL TIME`` inclusive is returned (``SAVEPER = TIME STEP``).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.twoband import TwoBandPath, TwoBandRates

_RANGE = re.compile(r"\(P1-P\d+\)")


def _import_pysd() -> Any:
    # PySD 3.14 imports ``chardet.universaldetector``, deprecated in chardet 7: not our code.
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="chardet.universaldetector is deprecated", category=DeprecationWarning
        )
        import pysd
    return pysd


def load_model(mdl: Path, n_practices: int, workdir: Path) -> Any:
    """Translate ``mdl`` with its ``Practice`` range set to ``P1..Pn`` (in ``workdir``)."""
    pysd = _import_pysd()

    text = mdl.read_text(encoding="utf-8")
    if not _RANGE.search(text):
        raise ValueError(f"{mdl} has no Practice range like (P1-P6300)")
    resized = _RANGE.sub(f"(P1-P{n_practices})", text, count=1)
    target = Path(workdir) / f"gp_two_band_{n_practices}.mdl"
    target.write_text(resized, encoding="utf-8")
    return pysd.read_vensim(str(target))


def run_model(
    model: Any,
    under55: np.ndarray,
    over55: np.ndarray,
    trainees: np.ndarray,
    rates: TwoBandRates,
    steps: int,
) -> TwoBandPath:
    """Run the translated model for ``steps`` months (TIME STEP 1); return both stocks."""
    import xarray as xr

    n = len(trainees)
    coords = {"Practice": [f"P{i}" for i in range(1, n + 1)]}

    def per_practice(values: np.ndarray) -> xr.DataArray:
        return xr.DataArray(np.asarray(values, dtype=np.float64), coords, ["Practice"])

    params = {
        "initial_under_55_fte": per_practice(under55),
        "initial_over_55_fte": per_practice(over55),
        "trainees_qualifying": per_practice(trainees),
        "retention": float(rates.retention),
        "joiner_participation": float(rates.joiner_participation),
        "ageing_rate": float(rates.ageing_rate),
        "early_leaving_rate": float(rates.early_leaving_rate),
        "retirement_rate": float(rates.retirement_rate),
        "session_reduction_rate": float(rates.session_reduction),
    }
    model.initialize()
    out = model.run(
        params=params,
        final_time=steps,
        time_step=1,
        saveper=1,
        return_columns=["Under 55 FTE", "Over 55 FTE"],
        flatten_output=False,
    )
    under = np.stack([np.asarray(c.values, dtype=np.float64) for c in out["Under 55 FTE"]])
    over = np.stack([np.asarray(c.values, dtype=np.float64) for c in out["Over 55 FTE"]])
    return TwoBandPath(under, over)
