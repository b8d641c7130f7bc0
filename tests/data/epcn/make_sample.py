"""Writes ``ePCN.xlsx``, the synthetic ODS ePCN sample (see README.md), from the real January
2022 practice map in ``../shared/data``:
``GPWORKFORCE_DATA_DIR=/work/shared/data .venv/bin/python tests/data/epcn/make_sample.py``."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
NAME = "ePCN.xlsx"
EXTRACT = "2024-06-30"  # the extract date the tests give as --period
ICB = "QK1"  # Leicester, Leicestershire and Rutland
SUB_ICB_NAMES = {
    "03W": "NHS LEICESTER, LEICESTERSHIRE AND RUTLAND ICB - 03W",
    "04C": "NHS LEICESTER, LEICESTERSHIRE AND RUTLAND ICB - 04C",
    "04V": "NHS LEICESTER, LEICESTERSHIRE AND RUTLAND ICB - 04V",
}
PCNS_ESTABLISHED = "20190701"
# practice -> [(PCN, start, end)] replacing its one spell from 1 July 2019 (made up, see README)
MOVES = {
    # moves PCN mid-year, after the January 2022 map: Oct 2023 into Cross Counties PCN
    "C82002": [("U71931", PCNS_ESTABLISHED, "20230930"), ("U30213", "20231001", None)],
    # moved before the January 2022 map, which still shows the old PCN (a disagreement)
    "C82005": [("U05796", PCNS_ESTABLISHED, "20210930"), ("U05642", "20211001", None)],
}
DETAILS_HEADER = [
    "PCN Code", "PCN Name", "Current Sub ICB Loc Code", "Sub ICB Location", "Open Date",
    "Close Date", "Address Line 1", "Address Line 2", "Address Line 3", "Address Line 4",
    "Address Line 5", "Postcode",
]  # fmt: skip
MEMBERS_HEADER = [
    "Partner\r\nOrganisation\r\nCode", "Partner\r\nName", "Practice\r\nParent\r\nSub ICB Loc Code",
    "Practice\r\nParent\r\nSub ICB Loc Name", "PCN Code", "PCN Name",
    "PCN Parent\r\nSub ICB Loc Code", "PCN Parent\r\nSub ICB Loc Name",
    "Practice to PCN\r\nRelationship\r\nStart Date", "Practice to PCN\r\nRelationship\r\nEnd Date",
]  # fmt: skip


def main() -> None:
    shared = Path(os.environ.get("GPWORKFORCE_DATA_DIR", HERE.parents[3] / "shared" / "data"))
    with (shared / "nhs/gp_reg_pat_prac_map_2022-01.csv").open(encoding="utf-8-sig") as fh:
        rows = [r for r in csv.DictReader(fh) if r["STP_CODE"] == ICB and r["PCN_CODE"] != "U"]
    pcns = {r["PCN_CODE"]: (r["PCN_NAME"], r["CCG_CODE"]) for r in rows}
    book = openpyxl.Workbook()
    details = book.active
    details.title = "PCNDetails"
    details.append(DETAILS_HEADER)
    for code, (name, sub) in sorted(pcns.items()):
        details.append([code, name, sub, SUB_ICB_NAMES[sub], PCNS_ESTABLISHED, None,
                        None, None, None, None, None, None])  # fmt: skip
    members = book.create_sheet("PCN Core Partner Details")
    members.append(MEMBERS_HEADER)
    for r in sorted(rows, key=lambda r: r["PRACTICE_CODE"]):
        sub = r["CCG_CODE"]
        spells = MOVES.get(r["PRACTICE_CODE"], [(r["PCN_CODE"], PCNS_ESTABLISHED, None)])
        for pcn, start, end in spells:
            name, pcn_sub = pcns[pcn]
            members.append([
                r["PRACTICE_CODE"], r["PRACTICE_NAME"], sub, SUB_ICB_NAMES[sub], pcn, name,
                pcn_sub, SUB_ICB_NAMES[pcn_sub], start, end,
            ])  # fmt: skip
    book.save(HERE / NAME)


if __name__ == "__main__":
    main()
