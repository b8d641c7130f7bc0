"""The layout of a practice return: sheets, columns and limits, in one place.

Both file formats and the web form share these definitions. A field has a *key* (``role_code``,
used as the CSV header and in dictionaries) and a *header* (``Role code``, used in the XLSX
template). Headers are matched after normalising case, spaces and punctuation, so either spelling
is accepted in either format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SheetName = Literal["Practice", "Staff", "Vacancies", "Locums", "Spend"]
ColumnStyle = Literal["header", "key"]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One column of a return sheet."""

    key: str
    header: str
    help: str
    required: bool = True
    width: int = 16


@dataclass(frozen=True, slots=True)
class SheetSpec:
    name: SheetName
    section: str  # value of the CSV ``section`` column
    fields: tuple[FieldSpec, ...]
    help: str
    optional: bool = False  # a workbook may leave the sheet out, a CSV its columns

    def field(self, key: str) -> FieldSpec:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    def column(self, key: str, style: ColumnStyle) -> str:
        spec = self.field(key)
        return spec.header if style == "header" else spec.key


PRACTICE = SheetSpec(
    name="Practice",
    section="practice",
    fields=(
        FieldSpec(
            "practice_code", "Practice code", "The practice's ODS code, e.g. C82001.", width=18
        ),
        FieldSpec(
            "census_date",
            "Census date",
            "The quarter end the return describes: 31 Mar, 30 Jun, 30 Sep or 31 Dec.",
            width=18,
        ),
    ),
    help="Which practice and which quarter end this return describes.",
)

STAFF = SheetSpec(
    name="Staff",
    section="staff",
    fields=(
        FieldSpec(
            "role_code", "Role code", "A role code from the Lists sheet (not a locum).", width=28
        ),
        FieldSpec("headcount", "Headcount", "Number of people on this line (a whole number)."),
        FieldSpec(
            "hours_per_week",
            "Hours per week",
            "Total contracted hours a week of everyone on this line. Leave empty for GP sessions.",
            required=False,
        ),
        FieldSpec(
            "sessions_per_week",
            "Sessions per week",
            "GPs only: total sessions a week of everyone on this line. Give hours OR sessions.",
            required=False,
        ),
        FieldSpec(
            "age_band", "Age band", "An age band from the Lists sheet (Unknown if not known)."
        ),
        FieldSpec("sex", "Sex", "F, M or U (unknown)."),
        FieldSpec("contract_type", "Contract type", "A contract type from the Lists sheet."),
    ),
    help=(
        "One line per role, age band, sex and contract type, with the number of people and their "
        "total weekly hours (or, for GPs, sessions). GP locums go on the Locums sheet."
    ),
)

VACANCIES = SheetSpec(
    name="Vacancies",
    section="vacancy",
    fields=(
        FieldSpec(
            "role_code", "Role code", "A role code from the Lists sheet (not a locum).", width=28
        ),
        FieldSpec("wte_vacant", "WTE vacant", "Whole-time equivalent vacant, more than 0."),
        FieldSpec("months_open", "Months open", "Whole months the vacancy has been open (0-120)."),
    ),
    help="Posts being recruited to on the census date: role, WTE vacant and months open.",
)

LOCUMS = SheetSpec(
    name="Locums",
    section="locum",
    fields=(
        FieldSpec(
            "locum_type",
            "Locum type",
            "GP_LOCUM_ABSENCE, GP_LOCUM_VACANCY or GP_LOCUM_OTHER.",
            width=24,
        ),
        FieldSpec("headcount", "Headcount", "Number of locum GPs on this line (a whole number)."),
        FieldSpec(
            "sessions_per_week",
            "Sessions per week",
            "Average total sessions a week they worked over the quarter.",
        ),
        FieldSpec("age_band", "Age band", "Optional; Unknown if empty.", required=False),
        FieldSpec("sex", "Sex", "Optional; F, M or U (unknown if empty).", required=False),
    ),
    help="GP locums by type with their average sessions a week over the quarter.",
)

SPEND = SheetSpec(
    name="Spend",
    section="spend",
    fields=(
        FieldSpec(
            "locum_spend_gbp",
            "Locum spend (GBP)",
            "Optional: what the practice paid for GP locums in the quarter, in pounds.",
            required=False,
            width=20,
        ),
        FieldSpec(
            "agency_spend_gbp",
            "Agency spend (GBP)",
            "Optional: what the practice paid agencies for staff in the quarter, in pounds.",
            required=False,
            width=20,
        ),
    ),
    help=(
        "Optional: the quarter's locum and agency spend in pounds, on one line. Leave a figure"
        " empty if it is not known (empty is never read as zero)."
    ),
    optional=True,
)

SHEETS: tuple[SheetSpec, ...] = (PRACTICE, STAFF, VACANCIES, LOCUMS, SPEND)
SHEETS_BY_NAME: dict[str, SheetSpec] = {s.name: s for s in SHEETS}
SHEETS_BY_SECTION: dict[str, SheetSpec] = {s.section: s for s in SHEETS}

# The CSV format: one file, one ``section`` column, then the union of every sheet's columns.
CSV_SECTION_COLUMN = "section"
CSV_COLUMNS: tuple[str, ...] = (
    CSV_SECTION_COLUMN,
    *dict.fromkeys(f.key for s in SHEETS for f in s.fields),
)
# the columns a CSV return must have (an optional section's columns may be left out)
CSV_REQUIRED_COLUMNS: tuple[str, ...] = (
    CSV_SECTION_COLUMN,
    *dict.fromkeys(f.key for s in SHEETS if not s.optional for f in s.fields),
)

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalise_header(text: object) -> str:
    """``'Role code'``, ``'ROLE_CODE'`` and ``' role-code '`` all become ``'role_code'``."""
    return _NON_ALNUM.sub("_", str(text).strip().lower()).strip("_")


class ReturnLimits(BaseModel):
    """Bounds that keep a hostile or broken upload from exhausting the machine."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_bytes: int = Field(5 * 1024 * 1024, gt=0, description="Largest file accepted, in bytes.")
    max_uncompressed_bytes: int = Field(
        50 * 1024 * 1024, gt=0, description="Largest total unpacked size of an XLSX's zip members."
    )
    max_zip_entries: int = Field(500, gt=0, description="Most members an XLSX zip may hold.")
    max_rows: int = Field(2000, gt=0, description="Most data rows on one sheet (or CSV section).")
    max_columns: int = Field(60, gt=0, description="Columns read from each sheet.")
    max_headcount_per_line: int = Field(
        1000, gt=0, description="Largest headcount on one line (no practice employs more)."
    )
    max_hours_per_head: float = Field(80.0, gt=0, description="Weekly hours one person can work.")
    max_sessions_per_head: float = Field(12.0, gt=0, description="Weekly sessions one GP can work.")
    max_months_open: int = Field(120, ge=0, description="Longest a vacancy may have been open.")
    max_vacancy_wte: float = Field(100.0, gt=0, description="Largest WTE on one vacancy line.")
    max_quarter_spend_gbp: float = Field(
        5_000_000.0,
        gt=0,
        description="Largest locum or agency spend one practice has in a quarter.",
    )


DEFAULT_LIMITS = ReturnLimits()
