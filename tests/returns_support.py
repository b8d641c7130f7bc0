"""Shared test data for the practice-return tests: a tiny registry and a valid base return."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from gpworkforce.domain.demography import AgeBand, ContractType, Sex
from gpworkforce.domain.orgs import Organisation, OrgRegistry, OrgType, ParentLink
from gpworkforce.domain.returns import LocumLine, PracticeReturn, StaffLine, VacancyLine
from gpworkforce.domain.taxonomy import load_taxonomy

CENSUS = dt.date(2017, 9, 30)
TAXONOMY = load_taxonomy()

REGISTRY = OrgRegistry.build(
    [
        Organisation("03W", "NHS East Leicestershire and Rutland CCG", OrgType.SUB_ICB),
        Organisation("C82001", "Open practice", OrgType.PRACTICE, opened=dt.date(1974, 4, 1)),
        Organisation("C82002", "Second open practice", OrgType.PRACTICE),
        Organisation("C82003", "Closed practice", OrgType.PRACTICE, closed=dt.date(2016, 3, 31)),
        Organisation("C82004", "Not yet open", OrgType.PRACTICE, opened=dt.date(2018, 1, 1)),
    ],
    [ParentLink(p, "03W") for p in ("C82001", "C82002", "C82003", "C82004")],
)


def base_return(code: str = "C82001", census: dt.date = CENSUS) -> PracticeReturn:
    """A small valid return touching every sheet and both hours and sessions."""
    return PracticeReturn(
        practice_code=code,
        census_date=census,
        staff=(
            StaffLine(
                "GP_PARTNER_PROVIDER",
                3,
                AgeBand.A45_49,
                Sex.FEMALE,
                ContractType.PARTNER,
                sessions_per_week=22.5,
            ),
            StaffLine(
                "GP_SENIOR_PARTNER",
                1,
                AgeBand.A60_64,
                Sex.MALE,
                ContractType.PARTNER,
                sessions_per_week=8.0,
            ),
            StaffLine(
                "GP_REGISTRAR_ST3_4",
                1,
                AgeBand.UNDER_30,
                Sex.FEMALE,
                ContractType.TRAINEE,
                hours_per_week=40.0,
            ),
            StaffLine(
                "NURSE_PRACTICE",
                2,
                AgeBand.A55_59,
                Sex.FEMALE,
                ContractType.SALARIED,
                hours_per_week=52.5,
            ),
            StaffLine(
                "DPC_HCA", 1, AgeBand.A35_39, Sex.FEMALE, ContractType.BANK, hours_per_week=15.0
            ),
            StaffLine(
                "ADMIN_RECEPTION",
                4,
                AgeBand.UNKNOWN,
                Sex.UNKNOWN,
                ContractType.SALARIED,
                hours_per_week=90.0,
            ),
        ),
        vacancies=(VacancyLine("GP_SALARIED_BY_PRACTICE", 1.0, 4),),
        locums=(
            LocumLine("GP_LOCUM_VACANCY", 2, 7.5, AgeBand.A40_44, Sex.MALE),
            LocumLine("GP_LOCUM_OTHER", 1, 2.0),
        ),
    )


def base_dict() -> dict[str, object]:
    """The base return as the plain data a web form would give (field keys, text values)."""
    return {
        "practice_code": "C82001",
        "census_date": "2017-09-30",
        "staff": [
            {
                "role_code": "GP_PARTNER_PROVIDER",
                "headcount": "3",
                "sessions_per_week": "22.5",
                "age_band": "45-49",
                "sex": "F",
                "contract_type": "partner",
            },
            {
                "role_code": "NURSE_PRACTICE",
                "headcount": "2",
                "hours_per_week": "52.5",
                "age_band": "55-59",
                "sex": "F",
                "contract_type": "salaried",
            },
        ],
        "vacancies": [
            {"role_code": "GP_SALARIED_BY_PRACTICE", "wte_vacant": "1", "months_open": "4"}
        ],
        "locums": [{"locum_type": "GP_LOCUM_OTHER", "headcount": "1", "sessions_per_week": "2"}],
    }


def rezip(data: bytes, replace: dict[str, bytes | None]) -> bytes:
    """A copy of a zip (XLSX) with members replaced or added, or removed where the value is None."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename in replace:
                new = replace[info.filename]
                if new is not None:
                    dst.writestr(info.filename, new)
            else:
                dst.writestr(info, src.read(info.filename))
        for name, new in replace.items():
            if new is not None and name not in src.namelist():
                dst.writestr(name, new, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def sheet_member(data: bytes, sheet_name: str) -> str:
    """The zip member holding ``sheet_name`` (XlsxWriter numbers sheets in creation order)."""
    order = ["Instructions", "Practice", "Staff", "Vacancies", "Locums", "Lists"]
    return f"xl/worksheets/sheet{order.index(sheet_name) + 1}.xml"
