"""Writes ``PCNW September 2022 - Bulletin tables.xlsx``, the synthetic PCN workforce bulletin
tables sample (see README.md): ``.venv/bin/python tests/data/pcn_bulletin/make_sample.py``."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from pcn_tables_support import column, with_area_totals, write_bulletin  # noqa: E402

NAME = "PCNW September 2022 - Bulletin tables.xlsx"
DIR, GP, NURSE = "Directors", "Other GPs", "Other Nurses"
DPC, ADMIN = "Other Direct Patient Care staff", "Other Admin/Non-clinical staff"
AREAS = {"03W": "Y60/QK1", "04C": "Y60/QK1", "04V": "Y60/QK1", "71E": "Y60/QJM"}
# sub-ICB, PCN code, name, {(group, role heading start): (FTE, headcount)}
PCNS = [
    ("03W", "U09521", "OADBY and WIGSTON PCN", {
        (DIR, "Medical Clinical Director"): (0.4, 1),
        (DPC, "Pharmacists"): (3.2, 4),
        (DPC, "Advanced Pharmacist"): (0.8, 1),
        (DPC, "Care Coordinators"): (2.0, 2),
        (DPC, "Social Prescribing Link Workers   (Non-"): (1.5, 2),
        (DPC, "Social Prescribing Link Workers (Mental"): (0.5, 1),
        (DPC, "Paramedics"): (1.0, 1),
        (ADMIN, "Managers"): (1.0, 1),
        (NURSE, "Community Mental Health Nurses (Mental"): (0.6, 1),
    }),
    ("04C", "U00147", "AEGIS HEALTHCARE PCN", {
        (DPC, "Pharmacists"): (4.0, 5),
        (DPC, "Physician Associates"): (2.0, 2),
        (DPC, "Health and Wellbeing Coaches"): (1.0, 1),
        (GP, "Salaried GPs"): (1.5, 2),
        (ADMIN, "Receptionists"): (0.8, 1),
    }),
    ("04V", "U33192", "SOAR VALLEY PCN", {
        (DPC, "Pharmacists"): (2.5, 3),
        (DPC, "Pharmacy Technicians"): (1.6, 2),
        (DPC, "Mental Health and Wellbeing Practitioners (Mental"): (1.0, 1),
        (ADMIN, "Digital and Transformation"): (0.5, 1),
    }),
    ("71E", "U08229", "SOLAS PCN", {
        (DPC, "Pharmacists"): (5.0, 6),
        (DPC, "Care Coordinators"): (3.0, 4),
    }),
]  # fmt: skip


def measure(k: int) -> list[tuple[str, str, str, dict[int, float]]]:
    return [
        (s, code, name, {column(g, r): v[k] for (g, r), v in roles.items()})
        for s, code, name, roles in PCNS
    ]


def write(folder: Path) -> Path:
    note = [("Source: synthetic sample in the published layout (see README.md)", None, None)]
    return write_bulletin(
        folder / NAME,
        with_area_totals(measure(0), AREAS) + note,
        with_area_totals(measure(1), AREAS) + note,
    )


if __name__ == "__main__":
    print(write(HERE))
