"""Writes workbooks in the layout of NHS Digital's "Primary Care Network Workforce" bulletin
tables (PCN-level sheets Table 4a, FTE, and Table 4b, headcount); see
``tests/data/pcn_bulletin/README.md`` for where the layout comes from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import xlsxwriter

_DIR = "Directors"
_GP = "Other GPs"
_NURSE = "Other Nurses"
_DPC = "Other Direct Patient Care staff"
_ADMIN = "Other Admin/Non-clinical staff"
_MH = "(Mental Health Practitioners)"
_NON = "(Non-Mental Health Practitioners)"

# (staff-group heading, role heading) of Table 4a/4b of the October 2024 bulletin tables, in order
COLUMNS: tuple[tuple[str, str], ...] = (
    (_DIR, "Medical Clinical Director (GP)"),
    (_DIR, "Clinical Director (Nurse)"),
    (_DIR, "Clinical Director (Direct Patient Care)"),
    (_DIR, "Non-clinical Director"),
    (_GP, "Salaried GPs [Notes 12,23]"),
    (_GP, "GP Locums"),
    (_NURSE, "Advanced Nurse Practitioners [Note 12]"),
    (_NURSE, f"Community Mental Health Nurses {_NON} [Note 20]"),
    (_NURSE, f"Community Mental Health Nurses {_MH} [Notes 12,20]"),
    (_NURSE, "Nurse Dispensers"),
    (_NURSE, "Nurse Specialists"),
    (_NURSE, "Trainee Nurses"),
    (_NURSE, "Other Nurses"),
    (_DPC, "Advanced Dietician Practitioners [Notes 11,12]"),
    (_DPC, f"Advanced Occupational Therapist Practitioners {_NON} [Notes 11,12, 20]"),
    (_DPC, f"Advanced Occupational Therapist Practitioners {_MH} [Notes 11,12, 20]"),
    (_DPC, "Advanced Osteopath Practitioners [Note 11]"),
    (_DPC, "Advanced Paramedic Practitioners [Notes 11,12]"),
    (_DPC, "Advanced Pharmacist Practitioners [Notes 11,12]"),
    (_DPC, "Advanced Physiotherapist Practitioners [Notes 11,12]"),
    (_DPC, "Advanced Podiatrist Practitioners [Notes 11,12]"),
    (_DPC, f"Applied Psychologists – Clinical {_NON} [Note 20]"),
    (_DPC, f"Applied Psychologists – Clinical {_MH} [Notes 12,20]"),
    (_DPC, "Apprentices"),
    (_DPC, "Care Coordinators [Note 12]"),
    (_DPC, f"Clinical Associates in Psychology {_NON} [Note 20]"),
    (_DPC, f"Clinical Associates in Psychology {_MH} [Notes 12,20]"),
    (_DPC, "Dieticians  [Notes 11,12]"),
    (_DPC, "Dispensers"),
    (_DPC, "General Practice Assistants [Note 12]"),
    (_DPC, "Health and Wellbeing Coaches  [Note 12]"),
    (_DPC, "Health Support Workers [Note 12]"),
    (_DPC, "Healthcare Assistants [Note 12]"),
    (_DPC, "NHS Talking Therapies Therapists [Note 21]"),
    (_DPC, f"Mental Health and Wellbeing Practitioners {_NON} [Note 20]"),
    (_DPC, f"Mental Health and Wellbeing Practitioners {_MH} [Notes 12,20]"),
    (_DPC, "Nursing Associates [Note 12]"),
    (_DPC, "Osteopaths"),
    (_DPC, "Paramedics [Notes 11,12]"),
    (_DPC, f"Peer Support Workers {_NON} [Note 20]"),
    (_DPC, f"Peer Support Workers {_MH} [Notes 12,20]"),
    (_DPC, "Pharmacists [Notes 11,12]"),
    (_DPC, "Pharmacy Technicians [Note 12]"),
    (_DPC, "Phlebotomists"),
    (_DPC, "Physician Associates [Note 12]"),
    (_DPC, "Physiotherapists [Notes 11,12]"),
    (_DPC, "Podiatrists [Notes 11,12]"),
    (_DPC, f"Social Prescribing Link Workers   {_NON} [Notes 12,20]"),
    (_DPC, f"Social Prescribing Link Workers {_MH} [Notes 12,20]"),
    (_DPC, f"Social Workers {_NON} [Note 20]"),
    (_DPC, f"Social Workers {_MH} [Notes 12,20]"),
    (_DPC, f"Therapists {_NON} [Notes 11,12,20]"),
    (_DPC, f"Therapists {_MH} [Notes 11,12,20]"),
    (_DPC, f"Trainee Clinical Associates in Psychology {_NON} [Note 20]"),
    (_DPC, f"Trainee Clinical Associates in Psychology {_MH} [Notes 12,20]"),
    (_DPC, "Trainee NHS Talking Therapies Therapists [Note 21]"),
    (_DPC, f"Trainee Mental Health and Wellbeing Practitioners {_NON} [Note 20]"),
    (_DPC, f"Trainee Mental Health and Wellbeing Practitioners {_MH} [Notes 12,20]"),
    (_DPC, "Trainee Nursing Associates [Note 12]"),
    (_DPC, "Trainee Pharmacy Technicians"),
    (_DPC, "Other"),
    (_ADMIN, "Apprentices"),
    (_ADMIN, "Digital and Transformation Leads [Note 12]"),
    (_ADMIN, "Estates and Ancillary"),
    (_ADMIN, "Managers"),
    (_ADMIN, "Medical Secretaries"),
    (_ADMIN, "Receptionists"),
    (_ADMIN, "Telephonists"),
    (_ADMIN, "Other Admin/Non-Clinical"),
)
TITLES = {
    "Table 4a": "Table 4a: Primary Care Network workforce: staff and contracted services, by "
    "roles. Full-time equivalent. NHS England Region, Integrated Care Board (ICB), Sub-ICB "
    "Location and Primary Care Network (PCN)",
    "Table 4b": "Table 4b: Primary Care Network workforce: staff, by roles. Headcount. NHS "
    "England Region, Integrated Care Board (ICB), Sub-ICB Location and Primary Care Network (PCN)",
}
# an area row: code, name, then per column index its value (others 0; None: a note row)
Row = tuple[str, str | None, Mapping[int, object] | None]


def column(group: str, role: str) -> int:
    """The index in :data:`COLUMNS` of the column whose heading starts with ``role``
    (spaces collapsed)."""

    def plain(text: str) -> str:
        return " ".join(text.split())

    (found,) = [
        i for i, (g, r) in enumerate(COLUMNS) if g == group and plain(r).startswith(plain(role))
    ]
    return found


def write_bulletin(
    path: Path,
    fte_rows: Sequence[Row],
    headcount_rows: Sequence[Row],
    *,
    extra_sheets: Sequence[str] = ("Title and Contents", "Notes"),
    omit_sheet: str | None = None,
) -> Path:
    """A workbook with the title sheets and Tables 4a and 4b laid out as published: a title
    row, a note row, a blank row, the staff-group heading row (each heading merged over its
    roles), the role heading row, then the area rows (code, name, a value per role)."""
    book = xlsxwriter.Workbook(str(path))
    for name in extra_sheets:
        book.add_worksheet(name).write(0, 0, f"Primary Care Network Workforce - {name}")
    for sheet, rows in (("Table 4a", fte_rows), ("Table 4b", headcount_rows)):
        if sheet == omit_sheet:
            continue
        ws = book.add_worksheet(sheet)
        ws.write(0, 0, TITLES[sheet])
        ws.write(1, 0, "This worksheet contains one table. Notes are in the Notes worksheet.")
        start = 2
        while start < 2 + len(COLUMNS):
            group = COLUMNS[start - 2][0]
            end = start
            while end + 1 < 2 + len(COLUMNS) and COLUMNS[end + 1 - 2][0] == group:
                end += 1
            if end > start:
                ws.merge_range(3, start, 3, end, group)
            else:
                ws.write(3, start, group)
            start = end + 1
        for j, (_, role) in enumerate(COLUMNS):
            ws.write(4, j + 2, role)
        for i, (code, name, values) in enumerate(rows):
            ws.write(5 + i, 0, code)
            if name is not None:
                ws.write(5 + i, 1, name)
            if values is None:
                continue
            for j in range(len(COLUMNS)):
                ws.write(5 + i, j + 2, values.get(j, 0))
    book.close()
    return path


def with_area_totals(
    pcns: Sequence[tuple[str, str, str, Mapping[int, float]]], areas: Mapping[str, str]
) -> list[Row]:
    """Rows as the sheets list them: England, then each region, ICB and sub-ICB location
    followed by its PCNs, each area's value the sum of its PCNs'. ``pcns``: (sub-ICB, code,
    name, values); ``areas``: sub-ICB -> "region/ICB" codes; names are the codes."""

    def total(which: Sequence[Mapping[int, float]]) -> dict[int, float]:
        out: dict[int, float] = {}
        for values in which:
            for j, v in values.items():
                out[j] = round(out.get(j, 0.0) + v, 10)
        return out

    rows: list[Row] = [("England", None, total([p[3] for p in pcns]))]
    done: set[str] = set()
    for sub_icb in sorted({p[0] for p in pcns}, key=lambda s: areas[s]):
        region, icb = areas[sub_icb].split("/")
        for code, members in (
            (region, [s for s in areas if areas[s].startswith(region + "/")]),
            (icb, [s for s in areas if areas[s].endswith("/" + icb)]),
            (sub_icb, [sub_icb]),
        ):
            if code in done:
                continue
            done.add(code)
            rows.append((code, f"Area {code}", total([p[3] for p in pcns if p[0] in members])))
        rows += [(p[1], p[2], p[3]) for p in pcns if p[0] == sub_icb]
    return rows
