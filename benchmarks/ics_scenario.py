"""Writes the synthetic starting stocks and lists of ``scenarios/ics-cohort/`` (run once; the
files are committed, and ``python -m benchmarks.ics_scenario --check`` says whether they are
still what this code writes).

The practices are the real ones the NHS registry places in Leicester, Leicestershire and
Rutland ICB (QK1) on 31 March 2024 (public ODS codes); every figure is made up, seeded: per
practice a list size, and for each of the 42 taxonomy leaves a headcount drawn around a typical
staff-per-10,000-patients ratio (roles missing from some practices), spread over ten age bands
by a typical age profile of the staff group with practice-level noise, and FTE per head per role.
No practice's mix is proportional to another's, so every practice has its own path (the general
case for the per-practice quantiles).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "scenarios" / "ics-cohort"
BANDS = ("20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64", "65+")
# staff group -> share of headcount in each band (assumption)
AGE_PROFILE = {
    "GP": (0.0, 0.05, 0.14, 0.17, 0.17, 0.15, 0.13, 0.1, 0.06, 0.03),
    "NURSE": (0.01, 0.05, 0.08, 0.1, 0.12, 0.14, 0.17, 0.16, 0.11, 0.06),
    "DPC": (0.08, 0.17, 0.17, 0.14, 0.12, 0.1, 0.09, 0.07, 0.04, 0.02),
    "ADMIN": (0.07, 0.08, 0.08, 0.09, 0.1, 0.12, 0.15, 0.15, 0.1, 0.06),
}
# leaf -> (headcount per 10,000 patients, share of practices with any, FTE per head), assumption
PER_10K = {
    "GP_SENIOR_PARTNER": (0.4, 0.6, 0.85),
    "GP_PARTNER_PROVIDER": (2.5, 0.9, 0.8),
    "GP_SALARIED_BY_PRACTICE": (2.4, 0.85, 0.6),
    "GP_SALARIED_BY_OTHER": (0.2, 0.15, 0.6),
    "GP_RETAINER": (0.1, 0.1, 0.4),
    "GP_REGISTRAR_ST3_4": (0.8, 0.5, 0.9),
    "GP_REGISTRAR_ST1_2": (0.4, 0.35, 0.9),
    "GP_REGISTRAR_F1_2": (0.2, 0.25, 1.0),
    "GP_LOCUM_ABSENCE": (0.3, 0.3, 0.3),
    "GP_LOCUM_VACANCY": (0.3, 0.3, 0.3),
    "GP_LOCUM_OTHER": (0.2, 0.2, 0.3),
}
DEFAULT = {"NURSE": (0.6, 0.5, 0.75), "DPC": (0.5, 0.4, 0.8), "ADMIN": (3.0, 0.8, 0.7)}
COMMON = {"NURSE_PRACTICE": (3.0, 0.98, 0.75), "DPC_HCA": (1.5, 0.8, 0.7)}


def practices() -> list[str]:
    from gpworkforce.domain.orgs import OrgType
    from gpworkforce.loaders.registry import build_registry

    on = dt.date(2024, 3, 31)
    return sorted(
        p for p, icb in build_registry().practice_map(on, OrgType.ICB).items() if icb == "QK1"
    )


def texts(codes: list[str]) -> tuple[str, str]:
    """The stocks CSV (org,class,band,headcount,fte) and the patients CSV (org,registered)."""
    from gpworkforce.domain.taxonomy import load_taxonomy

    rng = np.random.default_rng(20240331)
    leaves = list(load_taxonomy().leaves.values())
    stocks, patients = io.StringIO(), io.StringIO()
    stocks.write("org,class,band,headcount,fte\n")
    patients.write("org,registered\n")
    for code in codes:
        registered = float(np.round(rng.lognormal(np.log(8500), 0.5)))
        patients.write(f"{code},{registered:.0f}\n")
        for leaf in leaves:
            group = leaf.group.value
            per, present, fph = PER_10K.get(leaf.code) or COMMON.get(leaf.code) or DEFAULT[group]
            if rng.uniform() > present:
                continue
            hc = per * registered / 10_000 * rng.lognormal(0.0, 0.35)
            profile = np.asarray(AGE_PROFILE[group]) * rng.lognormal(0.0, 0.3, len(BANDS))
            profile /= profile.sum()
            for band, share in zip(BANDS, profile, strict=True):
                h = round(hc * share, 4)
                if h <= 0:
                    continue
                f = round(h * min(1.0, fph * rng.lognormal(0.0, 0.1)), 4)
                stocks.write(f"{code},{leaf.code},{band},{h:g},{f:g}\n")
    return stocks.getvalue(), patients.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--check", action="store_true", help="compare with the committed files")
    args = ap.parse_args(argv)
    stocks, patients = texts(practices())
    files = {"stocks.csv": stocks, "patients.csv": patients}
    if args.check:
        stale = [n for n, t in files.items() if (OUT / n).read_text(encoding="utf-8") != t]
        print("stale: " + ", ".join(stale) if stale else "up to date")
        return 1 if stale else 0
    for name, text in files.items():
        (OUT / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
