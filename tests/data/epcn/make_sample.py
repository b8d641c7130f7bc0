"""Writes ``ePCN.xlsx``, the synthetic ODS ePCN sample (see README.md), from the real January
2022 practice map in ``../shared/data``:
``GPWORKFORCE_DATA_DIR=/work/shared/data .venv/bin/python tests/data/epcn/make_sample.py``."""

from __future__ import annotations

from pathlib import Path

from gpworkforce.loaders.synthetic_epcn import PCNS_ESTABLISHED, write_epcn_from_map
from gpworkforce.paths import nhs_file

HERE = Path(__file__).resolve().parent
ICB = "QK1"  # Leicester, Leicestershire and Rutland
SUB_ICB_NAMES = {
    code: f"NHS LEICESTER, LEICESTERSHIRE AND RUTLAND ICB - {code}"
    for code in ("03W", "04C", "04V")
}
# practice -> its relationships instead of one spell from 1 July 2019 (made up, see README)
MOVES = {
    # moves PCN mid-year, after the January 2022 map: Oct 2023 into Cross Counties PCN
    "C82002": [("U71931", PCNS_ESTABLISHED, "20230930"), ("U30213", "20231001", None)],
    # moved before the January 2022 map, which still shows the old PCN (a disagreement)
    "C82005": [("U05796", PCNS_ESTABLISHED, "20210930"), ("U05642", "20211001", None)],
}

if __name__ == "__main__":
    write_epcn_from_map(
        nhs_file("gp_reg_pat_prac_map_2022-01.csv"),
        HERE / "ePCN.xlsx",
        icb=ICB,
        moves=MOVES,
        sub_icb_names=SUB_ICB_NAMES,
    )
