"""An ePCN workbook in the published layout made from a practice map (for tests and benchmarks).

The workbook is **synthetic**: its PCN and practice codes and names and sub-ICB location codes
are those of the practice map it is made from (real, for the maps in ``../shared/data``), but the
dates are made up (every PCN opened and every relationship started on 1 July 2019, when PCNs
were established) unless ``moves`` gives a practice's relationships. Layout: see
:mod:`gpworkforce.loaders.epcn` and ``tests/data/epcn/README.md``.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path

PCNS_ESTABLISHED = "20190701"
DETAILS_HEADER = (
    "PCN Code", "PCN Name", "Current Sub ICB Loc Code", "Sub ICB Location", "Open Date",
    "Close Date", "Address Line 1", "Address Line 2", "Address Line 3", "Address Line 4",
    "Address Line 5", "Postcode",
)  # fmt: skip
MEMBERS_HEADER = (
    "Partner\r\nOrganisation\r\nCode", "Partner\r\nName", "Practice\r\nParent\r\nSub ICB Loc Code",
    "Practice\r\nParent\r\nSub ICB Loc Name", "PCN Code", "PCN Name",
    "PCN Parent\r\nSub ICB Loc Code", "PCN Parent\r\nSub ICB Loc Name",
    "Practice to PCN\r\nRelationship\r\nStart Date", "Practice to PCN\r\nRelationship\r\nEnd Date",
)  # fmt: skip
Spell = tuple[str, str, str | None]  # PCN code, start YYYYMMDD, end YYYYMMDD or None


def write_epcn_from_map(
    map_path: Path,
    out: Path,
    *,
    icb: str | None = None,
    moves: Mapping[str, Sequence[Spell]] | None = None,
    sub_icb_names: Mapping[str, str] | None = None,
) -> Path:
    """Write ``out`` (an ePCN workbook) from the practices of a practice map in a PCN (those of
    ``icb`` only, when given); ``moves``: practice -> its relationships instead of one spell
    from 1 July 2019 to date in its map PCN."""
    import openpyxl

    with Path(map_path).open(encoding="utf-8-sig") as fh:
        rows = [
            r
            for r in csv.DictReader(fh)
            if r["PCN_CODE"] != "U" and (icb is None or r["STP_CODE"] == icb)
        ]
    names = dict(sub_icb_names or {})
    for r in rows:
        names.setdefault(r["CCG_CODE"], r["CCG_NAME"])
    pcns = {r["PCN_CODE"]: (r["PCN_NAME"], r["CCG_CODE"]) for r in rows}
    book = openpyxl.Workbook(write_only=True)
    details = book.create_sheet("PCNDetails")
    details.append(DETAILS_HEADER)
    for code, (name, sub) in sorted(pcns.items()):
        details.append([code, name, sub, names[sub], PCNS_ESTABLISHED, None,
                        None, None, None, None, None, None])  # fmt: skip
    members = book.create_sheet("PCN Core Partner Details")
    members.append(MEMBERS_HEADER)
    for r in sorted(rows, key=lambda r: r["PRACTICE_CODE"]):
        sub = r["CCG_CODE"]
        spells = (moves or {}).get(r["PRACTICE_CODE"], [(r["PCN_CODE"], PCNS_ESTABLISHED, None)])
        for pcn, start, end in spells:
            name, pcn_sub = pcns[pcn]
            members.append([
                r["PRACTICE_CODE"], r["PRACTICE_NAME"], sub, names[sub], pcn, name,
                pcn_sub, names[pcn_sub], start, end,
            ])  # fmt: skip
    book.save(out)
    return out
