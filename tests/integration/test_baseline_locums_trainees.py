"""GP locums and trainees are a staff group of their own in every report (issue 10, item 4).

The oracle is the published file itself: the TOTAL_LOCUUM_TRN_FTE column summed with the csv
module over the rows whose own ICB_NAME names the ICB (9,311.2 FTE in England for FY2024, LLR
228.9, BLMK 144.0: the figures issue 10 quotes).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from gpworkforce.baseline import BaselineData, staff_by_group_frame
from gpworkforce.baseline.report import all_levels_frames
from gpworkforce.baseline.scope import practice_level_map
from gpworkforce.domain.orgs import OrgType
from gpworkforce.loaders import build_registry, load_practice_year_staff_groups

pytestmark = pytest.mark.integration

FY2024 = dt.date(2024, 3, 31)
FILE = "gpw_practice_fy2023_2025_staff_groups.csv"
LABEL = "GP locums and trainees"


def _file_sum(shared_data: Path, icb_name: str | None, practices: set[str] | None = None) -> float:
    total = 0.0
    with (shared_data / "nhs" / FILE).open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            value = row["TOTAL_LOCUUM_TRN_FTE"]
            wanted = (
                row["Year"] == "2024"
                and value != "NA"
                and (icb_name is None or row["ICB_NAME"] == icb_name)
                and (practices is None or row["Practice.Code"] in practices)
            )
            if wanted:
                total += float(value)
    return total


@pytest.fixture(scope="module")
def data(shared_data: Path) -> BaselineData:
    loaded = load_practice_year_staff_groups(shared_data / "nhs" / FILE)
    return BaselineData(
        workforce=loaded.workforce, registry=build_registry(shared_data), patients=loaded.patients
    )


@pytest.mark.parametrize(
    ("icb", "name", "published"),
    [
        ("QK1", "Leicester, Leicestershire and Rutland", 228.9),
        ("QHG", "Bedfordshire, Luton and Milton Keynes", 144.0),
    ],
)
def test_icb_reports_locums_and_trainees_and_both_totals(
    data: BaselineData, shared_data: Path, icb: str, name: str, published: float
) -> None:
    # the report's GP column for these files (no registrar split): qualified GPs
    frame, notes = staff_by_group_frame(data, icb, FY2024, source="gpw", gp_node="GP_QUALIFIED")
    total = frame.set_index("row").loc["total"]
    assert round(_file_sum(shared_data, name), 1) == published
    assert round(float(total[f"{LABEL} WTE"]), 1) == published
    assert float(total[f"Total incl. {LABEL} WTE"]) == pytest.approx(
        float(total["Total WTE"]) + float(total[f"{LABEL} WTE"])
    )
    assert any("a staff group of their own" in n for n in notes)


def test_england_all_levels_carry_the_group(data: BaselineData, shared_data: Path) -> None:
    """The ICBs add up to the file's figure over the practices the registry places (9,309.9 of
    the file's 9,311.2 FTE: 1.3 FTE sit in practices the registry does not know on the date)."""
    frames = all_levels_frames(data, FY2024, levels=[OrgType.ICB], source="gpw")
    icbs = frames[OrgType.ICB]
    placed = set(practice_level_map(data.registry, FY2024, OrgType.ICB))
    assert round(float(icbs[f"{LABEL} WTE"].sum()), 1) == round(
        _file_sum(shared_data, None, placed), 1
    )
    assert round(_file_sum(shared_data, None), 1) == 9311.2
    assert (icbs[f"Total incl. {LABEL} WTE"] >= icbs["Total WTE"]).all()
